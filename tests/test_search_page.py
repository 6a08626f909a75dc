"""The HTML search page (/search/): the form as searched, results, facets, errors.

Every test reads the hand-made listings around Portland, OR (tests/builders/datasets.py),
built once for the module; the JSON API over the same listings is in test_search.py.
"""

import json
import re

import pytest

from tests.test_pages import assert_fits_strict_csp, parse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_search_listings")]


def test_results_page_shows_the_form_with_current_values(client):
    html = client.get(
        "/search/?near=97205&radius=50&route=iv&route=esketamine&psychotherapy=true&sort=price"
    ).content.decode()
    assert 'name="near" value="97205"' in html
    assert '<option value="50" selected>' in html
    assert 'name="route" value="iv" checked' in html
    assert 'name="route" value="esketamine" checked' in html
    # Bridge offers IM but no psychotherapy: IM would add nothing to the 3 results.
    assert re.search(
        r'value="im" disabled>\s*IM injection <span class="count">\(3\)</span> '
        r'<span class="why">adds no results to this search</span>',
        html,
    )
    assert 'name="psychotherapy" value="true" checked' in html
    assert '<option value="price" selected>' in html
    assert "3 IV or Esketamine locations within 50 miles of Portland, OR 97205" in html


def test_each_result_shows_the_essentials(client):
    html = client.get("/search/?near=97205").content.decode()
    for text in [
        "1.0</strong> miles away",
        "IV infusion: $400–$600",
        "IV: none listed · Esketamine: Aetna",
        "Self-pay",
        "Ketamine-assisted psychotherapy in house",
        "Verified on October 1, 2026",
        "Not yet verified",
        "tel:+15035550100",
        'href="https://clinic',
        "Accepting new patients",
        "Not accepting new patients",
    ]:
        assert text in html, text
    assert_fits_strict_csp(html)


def test_results_page_shows_facet_counts(client):
    html = client.get("/search/?near=97205").content.decode()
    # Alpha and Cascade offer IV within 25 miles; Bridge offers IM.
    assert re.search(r'value="iv">\s*IV infusion <span class="count">\(2\)</span>', html)
    assert re.search(r'value="im">\s*IM injection <span class="count">\(1\)</span>', html)


def test_no_results_suggest_a_wider_radius_or_fewer_filters(client):
    html = client.get("/search/?near=97205&radius=10&insurance=medicare").content.decode()
    assert "No providers match this search" in html
    assert 'href="/search/?near=97205&amp;radius=25&amp;insurance=medicare"' in html
    assert 'href="/search/?near=97205&amp;radius=10"' in html


def test_errors_are_shown_next_to_the_form(client):
    response = client.get("/search/?near=Portlnd,+OR&route=oral")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="near-errors"' in html
    assert "Did you mean: Portland, OR?" in html
    assert 'id="route-errors"' in html
    assert "&quot;oral&quot; is not a known treatment route" in html
    assert 'aria-invalid="true"' in html
    assert 'name="near" value="Portlnd, OR"' in html
    assert (
        '<a href="/search/?near=Portland%2C+OR&amp;route=oral">Search near Portland, OR</a>' in html
    )


def test_search_page_without_parameters_lists_everything_by_name(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "5 locations" in response.content.decode()


def test_use_my_location_and_map_are_progressive_enhancements(client):
    html = client.get("/search/?near=97205").content.decode()
    assert '<button type="button" class="link-button" data-locate hidden>' in html
    assert "/static/js/locate.js" in html
    assert 'id="results-map"' in html and "hidden" in html
    points = json.loads(
        next(s for s in parse(html).scripts if s["attrs"].get("id") == "results-map-points")["text"]
    )
    assert len(points) == 3


def test_sort_links_keep_the_search_and_mark_the_current_order(client):
    html = client.get("/search/?near=97205&route=iv&page=1").content.decode()
    assert '<strong aria-current="true">Distance</strong>' in html
    assert 'href="/search/?near=97205&amp;route=iv&amp;sort=price"' in html
    html = client.get("/search/?route=iv").content.decode()
    assert "sort=distance" not in html
