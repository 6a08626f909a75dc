"""A clinic manager's whole journey at /manage/ in a real browser (issue 17).

Sign in by email, change a price, add an insurer for esketamine only and Tuesday's hours in
Pacific time, preview, submit; a moderator approves; the public page shows exactly those
changes. The quick update of "accepting new patients" is live at once. axe-core finds
nothing on the staff pages, on a desktop and on a phone, and the journey works without
JavaScript.
"""

import re

import pytest
from playwright.sync_api import expect

from clinics.models import Clinic, Offering, StaffMembership
from tests.browser.conftest import axe_violations, horizontal_overflow, screenshot
from tests.builders import make_listing, make_moderator, make_staff, payer, route

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-test-password-for-the-browser"


@pytest.fixture
def listing():
    clinic = make_listing(name="Demo Rose City Ketamine", slug="demo-rose-city-ketamine")
    location = clinic.locations.get()  # Portland, OR 97205: Pacific Time
    Offering.objects.create(
        location=location, route=route("esketamine"), price_min_usd=0, price_max_usd=900
    )
    return clinic


@pytest.fixture
def manager(listing):
    user = make_staff(listing, role=StaffMembership.Role.OWNER, username="manager")
    user.email = "manager@rosecity.example"
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def moderator():
    user = make_moderator(username="moderator", email="moderator@directory.example")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page, email, next_url="/manage/"):
    page.goto(next_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def assert_accessible(page, name):
    violations = axe_violations(page)
    assert not violations, f"{name}:\n" + "\n".join(violations)


def test_a_clinic_manager_changes_the_listing_and_a_moderator_publishes_it(
    site, listing, manager, moderator
):
    location = listing.locations.get()
    prefix = f"loc{location.pk}"
    page = site.new_page()
    page.goto("/manage/login/")
    assert_accessible(page, "sign-in")
    sign_in(page, "manager@rosecity.example")
    expect(page.get_by_text("Live: patients see this listing.")).to_be_visible()
    assert_accessible(page, "your listings")

    page.get_by_role("link", name=re.compile("Edit the listing")).click()
    expect(page.get_by_role("heading", name="Hours (Pacific Time)")).to_be_visible()
    assert_accessible(page, "the listing page")

    # A price, an insurer for esketamine only, Tuesday's hours (local, Pacific time).
    page.locator(f"[name='{prefix}-offerings-0-price_min_usd']").fill("425")
    page.locator(f"[name='{prefix}-offerings-0-price_max_usd']").fill("600")
    page.locator(f"[name='{prefix}-insurance-1-payer']").select_option(str(payer("cigna").pk))
    page.locator(f"[name='{prefix}-insurance-1-route']").select_option(str(route("esketamine").pk))
    page.locator(f"[name='{prefix}-hours-1-weekday']").select_option("2")
    page.locator(f"[name='{prefix}-hours-1-opens']").fill("10:00")
    page.locator(f"[name='{prefix}-hours-1-closes']").fill("18:30")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved as a draft")).to_be_visible()
    expect(page.get_by_text("Tuesday: 10:00 AM–6:30 PM")).to_be_visible()

    # The preview is the public page as it will look; the public page is unchanged.
    page.get_by_role("link", name="Preview").click()
    clinic = page.locator("article.clinic")
    expect(clinic).to_contain_text("$425–$600")
    expect(clinic).to_contain_text("Esketamine (Spravato) nasal spray: Cigna")
    expect(clinic.locator("dl.hours")).to_contain_text("Tuesday10:00 AM–6:30 PM")
    assert_accessible(page, "preview")
    visitor = site.new_page()
    visitor.goto(listing.get_absolute_url())
    expect(visitor.locator("article.clinic")).to_contain_text("$450–$650")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    expect(page.get_by_text(re.compile("waiting for review since"))).to_be_visible()

    # The quick update needs no review: live at once, while the change waits.
    page.get_by_role("link", name=re.compile("See the listing")).click()
    page.get_by_role("group", name="Accepting new patients").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Update now").click()
    expect(page.get_by_text("Updated: patients see it now")).to_be_visible()
    visitor.reload()
    expect(visitor.locator(".clinic-head")).to_contain_text("Not accepting new patients")
    expect(visitor.locator("article.clinic")).to_contain_text("$450–$650")

    # A moderator approves in the queue.
    moderation = site.new_page()
    sign_in(moderation, "moderator@directory.example", "/manage/login/?next=/moderation/")
    moderation.get_by_role("link", name="Demo Rose City Ketamine").first.click()
    moderation.get_by_role("button", name="Approve and publish").click()
    expect(moderation.get_by_text("Approved: Demo Rose City Ketamine is live.")).to_be_visible()

    # The public page shows exactly those changes, with the hours right.
    visitor.reload()
    article = visitor.locator("article.clinic")
    expect(article).to_contain_text("$425–$600")
    expect(article).to_contain_text("Esketamine (Spravato) nasal spray: Cigna")
    expect(article).to_contain_text("All routes: Aetna")
    hours = article.locator("dl.hours")
    expect(hours).to_contain_text("Monday9:00 AM–5:00 PM")
    expect(hours).to_contain_text("Tuesday10:00 AM–6:30 PM")
    expect(hours).to_contain_text("SundayClosed")
    expect(article).to_contain_text("Local time (Pacific Time).")
    expect(visitor.locator(".clinic-head")).to_contain_text("Not accepting new patients")
    assert not Clinic.objects.filter(draft_of=listing).exists()


def test_the_staff_pages_on_a_phone_and_without_javascript(site, listing, manager):
    page = site.new_page(
        viewport={"width": 375, "height": 800},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    sign_in(page, "manager@rosecity.example")
    screenshot(page, "mobile-manage-home")
    page.goto(f"/manage/clinics/{listing.slug}/")
    assert horizontal_overflow(page) <= 0
    screenshot(page, "mobile-manage-listing")
    prefix = f"loc{listing.locations.get().pk}"
    page.locator(f"[name='{prefix}-offerings-0-price_max_usd']").fill("100")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved: 1 problem")
    expect(page.get_by_text("The price range 450-100 is reversed")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    screenshot(page, "mobile-manage-refused")
    page.locator(f"[name='{prefix}-offerings-0-price_max_usd']").fill("700")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved as a draft")).to_be_visible()
    assert (
        Offering.objects.get(location__clinic__draft_of=listing, route=route("iv")).price_max_usd
        == 700
    )


def test_axe_on_the_refused_listing_page_and_a_phone(site, listing, manager):
    page = site.new_page(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    sign_in(page, "manager@rosecity.example")
    assert_accessible(page, "your listings on a phone")
    page.goto(f"/manage/clinics/{listing.slug}/")
    assert_accessible(page, "the listing page on a phone")
    page.locator("[name='clinic-phone']").fill("555")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved")
    assert_accessible(page, "the listing page with errors")
    page.goto("/manage/password/forgot/")
    assert_accessible(page, "forgot password")
    page.goto("/manage/password/")
    assert_accessible(page, "change password")
    page.goto(f"/manage/clinics/{listing.slug}/people/")
    assert_accessible(page, "who can edit (invite and remove)")
    # The same staff pages in Spanish (issue 20).
    for path in (
        "/es/manage/",
        f"/es/manage/clinics/{listing.slug}/",
        f"/es/manage/clinics/{listing.slug}/people/",
    ):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "es")
        assert_accessible(page, f"{path} in Spanish")
