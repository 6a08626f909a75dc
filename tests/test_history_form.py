"""Nobody saves through django-simple-history's history form (issue 12, critical).

The form saved any POST from someone who could view the history, so clinic staff changed
their published listing without moderation. Every admin with history is checked, with POSTs.
"""

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from clinics.models import Clinic, Location, StaffInvitation
from tests.builders import ClinicFactory, form_data, make_listing, make_moderator, make_staff

pytestmark = pytest.mark.django_db


def history_form_url(obj):
    record = obj.history.order_by("-history_date").first()
    name = f"admin:clinics_{obj._meta.model_name}_simple_history"
    return reverse(name, args=[obj.pk, record.history_id])


@pytest.fixture
def listing():
    clinic = make_listing(name="Published Clinic", rems_certified=False)
    clinic.verified_at = "2026-01-05"
    clinic.save()
    return clinic


@pytest.mark.parametrize("actor", ["staff", "moderator"])
def test_posting_the_clinic_history_form_changes_nothing(client, listing, actor):
    user = make_staff(listing) if actor == "staff" else make_moderator()
    client.force_login(user)
    url = history_form_url(listing)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.context["adminform"].form)
    data.update(name="Renamed Without Review", description="Cures everything", rems_certified="on")

    response = client.post(url, data)

    assert response.status_code == 405
    listing.refresh_from_db()
    assert listing.name == "Published Clinic"
    assert listing.rems_certified is False
    assert not Clinic.objects.filter(draft_of=listing).exists()
    public = client.get(listing.get_absolute_url())
    assert b"Renamed Without Review" not in public.content


@pytest.mark.parametrize("actor", ["staff", "moderator"])
def test_posting_the_location_history_form_cannot_move_a_location(client, listing, actor):
    user = make_staff(listing) if actor == "staff" else make_moderator()
    elsewhere = ClinicFactory(status=Clinic.Status.DRAFT)
    if actor == "staff":
        make_staff(elsewhere, email=user.email, username=f"{user.username}-2")
    client.force_login(user)
    location = listing.locations.get()
    url = history_form_url(location)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.context["adminform"].form)
    data.update(clinic=str(elsewhere.pk), city="Nowhere")

    response = client.post(url, data)

    assert response.status_code == 405
    location.refresh_from_db()
    assert location.clinic_id == listing.pk
    assert location.city != "Nowhere"


def test_history_form_offers_no_revert_button(client, listing):
    client.force_login(make_staff(listing))
    page = client.get(history_form_url(listing))
    assert page.context["revert_disabled"] is True
    assert b'name="_save"' not in page.content


def test_every_admin_with_history_refuses_history_form_posts(client, listing):
    """A model admin added later with SimpleHistoryAdmin would reopen the hole."""
    client.force_login(make_moderator())
    objects = {Clinic: listing, Location: listing.locations.get()}
    membership_user = make_staff(listing)
    objects[membership_user.clinic_memberships.model] = membership_user.clinic_memberships.get()
    objects[StaffInvitation] = StaffInvitation.objects.create(clinic=listing, email="i@x.example")
    history_admins = [
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert set(history_admins) == set(objects)
    for model in history_admins:
        response = client.post(history_form_url(objects[model]), {})
        assert response.status_code == 405, model
