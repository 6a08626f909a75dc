"""Moderators hear about new reports and claim requests, as they come or in a daily digest;
reporters and claimants get a receipt (issue 15.5). Emails leave after the commit, with
absolute links built from SITE_URL."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from clinics.models import ClaimRequest, ModeratorPreference, Report
from clinics.moderation import claim_request_submit, report_submit
from clinics.moderation.forms import form_timestamp
from tests.builders import make_listing, make_moderator, make_staff

pytestmark = pytest.mark.django_db

SITE = "https://directory.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def listing():
    return make_listing(name="Notified Clinic", slug="notified-clinic")


@pytest.fixture
def moderators():
    each = make_moderator(username="each", email="each@mods.example")
    daily = make_moderator(username="daily", email="daily@mods.example")
    quiet = make_moderator(username="quiet", email="quiet@mods.example")
    ModeratorPreference.objects.create(user=daily, email=ModeratorPreference.Email.DAILY)
    ModeratorPreference.objects.create(user=quiet, email=ModeratorPreference.Email.NONE)
    return each, daily, quiet


def sent_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_a_report_emails_the_moderators_after_commit_and_gives_a_receipt(
    listing, moderators, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_submit(
            clinic=listing, problem="phone", details="Disconnected.", email="me@visitor.example"
        )
        assert mail.outbox == []  # nothing leaves before the commit

    [alert] = sent_to("each@mods.example")
    assert alert.subject == "New report: Phone number on Notified Clinic"
    assert f"{SITE}{reverse('moderation:report', args=[report.pk])}" in alert.body
    assert "Disconnected." in alert.body
    assert sent_to("daily@mods.example") == [] and sent_to("quiet@mods.example") == []
    [receipt] = sent_to("me@visitor.example")
    assert receipt.subject == "We received your report about Notified Clinic"
    assert f"{SITE}/clinics/notified-clinic/" in receipt.body


def test_a_report_without_an_email_gets_no_receipt(
    listing, moderators, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(clinic=listing, problem="prices", details="Higher.")
    assert [m.to for m in mail.outbox] == [["each@mods.example"]]


def test_a_claim_request_from_the_public_form(
    client, listing, moderators, django_capture_on_commit_callbacks
):
    data = {
        "name": "Dana",
        "role": "Manager",
        "work_email": "dana@notified.example",
        "npi": "",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("claim_listing", args=[listing.slug]), data)
    assert response.status_code == 200
    claim = ClaimRequest.objects.get()
    [alert] = sent_to("each@mods.example")
    assert alert.subject == "New request to manage Notified Clinic"
    assert f"{SITE}{reverse('moderation:claim', args=[claim.pk])}" in alert.body
    [receipt] = sent_to("dana@notified.example")
    assert receipt.subject == "We received your request to manage Notified Clinic"


def test_the_daily_digest_goes_to_those_who_chose_it(
    listing, moderators, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Report.objects.create(clinic=listing, problem="phone", details="x")
        claim_request_submit(clinic=listing, name="A", role="B", work_email="a@b.example")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_moderator_digest", stdout=io.StringIO())
    [digest] = mail.outbox
    assert digest.to == ["daily@mods.example"]
    assert digest.subject == "Moderation: 2 waiting, 2 new"
    assert f"{SITE}{reverse('moderation:queue')}" in digest.body
    assert ModeratorPreference.objects.get(user__username="daily").last_digest_at is not None


def test_no_digest_when_nothing_waits(moderators, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_moderator_digest", stdout=io.StringIO())
    assert mail.outbox == []


def test_a_moderator_chooses_how_to_hear_about_new_work(client, moderators):
    each, _, _ = moderators
    client.force_login(each)
    page = client.get(reverse("moderation:queue"))
    assert "One email a day with what is waiting" in page.text
    response = client.post(reverse("moderation:preferences"), {"email": "daily"})
    assert response.status_code == 302
    assert ModeratorPreference.objects.get(user=each).email == "daily"
    client.post(reverse("moderation:preferences"), {"email": "hourly"})
    assert ModeratorPreference.objects.get(user=each).email == "daily"


def test_staff_have_no_email_preferences_here(client, listing):
    client.force_login(make_staff(listing))
    assert client.post(reverse("moderation:preferences"), {"email": "none"}).status_code == 404
    assert not ModeratorPreference.objects.exists()
