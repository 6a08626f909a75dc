"""Who may view, edit, approve and revert what (issue 4): a permission matrix of can/cannot pairs.

Actors: anonymous, staff of clinic A, staff of clinic B, a moderator, a superuser. Staff of A
must never reach B's data, also through URLs and POSTs that carry B's ids.
"""

import copy

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from clinics import access, moderation
from clinics.models import Clinic, Location, Offering
from tests.builders import (
    UserFactory,
    admin_change_data,
    make_listing,
    make_moderator,
    make_staff,
    management_form,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]

ACTORS = ["anonymous", "staff_a", "staff_b", "moderator", "superuser"]


@pytest.fixture(scope="module")
def module_world(module_db):
    return module_db.build(build_world)


@pytest.fixture
def world(module_world):
    return copy.deepcopy(module_world)


def build_world():
    clinic_a = make_listing(name="Clinic A", phone="+1 503 555 0101")
    clinic_b = make_listing(name="Clinic B", phone="+1 503 555 0202")
    users = {
        "anonymous": None,
        "staff_a": make_staff(clinic_a, email="a@a.example"),
        "staff_b": make_staff(clinic_b, email="b@b.example"),
        "moderator": make_moderator(),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    copy_a = moderation.clinic_start_edit(clinic=clinic_a, user=users["staff_a"])
    copy_b = moderation.clinic_start_edit(clinic=clinic_b, user=users["staff_b"])
    return {"a": clinic_a, "b": clinic_b, "copy_a": copy_a, "copy_b": copy_b, "users": users}


def client_for(world, actor):
    client = Client()
    if world["users"][actor] is not None:
        client.force_login(world["users"][actor])
    return client


def change_url(obj):
    return reverse(f"admin:clinics_{obj._meta.model_name}_change", args=[obj.pk])


# --- the matrix -------------------------------------------------------------------------------

MATRIX = {
    #            anonymous staff_a staff_b moderator superuser
    "view": [False, True, False, True, True],
    "edit": [False, True, False, True, True],
    "approve": [False, False, False, True, True],
    "revert": [False, False, False, True, True],
}
CASES = [
    (action, actor, allowed)
    for action, row in MATRIX.items()
    for actor, allowed in zip(ACTORS, row, strict=True)
]


def do_view(world, client):
    response = client.get(change_url(world["copy_a"]))
    return response.status_code == 200 and "Clinic A" in response.text


def do_edit(world, client):
    admin = Client()
    admin.force_login(world["users"]["superuser"])
    data = admin_change_data(admin.get(change_url(world["copy_a"])))
    data["phone"] = "+1 503 555 0999"
    client.post(change_url(world["copy_a"]), data)
    world["copy_a"].refresh_from_db()
    return world["copy_a"].phone == "+1 503 555 0999"


def do_approve(world, client):
    moderation.clinic_submit(clinic=world["copy_a"], user=world["users"]["staff_a"])
    version = moderation.review_version(world["copy_a"])
    client.post(
        reverse("moderation:clinic", args=[world["copy_a"].pk]),
        {"action": "approve", "version": version},
    )
    world["a"].refresh_from_db()
    return not Clinic.objects.filter(pk=world["copy_a"].pk).exists()


def do_revert(world, client):
    clinic = world["a"]
    first = moderation.listing_history(clinic)[-1]
    clinic.phone = "+1 503 555 0555"
    clinic._change_reason = "Phone corrected"
    clinic.save()
    version = moderation.revert_plan(clinic=clinic, as_of=first["as_of"]).version
    client.post(
        reverse("moderation:revert", args=[clinic.pk]), {"point": first["key"], "version": version}
    )
    clinic.refresh_from_db()
    return clinic.phone == "+1 503 555 0101"


ACTIONS = {"view": do_view, "edit": do_edit, "approve": do_approve, "revert": do_revert}


@pytest.mark.parametrize(("action", "actor", "allowed"), CASES)
def test_permission_matrix(world, action, actor, allowed):
    assert ACTIONS[action](world, client_for(world, actor)) is allowed


# --- staff of A cannot reach B through tampered URLs and POSTs -------------------------------


@pytest.mark.parametrize(("actor", "allowed"), [("staff_b", True), ("staff_a", False)])
def test_location_change_page_of_b(world, actor, allowed):
    location = world["copy_b"].locations.get()
    response = client_for(world, actor).get(change_url(location))
    assert (response.status_code == 200) is allowed


@pytest.mark.parametrize(("clinic_key", "allowed"), [("copy_a", True), ("copy_b", False)])
def test_staff_a_adds_a_location_only_to_their_own_clinic(world, clinic_key, allowed):
    data = {
        "clinic": world[clinic_key].pk,
        "address_line1": "9 Tamper St",
        "city": "Portland",
        "state": "OR",
        "postal_code": "97205",
        "country": "US",
        **management_form("offerings"),
        **management_form("payer_acceptances"),
        **management_form("hours"),
    }
    client_for(world, "staff_a").post(reverse("admin:clinics_location_add"), data)
    assert Location.objects.filter(address_line1="9 Tamper St").exists() is allowed


@pytest.mark.parametrize(("clinic_key", "allowed"), [("copy_a", True), ("b", False)])
def test_staff_a_cannot_move_a_location_to_b(world, clinic_key, allowed):
    location = world["copy_a"].locations.get()
    client = client_for(world, "staff_a")
    data = admin_change_data(client.get(change_url(location)))
    data["clinic"] = world[clinic_key].pk
    data["city"] = "Moved"
    client.post(change_url(location), data)
    location.refresh_from_db()
    assert (location.city == "Moved") is allowed
    assert world["b"].locations.filter(city="Moved").exists() is False


@pytest.mark.parametrize(("location_owner", "allowed"), [("copy_a", True), ("copy_b", False)])
def test_inline_with_another_clinics_location_id_is_refused(world, location_owner, allowed):
    client = client_for(world, "staff_a")
    data = admin_change_data(client.get(change_url(world["copy_a"])))
    target = world[location_owner].locations.get()
    data["locations-0-id"] = str(target.pk)
    data["locations-0-city"] = "Hijacked"
    client.post(change_url(world["copy_a"]), data)
    target.refresh_from_db()
    assert (target.city == "Hijacked") is allowed


@pytest.mark.parametrize(("offering_owner", "allowed"), [("copy_a", True), ("copy_b", False)])
def test_offering_inline_with_another_clinics_id_is_refused(world, offering_owner, allowed):
    location = world["copy_a"].locations.get()
    client = client_for(world, "staff_a")
    data = admin_change_data(client.get(change_url(location)))
    target = Offering.objects.get(location__clinic=world[offering_owner])
    data["offerings-0-id"] = str(target.pk)
    data["offerings-0-price_min_usd"] = "1"
    data["offerings-0-price_max_usd"] = "2"
    client.post(change_url(location), data)
    target.refresh_from_db()
    assert (target.price_min_usd == 1) is allowed


@pytest.mark.parametrize(("clinic_key", "allowed"), [("copy_a", True), ("copy_b", False)])
def test_staff_delete_only_their_own_locations(world, clinic_key, allowed):
    location = world[clinic_key].locations.get()
    url = reverse("admin:clinics_location_delete", args=[location.pk])
    client_for(world, "staff_a").post(url, {"post": "yes"})
    assert Location.objects.filter(pk=location.pk).exists() is not allowed


@pytest.mark.parametrize(("actor", "allowed"), [("moderator", True), ("staff_a", False)])
def test_staff_cannot_change_a_published_listing_directly(world, actor, allowed):
    clinic = world["a"]
    admin = Client()
    admin.force_login(world["users"]["superuser"])
    data = admin_change_data(admin.get(change_url(clinic)))
    data["phone"] = "+1 503 555 0444"
    client_for(world, actor).post(change_url(clinic), data)
    clinic.refresh_from_db()
    assert (clinic.phone == "+1 503 555 0444") is allowed


@pytest.mark.parametrize(("actor", "allowed"), [("moderator", True), ("staff_a", False)])
def test_staff_cannot_publish_their_own_working_copy(world, actor, allowed):
    copy = world["copy_a"]
    client = client_for(world, actor)
    data = admin_change_data(client.get(change_url(copy)))
    data["status"] = "published"
    client.post(change_url(copy), data)
    copy.refresh_from_db()
    assert (copy.status == "published") is allowed


def test_staff_changelist_lists_only_their_clinics(world):
    response = client_for(world, "staff_a").get(reverse("admin:clinics_clinic_changelist"))
    shown = {clinic.pk for clinic in response.context["cl"].result_list}
    assert shown == {world["a"].pk, world["copy_a"].pk}


def test_autocomplete_offers_only_clinics_staff_may_change(world):
    url = reverse("admin:autocomplete")
    params = {
        "app_label": "clinics",
        "model_name": "location",
        "field_name": "clinic",
        "term": "Clinic",
    }
    response = client_for(world, "staff_a").get(url, params)
    assert response.status_code == 200
    ids = {int(result["id"]) for result in response.json()["results"]}
    assert ids == {world["copy_a"].pk}
    response = client_for(world, "moderator").get(url, params)
    ids = {int(result["id"]) for result in response.json()["results"]}
    assert {world["a"].pk, world["b"].pk, world["copy_a"].pk, world["copy_b"].pk} <= ids


@pytest.mark.parametrize("actor", ["staff_a", "staff_b"])
@pytest.mark.parametrize(
    "url_name", ["moderation:queue", "moderation:clinic", "moderation:history"]
)
def test_moderation_pages_are_404_for_staff(world, actor, url_name):
    args = [] if url_name == "moderation:queue" else [world["copy_a"].pk]
    assert client_for(world, actor).get(reverse(url_name, args=args)).status_code == 404


@pytest.mark.parametrize(("actor", "status"), [("anonymous", 302), ("moderator", 200)])
def test_moderation_queue_for_anonymous_and_moderator(world, actor, status):
    response = client_for(world, actor).get(reverse("moderation:queue"))
    assert response.status_code == status


def test_get_clinic_for_user_or_404_hides_missing_and_foreign_alike(world):
    staff_a = world["users"]["staff_a"]
    assert access.get_clinic_for_user_or_404(staff_a, pk=world["copy_a"].pk, for_edit=True)
    assert access.get_clinic_for_user_or_404(staff_a, slug=world["a"].slug) == world["a"]
    for pk in [world["b"].pk, world["copy_b"].pk, 999999]:
        with pytest.raises(Http404):
            access.get_clinic_for_user_or_404(staff_a, pk=pk)
    with pytest.raises(Http404):
        access.get_clinic_for_user_or_404(staff_a, pk=world["a"].pk, for_edit=True)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("anonymous", set()), ("staff_a", {"copy_a"}), ("staff_b", {"copy_b"})],
)
def test_editable_by(world, actor, expected):
    user = world["users"][actor]
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    editable = set(Clinic.objects.editable_by(user).values_list("pk", flat=True))
    assert editable == {world[key].pk for key in expected}


@pytest.mark.parametrize(("clinic_key", "allowed"), [("a", True), ("b", False)])
def test_admin_history_pages_are_scoped(world, clinic_key, allowed):
    clinic = world[clinic_key]
    client = client_for(world, "staff_a")
    history = reverse("admin:clinics_clinic_history", args=[clinic.pk])
    assert (client.get(history).status_code == 200) is allowed
    version = clinic.history.first().history_id
    version_url = reverse("admin:clinics_clinic_simple_history", args=[clinic.pk, version])
    assert (client.get(version_url).status_code == 200) is allowed


@pytest.mark.parametrize(("clinic_key", "allowed"), [("copy_a", True), ("copy_b", False)])
def test_location_history_pages_are_scoped(world, clinic_key, allowed):
    location = world[clinic_key].locations.get()
    url = reverse("admin:clinics_location_history", args=[location.pk])
    assert (client_for(world, "staff_a").get(url).status_code == 200) is allowed


@pytest.mark.parametrize("model_name", ["report", "claimrequest", "staffmembership"])
@pytest.mark.parametrize(("actor", "allowed"), [("moderator", True), ("staff_a", False)])
def test_moderation_models_in_the_admin_are_for_moderators(world, model_name, actor, allowed):
    url = reverse(f"admin:clinics_{model_name}_changelist")
    assert (client_for(world, actor).get(url).status_code == 200) is allowed
