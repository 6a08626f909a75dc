"""FHIR R4 search and read endpoints under /fhir/ (issue 8), content type application/fhir+json.

`GET /fhir/<Type>` answers a searchset Bundle; `_count` (1 to 100, default 20) and `_page`
page it, with Bundle.link `next` and `previous`; `_lastUpdated=gt2026-01-01` (prefixes gt,
ge; a date or a date-time) or HSDS's `modified_after` keep what changed since. `GET
/fhir/<Type>/<id>` reads one resource; the search parameters of fhir/searchparams.py narrow a search
(an unknown one is refused), and `GET /fhir/metadata` answers the CapabilityStatement that
lists them. Errors answer an OperationOutcome: 400 for a bad or unknown parameter, 404 for
an unknown or unpublished id. A page costs a fixed number of queries.
"""

import functools
import json

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from clinics.models import Clinic, Clinician, OpeningHours, TreatmentRoute, locations_prefetch
from clinics.opendata.fhir import resources, searchparams
from clinics.opendata.fhir.capability import capability_statement
from clinics.opendata.fhir.params import SearchForm
from clinics.opendata.fhir.queries import (
    attach_clinics,
    clinicians,
    published_locations,
    service_keys,
    services_for,
)
from clinics.opendata.listings import modified_since
from clinics.opendata.pages import numbered_page

CONTENT_TYPE = "application/fhir+json"


def fhir_response(body, status=200):
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def not_found(resource_type, resource_id):
    message = f"No published {resource_type} has the id {resource_id[:80]!r}."
    return fhir_response(resources.operation_outcome(message, code="not-found"), status=404)


def bad_request(message):
    return fhir_response(resources.operation_outcome(message), status=400)


def fhir_search(resource_type, find):
    """A search view: `find(after)` gives the matches, narrowed by the search parameters
    (fhir.searchparams), `to_resources(page rows)` their resources. A bad or unknown
    parameter answers a 400 OperationOutcome."""

    def decorate(to_resources):
        @require_GET
        @functools.wraps(to_resources)
        def view(request):
            if problem := searchparams.refused(resource_type, request.GET):
                return bad_request("{}: {}".format(*problem))
            form = SearchForm(request)
            if not form.is_valid():
                return bad_request("{}: {}".format(*form.first_error()))
            params = form.cleaned_data
            try:
                matches = find(params["after"]).filter(
                    searchparams.search_filter(resource_type, request.GET)
                )
            except searchparams.SearchError as error:
                return bad_request(str(error))
            page = numbered_page(matches, number=params["_page"], size=params["_count"])
            if page is None:
                outcome = resources.operation_outcome(
                    "There are no results on this page.", code="not-found"
                )
                return fhir_response(outcome, status=404)
            return fhir_response(bundle(request, page, to_resources(page.object_list)))

        return view

    return decorate


@require_GET
def metadata(request):
    """`/fhir/metadata`: the CapabilityStatement, where FHIR clients start."""
    return fhir_response(capability_statement(request.build_absolute_uri("/fhir")))


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


@fhir_search("Organization", organizations_since)
def organization_search(clinics):
    return [resources.organization_resource(clinic) for clinic in clinics]


def locations_since(after):
    locations = published_locations().order_by("pk")
    if after is not None:
        locations = locations.filter(Q(updated_at__gte=after) | Q(clinic__updated_at__gte=after))
    return locations


@fhir_search("Location", locations_since)
def location_search(locations):
    page = list(locations)
    prefetch_related_objects(
        page, Prefetch("hours", OpeningHours.objects.order_by("weekday", "opens"))
    )
    return [resources.location_resource(location) for location in page]


@fhir_search("HealthcareService", service_keys)
def healthcare_service_search(keys):
    return services_for(list(keys))


@fhir_search("PractitionerRole", clinicians)
def practitioner_role_search(roles):
    page = list(roles)
    attach_clinics(page)
    return [resources.practitioner_role_resource(clinician) for clinician in page]


# Reads -----------------------------------------------------------------------------------


@require_GET
def read(request, resource_type, resource_id):
    match = searchparams.parse_id(resource_type, resource_id)
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
