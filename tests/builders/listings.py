"""Listings and the people who keep them: one location builder that every test data set uses.

`add_location` takes what hangs off a location as plain data, so a test's listing reads as a
description of it:

    add_location(clinic, name="Downtown", miles=1, routes={"iv": (400, 600)},
                 payers=["cigna", ("aetna", "esketamine")], conditions=["ptsd"],
                 payment_options=["self-pay"], languages=["en", "es"],
                 hours=[(1, "09:00", "17:00")])
"""

import itertools

from django.contrib.auth.models import Group
from geopy.distance import great_circle

from clinics import geo
from clinics.models import StaffMembership
from tests.builders.factories import (
    ClinicFactory,
    ClinicianFactory,
    LocationFactory,
    OfferingFactory,
    OpeningHoursFactory,
    PayerAcceptanceFactory,
    UserFactory,
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


def offering_values(prices):
    """An offering's fields from a route's entry: (min, max), a dict of fields, or None."""
    if prices is None:
        return {}  # the factory's price range
    if isinstance(prices, dict):
        return prices
    price_min, price_max = prices
    return {"price_min_usd": price_min, "price_max_usd": price_max}


def add_location(
    clinic=None,
    *,
    miles=None,
    bearing=0.0,
    routes=(),
    payers=(),
    conditions=(),
    payment_options=(),
    languages=(),
    hours=(),
    **fields,
):
    """A location of `clinic` (a new published clinic when None) and what it offers.

    miles/bearing: where it is, from ORIGIN. routes: slugs, or {slug: (min, max) | {fields}}.
    payers: slugs, or (payer slug, route slug) for a route-specific acceptance.
    hours: (weekday, opens, closes). Other keyword arguments are Location fields.
    """
    if miles is not None:
        fields["latitude"], fields["longitude"] = point_at(miles, bearing)
    location = LocationFactory(clinic=clinic or ClinicFactory(), **fields)
    routes = routes if isinstance(routes, dict) else dict.fromkeys(routes)
    for slug, prices in routes.items():
        OfferingFactory(location=location, route=route(slug), **offering_values(prices))
    for accepted in payers:
        payer_slug, route_slug = (accepted, None) if isinstance(accepted, str) else accepted
        PayerAcceptanceFactory(
            location=location,
            payer=payer(payer_slug),
            route=route(route_slug) if route_slug else None,
        )
    for weekday, opens, closes in hours:
        OpeningHoursFactory(location=location, weekday=weekday, opens=opens, closes=closes)
    location.conditions.add(*[condition(slug) for slug in conditions])
    location.payment_options.add(*[payment_option(slug) for slug in payment_options])
    location.languages.add(*[language(code) for code in languages])
    return location


def make_location(name, miles, *, clinic=None, bearing=0.0, **clinic_values):
    """An unnamed location `miles` from ORIGIN, of a new clinic called "<name> Clinic"."""
    clinic = clinic or ClinicFactory(name=f"{name} Clinic", **clinic_values)
    return add_location(clinic, name="", miles=miles, bearing=bearing)


def offer(location, route_slug, price_min=None, price_max=None):
    return OfferingFactory(
        location=location, route=route(route_slug), price_min_usd=price_min, price_max_usd=price_max
    )


_numbers = itertools.count()


def make_listing(**clinic_fields):
    """A published clinic with a location (offering, insurance, hours, a condition), a clinician."""
    clinic = ClinicFactory(**clinic_fields)
    add_location(
        clinic,
        routes=["iv"],
        payers=["aetna"],
        hours=[(1, "09:00", "17:00")],
        conditions=["treatment-resistant-depression"],
    )
    ClinicianFactory(clinic=clinic, name=f"Dr. Listing {next(_numbers)}")
    return clinic


def make_staff(clinic, *, role=StaffMembership.Role.EDITOR, **user_fields):
    user = UserFactory(is_staff=True, **user_fields)
    user.groups.add(Group.objects.get(name="Clinic staff"))
    StaffMembership.objects.create(user=user, clinic=clinic, role=role)
    return user


def make_moderator(**user_fields):
    user = UserFactory(is_staff=True, **user_fields)
    user.groups.add(Group.objects.get(name="Moderator"))
    return user
