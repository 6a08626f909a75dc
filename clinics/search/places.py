"""The places patients browse by (issue 19.1): states and cities with their providers.

A state's providers are its published locations (in person) and the telehealth and at-home
programmes of clinics elsewhere that serve it (Clinic.telehealth_states). Its cities are the
cities of those locations, one per spelling-free slug ("St. Louis" and "Saint Louis" are
/saint-louis/); a city's page searches around the city's centre (the offline gazetteer's, or
the mean of its locations when the gazetteer does not know it).
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Avg, Count, Min, Q
from django.urls import reverse
from django.utils.text import slugify

from clinics import gazetteer
from clinics.models import Clinic, Location, Payer, TreatmentRoute
from clinics.validators import US_STATES

CITY_RADIUS_MILES = 25
COMMON_INSURANCE_SHOWN = 3
# Telehealth consultations or an at-home programme: how a clinic serves a state remotely.
REMOTE_Q = Q(offers_telehealth=True) | Q(offers_at_home=True)


def state_url(code):
    return reverse("clinics:providers-state", args=[code.lower()])


def city_slug(name):
    return slugify(gazetteer.normalise_city(name))


def state_from_url(text):
    """The USPS code for a state's URL part ("tx" -> "TX"), or None for an unknown one."""
    code = text.upper()
    return code if len(code) == 2 and code in US_STATES else None


@dataclass(frozen=True)
class BrowseState:
    code: str
    in_person: int
    remote: int

    @property
    def name(self):
        return US_STATES[self.code]

    @property
    def url(self):
        return state_url(self.code)

    @property
    def total(self):
        return self.in_person + self.remote


@dataclass(frozen=True)
class BrowseCity:
    name: str
    slug: str
    state: str
    count: int
    latitude: float | None
    longitude: float | None

    @property
    def state_name(self):
        return US_STATES[self.state]

    @property
    def label(self):
        return f"{self.name}, {self.state_name}"

    @property
    def url(self):
        return reverse("clinics:providers-city", args=[self.state.lower(), self.slug])


def remote_states(telehealth_states):
    """The USPS codes of a clinic's telehealth_states, skipping anything that is not one."""
    codes = (
        code.strip(" ,;").upper() for code in (telehealth_states or "").replace(",", " ").split()
    )
    return [code for code in dict.fromkeys(codes) if code in US_STATES]


def serving_clinics(code):
    """Published clinics whose telehealth or at-home programme serves the state `code`
    (the rule of the `serves` search: ClinicQuerySet.serving)."""
    return Clinic.objects.serving(code)


def states_with_counts():
    """Every state, with its in-person locations and the programmes of clinics based
    elsewhere that serve it remotely: three queries, whatever the size of the directory."""
    in_person = dict(
        Location.objects.published()
        .order_by()
        .values_list("state")
        .annotate(count=Count("id"))
        .values_list("state", "count")
    )
    remote_clinics = Clinic.objects.published().filter(REMOTE_Q).exclude(telehealth_states="")
    located = {}
    for clinic_id, state in (
        Location.objects.published()
        .filter(clinic__in=remote_clinics)
        .order_by()
        .values_list("clinic_id", "state")
        .distinct()
    ):
        located.setdefault(clinic_id, set()).add(state)
    remote = Counter()
    for clinic_id, clinic_states in remote_clinics.values_list("id", "telehealth_states"):
        remote.update(set(remote_states(clinic_states)) - located.get(clinic_id, set()))
    return sorted(
        (BrowseState(code, in_person.get(code, 0), remote[code]) for code in US_STATES),
        key=lambda state: state.name,
    )


def remote_locations(code):
    """One location (the first) per clinic based elsewhere whose remote programme serves
    the state: the telehealth and at-home part of a state's page."""
    clinics = [
        clinic_id
        for clinic_id, states in serving_clinics(code)
        .exclude(locations__state=code)
        .values_list("id", "telehealth_states")
        if code in remote_states(states)
    ]
    firsts = (
        Location.objects.published()
        .filter(clinic__in=clinics)
        .order_by()
        .values("clinic")
        .annotate(first=Min("id"))
        .values("first")
    )
    return Location.objects.published().filter(id__in=firsts)


def cities(code=None):
    """The cities with published locations (of one state, or of all), by slug: one query."""
    locations = Location.objects.published()
    if code:
        locations = locations.filter(state=code)
    rows = (
        locations.order_by()
        .values_list("state", "city")
        .annotate(count=Count("id"), lat=Avg("latitude"), lng=Avg("longitude"))
    )
    grouped = {}
    for state, name, count, lat, lng in rows:
        slug = city_slug(name)
        if not slug:
            continue
        grouped.setdefault((state, slug), []).append((count, name, lat, lng))
    found = []
    for (state, slug), spellings in grouped.items():
        count = sum(row[0] for row in spellings)
        _most, name, lat, lng = max(spellings, key=lambda row: row[0])
        known = gazetteer.city(name, state)
        if known:
            name, lat, lng = known.name, known.latitude, known.longitude
        found.append(BrowseCity(name, slug, state, count, lat, lng))
    return sorted(found, key=lambda city: (city.state, city.name))


def city(code, slug):
    """The BrowseCity of a state's URL slug, or None when no published location is there."""
    return next((found for found in cities(code) if found.slug == slug), None)


@dataclass(frozen=True)
class Introduction:
    """The facts a browse page's introduction states: counts, routes and common insurance."""

    locations: int
    clinics: int
    routes: list  # [(route, locations offering it)], most offered first
    insurance: list  # [(payer, locations in network)], most common first


def introduction(locations):
    """What the `locations` (a queryset of published locations) offer: three queries."""
    ids = locations.values("id")
    totals = Location.objects.filter(id__in=ids).aggregate(
        locations=Count("id"), clinics=Count("clinic", distinct=True)
    )
    routes = (
        TreatmentRoute.objects.annotate(
            offered=Count(
                "offerings__location", filter=Q(offerings__location__in=ids), distinct=True
            )
        )
        .filter(offered__gt=0)
        .order_by("-offered", "sort_order")
    )
    payers = (
        Payer.objects.annotate(
            accepted=Count(
                "acceptances__location", filter=Q(acceptances__location__in=ids), distinct=True
            )
        )
        .filter(accepted__gt=0)
        .order_by("-accepted", "name")[:COMMON_INSURANCE_SHOWN]
    )
    return Introduction(
        locations=totals["locations"],
        clinics=totals["clinics"],
        routes=[(route, route.offered) for route in routes],
        insurance=[(payer, payer.accepted) for payer in payers],
    )
