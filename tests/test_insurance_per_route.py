"""Insurance per route (issue 14.1, docs/api.md): with `route` given, a payer matches only
where it is in network for one of the chosen routes (an acceptance for every route counts).

The search reads Location.payer_mask and an EXISTS over the acceptances; the check at the
end recomputes every answer in plain Python from the rows, over the demo data."""

import itertools
import re

import pytest
from django.core.management import call_command

from clinics.models import Location, Payer, TreatmentRoute
from tests.builders.listings import add_location

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def listings():
    """Esketamine-only Aetna at one IV clinic; Aetna for every route at another; Cigna for IV."""
    spravato = add_location(
        name="Spravato only", miles=1, routes=["iv", "esketamine"],
        payers=[("aetna", "esketamine"), ("medicare", "esketamine")],
    )  # fmt: skip
    every = add_location(name="Every route", miles=2, routes=["iv"], payers=["aetna"])
    cigna = add_location(name="Cigna IV", miles=3, routes=["iv", "im"], payers=[("cigna", "iv")])
    return spravato, every, cigna


def names(response):
    return sorted(result["name"] for result in response.json()["results"])


def test_a_payer_for_another_route_does_not_match(client, listings):
    response = client.get(
        "/api/v1/locations/", {"near": "97205", "route": "iv", "insurance": "aetna"}
    )
    assert names(response) == ["Every route"]
    response = client.get(
        "/api/v1/locations/", {"near": "97205", "route": "iv", "insurance": "medicare"}
    )
    assert names(response) == []


def test_any_chosen_route_counts_and_no_route_means_any(client, listings):
    both = {"near": "97205", "route": ["iv", "esketamine"], "insurance": "aetna"}
    assert names(client.get("/api/v1/locations/", both)) == ["Every route", "Spravato only"]
    anyroute = {"near": "97205", "insurance": "medicare"}
    assert names(client.get("/api/v1/locations/", anyroute)) == ["Spravato only"]
    im = {"near": "97205", "route": "im", "insurance": "cigna"}
    assert names(client.get("/api/v1/locations/", im)) == []


def test_results_carry_each_routes_payers(client, listings):
    response = client.get("/api/v1/locations/", {"near": "97205", "q": "Spravato"})
    [result] = response.json()["results"]
    assert {route["slug"]: route["insurance"] for route in result["routes"]} == {
        "iv": [],
        "esketamine": ["aetna", "medicare"],
    }
    assert result["insurance"] == ["aetna", "medicare"]


def test_cards_say_which_route_each_payer_covers(client, listings):
    html = client.get("/search/", {"near": "97205"}).content.decode()
    assert "IV: none listed · Esketamine: Aetna, Medicare" in html
    assert "IV: Aetna</dd>" in html
    assert "IV: Cigna · IM: none listed" in html
    assert "(Esketamine (Spravato) nasal spray)" not in html


def test_insurance_facet_counts_follow_the_chosen_routes(client, listings):
    html = client.get("/search/", {"near": "97205", "route": "iv"}).content.decode()
    assert re.search(r'value="aetna">\s*Aetna <span class="count">\(1\)</span>', html)
    assert re.search(r'value="medicare"[^>]*>\s*Medicare <span class="count">\(0\)</span>', html)
    assert re.search(r'value="cigna">\s*Cigna <span class="count">\(1\)</span>', html)


def test_the_search_is_still_one_query(client, listings, django_assert_num_queries):
    params = {"near": "97205", "route": "iv", "insurance": ["aetna", "cigna"]}
    client.get("/api/v1/locations/", params)  # reference data and the origin, cached once
    with django_assert_num_queries(1):
        response = client.get("/api/v1/locations/", params)
    assert names(response) == ["Cigna IV", "Every route"]


def in_network(location, routes, payers):
    """The rule, recomputed from the rows: an acceptance of a chosen payer for a chosen
    route or for every route, at a location offering a chosen route."""
    offered = {offering.route_id for offering in location.offerings.all()}
    if routes and not offered & routes:
        return False
    return any(
        acceptance.payer_id in payers
        and (not routes or acceptance.route_id is None or acceptance.route_id in routes)
        for acceptance in location.payer_acceptances.all()
    )


def test_every_route_and_payer_combination_matches_an_independent_check(client):
    call_command("generate_demo_data", "--clinics", "120", "--seed", "14", "-v", "0")
    locations = list(
        Location.objects.published().prefetch_related("offerings", "payer_acceptances")
    )
    routes = list(TreatmentRoute.objects.all())
    payers = list(Payer.objects.all())
    route_choices = [()] + [(r,) for r in routes] + list(itertools.combinations(routes, 2))
    payer_choices = [(p,) for p in payers] + list(itertools.combinations(payers[:6], 2))
    checked = 0
    for chosen_routes, chosen_payers in itertools.product(route_choices, payer_choices):
        route_ids = {route.pk for route in chosen_routes}
        payer_ids = {payer.pk for payer in chosen_payers}
        expected = sorted(
            location.pk for location in locations if in_network(location, route_ids, payer_ids)
        )
        response = client.get(
            "/api/v1/locations/",
            {
                "route": [route.slug for route in chosen_routes],
                "insurance": [payer.slug for payer in chosen_payers],
                "page_size": 100,
            },
        )
        body = response.json()
        assert body["count"] == len(expected), (chosen_routes, chosen_payers)
        if body["count"] <= 100:
            assert sorted(result["id"] for result in body["results"]) == expected
        checked += bool(expected)
    assert checked > 50  # the check saw real matches, not only empty answers
