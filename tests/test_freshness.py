"""Every change to a listing's content moves `updated_at` (issue 12.9).

`/downloads/*` are rebuilt when the latest `updated_at` moves, and HSDS `modified_after` and
FHIR `_lastUpdated` keep what moved since a date, so a change on any write path (import,
approval, revert, merge, admin) that left them alone was invisible to every reader of the
open data. Each test dates the listing long ago, changes one thing, and checks both dates.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics import moderation
from clinics.importing import import_clinics
from clinics.models import Clinic, Language, Location, Offering, PayerAcceptance
from clinics.opendata import downloads
from tests.builders import (
    ClinicFactory,
    ClinicianFactory,
    LocationFactory,
    OfferingFactory,
    OpeningHoursFactory,
    admin_change_data,
    make_listing,
    make_moderator,
    make_staff,
    payer,
    route,
)

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.make_aware(datetime.datetime(2020, 1, 1))
HEADER = "clinic_id,clinic_name,location_id,address_line1,city,state,postal_code,routes,"
HEADER += "price_iv,insurance,languages\n"


def date_everything_long_ago():
    Clinic.objects.update(updated_at=LONG_AGO)
    Location.objects.update(updated_at=LONG_AGO)


def moved(location):
    """(clinic moved, location moved) since LONG_AGO."""
    location = Location.objects.select_related("clinic").get(pk=location.pk)
    return location.clinic.updated_at > LONG_AGO, location.updated_at > LONG_AGO


def csv_row(price="450", insurance="aetna", languages="en"):
    return (
        HEADER + f"c-1,Freshness Clinic,l-1,1 Main St,Portland,OR,97205,iv,{price},"
        f"{insurance},{languages}\n"
    ).encode()


# Import -----------------------------------------------------------------------------------


@pytest.fixture
def imported():
    report = import_clinics(csv_row(), source_name="partner", publish=True)
    assert report.written, report.lines()
    date_everything_long_ago()
    return Location.objects.get(import_ref="l-1")


def test_a_reimport_that_changes_nothing_moves_nothing(imported):
    import_clinics(csv_row(), source_name="partner")
    assert moved(imported) == (False, False)


@pytest.mark.parametrize(
    "change", [{"price": "500"}, {"insurance": "cigna"}, {"languages": "en;es"}]
)
def test_a_reimport_changing_only_a_price_or_insurance_moves_the_location(imported, change):
    import_clinics(csv_row(**change), source_name="partner")
    # The clinic's listing counts as changed when any of its locations moved.
    assert moved(imported) == (False, True)


def test_what_the_open_data_serves_follows_a_price_change(
    client, imported, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DOWNLOADS_DIR = tmp_path
    version = downloads.data_version()
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
    assert client.get(f"/fhir/Location?_lastUpdated=gt{since}").json()["total"] == 0

    # Committed, as in production: the import's commit makes cached list pages stale.
    with django_capture_on_commit_callbacks(execute=True):
        import_clinics(csv_row(price="500"), source_name="partner")

    assert downloads.data_version() != version
    assert "500" in b"".join(client.get("/downloads/csv").streaming_content).decode()
    assert client.get(f"/fhir/Location?_lastUpdated=gt{since}").json()["total"] == 1
    assert client.get(f"/fhir/Organization?_lastUpdated=gt{since}").json()["total"] == 1
    services = client.get(f"/api/v1/hsds/services/?modified_after={since}").json()
    assert services["total_items"] == 1


# Approval and revert ---------------------------------------------------------------------


@pytest.fixture
def listing():
    return make_listing(name="Approval Clinic")


def test_approval_of_a_price_change_moves_both(listing):
    staff, moderator = make_staff(listing), make_moderator()
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    offering = Offering.objects.get(location__clinic=copy)
    offering.price_min_usd = 123
    offering.save()
    moderation.clinic_submit(clinic=copy, user=staff)
    date_everything_long_ago()

    moderation.clinic_approve(clinic=copy, reviewer=moderator)

    published = listing.locations.get()
    assert published.offerings.get().price_min_usd == 123
    assert moved(published) == (True, True)


def test_revert_of_a_price_moves_both(listing):
    first = moderation.listing_history(listing)[-1]
    offering = Offering.objects.get(location__clinic=listing)
    offering.price_min_usd = offering.price_max_usd = 999
    offering.save()
    date_everything_long_ago()

    moderation.clinic_revert(clinic=listing, as_of=first["as_of"], user=make_moderator())

    assert Offering.objects.get(pk=offering.pk).price_min_usd != 999
    assert moved(listing.locations.get()) == (True, True)


def test_merge_moves_the_locations_it_moves():
    target = make_listing(name="Kept Clinic")
    source = ClinicFactory(name="Merged Clinic")
    location = LocationFactory(clinic=source, address_line1="9 Other St", postal_code="97232")
    OfferingFactory(location=location, route=route("iv"))
    date_everything_long_ago()

    moderation.clinic_merge(source=source, target=target)

    assert Location.objects.get(pk=location.pk).clinic == target
    assert moved(location) == (True, True)


# The admin and every row-level write --------------------------------------------------------


def test_an_admin_edit_of_a_price_moves_the_location(admin_client, listing):
    location = listing.locations.get()
    url = reverse("admin:clinics_location_change", args=[location.pk])
    data = admin_change_data(admin_client.get(url))
    price = next(key for key in data if key.startswith("offerings-") and "price_min" in key)
    data[price] = "321"
    date_everything_long_ago()

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert location.offerings.get().price_min_usd == 321
    assert moved(location) == (False, True)


@pytest.mark.parametrize(
    "change",
    [
        lambda loc: OpeningHoursFactory(location=loc, weekday=3),
        lambda loc: loc.hours.all().delete(),
        lambda loc: PayerAcceptance.objects.create(location=loc, payer=payer("cigna")),
        lambda loc: loc.languages.add(Language.objects.get(code="es")),
        lambda loc: loc.conditions.clear(),
        lambda loc: loc.offerings.get().delete(),
    ],
    ids=["hours", "hours deleted", "insurance", "language", "conditions cleared",
         "route removed"],
)  # fmt: skip
def test_each_part_of_a_location_moves_the_location_alone(listing, change):
    LocationFactory(clinic=listing, address_line1="2 Sibling St")
    location = listing.locations.order_by("pk").first()
    date_everything_long_ago()

    change(location)

    assert moved(location) == (False, True)
    # Its sibling did not change: a FHIR Location or HSDS service-at-location search by
    # date reports the one that did.
    sibling = listing.locations.exclude(pk=location.pk).get()
    assert moved(sibling) == (False, False)


def test_a_removed_location_moves_the_clinic(listing):
    location = LocationFactory(clinic=listing, address_line1="2 Gone St")
    date_everything_long_ago()

    location.delete()

    assert moved(listing.locations.get()) == (True, False)


def test_a_clinician_or_a_membership_moves_the_clinic(listing):
    from clinics.models import ProfessionalBody

    location = listing.locations.get()
    date_everything_long_ago()
    ClinicianFactory(clinic=listing, name="Dr. New")
    assert moved(location) == (True, False)

    date_everything_long_ago()
    listing.memberships.add(ProfessionalBody.objects.first())
    assert moved(location) == (True, False)
