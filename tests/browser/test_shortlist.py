"""Issue 19 in a real browser: the pages patients arrive on from search engines (trust pages,
state and city pages), the shortlist they compare and its print view; axe-core on each, on a
phone and a desktop, with and without the site's JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, horizontal_overflow, open_filters, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PAGES = {
    "providers by state": "/providers/",
    "a state": "/providers/or/",
    "a state, filtered": "/providers/or/?route=iv&insurance=aetna",
    "a city": "/providers/or/portland/",
    "a state with no providers": "/providers/ak/",
    "a city with a shortlist": "/providers/or/portland/?compare=demo-willamette-ketamine-03",
    "compare, empty": "/compare/",
    "compare, two clinics and a place": "/compare/?clinic=demo-willamette-ketamine-03"
    "&clinic=demo-willamette-ketamine-06&near=97205",
    "condition guide": "/guides/conditions/ptsd/",
    "route guide": "/guides/routes/iv/",
    "about": "/about/",
    "how we verify": "/how-we-verify/",
    "privacy": "/privacy/",
}

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 800}, "is_mobile": True, "has_touch": True},
}


def without_site_scripts(page):
    """The page as a browser without JavaScript gets it: none of the site's scripts run (axe,
    injected by the test, still can)."""
    page.route("**/static/js/**", lambda route: route.abort())
    page.route("**/static/vendor/leaflet/**", lambda route: route.abort())
    return page


@pytest.mark.parametrize("javascript", [True, False], ids=["with JS", "without JS"])
@pytest.mark.parametrize("device", VIEWPORTS)
def test_axe_finds_no_violations_on_the_new_pages(site, device, javascript):
    page = site.new_page(**VIEWPORTS[device])
    if not javascript:
        without_site_scripts(page)
    found = {}
    for name, url in NEW_PAGES.items():
        response = page.goto(url)
        assert response.status == 200, (name, response.status)
        if violations := axe_violations(page):
            found[name] = violations
        if device == "phone":
            assert horizontal_overflow(page) == 0, name
    assert not found, found


def pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("javascript", [True, False], ids=["with JS", "without JS"])
def test_from_a_city_page_to_a_printed_comparison(site, javascript):
    page = site.new_page(java_script_enabled=javascript)
    page.goto("/providers/or/")
    page.get_by_role("link", name="Portland", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ketamine providers in Portland, Oregon"
    )
    expect(page.locator("#results-heading")).to_contain_text("within 25 miles of Portland")

    # Filter: IV only, shown as a chip that would remove it (issue 19.5).
    open_filters(page)
    page.get_by_role("group", name="Treatment route").get_by_role(
        "checkbox", name=re.compile(r"^IV infusion")
    ).check()
    if not javascript:
        page.get_by_role("button", name="Update results").click()
    page.wait_for_url(re.compile(r"route=iv"))
    expect(page.locator(".chips .chip")).to_have_text(re.compile(r"^IV infusion"))

    # Add the first two results to the shortlist: links, so no JavaScript is needed.
    results = page.locator(".result")
    first = results.nth(0).locator("h3 a").inner_text()
    results.nth(0).get_by_role("link", name=re.compile("^Add to compare")).click()
    expect(page.get_by_role("heading", name=re.compile("Your shortlist"))).to_be_visible()
    second = results.nth(1).locator("h3 a").inner_text()
    results.nth(1).get_by_role("link", name=re.compile("^Add to compare")).click()
    expect(page).to_have_url(re.compile(r"compare=.*compare="))
    expect(
        results.nth(0).get_by_role("link", name=re.compile("^Remove from compare"))
    ).to_be_visible()
    screenshot(page, f"desktop-city-shortlist{'' if javascript else '-nojs'}")

    page.get_by_role("link", name="Compare 2 clinics side by side").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparing 2 clinics")
    columns = page.locator(".compare-table thead th")
    expect(columns).to_have_count(2)
    expect(columns.nth(0)).to_contain_text(first)
    expect(columns.nth(1)).to_contain_text(second)
    table = page.locator(".compare-table")
    for row in ["Routes, price per session and series", "Insurance in network, per route",
                "Psychotherapy", "Safety", "Hours", "Verified"]:  # fmt: skip
        expect(table.get_by_role("rowheader", name=row)).to_be_visible()
    # With JavaScript a button prints; without, the browser's own Print command does.
    print_button = page.locator("[data-print]")
    if javascript:
        expect(print_button).to_be_visible()
        expect(print_button).to_have_accessible_name("Print this comparison")
    else:
        expect(print_button).to_be_hidden()
    screenshot(page, f"desktop-compare{'' if javascript else '-nojs'}")

    # The print view: a one-page handout with the crisis line, without the site's controls.
    page.emulate_media(media="print")
    expect(page.locator(".crisis")).to_be_visible()
    expect(page.locator(".print-only")).to_be_visible()
    for nav in page.locator(".site-header nav").all():  # the main menu and the language switch
        expect(nav).to_be_hidden()
    expect(page.locator(".compare-near")).to_be_hidden()
    expect(columns.nth(0).get_by_role("link", name=re.compile("^Remove"))).to_be_hidden()
    screenshot(page, f"print-compare{'' if javascript else '-nojs'}")
    assert pdf_pages(page.pdf(prefer_css_page_size=True)) == 1
