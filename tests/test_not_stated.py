""" "Not stated" is not "no" (issue 14.3): yes / no / not stated from the form and the import
to the pages, the API, HSDS and FHIR; filters match explicit answers only; the review page
flags what is not stated; a listing with no route is not published."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from clinics import moderation
from clinics.importing import export_rows
from clinics.models import Clinic, TreatmentRoute
from clinics.moderation.forms import form_timestamp
from clinics.opendata import hsds
from tests.builders import OfferingFactory, make_listing, make_moderator
from tests.test_import import row, run

pytestmark = pytest.mark.django_db

SAFETY = ["medical_screening", "vital_sign_monitoring", "clinician_on_site"]


def propose(client, name="Brand New Ketamine"):
    data = {
        "clinic_name": name,
        "website": "https://brandnew.example",
        "phone": "(503) 555-0123",
        "address_line1": "1 New St",
        "address_line2": "",
        "city": "Portland",
        "state": "OR",
        "postal_code": "97205",
        "npi": "",
        "name": "Sam",
        "role": "Owner",
        "work_email": "sam@brandnew.example",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
    }
    assert client.post(reverse("list_your_clinic"), data).status_code == 200
    return Clinic.objects.get(name=name)


def approve(client, clinic):
    url = reverse("moderation:clinic", args=[clinic.pk])
    version = client.get(url).context["version"]
    return client.post(url, {"action": "approve", "version": version}, follow=True)


def test_a_proposed_listing_states_nothing_and_goes_live_saying_so(client):
    proposed = propose(client)
    assert all(getattr(proposed, name) is None for name in Clinic.STATED_FACTS)

    client.force_login(make_moderator())
    review = client.get(reverse("moderation:clinic", args=[proposed.pk]))
    [flag] = [f for f in review.context["flags"] if f.startswith("Not stated by the clinic")]
    assert "accepting new patients" in flag and "medical screening before treatment" in flag
    assert "Not stated by the clinic: accepting new patients" in review.text

    # No route yet: approval is refused with a message, and nothing is published.
    refused = approve(client, proposed)
    assert "offers no treatment route, so it cannot be published" in refused.text
    proposed.refresh_from_db()
    assert proposed.status == Clinic.Status.PENDING

    OfferingFactory(location=proposed.locations.get())
    approve(client, proposed)
    proposed.refresh_from_db()
    assert proposed.status == Clinic.Status.PUBLISHED

    page = client.get(proposed.get_absolute_url()).text
    assert "Medical screening before treatment: not stated by the clinic" in page
    assert "Vital signs monitored during sessions: not stated by the clinic" in page
    assert "Clinician on site during sessions: not stated by the clinic" in page
    assert "Accepting new patients: not stated by the clinic" in page
    assert "Whether a referral is needed: not stated by the clinic." in page
    assert "No referral needed" not in page
    assert "Not accepting new patients" not in page
    assert ": no<" not in page

    detail = client.get(f"/api/v1/clinics/{proposed.slug}/").json()
    assert detail["accepting"] is None
    assert detail["how_to_start"]["referral_required"] is None
    assert detail["psychotherapy"] == {
        "any": None,
        "kap_in_house": None,
        "works_with_own_therapist": None,
        "integration_sessions": None,
    }
    assert {name: detail["safety"][name] for name in [*SAFETY, "rems_certified"]} == dict.fromkeys(
        [*SAFETY, "rems_certified"]
    )

    [result] = client.get("/api/v1/locations/?near=97205").json()["results"]
    assert (result["accepting"], result["psychotherapy"]) == (None, None)
    card = client.get("/search/?near=97205").text
    assert "Accepting new patients: not stated by the clinic" in card
    assert "Not stated by the clinic" in card and "Not offered" not in card


def test_an_approved_edit_cannot_remove_the_last_route():
    listing = make_listing()
    moderator = make_moderator()
    copy = moderation.clinic_start_edit(clinic=listing, user=moderator)
    copy.locations.get().offerings.all().delete()
    copy.status = Clinic.Status.PENDING
    copy.save()
    with pytest.raises(moderation.ModerationError, match="offers no treatment route"):
        moderation.clinic_approve(clinic=copy, reviewer=moderator)
    assert listing.locations.get().offerings.count() == 1


@pytest.fixture
def three_clinics():
    """The same site three times: accepting and offering KAP yes, no, and not stated."""
    answers = {}
    for answer in (True, False, None):
        clinic = make_listing(
            name=f"Clinic {answer}", accepting_new_patients=answer, offers_kap=answer
        )
        if answer is not True:
            clinic.works_with_own_therapist = clinic.offers_integration = answer
            clinic.save()
        answers[answer] = clinic
    return answers


@pytest.mark.parametrize("flag", ["accepting", "psychotherapy"])
def test_filters_match_an_explicit_yes_only(client, three_clinics, flag):
    body = client.get(f"/api/v1/locations/?near=97205&{flag}=true").json()
    assert [r["clinic"]["name"] for r in body["results"]] == ["Clinic True"]
    page = client.get(f"/search/?near=97205&{flag}=true")
    assert [loc.clinic.name for loc in page.context["page"].object_list] == ["Clinic True"]


def test_the_api_answers_true_false_and_null(client, three_clinics):
    body = client.get("/api/v1/locations/?near=97205&sort=name").json()
    assert [(r["clinic"]["name"], r["accepting"], r["psychotherapy"]) for r in body["results"]] == [
        ("Clinic False", False, False),
        ("Clinic None", None, None),
        ("Clinic True", True, True),
    ]


def test_hsds_and_fhir_leave_out_what_is_not_stated(client, three_clinics):
    iv = TreatmentRoute.objects.get(slug="iv")
    alerts = {}
    for answer, clinic in three_clinics.items():
        service = client.get(f"/api/v1/hsds/services/{hsds.hsds_id('service', clinic.pk, iv.pk)}/")
        alerts[answer] = service.json().get("alert")
        location = client.get(f"/fhir/Location/location-{clinic.locations.get().pk}").json()
        codes = [
            ext["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]
            for ext in location.get("extension", [])
            if ext["url"].endswith("/newpatients")
        ]
        assert codes == {True: ["newpt"], False: ["nopt"], None: []}[answer]
    assert alerts == {True: None, False: "Not accepting new patients.", None: None}


def test_the_import_reads_blank_as_not_stated_for_a_new_clinic_and_keeps_a_stored_answer():
    run(row(accepting="", psychotherapy="", telehealth="no"))
    clinic = Clinic.objects.get(import_ref="c-1")
    assert clinic.accepting_new_patients is None and clinic.offers_psychotherapy is None
    assert all(getattr(clinic, name) is None for name in SAFETY)
    exported = list(export_rows())
    columns = exported[0]
    assert exported[1][columns.index("accepting")] == ""
    assert exported[1][columns.index("psychotherapy")] == ""

    run(row(accepting="no", psychotherapy="no"))
    clinic.refresh_from_db()
    assert clinic.accepting_new_patients is False and clinic.offers_psychotherapy is False
    run(row(accepting="", psychotherapy=""))
    clinic.refresh_from_db()
    assert clinic.accepting_new_patients is False and clinic.offers_psychotherapy is False


def test_the_admin_offers_yes_no_and_not_stated(admin_client):
    clinic = make_listing(referral_required=None)
    page = admin_client.get(reverse("admin:clinics_clinic_change", args=[clinic.pk])).text
    assert '<option value="unknown" selected>Not stated</option>' in page


def test_the_migration_forgets_defaults_nobody_gave(client):
    """Listings proposed through the form (and imported ones, for facts the file format has
    no column for) lose the defaults they were created with; stated answers are kept."""
    proposed = propose(client, "Proposed Before")
    changed = propose(client, "Proposed Then Edited")
    run(row())
    imported = Clinic.objects.get(import_ref="c-1")
    by_admin = make_listing(name="Entered In The Admin")
    defaults = {
        name: name in ("accepting_new_patients", "driver_required") for name in Clinic.STATED_FACTS
    }
    # The rows as the old schema left them: the defaults, in the row and in its history.
    for clinic in (proposed, changed, imported, by_admin):
        old = {**defaults, "offers_kap": clinic == imported}  # the file said yes
        Clinic.objects.filter(pk=clinic.pk).update(**old)
        clinic.history.update(**old)
    changed.refresh_from_db()
    changed.medical_screening = True  # a moderator stated it later
    changed.save()
    imported.refresh_from_db()

    migration = importlib.import_module("clinics.migrations.0013_facts_not_stated")
    migration.facts_nobody_stated(apps, None)

    for clinic in (proposed, changed, imported, by_admin):
        clinic.refresh_from_db()
    assert all(getattr(proposed, name) is None for name in Clinic.STATED_FACTS)
    assert proposed.history.filter(accepting_new_patients__isnull=False).count() == 0
    assert changed.medical_screening is True and changed.clinician_on_site is None
    # The import's accepting and psychotherapy columns are kept: a blank and a yes look alike.
    assert imported.accepting_new_patients is True and imported.offers_kap is True
    assert imported.medical_screening is None and imported.referral_required is None
    assert all(getattr(by_admin, name) == value for name, value in defaults.items())
    assert imported.works_with_own_therapist is False  # the psychotherapy column set it
