"""What a listing says in words: a result card's insurance and psychotherapy (on /search/ and
the state and city pages), and a location's payers by route (clinic and comparison pages)."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinics.models import Clinic

# What each kind of psychotherapy (Clinic.PSYCHOTHERAPY_FIELDS) is called on a result.
PSYCHOTHERAPY_WORDS = {
    "offers_kap": gettext_lazy("ketamine-assisted psychotherapy in house"),
    "works_with_own_therapist": gettext_lazy("works with your own therapist"),
    "offers_integration": gettext_lazy("integration sessions"),
}


def describe_results(locations):
    """Give each result (a location read by LocationFilter.page()) the words its card shows."""
    for location in locations:
        location.insurance_summary = insurance_summary(location.summary)
        location.psychotherapy_summary = psychotherapy_summary(location.clinic)


def psychotherapy_summary(clinic):
    parts = [
        PSYCHOTHERAPY_WORDS[name] for name in Clinic.PSYCHOTHERAPY_FIELDS if getattr(clinic, name)
    ]
    if parts:
        return capfirst("; ".join(str(part) for part in parts))
    if clinic.offers_psychotherapy is None:
        return _("Not stated by the clinic")
    return _("Not offered")


def insurance_summary(summary):
    """Each offered route with the payers in network for it: "IV: Aetna, Cigna",
    "Esketamine: Aetna, Medicare"; empty when no route has any."""
    by_route = summary.insurance_by_route()
    if not any(payers for _route, payers in by_route):
        return []
    return [
        _("%(route)s: %(payers)s")
        % {
            "route": route.short_label,
            "payers": ", ".join(p.label for p in payers) if payers else _("none listed"),
        }
        for route, payers in by_route
    ]


def insurance_by_route(location):
    """[(route or None, [payer, ...]), ...]: None means "for every route offered here"."""
    groups = {}
    for acceptance in location.payer_acceptances.all():
        groups.setdefault(acceptance.route, []).append(acceptance.payer)
    return sorted(
        groups.items(), key=lambda item: (item[0] is not None, item[0] and item[0].sort_order)
    )
