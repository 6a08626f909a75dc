"""FHIR R4 search and read endpoints under /fhir/ (issue 8), content type application/fhir+json.

`GET /fhir/<Type>` answers a searchset Bundle; `_count` (1 to 100, default 20) and `_page`
page it, with Bundle.link `next` and `previous`; `_lastUpdated=gt2026-01-01` (prefixes gt,
ge; a date or a date-time) or HSDS's `modified_after` keep what changed since. `GET
/fhir/<Type>/<id>` reads one resource. Errors answer an OperationOutcome: 400 for a bad
parameter, 404 for an unknown or unpublished id. A page costs a fixed number of queries.
"""

import functools
import json
import re

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from clinics import fhir, hsds
from clinics.hsds_api import InvalidParameter, parse_modified_after
from clinics.models import Clinic, Clinician, Location, OpeningHours, TreatmentRoute

CONTENT_TYPE = "application/fhir+json"
DEFAULT_COUNT = 20
MAX_COUNT = 100


def fhir_response(body, status=200):
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def fhir_view(view):
    @require_GET
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except InvalidParameter as error:
            ((name, (message,)),) = error.errors.items()
            return fhir_response(fhir.operation_outcome(f"{name}: {message}"), status=400)

    return wrapper


def not_found(resource_type, resource_id):
    message = f"No published {resource_type} has the id {resource_id[:80]!r}."
    return fhir_response(fhir.operation_outcome(message, code="not-found"), status=404)


# Parameters ------------------------------------------------------------------------------

LAST_UPDATED = re.compile(r"^(gt|ge)?(.+)$")


def parse_positive(request, name, default, high):
    text = request.GET.get(name, "")
    if text == "":
        return default
    if not text.isdigit() or not 1 <= int(text) <= high:
        raise InvalidParameter(name, f"Use a whole number from 1 to {high}.")
    return int(text)


def modified_after(request):
    """`_lastUpdated=gt<date>` / `ge<date>`, or `modified_after=<date>`: the earliest change."""
    if text := request.GET.get("_lastUpdated", ""):
        prefix, value = LAST_UPDATED.match(text).groups()
        if prefix is None:
            raise InvalidParameter(
                "_lastUpdated", "Use gt or ge before the date, as in _lastUpdated=gt2026-01-31."
            )
        return parse_modified_after(value, "_lastUpdated")
    return parse_modified_after(request.GET.get("modified_after"))


class Search:
    """One page of a search: its parameters, and links to the neighbouring pages."""

    def __init__(self, request):
        self.request = request
        self.count = parse_positive(request, "_count", DEFAULT_COUNT, MAX_COUNT)
        self.page = parse_positive(request, "_page", 1, 1_000_000)
        self.after = modified_after(request)

    @property
    def start(self):
        return (self.page - 1) * self.count

    @property
    def stop(self):
        return self.start + self.count

    def url(self, page):
        query = self.request.GET.copy()
        query["_page"] = str(page)
        return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")

    def response(self, resources, total):
        last = max(1, -(-total // self.count))
        if self.page > last:
            return fhir_response(
                fhir.operation_outcome("There are no results on this page.", code="not-found"),
                status=404,
            )
        links = [{"relation": "self", "url": self.url(self.page)}]
        if self.page > 1:
            links.append({"relation": "previous", "url": self.url(self.page - 1)})
        if self.page < last:
            links.append({"relation": "next", "url": self.url(self.page + 1)})
        base = self.request.build_absolute_uri("/fhir/")
        entries = [
            (f"{base}{resource['resourceType']}/{resource['id']}", resource)
            for resource in resources
        ]
        return fhir_response(fhir.bundle(entries, total=total, links=links))


# Querysets -------------------------------------------------------------------------------


def published_locations():
    return Location.objects.published().select_related("clinic")


def clinics_with_services():
    """Published clinics with what services and roles need, one query per relation."""
    return hsds.published_clinics().prefetch_related(*hsds.clinic_prefetches())


def service_keys(after=None):
    clinics = hsds.modified_since(Clinic.objects.published(), after)
    ordering = ("location__clinic_id", "route__sort_order", "route__slug")
    return (
        hsds.published_offerings()
        .filter(location__clinic__in=clinics.values("pk"))
        .values(*ordering)
        .order_by(*ordering)
        .distinct()
    )


def clinicians(after=None):
    clinics = hsds.modified_since(Clinic.objects.published(), after)
    return Clinician.objects.filter(clinic__in=clinics.values("pk")).order_by("pk")


def attach_clinics(clinicians_page):
    """Give the clinicians of a page one prefetched instance of each clinic."""
    ids = {clinician.clinic_id for clinician in clinicians_page}
    clinics = {clinic.pk: clinic for clinic in clinics_with_services().filter(pk__in=ids)}
    for clinician in clinicians_page:
        clinician.clinic = clinics[clinician.clinic_id]


def services_for(keys):
    clinics = {
        clinic.pk: clinic
        for clinic in clinics_with_services().filter(
            pk__in={key["location__clinic_id"] for key in keys}
        )
    }
    resources = []
    for key in keys:
        clinic = clinics.get(key["location__clinic_id"])
        if clinic is None:  # a read of an unpublished clinic's service
            continue
        for route, sites in hsds.services_of(clinic):
            if route.slug == key["route__slug"]:
                resources.append(fhir.healthcare_service_resource(clinic, route, sites))
    return resources


# Searches --------------------------------------------------------------------------------


@fhir_view
def organization_search(request):
    search = Search(request)
    clinics = hsds.modified_since(Clinic.objects.published(), search.after).order_by("pk")
    total = clinics.count()
    page = clinics.prefetch_related(Prefetch("locations", Location.objects.order_by("id")))
    resources = [fhir.organization_resource(c) for c in page[search.start : search.stop]]
    return search.response(resources, total)


@fhir_view
def location_search(request):
    search = Search(request)
    locations = published_locations().order_by("pk")
    if search.after is not None:
        locations = locations.filter(
            Q(updated_at__gte=search.after) | Q(clinic__updated_at__gte=search.after)
        )
    total = locations.count()
    page = list(locations[search.start : search.stop])
    prefetch_related_objects(
        page, Prefetch("hours", OpeningHours.objects.order_by("weekday", "opens"))
    )
    return search.response([fhir.location_resource(loc) for loc in page], total)


@fhir_view
def healthcare_service_search(request):
    search = Search(request)
    keys = service_keys(search.after)
    total = keys.count()
    return search.response(services_for(list(keys[search.start : search.stop])), total)


@fhir_view
def practitioner_role_search(request):
    search = Search(request)
    roles = clinicians(search.after)
    total = roles.count()
    page = list(roles[search.start : search.stop])
    attach_clinics(page)
    return search.response([fhir.practitioner_role_resource(c) for c in page], total)


# Reads -----------------------------------------------------------------------------------

ID_PATTERNS = {
    "Organization": re.compile(r"^clinic-(\d{1,18})$"),
    "Location": re.compile(r"^location-(\d{1,18})$"),
    "HealthcareService": re.compile(r"^service-(\d{1,18})-([a-z0-9-]{1,60})$"),
    "PractitionerRole": re.compile(r"^clinician-(\d{1,18})$"),
}


@fhir_view
def read(request, resource_type, resource_id):
    match = ID_PATTERNS[resource_type].match(resource_id)
    if match is None:
        return not_found(resource_type, resource_id)
    pk = int(match.group(1))
    if resource_type == "Organization":
        clinic = (
            Clinic.objects.published()
            .prefetch_related(Prefetch("locations", Location.objects.order_by("id")))
            .filter(pk=pk)
            .first()
        )
        resource = clinic and fhir.organization_resource(clinic)
    elif resource_type == "Location":
        location = published_locations().prefetch_related("hours").filter(pk=pk).first()
        resource = location and fhir.location_resource(location)
    elif resource_type == "HealthcareService":
        route = TreatmentRoute.objects.filter(slug=match.group(2)).first()
        keys = [{"location__clinic_id": pk, "route__slug": route.slug}] if route else []
        resource = next(iter(services_for(keys)), None) if route else None
    else:
        clinician = Clinician.objects.filter(pk=pk, clinic__status="published").first()
        if clinician:
            attach_clinics([clinician])
        resource = clinician and fhir.practitioner_role_resource(clinician)
    if not resource:
        return not_found(resource_type, resource_id)
    return fhir_response(resource)


def search_view(resource_type):
    return {
        "Organization": organization_search,
        "Location": location_search,
        "HealthcareService": healthcare_service_search,
        "PractitionerRole": practitioner_role_search,
    }[resource_type]


# The whole directory as one Bundle -------------------------------------------------------


def iter_resources(*, chunk_size=200):
    """Every published resource: organizations, locations, services, practitioner roles."""
    for clinic in clinics_with_services().order_by("pk").iterator(chunk_size=chunk_size):
        yield fhir.organization_resource(clinic)
        for location in clinic.locations.all():
            yield fhir.location_resource(location)
        for route, sites in hsds.services_of(clinic):
            yield fhir.healthcare_service_resource(clinic, route, sites)
        for clinician in clinic.clinicians.all():
            clinician.clinic = clinic
            yield fhir.practitioner_role_resource(clinician)


def write_bundle(output, *, base_url=""):
    """Write every published resource as one FHIR `collection` Bundle; returns the count."""
    base = f"{base_url.rstrip('/')}/fhir/" if base_url else None
    output.write('{"resourceType": "Bundle", "type": "collection", "entry": [')
    count = 0
    for resource in iter_resources():
        path = f"{resource['resourceType']}/{resource['id']}"
        # Without a site address, a stable urn:uuid names each resource.
        full_url = f"{base}{path}" if base else f"urn:uuid:{hsds.hsds_id('fhir', path)}"
        entry = {"fullUrl": full_url, "resource": resource}
        output.write(",\n " if count else "\n ")
        output.write(json.dumps(entry))
        count += 1
    output.write("\n]}\n")
    return count
