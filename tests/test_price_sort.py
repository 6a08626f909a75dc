"""sort=price compares the price the patient would pay (issue 14.8): the chosen routes'
session prices, or without a route each location's lowest self-pay session price; the
results page says which, and what a price range covers."""

import re

import pytest

from tests.builders import add_location
from tests.builders.datasets import near

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("price_listings")]


def build_price_listings():
    # A $5 esketamine figure where Aetna covers esketamine: what insurance leaves, not a
    # session price. Its IV at $565 is its self-pay price.
    add_location(
        **near("Copay", 1),
        routes={"iv": (565, 700), "esketamine": (5, 40)},
        payers=[("aetna", "esketamine")],
    )
    add_location(**near("Cash IV", 2), routes={"iv": (450, 600)})
    # Esketamine with no insurance billed: a self-pay price, and it counts.
    add_location(**near("Cash esketamine", 3), routes={"esketamine": (300, 800)})
    # In network with Cigna for every route: esketamine's $10 is billed, IM's $350 counts.
    add_location(
        **near("Billed everywhere", 4),
        routes={"esketamine": (10, 50), "im": (350, 400)},
        payers=["cigna"],
    )
    # A payer for every route does not make racemic ketamine's price a copay.
    add_location(**near("Network IV", 5), routes={"iv": (500, 500)}, payers=["aetna"])
    add_location(**near("On request", 6), routes={"iv": (None, None)})


@pytest.fixture(scope="module")
def price_listings(module_db):
    return module_db.build(build_price_listings)


def order(client, query):
    body = client.get(f"/api/v1/locations/?near=97205&sort=price&{query}").json()
    return [result["clinic"]["name"].removesuffix(" Clinic") for result in body["results"]]


def test_without_a_route_the_lowest_self_pay_price_of_any_route(client):
    assert order(client, "") == [
        "Cash esketamine",  # 300: esketamine, billed to nobody
        "Billed everywhere",  # 350: its IM; the $10 esketamine is billed to Cigna
        "Cash IV",  # 450
        "Network IV",  # 500
        "Copay",  # 565: its IV; the $5 esketamine is what Aetna leaves
        "On request",  # no price: last
    ]


def test_with_routes_their_prices(client):
    assert order(client, "route=iv") == ["Cash IV", "Network IV", "Copay", "On request"]
    assert order(client, "route=esketamine") == ["Copay", "Billed everywhere", "Cash esketamine"]
    assert order(client, "route=iv&route=im") == [
        "Billed everywhere",
        "Cash IV",
        "Network IV",
        "Copay",
        "On request",
    ]


def test_the_page_says_which_price_is_compared(client):
    def said(query):
        html = client.get(f"/search/?near=97205&{query}").content.decode()
        match = re.search(r'<p class="price-order">([^<]*)</p>', html)
        return match and match.group(1)

    assert said("sort=price&route=iv") == "Sorted by the lowest IV price per session."
    assert (
        said("sort=price&route=iv&route=im") == "Sorted by the lowest IV or IM price per session."
    )
    assert said("sort=price").startswith(
        "Sorted by the lowest self-pay price per session, any route"
    )
    assert said("sort=distance") is None


def test_the_page_orders_as_the_api_and_explains_price_ranges(client):
    html = client.get("/search/?near=97205&sort=price").content.decode()
    names = re.findall(r"<h3[^>]*>\s*<a[^>]*>([^<]*?) Clinic", html)
    assert names[:2] == ["Cash esketamine", "Billed everywhere"]
    assert "a range runs from its lowest to its highest session price" in html
    assert "A typical series costs several sessions" in html
