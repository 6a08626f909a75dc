"""Likely duplicates in an import (issue 18.4): warned, listed in the report, never merged.

A new clinic in a file that looks like an existing listing (the moderators' rules: the same
NPI, or a location at the same site) is imported as its own listing with a warning, and
moderators find the pair under "Possible duplicates".
"""

import csv
import io

import pytest

from clinics.importing import problem_file_text
from clinics.models import Clinic
from clinics.moderation import find_duplicates
from clinics.sites import DuplicateIndex
from tests.builders import ClinicFactory, LocationFactory
from tests.test_import import row, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing():
    clinic = ClinicFactory(name="Harbor Ketamine Clinic", slug="harbor", npi="1234567893")
    LocationFactory(
        clinic=clinic,
        address_line1="100 Example Avenue",
        postal_code="97205",
        latitude=45.5210,
        longitude=-122.6880,
    )
    return clinic


def duplicate_warnings(report):
    return [str(w) for w in report.warnings if "likely a duplicate" in w.message]


def test_the_same_npi_is_warned_and_both_clinics_are_kept(existing):
    report = run(
        row(
            clinic_name="Completely Other Name",
            npi="1234567893",
            address_line1="9 Far Rd",
            latitude="",
            longitude="",
            postal_code="97232",
        )
    )

    assert report.ok
    assert duplicate_warnings(report) == [
        f"line 2: clinic_id: likely a duplicate of 'Harbor Ketamine Clinic' (clinic "
        f"#{existing.pk}, harbor): same NPI 1234567893; imported as a new clinic for moderators "
        "to merge or dismiss under Possible duplicates"
    ]
    assert Clinic.objects.count() == 2  # never merged
    new = Clinic.objects.get(import_ref="c-1")
    assert {(p.first.pk, p.second.pk) for p in find_duplicates()} == {(existing.pk, new.pk)}


def test_the_same_site_is_warned(existing):
    report = run(row(clinic_name="Other Ketamine", address_line1="100 Example Ave"))

    assert [w.split(": ", 2)[2] for w in duplicate_warnings(report)] == [
        f"likely a duplicate of 'Harbor Ketamine Clinic' (clinic #{existing.pk}, harbor): same "
        "address (100 example ave, 97205); imported as a new clinic for moderators to merge or "
        "dismiss under Possible duplicates"
    ]


def test_a_site_within_100_m_with_a_similar_name_is_warned(existing):
    report = run(row(clinic_name="Harbor Ketamine", address_line1="1 Other St", latitude="45.5213"))

    assert "33 m apart with similar names" in duplicate_warnings(report)[0]


def test_a_different_clinic_next_door_is_not_a_duplicate(existing):
    report = run(row(clinic_name="Rose City Infusions", address_line1="1 Other St"))

    assert duplicate_warnings(report) == []


def test_updating_a_clinic_of_the_same_source_is_not_a_duplicate(existing):
    first = run(row(clinic_name="Other Ketamine", address_line1="100 Example Ave"))
    assert len(duplicate_warnings(first)) == 1

    again = run(row(clinic_name="Other Ketamine", address_line1="100 Example Ave"))

    assert duplicate_warnings(again) == []
    assert Clinic.objects.count() == 2


def test_duplicates_are_in_the_problem_file(existing):
    report = run(row(), row(clinic_id="c-2", location_id="l-2", npi="1234567893"))

    rows = list(csv.DictReader(io.StringIO(problem_file_text(report))))

    assert [r["location_id"] for r in rows] == ["l-1", "l-2"]
    assert all(r["errors"].startswith("imported with warnings | ") for r in rows)
    assert "same NPI 1234567893" in rows[1]["errors"]


def test_the_index_answers_without_queries(existing, django_assert_num_queries):
    index = DuplicateIndex()

    with django_assert_num_queries(0):
        for n in range(50):
            index.find(
                name=f"Clinic {n}",
                address_line1=f"{n} Example Ave",
                postal_code="97205",
                latitude=45.52,
                longitude=-122.68,
            )
        found = index.find(name="x", address_line1="100 Example Ave.", postal_code="97205-1234")

    assert found == [(existing, "same address (100 example ave, 97205)")]
