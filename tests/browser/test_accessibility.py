"""Accessibility in a real browser (issue 7): axe-core finds nothing on any public page, the
keyboard alone is enough, focus is visible, controls are labelled, results are announced and
the pages work at 200% zoom."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, horizontal_overflow
from tests.builders import SEARCH_ZIP

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CLINIC = "demo-willamette-ketamine-03"

PUBLIC_PAGES = {
    "home": "/",
    "search (empty form)": "/search/",
    "search results": f"/search/?near={SEARCH_ZIP}",
    "search results, filtered, page 1 of 1": f"/search/?near={SEARCH_ZIP}&route=esketamine",
    "search results, page 2": f"/search/?near={SEARCH_ZIP}&page=2",
    "no results": f"/search/?near={SEARCH_ZIP}&radius=5&route=lozenge",
    "search errors": "/search/?near=Nowhere%2C+ZZ&radius=9999",
    "a city in several states": "/search/?near=Springfield",
    "an address searched from its ZIP": "/search/?near=1+Main+St%2C+Portland%2C+OR+97205",
    "results page past the end": f"/search/?near={SEARCH_ZIP}&page=99",
    "unknown clinic": "/clinics/no-such-clinic/",
    "clinic detail": f"/clinics/{CLINIC}/",
    "guides": "/guides/",
    "route guide": "/guides/routes/esketamine/",
    "condition guide": "/guides/conditions/treatment-resistant-depression/",
    "report form": f"/clinics/{CLINIC}/report/",
    "claim form": f"/clinics/{CLINIC}/claim/",
    "list your clinic": "/list-your-clinic/",
    "API documentation": "/api/",
}


# The same pages in Spanish (issue 20); the API documentation has one, English, address.
SPANISH_PAGES = {
    f"{name}, in Spanish": f"/es{url}"
    for name, url in PUBLIC_PAGES.items()
    if name != "API documentation"
}
SPANISH_PAGES["staff sign-in, in Spanish"] = "/es/manage/login/"


@pytest.mark.parametrize("pages", [PUBLIC_PAGES, SPANISH_PAGES], ids=["english", "spanish"])
def test_axe_finds_no_violations_on_public_pages(site, pages):
    page = site.new_page()
    found = {}
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status in (200, 400, 404), (name, response.status)
        if violations := axe_violations(page):
            found[name] = violations
    assert not found, "\n".join(
        f"{name} ({pages[name]}):\n  " + "\n  ".join(violations)
        for name, violations in found.items()
    )


@pytest.mark.parametrize("prefix", ["", "/es"], ids=["english", "spanish"])
def test_axe_finds_no_violations_on_mobile_pages(site, prefix):
    page = site.new_page(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    found = {}
    for name in ("home", "search results", "clinic detail", "report form"):
        page.goto(prefix + PUBLIC_PAGES[name])
        if violations := axe_violations(page):
            found[name] = violations
    assert not found, found


def test_keyboard_only_skip_link_and_search(site, page):
    page.goto("/search/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))  # waits: a busy machine can lag
    expect(page.locator("main")).to_be_focused()

    # From the main content, Tab reaches the search box; type a ZIP and press Enter.
    near = page.get_by_label("ZIP code, city or state")
    for _ in range(10):
        page.keyboard.press("Tab")
        if near.evaluate("element => element === document.activeElement"):
            break
    expect(near).to_be_focused()
    page.keyboard.type(SEARCH_ZIP)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/search/?near={SEARCH_ZIP}*")
    expect(page.locator("#results-heading")).to_contain_text("24 locations")

    # Tab on through the form to the first result's link: every stop is visible and focused.
    first_result = page.locator(".result h3 a").first
    for _ in range(200):
        page.keyboard.press("Tab")
        if first_result.evaluate("element => element === document.activeElement"):
            break
    expect(first_result).to_be_focused()
    name = first_result.inner_text()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_focus_is_visible_on_every_kind_of_control(site, page):
    page.goto(f"/search/?near={SEARCH_ZIP}")
    selectors = [
        ".skip-link",
        ".crisis a",
        "header nav a",
        "#id_near",
        "#id_radius",
        ".search-form button[type=submit]",
        "details.filters summary",
        ".facet input[type=checkbox]",
        ".result h3 a",
        ".pagination a",
        "footer a",
    ]
    invisible = []
    for selector in selectors:
        element = page.locator(selector).first
        element.scroll_into_view_if_needed()
        page.keyboard.press("Escape")
        # Keyboard focus (focus-visible), as a Tab would give it.
        element.evaluate("element => element.focus({focusVisible: true})")
        style = element.evaluate(
            """element => {
                const s = getComputedStyle(element);
                return {width: s.outlineWidth, style: s.outlineStyle, shadow: s.boxShadow};
            }"""
        )
        has_outline = style["style"] != "none" and float(style["width"].rstrip("px") or 0) >= 2
        has_ring = style["shadow"] not in ("none", "")
        if not (has_outline or has_ring):
            invisible.append((selector, style))
    assert not invisible


def test_every_control_has_a_label(site, page):
    unlabelled = {}
    for name in ("home", "search results", "report form", "claim form", "list your clinic"):
        page.goto(PUBLIC_PAGES[name])
        missing = page.evaluate(
            """() => [...document.querySelectorAll("input, select, textarea, button")]
                .filter((el) => el.type !== "hidden" && el.offsetParent !== null)
                .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                                && !el.getAttribute("aria-labelledby")
                                && !(el.tagName === "BUTTON" && el.textContent.trim()))
                .map((el) => el.outerHTML)"""
        )
        if missing:
            unlabelled[name] = missing
    assert not unlabelled


def test_results_are_announced_to_screen_readers(site, page):
    page.goto("/")
    page.get_by_label("Your ZIP code, city or state").fill(SEARCH_ZIP)
    page.keyboard.press("Enter")
    # Focus moves to the heading with the number of results, so a screen reader reads it out.
    heading = page.locator("#results-heading")
    expect(heading).to_contain_text("24 locations within 25 miles")
    expect(heading).to_be_focused()
    expect(page.get_by_role("heading", name="24 locations within 25 miles")).to_be_visible()
    # The page title says it too (announced on load by screen readers).
    assert "near" in page.title()


@pytest.mark.parametrize("name", ["home", "search results", "clinic detail", "report form"])
def test_usable_at_200_percent_zoom(site, name):
    # 200% zoom on a 1280-pixel-wide window: 640 CSS pixels at a device scale factor of 2.
    page = site.new_page(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page.goto(PUBLIC_PAGES[name])
    assert horizontal_overflow(page) == 0
    expect(page.locator(".crisis")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_search_errors_are_announced(site, page):
    page.goto("/search/")
    page.get_by_label("ZIP code, city or state").fill("Nowhere, ZZ")
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please check your search")
    expect(summary).to_be_focused()
