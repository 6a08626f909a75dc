"""Error pages as a patient meets them (issue 14.9): the site's header, the 988 line and a way
back, on a stale results link and on a form whose cookie has gone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.builders import SEARCH_ZIP

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CLINIC = "demo-willamette-ketamine-03"


def expect_site_error_page(page, heading):
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("link", name="Ketamine Provider Directory")).to_be_visible()
    expect(page.get_by_role("complementary", name="Crisis support")).to_contain_text("988")
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()


def test_a_stale_results_link_leads_back_to_page_1(site, page):
    response = page.goto(f"/search/?near={SEARCH_ZIP}&route=iv&page=40")
    assert response.status == 404
    expect_site_error_page(page, "This page no longer exists")
    screenshot(page, "desktop-results-past-the-end")
    page.get_by_role("link", name="Go to page 1 of these results").click()
    expect(page.locator("#results-heading")).to_contain_text("within 25 miles of")
    assert "route=iv" in page.url and "page=" not in page.url


def test_an_unknown_clinic_keeps_the_way_back(site, page):
    response = page.goto("/clinics/no-such-clinic/")
    assert response.status == 404
    expect_site_error_page(page, "Clinic not found")
    page.get_by_role("link", name="Find a provider").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a ketamine provider")


def test_a_form_sent_after_its_cookie_went_says_nothing_was_saved(site, page):
    page.goto(f"/clinics/{CLINIC}/report/")
    page.context.clear_cookies()  # a browser that dropped the site's cookies meanwhile
    page.get_by_label("Details").fill("The phone number rings a bakery.")
    page.get_by_role("button", name="Send report").click()
    expect_site_error_page(page, "This form could not be sent")
    expect(page.get_by_text("Nothing was saved")).to_be_visible()
    screenshot(page, "desktop-form-refused")
    page.get_by_role("link", name="Back to the form").click()
    expect(page.get_by_label("Details")).to_be_visible()
