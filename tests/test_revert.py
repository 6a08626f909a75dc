"""Revert never loses data (issue 15.1).

A row the history knows nothing about (written in bulk without history, as the old demo
generator did) is kept and the confirmation says so; only rows the history shows were created
after the chosen version are removed. The revert shows what it will change and changes
nothing until it is confirmed, and a confirmation for a listing changed since is refused.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics import moderation
from clinics.models import Clinician, Location, OpeningHours
from tests.builders import (
    LocationFactory,
    OpeningHoursFactory,
    make_listing,
    make_moderator,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return make_moderator(username="reverter")


@pytest.fixture
def listing():
    return make_listing(name="Revert Clinic", phone="+1 503 555 0100")


def first_version(clinic):
    return moderation.listing_history(clinic)[-1]


def edit_phone(clinic, phone, user=None):
    clinic.phone = phone
    clinic._history_user = user
    clinic._change_reason = "Phone corrected"
    clinic.save()


def test_rows_without_history_are_kept_and_named(client, listing, moderator):
    location = listing.locations.get()
    # Hours and a clinician written in bulk, without history (as the old demo generator did).
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(location=location, weekday=day, opens="08:00", closes="18:00")
            for day in (2, 3)
        ]
    )
    Clinician.objects.bulk_create([Clinician(clinic=listing, name="Dr. Bulk", credential="MD")])
    bare = Location.objects.bulk_create(
        [Location(clinic=listing, address_line1="1 Bulk Rd", city="Salem", state="OR",
                  postal_code="97301", latitude=44.94, longitude=-123.03)]
    )[0]  # fmt: skip
    edit_phone(listing, "+1 503 555 0199", moderator)
    start = first_version(listing)

    client.force_login(moderator)
    url = reverse("moderation:revert", args=[listing.pk])
    page = client.get(url, {"point": start["key"]})
    assert page.status_code == 200
    kept = page.context["plan"].kept
    assert any("1 Bulk Rd" in line for line in kept)
    assert any("Dr. Bulk" in line for line in kept)
    assert any("Tuesday" in line for line in kept)
    assert "kept as it is now" in page.text

    client.post(url, {"point": start["key"], "version": page.context["plan"].version})

    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0100"
    assert location.hours.count() == 3
    assert Location.objects.filter(pk=bare.pk).exists()
    assert listing.clinicians.filter(name="Dr. Bulk").exists()


def test_demo_like_listing_keeps_its_hours_when_reverted_to_its_first_version(client, moderator):
    """The bug of the issue: hours bulk-created without history were all deleted."""
    listing = make_listing(name="Demo-like")
    location = listing.locations.get()
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        [OpeningHours(location=location, weekday=d, opens="09:00", closes="17:00") for d in (1, 2)]
    )
    edit_phone(listing, "+1 503 555 0123", moderator)
    plan = moderation.revert_plan(clinic=listing, as_of=first_version(listing)["as_of"])
    moderation.clinic_revert(
        clinic=listing, as_of=plan.as_of, user=moderator, seen_version=plan.version
    )
    assert location.hours.count() == 2


def test_rows_created_after_the_version_are_removed(listing, moderator):
    start = first_version(listing)
    later = LocationFactory(clinic=listing, address_line1="2 Later Ave")
    OpeningHoursFactory(location=listing.locations.order_by("pk").first(), weekday=5)

    plan = moderation.revert_plan(clinic=listing, as_of=start["as_of"])
    assert plan.kept == []
    moderation.clinic_revert(clinic=listing, as_of=start["as_of"], user=moderator)

    assert not Location.objects.filter(pk=later.pk).exists()
    assert list(listing.locations.get().hours.values_list("weekday", flat=True)) == [1]


def test_a_deleted_location_comes_back_with_its_id(listing, moderator):
    location = listing.locations.get()
    location_id = location.pk
    start = first_version(listing)
    location._history_user = moderator
    location.delete()
    moderation.clinic_revert(clinic=listing, as_of=start["as_of"], user=moderator)
    restored = listing.locations.get()
    assert restored.pk == location_id
    assert restored.offerings.count() == 1
    assert restored.conditions.count() == 1
    assert restored.hours.count() == 1


def test_revert_changes_nothing_until_confirmed(client, listing, moderator):
    edit_phone(listing, "+1 503 555 0199")
    start = first_version(listing)
    client.force_login(moderator)
    url = reverse("moderation:revert", args=[listing.pk])
    page = client.get(url, {"point": start["key"]})
    rows = {(r["field"], r["before"], r["after"]) for r in page.context["changes"]}
    assert rows == {("phone", "+1 503 555 0199", "+1 503 555 0100")}
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0199"
    assert "Revert the listing" in page.text


def test_confirmation_of_a_listing_changed_since_is_refused(client, listing, moderator):
    start = first_version(listing)
    client.force_login(moderator)
    url = reverse("moderation:revert", args=[listing.pk])
    version = client.get(url, {"point": start["key"]}).context["plan"].version
    edit_phone(listing, "+1 503 555 0150")  # someone else edits meanwhile

    response = client.post(url, {"point": start["key"], "version": version})

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0150"
    assert listing.history.first().history_change_reason == "Phone corrected"


def test_revert_to_before_the_listing_existed_is_refused(listing, moderator):
    before = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(moderation.ModerationError):
        moderation.revert_plan(clinic=listing, as_of=before)


@pytest.mark.parametrize("actor", ["staff", "anonymous"])
def test_only_moderators_reach_the_revert_page(client, listing, actor):
    if actor == "staff":
        client.force_login(make_staff(listing))
    point = first_version(listing)["key"]
    url = reverse("moderation:revert", args=[listing.pk])
    edit_phone(listing, "+1 503 555 0177")
    response = client.post(url, {"point": point})
    assert response.status_code == (404 if actor == "staff" else 302)  # 302: to sign in
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0177"
