"""CSV export (issue 5): the import format, and import(export(x)) == x."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from clinics.importing import export_clinics, header, import_clinics
from clinics.models import Clinic, Location
from tests.builders import (
    ClinicFactory,
    LocationFactory,
    OfferingFactory,
    PayerAcceptanceFactory,
    condition,
    language,
    payer,
    payment_option,
    route,
)

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[1] / "docs" / "sample-import.csv"


def listings_snapshot():
    """Everything the import format carries, without database ids, slugs or status."""
    snapshot = []
    for clinic in Clinic.objects.order_by("name"):
        locations = []
        for location in clinic.locations.order_by("address_line1"):
            locations.append(
                (
                    location.name,
                    location.address_line1,
                    location.address_line2,
                    location.city,
                    location.state,
                    location.postal_code,
                    location.country,
                    location.latitude,
                    location.longitude,
                    location.coordinates_source,
                    location.phone,
                    sorted(
                        (o.route.slug, o.price_min_usd, o.price_max_usd)
                        for o in location.offerings.all()
                    ),
                    sorted(a.payer.slug for a in location.payer_acceptances.all()),
                    sorted(c.slug for c in location.conditions.all()),
                    sorted(p.slug for p in location.payment_options.all()),
                    sorted(lang.code for lang in location.languages.all()),
                )
            )
        snapshot.append(
            (
                clinic.name,
                clinic.email,
                clinic.website,
                clinic.booking_url,
                clinic.npi,
                clinic.offers_kap or clinic.offers_integration,
                clinic.offers_telehealth,
                clinic.accepting_new_patients,
                locations,
            )
        )
    return snapshot


def export_text(queryset=None):
    out = io.StringIO()
    export_clinics(out, queryset)
    return out.getvalue()


def make_listings():
    """Two clinics entered by hand in the admin (no import refs), one with two locations."""
    harbor = ClinicFactory(
        name="Harbor Ketamine",
        slug="harbor-ketamine",
        email="hello@harbor.example",
        website="https://harbor.example",
        booking_url="https://harbor.example/book",
        npi="1234567893",
        offers_integration=True,
        offers_telehealth=True,
        accepting_new_patients=False,
    )
    downtown = LocationFactory(
        clinic=harbor, name="Downtown", address_line2="Suite 2", phone="+1 503-555-0101"
    )
    OfferingFactory(location=downtown, route=route("iv"), price_min_usd=450, price_max_usd=650)
    OfferingFactory(
        location=downtown, route=route("esketamine"), price_min_usd=0, price_max_usd=900
    )
    OfferingFactory(location=downtown, route=route("im"), price_min_usd=None, price_max_usd=None)
    PayerAcceptanceFactory(location=downtown)
    PayerAcceptanceFactory(location=downtown, payer=payer("cigna"))
    downtown.conditions.set([condition("ptsd"), condition("anxiety")])
    downtown.payment_options.set([payment_option("self-pay"), payment_option("superbill")])
    downtown.languages.set([language("en"), language("es")])
    eastside = LocationFactory(
        clinic=harbor,
        address_line1="2200 Sample Blvd",
        postal_code="97232",
        latitude=None,
        longitude=None,
    )
    OfferingFactory(location=eastside, route=route("iv"), price_min_usd=500, price_max_usd=500)
    eastside.languages.set([language("en")])
    prairie = ClinicFactory(name='Prairie Wellness, "Austin"', slug="prairie")
    austin = LocationFactory(
        clinic=prairie,
        address_line1="7 Example Rd",
        city="Austin",
        state="TX",
        postal_code="78701-1234",
        latitude=30.27,
        longitude=-97.742,
    )
    OfferingFactory(location=austin, route=route("lozenge"), price_min_usd=150, price_max_usd=250)
    austin.languages.set([language("en")])
    return harbor, prairie


def test_export_writes_the_import_format():
    harbor, _ = make_listings()

    rows = list(csv.DictReader(io.StringIO(export_text())))

    assert list(rows[0]) == header()
    first = rows[0]
    assert first["clinic_id"] == "harbor-ketamine"
    assert first["location_id"] == f"loc-{harbor.locations.order_by('pk').first().pk}"
    assert first["routes"] == "iv;im;esketamine"
    assert (first["price_iv"], first["price_im"], first["price_esketamine"]) == (
        "450-650",
        "",
        "0-900",
    )
    assert first["psychotherapy"] == "yes"
    assert (first["telehealth"], first["accepting"]) == ("yes", "no")
    assert first["conditions"] == "anxiety;ptsd"
    assert first["insurance"] == "aetna;cigna"
    assert first["languages"] == "en;es"
    # ZIP-geocoded coordinates are left blank, so a re-import geocodes them the same way.
    second = rows[1]
    assert Location.objects.get(address_line1="2200 Sample Blvd").coordinates_source == "zip"
    assert (second["latitude"], second["longitude"]) == ("", "")
    assert rows[2]["clinic_name"] == 'Prairie Wellness, "Austin"'


def test_round_trip_into_an_empty_database_gives_the_same_listings():
    make_listings()
    before = listings_snapshot()
    exported = export_text()

    Clinic.objects.all().delete()
    report = import_clinics(exported.encode(), source_name="export")

    assert report.ok, report.lines()
    assert listings_snapshot() == before
    # Exporting again gives the very same file: ids are now the import refs.
    assert export_text() == exported


def test_round_trip_of_the_sample_file():
    import_clinics(SAMPLE, source_name="sample")
    before = listings_snapshot()
    exported = export_text()

    Clinic.objects.all().delete()
    import_clinics(exported.encode(), source_name="sample")

    assert listings_snapshot() == before
    assert export_text() == exported


def test_reimporting_an_export_into_the_same_database_changes_nothing():
    import_clinics(SAMPLE, source_name="sample")

    report = import_clinics(export_text().encode(), source_name="sample")

    assert (report.clinics.unchanged, report.locations.unchanged) == (2, 3)


def test_clinics_sharing_an_import_ref_get_distinct_ids():
    ClinicFactory(slug="a", import_source="one", import_ref="c-1")
    ClinicFactory(slug="b", import_source="two", import_ref="c-1")
    for clinic in Clinic.objects.all():
        LocationFactory(clinic=clinic)

    rows = list(csv.DictReader(io.StringIO(export_text())))

    assert [r["clinic_id"] for r in rows] == ["c-1", "b"]


def test_export_command_to_a_file_and_to_stdout(tmp_path):
    make_listings()
    path = tmp_path / "out.csv"

    call_command("export_clinics", str(path), stderr=io.StringIO())
    out = io.StringIO()
    call_command("export_clinics", "-", stdout=out)

    assert path.read_text() == out.getvalue() == export_text()
    assert len(out.getvalue().splitlines()) == 4


# Admin ---------------------------------------------------------------------------------------


def test_admin_exports_the_selected_clinics(admin_client):
    harbor, prairie = make_listings()

    response = admin_client.post(
        reverse("admin:clinics_clinic_changelist"),
        {"action": "export_as_csv", "_selected_action": [prairie.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["clinic_id"] for r in rows] == ["prairie"]


@pytest.mark.parametrize("name", ["import", "duplicates", "merge"])
def test_staff_without_moderation_rights_cannot_reach_the_bulk_tools(
    client, django_user_model, name
):
    staff = django_user_model.objects.create(username="staff", is_staff=True)
    client.force_login(staff)

    response = client.get(reverse(f"admin:clinics_clinic_{name}"))

    assert response.status_code == 403


def test_moderators_see_the_bulk_tools_on_the_changelist(admin_client):
    response = admin_client.get(reverse("admin:clinics_clinic_changelist"))

    assert reverse("admin:clinics_clinic_import") in response.content.decode()
    assert reverse("admin:clinics_clinic_duplicates") in response.content.decode()
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "export_as_csv" in actions and "merge_two_selected" in actions
