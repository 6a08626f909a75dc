"""The monthly "Is your listing still right?" (issue 17): asked once per period, confirmed with
one POST from a signed link, which renews the dates so the listing is no longer "may be
outdated"; refused in words when the link is changed, expired or no longer its person's."""

import datetime
import io
import re

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clinics.models import Clinic, Offering, StaffMembership
from clinics.moderation import (
    ask_listing_confirmation,
    clinic_approve,
    clinic_start_edit,
    clinic_submit,
)
from clinics.moderation.confirming import listing_confirm
from tests.builders import make_listing, make_moderator, make_staff, offer

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/manage/confirm/[^/\s]+/)")


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"
    settings.LISTING_CONFIRM_INTERVAL_DAYS = 30


@pytest.fixture
def old():
    """Verified 13 months ago, accepting new patients, with an IV price: "may be outdated"."""
    clinic = make_listing(
        name="Old Clinic", slug="old", verified_at=days_ago(396), accepting_new_patients=True
    )
    Clinic.objects.filter(pk=clinic.pk).update(accepting_as_of=days_ago(396))
    Offering.objects.filter(location__clinic=clinic).update(
        price_min_usd=450, price_max_usd=650, prices_as_of=days_ago(396)
    )
    clinic.refresh_from_db()
    return clinic


@pytest.fixture
def staff(old):
    return make_staff(old, role=StaffMembership.Role.OWNER, email="owner@old.example")


def ask(capture, now=None):
    with capture(execute=True):
        return ask_listing_confirmation(now=now)


def link_for(email):
    message = next(m for m in mail.outbox if m.to == [email])
    return LINK.search(message.body).group(1)


def test_the_email_goes_once_per_period_per_clinic(staff, old, django_capture_on_commit_callbacks):
    editor = make_staff(old, email="editor@old.example")
    nobody = make_listing(name="Nobody Keeps This", slug="nobody")  # no staff: nobody asked
    asked = ask(django_capture_on_commit_callbacks)
    assert asked == [old] and nobody not in asked
    assert sorted(m.to[0] for m in mail.outbox) == ["editor@old.example", "owner@old.example"]
    message = mail.outbox[0]
    assert message.subject == "Is your listing still right? Old Clinic"
    assert "/manage/clinics/old/" in message.body  # and the way to change what is not right
    assert link_for("owner@old.example") != link_for(editor.email)  # each person's own link

    assert ask(django_capture_on_commit_callbacks) == []  # the same day again: nothing
    later = timezone.now() + datetime.timedelta(days=29)
    assert ask(django_capture_on_commit_callbacks, now=later) == []
    assert len(mail.outbox) == 2
    next_month = timezone.now() + datetime.timedelta(days=30, minutes=1)
    assert ask(django_capture_on_commit_callbacks, now=next_month) == [old]
    assert len(mail.outbox) == 4


def test_the_command_asks_and_says_how_many(staff, old, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ask_listing_confirmation", stdout=out)
        call_command("ask_listing_confirmation", stdout=out)
    assert "Asked old" in out.getvalue()
    assert out.getvalue().count("1 listing(s) asked") == 1
    assert "0 listing(s) asked" in out.getvalue()
    assert len(mail.outbox) == 1


def test_the_link_renews_the_dates_and_the_listing_is_no_longer_outdated(
    client, staff, old, django_capture_on_commit_callbacks
):
    assert "May be outdated" in client.get(old.get_absolute_url()).text
    ask(django_capture_on_commit_callbacks)
    path = link_for("owner@old.example")

    page = client.get(path)  # without signing in: the link is the person's
    assert page.status_code == 200
    assert "Everything is still right" in page.text and '<form method="post"' in page.text
    old.refresh_from_db()
    assert old.staff_confirmed_on is None  # a link scanner that opens it confirms nothing

    response = client.post(path)
    assert response.status_code == 302
    old.refresh_from_db()
    today = timezone.localdate()
    assert old.staff_confirmed_on == today and old.accepting_as_of == today
    assert old.verified_at == days_ago(396)  # a moderator's verification is not claimed
    assert set(
        Offering.objects.filter(location__clinic=old).values_list("prices_as_of", flat=True)
    ) == {today}
    assert not Clinic.objects.filter(draft_of=old).exists()  # no review needed
    record = old.history.first()
    assert record.history_user == staff
    assert record.history_change_reason.startswith("Confirmed by clinic staff")

    public = client.get(old.get_absolute_url()).text
    assert "May be outdated" not in public and "may be outdated" not in public
    assert (
        f"The clinic confirmed it is still right on {today:%B} {today.day}, {today.year}" in public
    )
    assert f"Accepting new patients as of {today:%B %Y}" in public
    assert not Clinic.objects.stale().filter(pk=old.pk).exists()  # the queue's rule agrees
    assert "Confirmed by the clinic on" in client.get(path).text


def test_moderators_see_the_confirmation_in_the_history(
    client, staff, old, django_capture_on_commit_callbacks
):
    ask(django_capture_on_commit_callbacks)
    client.post(link_for("owner@old.example"))
    client.force_login(make_moderator())
    page = client.get(reverse("moderation:history", args=[old.pk])).text
    assert "Confirmed by clinic staff: everything is still right" in page


def test_a_changed_or_foreign_link_is_refused_in_words(
    client, staff, old, django_capture_on_commit_callbacks
):
    ask(django_capture_on_commit_callbacks)
    token = link_for("owner@old.example").split("/")[-2]
    forged = [
        token[:-3] + ("xyz" if not token.endswith("xyz") else "abc"),
        "garbage",
        signing.dumps(
            {"c": old.pk, "u": staff.pk}, key="someone-else", salt="clinics.listing-confirmation"
        ),
        # An invitation's token is not a confirmation's (another salt).
        signing.dumps({"c": old.pk, "u": staff.pk}, salt="clinics.staff-invitation"),
    ]
    for bad in forged:
        for method in (client.get, client.post):
            response = method(reverse("manage:confirm", args=[bad]))
            assert response.status_code == 400
            assert "This link is not valid" in response.text
    old.refresh_from_db()
    assert old.staff_confirmed_on is None


def test_an_expired_link_is_refused(client, staff, old, django_capture_on_commit_callbacks):
    ask(django_capture_on_commit_callbacks)
    path = link_for("owner@old.example")
    with override_settings(LISTING_CONFIRM_INTERVAL_DAYS=0):
        response = client.post(path)
    assert response.status_code == 410 and "This link has expired" in response.text
    old.refresh_from_db()
    assert old.staff_confirmed_on is None


def test_a_link_for_a_listing_its_person_no_longer_keeps_is_refused(
    client, staff, old, django_capture_on_commit_callbacks
):
    ask(django_capture_on_commit_callbacks)
    path = link_for("owner@old.example")
    StaffMembership.objects.filter(user=staff).delete()
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 403
        assert "You no longer keep this listing" in response.text
    old.refresh_from_db()
    assert old.staff_confirmed_on is None


def test_a_confirmation_outlives_the_approval_of_a_waiting_change(staff, old):
    """A working copy started before the confirmation keeps the new dates when approved."""
    copy = clinic_start_edit(clinic=old, user=staff)
    copy.name = "Old Clinic and Partners"
    copy.save()
    clinic_submit(clinic=copy, user=staff)
    listing_confirm(clinic=old, user=staff)
    clinic_approve(clinic=Clinic.objects.get(pk=copy.pk), reviewer=make_moderator())
    old.refresh_from_db()
    today = timezone.localdate()
    assert old.name == "Old Clinic and Partners"
    assert (old.staff_confirmed_on, old.accepting_as_of) == (today, today)
    assert set(
        Offering.objects.filter(location__clinic=old).values_list("prices_as_of", flat=True)
    ) == {today}


def test_listings_nobody_confirms_drift_to_may_be_outdated(client, staff, old):
    listing_confirm(clinic=old, user=staff, today=days_ago(366))
    old.refresh_from_db()
    assert old.is_stale and Clinic.objects.stale().filter(pk=old.pk).exists()
    assert "May be outdated" in client.get(old.get_absolute_url()).text
    listing_confirm(clinic=old, user=staff, today=days_ago(364))
    old.refresh_from_db()
    assert not old.is_stale


def test_the_confirm_page_runs_a_constant_number_of_queries(
    client, staff, old, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    ask(django_capture_on_commit_callbacks)
    path = link_for("owner@old.example")
    with django_assert_max_num_queries(6) as few:
        assert client.get(path).status_code == 200
    for _ in range(4):
        make_listing(name="More")  # other listings do not count
    location = old.locations.first()
    for slug in ("im", "esketamine"):
        offer(location, slug, 300, 400)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200
