"""Errors and warnings (issue 18.1): a warning keeps its row and is reported.

Sources write `http://`, `N/A`, `none`, `-`, `TBD` or `0000000000` where they have no value;
the import reads those as blank, says so line by line, and counts errors and warnings.
"""

import io

import pytest
from django.core.management import call_command

from clinics.importing import import_clinics
from clinics.models import Clinic
from tests.test_import import errors_of, row, run, to_csv, upload

pytestmark = pytest.mark.django_db


def warnings_of(report):
    return [str(warning) for warning in report.warnings]


@pytest.mark.parametrize(
    ("column", "placeholder"),
    [
        ("website", "http://"),
        ("website", "https://"),
        ("booking_url", "HTTP://www."),
        ("email", "N/A"),
        ("email", "none"),
        ("phone", "0000000000"),
        ("phone", "000-000-0000"),
        ("npi", "-"),
        ("location_name", "TBD"),
        ("address_line2", "n/a"),
        ("conditions", "None"),
        ("insurance", "unknown"),
        ("price_iv", "--"),
        ("accepting", "?"),
    ],
)
def test_a_placeholder_is_read_as_blank_with_a_warning(column, placeholder):
    report = run(row(**{column: placeholder}))

    assert report.ok, report.lines()
    assert warnings_of(report) == [
        f"line 2: {column}: {placeholder!r} is a placeholder; left blank"
    ]
    assert Clinic.objects.count() == 1


def test_the_issue_example_and_what_is_stored():
    rows = [row(clinic_id=f"c-{n}", location_id=f"l-{n}") for n in range(2, 12)]
    rows.append(row(clinic_id="c-12", location_id="l-12", website="http://", phone="N/A"))

    report = run(*rows)

    assert warnings_of(report) == [
        "line 12: phone: 'N/A' is a placeholder; left blank",
        "line 12: website: 'http://' is a placeholder; left blank",
    ]
    clinic = Clinic.objects.get(import_ref="c-12")
    assert (clinic.website, clinic.locations.get().phone) == ("", "")


def test_a_placeholder_in_a_required_column_is_an_error():
    report = run(row(city="N/A"), row(clinic_id="c-2", location_id="l-2"), skip_invalid=True)

    assert errors_of(report) == ["line 2: city: 'N/A' is a placeholder; required"]
    assert list(Clinic.objects.values_list("import_ref", flat=True)) == ["c-2"]


def test_real_values_are_not_placeholders():
    report = run(
        row(website="https://na.example", phone="(503) 555-0101", location_name="None Such Rd")
    )

    assert report.ok and report.warnings == []


def test_the_summary_counts_errors_and_warnings():
    report = run(
        row(website="http://", email="none"),
        row(clinic_id="c-2", location_id="l-2", phone="-"),
        row(clinic_id="c-3", location_id="l-3", state="XX"),
        skip_invalid=True,
    )

    assert report.summary()[-1] == "problems: 1 error on 1 line, 3 warnings on 2 lines"
    assert Clinic.objects.count() == 2


def test_warnings_alone_let_the_command_succeed(tmp_path):
    path = tmp_path / "partner.csv"
    path.write_bytes(to_csv(row(website="http://")))
    out = io.StringIO()

    call_command("import_clinics", str(path), stdout=out)

    text = out.getvalue()
    assert "line 2: website: 'http://' is a placeholder; left blank" in text
    assert "problems: 0 errors, 1 warning on 1 line" in text
    assert Clinic.objects.count() == 1


def test_the_admin_page_lists_warnings(admin_client):
    response = upload(admin_client, to_csv(row(website="http://")))

    text = response.content.decode()
    assert "line 2: website: &#x27;http://&#x27; is a placeholder; left blank" in text
    assert Clinic.objects.count() == 1


def test_an_import_of_only_good_rows_has_no_warnings():
    report = import_clinics(to_csv(row()), source_name="x")

    assert report.summary()[-1] == "problems: 0 errors, 0 warnings"
