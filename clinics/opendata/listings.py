"""The published directory as both open standards (HSDS, FHIR) read it.

A service is one treatment route as a clinic offers it at its sites; both standards describe
services, payers per route, prices and when a listing last changed the same way, and name
objects with stable name-based UUIDs. Only published listings reach these querysets.
"""

import uuid
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from clinics.models import Clinic, Location, Offering

# Fixed for ever: changing it would change every published id.
NAMESPACE = uuid.UUID("bde7fc4b-e2c8-4f42-9141-6b16ec26e76d")
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"


def name_uuid(*parts):
    """The stable name-based UUID (uuid5) of `parts`: name_uuid("location", 40)."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


# Querysets -------------------------------------------------------------------------------


def published_clinics():
    return Clinic.objects.published().order_by("name", "id")


def published_offerings():
    return Offering.objects.published()


def modified_since(clinics, after):
    """Clinics changed on or after `after`: the clinic row or any of its locations."""
    if after is None:
        return clinics
    return clinics.filter(
        Q(updated_at__gte=after)
        | Exists(Location.objects.filter(clinic=OuterRef("pk"), updated_at__gte=after))
    )


# Services --------------------------------------------------------------------------------


def clinic_last_modified(clinic):
    """The latest change to the clinic or any of its locations (locations prefetched)."""
    return max([clinic.updated_at, *(loc.updated_at for loc in clinic.locations.all())])


def services_of(clinic):
    """[(route, [(location, offering), ...]), ...]: one service per route offered anywhere."""
    sites = defaultdict(list)
    routes = {}
    for location in clinic.locations.all():
        for offering in location.offerings.all():
            routes[offering.route.slug] = offering.route
            sites[offering.route.slug].append((location, offering))
    ordered = sorted(routes.values(), key=lambda route: (route.sort_order, route.name))
    return [(route, sites[route.slug]) for route in ordered]


def payers_for(location, route):
    """The location's payer acceptances that cover this route (all-route ones included)."""
    return [
        acceptance
        for acceptance in location.payer_acceptances.all()
        if acceptance.route_id is None or acceptance.route_id == route.pk
    ]


def price_text(offering):
    if offering.price_min_usd is None:
        return "price on request"
    if offering.price_max_usd in (None, offering.price_min_usd):
        return f"${offering.price_min_usd:,} per session"
    return f"${offering.price_min_usd:,}-${offering.price_max_usd:,} per session"
