"""The results page says what is chosen (issue 19.5): a heading that names the filters and a
removable chip for each, with "clear all"; serves and state survive a new search."""

import pytest

from tests.builders.listings import add_location

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings():
    add_location(name="Aetna IV", miles=1, routes=["iv"], payers=[("aetna", "iv")],
                 languages=["es"])  # fmt: skip
    add_location(name="Cigna IV", miles=2, routes=["iv"], payers=["cigna"])
    add_location(name="IM only", miles=3, routes=["im"], payers=["aetna"])


def test_heading_names_the_routes_payers_and_place(client, listings):
    html = client.get(
        "/search/", {"near": "97205", "route": "iv", "insurance": "aetna"}
    ).content.decode()
    assert "1 IV location taking Aetna within 25 miles of Portland, OR 97205" in html
    html = client.get(
        "/search/", {"near": "97205", "route": ["iv", "im"], "radius": 50}
    ).content.decode()
    assert "3 IV or IM locations within 50 miles of Portland, OR 97205" in html


def test_each_chip_removes_only_its_own_value(client, listings):
    html = client.get(
        "/search/",
        {"near": "97205", "route": ["iv", "im"], "language": "es", "accepting": "true",
         "page": 1},
    ).content.decode()  # fmt: skip
    chips = html[html.index('class="chips"') : html.index("</ul>", html.index('class="chips"'))]
    assert 'href="/search/?near=97205&amp;route=im&amp;language=es&amp;accepting=true">IV' in chips
    assert (
        'href="/search/?near=97205&amp;route=iv&amp;route=im&amp;accepting=true">Spanish' in chips
    )
    assert "Accepting new patients" in chips
    assert 'class="clear-all" href="/search/?near=97205"' in html


def test_following_a_chip_gives_the_search_without_it(client, listings):
    html = client.get("/search/", {"near": "97205", "route": "iv"}).content.decode()
    assert "2 IV locations" in html
    removed = client.get("/search/?near=97205").content.decode()
    assert "3 locations within 25 miles" in removed
    assert 'class="chips"' not in removed


def test_a_serves_search_keeps_serves_in_its_form_and_chip(client, listings):
    html = client.get("/search/", {"near": "97205", "serves": "WA"}).content.decode()
    assert '<input type="hidden" name="serves" value="WA">' in html
    assert "Remote care for Washington" in html


def test_a_clinic_page_leads_back_to_the_results_with_the_distance(client, listings):
    from clinics.models import Location

    location = Location.objects.get(name="Cigna IV")
    results = "/search/?near=97205&route=iv"
    page = client.get(
        location.clinic.get_absolute_url(), HTTP_REFERER=f"http://testserver{results}"
    ).content.decode()
    assert '<a href="/search/?near=97205&amp;route=iv">← Back to results</a>' in page
    assert "<strong>2.0</strong> miles from Portland, OR 97205" in page


@pytest.mark.parametrize(
    "referer", ["", "http://elsewhere.example/search/?near=97205", "http://testserver/about/"]
)
def test_no_way_back_offered_from_anywhere_else(client, listings, referer):
    from clinics.models import Location

    location = Location.objects.get(name="Cigna IV")
    page = client.get(location.clinic.get_absolute_url(), HTTP_REFERER=referer).content.decode()
    assert "Back to results" not in page
    assert "miles from" not in page


def test_state_pages_show_chips_for_their_filters_only(client, listings):
    html = client.get("/providers/or/", {"route": "iv"}).content.decode()
    chips = html[html.index('class="chips"') : html.index("</ul>", html.index('class="chips"'))]
    assert 'href="/providers/or/">IV infusion' in chips
    assert "In Oregon" not in chips  # the page's own place is no filter to remove
