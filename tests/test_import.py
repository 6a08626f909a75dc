"""The CSV import (issue 5, docs/import-format.md): validation, modes, re-imports."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clinics.importing import export_rows, header, import_clinics, read_csv
from clinics.models import Clinic, Location, Offering, PayerAcceptance
from tests.builders import ClinicFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[1] / "docs" / "sample-import.csv"


def row(**values):
    """A valid row for one location in Portland, OR; keyword arguments override columns."""
    base = {
        "clinic_id": "c-1",
        "clinic_name": "Harbor Ketamine Clinic",
        "location_id": "l-1",
        "address_line1": "100 Example Ave",
        "city": "Portland",
        "state": "OR",
        "postal_code": "97205",
        "latitude": "45.5210",
        "longitude": "-122.6880",
        "phone": "(503) 555-0101",
        "routes": "iv",
        "price_iv": "450-650",
        "conditions": "treatment-resistant-depression",
        "payment": "self-pay",
        "psychotherapy": "yes",
        "telehealth": "no",
        "accepting": "yes",
        "languages": "en",
    }
    base.update(values)
    return base


def to_csv(*rows, columns=None):
    columns = columns or header()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for values in rows:
        writer.writerow(values)
    return out.getvalue().encode()


def run(*rows, columns=None, **options):
    options.setdefault("source_name", "test")
    return import_clinics(to_csv(*rows, columns=columns), **options)


def errors_of(report):
    return [str(error) for error in report.errors]


# The sample file and the command ----------------------------------------------------------


def test_sample_file_imports_with_the_mapping():
    report = import_clinics(SAMPLE, source_name="sample")

    assert report.ok, report.lines()
    assert (report.clinics.created, report.locations.created) == (2, 3)
    assert report.locations.geocoded == 1
    harbor = Clinic.objects.get(import_source="sample", import_ref="c-001")
    assert harbor.status == Clinic.Status.PENDING
    assert harbor.npi == "1234567893"
    assert harbor.offers_kap and not harbor.offers_telehealth and harbor.accepting_new_patients
    downtown = harbor.locations.get(import_ref="l-001")
    assert downtown.phone == "+1 503-555-0101"
    assert downtown.coordinates_source == Location.CoordinatesSource.SUPPLIED
    prices = {o.route.slug: (o.price_min_usd, o.price_max_usd) for o in downtown.offerings.all()}
    assert prices == {"iv": (450, 650), "esketamine": (0, 900)}
    assert {p.payer.slug for p in downtown.payer_acceptances.all()} == {"aetna", "cigna"}
    assert all(p.route is None for p in downtown.payer_acceptances.all())
    assert {c.code for c in downtown.languages.all()} == {"en", "es"}
    assert {p.slug for p in downtown.payment_options.all()} == {"self-pay", "superbill"}
    eastside = harbor.locations.get(import_ref="l-002")
    assert eastside.coordinates_source == Location.CoordinatesSource.ZIP
    assert eastside.latitude is not None
    prairie = Clinic.objects.get(import_ref="c-002")
    assert prairie.offers_telehealth and not prairie.accepting_new_patients
    assert not prairie.offers_kap


def test_command_imports_the_sample_and_prints_a_summary():
    out = io.StringIO()
    call_command("import_clinics", str(SAMPLE), stdout=out)

    text = out.getvalue()
    assert "clinics: 2 created, 0 updated, 0 unchanged, 0 invalid" in text
    assert "locations: 3 created, 0 updated, 0 unchanged, 0 invalid, 1 geocoded" in text
    # The source defaults to the file's base name.
    assert Clinic.objects.filter(import_source="sample-import").count() == 2


def test_command_exits_non_zero_with_the_report(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(to_csv(row(state="XX")))
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_clinics", str(path), "--source", "s", stdout=out)

    assert raised.value.returncode == 1
    assert "line 2: state: 'XX' is not a US state" in out.getvalue()
    assert not Clinic.objects.exists()


def test_command_options_dry_run_publish_and_skip_invalid(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(to_csv(row(), row(clinic_id="c-2", location_id="l-2", npi="1234567890")))

    with pytest.raises(CommandError):
        call_command(
            "import_clinics", str(path), "--skip-invalid", "--dry-run", stdout=io.StringIO()
        )
    assert not Clinic.objects.exists()

    with pytest.raises(CommandError):
        call_command(
            "import_clinics", str(path), "--skip-invalid", "--publish", stdout=io.StringIO()
        )
    assert list(Clinic.objects.values_list("import_ref", "status")) == [("c-1", "published")]


def test_source_names_must_fit():
    with pytest.raises(CommandError, match="the source name must be 1 to 60 characters"):
        call_command("import_clinics", str(SAMPLE), "--source", "x" * 61)
    with pytest.raises(ValueError):
        import_clinics(to_csv(row()), source_name="")


def test_missing_file_is_a_command_error():
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_clinics", "/nonexistent/file.csv")


# All-or-nothing, --skip-invalid, --dry-run ------------------------------------------------


def test_any_invalid_row_means_nothing_is_written():
    report = run(row(), row(clinic_id="c-2", location_id="l-9", routes="iv;laser"))

    assert not report.ok
    assert not report.written
    assert not Clinic.objects.exists()
    assert report.clinics.invalid == 1
    assert "Nothing written" in report.summary()[0]


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rest():
    report = run(
        row(),
        row(clinic_id="c-2", location_id="l-9", routes="laser"),
        row(clinic_id="c-1", location_id="l-2", postal_code="9720"),
        skip_invalid=True,
    )

    assert report.written
    assert errors_of(report)[0].startswith("line 3: routes: unknown route 'laser'")
    assert errors_of(report)[1].startswith("line 4: postal_code:")
    assert (report.clinics.created, report.clinics.invalid) == (1, 1)
    assert (report.locations.created, report.locations.invalid) == (1, 2)
    assert list(Location.objects.values_list("import_ref", flat=True)) == ["l-1"]


def test_a_clinic_level_error_skips_every_row_of_that_clinic():
    report = run(
        row(),
        row(location_id="l-2", clinic_name="Another Name"),
        row(clinic_id="c-2", location_id="l-3"),
        skip_invalid=True,
    )

    assert errors_of(report) == [
        "line 2: clinic_id: not imported: clinic c-1 has errors on line 3; fix them and import "
        "this row with them",
        "line 3: clinic_name: contradicts line 2",
    ]
    assert list(Clinic.objects.values_list("import_ref", flat=True)) == ["c-2"]
    assert report.clinics.invalid == 1
    assert report.locations.invalid == 2


def test_dry_run_writes_nothing_but_reports_what_would_happen():
    report = run(row(), row(location_id="l-2", latitude="", longitude=""), dry_run=True)

    assert report.ok
    assert not report.written
    assert (report.clinics.created, report.locations.created, report.locations.geocoded) == (
        1,
        2,
        1,
    )
    assert not Clinic.objects.exists()
    assert not Location.history.exists()
    assert "Dry run, nothing written" in report.lines()[0]


def test_publish_publishes_new_clinics():
    run(row(), publish=True)

    assert Clinic.objects.get().status == Clinic.Status.PUBLISHED


def test_status_is_left_to_moderation_on_reimport():
    run(row())
    Clinic.objects.update(status=Clinic.Status.PUBLISHED)

    run(row(clinic_name="Harbor Ketamine Clinic & Wellness"))

    assert Clinic.objects.get().status == Clinic.Status.PUBLISHED


# Re-imports --------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing():
    data = to_csv(row(), row(location_id="l-2", latitude="", longitude="", insurance="aetna"))
    import_clinics(data, source_name="partner")
    counts = (
        Clinic.history.count(),
        Location.history.count(),
        Offering.history.count(),
        PayerAcceptance.history.count(),
    )

    report = import_clinics(data, source_name="partner")

    assert (report.clinics.unchanged, report.locations.unchanged) == (1, 2)
    assert (report.clinics.created, report.clinics.updated) == (0, 0)
    assert (report.locations.created, report.locations.updated, report.locations.geocoded) == (
        0,
        0,
        0,
    )
    assert Clinic.objects.count() == 1
    assert Location.objects.count() == 2
    assert counts == (
        Clinic.history.count(),
        Location.history.count(),
        Offering.history.count(),
        PayerAcceptance.history.count(),
    )


def test_another_source_creates_its_own_clinics():
    run(row(), source_name="a")
    run(row(), source_name="b")

    assert Clinic.objects.count() == 2
    assert len(set(Clinic.objects.values_list("slug", flat=True))) == 2


def test_a_changed_row_updates_the_listing_and_its_history():
    run(row(insurance="aetna", conditions="ptsd"))
    clinic = Clinic.objects.get()
    location = clinic.locations.get()

    report = run(
        row(
            clinic_name="Harbor Ketamine & Wellness",
            phone="503 555 0199",
            routes="iv;esketamine",
            price_iv="500",
            price_esketamine="0-900",
            insurance="cigna",
            conditions="ptsd;anxiety",
        )
    )

    assert (report.clinics.updated, report.locations.updated) == (1, 1)
    clinic.refresh_from_db()
    location.refresh_from_db()
    assert clinic.name == "Harbor Ketamine & Wellness"
    assert location.phone == "+1 503-555-0199"
    assert {(o.route.slug, o.price_min_usd, o.price_max_usd) for o in location.offerings.all()} == {
        ("iv", 500, 500),
        ("esketamine", 0, 900),
    }
    assert [p.payer.slug for p in location.payer_acceptances.all()] == ["cigna"]

    latest = clinic.history.first()
    assert latest.history_type == "~"
    assert latest.history_change_reason == "CSV import (test)"
    assert latest.name == "Harbor Ketamine & Wellness"
    assert latest.diff_against(latest.prev_record).changed_fields == ["name"]
    location_record = location.history.first()
    assert location_record.history_type == "~"
    assert {c.condition.slug for c in location_record.conditions.all()} == {"ptsd", "anxiety"}
    previous = location_record.prev_record
    assert {c.condition.slug for c in previous.conditions.all()} == {"ptsd"}
    assert set(location_record.diff_against(previous).changed_fields) == {"phone", "conditions"}
    assert Offering.history.filter(history_type="~", price_min_usd=500).exists()
    assert PayerAcceptance.history.filter(history_type="-", payer__slug="aetna").exists()
    assert PayerAcceptance.history.filter(history_type="+", payer__slug="cigna").exists()


def test_removing_a_route_deletes_its_offering_and_counts_the_location_updated():
    run(row(routes="iv;im", price_im="300"))

    report = run(row(routes="iv", price_im=""))

    assert report.locations.updated == 1
    assert [o.route.slug for o in Offering.objects.all()] == ["iv"]
    assert Offering.history.filter(history_type="-", route__slug="im").exists()


def test_locations_missing_from_a_file_are_left_alone():
    run(row(), row(location_id="l-2"))

    run(row())

    assert Location.objects.count() == 2


def test_payer_acceptances_for_one_route_are_kept_when_the_payer_is_listed():
    run(row(routes="iv;esketamine", insurance="aetna"))
    acceptance = PayerAcceptance.objects.get()
    acceptance.route = Offering.objects.get(route__slug="esketamine").route
    acceptance.save()

    report = run(row(routes="iv;esketamine", insurance="aetna"))

    assert report.locations.unchanged == 1
    assert PayerAcceptance.objects.get().route.slug == "esketamine"


def test_new_locations_of_an_existing_clinic_are_added():
    run(row())

    report = run(row(), row(location_id="l-2", address_line1="5 Other St"))

    assert (report.clinics.unchanged, report.locations.created, report.locations.unchanged) == (
        1,
        1,
        1,
    )
    assert Clinic.objects.get().locations.count() == 2


def test_import_history_records_the_user_and_reason(django_user_model):
    user = django_user_model.objects.create(username="mod")

    run(row(), user=user)

    record = Clinic.objects.get().history.get()
    assert record.history_user == user
    assert record.history_change_reason == "CSV import (test)"
    assert Location.history.get().history_user == user


# Mapping decisions -------------------------------------------------------------------------


def test_psychotherapy_yes_is_kept_when_the_clinic_offers_integration_only():
    run(row(psychotherapy="yes"))
    Clinic.objects.update(offers_kap=False, offers_integration=True)

    report = run(row(psychotherapy="yes"))

    assert report.clinics.unchanged == 1
    clinic = Clinic.objects.get()
    assert (clinic.offers_kap, clinic.offers_integration) == (False, True)


def test_psychotherapy_no_clears_kap_and_integration():
    run(row(psychotherapy="yes"))
    Clinic.objects.update(offers_integration=True)

    run(row(psychotherapy="no"))

    clinic = Clinic.objects.get()
    assert (clinic.offers_kap, clinic.offers_integration) == (False, False)


def test_psychotherapy_column_follows_the_rule_of_the_search():
    """The column means what the search's `psychotherapy` means (Clinic.offers_psychotherapy):
    a clinic that works with the patient's own therapist exports yes, importing that yes back
    adds no KAP in house, and no clears all three kinds."""
    run(row(psychotherapy="yes"))
    Clinic.objects.update(offers_kap=False, works_with_own_therapist=True)
    header_row, first = list(export_rows())[:2]
    assert first[header_row.index("psychotherapy")] == "yes"

    report = run(row(psychotherapy="yes"))

    assert report.clinics.unchanged == 1
    clinic = Clinic.objects.get()
    assert (clinic.offers_kap, clinic.works_with_own_therapist) == (False, True)
    run(row(psychotherapy="no"))
    assert not Clinic.objects.get().offers_psychotherapy


def test_blank_yes_no_columns_keep_what_is_stored():
    run(row(telehealth="yes", accepting="no"))

    report = run(row(telehealth="", accepting="", psychotherapy=""))

    assert report.clinics.unchanged == 1
    clinic = Clinic.objects.get()
    assert clinic.offers_telehealth and not clinic.accepting_new_patients and clinic.offers_kap


def test_blank_languages_default_to_english():
    run(row(languages=""))

    assert [lang.code for lang in Location.objects.get().languages.all()] == ["en"]


def test_clinic_level_values_may_be_blank_on_later_rows():
    report = run(
        row(email="a@example.org", npi="1234567893"),
        row(location_id="l-2", email="", npi=""),
        row(location_id="l-3", email="", npi="1234567893"),
    )

    assert report.ok, report.lines()
    assert Clinic.objects.get().email == "a@example.org"


def test_an_existing_clinic_that_is_not_imported_is_never_touched():
    ClinicFactory(name="Harbor Ketamine Clinic", slug="harbor-ketamine-clinic")

    run(row())

    assert Clinic.objects.count() == 2
    assert Clinic.objects.get(import_ref="c-1").slug == "harbor-ketamine-clinic-2"


# Validation: every rule, each with a message a person can act on ---------------------------

VALID_ROUTES = "esketamine, im, iv, lozenge"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"clinic_id": ""}, "line 2: clinic_id: required"),
        ({"clinic_name": ""}, "line 2: clinic_name: required"),
        ({"location_id": ""}, "line 2: location_id: required"),
        ({"address_line1": " "}, "line 2: address_line1: required"),
        ({"city": ""}, "line 2: city: required"),
        ({"state": ""}, "line 2: state: required"),
        ({"postal_code": ""}, "line 2: postal_code: required"),
        ({"routes": ""}, f"line 2: routes: required; give at least one of {VALID_ROUTES}"),
        ({"routes": "iv;laser"}, f"line 2: routes: unknown route 'laser'; valid: {VALID_ROUTES}"),
        ({"conditions": "sadness"}, "line 2: conditions: unknown condition 'sadness'; valid: "),
        ({"insurance": "acme"}, "line 2: insurance: unknown payer 'acme'; valid: aetna, anthem"),
        ({"payment": "bitcoin"}, "line 2: payment: unknown payment option 'bitcoin'; valid: "),
        ({"languages": "en;xx"}, "line 2: languages: unknown language 'xx'"),
        ({"npi": "1234567890"}, "line 2: npi: 1234567890 fails the NPI check digit"),
        ({"npi": "12345"}, "line 2: npi: '12345' is not an NPI; an NPI has 10 digits"),
        ({"state": "XX"}, "line 2: state: 'XX' is not a US state; use a two-letter USPS code"),
        ({"postal_code": "9720A"}, "line 2: postal_code: '9720A' is not a US ZIP code"),
        ({"postal_code": "00000"}, "line 2: postal_code: 00000 is not a known US ZIP code"),
        ({"postal_code": "78701"}, "line 2: postal_code: ZIP 78701 is in TX, not OR"),
        ({"country": "CA"}, "line 2: country: 'CA': the directory lists US locations only"),
        ({"price_iv": "700-400"}, "line 2: price_iv: the price range 700-400 is reversed"),
        ({"price_iv": "cheap"}, "line 2: price_iv: 'cheap' is not a price"),
        ({"price_im": "300"}, "line 2: price_im: a price for im, but im is not in routes"),
        ({"psychotherapy": "maybe"}, "line 2: psychotherapy: 'maybe' is not yes or no"),
        ({"telehealth": "sometimes"}, "line 2: telehealth: 'sometimes' is not yes or no"),
        ({"accepting": "perhaps"}, "line 2: accepting: 'perhaps' is not yes or no"),
        ({"email": "not-an-email"}, "line 2: email: 'not-an-email' is not an email address"),
        ({"website": "http//example"}, "line 2: website: 'http//example' is not a web address"),
        ({"booking_url": "book here"}, "line 2: booking_url: 'book here' is not a web address"),
        ({"phone": "555-01"}, "line 2: phone: '555-01' is not a phone number"),
        ({"phone": "503-555-0101 x123456789"}, "line 2: phone: '503-555-0101 x123456789': the "),
        ({"longitude": ""}, "line 2: longitude: give both coordinates or neither"),
        ({"latitude": "north"}, "line 2: latitude: 'north' is not a number"),
        ({"latitude": "145.5"}, "line 2: latitude: 145.5 is outside -90 to 90"),
        ({"longitude": "-222"}, "line 2: longitude: -222 is outside -180 to 180"),
        ({"clinic_name": "x" * 201}, "line 2: clinic_name: longer than 200 characters"),
        ({"city": "x" * 101}, "line 2: city: longer than 100 characters"),
    ],
)
def test_validation_rule(values, expected):
    report = run(row(**values))

    assert not report.ok
    assert any(message.startswith(expected) for message in errors_of(report)), errors_of(report)
    assert not Clinic.objects.exists()


def test_coordinates_more_than_50_miles_from_the_zip_are_an_error():
    # Salem, OR is about 45 miles from downtown Portland; Eugene about 103.
    near = run(row(latitude="44.9429", longitude="-123.0351"))
    assert near.ok, near.lines()

    far = run(row(clinic_id="c-2", latitude="44.0521", longitude="-123.0868"))

    assert errors_of(far) == [
        "line 2: latitude: 44.0521,-123.0868 is 103 miles from the centre of ZIP 97205 (more than "
        "50); check the coordinates (latitude first, west is negative) or the ZIP"
    ]


def test_swapped_coordinates_are_caught_by_the_zip_check():
    report = run(row(latitude="-122.6880", longitude="45.5210"))

    assert any("outside -90 to 90" in message for message in errors_of(report))


def test_contradicting_clinic_columns_name_the_first_line():
    report = run(
        row(website="https://harbor.example"),
        row(location_id="l-2", website="https://other.example"),
        row(location_id="l-3", accepting="no", npi="1234567893"),
    )

    assert errors_of(report)[1:] == [
        "line 3: website: contradicts line 2",
        "line 4: accepting: contradicts line 2",
    ]
    assert errors_of(report)[0].startswith("line 2: clinic_id: not imported: clinic c-1 has")


def test_the_same_location_twice_is_an_error():
    report = run(row(), row())

    assert errors_of(report) == [
        "line 3: location_id: l-1 appears twice for clinic c-1 (line 2); give each location its "
        "own id"
    ]


def test_every_error_is_reported_at_once():
    report = run(
        row(state="XX", npi="1234567890"),
        row(clinic_id="c-2", location_id="l-2", price_iv="9-1", routes="iv;foo"),
    )

    assert [message.split(":")[0:2] for message in errors_of(report)] == [
        ["line 2", " npi"],
        ["line 2", " state"],
        ["line 3", " routes"],
        ["line 3", " price_iv"],
    ]


def test_header_problems_stop_the_import():
    columns = [c for c in header() if c not in ("city", "routes")] + ["price_laser", "notes"]

    report = run(row(), columns=columns, skip_invalid=True)

    assert errors_of(report) == [
        "line 1: price_laser: unknown route 'laser'; valid: price_esketamine, price_im, price_iv, "
        "price_lozenge",
        "line 1: header: missing required columns: city, routes",
    ]
    assert [str(warning) for warning in report.warnings] == [
        "line 1: notes: unknown column, ignored"
    ]
    assert not Clinic.objects.exists()


def test_empty_file_is_reported():
    report = import_clinics(b"", source_name="x")

    assert errors_of(report) == ["line 1: header: the file is empty; expected a header row"]


def test_a_row_with_too_many_values_is_an_error():
    data = to_csv(row()).decode().rstrip("\n") + ",surplus\n"

    report = import_clinics(data.encode(), source_name="x")

    assert errors_of(report)[0].startswith("line 2: row: ")


# Real-world input -------------------------------------------------------------------------


def test_spreadsheet_quirks_are_tolerated():
    """BOM, CRLF, stray spaces, capitals, header spelling, Excel's lost zeros and more."""
    columns = [c.upper().replace("_", " ") + "  " for c in header()]
    lines = [",".join(columns)]
    for values in [
        row(
            clinic_name="  Boston   Ketamine  ",
            city=" Allston ",
            state="ma",
            postal_code="2134",
            latitude="",
            longitude="",
            phone="617.555.0111",
            website="bostonketamine.example",
            booking_url="WWW.BostonKetamine.example/book",
            email=" info@bostonketamine.example ",
            npi="1234-567-893",
            routes="IV; Esketamine",
            price_iv="$400 - $700",
            price_esketamine="1,200",
            conditions="PTSD, Treatment Resistant Depression",
            insurance="Blue Cross Blue Shield",
            payment="Self Pay;Superbill",
            languages="EN; es",
            psychotherapy="Y",
            telehealth="TRUE",
            accepting="0",
        ),
        row(
            clinic_name="Boston Ketamine",
            location_id="l-2",
            city="Brighton",
            state="Massachusetts",
            postal_code="021351234",
            latitude="",
            longitude="",
            phone="+1 (617) 555-0112",
            website="bostonketamine.example",
            psychotherapy="yes",
            telehealth="1",
            accepting="N",
            languages="",
        ),
        row(
            clinic_id="c-2",
            clinic_name="Oregon Ketamine",
            postal_code="97205-1234",
            phone="1-503-555-0101",
            psychotherapy="No",
            telehealth="false",
            accepting="YES",
        ),
    ]:
        lines.append(
            ",".join(f'"{values.get(c.strip().lower().replace(" ", "_"), "")}"' for c in columns)
        )
    data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()

    report = import_clinics(data, source_name="messy")

    assert report.ok, report.lines()
    boston = Clinic.objects.get(import_ref="c-1")
    assert boston.name == "Boston Ketamine"
    assert boston.website == "https://bostonketamine.example"
    assert boston.booking_url == "https://www.bostonketamine.example/book"
    assert boston.email == "info@bostonketamine.example"
    assert boston.npi == "1234567893"
    assert (boston.offers_kap, boston.offers_telehealth, boston.accepting_new_patients) == (
        True,
        True,
        False,
    )
    allston = boston.locations.get(import_ref="l-1")
    assert (allston.city, allston.state, allston.postal_code) == ("Allston", "MA", "02134")
    assert allston.phone == "+1 617-555-0111"
    assert allston.coordinates_source == Location.CoordinatesSource.ZIP
    prices = {o.route.slug: (o.price_min_usd, o.price_max_usd) for o in allston.offerings.all()}
    assert prices == {"iv": (400, 700), "esketamine": (1200, 1200)}
    assert {c.slug for c in allston.conditions.all()} == {"ptsd", "treatment-resistant-depression"}
    assert [p.payer.slug for p in allston.payer_acceptances.all()] == ["blue-cross-blue-shield"]
    assert {p.slug for p in allston.payment_options.all()} == {"self-pay", "superbill"}
    assert {lang.code for lang in allston.languages.all()} == {"en", "es"}
    brighton = boston.locations.get(import_ref="l-2")
    assert (brighton.state, brighton.postal_code) == ("MA", "02135-1234")
    oregon = Clinic.objects.get(import_ref="c-2")
    assert oregon.locations.get().postal_code == "97205-1234"
    assert oregon.locations.get().phone == "+1 503-555-0101"
    assert (oregon.offers_kap, oregon.offers_telehealth, oregon.accepting_new_patients) == (
        False,
        False,
        True,
    )


def test_windows_1252_files_are_read():
    data = to_csv(row(clinic_name="Café Ketamine")).decode().encode("cp1252")

    report = import_clinics(data, source_name="x")

    assert report.ok
    assert Clinic.objects.get().name == "Café Ketamine"


def test_read_csv_accepts_paths_and_files(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(to_csv(row()))

    from_path = read_csv(path)
    with open(path, "rb") as handle:
        from_file = read_csv(handle)

    assert from_path == from_file
    assert from_path[1][0][0] == 2


def test_blank_lines_are_skipped_and_line_numbers_stay_true():
    data = (
        to_csv(row()).decode()
        + "\n,,,\n"
        + to_csv(row(clinic_id="c-2", state="ZZ")).decode().split("\n", 1)[1]
    )

    report = import_clinics(data.encode(), source_name="x")

    assert [str(e).split(":")[0] for e in report.errors] == ["line 5"]


# Admin upload --------------------------------------------------------------------------------


def upload(admin_client, data, name="partner.csv", **options):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    payload = {
        "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        "file_format": "csv",
    }
    payload.update({key: "on" for key, value in options.items() if value is True})
    payload.update({key: value for key, value in options.items() if isinstance(value, str)})
    return admin_client.post(reverse("admin:clinics_clinic_import"), payload)


def test_admin_upload_imports_with_the_same_report(admin_client, admin_user):
    from django.urls import reverse

    page = admin_client.get(reverse("admin:clinics_clinic_import"))
    assert page.status_code == 200

    response = upload(admin_client, SAMPLE.read_bytes(), name="sample-import.csv")

    assert response.status_code == 200
    text = response.content.decode()
    assert "clinics: 2 created, 0 updated, 0 unchanged, 0 invalid" in text
    harbor = Clinic.objects.get(import_source="sample-import", import_ref="c-001")
    assert harbor.status == Clinic.Status.PENDING
    assert harbor.history.get().history_user == admin_user


def test_admin_upload_reports_every_error_and_writes_nothing(admin_client):
    response = upload(
        admin_client,
        to_csv(row(state="XX"), row(clinic_id="c-2", location_id="l-2", price_iv="9-1")),
    )

    text = response.content.decode()
    assert "line 2: state: &#x27;XX&#x27; is not a US state" in text
    assert "line 3: price_iv: the price range 9-1 is reversed" in text
    assert "Nothing written" in text
    assert not Clinic.objects.exists()


def test_admin_upload_options(admin_client):
    data = to_csv(row(), row(clinic_id="c-2", location_id="l-2", state="XX"))

    upload(admin_client, data, dry_run=True, skip_invalid=True)
    assert not Clinic.objects.exists()

    upload(admin_client, data, skip_invalid=True, publish=True, source="partner-a")
    clinic = Clinic.objects.get()
    assert (clinic.import_source, clinic.status) == ("partner-a", Clinic.Status.PUBLISHED)


def test_admin_upload_needs_a_file(admin_client):
    from django.urls import reverse

    response = admin_client.post(reverse("admin:clinics_clinic_import"), {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
