"""The admin's "view on site" link, /admin/r/<content type>/<id>/ (issue 12.15).

Django's shortcut redirected any staff member to the public address of any clinic or
location, naming other clinics' unpublished listings and letting staff probe ids. It is
scoped like every other admin page now: "not yours" answers 404, like "missing".
"""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from clinics.models import Clinic, Location
from tests.builders import make_listing, make_moderator, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def own():
    return make_listing(name="Own Clinic")


@pytest.fixture
def other():
    """Another clinic's listing, not published yet: its name is in its address."""
    return make_listing(name="Secret Unlaunched Clinic", status=Clinic.Status.DRAFT)


def view_on_site(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def test_the_url_is_the_admins_own(other):
    assert view_on_site(other).startswith("/admin/r/")


@pytest.mark.parametrize("model", [Clinic, Location])
def test_staff_get_404_for_another_clinics_listing(client, own, other, model):
    client.force_login(make_staff(own))
    obj = other if model is Clinic else other.locations.get()
    response = client.get(view_on_site(obj))
    assert response.status_code == 404
    assert "secret-unlaunched" not in response.text


@pytest.mark.parametrize("model", [Clinic, Location])
def test_staff_are_sent_to_their_own_listing(client, own, model):
    client.force_login(make_staff(own))
    obj = own if model is Clinic else own.locations.get()
    response = client.get(view_on_site(obj))
    assert response.status_code == 302
    assert response["Location"].endswith(obj.get_absolute_url())


def test_staff_probing_ids_cannot_tell_missing_from_not_theirs(client, own, other):
    client.force_login(make_staff(own))
    content_type = ContentType.objects.get_for_model(Clinic)
    missing = reverse("admin:view_on_site", args=[content_type.pk, 999_999])
    assert client.get(missing).status_code == 404
    assert client.get(view_on_site(other)).status_code == 404
    bad = reverse("admin:view_on_site", args=[content_type.pk, "not-an-id"])
    assert client.get(bad).status_code == 404


@pytest.mark.parametrize("model", [Clinic, Location])
def test_moderators_are_still_redirected(client, other, model):
    client.force_login(make_moderator())
    obj = other if model is Clinic else other.locations.get()
    response = client.get(view_on_site(obj))
    assert response.status_code == 302
    assert response["Location"].endswith(obj.get_absolute_url())


def test_objects_without_an_admin_or_a_content_type_are_not_found(client, admin_user, other):
    client.force_login(admin_user)
    permission = Permission.objects.first()  # contrib.auth registers no admin for it
    assert client.get(view_on_site(permission)).status_code == 404
    assert client.get(reverse("admin:view_on_site", args=[999_999, other.pk])).status_code == 404


def test_signed_out_visitors_are_asked_to_sign_in(client, other):
    response = client.get(view_on_site(other))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
