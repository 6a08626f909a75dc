"""Opening hours in the location's own time zone, closed days said (issue 17.5)."""

import pytest
from django.urls import reverse

from clinics import gazetteer
from tests.builders import add_location, make_listing, make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("postal_code", "state", "zone", "name"),
    [
        ("97205", "OR", "America/Los_Angeles", "Pacific Time"),
        ("94110", "CA", "America/Los_Angeles", "Pacific Time"),
        ("85001", "AZ", "America/Phoenix", "Mountain Time (no daylight saving time)"),
        ("10001", "NY", "America/New_York", "Eastern Time"),
        ("60601", "IL", "America/Chicago", "Central Time"),
        ("96813", "HI", "Pacific/Honolulu", "Hawaii-Aleutian Time"),
        ("", "CA", "America/Los_Angeles", "Pacific Time"),  # no ZIP: the state's zone
    ],
)
def test_the_time_zone_of_a_place(postal_code, state, zone, name):
    assert gazetteer.time_zone_of(postal_code, state) == zone
    assert gazetteer.time_zone_name(zone) == name


def test_the_public_page_gives_every_day_local_times_and_closed_days(client):
    clinic = make_listing(slug="sf")
    location = add_location(
        clinic,
        city="San Francisco",
        state="CA",
        postal_code="94110",
        routes=["iv"],
        hours=[(2, "10:00", "13:00"), (2, "14:00", "18:30")],
    )
    html = client.get(clinic.get_absolute_url()).content.decode()
    section = html[html.index(f'id="loc-{location.pk}"') :]
    assert "Local time (Pacific Time)." in section
    assert "<dt>Tuesday</dt><dd>10:00 AM–1:00 PM, 2:00 PM–6:30 PM</dd>" in section
    assert "<dt>Sunday</dt><dd>Closed</dd>" in section
    assert "<dt>Monday</dt><dd>Closed</dd>" in section


def test_the_staff_page_names_each_locations_zone(client):
    clinic = make_listing(slug="two-coasts")  # its first location is in Portland, OR
    add_location(clinic, city="New York", state="NY", postal_code="10001", routes=["iv"])
    client.force_login(make_staff(clinic))
    html = client.get(reverse("manage:clinic", args=[clinic.slug])).content.decode()
    assert "Hours (Pacific Time)" in html
    assert "Hours (Eastern Time)" in html
    assert "Monday: 9:00 AM–5:00 PM" in html
    assert "Tuesday: closed" in html
