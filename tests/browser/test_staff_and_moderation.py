"""Clinic staff, moderators and the report form in a real browser (issue 7).

A staff member signs in to the admin, edits their listing and submits it; the edit waits for
review while the public page stays as it was; a moderator approves it in the queue and the
public page changes. Also: reporting wrong information, and axe-core on these pages.
"""

import re

import pytest
from django.core.cache import caches
from playwright.sync_api import expect

from clinics.models import Clinic, Report, StaffMembership
from tests.browser.conftest import axe_violations
from tests.builders import make_listing, make_moderator, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-test-password-for-the-browser"


@pytest.fixture
def listing():
    return make_listing(
        name="Demo Cascade Ketamine", slug="demo-cascade-ketamine", phone="+1 503 555 0100"
    )


@pytest.fixture
def staff(listing):
    user = make_staff(listing, role=StaffMembership.Role.OWNER, username="owner")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def moderator():
    user = make_moderator(username="moderator")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page, username, next_url):
    page.goto(f"/admin/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_staff_edit_waits_for_review_then_a_moderator_publishes_it(site, listing, staff, moderator):
    public_url = f"/clinics/{listing.slug}/"
    visitor = site.new_page()
    visitor.goto(public_url)
    expect(visitor.locator(".clinic")).to_contain_text("(503) 555-0100")

    # The staff member signs in and opens their listing: a working copy is made.
    page = site.new_page()
    sign_in(page, "owner", f"/admin/clinics/clinic/{listing.pk}/change/")
    expect(page.get_by_text("You are editing a working copy")).to_be_visible()
    copy = Clinic.objects.get(draft_of=listing)
    assert page.url.endswith(f"/admin/clinics/clinic/{copy.pk}/change/")
    violations = axe_violations(page, exclude=[".select2-container"])
    assert not violations, "\n".join(violations)

    page.locator("#id_phone").fill("+1 503 555 0199")
    page.locator("#id_locations-0-city").fill("Beaverton")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()

    # The edit is pending; the public page has not changed.
    page.goto(f"/admin/clinics/clinic/{copy.pk}/change/")
    expect(page.locator(".field-status")).to_contain_text(re.compile("pending", re.I))
    visitor.reload()
    expect(visitor.locator(".clinic")).to_contain_text("(503) 555-0100")
    expect(visitor.locator(".clinic")).not_to_contain_text("Beaverton")

    # A moderator signs in, finds it in the queue, reads the diff and approves it.
    moderation = site.new_page()
    sign_in(moderation, "moderator", "/moderation/")
    expect(moderation.get_by_role("heading", name="Moderation queue")).to_be_visible()
    violations = axe_violations(moderation)
    assert not violations, "\n".join(violations)
    moderation.get_by_role("link", name="Demo Cascade Ketamine").click()
    diff = moderation.locator("table.diff")
    expect(diff).to_contain_text("+1 503 555 0199")
    expect(diff).to_contain_text("Beaverton")
    violations = axe_violations(moderation)
    assert not violations, "\n".join(violations)
    moderation.get_by_role("button", name="Approve and publish").click()
    expect(moderation.get_by_text("Approved: Demo Cascade Ketamine is live.")).to_be_visible()

    # The public page shows the change.
    visitor.reload()
    expect(visitor.locator(".clinic")).to_contain_text("(503) 555-0199")
    expect(visitor.locator(".clinic")).to_contain_text("Beaverton")
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0199"


def test_report_wrong_information(site, listing, monkeypatch):
    caches["shared"].clear()  # the per-client rate limit, shared with other tests
    page = site.new_page()
    page.goto(f"/clinics/{listing.slug}/")
    page.get_by_role("link", name=re.compile("Report wrong information")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report wrong information")

    # The honeypot is invisible to people and out of the tab order.
    honeypot = page.locator("input[name=homepage]")
    assert not honeypot.is_visible() or honeypot.bounding_box()["x"] < 0
    assert honeypot.get_attribute("tabindex") == "-1"

    page.get_by_role("radio", name="Phone number").check()
    page.get_by_label("Details").fill("The phone number rings a fax machine.")
    page.get_by_label("Your email (optional)").fill("patient@example.org")

    # Sent back faster than a person could type: refused, entries kept.
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("alert")).to_contain_text("That was very quick")
    expect(page.get_by_label("Details")).to_have_value("The phone number rings a fax machine.")
    assert not Report.objects.exists()

    # A person who took their time (the minimum is lowered instead of waiting 3 seconds).
    monkeypatch.setattr("clinics.moderation.forms.MIN_FILL_SECONDS", 0)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_text("is with our moderators")).to_be_visible()
    report = Report.objects.get()
    assert report.clinic == listing
    assert report.problem == Report.Problem.PHONE
