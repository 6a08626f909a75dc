"""Moderators find their work (issue 15.4): the queue with counts, oldest first, in a staff
layout linked from the admin and from every moderation page, with sign-out."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics import moderation
from clinics.models import ClaimRequest, Clinic, Report
from tests.builders import ClinicFactory, make_listing, make_moderator, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return make_moderator(username="queue-mod")


def age(obj, days):
    """Make a queue item `days` old (timestamps the models set themselves)."""
    when = timezone.now() - datetime.timedelta(days=days)
    field = "updated_at" if isinstance(obj, Clinic) else "created_at"
    type(obj).objects.filter(pk=obj.pk).update(**{field: when})


@pytest.fixture
def busy_queue():
    newer = ClinicFactory(name="Newer Listing", status=Clinic.Status.PENDING)
    older = ClinicFactory(name="Older Listing", status=Clinic.Status.PENDING)
    age(newer, 1)
    age(older, 5)
    listing = make_listing(name="Changed Listing")
    staff = make_staff(listing)
    copy = moderation.clinic_submit(
        clinic=moderation.clinic_start_edit(clinic=listing, user=staff), user=staff
    )
    first = Report.objects.create(clinic=listing, problem="phone", details="late")
    second = Report.objects.create(clinic=listing, problem="prices", details="early")
    age(first, 1)
    age(second, 3)
    ClaimRequest.objects.create(clinic=listing, name="Ada", role="Owner", work_email="a@b.org")
    stale = make_listing(name="Stale Listing")
    Clinic.objects.filter(pk=stale.pk).update(verified_at=datetime.date(2020, 1, 1))
    return {"copy": copy, "older": older, "newer": newer}


def test_the_queue_counts_each_kind_and_lists_the_oldest_first(client, moderator, busy_queue):
    client.force_login(moderator)
    response = client.get(reverse("moderation:queue"))
    assert response.context["counts"] == {
        "new": 2,
        "changes": 1,
        "reports": 2,
        "claims": 1,
        "stale": 1,
    }
    assert [c.name for c in response.context["new_listings"]] == ["Older Listing", "Newer Listing"]
    assert [r.details for r in response.context["reports"]] == ["early", "late"]
    assert [c.name for c in response.context["stale"]] == ["Stale Listing"]
    text = response.text
    assert "<strong>2</strong> new listings" in text
    assert "<strong>1</strong> change to published listings" in text
    assert text.index("Older Listing") < text.index("Newer Listing")


def test_the_queue_has_sign_out_and_a_way_back_to_the_admin(client, moderator):
    client.force_login(moderator)
    text = client.get(reverse("moderation:queue")).text
    assert f'action="{reverse("admin:logout")}"' in text
    assert "Sign out" in text
    assert f'href="{reverse("admin:index")}"' in text

    client.post(reverse("admin:logout"))
    assert client.get(reverse("moderation:queue")).status_code == 302  # signed out


@pytest.mark.parametrize(("who", "linked"), [("moderator", True), ("staff", False)])
def test_the_admin_links_moderators_to_the_queue(client, moderator, who, linked):
    user = moderator if who == "moderator" else make_staff(make_listing())
    client.force_login(user)
    queue = f'href="{reverse("moderation:queue")}"'
    assert (queue in client.get(reverse("admin:index")).text) is linked
    changelist = client.get(reverse("admin:clinics_clinic_changelist")).text
    assert (queue in changelist) is linked


def test_every_moderation_page_uses_the_staff_layout_and_links_to_the_queue(
    client, moderator, busy_queue
):
    copy = busy_queue["copy"]
    listing = copy.draft_of
    report = Report.objects.first()
    claim = ClaimRequest.objects.first()
    point = moderation.listing_history(listing)[-1]["key"]
    pages = [
        reverse("moderation:queue"),
        reverse("moderation:clinic", args=[copy.pk]),
        reverse("moderation:clinic", args=[listing.pk]),
        reverse("moderation:history", args=[listing.pk]),
        reverse("moderation:revert", args=[listing.pk]) + f"?point={point}",
        reverse("moderation:report", args=[report.pk]),
        reverse("moderation:claim", args=[claim.pk]),
    ]
    client.force_login(moderator)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="staff-header"' in response.text, url
        assert 'class="site-header"' not in response.text, url  # not the patient layout
        assert f'href="{reverse("moderation:queue")}"' in response.text, url
