"""`state` and `serves` (docs/api.md, issue 14.2): where a location is, and which remote
programmes serve a state wherever they are; the results page tells a patient about them."""

import pytest

from tests.builders.factories import ClinicFactory
from tests.builders.listings import add_location

pytestmark = pytest.mark.django_db

FAIRBANKS = "99701"
ANCHORAGE = (61.2181, -149.9003)
SEATTLE = (47.6062, -122.3321)


def slugs(response):
    return [result["clinic"]["slug"] for result in response.json()["results"]]


@pytest.fixture
def alaska():
    """An Anchorage clinic (in person only), a Seattle telehealth clinic serving AK and WA
    with two locations, a Seattle at-home programme serving AK, and one serving only WA."""
    anchorage = ClinicFactory(slug="anchorage", offers_telehealth=False, offers_at_home=False)
    add_location(anchorage, latitude=ANCHORAGE[0], longitude=ANCHORAGE[1], state="AK",
                 routes=["iv"])  # fmt: skip
    video = ClinicFactory(slug="video", offers_telehealth=True, telehealth_states="AK, WA")
    add_location(video, latitude=SEATTLE[0], longitude=SEATTLE[1], state="WA", routes=["iv"])
    add_location(video, latitude=45.52, longitude=-122.68, state="OR", routes=["im"])
    home = ClinicFactory(
        slug="at-home", offers_telehealth=False, offers_at_home=True, telehealth_states="wa ak"
    )
    add_location(home, latitude=SEATTLE[0], longitude=SEATTLE[1], state="WA", routes=["lozenge"])
    washington = ClinicFactory(slug="wa-only", offers_telehealth=True, telehealth_states="WA")
    add_location(washington, latitude=SEATTLE[0], longitude=SEATTLE[1], state="WA")
    # States listed but no remote care offered: not a programme that serves anybody.
    listed = ClinicFactory(
        slug="no-remote", offers_telehealth=False, offers_at_home=False, telehealth_states="AK"
    )
    add_location(listed, latitude=SEATTLE[0], longitude=SEATTLE[1], state="WA")
    return anchorage


def test_serves_lists_each_remote_programme_once_wherever_it_is(client, alaska):
    response = client.get("/api/v1/locations/", {"serves": "ak"})
    assert response.status_code == 200
    assert sorted(slugs(response)) == ["at-home", "video"]
    assert response.json()["count"] == 2


def test_serves_ignores_the_radius_and_gives_the_nearest_location(client, alaska):
    response = client.get(
        "/api/v1/locations/", {"serves": "AK", "near": FAIRBANKS, "radius": 25, "sort": "distance"}
    )
    results = response.json()["results"]
    assert sorted(r["clinic"]["slug"] for r in results) == ["at-home", "video"]
    video = next(r for r in results if r["clinic"]["slug"] == "video")
    assert video["address"]["state"] == "WA"  # Seattle is nearer Fairbanks than Portland
    assert all(r["distance_miles"] > 400 for r in results)


def test_serves_combines_with_the_other_filters(client, alaska):
    # The telehealth clinic's IM location is in Oregon: it is the one that offers IM.
    response = client.get("/api/v1/locations/", {"serves": "AK", "route": "im"})
    [result] = response.json()["results"]
    assert result["clinic"]["slug"] == "video"
    assert result["address"]["state"] == "OR"


def test_state_keeps_locations_in_the_state(client, alaska):
    assert slugs(client.get("/api/v1/locations/", {"state": "ak"})) == ["anchorage"]
    assert sorted(slugs(client.get("/api/v1/locations/", {"state": "WA"}))) == [
        "at-home", "no-remote", "video", "wa-only",
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["state", "serves"])
@pytest.mark.parametrize("value", ["ZZ", "Texas", "T", "tx1"])
def test_unknown_state_codes_are_refused_by_name(client, alaska, name, value):
    response = client.get("/api/v1/locations/", {name: value})
    assert response.status_code == 400
    assert "is not a US state code" in response.json()["errors"][name][0]


def test_results_page_says_how_many_programmes_serve_the_origins_state(client, alaska):
    html = client.get("/search/", {"near": "Anchorage, AK"}).content.decode()
    assert "1 location within 25 miles" in html
    assert "2 telehealth or at-home programmes serve Alaska" in html
    assert 'href="/search/?near=Anchorage%2C+AK&amp;serves=AK"' in html


def test_no_results_page_leads_with_the_programmes_that_serve_the_state(client, alaska):
    html = client.get("/search/", {"near": FAIRBANKS}).content.decode()
    assert "No providers match this search" in html
    note = html.index("2 telehealth or at-home programmes serve Alaska")
    assert note < html.index("Search a wider area")


def test_use_my_location_finds_the_state_too(client, alaska):
    html = client.get("/search/", {"near": "64.84,-147.72"}).content.decode()  # Fairbanks
    assert "2 telehealth or at-home programmes serve Alaska" in html


def test_the_programmes_search_itself_has_no_such_note(client, alaska):
    html = client.get("/search/", {"near": FAIRBANKS, "serves": "AK"}).content.decode()
    assert "2 locations" in html
    assert "programmes serve Alaska" not in html


def test_cards_and_clinic_pages_say_which_states_are_served_remotely(client, alaska):
    html = client.get("/search/", {"serves": "AK"}).content.decode()
    assert "Telehealth consultations, serving AK, WA" in html
    assert "At-home programme, serving AK, WA" in html
    page = client.get("/clinics/video/").content.decode()
    assert "States served remotely: AK, WA" in page


def test_the_serves_search_has_a_constant_number_of_queries(
    client, alaska, django_assert_max_num_queries
):
    for number in range(5):
        clinic = ClinicFactory(offers_telehealth=True, telehealth_states="AK")
        add_location(clinic, latitude=SEATTLE[0], longitude=SEATTLE[1] + number / 10)
    with django_assert_max_num_queries(12):
        response = client.get("/search/", {"serves": "AK", "near": FAIRBANKS})
    assert response.status_code == 200
