"""The search contract (docs/api.md): filters, sorts, pages, errors, query counts.

Most tests go through /api/v1/locations/, which shares its FilterSet with /search/; the
tests at the end check that the two answer the same.
"""

import re
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinics.models import (
    Condition,
    Language,
    Location,
    Payer,
    PaymentOption,
    TreatmentRoute,
    refresh_masks,
)
from clinics.search import LocationFilter
from tests.factories import (
    LocationFactory,
    OfferingFactory,
    PayerAcceptanceFactory,
    payer,
    route,
)
from tests.listings import ORIGIN, build_listings, make_location, offer, point_at

pytestmark = pytest.mark.django_db

PUBLISHED = ["Alpha", "Bridge", "Cascade", "Delta", "Evergreen"]


@pytest.fixture
def listings():
    return build_listings()


def search(client, params=(), expect=200):
    response = client.get(f"/api/v1/locations/?{urlencode(params, doseq=True)}")
    assert response.status_code == expect, response.content
    return response.json()


def found(client, listings, params):
    return listings.names(result["id"] for result in search(client, params)["results"])


# Each filter alone, and OR within one parameter -----------------------------------------

FILTERS_ALONE = [
    ({}, ["Alpha", "Bridge", "Cascade", "Delta", "Evergreen"]),
    ({"route": "iv"}, ["Alpha", "Cascade", "Evergreen"]),
    ({"route": "esketamine"}, ["Alpha", "Delta"]),
    ({"route": ["im", "lozenge"]}, ["Bridge", "Cascade"]),
    ({"condition": "ptsd"}, ["Alpha", "Cascade"]),
    ({"condition": ["anxiety", "chronic-pain"]}, ["Bridge", "Cascade"]),
    ({"insurance": "aetna"}, ["Alpha", "Delta"]),
    ({"insurance": ["cigna", "medicare"]}, ["Bridge", "Delta"]),
    ({"insurance": "humana"}, []),
    ({"payment": "self-pay"}, ["Alpha", "Evergreen"]),
    ({"payment": ["financing", "sliding-scale"]}, ["Bridge", "Cascade"]),
    ({"max_price": "300"}, ["Alpha", "Bridge", "Cascade"]),
    ({"max_price": "0"}, ["Alpha"]),
    ({"max_price": "149.99"}, ["Alpha"]),
    ({"max_price": "150"}, ["Alpha", "Cascade"]),
    ({"psychotherapy": "true"}, ["Alpha", "Cascade", "Delta"]),
    ({"telehealth": "true"}, ["Bridge", "Cascade"]),
    ({"accepting": "true"}, ["Alpha", "Cascade", "Delta", "Evergreen"]),
    ({"psychotherapy": "false"}, PUBLISHED),
    ({"language": "es"}, ["Alpha", "Cascade"]),
    ({"language": ["es", "en"]}, ["Alpha", "Bridge", "Cascade", "Delta"]),
    ({"q": "bridge"}, ["Bridge"]),
    ({"q": "CLINIC cascade"}, ["Cascade"]),
    ({"q": "nomatch"}, []),
    ({"near": "97205"}, ["Alpha", "Bridge", "Cascade"]),
    ({"near": "97205", "radius": "50"}, ["Alpha", "Bridge", "Cascade", "Delta"]),
    ({"near": "97205", "radius": "3"}, ["Alpha"]),
    ({"near": "Portland, OR", "radius": "500"}, PUBLISHED),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS_ALONE)
def test_each_filter_alone(client, listings, params, expected):
    assert sorted(found(client, listings, params)) == sorted(expected)


# AND across parameters --------------------------------------------------------------------

FILTERS_COMBINED = [
    ({"route": "iv", "condition": "ptsd"}, ["Alpha", "Cascade"]),
    ({"route": "iv", "language": "es", "psychotherapy": "true"}, ["Alpha", "Cascade"]),
    ({"route": "iv", "accepting": "true", "payment": "self-pay"}, ["Alpha", "Evergreen"]),
    ({"insurance": "aetna", "near": "97205"}, ["Alpha"]),
    ({"telehealth": "true", "accepting": "true"}, ["Cascade"]),
    ({"psychotherapy": "true", "telehealth": "true", "language": "es"}, ["Cascade"]),
    ({"condition": "treatment-resistant-depression", "insurance": "medicare"}, ["Delta"]),
    ({"route": ["im", "iv"], "condition": ["anxiety", "chronic-pain"]}, ["Bridge", "Cascade"]),
    ({"q": "alpha", "route": "im"}, []),
    # max_price looks only at the chosen routes' prices.
    ({"route": "iv", "max_price": "450"}, ["Alpha"]),
    ({"route": "iv", "max_price": "300"}, []),
    ({"route": "lozenge", "max_price": "300"}, ["Cascade"]),
    ({"route": "esketamine", "max_price": "1000"}, ["Alpha"]),  # Delta: price on request
    ({"route": ["im", "iv"], "max_price": "350"}, ["Bridge"]),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS_COMBINED)
def test_filters_combine_with_and(client, listings, params, expected):
    assert sorted(found(client, listings, params)) == sorted(expected)


@pytest.mark.parametrize(("params", "_"), FILTERS_ALONE + FILTERS_COMBINED)
def test_combining_two_parameters_is_the_intersection(client, listings, params, _):
    """Adding the accepting filter to any search gives the intersection of both results."""
    alone = set(found(client, listings, params))
    accepting = set(found(client, listings, {"accepting": "true"}))
    both = set(found(client, listings, {**params, "accepting": "true"}))
    assert both == alone & accepting


def test_route_filter_follows_offerings_as_they_change(client):
    """The route filter reads Location.route_mask: every change to offerings moves it."""
    location = make_location("Changing", 1)
    assert search(client, {"route": "iv"})["count"] == 0
    iv = offer(location, "iv", 400, 600)
    offer(location, "esketamine")
    assert search(client, {"route": "iv"})["count"] == 1
    assert search(client, {"route": ["im", "esketamine"]})["count"] == 1
    iv.delete()
    assert search(client, {"route": "iv"})["count"] == 0
    location.offerings.update(route=route("lozenge"))  # no signals: refresh by hand
    refresh_masks([location.pk])
    assert search(client, {"route": "lozenge"})["count"] == 1


def test_insurance_follows_acceptances_as_they_change(client):
    """The insurance filter reads Location.payer_mask: every change to acceptances moves it."""
    location = make_location("Changing", 1)
    assert search(client, {"insurance": "aetna"})["count"] == 0
    aetna = PayerAcceptanceFactory(location=location, payer=payer("aetna"), route=route("iv"))
    PayerAcceptanceFactory(location=location, payer=payer("cigna"))
    assert search(client, {"insurance": "aetna"})["count"] == 1
    assert search(client, {"insurance": ["humana", "cigna"]})["count"] == 1
    aetna.delete()
    assert search(client, {"insurance": "aetna"})["count"] == 0
    assert search(client, {"insurance": "cigna"})["count"] == 1
    # A location saved from an instance loaded earlier keeps what the acceptances say.
    stale = Location.objects.get(pk=location.pk)
    PayerAcceptanceFactory(location=location, payer=payer("aetna"))
    stale.name = "Renamed"
    stale.save()
    assert search(client, {"insurance": "aetna"})["count"] == 1


@pytest.mark.parametrize("model", [Payer, TreatmentRoute])
def test_each_route_and_payer_gets_its_own_bit_and_at_most_63_fit(db, model):
    bits = list(model.objects.values_list("bit", flat=True))
    assert len(bits) == len(set(bits)) and max(bits) < 63
    new = model.objects.create(slug="new-one", name="New one")
    assert new.bit not in bits
    for number in range(63 - len(bits) - 1):
        model.objects.create(slug=f"option-{number}", name=f"Option {number}")
    plural = model._meta.verbose_name_plural
    with pytest.raises(ValidationError, match=f"at most 63 {plural}"):
        model(slug="one-too-many", name="One too many").full_clean()


def test_unpublished_listings_never_appear(client, listings):
    everything = {
        "near": "97205",
        "radius": "500",
        "page_size": "100",
    }
    for params in [{}, everything, {"route": "iv"}, {"q": "hidden"}, {"insurance": "cigna"}]:
        for sort in ["name", "price", "verified"]:
            names = found(client, listings, {**params, "sort": sort, "page_size": "100"})
            assert not [name for name in names if name.startswith("Hidden")]


# Sorting ----------------------------------------------------------------------------------


def test_sort_by_distance_is_the_default_with_near(client, listings):
    body = search(client, {"near": "97205", "radius": "500"})
    assert listings.names(r["id"] for r in body["results"]) == PUBLISHED
    distances = [r["distance_miles"] for r in body["results"]]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(1, abs=0.01)
    assert distances[-1] == pytest.approx(145, abs=0.01)


def test_sort_by_name_is_the_default_without_near(client, listings):
    body = search(client, {})
    assert listings.names(r["id"] for r in body["results"]) == PUBLISHED
    assert all(r["distance_miles"] is None for r in body["results"])
    assert body["origin"] is None


def test_sort_by_price_uses_the_lowest_price_nulls_last(client, listings):
    # Alpha 0 (esketamine), Cascade 150, Bridge 300, Evergreen 500, Delta on request.
    names = found(client, listings, {"sort": "price"})
    assert names == ["Alpha", "Cascade", "Bridge", "Evergreen", "Delta"]


def test_sort_by_price_of_the_chosen_routes(client, listings):
    names = found(client, listings, {"sort": "price", "route": "iv"})
    assert names == ["Alpha", "Evergreen", "Cascade"]


def test_sort_by_verified_most_recent_first_unverified_last(client, listings):
    names = found(client, listings, {"sort": "verified"})
    assert names == ["Delta", "Alpha", "Bridge", "Evergreen", "Cascade"]


def test_sort_distance_without_near_is_an_error(client, listings):
    body = search(client, {"sort": "distance"}, expect=400)
    assert "sort" in body["errors"]


# Pagination ---------------------------------------------------------------------------------


@pytest.fixture
def crowd():
    """45 locations at the same spot and price, so only the tie-break orders them."""
    latitude, longitude = point_at(2)
    locations = LocationFactory.create_batch(45, latitude=latitude, longitude=longitude)
    for location in locations:
        OfferingFactory(location=location, price_min_usd=400, price_max_usd=400)
    return locations


@pytest.mark.parametrize("sort", ["distance", "price", "name", "verified"])
def test_pages_never_overlap_and_cover_everything(client, crowd, sort):
    params = {"near": "97205", "sort": sort, "page_size": "10"}
    seen = []
    page = 1
    while True:
        body = search(client, {**params, "page": page})
        assert body["count"] == 45
        assert body["page"] == page
        seen += [r["id"] for r in body["results"]]
        if body["next"] is None:
            break
        assert body["next"].startswith("/api/v1/locations/?")
        assert f"page={page + 1}" in body["next"]
        page += 1
    assert page == 5
    assert len(seen) == len(set(seen)) == 45
    assert set(seen) == {location.pk for location in crowd}
    if sort in ("distance", "price", "verified"):
        assert seen == sorted(seen)  # ties broken by id


def test_next_and_previous_follow_the_same_search(client, crowd):
    first = search(client, {"near": "97205", "page_size": "20", "route": "iv"})
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["page"] == 2
    assert second["previous"].startswith("/api/v1/locations/?")
    back = client.get(second["previous"]).json()
    assert back["results"] == first["results"]
    third = client.get(second["next"]).json()
    assert len(third["results"]) == 5
    assert third["next"] is None


def test_default_page_size_is_20(client, crowd):
    body = search(client, {})
    assert body["page_size"] == 20
    assert len(body["results"]) == 20


def test_a_page_past_the_end_is_404(client, crowd):
    search(client, {"page": "3"})
    body = search(client, {"page": "4"}, expect=404)
    assert body["errors"]["page"]
    assert client.get("/search/?page=4").status_code == 404


def test_an_absurd_page_number_is_404_not_500(client, crowd):
    search(client, {"page": str(10**30)}, expect=404)


def test_first_page_of_nothing_is_an_empty_200(client, listings):
    body = search(client, {"q": "nothing-matches"})
    assert body["count"] == 0
    assert body["results"] == []


# Errors -------------------------------------------------------------------------------------

INVALID = [
    ({"near": "99999"}, "near", "ZIP code"),
    ({"near": "Portlnd, OR"}, "near", "Portland, OR"),
    ({"near": "somewhere over the rainbow"}, "near", "ZIP code"),
    ({"near": "91,200"}, "near", "latitude"),
    ({"near": "97205", "radius": "0"}, "radius", "1 to 500"),
    ({"near": "97205", "radius": "501"}, "radius", "1 to 500"),
    ({"near": "97205", "radius": "ten"}, "radius", "1 to 500"),
    ({"near": "97205", "radius": "NaN"}, "radius", "1 to 500"),
    ({"near": "97205", "radius": "-inf"}, "radius", "1 to 500"),
    ({"route": "oral"}, "route", "iv, im, lozenge, esketamine"),
    ({"route": ["iv", "oral"]}, "route", "oral"),
    ({"condition": "flu"}, "condition", "not a known condition"),
    ({"insurance": "acme"}, "insurance", "not a known payer"),
    ({"payment": "bitcoin"}, "payment", "self-pay"),
    ({"language": "english"}, "language", "ISO 639-1"),
    ({"max_price": "-1"}, "max_price", "0 or more"),
    ({"max_price": "cheap"}, "max_price", "US dollars"),
    ({"max_price": "1e400"}, "max_price", "at most"),
    ({"psychotherapy": "maybe"}, "psychotherapy", "true"),
    ({"telehealth": "yes please"}, "telehealth", "true"),
    ({"accepting": "2"}, "accepting", "true"),
    ({"sort": "rating"}, "sort", "distance"),
    ({"page": "0"}, "page", "1 or more"),
    ({"page": "two"}, "page", "whole number"),
    ({"page_size": "101"}, "page_size", "1 to 100"),
    ({"page_size": "0"}, "page_size", "1 to 100"),
    ({"page_size": "1.5"}, "page_size", "whole number"),
    ({"q": "x" * 201}, "q", "200"),
    ({"q": "a\x00b"}, "q", "character"),
    ({"route": "iv\x00"}, "route", "character"),
]


@pytest.mark.parametrize(("params", "field", "fragment"), INVALID)
def test_invalid_input_answers_400_with_a_message(client, listings, params, field, fragment):
    body = search(client, params, expect=400)
    assert list(body) == ["errors"]
    assert field in body["errors"]
    assert any(fragment in message for message in body["errors"][field]), body


def test_several_errors_are_reported_together(client, listings):
    body = search(client, {"radius": "0", "route": "x", "page_size": "0"}, expect=400)
    assert set(body["errors"]) == {"radius", "route", "page_size"}


def test_unknown_place_suggests_close_city_names(client, listings):
    body = search(client, {"near": "Sant Louis, MO"}, expect=400)
    assert "Saint Louis, MO" in body["errors"]["near"][0]


def test_radius_without_near_is_ignored(client, listings):
    assert search(client, {"radius": "5"})["count"] == 5


def test_unknown_parameters_are_ignored(client, listings):
    assert search(client, {"colour": "blue"})["count"] == 5


query_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
parameter = st.sampled_from(
    [
        "near", "radius", "route", "condition", "insurance", "payment", "max_price",
        "psychotherapy", "telehealth", "accepting", "language", "q", "sort", "page", "page_size",
    ]
)  # fmt: skip
numberish = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1e309", "-0", "0x10", "1_000", " 5 ", "٣", "25.000000000000001"]),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=st.lists(st.tuples(parameter, st.one_of(query_text, numberish)), max_size=6))
def test_no_input_causes_a_server_error(client, pairs):
    query = urlencode(pairs)
    for url in ("/api/v1/locations/", "/search/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 400, 404), (url, query, response.status_code)
        if url.startswith("/api/") and response.status_code == 400:
            errors = response.json()["errors"]
            assert errors
            assert all(isinstance(m, str) and m for ms in errors.values() for m in ms)


# Constant number of queries ----------------------------------------------------------------


def many_rich_locations(count):
    for index in range(count):
        location = make_location(f"Many {index}", 1 + index % 20, bearing=index * 7)
        offer(location, "iv", 400, 600)
        offer(location, "esketamine", 10, 50)
        PayerAcceptanceFactory(location=location)
        location.conditions.add(*Condition.objects.all()[:3])
        location.payment_options.add(*PaymentOption.objects.all()[:2])
        location.languages.add(*Language.objects.all()[:2])


def count_queries(client, url):
    client.get(url)  # reference data is read once per listings version, not per search
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


SEARCHES = [
    "?near=97205",
    "?near=97205&route=iv&route=esketamine&insurance=aetna&condition=ptsd"
    "&payment=self-pay&language=en&max_price=500&psychotherapy=true&sort=price",
    "?sort=verified&page_size=100",
]


@pytest.mark.parametrize("query", SEARCHES)
@pytest.mark.parametrize("url", ["/api/v1/locations/", "/search/"])
def test_query_count_does_not_grow_with_results(client, url, query, django_assert_max_num_queries):
    many_rich_locations(3)
    few = count_queries(client, url + query)
    many_rich_locations(37)
    many = count_queries(client, url + query)
    assert few == many
    limit = 12 if url.startswith("/api/") else 20
    with django_assert_max_num_queries(limit):
        client.get(url + query)


def test_api_search_is_one_query(client, django_assert_num_queries):
    many_rich_locations(40)
    # The first search of a listings version reads the reference tables (five small queries).
    client.get("/api/v1/locations/?near=97205&route=iv")
    # Then the page, its total and what each result shows come from one query.
    with django_assert_num_queries(1):
        body = client.get("/api/v1/locations/?near=97205&route=iv").json()
    assert body["count"] == 40
    assert all(result["routes"] and result["languages"] for result in body["results"])


# JSON and HTML agree ----------------------------------------------------------------------

AGREEMENT = [
    {},
    {"near": "97205"},
    {"near": "97205", "radius": "500", "sort": "price"},
    {"route": ["iv", "im"], "sort": "verified"},
    {"psychotherapy": "true", "language": "es"},
    {"near": "Portland, OR", "radius": "50", "page_size": "2", "page": "2"},
]


@pytest.mark.parametrize("params", AGREEMENT)
def test_json_and_html_agree(client, listings, params):
    query = urlencode(params, doseq=True)
    body = client.get(f"/api/v1/locations/?{query}").json()
    html = client.get(f"/search/?{query}").content.decode()
    ids = [int(pk) for pk in re.findall(r'<article class="result" id="result-(\d+)"', html)]
    assert ids == [result["id"] for result in body["results"]]
    if body["count"]:
        assert f"{body['count']} location" in html


def test_json_and_html_show_the_same_errors(client, listings):
    params = {"route": "oral", "radius": "900", "near": "97205"}
    body = search(client, params, expect=400)
    response = client.get(f"/search/?{urlencode(params)}")
    assert response.status_code == 400
    html = response.content.decode()
    for messages in body["errors"].values():
        for message in messages:
            assert message.replace('"', "&quot;") in html


# Facets ---------------------------------------------------------------------------------


def test_facet_counts_equal_the_results_of_choosing_the_option(client, listings):
    base = QueryDict("near=97205&radius=50&route=iv", mutable=True)
    search_ = LocationFilter(base)
    assert search_.is_valid()
    facets = search_.facets()
    for name in ("route", "condition", "insurance", "payment", "language"):
        for option in facets[name]:
            params = base.copy()
            params.setlist(name, [option.value])
            assert option.count == search(client, list(params.lists()))["count"], (name, option)
    for name in ("psychotherapy", "telehealth", "accepting"):
        params = base.copy()
        params[name] = "true"
        assert facets[name].count == search(client, list(params.lists()))["count"], name


def test_facet_counts_take_a_constant_number_of_queries(listings, django_assert_max_num_queries):
    search_ = LocationFilter(QueryDict("near=97205&route=iv&psychotherapy=true"))
    assert search_.is_valid()
    with django_assert_max_num_queries(6):
        search_.facets()


def test_origin_and_distance_in_the_answer(client, listings):
    body = search(client, {"near": "97205-1234", "radius": "25"})
    assert body["origin"] == {
        "query": "97205-1234",
        "label": "Portland, OR 97205",
        "latitude": ORIGIN[0],
        "longitude": pytest.approx(-122.6888),
    }
    assert [r["distance_miles"] for r in body["results"]] == [
        pytest.approx(1, abs=0.001),
        pytest.approx(5, abs=0.001),
        pytest.approx(12, abs=0.001),
    ]
