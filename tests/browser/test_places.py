"""Places as patients type them, in a real browser (issue 14.6): a city without its state, an
address with a ZIP code, a nickname, a state."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS


def screenshot(page, name):
    """What the patient sees first (the filters below make a full page very long)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def search_from_home(page, text):
    page.goto("/")
    page.get_by_label("Your ZIP code, city or state").fill(text)
    page.get_by_role("button", name="Search", exact=True).click()


def test_a_city_without_its_state_offers_the_states_that_have_one(site, page):
    search_from_home(page, "Portland")
    expect(page.locator(".error-summary")).to_contain_text(
        "There is a Portland in 13 states: add the state"
    )
    choices = page.locator("ul.suggestions a")
    expect(choices).to_have_count(13)
    expect(choices.first).to_have_text("Search near Portland, OR")
    screenshot(page, "desktop-city-choices")
    choices.first.click()
    expect(page.locator("#results-heading")).to_contain_text("within 25 miles of Portland, OR")
    expect(page.get_by_label("ZIP code, city or state")).to_have_value("Portland, OR")


def test_an_address_with_a_zip_is_searched_from_the_zip(site, page):
    search_from_home(page, "1200 SW Park Ave, Portland, OR 97205")
    heading = page.locator("#results-heading")
    expect(heading).to_contain_text(
        "within 25 miles of ZIP 97205, Portland, OR (the street address was not located)"
    )
    expect(page.locator(".result").first).to_be_visible()
    screenshot(page, "desktop-address-at-its-zip")


def test_nicknames_and_states(site, page):
    search_from_home(page, "NYC")
    expect(page.locator("#results-heading")).to_contain_text("New York, NY")
    search_from_home(page, "Oregon")  # a state leads to its page (issue 19.1)
    assert page.url.endswith("/providers/or/"), page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oregon")
    page.get_by_role("link", name="Portland").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portland, Oregon")


def test_the_phone_sized_choices_fit(site):
    page = site.new_page(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page.goto("/search/?near=Springfield")
    expect(page.locator("ul.suggestions a")).to_have_count(24)
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    screenshot(page, "mobile-city-choices")
