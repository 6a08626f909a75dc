"""Everything a clinic page shows, in one query per relation.

The clinic page, the JSON API, the CSV export and the open data (HSDS, FHIR) all read a clinic
with its locations through this one bundle. Search results read a shorter summary in their
own query (clinics.models.summaries).
"""

from django.db import models

from clinics.models.location import Location, Offering, OpeningHours, PayerAcceptance


def location_prefetches():
    """All a clinic page or an export shows of each location, one query per relation."""
    return [
        models.Prefetch(
            "offerings",
            queryset=Offering.objects.select_related("route").order_by(
                "route__sort_order", "route__name"
            ),
        ),
        models.Prefetch(
            "payer_acceptances",
            queryset=PayerAcceptance.objects.select_related("payer", "route").order_by(
                "payer__sort_order", "payer__name", "route__sort_order"
            ),
        ),
        "conditions",
        "payment_options",
        "languages",
        models.Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
    ]


def locations_prefetch(*, details=True):
    """A clinic's locations in id order, with everything a clinic page shows of each
    (location_prefetches) unless `details` is False."""
    locations = Location.objects.order_by("id")
    if details:
        locations = locations.prefetch_related(*location_prefetches())
    return models.Prefetch("locations", queryset=locations)


def clinic_prefetches(*, location_details=True):
    """The clinic page bundle: locations (locations_prefetch), clinicians, memberships, and
    what was confirmed about the listing (verifications, issue 15.10)."""
    return [
        locations_prefetch(details=location_details),
        "clinicians",
        "memberships",
        "verifications",
    ]
