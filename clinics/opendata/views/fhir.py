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

from clinics.models import Clinic, Clinician, OpeningHours, TreatmentRoute, locations_prefetch
from clinics.opendata.common import page_of
from clinics.opendata.fhir import resources
from clinics.opendata.fhir.params import SearchForm
from clinics.opendata.fhir.queries import (
    attach_clinics,
    clinicians,
    published_locations,
    service_keys,
    services_for,
)
from clinics.opendata.listings import modified_since

CONTENT_TYPE = "application/fhir+json"


def fhir_response(body, status=200):
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def not_found(resource_type, resource_id):
    message = f"No published {resource_type} has the id {resource_id[:80]!r}."
    return fhir_response(resources.operation_outcome(message, code="not-found"), status=404)


def fhir_search(find):
    """A search view: `find(after)` gives the matches, `to_resources(page rows)` their
    resources; a bad parameter answers a 400 OperationOutcome."""

    def decorate(to_resources):
        @require_GET
        @functools.wraps(to_resources)
        def view(request):
            form = SearchForm(request)
            if not form.is_valid():
                name, message = form.first_error()
                outcome = resources.operation_outcome(f"{name}: {message}")
                return fhir_response(outcome, status=400)
            params = form.cleaned_data
            page = page_of(find(params["after"]), number=params["_page"], size=params["_count"])
            if page is None:
                outcome = resources.operation_outcome(
                    "There are no results on this page.", code="not-found"
                )
                return fhir_response(outcome, status=404)
            return fhir_response(bundle(request, page, to_resources(page.object_list)))

        return view

    return decorate


def page_url(request, number):
    query = request.GET.copy()
    query["_page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def bundle(request, page, found):
    """A searchset Bundle of one page of resources, linking its neighbours."""
    links = [{"relation": "self", "url": page_url(request, page.number)}]
    if page.has_previous():
        links.append({"relation": "previous", "url": page_url(request, page.number - 1)})
    if page.has_next():
        links.append({"relation": "next", "url": page_url(request, page.number + 1)})
    base = request.build_absolute_uri("/fhir/")
    entries = [
        (f"{base}{resource['resourceType']}/{resource['id']}", resource) for resource in found
    ]
    return resources.bundle(entries, total=page.paginator.count, links=links)


# Searches --------------------------------------------------------------------------------


def organizations_since(after):
    return (
        modified_since(Clinic.objects.published(), after)
        .order_by("pk")
        .prefetch_related(locations_prefetch(details=False), "verifications")
    )


@fhir_search(organizations_since)
def organization_search(clinics):
    return [resources.organization_resource(clinic) for clinic in clinics]


def locations_since(after):
    locations = published_locations().order_by("pk")
    if after is not None:
        locations = locations.filter(Q(updated_at__gte=after) | Q(clinic__updated_at__gte=after))
    return locations


@fhir_search(locations_since)
def location_search(locations):
    page = list(locations)
    prefetch_related_objects(
        page, Prefetch("hours", OpeningHours.objects.order_by("weekday", "opens"))
    )
    return [resources.location_resource(location) for location in page]


@fhir_search(service_keys)
def healthcare_service_search(keys):
    return services_for(list(keys))


@fhir_search(clinicians)
def practitioner_role_search(roles):
    page = list(roles)
    attach_clinics(page)
    return [resources.practitioner_role_resource(clinician) for clinician in page]


# Reads -----------------------------------------------------------------------------------

# Matched whole (fullmatch: a trailing newline is not an id) and ASCII digits only: `\d`
# would take other scripts' digits, which int() reads (issue 12.10).
ID_PATTERNS = {
    "Organization": re.compile(r"clinic-([0-9]{1,18})"),
    "Location": re.compile(r"location-([0-9]{1,18})"),
    "HealthcareService": re.compile(r"service-([0-9]{1,18})-([a-z0-9-]{1,60})"),
    "PractitionerRole": re.compile(r"clinician-([0-9]{1,18})"),
}


@require_GET
def read(request, resource_type, resource_id):
    match = ID_PATTERNS[resource_type].fullmatch(resource_id)
    if match is None:
        return not_found(resource_type, resource_id)
    pk = int(match.group(1))
    if resource_type == "Organization":
        clinic = (
            Clinic.objects.published()
            .prefetch_related(locations_prefetch(details=False), "verifications")
            .filter(pk=pk)
            .first()
        )
        resource = clinic and resources.organization_resource(clinic)
    elif resource_type == "Location":
        location = published_locations().prefetch_related("hours").filter(pk=pk).first()
        resource = location and resources.location_resource(location)
    elif resource_type == "HealthcareService":
        route = TreatmentRoute.objects.filter(slug=match.group(2)).first()
        keys = [{"location__clinic_id": pk, "route__slug": route.slug}] if route else []
        resource = next(iter(services_for(keys)), None) if route else None
    else:
        clinician = Clinician.objects.published().filter(pk=pk).first()
        if clinician:
            attach_clinics([clinician])
        resource = clinician and resources.practitioner_role_resource(clinician)
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
