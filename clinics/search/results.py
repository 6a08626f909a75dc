"""What a result card says in words: its insurance and psychotherapy, for every results page
(/search/ and the state and city pages)."""

from django.utils.text import capfirst

from clinics.models import Clinic

# What each kind of psychotherapy (Clinic.PSYCHOTHERAPY_FIELDS) is called on a result.
PSYCHOTHERAPY_WORDS = {
    "offers_kap": "ketamine-assisted psychotherapy in house",
    "works_with_own_therapist": "works with your own therapist",
    "offers_integration": "integration sessions",
}


def describe_results(locations):
    """Give each result (a location read by LocationFilter.page()) the words its card shows."""
    for location in locations:
        location.insurance_summary = insurance_summary(location.summary.payer_acceptances)
        location.psychotherapy_summary = psychotherapy_summary(location.clinic)


def psychotherapy_summary(clinic):
    parts = [
        PSYCHOTHERAPY_WORDS[name] for name in Clinic.PSYCHOTHERAPY_FIELDS if getattr(clinic, name)
    ]
    if parts:
        return capfirst("; ".join(parts))
    return "Not stated by the clinic" if clinic.offers_psychotherapy is None else "Not offered"


def insurance_summary(acceptances):
    """Payer names, with the routes they cover when they don't cover every route."""
    routes_by_payer = {}
    for acceptance in acceptances:
        routes_by_payer.setdefault(acceptance.payer.name, []).append(acceptance.route)
    return [
        name if None in routes else f"{name} ({', '.join(route.name for route in routes)})"
        for name, routes in routes_by_payer.items()
    ]
