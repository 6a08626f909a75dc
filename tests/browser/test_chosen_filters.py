"""The results page shows what is chosen, in a real browser (issue 19.5): chips that remove a
filter, ticking a filter applies it at once with JavaScript, numbered markers and the searched
circle on the map, and on a phone the list before the map."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, open_filters, screenshot
from tests.browser.test_mobile_and_weight import PHONE
from tests.builders import SEARCH_ZIP

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_tick_a_filter_see_its_chip_and_remove_it(site, page):
    page.goto(f"/search/?near={SEARCH_ZIP}")
    open_filters(page)
    # With JavaScript, ticking applies the filter at once: no button press.
    page.get_by_role("group", name="Treatment route").get_by_role(
        "checkbox", name=re.compile(r"^Esketamine")
    ).check()
    page.wait_for_url(re.compile(r"route=esketamine"))
    heading = page.locator("#results-heading")
    expect(heading).to_contain_text("Esketamine locations within 25 miles of")
    chip = page.locator(".chips .chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("Esketamine")
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)
    screenshot(page, "desktop-chosen-filters")
    chip.click()
    expect(page.locator(".chips")).to_have_count(0)
    assert "route=" not in page.url


def test_the_map_numbers_its_markers_like_the_list(site, page):
    page.goto(f"/search/?near={SEARCH_ZIP}")
    expect(page.locator("#results-map")).to_be_visible()
    numbers = page.locator(".map-number").all_inner_texts()
    assert sorted(int(n) for n in numbers) == list(range(1, 21))
    assert page.locator("path.leaflet-interactive").count() >= 1  # the searched circle


def test_on_a_phone_the_list_comes_before_the_map(site):
    page = site.new_page(**PHONE)
    page.goto(f"/search/?near={SEARCH_ZIP}")
    expect(page.locator("#results-map")).to_be_visible()
    first = page.locator(".result").first.bounding_box()
    assert first["y"] < page.locator("#results-map").bounding_box()["y"]
    page.get_by_role("link", name="Show these results on a map").click()
    assert page.url.endswith("#results-map")
    screenshot(page, "mobile-results-list-first")
