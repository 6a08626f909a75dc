"""Facet counts that mean what they say (issue 14.7): the number beside an option is the
number of results the patient gets by ticking it, as the page shows it.

Every test searches the same data, built once: demo clinics in every state, plus a few
hand-made listings where the answer is easy to get wrong (the IV/IM example of the issue,
an acceptance for a route the location does not offer, a clinic with two locations).
"""

import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from clinics import demo
from clinics.search import LocationFilter
from tests.builders import add_location
from tests.builders.datasets import near

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("facet_listings")]


def build_facet_listings():
    demo.generate(clinics=70, seed=14)
    add_location(**near("Infusion", 0.2), routes={"iv": (400, 500)})
    add_location(**near("Injection", 0.3), routes={"im": (250, 300)}, payers=["aetna"])
    add_location(**near("Both", 0.4), routes={"iv": (600, 700), "im": (300, 350)})
    # In network with Aetna for esketamine, which it does not offer: with route=iv and
    # insurance=aetna it matches only once esketamine is among the routes.
    add_location(
        **near("Odd", 0.5, accepting_new_patients=True),
        routes={"iv": (500, 600)},
        payers=[("aetna", "esketamine")],
        languages=["es"],
    )
    twin = near("Twin", 0.6, offers_telehealth=True, telehealth_states="OR,WA")
    add_location(**twin, routes={"iv": (450, 500)}, languages=["en"])
    add_location(twin["clinic"], miles=0.7, routes={"im": (200, 250)}, languages=["es"])


@pytest.fixture(scope="module")
def facet_listings(module_db):
    return module_db.build(build_facet_listings)


CHECKBOX = re.compile(
    r'<input type="checkbox" name="(?P<name>\w+)" value="(?P<value>[^"]+)"(?P<attrs>[^>]*)>'
    r'\s*(?P<label>[^<]*?)\s*<span class="count">\((?P<count>\d+)\)</span>'
    r'(?:\s*<span class="why">(?P<why>[^<]*)</span>)?'
)


def shown_options(client, query):
    response = client.get(f"/search/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    total = response.context["page"].paginator.count
    return total, [match.groupdict() for match in CHECKBOX.finditer(html)]


def api_count(client, params):
    response = client.get(f"/api/v1/locations/?{urlencode(params, doseq=True)}")
    assert response.status_code == 200, response.content
    return response.json()["count"]


SEARCHES = [
    "near=97205&route=iv",
    "near=97205&route=iv&insurance=aetna",
    "near=97205&route=iv&max_price=450",
    "near=97205&route=im&language=es&psychotherapy=true",
    "route=iv&insurance=aetna",
    "route=esketamine&insurance=medicare&insurance=cigna&condition=ptsd",
    "route=iv&route=lozenge&payment=self-pay&accepting=true&max_price=500",
    "serves=OR&near=97205&route=iv",
    "serves=TX&language=en",
    "state=CA&insurance=aetna&telehealth=true",
    "",
]


@pytest.mark.parametrize("query", SEARCHES)
def test_every_option_counts_what_ticking_it_gives(client, query):
    """Click every option (the URL with it added) and compare with the number shown."""
    total, options = shown_options(client, query)
    assert total == api_count(client, list(QueryDict(query).lists()))
    assert {option["name"] for option in options} >= {"route", "insurance", "condition"}
    for option in options:
        params = QueryDict(query, mutable=True)
        if option["value"] not in params.getlist(option["name"]):
            params.appendlist(option["name"], option["value"])
        clicked = api_count(client, list(params.lists()))
        assert int(option["count"]) == clicked, (query, option)
        if "checked" in option["attrs"]:
            assert clicked == total, option


def test_the_issue_example_im_with_iv_ticked_counts_iv_or_im(client):
    _, options = shown_options(client, "near=97205&radius=1&route=iv")
    counts = {o["value"]: int(o["count"]) for o in options if o["name"] == "route"}
    # IV: Infusion, Both, Odd, Twin (IV). Adding IM adds Injection and Twin's IM site.
    assert counts == {"iv": 4, "im": 6, "lozenge": 4, "esketamine": 4}


def test_the_route_facet_follows_the_insurance_it_would_combine_with(client):
    """Odd takes Aetna for esketamine only: with IV and Aetna ticked it is no result, and
    ticking esketamine too brings it in although it offers no esketamine."""
    _, options = shown_options(client, "near=97205&radius=1&route=iv&insurance=aetna")
    counts = {o["value"]: int(o["count"]) for o in options if o["name"] == "route"}
    assert counts["iv"] == 0
    assert counts["im"] == 1  # Injection
    assert counts["esketamine"] == 1  # Odd


def test_options_that_change_nothing_are_disabled_with_the_reason(client):
    _, options = shown_options(client, "near=97205&radius=1&route=iv")
    by_value = {(o["name"], o["value"]): o for o in options}
    lozenge = by_value["route", "lozenge"]  # adds nothing to the IV results
    assert "disabled" in lozenge["attrs"]
    assert lozenge["why"] == "adds no results to this search"
    assert "disabled" not in by_value["route", "im"]["attrs"]
    assert "disabled" not in by_value["route", "iv"]["attrs"]  # ticked: untick it
    medicare = by_value["insurance", "medicare"]  # nobody within a mile takes it for IV
    assert medicare["count"] == "0"
    assert "disabled" in medicare["attrs"]
    assert medicare["why"] == "no results with this search"


def test_an_option_keeping_every_result_in_an_untouched_group_stays_available(client):
    # Every result within a mile offers IV or IM; with no route ticked, ticking IV is a
    # real narrowing (4 of 6), and with IM only shown the search keeps both.
    total, options = shown_options(client, "near=97205&radius=1&language=es")
    by_value = {(o["name"], o["value"]): o for o in options}
    assert total == 2  # Odd and Twin's IM site
    assert int(by_value["route", "iv"]["count"]) == 1
    assert "disabled" not in by_value["route", "iv"]["attrs"]
    assert "disabled" in by_value["route", "lozenge"]["attrs"]  # no results


def test_languages_spoken_elsewhere_show_disabled_not_hidden(client):
    _, options = shown_options(client, "near=97205&radius=1&language=es")
    languages = {o["value"]: o for o in options if o["name"] == "language"}
    assert "disabled" not in languages["en"]["attrs"]  # adds Twin's IV site
    assert set(languages) >= {"en", "es"}
    # Languages nobody in the directory speaks are still left out of the list.
    assert len(languages) < 20


def test_facet_counts_take_a_constant_number_of_queries(django_assert_max_num_queries):
    search = LocationFilter(
        QueryDict("near=97205&route=iv&route=im&insurance=aetna&max_price=600&serves=OR")
    )
    assert search.is_valid()
    search.page()  # as the page does: the results first, with the reference data
    # The flags' query, the routes', the linked groups' (one UNION ALL) and, once per
    # listings version, the languages spoken anywhere.
    with django_assert_max_num_queries(4):
        facets = search.facets()
    assert facets["route"] and facets["insurance"]
