"""Which price `sort=price` compares (issue 14.8), and how the page says it.

An offering's `price_min_usd` is the lowest price of one session of that route. With routes
chosen, the order compares those routes' prices: the patient said what they want. Without,
it compares each location's lowest *self-pay* price per session, any route: the price a
patient paying for themselves is charged. Racemic ketamine (IV, IM, lozenge) is off-label
and usually self-pay (DOMAIN.md), so its listed price is. Esketamine (the one FDA-approved
route, `TreatmentRoute.fda_approved`) is usually billed to insurance, and where a location is
in network with a payer for it (covering_q), its figure is what insurance leaves (0 when
insurance pays in full, as the form says): a $5 copay-like figure is not a session price to
rank a $565 IV clinic against, so it is left out. An esketamine price at a location that
bills no insurance for it is a self-pay price and counts.
"""

from django.db.models import Exists, Min, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinics.geo import any_of
from clinics.models import Offering, PayerAcceptance

# What a price range on a result covers, said on the results page.
RANGE_EXPLAINED = gettext_lazy(
    "A price is per session of that route, as the clinic lists it: a range runs from its "
    "lowest to its highest session price (the dose, the length of the session or a package "
    "can change it). A typical series costs several sessions. Esketamine prices at clinics "
    "that bill insurance are usually what insurance leaves to pay."
)


def insurance_billed_q():
    """Offerings whose price is what insurance leaves: an FDA-approved route (esketamine)
    at a location in network with some payer for it (an acceptance for it or every route)."""
    billed = PayerAcceptance.objects.filter(location=OuterRef("location")).filter(
        Q(route=OuterRef("route")) | Q(route__isnull=True)
    )
    return Q(route__fda_approved=True) & Q(Exists(billed))


def lowest_price(routes):
    """The lowest price per session of `routes`, or without, the lowest self-pay price of
    any route, for the location at OuterRef("pk"); None when there is none."""
    offerings = Offering.objects.filter(location=OuterRef("pk"), price_min_usd__isnull=False)
    if routes:
        offerings = offerings.filter(route__in=routes)
    else:
        offerings = offerings.exclude(insurance_billed_q())
    return Subquery(
        offerings.order_by().values("location").annotate(low=Min("price_min_usd")).values("low")
    )


def price_order_label(routes):
    """The sentence that says which price the order compares."""
    if routes:
        names = any_of(route.short_label for route in routes)
        return _("Sorted by the lowest %(routes)s price per session.") % {"routes": names}
    return _(
        "Sorted by the lowest self-pay price per session, any route (esketamine prices "
        "billed to insurance are not compared)."
    )
