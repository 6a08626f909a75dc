"""What each search filter means, as a condition on a location: one definition each, read by
the filters (filters.py), the facet counts (facets.py) and the price order.

Routes and payers are bits tested on the location row (Location.route_mask, payer_mask);
every other condition is a subquery on the location's id, so no condition multiplies rows.
"""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import GreaterThan

from clinics.models import Location, Offering, PayerAcceptance, covering_q, psychotherapy_q


def any_bit_q(mask_field, options):
    """Rows whose mask has the bit of any of `options` (routes or payers; models.MaskBit).

    A test on the location row itself instead of a probe of the offerings or acceptances of
    every location in the box: docs/geo-search.md, section 7.
    """
    wanted = sum(1 << option.bit for option in options)
    return Q(GreaterThan(F(mask_field).bitand(wanted), 0))


def route_q(routes):
    """Offers any of `routes`."""
    return any_bit_q("route_mask", routes)


def insurance_q(payers, routes=()):
    """In network with any of `payers`: for one of `routes` when there are some (covering_q,
    issue 14.1), for any route otherwise. The mask says the payer is taken here for some
    route; the EXISTS then checks the route."""
    condition = any_bit_q("payer_mask", payers)
    if routes:
        covering = PayerAcceptance.objects.filter(
            covering_q(routes), location=OuterRef("pk"), payer__in=payers
        )
        condition &= Q(Exists(covering))
    return condition


def max_price_q(value, routes=()):
    """The lowest price of the chosen routes (any route without) is at most `value`: one of
    those offerings starts at or below it; offerings without a price never match."""
    offerings = Offering.objects.filter(location=OuterRef("pk"), price_min_usd__lte=value)
    if routes:
        offerings = offerings.filter(route__in=routes)
    return Q(Exists(offerings))


def _linked_q(through, column, options):
    return Q(id__in=through.objects.filter(**{f"{column}__in": options}).values("location"))


def condition_q(conditions):
    return _linked_q(Location.conditions.through, "condition", conditions)


def payment_q(options):
    return _linked_q(Location.payment_options.through, "paymentoption", options)


def language_q(languages):
    return _linked_q(Location.languages.through, "language", languages)


# The repeatable parameters (OR within one): a choice's condition, given the search's other
# cleaned values (insurance reads the routes).
GROUP_RULES = {
    "route": lambda routes, values: route_q(routes),
    "condition": lambda conditions, values: condition_q(conditions),
    "insurance": lambda payers, values: insurance_q(payers, values.get("route")),
    "payment": lambda options, values: payment_q(options),
    "language": lambda languages, values: language_q(languages),
}

# Which conditions make each yes/no flag. Psychotherapy is the rule of
# Clinic.offers_psychotherapy (clinics/models/clinic.py).
FLAG_CONDITIONS = {
    "psychotherapy": psychotherapy_q("clinic__"),
    "telehealth": Q(clinic__offers_telehealth=True) | Q(clinic__offers_at_home=True),
    "accepting": Q(clinic__accepting_new_patients=True),
}
