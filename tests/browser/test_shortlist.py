"""Issue 19 in a real browser: the pages patients arrive on from search engines (trust pages,
state and city pages), the shortlist they compare and its print view; axe-core on each, on a
phone and a desktop, with and without the site's JavaScript."""

import pytest

from tests.browser.conftest import axe_violations, horizontal_overflow

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
