"""The HSDS 3.0 API under /api/v1/hsds/ (schema/openapi.json of HSDS, issue 8).

Lists answer HSDS Page objects (`contents`, `total_items`, `total_pages`, `page_number`,
`size`, `first_page`, `last_page`, `empty`); details answer one fully nested object, 404 for
an unknown or unpublished id. Invalid parameters answer 400 with the directory's error shape
`{"errors": {"<parameter>": ["<message>"]}}`, like the search API. Each page costs a fixed
number of queries, whatever its size.
"""

import functools

from django.db.models import prefetch_related_objects
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from clinics.models import (
    Clinic,
    Offering,
    TreatmentRoute,
    clinic_prefetches,
    location_prefetches,
)
from clinics.opendata.common import PAST_THE_END, error_response
from clinics.opendata.hsds.documents import organization_json
from clinics.opendata.hsds.filters import filter_offerings
from clinics.opendata.hsds.ids import HSDS_VERSION
from clinics.opendata.hsds.organizations import organization_brief
from clinics.opendata.hsds.params import (
    FullServiceForm,
    OfferingListForm,
    OrganizationListForm,
    PageForm,
    TermListForm,
)
from clinics.opendata.hsds.queries import find_clinic_pk, find_offering_pk, find_service_key
from clinics.opendata.hsds.services import (
    service_at_location_brief,
    service_at_location_json,
    service_brief,
    service_json,
)
from clinics.opendata.hsds.taxonomy import Context, Taxonomy, taxonomy_json
from clinics.opendata.listings import (
    modified_since,
    published_clinics,
    published_offerings,
    services_of,
)
from clinics.opendata.pages import numbered_page


class InvalidQuery(Exception):
    def __init__(self, form):
        super().__init__("invalid query parameters")
        self.form = form


def read(form_class, request):
    """The cleaned parameters of the request; InvalidQuery (a 400) when one is wrong."""
    form = form_class(request)
    if not form.is_valid():
        raise InvalidQuery(form)
    return form.cleaned_data


def hsds_view(view):
    """GET only; an invalid parameter answers 400 with the message for each."""

    @require_GET
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except InvalidQuery as error:
            return error_response(error.form.error_lists(), 400)

    return wrapper


def not_found(name, noun):
    return error_response({name: [f"No published {noun} has this id."]}, 404)


def page_response(items, params, serialise):
    """An HSDS Page of `items` with each item on it serialised, or 404 past the end."""
    page = numbered_page(items, number=params["page"], size=params["per_page"])
    if page is None:
        return error_response({"page": [PAST_THE_END]}, 404)
    contents = serialise(page.object_list)
    paginator = page.paginator
    return JsonResponse(
        {
            "total_items": paginator.count,
            "total_pages": paginator.num_pages,
            "page_number": page.number,
            "size": len(contents),
            "first_page": page.number == 1,
            "last_page": page.number == paginator.num_pages,
            "empty": paginator.count == 0,
            "contents": contents,
        }
    )


def context(request):
    return Context(base_url=request.build_absolute_uri("/").rstrip("/"))


def clinics_by_pk(pks, *, full=True):
    clinics = (
        Clinic.objects.published()
        .filter(pk__in=pks)
        .prefetch_related(*clinic_prefetches(location_details=full))
    )
    return {clinic.pk: clinic for clinic in clinics}


# Services --------------------------------------------------------------------------------


@hsds_view
def service_list(request):
    params = read(OfferingListForm, request)
    full = params["full"]
    ctx = context(request)
    offerings = filter_offerings(published_offerings(), params, ctx, per_location=False)
    ordering = ("location__clinic__name", "location__clinic_id", "route__sort_order", "route__slug")
    keys = offerings.values(*ordering).order_by(*ordering).distinct()

    def serialise(rows):
        rows = list(rows)
        clinics = clinics_by_pk({row["location__clinic_id"] for row in rows}, full=full)
        routes = {route.slug: route for route in TreatmentRoute.objects.all()}
        contents = []
        for row in rows:
            clinic = clinics[row["location__clinic_id"]]
            if full:
                for route, sites in services_of(clinic):
                    if route.slug == row["route__slug"]:
                        contents.append(service_json(clinic, route, sites, ctx))
            else:
                contents.append(service_brief(clinic, routes[row["route__slug"]], ctx))
        return contents

    return page_response(keys, params, serialise)


@hsds_view
def service_detail(request, id):
    key = find_service_key(str(id))
    if key is None:
        return not_found("id", "service")
    clinic_pk, route_slug = key
    clinic = clinics_by_pk([clinic_pk])[clinic_pk]
    ctx = context(request)
    for route, sites in services_of(clinic):
        if route.slug == route_slug:
            return JsonResponse(service_json(clinic, route, sites, ctx))
    return not_found("id", "service")


# Services at locations -------------------------------------------------------------------


@hsds_view
def service_at_location_list(request):
    params = read(OfferingListForm, request)
    full = params["full"]
    ctx = context(request)
    offerings = filter_offerings(published_offerings(), params, ctx, per_location=True).order_by(
        "location__clinic__name", "location_id", "route__sort_order", "route__slug"
    )

    def serialise(page_rows):
        rows = list(page_rows.select_related("route", "location__clinic"))
        # One instance per location and per clinic, so each is prefetched once for the page.
        locations = {offering.location_id: offering.location for offering in rows}
        clinics = {location.clinic_id: location.clinic for location in locations.values()}
        for offering in rows:
            offering.location = locations[offering.location_id]
            offering.location.clinic = clinics[offering.location.clinic_id]
        prefetch_related_objects(list(clinics.values()), *clinic_prefetches(location_details=False))
        if full:
            prefetch_related_objects(list(locations.values()), *location_prefetches())
            return [service_at_location_json(o.location, o, ctx) for o in rows]
        return [service_at_location_brief(o.location, o, ctx) for o in rows]

    return page_response(offerings, params, serialise)


@hsds_view
def service_at_location_detail(request, id):
    pk = find_offering_pk(str(id))
    if pk is None:
        return not_found("id", "service at location")
    offering = Offering.objects.select_related("route", "location__clinic").get(pk=pk)
    prefetch_related_objects([offering.location], *location_prefetches())
    prefetch_related_objects([offering.location.clinic], *clinic_prefetches(location_details=False))
    return JsonResponse(service_at_location_json(offering.location, offering, context(request)))


# Organizations ---------------------------------------------------------------------------


@hsds_view
def organization_list(request):
    params = read(OrganizationListForm, request)
    clinics = modified_since(published_clinics(), params["modified_after"])
    for word in params["search"]:
        clinics = clinics.filter(name__icontains=word)
    ctx = context(request)

    def serialise(page_clinics):
        if params["full"]:
            return [
                organization_json(clinic, ctx, full_services=params["full_service"])
                for clinic in page_clinics.prefetch_related(*clinic_prefetches())
            ]
        return [organization_brief(clinic, ctx) for clinic in page_clinics]

    return page_response(clinics, params, serialise)


@hsds_view
def organization_detail(request, id):
    pk = find_clinic_pk(str(id))
    if pk is None:
        return not_found("id", "organization")
    params = read(FullServiceForm, request)
    clinic = clinics_by_pk([pk])[pk]
    return JsonResponse(
        organization_json(clinic, context(request), full_services=params["full_service"])
    )


# Taxonomies ------------------------------------------------------------------------------


@hsds_view
def taxonomy_list(request):
    params = read(PageForm, request)
    words = params["search"]
    taxonomies = [
        t for t in [taxonomy_json()] if all(w.lower() in t["name"].lower() for w in words)
    ]
    return page_response(taxonomies, params, list)


@hsds_view
def taxonomy_detail(request, id):
    taxonomy = taxonomy_json()
    if str(id) != taxonomy["id"]:
        return not_found("id", "taxonomy")
    return JsonResponse(taxonomy)


@hsds_view
def taxonomy_term_list(request):
    params = read(TermListForm, request)
    terms = Taxonomy.load().terms
    if (taxonomy_id := params["taxonomy_id"]) is not None:
        terms = [term for term in terms if term["taxonomy_id"] == taxonomy_id]
    if (parent_id := params["parent_id"]) is not None:
        terms = [term for term in terms if term.get("parent_id") == parent_id]
    if params["top_only"]:
        terms = [term for term in terms if "parent_id" not in term]
    for word in params["search"]:
        terms = [t for t in terms if word.lower() in (t["name"] + " " + t["code"]).lower()]
    return page_response(terms, params, list)


@hsds_view
def taxonomy_term_detail(request, id):
    taxonomy = Taxonomy.load()
    for term in taxonomy.terms:
        if term["id"] == str(id):
            return JsonResponse({**term, "taxonomy_detail": taxonomy_json()})
    return not_found("id", "taxonomy term")


@hsds_view
def api_root(request):
    """HSDS's `/`: which version this API speaks and where its description is."""
    return JsonResponse(
        {
            "version": HSDS_VERSION,
            "profile": "https://docs.openreferral.org/en/latest/hsds/overview.html",
            "openapi_url": request.build_absolute_uri(reverse("opendata:openapi")),
        }
    )
