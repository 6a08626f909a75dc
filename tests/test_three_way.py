"""Approval applies only what the staff changed (issue 15.2).

A moderator's edit of the published listing made after the working copy was started survives
the approval; a field both changed differently is a conflict the review page shows, and the
moderator decides it (keep the published value or take the staff's).
"""

import pytest
from django.urls import reverse

from clinics import moderation
from clinics.models import Clinic, Location, Offering
from clinics.moderation.threeway import merge_states
from tests.builders import (
    OfferingFactory,
    condition,
    language,
    make_listing,
    make_moderator,
    make_staff,
    route,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing():
    return make_listing(name="Three Way", phone="+1 503 555 0100", description="Original.")


@pytest.fixture
def staff(listing):
    return make_staff(listing)


@pytest.fixture
def moderator():
    return make_moderator(username="three-way-mod")


def moderator_edit(clinic, moderator, **fields):
    for name, value in fields.items():
        setattr(clinic, name, value)
    clinic._history_user = moderator
    clinic.save()


def submit(copy, staff):
    return moderation.clinic_submit(clinic=copy, user=staff)


def test_the_copy_records_the_version_it_started_from(listing, staff):
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    assert copy.draft_base == moderation.listing_state(listing)


def test_a_moderator_edit_made_meanwhile_survives_the_approval(listing, staff, moderator):
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    moderator_edit(listing, moderator, phone="+1 503 555 0155")  # direct fix meanwhile
    copy.description = "New description from the staff."
    copy.save()
    submit(copy, staff)

    moderation.clinic_approve(clinic=copy, reviewer=moderator)

    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0155"  # was overwritten by the copy's stale value
    assert listing.description == "New description from the staff."


def test_sets_and_offerings_merge_item_by_item(listing, staff, moderator):
    location = listing.locations.get()
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    copy_location = copy.locations.get()
    # Meanwhile on the published listing: a language and a new IV price.
    location.languages.add(language("es"))
    location.offerings.filter(route=route("iv")).update(price_min_usd=500, price_max_usd=700)
    # The staff: a condition, and esketamine.
    copy_location.conditions.add(condition("ptsd"))
    OfferingFactory(location=copy_location, route=route("esketamine"), price_min_usd=0)
    submit(copy, staff)

    moderation.clinic_approve(clinic=copy, reviewer=moderator)

    location.refresh_from_db()
    assert set(location.languages.values_list("code", flat=True)) == {"es"}
    assert set(location.conditions.values_list("slug", flat=True)) == {
        "treatment-resistant-depression",
        "ptsd",
    }
    prices = dict(location.offerings.values_list("route__slug", "price_min_usd"))
    assert prices == {"iv": 500, "esketamine": 0}


def test_a_conflict_is_shown_and_decided_by_the_moderator(client, listing, staff, moderator):
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    moderator_edit(listing, moderator, phone="+1 503 555 0155")
    copy.phone = "+1 503 555 0177"
    copy.save()
    submit(copy, staff)
    client.force_login(moderator)
    url = reverse("moderation:clinic", args=[copy.pk])

    page = client.get(url)
    [conflict] = page.context["review"]["conflicts"]
    assert (conflict["field"], conflict["base"]) == ("phone", "+1 503 555 0100")
    assert (conflict["published"], conflict["staff"]) == ("+1 503 555 0155", "+1 503 555 0177")
    assert "Keep published" in page.text
    version = page.context["version"]

    # Approving without deciding is refused, and nothing is published.
    response = client.post(url, {"action": "approve", "version": version}, follow=True)
    assert "choose which value to keep" in response.text
    assert Clinic.objects.filter(pk=copy.pk, status=Clinic.Status.PENDING).exists()

    client.post(
        url, {"action": "approve", "version": version, f"conflict:{conflict['id']}": "staff"}
    )
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0177"
    assert not Clinic.objects.filter(pk=copy.pk).exists()


def test_keeping_the_published_value(listing, staff, moderator):
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    moderator_edit(listing, moderator, phone="+1 503 555 0155")
    copy.phone = "+1 503 555 0177"
    copy.description = "Staff text."
    copy.save()
    submit(copy, staff)
    [conflict] = moderation.staff_merge(copy).conflicts
    moderation.clinic_approve(clinic=copy, reviewer=moderator, choices={conflict.id: "published"})
    listing.refresh_from_db()
    assert (listing.phone, listing.description) == ("+1 503 555 0155", "Staff text.")


def test_a_location_removed_meanwhile_but_changed_by_staff_is_a_conflict(listing, staff, moderator):
    location = listing.locations.get()
    location_id = location.pk
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    Location.objects.filter(clinic=copy).update(city="Beaverton")
    location._history_user = moderator
    location.delete()
    submit(copy, staff)

    [conflict] = moderation.staff_merge(copy).conflicts
    assert conflict.is_record
    moderation.clinic_approve(clinic=copy, reviewer=moderator, choices={conflict.id: "staff"})

    restored = listing.locations.get()
    assert (restored.pk, restored.city) == (location_id, "Beaverton")
    assert Offering.objects.filter(location=restored).count() == 1


def test_approval_names_the_staff_member_and_the_moderator(client, listing, staff, moderator):
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    copy.phone = "+1 503 555 0188"
    copy.save()
    submit(copy, staff)
    moderation.clinic_approve(clinic=copy, reviewer=moderator)

    record = listing.history.first()
    assert (record.history_user, record.history_author) == (moderator, staff)
    client.force_login(moderator)
    page = client.get(reverse("moderation:history", args=[listing.pk]))
    approval = page.context["versions"][0]
    assert (approval["user"], approval["author"]) == (moderator, staff)
    assert str(staff) in page.text and str(moderator) in page.text


# --- the merge itself, on plain states ------------------------------------------------------


def state(clinic=None, locations=None, clinicians=None):
    return {"clinic": clinic or {}, "locations": locations or {}, "clinicians": clinicians or {}}


def test_merge_takes_each_sides_changes_and_reports_true_conflicts():
    base = state({"phone": "1", "name": "A", "email": "", "memberships": [1, 2]})
    published = state({"phone": "2", "name": "A", "email": "", "memberships": [1, 2, 3]})
    staff = state({"phone": "1", "name": "B", "email": "x@y.z", "memberships": [2]})
    merged, conflicts = merge_states(base=base, published=published, staff=staff)
    assert merged["clinic"] == {"phone": "2", "name": "B", "email": "x@y.z", "memberships": [2, 3]}
    assert conflicts == []

    staff["clinic"]["phone"] = "9"
    merged, [conflict] = merge_states(base=base, published=published, staff=staff)
    assert conflict.path == ("clinic", "phone") and merged["clinic"]["phone"] == "2"
    merged, _ = merge_states(
        base=base, published=published, staff=staff, choices={conflict.id: "staff"}
    )
    assert merged["clinic"]["phone"] == "9"


def test_merge_of_collections():
    loc = {"city": "Portland", "offerings": {}, "hours": []}
    base = state(locations={"1": loc, "2": loc}, clinicians={"Dr A": {"npi": ""}})
    published = state(locations={"1": {**loc, "city": "Salem"}, "2": loc})
    staff = state(
        locations={"2": loc, "new-9": {**loc, "city": "Bend"}},
        clinicians={"Dr A": {"npi": ""}, "Dr B": {"npi": ""}},
    )
    merged, conflicts = merge_states(base=base, published=published, staff=staff)
    # Location 1: the staff removed it, the published side changed it: a conflict, kept.
    assert [c.path for c in conflicts] == [("locations", "1")]
    assert set(merged["locations"]) == {"1", "2", "new-9"}
    # Dr A was removed on the published side and left alone by the staff: stays removed.
    assert set(merged["clinicians"]) == {"Dr B"}
