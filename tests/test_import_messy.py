"""A messy file with every kind of defect (issue 18, done when): counts, warnings, the problem
file, and the fixed problem file imported again.

The file is UTF-16 (Excel's "Unicode text"), and has: a placeholder website (`http://`), phone
numbers with extensions, a placeholder email and NPI, a number with an unassigned area code,
coordinates far from the ZIP, a NUL byte, a cell over 128 KiB, a ZIP the offline data knows
without a centre, and a likely duplicate of an existing listing.
"""

import csv
import io

import pytest

from clinics.importing import import_clinics, problem_file_text
from clinics.models import Clinic, Location
from tests.builders import ClinicFactory, LocationFactory
from tests.test_import import row, to_csv

pytestmark = pytest.mark.django_db


def clinic(n, **values):
    """Row n: its own clinic and site, geocoded from the ZIP unless told otherwise."""
    base = {
        "clinic_id": f"c-{n}",
        "clinic_name": NAMES[n],
        "location_id": f"l-{n}",
        "address_line1": f"{n} Messy Street",
        "latitude": "",
        "longitude": "",
    }
    return row(**{**base, **values})


# Names unlike each other: sites geocoded from one ZIP stand at its centre, and similar names
# there are likely duplicates by the moderators' rule.
NAMES = dict(enumerate(["Alder", "Birch", "Cedar Wellness", "Dogwood", "Elm Street Infusions",
                        "Fir", "Ginkgo", "Hawthorn", "Ironwood", "Juniper", "Kapok", "Larch"]))  # fmt: skip

ROWS = [
    clinic(2),  # nothing wrong
    clinic(3, website="http://", phone="307-686-0669 x1001"),
    clinic(4, email="N/A", phone="800-338-3738 x77130"),
    clinic(5, phone="(211) 555-0179"),  # 211 is not an area code
    clinic(6, latitude="44.0521", longitude="-123.0868"),  # Eugene, 103 miles from 97205
    clinic(7, clinic_name="Nul\x00 Clinic"),
    clinic(8, location_name="x" * 140_000),  # over the csv module's 128 KiB
    clinic(
        9,
        city="Livingston",
        state="TX",
        postal_code="77352",
        latitude="30.711",
        longitude="-94.933",
    ),  # fmt: skip
    clinic(10, npi="1234567893"),  # the NPI of an existing listing
    clinic(11, npi="0000000000"),
]


@pytest.fixture
def existing():
    listing = ClinicFactory(name="Existing Infusions", slug="existing", npi="1234567893")
    LocationFactory(clinic=listing, postal_code="97232", latitude=45.53, longitude=-122.65)
    return listing


def test_a_messy_file_imports_what_it_can_and_reports_the_rest(existing):
    data = to_csv(*ROWS).decode().encode("utf-16")

    report = import_clinics(data, source_name="partner", skip_invalid=True)

    assert [str(error)[:41] for error in report.errors] == [
        "line 5: phone: '(211) 555-0179' is not a ",
        "line 6: latitude: 44.0521,-123.0868 is 10",
        "line 7: clinic_name: contains a NUL chara",
        "line 8: location_name: 140000 characters;",
    ]
    assert [str(warning) for warning in report.warnings] == [
        "line 3: website: 'http://' is a placeholder; left blank",
        "line 4: email: 'N/A' is a placeholder; left blank",
        f"line 10: clinic_id: likely a duplicate of 'Existing Infusions' (clinic #{existing.pk}, "
        "existing): same NPI 1234567893; imported as a new clinic for moderators to merge or "
        "dismiss under Possible duplicates",
        "line 11: npi: '0000000000' is a placeholder; left blank",
    ]
    assert str(report.clinics) == "6 created, 0 updated, 0 unchanged, 4 invalid"
    assert str(report.locations) == "6 created, 0 updated, 0 unchanged, 4 invalid"
    assert report.summary()[-1] == "problems: 4 errors on 4 lines, 4 warnings on 4 lines"
    wyoming = Location.objects.get(import_ref="l-3")
    assert (wyoming.phone, wyoming.phone_extension) == ("+1 307-686-0669", "1001")
    livingston = Location.objects.get(import_ref="l-9")
    assert livingston.coordinates_source == Location.CoordinatesSource.SUPPLIED
    assert Clinic.objects.filter(npi="1234567893").count() == 2  # never merged

    problems = list(csv.DictReader(io.StringIO(problem_file_text(report))))
    assert [(r["location_id"], r["errors"].split(" | ")[0]) for r in problems] == [
        ("l-3", "imported with warnings"),
        ("l-4", "imported with warnings"),
        ("l-5", "not imported"),
        ("l-6", "not imported"),
        ("l-7", "not imported"),
        ("l-8", "not imported"),
        ("l-10", "imported with warnings"),
        ("l-11", "imported with warnings"),
    ]
    assert problems[4]["clinic_name"] == "Nul Clinic"  # the NUL is left out of the report

    # A person fixes the rows and imports the problem file with the same source.
    fixes = {
        "l-3": {"website": ""},
        "l-4": {"email": ""},
        "l-5": {"phone": "(503) 555-0179"},
        "l-6": {"latitude": "", "longitude": ""},
        "l-8": {"location_name": "Annex"},
        "l-11": {"npi": ""},
    }
    for values in problems:
        values.update(fixes.get(values["location_id"], {}))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(problems[0]))
    writer.writeheader()
    writer.writerows(problems)

    again = import_clinics(out.getvalue().encode(), source_name="partner", skip_invalid=True)

    assert again.ok and again.warnings == [], again.lines()
    assert str(again.clinics) == "4 created, 0 updated, 4 unchanged, 0 invalid"
    assert Clinic.objects.filter(import_source="partner").count() == 10
    assert Clinic.objects.get(import_ref="c-7").name == "Nul Clinic"
