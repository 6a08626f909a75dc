"""Approve what was reviewed (issue 12.2).

A listing waiting for review is frozen for its staff: every admin POST that would change it
(the clinic form, a location, an inline offering, a new or deleted location) is refused and
changes nothing. Staff withdraw it to edit again. The approve and reject forms carry the
version the moderator saw; a listing that changed since is refused with a message.
"""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from clinics import moderation
from clinics.models import Clinic, Location, Offering, StaffMembership
from tests.builders import (
    admin_change_data,
    make_listing,
    make_moderator,
    make_staff,
    management_form,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing():
    return make_listing(name="Frozen Clinic", phone="+1 503 555 0100")


@pytest.fixture
def staff(listing):
    return make_staff(listing, email="staff@frozen.example")


@pytest.fixture
def moderator():
    return make_moderator(username="reviewer")


@pytest.fixture
def pending_copy(listing, staff):
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    copy.phone = "+1 503 555 0111"
    copy.save()
    return moderation.clinic_submit(clinic=copy, user=staff)


def change_url(obj):
    return reverse(f"admin:clinics_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def moderator_client(moderator):
    other = Client()
    other.force_login(moderator)
    return other


def staff_post_data(moderator_client, obj):
    """The form data of obj's change page as a moderator sees it (staff see it read-only)."""
    return admin_change_data(moderator_client.get(change_url(obj)))


def test_staff_see_a_pending_listing_read_only_with_a_way_to_withdraw(client, staff, pending_copy):
    client.force_login(staff)
    response = client.get(change_url(pending_copy))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert "Withdraw from review to edit" in response.text
    assert 'name="phone"' not in response.text


def test_staff_post_to_a_pending_listing_is_refused(client, moderator_client, staff, pending_copy):
    data = staff_post_data(moderator_client, pending_copy)
    data["phone"] = "+1 503 555 0999"
    data["locations-0-city"] = "Changed After Review"
    client.force_login(staff)
    response = client.post(change_url(pending_copy), data)
    assert response.status_code == 403
    pending_copy.refresh_from_db()
    assert pending_copy.phone == "+1 503 555 0111"
    assert pending_copy.status == Clinic.Status.PENDING
    assert not Location.objects.filter(city="Changed After Review").exists()


def test_staff_post_to_a_pending_location_and_its_offerings_is_refused(
    client, moderator_client, staff, pending_copy
):
    location = pending_copy.locations.get()
    offering = location.offerings.get()
    data = staff_post_data(moderator_client, location)
    data["city"] = "Moved After Review"
    data["offerings-0-price_min_usd"] = "1"
    data["offerings-0-price_max_usd"] = "2"
    client.force_login(staff)
    assert client.post(change_url(location), data).status_code == 403
    location.refresh_from_db()
    offering.refresh_from_db()
    assert location.city == "Portland"
    assert offering.price_min_usd == 450


def test_staff_cannot_add_or_delete_locations_of_a_pending_listing(client, staff, pending_copy):
    client.force_login(staff)
    data = {
        "clinic": pending_copy.pk,
        "address_line1": "9 Late St",
        "city": "Portland",
        "state": "OR",
        "postal_code": "97205",
        "country": "US",
        **management_form("offerings"),
        **management_form("payer_acceptances"),
        **management_form("hours"),
    }
    response = client.post(reverse("admin:clinics_location_add"), data)
    assert response.status_code == 200  # the form again: the clinic is not a valid choice
    assert "clinic" in response.context["adminform"].form.errors
    assert not Location.objects.filter(address_line1="9 Late St").exists()

    location = pending_copy.locations.get()
    url = reverse("admin:clinics_location_delete", args=[location.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Location.objects.filter(pk=location.pk).exists()


def test_a_new_listing_waiting_for_review_is_frozen_too(client, moderator_client, staff):
    new = make_listing(name="Brand New", status=Clinic.Status.PENDING)
    StaffMembership.objects.create(user=staff, clinic=new)
    data = staff_post_data(moderator_client, new)
    data["name"] = "Renamed While Pending"
    client.force_login(staff)
    assert client.post(change_url(new), data).status_code == 403
    new.refresh_from_db()
    assert new.name == "Brand New"


def test_withdraw_returns_the_listing_to_draft_and_staff_edit_again(
    client, staff, pending_copy, moderator
):
    moderation.moderation_claim(item=pending_copy, moderator=moderator)
    client.force_login(staff)
    url = reverse("admin:clinics_clinic_withdraw", args=[pending_copy.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    pending_copy.refresh_from_db()
    assert pending_copy.status == Clinic.Status.DRAFT
    assert pending_copy.review_claimed_by is None
    assert pending_copy.history.first().history_change_reason == "Withdrawn from review to edit"

    # Editable again, and submitted again.
    data = admin_change_data(client.get(change_url(pending_copy)))
    data["phone"] = "+1 503 555 0222"
    data["_submit_for_review"] = "1"
    assert client.post(change_url(pending_copy), data).status_code == 302
    pending_copy.refresh_from_db()
    assert pending_copy.phone == "+1 503 555 0222"
    assert pending_copy.status == Clinic.Status.PENDING


@pytest.mark.parametrize(("who", "status"), [("other_staff", 404), ("anonymous", 302)])
def test_nobody_else_withdraws_a_listing(client, pending_copy, who, status):
    if who == "other_staff":
        client.force_login(make_staff(make_listing(name="Someone Else")))
    response = client.post(reverse("admin:clinics_clinic_withdraw", args=[pending_copy.pk]))
    assert response.status_code == status  # anonymous: to the sign-in page
    pending_copy.refresh_from_db()
    assert pending_copy.status == Clinic.Status.PENDING


def review_url(clinic):
    return reverse("moderation:clinic", args=[clinic.pk])


def test_approval_of_a_listing_changed_since_the_review_is_refused(
    client, listing, pending_copy, moderator
):
    client.force_login(moderator)
    seen = client.get(review_url(pending_copy)).context["version"]
    # Meanwhile the copy changes (here: an offering, through the admin of another moderator).
    Offering.objects.filter(location__clinic=pending_copy).update(price_min_usd=100)

    response = client.post(review_url(pending_copy), {"action": "approve", "version": seen})

    assert response.status_code == 302
    assert response["Location"] == review_url(pending_copy)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("changed since you opened it" in m for m in messages)
    pending_copy.refresh_from_db()
    assert pending_copy.status == Clinic.Status.PENDING
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0100"

    fresh = client.get(review_url(pending_copy)).context["version"]
    assert fresh != seen
    client.post(review_url(pending_copy), {"action": "approve", "version": fresh})
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0111"
    assert Offering.objects.get(location__clinic=listing).price_min_usd == 100


def test_approval_without_a_version_is_refused(client, listing, pending_copy, moderator):
    client.force_login(moderator)
    client.post(review_url(pending_copy), {"action": "approve"})
    pending_copy.refresh_from_db()
    assert pending_copy.status == Clinic.Status.PENDING


def test_a_change_to_the_published_listing_also_changes_the_version(
    client, listing, pending_copy, moderator
):
    client.force_login(moderator)
    seen = client.get(review_url(pending_copy)).context["version"]
    listing.description = "Edited by a moderator meanwhile."
    listing.save()
    client.post(review_url(pending_copy), {"action": "approve", "version": seen})
    pending_copy.refresh_from_db()
    assert pending_copy.status == Clinic.Status.PENDING


def test_rejection_of_a_listing_changed_since_the_review_is_refused(
    client, pending_copy, moderator
):
    client.force_login(moderator)
    seen = client.get(review_url(pending_copy)).context["version"]
    Location.objects.filter(clinic=pending_copy).update(city="Salem")
    client.post(review_url(pending_copy), {"action": "reject", "reason": "No.", "version": seen})
    pending_copy.refresh_from_db()
    assert pending_copy.status == Clinic.Status.PENDING
