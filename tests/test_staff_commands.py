"""Onboarding commands and stale-listing flagging (issue 4)."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from clinics import access
from clinics.models import Clinic, StaffMembership
from tests.builders import ClinicFactory, UserFactory, make_staff

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_clinic_staff_creates_the_user_without_a_password():
    clinic = ClinicFactory(slug="chain-one")
    output = run("add_clinic_staff", "New@Chain.example", "chain-one", "--role", "owner")
    user = get_user_model().objects.get(email="new@chain.example")
    assert not user.has_usable_password()
    assert "/account/set-password/" in output
    assert StaffMembership.objects.get(user=user, clinic=clinic).role == "owner"
    assert access.can_edit_clinic(user, clinic) is False  # published: edits go via a copy
    assert clinic in Clinic.objects.managed_by(user)


def test_add_clinic_staff_for_an_existing_user_prints_no_link_and_changes_the_role():
    ClinicFactory(slug="chain-two")
    user = UserFactory(email="old@chain.example")
    user.set_password("a-long-chosen-password")
    user.save()
    run("add_clinic_staff", "old@chain.example", "chain-two")
    output = run("add_clinic_staff", "old@chain.example", "chain-two", "--role", "owner")
    assert "set-password" not in output
    assert StaffMembership.objects.get(user=user).role == "owner"


def test_add_clinic_staff_unknown_clinic():
    with pytest.raises(CommandError):
        run("add_clinic_staff", "x@y.example", "no-such-clinic")


def test_add_moderator():
    output = run("add_moderator", "mod@directory.example")
    user = get_user_model().objects.get(email="mod@directory.example")
    assert access.is_moderator(user)
    assert not user.has_usable_password()
    assert "/account/set-password/" in output


def test_flag_stale_listings_flags_and_emails_once(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    stale = ClinicFactory(verified_at=today - datetime.timedelta(days=400))
    fresh = ClinicFactory(verified_at=today - datetime.timedelta(days=30))
    never = ClinicFactory(verified_at=None)
    Clinic.objects.filter(pk=never.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=500)
    )
    draft = ClinicFactory(status="draft", verified_at=today - datetime.timedelta(days=400))
    make_staff(stale, email="staff@stale.example")

    with django_capture_on_commit_callbacks(execute=True):
        output = run("flag_stale_listings")
    assert "2 listing(s) flagged" in output
    for clinic in (stale, fresh, never, draft):
        clinic.refresh_from_db()
    assert stale.is_stale and never.is_stale
    assert not fresh.is_stale and draft.flagged_stale_at is None
    assert [m.to for m in mail.outbox] == [["staff@stale.example"]]

    with django_capture_on_commit_callbacks(execute=True):
        assert "0 listing(s) flagged" in run("flag_stale_listings")
    assert len(mail.outbox) == 1
