"""Listings for the open-data tests (issue 8): one rich published clinic, one plain one,
and unpublished clinics that must never appear in any export."""

import datetime
from dataclasses import dataclass

from clinics.models import Clinic, Location
from tests.factories import (
    ClinicFactory,
    ClinicianFactory,
    LocationFactory,
    OfferingFactory,
    OpeningHoursFactory,
    PayerAcceptanceFactory,
    condition,
    language,
    payer,
    payment_option,
    route,
)


@dataclass
class OpenDataListings:
    rich: Clinic
    plain: Clinic
    draft: Clinic
    archived: Clinic


def build_open_data_listings():
    rich = ClinicFactory(
        name="Cascade Ketamine Center",
        slug="cascade-ketamine-center",
        description="IV and esketamine in two Portland offices.",
        email="hello@cascade.example.org",
        npi="1234567893",
        verified_at=datetime.date(2026, 10, 2),
        rems_certified=True,
        referral_required=True,
    )
    downtown = LocationFactory(
        clinic=rich,
        name="Downtown",
        phone="+1 503 555 0111",
        accessibility="Step-free entrance and an elevator.",
    )
    eastside = LocationFactory(clinic=rich, name="Eastside", latitude=45.52, longitude=-122.6)
    OfferingFactory(location=downtown, route=route("iv"), series_price_usd=2700)
    OfferingFactory(
        location=downtown, route=route("esketamine"), price_min_usd=0, price_max_usd=None
    )
    OfferingFactory(location=eastside, route=route("iv"), price_min_usd=500, price_max_usd=700)
    OfferingFactory(
        location=eastside, route=route("lozenge"), price_min_usd=None, price_max_usd=None
    )
    PayerAcceptanceFactory(location=downtown, payer=payer("aetna"), route=route("esketamine"))
    PayerAcceptanceFactory(location=eastside, payer=payer("cigna"))
    downtown.conditions.add(condition("ptsd"), condition("treatment-resistant-depression"))
    eastside.conditions.add(condition("anxiety"))
    downtown.payment_options.add(payment_option("self-pay"), payment_option("superbill"))
    downtown.languages.add(language("en"), language("es"))
    OpeningHoursFactory(location=downtown, weekday=1, opens="09:00", closes="17:00")
    OpeningHoursFactory(location=downtown, weekday=6, opens="10:00", closes="14:00")
    ClinicianFactory(clinic=rich, name="Dr. Ada Reyes", credential="MD", specialty="psychiatry")
    ClinicianFactory(
        clinic=rich, name="Sam Ortiz", credential="CRNA", specialty="anesthesia", npi=""
    )

    plain = ClinicFactory(name="Bridge Clinic", slug="bridge-clinic", phone="")
    plain_location = LocationFactory(clinic=plain)
    OfferingFactory(location=plain_location)
    # Saving geocodes from the ZIP; an update leaves the coordinates unknown.
    Location.objects.filter(pk=plain_location.pk).update(latitude=None, longitude=None)

    draft = ClinicFactory(name="Draft Hidden Clinic", status=Clinic.Status.DRAFT)
    OfferingFactory(location=LocationFactory(clinic=draft))
    archived = ClinicFactory(name="Archived Hidden Clinic", status=Clinic.Status.ARCHIVED)
    OfferingFactory(location=LocationFactory(clinic=archived))
    return OpenDataListings(rich=rich, plain=plain, draft=draft, archived=archived)


def add_published_clinics(count):
    """More published clinics with a location and two offerings each, for query counts."""
    for n in range(count):
        clinic = ClinicFactory(name=f"Extra Clinic {n:03}")
        location = LocationFactory(clinic=clinic)
        OfferingFactory(location=location, route=route("iv"))
        OfferingFactory(location=location, route=route("im"))
        location.conditions.add(condition("ptsd"))
        location.languages.add(language("en"))
        OpeningHoursFactory(location=location)
        PayerAcceptanceFactory(location=location)
        ClinicianFactory(clinic=clinic)
