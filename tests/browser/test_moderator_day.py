"""A moderator's day in a real browser (issue 15): queue -> review with a conflict -> approve
-> history -> revert with confirmation, with nothing lost; axe-core finds nothing on the
moderation pages.

Staff changed the phone and the description of their listing on a working copy; meanwhile a
moderator corrected the published phone. The review shows the conflict, the moderator takes
the staff's phone, and the published description and the moderator's other edits survive.
Reverting afterwards asks for confirmation first, restores the phone, and keeps the opening
hours that were written without history (as the old demo generator did).
"""

import pytest
from playwright.sync_api import expect

from clinics import moderation
from clinics.models import Clinic, OpeningHours, Report, StaffMembership
from tests.browser.conftest import axe_violations
from tests.builders import make_listing, make_moderator, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-test-password-for-the-browser"


def no_violations(page):
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)


@pytest.fixture
def day():
    listing = make_listing(
        name="Demo Harbor Ketamine",
        slug="demo-harbor-ketamine",
        phone="+1 503 555 0100",
        description="Infusions in a quiet room.",
    )
    location = listing.locations.get()
    OpeningHours.objects.bulk_create(  # no history rows, like the old demo generator
        [OpeningHours(location=location, weekday=d, opens="08:00", closes="12:00") for d in (2, 4)]
    )
    staff = make_staff(listing, role=StaffMembership.Role.OWNER, username="owner")
    moderator = make_moderator(username="moderator")
    moderator.set_password(PASSWORD)
    moderator.save()

    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    copy.phone = "+1 503 555 0199"
    copy.description = "Infusions and esketamine in a quiet room."
    copy._history_user = staff
    copy.save()
    moderation.clinic_submit(clinic=copy, user=staff)
    # Meanwhile a moderator fixes the published phone directly.
    listing.phone = "+1 503 555 0155"
    listing._history_user = moderator
    listing._change_reason = "Phone corrected after a call"
    listing.save()
    Report.objects.create(clinic=listing, problem="phone", details="Old number rings out.")
    return {"listing": listing, "copy": copy, "staff": staff, "location": location}


def test_the_moderators_day(site, day):
    listing, location = day["listing"], day["location"]
    page = site.new_page()
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("moderator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # From the admin to the queue, which counts what waits.
    page.locator("#moderation-queue").get_by_role("link", name="Open the moderation queue").click()
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()
    counts = page.get_by_role("list", name="Waiting")
    expect(counts).to_contain_text("1 change to published listings")
    expect(counts).to_contain_text("1 report")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    no_violations(page)

    # The review shows what the staff changed and the conflict on the phone.
    page.locator("h2#changes + table").get_by_role("link", name="Demo Harbor Ketamine").click()
    expect(page.locator("#changes")).to_contain_text("Infusions and esketamine in a quiet room.")
    conflicts = page.locator("#conflicts")
    expect(conflicts).to_contain_text("+1 503 555 0155")
    expect(conflicts).to_contain_text("+1 503 555 0199")
    no_violations(page)

    # Approving without deciding is refused by the browser (the choice is required) and
    # by the server; the moderator takes the staff's phone.
    page.get_by_role("radio", name="+1 503 555 0199").check()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Approved: Demo Harbor Ketamine is live.")).to_be_visible()
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0199"
    assert listing.description == "Infusions and esketamine in a quiet room."
    assert not Clinic.objects.filter(pk=day["copy"].pk).exists()

    # The history names the staff member who made the change and the moderator.
    page.goto(f"/moderation/clinics/{listing.pk}/history/")
    approval = page.locator("tbody tr").first
    expect(approval).to_contain_text("owner")
    expect(approval).to_contain_text("moderator")
    expect(approval).to_contain_text("+1 503 555 0155 → +1 503 555 0199")
    no_violations(page)

    # Revert to the moderator's correction: a confirmation first, which changes nothing.
    correction = page.locator("tbody tr", has_text="Phone corrected after a call")
    correction.get_by_role("link", name="Revert to here").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revert Demo Harbor Ketamine?")
    expect(page.locator("#revert-changes")).to_contain_text("+1 503 555 0155")
    expect(page.locator("#revert-kept")).to_contain_text("kept as it is now")
    no_violations(page)
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0199"

    page.get_by_role("button", name="Revert the listing").click()
    expect(page.get_by_text("The listing was reverted")).to_be_visible()
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0155"
    assert listing.description == "Infusions in a quiet room."
    # Nothing lost: the hours written without history are still there.
    assert sorted(location.hours.values_list("weekday", flat=True)) == [1, 2, 4]
    visitor = site.new_page()
    visitor.goto(f"/clinics/{listing.slug}/")
    expect(visitor.locator(".clinic")).to_contain_text("(503) 555-0155")
    expect(visitor.locator(".clinic")).not_to_contain_text("Call for hours")


def test_moderation_pages_have_no_accessibility_violations(site, day):
    listing = day["listing"]
    page = site.new_page()
    page.goto("/admin/login/?next=/moderation/")
    page.get_by_label("Username").fill("moderator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    report = Report.objects.get()
    for url in [
        f"/moderation/clinics/{listing.pk}/",  # a published listing: verification checklist
        f"/moderation/reports/{report.pk}/",
        f"/moderation/clinics/{listing.pk}/history/",
    ]:
        page.goto(url)
        no_violations(page)
