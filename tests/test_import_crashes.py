"""Files that used to crash the import (issue 12.11): each is now a line-numbered error.

A NUL byte in a cell (PostgreSQL cannot store one: a traceback even in a dry run, and a 500 on
the admin page), a cell over the csv module's 128 KiB limit (`_csv.Error`), and a UTF-16 file
(read as Windows-1252: "missing required columns").
"""

import io

import pytest
from django.core.management import CommandError, call_command

from clinics.importing import import_clinics
from clinics.models import Clinic
from tests.test_import import errors_of, row, run, to_csv, upload

pytestmark = pytest.mark.django_db


def two_rows(**bad):
    return row(), row(clinic_id="c-2", location_id="l-2", **bad)


@pytest.mark.parametrize("options", [{}, {"skip_invalid": True}, {"dry_run": True}])
def test_a_nul_byte_in_a_cell_is_an_error_of_its_line(options):
    report = run(*two_rows(clinic_name="Nul\x00 Ketamine"), **options)

    assert errors_of(report) == [
        "line 3: clinic_name: contains a NUL character; remove it",
    ]
    written = options.get("skip_invalid", False)
    assert list(Clinic.objects.values_list("import_ref", flat=True)) == (["c-1"] if written else [])


def test_a_nul_byte_in_a_location_cell_refuses_only_that_row():
    report = run(*two_rows(address_line2="Suite\x00 4"), skip_invalid=True)

    assert errors_of(report) == ["line 3: address_line2: contains a NUL character; remove it"]
    assert report.locations.invalid == 1
    assert Clinic.objects.get().import_ref == "c-1"


def test_other_control_characters_are_refused_by_name():
    report = run(row(city="Port\x1bland"))

    assert errors_of(report) == ["line 2: city: contains the control character U+001B; remove it"]


def test_c1_controls_are_refused_and_unicode_line_breaks_are_white_space():
    """The one rule of clinics.validators (issue 12, item 4): every cell is one line."""
    report = run(row(city="Port\x9bland"))
    assert errors_of(report) == ["line 2: city: contains the control character U+009B; remove it"]

    report = run(row(clinic_name="Rose\u2028City\x85Ketamine"))
    assert errors_of(report) == []
    assert Clinic.objects.get().name == "Rose City Ketamine"


def test_the_command_reports_a_nul_byte_without_a_traceback(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(to_csv(*two_rows(phone="503\x00555\x000101")))
    out = io.StringIO()

    with pytest.raises(CommandError):  # rows were refused: the exit status says so
        call_command("import_clinics", str(path), "--skip-invalid", stdout=out)

    assert "line 3: phone: contains a NUL character; remove it" in out.getvalue()
    assert Clinic.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_clinics", str(path), "--dry-run", "--source", "other", stdout=out)


def test_the_admin_page_reports_a_nul_byte(admin_client):
    response = upload(admin_client, to_csv(*two_rows(city="Port\x00land")), skip_invalid=True)

    assert response.status_code == 200
    assert "line 3: city: contains a NUL character; remove it" in response.content.decode()
    assert Clinic.objects.count() == 1


def test_a_cell_over_128_kib_is_an_error_of_its_line():
    report = run(*two_rows(location_name="x" * 200_000), skip_invalid=True)

    assert errors_of(report) == [
        "line 3: location_name: 200000 characters; a cell holds at most 10000"
    ]
    assert Clinic.objects.get().import_ref == "c-1"


def test_a_long_cell_in_a_column_that_is_not_written_is_refused_too():
    report = run(row(conditions="depression;" * 20_000))

    assert errors_of(report) == [
        "line 2: conditions: 220000 characters; a cell holds at most 10000"
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_are_read(encoding):
    """Excel's "Unicode text" and Notepad's "UTF-16" save with a BOM; some tools without."""
    data = to_csv(row(clinic_name="Café Ketamine")).decode().encode(encoding)

    report = import_clinics(data, source_name="x")

    assert report.ok, report.lines()
    assert Clinic.objects.get().name == "Café Ketamine"


def test_a_quote_left_open_is_reported_with_its_line():
    data = to_csv(row(), row(clinic_id="c-2", location_id="l-2")).decode()
    data += 'c-3,"Open quote Clinic\n'

    report = import_clinics(data.encode(), source_name="x", skip_invalid=True)

    assert {str(error).split(":")[0] for error in report.errors} == {"line 4"}
    assert Clinic.objects.count() == 2


def test_a_row_with_a_line_break_in_a_cell_is_numbered_by_its_first_line():
    data = to_csv(row(address_line2="Suite 4\nBuilding B"), row(clinic_id="c-2", state="XX"))

    report = import_clinics(data, source_name="x")

    assert errors_of(report)[0].startswith("line 4: state:")
