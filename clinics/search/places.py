"""The places patients browse by (issue 19.1): states and cities with their providers.

A state's providers are its published locations (in person: the `state` search) and the
telehealth and at-home programmes of clinics elsewhere that serve it (the `serves` search,
ClinicQuerySet.serving). Its cities are the
cities of those locations, one per spelling-free slug ("St. Louis" and "Saint Louis" are
/saint-louis/); a city's page searches around the city's centre (the offline gazetteer's, or
the mean of its locations when the gazetteer does not know it).
"""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils.text import slugify

from clinics import caching, gazetteer
from clinics.models import Clinic, Location, Payer, TreatmentRoute
from clinics.validators import US_STATES, state_label

CITY_RADIUS_MILES = 25
COMMON_INSURANCE_SHOWN = 3


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
        return state_label(self.code)

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
        return state_label(self.state)

    @property
    def label(self):
        return f"{self.name}, {self.state_name}"

    @property
    def url(self):
        return reverse("clinics:providers-city", args=[self.state.lower(), self.slug])


def based_elsewhere(code):
    """Published locations of clinics with no published location in the state `code`: where
    a state page looks for the remote programmes (the `serves` search) it lists after the
    clinics in the state."""
    in_state = Location.objects.published().filter(state=code).values("clinic")
    return Location.objects.published().exclude(clinic__in=in_state)


def states_with_counts():
    """Every state, with its in-person locations and the remote programmes (the rule of the
    `serves` search, ClinicQuerySet.serving) of clinics based elsewhere: two queries."""
    in_person = dict(
        Location.objects.published()
        .order_by()
        .values_list("state")
        .annotate(count=Count("id"))
        .values_list("state", "count")
    )
    remote = Clinic.objects.aggregate(
        **{
            code: Count(
                "id",
                filter=Q(id__in=Clinic.objects.serving(code).values("id"))
                & ~Q(id__in=Location.objects.published().filter(state=code).values("clinic")),
            )
            for code in US_STATES
        }
    )
    return sorted(
        (BrowseState(code, in_person.get(code, 0), remote[code]) for code in US_STATES),
        key=lambda state: state.name,
    )


def cities(code=None):
    """The cities with published locations (of one state, or of all), by slug: one query
    per listings version (issue 16.4)."""
    return caching.per_listings_version(f"browse-cities:{code}", lambda: count_cities(code))


def count_cities(code):
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
    """What the `locations` (a queryset of published locations) offer: three queries once
    per listings version and place (issue 16.4: 280 ms for Texas at 100k)."""
    digest = caching.query_digest(locations.order_by().values("id"))
    return caching.per_listings_version(
        f"browse-introduction:{digest}", lambda: count_introduction(locations)
    )


def count_introduction(locations):
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
