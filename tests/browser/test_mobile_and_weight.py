"""Phones and page weight (issue 7): 375-pixel-wide screenshots of home, results and a clinic
with no sideways scrolling, and a results page under 100 KB with no request to another host."""

import gzip

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, TILE_PATH, horizontal_overflow, screenshot
from tests.builders import SEARCH_ZIP

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def test_phone_screenshots_without_sideways_scrolling(site):
    page = site.new_page(**PHONE)
    shots = {
        "mobile-home": "/",
        "mobile-results": f"/search/?near={SEARCH_ZIP}",
        "mobile-results-filters-open": f"/search/?near={SEARCH_ZIP}&route=iv",
        "mobile-detail": "/clinics/demo-willamette-ketamine-01/",
        "mobile-report": "/clinics/demo-willamette-ketamine-01/report/",
    }
    for name, url in shots.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        expect(page.locator(".crisis")).to_be_visible()
        expect(page.locator(".crisis")).to_contain_text("988")
        expect(page.locator(".demo-notice")).to_be_visible()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, (name, width)
        assert horizontal_overflow(page) == 0, name
        path = screenshot(page, name)
        assert path.stat().st_size > 0
    assert (SCREENSHOTS / "mobile-results.png").exists()


def test_desktop_screenshots(site):
    page = site.new_page(viewport={"width": 1280, "height": 900})
    for name, url in {
        "desktop-home": "/",
        "desktop-results": f"/search/?near={SEARCH_ZIP}",
        "desktop-detail": "/clinics/demo-willamette-ketamine-01/",
    }.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert horizontal_overflow(page) == 0, name
        screenshot(page, name)


def test_results_page_weighs_under_100_kb(site):
    """What a phone downloads for a results page, map tiles excepted.

    Measured in the browser from every response. Static files count at their gzip size, since
    WhiteNoise serves them compressed in production; the HTML counts uncompressed.
    """
    page = site.new_page(**PHONE)
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"/search/?near={SEARCH_ZIP}")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#results-map")).to_be_visible()

    sizes = {}
    for response in responses:
        if TILE_PATH in response.url:
            continue
        body = response.body()
        is_static = "/static/" in response.url
        sizes[response.url] = len(gzip.compress(body, 9)) if is_static else len(body)
    total = sum(sizes.values())
    report = "\n".join(f"{size:>8} {url}" for url, size in sorted(sizes.items()))
    print(f"results page weight: {total} bytes\n{report}")
    assert total < 100_000, report
    # Everything came from the live server (the site fixture also fails on any other host).
    assert all(url.startswith(site.url) for url in sizes)
    assert site.foreign_requests == []
