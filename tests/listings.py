"""A small, hand-made set of listings around Portland, OR for the search tests.

Each published location differs from the others in a known way, so a filter's expected result
can be written down by name. Unpublished clinics sit right at the origin and offer everything,
so any leak would show up in every search.
"""

import datetime
from dataclasses import dataclass

from geopy.distance import great_circle

from clinics import geo
from clinics.models import Clinic
from tests.factories import (
    ClinicFactory,
    LocationFactory,
    OfferingFactory,
    PayerAcceptanceFactory,
    condition,
    language,
    payer,
    payment_option,
    route,
)

# ZIP 97205, as the offline geocoder resolves it.
ORIGIN = (45.5207, -122.6888)
SPHERE_KM = geo.EARTH_RADIUS_MILES * 1.609344


def point_at(miles, bearing=0.0, origin=ORIGIN):
    """(latitude, longitude) at a great-circle distance and bearing on the app's sphere."""
    destination = great_circle(radius=SPHERE_KM, miles=miles).destination(origin, bearing)
    return destination.latitude, destination.longitude


def miles_between(a, b):
    return great_circle(a, b, radius=SPHERE_KM).miles


@dataclass
class Listings:
    by_name: dict

    def names(self, ids):
        names_by_id = {location.pk: name for name, location in self.by_name.items()}
        return [names_by_id[pk] for pk in ids]

    def __getitem__(self, name):
        return self.by_name[name]


def make_location(name, miles, *, clinic=None, bearing=0.0, **clinic_values):
    clinic = clinic or ClinicFactory(name=f"{name} Clinic", **clinic_values)
    latitude, longitude = point_at(miles, bearing)
    return LocationFactory(clinic=clinic, name="", latitude=latitude, longitude=longitude)


def offer(location, route_slug, price_min=None, price_max=None):
    return OfferingFactory(
        location=location, route=route(route_slug), price_min_usd=price_min, price_max_usd=price_max
    )


def build_listings():
    """Published: Alpha (1 mi), Bridge (5), Cascade (12), Delta (40), Evergreen (145 mi)."""
    alpha = make_location(
        "Alpha",
        1,
        offers_kap=True,
        accepting_new_patients=True,
        verified_at=datetime.date(2026, 10, 1),
    )
    offer(alpha, "iv", 400, 600)
    offer(alpha, "esketamine", 0, 50)
    PayerAcceptanceFactory(location=alpha, payer=payer("aetna"), route=route("esketamine"))
    alpha.payment_options.add(payment_option("self-pay"), payment_option("superbill"))
    alpha.conditions.add(condition("treatment-resistant-depression"), condition("ptsd"))
    alpha.languages.add(language("en"), language("es"))

    bridge = make_location(
        "Bridge",
        5,
        bearing=90,
        offers_telehealth=True,
        accepting_new_patients=False,
        verified_at=datetime.date(2026, 9, 1),
    )
    offer(bridge, "im", 300, 300)
    PayerAcceptanceFactory(location=bridge, payer=payer("cigna"))
    bridge.payment_options.add(payment_option("financing"))
    bridge.conditions.add(condition("anxiety"))
    bridge.languages.add(language("en"))

    cascade = make_location(
        "Cascade",
        12,
        bearing=180,
        offers_at_home=True,
        offers_integration=True,
        accepting_new_patients=True,
        verified_at=None,
    )
    offer(cascade, "lozenge", 150, 200)
    offer(cascade, "iv", 700, 900)
    cascade.payment_options.add(payment_option("sliding-scale"))
    cascade.conditions.add(condition("chronic-pain"), condition("ptsd"))
    cascade.languages.add(language("es"))

    delta = make_location(
        "Delta",
        40,
        bearing=270,
        works_with_own_therapist=True,
        accepting_new_patients=True,
        verified_at=datetime.date(2026, 11, 1),
    )
    offer(delta, "esketamine")  # price on request
    PayerAcceptanceFactory(location=delta, payer=payer("aetna"))
    PayerAcceptanceFactory(location=delta, payer=payer("medicare"))
    delta.conditions.add(condition("treatment-resistant-depression"))
    delta.languages.add(language("en"))

    evergreen = make_location(
        "Evergreen",
        145,
        bearing=0,
        accepting_new_patients=True,
        verified_at=datetime.date(2025, 1, 1),
    )
    offer(evergreen, "iv", 500, 500)
    evergreen.payment_options.add(payment_option("self-pay"))

    hidden = {}
    for status in Clinic.Status:
        if status == Clinic.Status.PUBLISHED:
            continue
        location = make_location(
            f"Hidden {status.label}",
            0.1,
            status=status,
            offers_kap=True,
            offers_telehealth=True,
            accepting_new_patients=True,
            verified_at=datetime.date(2026, 11, 20),
        )
        for slug in ("iv", "im", "lozenge", "esketamine"):
            offer(location, slug, 1, 1)
        PayerAcceptanceFactory(location=location, payer=payer("aetna"))
        PayerAcceptanceFactory(location=location, payer=payer("cigna"))
        location.payment_options.add(*[payment_option(s) for s in ("self-pay", "financing")])
        location.conditions.add(condition("ptsd"), condition("anxiety"))
        location.languages.add(language("en"), language("es"))
        hidden[f"Hidden {status.value}"] = location

    return Listings(
        by_name={
            "Alpha": alpha,
            "Bridge": bridge,
            "Cascade": cascade,
            "Delta": delta,
            "Evergreen": evergreen,
            **hidden,
        }
    )
