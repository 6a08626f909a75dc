"""The HSDS 3.0 API under /api/v1/hsds/ (schema/openapi.json of HSDS, issue 8).

Lists answer HSDS Page objects (`contents`, `total_items`, `total_pages`, `page_number`,
`size`, `first_page`, `last_page`, `empty`); details answer one fully nested object, 404 for
an unknown or unpublished id. Invalid parameters answer 400 with the directory's error shape
`{"errors": {"<parameter>": ["<message>"]}}`, like the search API. Each page costs a fixed
number of queries, whatever its size.
"""

import datetime
import functools
import math
import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET

from clinics import hsds
from clinics.models import Clinic, Location, Offering, PayerAcceptance, TreatmentRoute

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


class InvalidParameter(Exception):
    def __init__(self, name, message):
        super().__init__(message)
        self.errors = {name: [message]}


def error_response(errors, status):
    return JsonResponse({"errors": errors}, status=status)


def not_found(name, noun):
    return error_response({name: [f"No published {noun} has this id."]}, 404)


# Parameters ------------------------------------------------------------------------------


def parse_int(request, name, default, low, high):
    text = request.GET.get(name, "")
    if text == "":
        return default
    message = f"The {name.replace('_', ' ')} must be a whole number from {low} to {high}."
    try:
        value = int(text)
    except ValueError:
        raise InvalidParameter(name, message) from None
    if not low <= value <= high:
        raise InvalidParameter(name, message)
    return value


def parse_modified_after(text, name="modified_after"):
    """An ISO 8601 date-time (or date, meaning its midnight) as an aware datetime."""
    if not text:
        return None
    message = (
        "Give an ISO 8601 date-time such as 2026-01-31T09:00:00Z, or a date such as 2026-01-31."
    )
    try:
        value = parse_datetime(text)
        if value is None:
            day = parse_date(text)
            if day is None:
                raise ValueError(text)
            value = datetime.datetime(day.year, day.month, day.day)
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        # In UTC: PostgreSQL refuses offsets beyond 15:59 that Python accepts.
        return value.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise InvalidParameter(name, message) from None


def parse_uuid(request, name):
    text = request.GET.get(name, "")
    if not text:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise InvalidParameter(name, f"The {name} must be a UUID.") from None


def parse_bool(request, name):
    text = request.GET.get(name, "").lower()
    if text in ("", "false", "0"):
        return False
    if text in ("true", "1"):
        return True
    raise InvalidParameter(name, f'Use "true" or "false" for {name}.')


def parse_search(request):
    text = request.GET.get("search", "")
    if "\x00" in text or len(text) > 200:
        raise InvalidParameter("search", "Enter at most 200 characters to search for.")
    return text.split()


@dataclass
class Paging:
    number: int
    size: int

    @classmethod
    def from_request(cls, request):
        return cls(
            number=parse_int(request, "page", 1, 1, 1_000_000),
            size=parse_int(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        )

    @property
    def start(self):
        return (self.number - 1) * self.size

    @property
    def stop(self):
        return self.start + self.size


def page_response(contents, total, paging):
    """An HSDS Page, or 404 when the page lies past the end of the results."""
    total_pages = max(1, math.ceil(total / paging.size))
    if paging.number > total_pages:
        return error_response(
            {"page": ["There are no results on this page; the results end earlier."]}, 404
        )
    return JsonResponse(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": paging.number,
            "size": len(contents),
            "first_page": paging.number == 1,
            "last_page": paging.number == total_pages,
            "empty": total == 0,
            "contents": contents,
        }
    )


def hsds_view(view):
    """GET only; an InvalidParameter raised while reading the request answers 400."""

    @require_GET
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except InvalidParameter as error:
            return error_response(error.errors, 400)

    return wrapper


def context(request):
    return hsds.Context(base_url=request.build_absolute_uri("/").rstrip("/"))


# Filters shared by services and services at locations -------------------------------------


def filter_offerings(request, offerings, ctx, *, per_location):
    """Offerings of published clinics narrowed by the HSDS list parameters.

    `modified_after` keeps a service when its clinic or any of the clinic's locations
    changed (its `last_modified`), a service at a location when the clinic or that location
    changed (`per_location`).
    """
    after = parse_modified_after(request.GET.get("modified_after"))
    clinics = Clinic.objects.published()
    if after is not None and per_location:
        offerings = offerings.filter(
            Q(location__clinic__updated_at__gte=after) | Q(location__updated_at__gte=after)
        )
    elif after is not None:
        clinics = hsds.modified_since(clinics, after)
    if organization_id := parse_uuid(request, "organization_id"):
        pk = hsds.find_clinic_pk(organization_id)
        clinics = clinics.filter(pk=pk) if pk else clinics.none()
    offerings = offerings.filter(location__clinic__in=clinics.values("pk"))
    if (taxonomy_id := parse_uuid(request, "taxonomy_id")) and taxonomy_id != hsds.taxonomy_json()[
        "id"
    ]:
        offerings = offerings.none()
    if term_id := parse_uuid(request, "taxonomy_term_id"):
        offerings = filter_by_term(offerings, term_id, ctx)
    for word in parse_search(request):
        offerings = offerings.filter(
            Q(location__clinic__name__icontains=word)
            | Q(location__name__icontains=word)
            | Q(route__name__icontains=word)
        )
    return offerings


def filter_by_term(offerings, term_id, ctx):
    """Offerings whose service (at that location) carries this taxonomy term."""
    for key, term in ctx.taxonomy.by_key.items():
        if term["id"] == term_id:
            group, slug = key
            break
    else:
        group_terms = {hsds.term_id(group): group for group in hsds.TERM_GROUPS}
        if term_id in group_terms:
            return filter_by_group(offerings, group_terms[term_id])
        return offerings.none()
    if group == "route":
        return offerings.filter(route__slug=slug)
    if group == "condition":
        return offerings.filter(
            Exists(
                Location.conditions.through.objects.filter(
                    location=OuterRef("location"), condition__slug=slug
                )
            )
        )
    if group == "payment-option":
        return offerings.filter(
            Exists(
                Location.payment_options.through.objects.filter(
                    location=OuterRef("location"), paymentoption__slug=slug
                )
            )
        )
    return offerings.filter(
        Exists(
            PayerAcceptance.objects.filter(location=OuterRef("location"), payer__slug=slug).filter(
                Q(route__isnull=True) | Q(route=OuterRef("route"))
            )
        )
    )


def filter_by_group(offerings, group):
    if group == "route":
        return offerings
    if group == "condition":
        return offerings.filter(
            Exists(Location.conditions.through.objects.filter(location=OuterRef("location")))
        )
    if group == "payment-option":
        return offerings.filter(
            Exists(Location.payment_options.through.objects.filter(location=OuterRef("location")))
        )
    return offerings.filter(
        Exists(
            PayerAcceptance.objects.filter(location=OuterRef("location")).filter(
                Q(route__isnull=True) | Q(route=OuterRef("route"))
            )
        )
    )


# Services --------------------------------------------------------------------------------


def clinics_by_pk(pks, *, full=True):
    prefetches = (
        hsds.clinic_prefetches()
        if full
        else (
            Prefetch("locations", queryset=Location.objects.order_by("id")),
            "clinicians",
            "memberships",
        )
    )
    clinics = Clinic.objects.published().filter(pk__in=pks).prefetch_related(*prefetches)
    return {clinic.pk: clinic for clinic in clinics}


@hsds_view
def service_list(request):
    paging = Paging.from_request(request)
    full = parse_bool(request, "full")
    ctx = context(request)
    offerings = filter_offerings(request, hsds.published_offerings(), ctx, per_location=False)
    ordering = ("location__clinic__name", "location__clinic_id", "route__sort_order", "route__slug")
    keys = offerings.values(*ordering).order_by(*ordering).distinct()
    total = keys.count()
    rows = list(keys[paging.start : paging.stop])
    clinics = clinics_by_pk({row["location__clinic_id"] for row in rows}, full=full)
    routes = {route.slug: route for route in TreatmentRoute.objects.all()}
    contents = []
    for row in rows:
        clinic = clinics[row["location__clinic_id"]]
        if full:
            for route, sites in hsds.services_of(clinic):
                if route.slug == row["route__slug"]:
                    contents.append(hsds.service_json(clinic, route, sites, ctx))
        else:
            route = routes[row["route__slug"]]
            contents.append(hsds.service_brief(clinic, route, ctx))
    return page_response(contents, total, paging)


@hsds_view
def service_detail(request, id):
    key = hsds.find_service_key(str(id))
    if key is None:
        return not_found("id", "service")
    clinic_pk, route_slug = key
    clinic = clinics_by_pk([clinic_pk])[clinic_pk]
    ctx = context(request)
    for route, sites in hsds.services_of(clinic):
        if route.slug == route_slug:
            return JsonResponse(hsds.service_json(clinic, route, sites, ctx))
    return not_found("id", "service")


# Services at locations -------------------------------------------------------------------


@hsds_view
def service_at_location_list(request):
    paging = Paging.from_request(request)
    full = parse_bool(request, "full")
    ctx = context(request)
    offerings = filter_offerings(
        request, hsds.published_offerings(), ctx, per_location=True
    ).order_by("location__clinic__name", "location_id", "route__sort_order", "route__slug")
    total = offerings.count()
    rows = list(offerings.select_related("route", "location__clinic")[paging.start : paging.stop])
    # One instance per location and per clinic, so each is prefetched once for the page.
    locations = {offering.location_id: offering.location for offering in rows}
    clinics = {location.clinic_id: location.clinic for location in locations.values()}
    for offering in rows:
        offering.location = locations[offering.location_id]
        offering.location.clinic = clinics[offering.location.clinic_id]
    prefetch_related_objects(
        list(clinics.values()),
        Prefetch("locations", queryset=Location.objects.order_by("id")),
        "clinicians",
        "memberships",
    )
    if full:
        prefetch_related_objects(list(locations.values()), *hsds.LOCATION_PREFETCHES)
    contents = [
        hsds.service_at_location_json(offering.location, offering, ctx)
        if full
        else hsds.service_at_location_brief(offering.location, offering, ctx)
        for offering in rows
    ]
    return page_response(contents, total, paging)


@hsds_view
def service_at_location_detail(request, id):
    pk = hsds.find_offering_pk(str(id))
    if pk is None:
        return not_found("id", "service at location")
    offering = Offering.objects.select_related("route", "location__clinic").get(pk=pk)
    prefetch_related_objects([offering.location], *hsds.LOCATION_PREFETCHES)
    prefetch_related_objects(
        [offering.location.clinic],
        Prefetch("locations", queryset=Location.objects.order_by("id")),
        "clinicians",
        "memberships",
    )
    return JsonResponse(
        hsds.service_at_location_json(offering.location, offering, context(request))
    )


# Organizations ---------------------------------------------------------------------------


@hsds_view
def organization_list(request):
    paging = Paging.from_request(request)
    full = parse_bool(request, "full")
    full_service = parse_bool(request, "full_service")
    after = parse_modified_after(request.GET.get("modified_after"))
    clinics = hsds.modified_since(hsds.published_clinics(), after)
    for word in parse_search(request):
        clinics = clinics.filter(name__icontains=word)
    total = clinics.count()
    page = clinics[paging.start : paging.stop]
    ctx = context(request)
    if full:
        page = page.prefetch_related(*hsds.clinic_prefetches())
        contents = [
            hsds.organization_json(clinic, ctx, full_services=full_service) for clinic in page
        ]
    else:
        contents = [hsds.organization_brief(clinic, ctx) for clinic in page]
    return page_response(contents, total, paging)


@hsds_view
def organization_detail(request, id):
    pk = hsds.find_clinic_pk(str(id))
    if pk is None:
        return not_found("id", "organization")
    full_service = parse_bool(request, "full_service")
    clinic = clinics_by_pk([pk])[pk]
    return JsonResponse(
        hsds.organization_json(clinic, context(request), full_services=full_service)
    )


# Taxonomies ------------------------------------------------------------------------------


@hsds_view
def taxonomy_list(request):
    paging = Paging.from_request(request)
    taxonomies = [hsds.taxonomy_json()]
    words = parse_search(request)
    taxonomies = [t for t in taxonomies if all(w.lower() in t["name"].lower() for w in words)]
    return page_response(taxonomies[paging.start : paging.stop], len(taxonomies), paging)


@hsds_view
def taxonomy_detail(request, id):
    taxonomy = hsds.taxonomy_json()
    if str(id) != taxonomy["id"]:
        return not_found("id", "taxonomy")
    return JsonResponse(taxonomy)


@hsds_view
def taxonomy_term_list(request):
    paging = Paging.from_request(request)
    terms = hsds.Taxonomy.load().terms
    if (taxonomy_id := parse_uuid(request, "taxonomy_id")) is not None:
        terms = [term for term in terms if term["taxonomy_id"] == taxonomy_id]
    if (parent_id := parse_uuid(request, "parent_id")) is not None:
        terms = [term for term in terms if term.get("parent_id") == parent_id]
    if parse_bool(request, "top_only"):
        terms = [term for term in terms if "parent_id" not in term]
    for word in parse_search(request):
        terms = [t for t in terms if word.lower() in (t["name"] + " " + t["code"]).lower()]
    return page_response(terms[paging.start : paging.stop], len(terms), paging)


@hsds_view
def taxonomy_term_detail(request, id):
    taxonomy = hsds.Taxonomy.load()
    for term in taxonomy.terms:
        if term["id"] == str(id):
            return JsonResponse({**term, "taxonomy_detail": hsds.taxonomy_json()})
    return not_found("id", "taxonomy term")


@hsds_view
def api_root(request):
    """HSDS's `/`: which version this API speaks and where its description is."""
    return JsonResponse(
        {
            "version": hsds.HSDS_VERSION,
            "profile": "https://docs.openreferral.org/en/latest/hsds/overview.html",
            "openapi_url": request.build_absolute_uri(reverse("opendata:openapi")),
        }
    )
