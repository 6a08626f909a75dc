"""A patient's journeys in a real browser: search by ZIP, filter, page, open a clinic, the map,
"use my location", and the same without JavaScript (issue 7)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_filters
from tests.builders import CLUSTER_SIZE, SEARCH_ZIP

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def result_names(page):
    return page.locator(".result h3 a").all_inner_texts()


def test_search_by_zip_filter_page_open_a_clinic_and_see_the_map(site, page):
    page.goto("/")
    page.get_by_label("Your ZIP code, city or state").fill(SEARCH_ZIP)
    page.get_by_role("button", name="Search", exact=True).click()

    heading = page.locator("#results-heading")
    expect(heading).to_contain_text(f"{CLUSTER_SIZE} locations within 25 miles of")
    assert len(result_names(page)) == 20
    assert "near=97205" in page.url

    # The map over the results: Leaflet initialised, tiles from the local tile route only.
    map_element = page.locator("#results-map")
    expect(map_element).to_be_visible()
    expect(map_element).to_have_class(re.compile(r"\bleaflet-container\b"))
    # One numbered marker per result on the page, like the list; the searched place and the
    # circle searched around it besides.
    expect(map_element.locator(".map-number")).to_have_count(20)
    expect(map_element.locator(".map-number").first).to_have_text("1")
    expect(map_element.locator("path.leaflet-interactive")).to_have_count(2)
    expect(map_element.locator("img.leaflet-tile-loaded").first).to_be_visible()
    assert site.tile_requests

    # Page 2 has the remaining four.
    page.get_by_role("navigation", name="Result pages").get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    assert len(result_names(page)) == CLUSTER_SIZE - 20

    # Filter: esketamine only (every third clinic of the cluster, all covered by Aetna).
    open_filters(page)
    # Ticking applies the filter at once (search.js); no "Update results" needed.
    page.get_by_role("group", name="Treatment route").get_by_role(
        "checkbox", name=re.compile(r"^Esketamine")
    ).check()
    page.wait_for_url(re.compile(r"route=esketamine"))
    expect(heading).to_contain_text("8 Esketamine locations within 25 miles of")
    assert "route=esketamine" in page.url
    assert "page=" not in page.url
    names = result_names(page)
    assert len(names) == 8
    assert all(int(name.rsplit(" ", 1)[1]) % 3 == 0 for name in names)
    expect(page.locator(".result").first).to_contain_text("Aetna")

    # Open the nearest one: its page, with its own map.
    first = names[0]
    page.get_by_role("link", name=first, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    expect(page.get_by_role("heading", name="How to start")).to_be_visible()
    clinic_map = page.locator("#clinic-map")
    expect(clinic_map).to_have_class(re.compile(r"\bleaflet-container\b"))
    expect(clinic_map.locator(".leaflet-interactive")).to_have_count(1)


def test_use_my_location_fills_the_search_and_shows_results(site):
    context = site.new_context(
        geolocation={"latitude": 45.5207, "longitude": -122.6888},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto("/")
    button = page.get_by_role("button", name="Use my location")
    expect(button).to_be_visible()
    button.click()
    # Rounded to two decimals (about 1 km) before it leaves the browser (issue 19.4).
    page.wait_for_url(re.compile(r"/search/\?near=45\.52%2C-122\.69(&|$)"))
    expect(page.locator("#results-heading")).to_contain_text(f"{CLUSTER_SIZE} locations within")
    expect(page.get_by_label("ZIP code, city or state")).to_have_value("45.52,-122.69")


def test_use_my_location_refused_explains_what_to_do(site):
    page = site.new_page()  # no permission granted: the browser refuses
    page.goto("/")
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("[data-locate-status]")).to_contain_text("Type a ZIP code")
    expect(page.get_by_label("Your ZIP code, city or state")).to_be_focused()


def test_search_filters_pages_and_details_work_without_javascript(site):
    page = site.new_page(java_script_enabled=False)
    page.goto("/")
    # Without JavaScript there is no "use my location" button, and no map.
    expect(page.get_by_role("button", name="Use my location")).to_have_count(0)
    page.get_by_label("Your ZIP code, city or state").fill(SEARCH_ZIP)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-heading")).to_contain_text(f"{CLUSTER_SIZE} locations")
    expect(page.locator("#results-map")).to_be_hidden()

    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    page.get_by_role("link", name="Previous").click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()

    # The filters are a <details> element: it opens without JavaScript.
    page.locator("details.filters summary").click()
    page.get_by_role("group", name="Language spoken").get_by_role(
        "checkbox", name=re.compile(r"^Spanish")
    ).check()
    page.get_by_role("button", name="Update results").click()
    expect(page.locator("#results-heading")).to_contain_text("6 locations")
    assert "language=es" in page.url

    # A sort link, then a clinic's page.
    page.get_by_role("navigation", name="Sort results").get_by_role("link", name="Name").click()
    page.wait_for_url(re.compile(r"sort=name"))
    expect(
        page.get_by_role("navigation", name="Sort results").locator("[aria-current]")
    ).to_have_text("Name")
    names = result_names(page)
    assert names == sorted(names)
    page.get_by_role("link", name=names[0], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(names[0])
    expect(page.get_by_role("heading", name="Treatment routes and prices").first).to_be_visible()


def test_no_results_offers_a_way_forward(site, page):
    page.goto(f"/search/?near={SEARCH_ZIP}&radius=5&route=lozenge")
    expect(page.locator("#results-heading")).to_have_text("No providers match this search")
    page.get_by_role("link", name="Search a wider area (10 miles)").click()
    expect(page.locator("#results-heading")).to_have_text("No providers match this search")
    page.get_by_role("link", name="Keep the place and remove the other filters").click()
    expect(page.locator("#results-heading")).to_contain_text("locations within 10 miles")
