"""Staleness without a scheduler (issue 14.5): a listing whose last verification is over 12
months old says "may be outdated" on every page at once, computed from the date when the page
is read; flag_stale_listings only sends the emails."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinics.models import Clinic, TreatmentRoute
from clinics.opendata import hsds
from tests.builders import make_listing, make_moderator, make_staff

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def thirteen_months():
    """Verified 13 months ago; nobody ran flag_stale_listings."""
    return make_listing(name="Old Clinic", verified_at=days_ago(396))


def test_a_listing_verified_13_months_ago_says_so_on_every_page(client, thirteen_months):
    clinic = thirteen_months
    assert clinic.flagged_stale_at is None
    fresh = make_listing(name="Fresh Clinic", verified_at=days_ago(330))

    page = client.get(clinic.get_absolute_url()).text
    assert "May be outdated" in page and "This listing may be outdated" in page
    assert "May be outdated" not in client.get(fresh.get_absolute_url()).text

    results = client.get("/search/?near=97205&sort=name")
    cards = results.text.split('class="result"')[1:]
    assert ["May be outdated" in card for card in cards] == [False, True]  # Fresh, Old

    browse = client.get(reverse("clinics:providers-state", args=["or"])).text
    assert browse.count("May be outdated") == 1

    iv = TreatmentRoute.objects.get(slug="iv")
    service = client.get(f"/api/v1/hsds/services/{hsds.hsds_id('service', clinic.pk, iv.pk)}/")
    assert "may be outdated" in service.json()["alert"]

    client.force_login(make_moderator())
    review = client.get(reverse("moderation:clinic", args=[clinic.pk])).text
    assert "patients see it as possibly outdated" in review


def test_the_pages_and_the_queue_read_one_rule():
    now = timezone.now()
    cases = {
        "13 months": {"verified_at": days_ago(396)},
        "366 days": {"verified_at": days_ago(366)},
        "365 days": {"verified_at": days_ago(365)},
        "11 months": {"verified_at": days_ago(330)},
        "never, created long ago": {"verified_at": None, "created": 400},
        "never, created last week": {"verified_at": None, "created": 7},
    }
    for name, case in cases.items():
        clinic = make_listing(name=name, verified_at=case["verified_at"])
        if "created" in case:
            created = now - datetime.timedelta(days=case["created"])
            Clinic.objects.filter(pk=clinic.pk).update(created_at=created)
    by_page = {c.name for c in Clinic.objects.all() if c.is_stale}
    assert by_page == {"13 months", "366 days", "never, created long ago"}
    assert set(Clinic.objects.stale().values_list("name", flat=True)) == by_page


def test_the_command_still_emails_once_and_verifying_ends_it(
    client, thirteen_months, django_capture_on_commit_callbacks
):
    make_staff(thirteen_months, email="staff@old.example")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("flag_stale_listings", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["staff@old.example"]]

    client.force_login(make_moderator())
    url = reverse("moderation:clinic", args=[thirteen_months.pk])
    client.post(url, {"action": "verify", "check_phone": "on"})
    thirteen_months.refresh_from_db()
    assert not thirteen_months.is_stale
    assert "May be outdated" not in client.get(thirteen_months.get_absolute_url()).text


def test_staleness_costs_no_query_per_result(client):
    """Read from the result's own columns: never-verified listings (whose creation date
    decides) cost the same queries as one listing."""
    long_ago = timezone.now() - datetime.timedelta(days=400)

    def queries_for_search():
        Clinic.objects.update(verified_at=None, created_at=long_ago)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/search/?near=97205")
        assert page.text.count("May be outdated") == Clinic.objects.count()
        return len(queries)

    make_listing()
    one = queries_for_search()
    for _ in range(5):
        make_listing()
    assert queries_for_search() == one
