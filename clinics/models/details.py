"""Everything a clinic page shows, in one query per relation.

The clinic page, the JSON API, the CSV export and the open data (HSDS, FHIR) all read a clinic
with its locations through this one bundle. Search results read a shorter summary in their
own query (clinics.models.summaries).
"""

from django.db import models

from clinics.models.location import Offering, OpeningHours, PayerAcceptance


def location_prefetches():
    """All a clinic page or an export shows of its locations, one query per relation.

    Search results read a shorter summary in their own query (LocationQuerySet.with_summary).
    """
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
