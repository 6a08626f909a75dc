"""Staff edit -> pending -> public unchanged -> moderator approves -> public changed (issue 4).

Also: reject with a reason and an email, claiming a review, verification, revert from the
history, and the diff the moderator reads.
"""

import pytest
from django.core import mail
from django.urls import reverse

from clinics import moderation
from clinics.models import Clinic, Location, Offering, StaffMembership
from tests.builders import (
    ClinicianFactory,
    LocationFactory,
    OfferingFactory,
    admin_change_data,
    make_listing,
    make_moderator,
    make_staff,
    route,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing():
    return make_listing(name="Cascade Ketamine", phone="+1 503 555 0100")


@pytest.fixture
def staff(listing):
    return make_staff(listing, role=StaffMembership.Role.OWNER, email="owner@cascade.example")


@pytest.fixture
def moderator():
    return make_moderator(username="mod")


def change_url(clinic):
    return reverse("admin:clinics_clinic_change", args=[clinic.pk])


def test_staff_edit_waits_for_approval_then_reaches_the_public(
    client, listing, staff, moderator, django_capture_on_commit_callbacks
):
    published_location = listing.locations.get()
    client.force_login(staff)

    # Opening the published listing leads to a working copy.
    response = client.get(change_url(listing))
    copy = Clinic.objects.get(draft_of=listing)
    assert response.status_code == 302
    assert response["Location"] == change_url(copy)
    assert copy.status == Clinic.Status.DRAFT
    assert copy.slug == f"{listing.slug}--draft-1"
    assert copy.locations.get().draft_of == published_location
    assert copy.locations.get().offerings.count() == 1

    # Staff change the phone and the city, and submit for review.
    response = client.get(change_url(copy))
    assert response.status_code == 200
    assert "Save and submit for review" in response.text
    data = admin_change_data(response)
    data["phone"] = "+1 503 555 0199"
    data["locations-0-city"] = "Beaverton"
    data["_submit_for_review"] = "Save and submit for review"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(copy), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    copy.refresh_from_db()
    assert copy.status == Clinic.Status.PENDING
    assert copy.phone == "+1 503 555 0199"
    assert {record.history_user for record in copy.history.all()} == {staff}

    # The public still sees the last approved version, and never the copy.
    public = Clinic.objects.published().get(slug=listing.slug)
    assert public.phone == "+1 503 555 0100"
    assert list(Clinic.objects.published()) == [listing]
    assert list(Location.objects.published().values_list("city", flat=True)) == ["Portland"]
    assert client.get(reverse("clinics:detail", args=[copy.slug])).status_code == 404

    # The moderator sees the diff, approves, and the public listing changes.
    client.force_login(moderator)
    response = client.get(reverse("moderation:queue"))
    assert "Cascade Ketamine" in response.text
    response = client.get(reverse("moderation:clinic", args=[copy.pk]))
    rows = {(row["field"], row["before"], row["after"]) for row in response.context["diff"]}
    assert ("phone", "+1 503 555 0100", "+1 503 555 0199") in rows
    assert ("city", "Portland", "Beaverton") in rows
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("moderation:clinic", args=[copy.pk]),
            {"action": "approve", "version": response.context["version"]},
        )
    assert response.status_code == 302

    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0199"
    assert listing.status == Clinic.Status.PUBLISHED
    assert list(listing.locations.values_list("pk", "city")) == [
        (published_location.pk, "Beaverton")
    ]
    assert not Clinic.objects.filter(pk=copy.pk).exists()
    assert listing.locations.get().offerings.count() == 1
    assert [m.to for m in mail.outbox] == [["mod@example.org"], ["owner@cascade.example"]]
    assert "Waiting for review: Changes to Cascade Ketamine" in mail.outbox[0].subject
    assert "are live" in mail.outbox[1].subject
    last = listing.history.first()
    assert last.history_user == moderator


def test_reject_with_reason_emails_the_staff(
    client, listing, staff, moderator, django_capture_on_commit_callbacks
):
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    moderation.clinic_submit(clinic=copy, user=staff)
    client.force_login(moderator)
    url = reverse("moderation:clinic", args=[copy.pk])

    response = client.post(url, {"action": "reject", "reason": ""})
    assert response.status_code == 400
    assert "This field is required" in response.text

    version = client.get(url).context["version"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "reject", "reason": "Prices need a source.", "version": version}
        )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.status == Clinic.Status.REJECTED
    assert copy.review_note == "Prices need a source."
    assert mail.outbox[0].to == ["owner@cascade.example"]
    assert "Prices need a source." in mail.outbox[0].body
    listing.refresh_from_db()
    assert listing.status == Clinic.Status.PUBLISHED

    # Staff fix it and submit again (a rejected listing is theirs to edit).
    client.force_login(staff)
    response = client.get(change_url(copy))
    assert "Prices need a source." in response.text
    data = admin_change_data(response)
    data["_submit_for_review"] = "1"
    assert client.post(change_url(copy), data).status_code == 302
    copy.refresh_from_db()
    assert copy.status == Clinic.Status.PENDING


def test_approval_syncs_children_and_keeps_location_ids(listing, staff, moderator):
    kept = listing.locations.get()
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    copy_location = copy.locations.get()
    copy_location.offerings.update(price_min_usd=300, price_max_usd=400)
    OfferingFactory(location=copy_location, route=route("esketamine"))
    copy_location.payer_acceptances.all().delete()
    LocationFactory(clinic=copy, city="Salem", postal_code="97301")
    copy.clinicians.all().delete()
    ClinicianFactory(clinic=copy, name="Dr. New")
    moderation.clinic_submit(clinic=copy, user=staff)

    published = moderation.clinic_approve(clinic=copy, reviewer=moderator)

    assert published == listing
    locations = list(published.locations.order_by("pk"))
    assert locations[0].pk == kept.pk
    assert locations[1].city == "Salem"
    assert sorted(
        Offering.objects.filter(location=kept).values_list("price_min_usd", flat=True)
    ) == [
        300,
        450,
    ]
    assert not kept.payer_acceptances.exists()
    assert list(published.clinicians.values_list("name", flat=True)) == ["Dr. New"]
    assert Clinic.objects.count() == 1


def test_new_listing_from_staff_starts_pending_and_is_published_on_approval(
    client, staff, moderator
):
    response = client.get(reverse("admin:clinics_clinic_add"))
    client.force_login(staff)
    response = client.get(reverse("admin:clinics_clinic_add"))
    assert response.status_code == 200
    data = {
        "name": "Second Site Clinic",
        "slug": "second-site-clinic",
        "description_language": "en",  # the select's default, as a browser sends it
        "starts_by_phone": "on",
        "driver_required": "true",
        "locations-TOTAL_FORMS": "0",
        "locations-INITIAL_FORMS": "0",
        "clinicians-TOTAL_FORMS": "0",
        "clinicians-INITIAL_FORMS": "0",
    }
    assert client.post(reverse("admin:clinics_clinic_add"), data).status_code == 302
    clinic = Clinic.objects.get(slug="second-site-clinic")
    assert clinic.status == Clinic.Status.PENDING
    assert clinic.staff_memberships.get().user == staff
    assert not Clinic.objects.published().filter(pk=clinic.pk).exists()
    # Yes, or not stated: the form left every other fact unanswered (issue 14.3).
    assert clinic.driver_required is True and clinic.accepting_new_patients is None

    OfferingFactory(location=LocationFactory(clinic=clinic))
    moderation.clinic_approve(clinic=clinic, reviewer=moderator)
    clinic.refresh_from_db()
    assert clinic.status == Clinic.Status.PUBLISHED


def test_a_claimed_review_cannot_be_decided_by_another_moderator(client, listing, staff, moderator):
    other = make_moderator(username="other-mod")
    copy = moderation.clinic_submit(
        clinic=moderation.clinic_start_edit(clinic=listing, user=staff), user=staff
    )
    assert moderation.moderation_claim(item=copy, moderator=moderator)
    assert not moderation.moderation_claim(item=copy, moderator=other)

    client.force_login(other)
    response = client.post(
        reverse("moderation:clinic", args=[copy.pk]),
        {"action": "approve", "version": moderation.review_version(copy)},
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.status == Clinic.Status.PENDING
    with pytest.raises(moderation.ModerationError):
        moderation.clinic_approve(clinic=copy, reviewer=other)

    client.force_login(moderator)
    client.post(reverse("moderation:clinic", args=[copy.pk]), {"action": "release"})
    assert moderation.moderation_claim(item=copy, moderator=other)


def test_only_pending_listings_can_be_approved(listing, moderator):
    with pytest.raises(moderation.ModerationError):
        moderation.clinic_approve(clinic=listing, reviewer=moderator)


def test_moderator_marks_verified(client, listing, moderator):
    listing.flagged_stale_at = "2025-01-01T00:00:00Z"
    listing.save()
    client.force_login(moderator)
    response = client.post(
        reverse("moderation:clinic", args=[listing.pk]),
        {"action": "verify", "check_phone": "on", "how_phone": "called"},
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.verified_at is not None
    assert not listing.is_stale


def test_revert_restores_the_listing_with_its_locations(client, listing, staff, moderator):
    original_location = listing.locations.get()

    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    copy.phone = "+1 503 555 0177"
    copy.save()
    copy.locations.get().offerings.all().delete()
    eugene = LocationFactory(clinic=copy, city="Eugene", postal_code="97401")
    OfferingFactory(location=eugene, route=route("im"))  # a listing keeps a route (14.3)
    moderation.clinic_submit(clinic=copy, user=staff)
    moderation.clinic_approve(clinic=copy, reviewer=moderator)
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0177"
    assert listing.locations.count() == 2
    assert not original_location.offerings.exists()

    client.force_login(moderator)
    response = client.get(reverse("moderation:history", args=[listing.pk]))
    assert response.status_code == 200
    assert str(moderator) in response.text
    versions = response.context["versions"]
    approval, created = versions[0], versions[-1]
    assert approval["user"] == moderator
    assert approval["reason"].startswith("Approved changes")
    assert "Clinic: phone: +1 503 555 0100 → +1 503 555 0177" in approval["changes"]
    assert any(
        line.startswith("Location ") and line.endswith(": created") for line in created["changes"]
    )
    revert_url = reverse("moderation:revert", args=[listing.pk])
    response = client.get(revert_url, {"point": created["key"]})
    assert response.status_code == 200
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0177"  # nothing changes before the confirmation
    changes = {(row["field"], row["before"], row["after"]) for row in response.context["changes"]}
    assert ("phone", "+1 503 555 0177", "+1 503 555 0100") in changes
    response = client.post(
        revert_url, {"point": created["key"], "version": response.context["plan"].version}
    )
    assert response.status_code == 302

    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0100"
    assert list(listing.locations.values_list("pk", flat=True)) == [original_location.pk]
    assert original_location.offerings.count() == 1
    assert original_location.conditions.count() == 1
    assert listing.history.first().history_user == moderator
    assert listing.history.first().history_change_reason.startswith("Reverted")


def test_revert_of_an_unknown_version_is_404(client, listing, moderator):
    other = make_listing()
    client.force_login(moderator)
    foreign_point = moderation.listing_history(other)[0]["key"]
    url = reverse("moderation:revert", args=[listing.pk])
    assert client.post(url, {"point": foreign_point}).status_code == 404
    assert client.post(url, {"point": "nope"}).status_code == 404
    assert client.get(url, {"point": foreign_point}).status_code == 404


def test_admin_edits_are_recorded_with_the_user(admin_client, admin_user, listing):
    response = admin_client.get(change_url(listing))
    data = admin_change_data(response)
    data["phone"] = "+1 503 555 0111"
    assert admin_client.post(change_url(listing), data).status_code == 302
    record = listing.history.first()
    assert record.history_user == admin_user
    assert record.phone == "+1 503 555 0111"


def test_queue_has_constant_queries(client, moderator, django_assert_max_num_queries):
    from clinics.models import ClaimRequest, Report

    def add_items():
        for _ in range(3):
            clinic = make_listing()
            staff = make_staff(clinic)
            copy = moderation.clinic_start_edit(clinic=clinic, user=staff)
            moderation.clinic_submit(clinic=copy, user=staff)
            moderation.moderation_claim(item=copy, moderator=moderator)
            Report.objects.create(clinic=clinic, problem="phone", details="x")
            ClaimRequest.objects.create(clinic=clinic, name="n", role="r", work_email="a@b.c")

    add_items()
    client.force_login(moderator)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("moderation:queue")).status_code == 200
    add_items()
    add_items()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("moderation:queue"))
    assert len(response.context["clinics"]) == 9


@pytest.mark.parametrize(("who", "shown"), [("moderator", True), ("staff", False)])
def test_admin_links_moderators_to_review_and_history(
    client, listing, staff, moderator, who, shown
):
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    client.force_login(moderator if who == "moderator" else staff)
    response = client.get(change_url(copy))
    assert response.status_code == 200
    assert (reverse("moderation:history", args=[listing.pk]) in response.text) is shown
