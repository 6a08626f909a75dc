"""The search contract (docs/api.md): filters, sorts, errors, JSON and HTML, facets.

Every test here searches the same hand-made listings around Portland, OR, built once for
the module (tests/builders/datasets.py). Most tests go through /api/v1/locations/, which
shares its FilterSet with /search/; the tests at the end check that the two answer the same.
Pages are in test_search_paging.py, the masks in test_search_masks.py, query counts in
test_search_queries.py.
"""

import copy
import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinics.search import LocationFilter
from tests.builders import ORIGIN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("listings")]

PUBLISHED = ["Alpha", "Bridge", "Cascade", "Delta", "Evergreen"]


@pytest.fixture
def listings(module_search_listings):
    return copy.deepcopy(module_search_listings)


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
    # The lowest self-pay price (issue 14.8): Cascade 150, Bridge 300, Alpha 400 (its $0
    # esketamine is billed to Aetna), Evergreen 500, Delta on request.
    names = found(client, listings, {"sort": "price"})
    assert names == ["Cascade", "Bridge", "Alpha", "Evergreen", "Delta"]


def test_sort_by_price_of_the_chosen_routes(client, listings):
    names = found(client, listings, {"sort": "price", "route": "iv"})
    assert names == ["Alpha", "Evergreen", "Cascade"]


def test_sort_by_verified_most_recent_first_unverified_last(client, listings):
    names = found(client, listings, {"sort": "verified"})
    assert names == ["Delta", "Alpha", "Bridge", "Evergreen", "Cascade"]


def test_sort_distance_without_near_is_an_error(client, listings):
    body = search(client, {"sort": "distance"}, expect=400)
    assert "sort" in body["errors"]


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
        # The heading names what is chosen: "4 IV or IM locations" (issue 19.5).
        assert re.search(rf"\b{body['count']} [^<]*\blocations?\b", html)


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
            params = base.copy()  # the option added to its group's choices (OR), as ticked
            if option.value not in params.getlist(name):
                params.appendlist(name, option.value)
            assert option.count == search(client, list(params.lists()))["count"], (name, option)
    for name in ("psychotherapy", "telehealth", "accepting"):
        params = base.copy()
        params[name] = "true"
        assert facets[name].count == search(client, list(params.lists()))["count"], name


def test_facet_counts_take_a_constant_number_of_queries(listings, django_assert_max_num_queries):
    search_ = LocationFilter(QueryDict("near=97205&route=iv&psychotherapy=true"))
    assert search_.is_valid()
    search_.page()  # as the pages do: the results first, with the reference data they read
    # The flags' query, the routes', the linked groups' (one UNION ALL) and, once per
    # listings version, the languages spoken anywhere.
    with django_assert_max_num_queries(4):
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
