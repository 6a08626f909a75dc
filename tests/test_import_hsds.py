"""HSDS 3.0 in (issue 18.6): another directory's HSDS export imports with the CSV's checks.

The round trip: this directory exported as HSDS (`/downloads/hsds`) and imported into an empty
database gives the same listings, as far as the import format carries them.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from clinics.importing import import_clinics, problem_file_text
from clinics.models import Clinic, Location, OpeningHours
from clinics.opendata.hsds import write_json
from tests.builders import ClinicFactory, add_location

pytestmark = pytest.mark.django_db


def build_listings():
    harbor = ClinicFactory(
        name="Harbor Ketamine Clinic",
        npi="1234567893",
        email="hello@harbor.example",
        website="https://harbor.example",
        booking_url="https://harbor.example/book",
        phone="+1 503-555-0100",
    )
    add_location(
        harbor,
        name="Downtown",
        address_line1="100 Example Ave",
        address_line2="Suite 4",
        postal_code="97205",
        latitude=45.521,
        longitude=-122.688,
        phone="+1 307-686-0669",
        phone_extension="1001",
        routes={"iv": (450, 650), "esketamine": (None, None)},
        payers=["aetna", "cigna"],
        conditions=["ptsd", "treatment-resistant-depression"],
        payment_options=["self-pay"],
        languages=["en", "es"],
        hours=[(1, "09:00", "17:00")],
    )
    add_location(
        harbor,
        name="",
        address_line1="4 Side St",
        postal_code="97232",
        latitude=45.529,
        longitude=-122.65,
        phone="",
        routes={"im": (300, 300)},
        languages=["en"],
    )
    prairie = ClinicFactory(name="Prairie Infusions", website="", phone="+1 402-555-0101",
                            accepting_new_patients=False)  # fmt: skip
    add_location(
        prairie,
        city="Omaha",
        state="NE",
        postal_code="68102",
        latitude=41.26,
        longitude=-95.93,
        phone="",
        routes={"iv": (500, 500)},
        languages=["en"],
    )


def listings():
    """What a patient sees of every listing, in terms both files carry."""
    seen = {}
    for clinic in Clinic.objects.listings().prefetch_related("locations"):
        sites = []
        for loc in clinic.locations.all():
            sites.append(
                (
                    loc.name,
                    loc.address_line1,
                    loc.address_line2,
                    loc.city,
                    loc.state,
                    loc.postal_code,
                    loc.latitude,
                    loc.longitude,
                    str(loc.phone_number or clinic.phone_number),
                    sorted(
                        (o.route.slug, o.price_min_usd, o.price_max_usd)
                        for o in loc.offerings.all()
                    ),
                    sorted(c.slug for c in loc.conditions.all()),
                    sorted(a.payer.slug for a in loc.payer_acceptances.all()),
                    sorted(p.slug for p in loc.payment_options.all()),
                    sorted(lang.code for lang in loc.languages.all()),
                )
            )
        seen[clinic.name] = (
            clinic.npi,
            clinic.email,
            clinic.website,
            clinic.booking_url,
            # HSDS says "not accepting new patients" (an alert), never that a clinic is.
            clinic.accepting_new_patients is False,
            sorted(sites),
        )
    return seen


def hsds_export():
    out = io.StringIO()
    write_json(out)
    return out.getvalue()


def test_the_directory_exported_as_hsds_imports_into_an_empty_database_as_the_same_listings():
    build_listings()
    before = listings()
    document = hsds_export()
    OpeningHours.objects.all().delete()
    Location.objects.all().delete()
    Clinic.objects.all().delete()

    report = import_clinics(document.encode(), source_name="other", publish=True,
                            file_format="hsds")  # fmt: skip

    assert report.ok and report.warnings == [], report.lines()
    assert (report.clinics.created, report.locations.created) == (2, 3)
    assert listings() == before
    assert Clinic.objects.filter(status=Clinic.Status.PUBLISHED).count() == 2


def test_a_second_import_of_the_same_document_changes_nothing_and_a_change_updates():
    build_listings()
    document = hsds_export()
    Clinic.objects.update(status=Clinic.Status.ARCHIVED)  # so the import is not a duplicate
    first = import_clinics(document.encode(), source_name="other", file_format="hsds")
    assert first.ok, first.lines()

    again = import_clinics(document.encode(), source_name="other", file_format="hsds")

    assert (again.clinics.created, again.clinics.unchanged) == (0, 2)
    assert (again.locations.created, again.locations.unchanged) == (0, 3)
    changed = json.loads(document)
    changed["organizations"][0]["name"] = "Harbor Ketamine & Wellness"
    third = import_clinics(json.dumps(changed).encode(), source_name="other", file_format="hsds")
    assert third.clinics.updated == 1
    clinic = Clinic.objects.get(name="Harbor Ketamine & Wellness")
    assert clinic.history.first().history_change_reason == "CSV import (other)"


def test_problems_name_the_record_and_the_problem_file_is_a_csv():
    build_listings()
    document = json.loads(hsds_export())
    Clinic.objects.update(status=Clinic.Status.ARCHIVED)
    org = document["organizations"][0]
    org["locations"][0]["addresses"][0]["state_province"] = "XX"
    org["locations"][1]["phones"] = [{"id": "p", "number": "http://"}]

    report = import_clinics(json.dumps(document).encode(), source_name="other",
                            file_format="hsds", skip_invalid=True)  # fmt: skip

    location_ids = [loc["id"] for loc in org["locations"]]
    assert [str(e) for e in report.errors][0].startswith(
        f"organization {org['id']}, location {location_ids[0]}: state: 'XX' is not a US state"
    )
    assert any(str(w).endswith("phone: 'http://' is a placeholder; left blank")
               for w in report.warnings)  # fmt: skip
    problems = problem_file_text(report)
    assert problems.splitlines()[0].startswith("clinic_id,clinic_name,location_id")
    assert org["id"] in problems


def test_a_file_that_is_not_hsds_is_one_clear_error():
    report = import_clinics(b"clinic_id,clinic_name\n", source_name="x", file_format="hsds")

    assert [str(e) for e in report.errors][0].startswith("document: file: not HSDS JSON")


def test_the_command_reads_hsds(tmp_path):
    build_listings()
    path = tmp_path / "other.hsds.json"
    path.write_text(hsds_export())
    Clinic.objects.update(status=Clinic.Status.ARCHIVED)
    out = io.StringIO()

    call_command("import_clinics", str(path), "--format", "hsds", "--source", "other", stdout=out)

    assert "clinics: 2 created" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("import_clinics", str(path), "--source", "csv-by-mistake", stdout=out)


def test_a_minimal_document_of_another_directory():
    """Plain HSDS 3.0 without this directory's taxonomy: the route is named by the service."""
    document = {
        "organizations": [
            {
                "id": "org-1",
                "name": "Sage Mental Health",
                "website": "https://sage.example",
                "phones": [{"id": "p-1", "number": "307-686-0669", "extension": 1001}],
                "locations": [
                    {
                        "id": "loc-1",
                        "name": "Sage Mental Health",
                        "latitude": 44.3,
                        "longitude": -105.5,
                        "addresses": [
                            {
                                "id": "a-1",
                                "address_1": "1 Gillette Ave",
                                "city": "Gillette",
                                "state_province": "WY",
                                "postal_code": "82716",
                                "country": "US",
                                "address_type": "physical",
                            }
                        ],
                    }
                ],
                "services": [
                    {
                        "id": "s-1",
                        "name": "Esketamine",
                        "status": "active",
                        "service_at_locations": [{"id": "sal-1", "location_id": "loc-1"}],
                        "cost_options": [{"id": "c-1", "amount": 900, "currency": "USD"}],
                    }
                ],
            }
        ]
    }

    report = import_clinics(json.dumps(document).encode(), source_name="sage",
                            file_format="hsds")  # fmt: skip

    assert report.ok, report.lines()
    location = Location.objects.get()
    assert (location.name, location.city, location.phone, location.phone_extension) == (
        "",
        "Gillette",
        "+1 307-686-0669",
        "1001",
    )
    offering = location.offerings.get()
    assert (offering.route.slug, offering.price_min_usd, offering.price_max_usd) == (
        "esketamine",
        900,
        900,
    )


def test_the_admin_page_imports_hsds(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    build_listings()
    document = hsds_export()
    Clinic.objects.update(status=Clinic.Status.ARCHIVED)
    upload = SimpleUploadedFile("other.json", document.encode(), content_type="application/json")

    response = admin_client.post(
        reverse("admin:clinics_clinic_import"), {"file": upload, "file_format": "hsds"}
    )

    assert "clinics: 2 created" in response.text
