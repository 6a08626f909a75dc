"""Places people type (issue 14.6), offline unless a test says otherwise.

An address with a ZIP code is searched from that ZIP (and the label says the street address
was not located) instead of a 400; a city without its state offers every "City, ST" that has
one as links; nicknames (NYC, LA, DC, Philly) and state names work; the field label promises
only what the configured geocoder can do. clinics/gazetteer.py holds the names.
"""

import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from clinics import gazetteer, geo
from clinics.search import LocationFilter
from tests.builders import OfferingFactory
from tests.test_geo import nominatim  # noqa: F401  (the local geocoder double)

pytestmark = pytest.mark.django_db

# A clinic near each place the tests type (each a few miles from the place's centre).
SITES = {
    "empire": ("New York", "NY", "10118", 40.752, -73.985),
    "portland-me": ("Portland", "ME", "04101", 43.662, -70.258),
    "portland-or": ("Portland", "OR", "97205", 45.521, -122.688),
    "houston": ("Houston", "TX", "77002", 29.756, -95.363),
    "philadelphia": ("Philadelphia", "PA", "19107", 39.951, -75.160),
    "los-angeles": ("Los Angeles", "CA", "90012", 34.061, -118.239),
    "washington": ("Washington", "DC", "20001", 38.910, -77.018),
}


@pytest.fixture
def sites(settings):
    settings.GEOCODER = ""
    return {
        key: OfferingFactory(
            location__name=key,
            location__city=city,
            location__state=state,
            location__postal_code=zip_code,
            location__latitude=lat,
            location__longitude=lng,
        ).location  # IV infusions
        for key, (city, state, zip_code, lat, lng) in SITES.items()
    }


def api(client, near, expect=200, **params):
    response = client.get("/api/v1/locations/", {"near": near, **params})
    assert response.status_code == expect, response.content
    return response.json()


def names(body):
    return [result["name"] for result in body["results"]]


def suggestion_links(page):
    """{link text: href} of the places offered under the search box."""
    found = re.search(r'<ul class="suggestions">(.*?)</ul>', page, re.S)
    pairs = re.findall(r'<a href="([^"]*)">([^<]*)</a>', found.group(1)) if found else []
    return {unescape(text): unescape(href) for href, text in pairs}


# An address with a ZIP code, offline ----------------------------------------------------------


def test_an_address_with_a_zip_is_searched_from_that_zip(client, sites):
    body = api(client, "350 Fifth Avenue, New York, NY 10118", radius="5")
    origin = body["origin"]
    assert origin["label"] == "ZIP 10118, New York, NY (the street address was not located)"
    zip_lat, zip_lng, *_ = geo.zip_index()["10118"]
    assert (origin["latitude"], origin["longitude"]) == (zip_lat, zip_lng)
    assert names(body) == ["empire"]
    assert body["results"][0]["distance_miles"] < 1


def test_the_page_says_the_street_address_was_not_located(client, sites):
    response = client.get("/search/", {"near": "350 5th Ave, New York, NY 10118-0110, USA"})
    assert response.status_code == 200
    assert (
        "1 location within 25 miles of ZIP 10118, New York, NY (the street address was not "
        "located)" in unescape(response.text)
    )


@pytest.mark.parametrize("text", ["Portland, OR 97205", "portland or 97205", "97205"])
def test_a_city_with_its_zip_is_just_the_zip(client, sites, text):
    assert api(client, text)["origin"]["label"] == "Portland, OR 97205"


def test_an_address_with_an_unknown_zip_says_which_zip(client, sites):
    body = api(client, "12 Nowhere Lane, Faraway 00000", expect=400)
    assert body["errors"]["near"] == ["We don't know the ZIP code 00000. Check the digits."]


def test_an_address_with_a_city_and_state_is_searched_from_the_city(client, sites):
    body = api(client, "1 Main Street, Portland, ME")
    assert body["origin"]["label"] == "Portland, ME (the street address was not located)"
    assert names(body) == ["portland-me"]


def test_an_address_without_zip_or_state_says_what_to_add(client, sites):
    [message] = api(client, "1 Main Street, Portland", expect=400)["errors"]["near"]
    assert "need their ZIP code" in message


def test_with_a_geocoder_the_address_is_located_and_an_unknown_one_falls_back(
    client,
    sites,
    nominatim,  # noqa: F811
):
    body = api(client, "1 Main St, Portland, OR 97204")
    assert body["origin"]["label"].startswith("1 Main Street, Portland")  # the geocoder's
    body = api(client, "12 Unknown Rd, Portland, OR 97205")
    assert body["origin"]["label"] == "ZIP 97205, Portland, OR (the street address was not located)"
    assert len(nominatim.requests) == 2


# Cities without a state -----------------------------------------------------------------------


def test_a_city_in_several_states_offers_each_as_a_link(client, sites):
    response = client.get("/search/", {"near": "Portland", "route": "iv"})
    assert response.status_code == 400
    links = suggestion_links(response.text)
    portlands = [text for text in links if text.startswith("Search near Portland, ")]
    assert len(portlands) == len(gazetteer.cities_named("Portland")) == 13
    assert portlands[:2] == ["Search near Portland, OR", "Search near Portland, ME"]  # biggest
    query = parse_qs(urlparse(links["Search near Portland, ME"]).query)
    assert query == {"near": ["Portland, ME"], "route": ["iv"]}
    followed = client.get(links["Search near Portland, ME"])
    assert followed.status_code == 200
    assert "1 IV location within 25 miles of Portland, ME" in followed.text


def test_the_api_names_the_choices(client, sites):
    [message] = api(client, "Springfield", expect=400)["errors"]["near"]
    assert message == (
        'There is a Springfield in 24 states: add the state, like "Springfield, IL" or '
        '"Springfield, MA".'
    )


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Albuquerque", "Albuquerque, NM"),  # one state has it: no question
        ("Portland, Oregon", "Portland, OR"),
        ("portland oregon", "Portland, OR"),
        ("St. Louis, Missouri", "Saint Louis, MO"),
        ("Salt Lake City Utah", "Salt Lake City, UT"),
        ("Portland, OR, USA", "Portland, OR"),
        ("Portland, OR, United States", "Portland, OR"),
        ("Portland, OR 97205 US", "Portland, OR 97205"),
    ],
)
def test_cities_typed_other_ways(text, label):
    assert geo.resolve(text).label == label


def test_a_misspelt_city_without_a_state_gets_close_names(client, sites):
    response = client.get("/search/", {"near": "Portlnd"})
    assert response.status_code == 400
    assert "Search near Portland, OR" in suggestion_links(response.text)


# Nicknames and states --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "site"),
    [
        ("NYC", "New York, NY", "empire"),
        ("New York City", "New York, NY", "empire"),
        ("LA", "Los Angeles, CA", "los-angeles"),
        ("L.A.", "Los Angeles, CA", "los-angeles"),
        ("DC", "Washington, DC", "washington"),
        ("Washington, D.C.", "Washington, DC", "washington"),
        ("Philly", "Philadelphia, PA", "philadelphia"),
    ],
)
def test_nicknames_find_their_city(client, sites, text, label, site):
    body = api(client, text)
    assert body["origin"]["label"] == label
    assert names(body) == [site]


def test_every_nickname_names_a_known_city():
    for nickname, city_state in gazetteer.ALIASES.items():
        assert geo.resolve(city_state).kind == "city", nickname


def test_a_state_name_leads_to_a_search_of_the_state(client, sites):
    response = client.get("/search/", {"near": "Texas", "route": "iv", "radius": "50"})
    if "state" in LocationFilter.base_filters:  # the `state` parameter (issue 14.2)
        assert response.status_code == 302
        assert urlparse(response["Location"]).path == "/providers/tx/"  # issue 19.1
        assert parse_qs(urlparse(response["Location"]).query) == {"route": ["iv"]}
        followed = client.get(response["Location"])
        assert "houston" in followed.text
        return
    # Until the search has a `state` parameter: the state's biggest cities, as links.
    assert response.status_code == 400
    assert "Texas is a state." in response.text
    links = suggestion_links(response.text)
    assert "Search near Houston, TX" in links
    followed = client.get(links["Search near Houston, TX"])
    assert followed.status_code == 200
    assert "1 location within 50 miles of Houston, TX" in followed.text


@pytest.mark.parametrize("text", ["Texas", "texas", "TX"])
def test_the_api_says_a_state_is_not_a_place_to_measure_from(client, text):
    [message] = api(client, text, expect=400)["errors"]["near"]
    assert message.startswith("Texas is a state. Search near a city or ZIP code in it")
    assert ("state=TX" in message) == ("state" in LocationFilter.base_filters)


def test_new_york_asks_whether_the_city_or_the_state_is_meant(client, sites):
    response = client.get("/search/", {"near": "New York"})
    assert response.status_code == 400
    assert "is the state of New York and also New York, NY" in unescape(response.text)
    links = list(suggestion_links(response.text))
    city_first = links[1] if links[0].startswith("Every provider in") else links[0]
    assert city_first == "Search near New York, NY"


def test_a_cached_state_answer_keeps_the_state(settings):
    for _ in range(2):  # the second comes from the cache
        with pytest.raises(geo.PlaceNotFound) as caught:
            geo.resolve_cached("Washington")
        assert (caught.value.state, caught.value.ambiguous) == ("WA", True)
        assert caught.value.suggestions[0] == "Washington, DC"


# The field promises only what works ------------------------------------------------------------


def label_of_near(page):
    return re.search(r'<label for="id_near">([^<]*)</label>', page).group(1)


@pytest.mark.parametrize("url", ["/", "/search/"])
def test_offline_the_field_does_not_promise_street_addresses(client, settings, url):
    settings.GEOCODER = ""
    page = client.get(url).text
    assert "address" not in label_of_near(page)
    assert "city or state" in label_of_near(page)


@pytest.mark.parametrize("url", ["/", "/search/"])
def test_with_a_geocoder_the_field_offers_street_addresses(client, settings, url):
    settings.GEOCODER = "nominatim"
    assert "street address" in label_of_near(client.get(url).text)


def test_the_search_page_says_how_an_address_is_used_offline(client, settings):
    settings.GEOCODER = ""
    page = client.get("/search/?" + urlencode({"near": "97205"})).text
    assert 'aria-describedby="near-hint"' in page
    assert "Street addresses are searched from their ZIP code." in page


def test_answers_cached_by_older_rules_are_not_read(monkeypatch):
    calls = []
    real = geo.resolve
    monkeypatch.setattr(geo, "resolve", lambda text: calls.append(text) or real(text))
    geo.resolve_cached("Philly")
    geo.resolve_cached("Philly")
    assert calls == ["Philly"]
    monkeypatch.setattr(geo, "ORIGIN_FORMAT", geo.ORIGIN_FORMAT + 1)  # the rules changed
    assert geo.resolve_cached("Philly").label == "Philadelphia, PA"
    assert calls == ["Philly", "Philly"]


def test_the_api_page_says_how_near_is_read(client):
    page = unescape(client.get("/api/").text)
    assert "an address that ends in a ZIP code is searched from that ZIP" in page
    assert "A city in several states, or a state, answers 400 naming the choices." in page


def test_nearest_state_reads_the_cells_around_the_point_as_a_full_scan_would():
    """The state of the nearest ZIP centre, found through whole-degree cells, is the one a
    scan of every centre finds: near borders, on the coast, in Alaska, and none at sea."""
    import math

    from clinics import gazetteer

    centres = [(lat, lng, state) for lat, lng, _city, state in gazetteer.zip_index().values()]

    def scanned(latitude, longitude):
        scale = math.cos(math.radians(latitude)) ** 2
        best, best_state = 1.0, ""
        for lat, lng, state in centres:
            distance = (lat - latitude) ** 2 + scale * (lng - longitude) ** 2
            if distance < best:
                best, best_state = distance, state
        return best_state

    points = [
        (45.6, -122.67),  # the Columbia: Portland, OR against Vancouver, WA
        (40.70, -74.02),  # New York harbour
        (64.84, -147.72),  # Fairbanks
        (71.29, -156.79),  # Utqiagvik, where a degree of longitude is short
        (30.0, -60.0),  # the Atlantic: no state
    ]
    for latitude, longitude in points:
        assert gazetteer.nearest_state(latitude, longitude) == scanned(latitude, longitude)
    assert gazetteer.nearest_state(45.6, -122.67) in {"OR", "WA"}
    assert gazetteer.nearest_state(30.0, -60.0) == ""
