"""The problem file (issue 18.3): every refused or warned row, fixed by a person, imported again.

`import_clinics --report FILE.csv` and the admin page's download give the rows with problems
as they were, in the import format, with an `errors` column; after fixing them, importing the
file with the same source brings in what was refused and changes nothing else.
"""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from clinics.importing import import_clinics, problem_file_text
from clinics.models import Clinic, Location
from tests.test_import import row, run, to_csv, upload

pytestmark = pytest.mark.django_db


def read(text):
    return list(csv.DictReader(io.StringIO(text)))


def mixed_rows():
    def clinic(n, **values):
        values = {"address_line1": f"{n}00 Example Ave", **values}
        return row(clinic_id=f"c-{n}", clinic_name=NAMES[n], **values)

    return [
        clinic(1),  # fine
        clinic(2, location_id="l-2", website="http://"),  # a warning
        clinic(3, location_id="l-3", state="XX"),  # an error
        clinic(4, location_id="l-4", npi="1234567890"),  # a clinic-level error...
        clinic(4, location_id="l-5", address_line1="9 Side St"),  # ...refuses this row
    ]


NAMES = {1: "Harbor Ketamine", 2: "Rose City Infusions", 3: "Willamette Care", 4: "Pearl Clinic"}


def test_the_report_lists_refused_and_warned_rows_with_their_messages():
    report = run(*mixed_rows(), skip_invalid=True)

    rows = read(problem_file_text(report))

    assert [r["location_id"] for r in rows] == ["l-2", "l-3", "l-4", "l-5"]
    assert rows[0]["errors"] == (
        "imported with warnings | line 3: website: 'http://' is a placeholder; left blank"
    )
    assert rows[1]["errors"].startswith("not imported | line 4: state: 'XX' is not a US state")
    assert rows[1]["state"] == "XX"  # as it was in the file, to be fixed
    assert rows[3]["errors"] == (
        "not imported | line 6: clinic_id: not imported: clinic c-4 has errors on line 5; fix "
        "them and import this row with them"
    )
    assert list(rows[0])[:3] == ["clinic_id", "clinic_name", "location_id"]
    assert list(rows[0])[-1] == "errors"


def test_the_fixed_report_imports_again_with_the_same_source():
    first = run(*mixed_rows(), skip_invalid=True)
    assert Clinic.objects.count() == 2
    rows = read(problem_file_text(first))
    for values in rows:
        values["state"] = "OR" if values["state"] == "XX" else values["state"]
        values["npi"] = "" if values["npi"] == "1234567890" else values["npi"]
        values["website"] = "" if values["website"] == "http://" else values["website"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    again = import_clinics(out.getvalue().encode(), source_name="test")

    assert again.ok and again.warnings == [], again.lines()
    assert (again.clinics.created, again.clinics.unchanged) == (2, 1)
    assert (again.locations.created, again.locations.unchanged) == (3, 1)
    assert Location.objects.count() == 5


def test_the_command_writes_the_report(tmp_path):
    source, problems = tmp_path / "partner.csv", tmp_path / "problems.csv"
    source.write_bytes(to_csv(*mixed_rows()))
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_clinics", str(source), "--skip-invalid", "--report", str(problems), stdout=out
        )

    assert (
        f"Report: 4 row(s) with problems in {problems}; fix them and import it again with "
        "--source partner" in out.getvalue()
    )
    assert [r["location_id"] for r in read(problems.read_text())] == ["l-2", "l-3", "l-4", "l-5"]


def test_a_clean_run_writes_a_report_with_the_header_only(tmp_path):
    source, problems = tmp_path / "partner.csv", tmp_path / "problems.csv"
    source.write_bytes(to_csv(row()))
    out = io.StringIO()

    call_command("import_clinics", str(source), "--report", str(problems), stdout=out)

    assert "no row with problems" in out.getvalue()
    assert problems.read_text().splitlines()[0].endswith(",errors")
    assert len(problems.read_text().splitlines()) == 1


def test_the_report_never_overwrites_the_file_imported(tmp_path):
    source = tmp_path / "partner.csv"
    source.write_bytes(to_csv(row()))

    with pytest.raises(CommandError, match="another file"):
        call_command("import_clinics", str(source), "--report", str(source))
    assert source.read_bytes() == to_csv(row())


def test_a_report_imported_again_has_its_errors_column_ignored_silently():
    report = run(row(website="http://"))
    text = problem_file_text(report)

    again = import_clinics(text.encode(), source_name="test")

    assert again.ok
    assert [str(w) for w in again.warnings] == [
        "line 2: website: 'http://' is a placeholder; left blank"
    ]


def test_the_admin_page_offers_the_report_for_download(admin_client, client, django_user_model):
    response = upload(admin_client, to_csv(*mixed_rows()), skip_invalid=True)

    link = response.context["problem_file_url"]
    assert f'href="{link}"' in response.text
    download = admin_client.get(link)
    assert download["Content-Disposition"] == 'attachment; filename="partner-problems.csv"'
    rows = read(download.content.decode())
    assert [r["location_id"] for r in rows] == ["l-2", "l-3", "l-4", "l-5"]
    # Another moderator cannot fetch it.
    other = django_user_model.objects.create_superuser("other", "other@example.org", "x")
    client.force_login(other)
    assert client.get(link).status_code == 404


def test_the_admin_page_names_its_own_controls(admin_client):
    response = upload(admin_client, to_csv(row(state="XX")))

    text = response.text
    assert "--skip-invalid" not in text
    assert "Nothing written: fix the errors above, or use “Import the valid rows”" in text
    assert '<label for="id_skip_invalid">Import the valid rows:</label>' in text


def test_no_report_link_without_problems(admin_client):
    response = upload(admin_client, to_csv(row()))

    assert response.context["problem_file_url"] is None
    assert reverse("admin:clinics_clinic_import") in response.request["PATH_INFO"]
