"""ZIPs the offline data knows without a centre (issue 18.5): accepted with coordinates given.

The ZIP data lists Livingston, TX 77352 (and military and unique ZIPs) with 0,0 for a centre;
the import called them "not a known US ZIP code". A row with its own coordinates now imports;
a row without them is told to give them, since there is no centre to place the site at.
"""

import pytest

from clinics.importing import ValueProblem, check_zip_in_state
from clinics.models import Location
from clinics.moderation.flags import listing_flags
from tests.builders import ClinicFactory, LocationFactory
from tests.test_import import errors_of, row, run

pytestmark = pytest.mark.django_db

LIVINGSTON = {
    "city": "Livingston",
    "state": "TX",
    "postal_code": "77352",
    "latitude": "30.7110",
    "longitude": "-94.9330",
}


def test_a_zip_without_a_centre_imports_with_the_coordinates_given():
    report = run(row(**LIVINGSTON))

    assert report.ok, report.lines()
    location = Location.objects.get()
    assert (location.postal_code, location.latitude, location.longitude) == (
        "77352",
        30.711,
        -94.933,
    )
    assert location.coordinates_source == Location.CoordinatesSource.SUPPLIED


def test_without_coordinates_the_row_is_told_to_give_them():
    report = run(row(**{**LIVINGSTON, "latitude": "", "longitude": ""}))

    assert errors_of(report) == [
        "line 2: latitude: ZIP 77352 has no centre in the offline data to place the site at; "
        "give its latitude and longitude"
    ]


def test_the_state_is_still_checked():
    report = run(row(**{**LIVINGSTON, "state": "OR"}))

    assert "line 2: postal_code: ZIP 77352 is in TX, not OR" in errors_of(report)[0]


def test_a_military_zip_is_not_a_clinic_site():
    report = run(row(postal_code="09720"))

    assert errors_of(report) == [
        "line 2: postal_code: ZIP 09720 is in AE, not OR; check the ZIP or state"
    ]


def test_an_unknown_zip_is_still_unknown():
    with pytest.raises(ValueProblem, match="00000 is not a known US ZIP code"):
        check_zip_in_state("00000", "TX")


def test_the_review_flags_do_not_call_it_unknown():
    clinic = ClinicFactory()
    LocationFactory(clinic=clinic, city="Livingston", state="TX", postal_code="77352",
                    latitude=30.711, longitude=-94.933)  # fmt: skip

    assert not any("77352" in flag for flag in listing_flags(clinic))
