"""Pages of search results (docs/api.md): they never overlap, cover everything, link on."""

import copy

import pytest

from tests.builders import LocationFactory, OfferingFactory, point_at
from tests.test_search import search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("crowd")]


@pytest.fixture(scope="module")
def module_crowd(module_db):
    return module_db.build(build_crowd)


def build_crowd():
    """45 locations at the same spot and price, so only the tie-break orders them."""
    latitude, longitude = point_at(2)
    locations = LocationFactory.create_batch(45, latitude=latitude, longitude=longitude)
    for location in locations:
        OfferingFactory(location=location, price_min_usd=400, price_max_usd=400)
    return locations


@pytest.fixture
def crowd(module_crowd):
    return copy.deepcopy(module_crowd)


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


def test_results_are_paginated_by_20_with_links_that_work_without_js(client, crowd):
    html = client.get("/search/?near=97205").content.decode()
    assert html.count('<article class="result"') == 20
    assert "Page 1 of 3" in html
    assert 'href="/search/?near=97205&amp;page=2" rel="next"' in html
    html = client.get("/search/?near=97205&page=3").content.decode()
    assert html.count('<article class="result"') == 5
    assert 'rel="prev"' in html
    assert 'rel="next"' not in html
