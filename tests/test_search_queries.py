"""A search costs a constant number of queries, whatever the number of results."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinics.models import Condition, Language, PaymentOption
from tests.builders import PayerAcceptanceFactory, make_location, offer

pytestmark = pytest.mark.django_db


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


def test_browsing_without_a_place_counts_once_per_listings_version(client):
    """Without a circle a search can match most of the directory: the page reads its twenty
    rows only (no count(*) OVER () of every match, 130 ms at 100k), and the exact total is
    kept until a listing changes (issue 16.4)."""
    many_rich_locations(3)
    url = "/api/v1/locations/?route=iv&page_size=2"
    assert client.get(url).json()["count"] == 3
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url).json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert len(captured) == 1 and " OVER " not in captured[0]["sql"]
    many_rich_locations(1)  # a change: the next search counts again, exactly
    assert client.get(url).json()["count"] == 4
    assert client.get("/search/?route=iv").context["page"].paginator.count == 4
