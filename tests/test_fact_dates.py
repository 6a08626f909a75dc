"""Dates on facts that change (issue 14.4): "accepting new patients" and each price carry the
date they were last set or confirmed, on the pages ("as of March 2026") and in the API.
Approving staff changes dates the facts they touched, never the listing's "Verified on"."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from clinics import moderation
from clinics.models import Clinic, Offering, Verification
from tests.builders import add_location, make_listing, make_moderator, make_staff
from tests.test_import import row, run

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(2025, 3, 10)
VERIFIED = datetime.date(2025, 6, 2)


def as_of(date):
    return f"as of {date_format(date, 'F Y')}"


@pytest.fixture
def listing():
    clinic = make_listing(name="Dated Clinic", verified_at=VERIFIED, accepting_as_of=LONG_AGO)
    location = clinic.locations.get()
    location.offerings.update(prices_as_of=LONG_AGO)
    add_location(clinic, routes={"esketamine": {"price_min_usd": 0, "prices_as_of": LONG_AGO}})
    return clinic


def offering(clinic, route):
    return Offering.objects.get(location__clinic=clinic, route__slug=route)


def approve_staff_edit(listing, change):
    staff, reviewer = make_staff(listing), make_moderator()
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    change(copy)
    moderation.clinic_submit(clinic=copy, user=staff)
    moderation.clinic_approve(clinic=copy, reviewer=reviewer)
    listing.refresh_from_db()


def test_pages_and_the_api_give_the_dates(client, listing):
    page = client.get(listing.get_absolute_url()).text
    assert f"Accepting new patients {as_of(LONG_AGO)}" in page
    assert '$450–$650 <span class="as-of">as of March 2025</span>' in page
    card = client.get("/search/?near=97205").text
    assert "Accepting new patients as of March 2025" in card
    assert 'IV infusion: $450–$650 <span class="as-of">(as of March 2025)</span>' in card

    detail = client.get(f"/api/v1/clinics/{listing.slug}/").json()
    assert detail["accepting_as_of"] == "2025-03-10"
    dates = {o["route"]: o["prices_as_of"] for loc in detail["locations"] for o in loc["offerings"]}
    assert dates == {"iv": "2025-03-10", "esketamine": "2025-03-10"}
    results = client.get("/api/v1/locations/?near=97205").json()["results"]
    assert {r["accepting_as_of"] for r in results} == {"2025-03-10"}
    assert {route["prices_as_of"] for r in results for route in r["routes"]} == {"2025-03-10"}


def test_an_approved_price_change_dates_that_price_only_and_not_the_listing(listing):
    def raise_iv(copy):
        iv = Offering.objects.get(location__clinic=copy, route__slug="iv")
        iv.price_min_usd = 500
        iv.save()

    approve_staff_edit(listing, raise_iv)
    today = timezone.localdate()
    assert offering(listing, "iv").price_min_usd == 500
    assert offering(listing, "iv").prices_as_of == today
    assert offering(listing, "esketamine").prices_as_of == LONG_AGO
    assert listing.accepting_as_of == LONG_AGO
    assert listing.verified_at == VERIFIED  # "Verified on" means a moderator checked it


def test_an_approved_change_of_accepting_dates_it(listing):
    def close_the_list(copy):
        copy.accepting_new_patients = False
        copy.save()

    approve_staff_edit(listing, close_the_list)
    assert listing.accepting_new_patients is False
    assert listing.accepting_as_of == timezone.localdate()
    assert offering(listing, "iv").prices_as_of == LONG_AGO
    assert listing.verified_at == VERIFIED
    assert Verification.objects.get(clinic=listing).fact == "accepting"


def test_an_edit_that_touches_nothing_dated_renews_nothing(listing):
    def rename(copy):
        copy.description = "New words."
        copy.save()

    approve_staff_edit(listing, rename)
    assert listing.accepting_as_of == LONG_AGO
    assert offering(listing, "iv").prices_as_of == LONG_AGO


def test_a_new_listing_is_dated_on_approval_for_what_it_states():
    clinic = Clinic.objects.create(
        name="New One", slug="new-one", status=Clinic.Status.PENDING, accepting_new_patients=True
    )
    add_location(clinic, routes={"iv": (400, 600), "im": (None, None)})
    moderation.clinic_approve(clinic=clinic, reviewer=make_moderator())
    clinic.refresh_from_db()
    today = timezone.localdate()
    assert clinic.status == Clinic.Status.PUBLISHED
    assert clinic.accepting_as_of == today
    assert offering(clinic, "iv").prices_as_of == today
    assert offering(clinic, "im").prices_as_of is None  # price on request: nothing to date


def test_a_moderator_confirming_prices_or_accepting_dates_them(client, listing):
    client.force_login(make_moderator())
    url = reverse("moderation:clinic", args=[listing.pk])
    assert client.post(url, {"action": "verify", "check_prices": "on"}).status_code == 302
    listing.refresh_from_db()
    today = timezone.localdate()
    assert {o.prices_as_of for o in Offering.objects.filter(location__clinic=listing)} == {today}
    assert listing.accepting_as_of == LONG_AGO

    assert client.post(url, {"action": "verify", "check_accepting": "on"}).status_code == 302
    listing.refresh_from_db()
    assert listing.accepting_as_of == today
    # The history keeps the dates; the history page says when they moved.
    history = client.get(reverse("moderation:history", args=[listing.pk])).text
    assert f"as of: {LONG_AGO.isoformat()} → {today.isoformat()}" in history


def test_a_date_renewed_while_a_copy_waits_is_no_change_to_review(client, listing):
    staff, moderator = make_staff(listing), make_moderator()
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    copy.description = "New words."
    copy.save()
    moderation.clinic_submit(clinic=copy, user=staff)
    moderation.clinic_verify(clinic=listing, moderator=moderator, checks={"prices": ""})

    client.force_login(moderator)
    review = client.get(reverse("moderation:clinic", args=[copy.pk])).context["review"]
    assert [row["field"] for row in review["changes"]] == ["description"]
    assert review["published_changes"] == [] and review["conflicts"] == []
    moderation.clinic_approve(clinic=copy, reviewer=moderator, seen_version=review["version"])
    assert offering(listing, "iv").prices_as_of == timezone.localdate()  # kept


def test_the_import_dates_what_it_sets_and_a_second_run_changes_nothing():
    run(row(accepting="yes", price_iv="450-650"))
    clinic = Clinic.objects.get(import_ref="c-1")
    today = timezone.localdate()
    assert clinic.accepting_as_of == today and offering(clinic, "iv").prices_as_of == today

    Clinic.objects.filter(pk=clinic.pk).update(accepting_as_of=LONG_AGO)
    Offering.objects.filter(location__clinic=clinic).update(prices_as_of=LONG_AGO)
    run(row(accepting="yes", price_iv="450-650"))
    clinic.refresh_from_db()
    assert clinic.accepting_as_of == LONG_AGO and offering(clinic, "iv").prices_as_of == LONG_AGO

    run(row(accepting="no", price_iv="500-700"))
    clinic.refresh_from_db()
    assert clinic.accepting_as_of == today and offering(clinic, "iv").prices_as_of == today


def test_the_migration_dates_rows_from_their_history_and_verification():
    set_then = timezone.make_aware(datetime.datetime(2025, 1, 20, 12))
    clinic = make_listing(verified_at=datetime.date(2024, 12, 1))
    iv = clinic.locations.get().offerings.get()
    iv.history.update(history_date=set_then)
    clinic.history.update(history_date=set_then)
    unpriced = add_location(clinic, routes={"im": (None, None)}).offerings.get()
    unknown = make_listing(accepting_new_patients=None)
    Verification.objects.create(
        clinic=clinic, fact="prices", confirmed_on=datetime.date(2025, 4, 1), source="moderator"
    )
    Clinic.objects.update(accepting_as_of=None)
    Offering.objects.update(prices_as_of=None)

    migration = importlib.import_module("clinics.migrations.0014_dates_on_facts")
    migration.date_the_facts(apps, None)

    clinic.refresh_from_db()
    iv.refresh_from_db()
    unpriced.refresh_from_db()
    unknown.refresh_from_db()
    assert clinic.accepting_as_of == datetime.date(2025, 1, 20)  # set then, verified before
    assert iv.prices_as_of == datetime.date(2025, 4, 1)  # confirmed after it was set
    assert unpriced.prices_as_of is None
    assert unknown.accepting_as_of is None
