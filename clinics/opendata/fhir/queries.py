"""The querysets behind the FHIR endpoints and the FHIR download, one query per relation."""

import json

from clinics.models import Clinic, Clinician, Location, clinic_prefetches
from clinics.opendata.fhir import resources
from clinics.opendata.listings import (
    modified_since,
    name_uuid,
    published_clinics,
    published_offerings,
    services_of,
)


def published_locations():
    return Location.objects.published().select_related("clinic")


def clinics_with_services():
    """Published clinics with what services and roles need, one query per relation."""
    return published_clinics().prefetch_related(*clinic_prefetches())


def service_keys(after=None):
    clinics = modified_since(Clinic.objects.published(), after)
    ordering = ("location__clinic_id", "route__sort_order", "route__slug")
    return (
        published_offerings()
        .filter(location__clinic__in=clinics.values("pk"))
        .values(*ordering)
        .order_by(*ordering)
        .distinct()
    )


def clinicians(after=None):
    clinics = modified_since(Clinic.objects.published(), after)
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
    found = []
    for key in keys:
        clinic = clinics.get(key["location__clinic_id"])
        if clinic is None:  # a read of an unpublished clinic's service
            continue
        for route, sites in services_of(clinic):
            if route.slug == key["route__slug"]:
                found.append(resources.healthcare_service_resource(clinic, route, sites))
    return found


def iter_resources(*, chunk_size=200):
    """Every published resource: organizations, locations, services, practitioner roles."""
    for clinic in clinics_with_services().order_by("pk").iterator(chunk_size=chunk_size):
        yield resources.organization_resource(clinic)
        for location in clinic.locations.all():
            yield resources.location_resource(location)
        for route, sites in services_of(clinic):
            yield resources.healthcare_service_resource(clinic, route, sites)
        for clinician in clinic.clinicians.all():
            clinician.clinic = clinic
            yield resources.practitioner_role_resource(clinician)


def write_bundle(output, *, base_url=""):
    """Write every published resource as one FHIR `collection` Bundle; returns the count."""
    base = f"{base_url.rstrip('/')}/fhir/" if base_url else None
    output.write('{"resourceType": "Bundle", "type": "collection", "entry": [')
    count = 0
    for resource in iter_resources():
        path = f"{resource['resourceType']}/{resource['id']}"
        # Without a site address, a stable urn:uuid names each resource.
        full_url = f"{base}{path}" if base else f"urn:uuid:{name_uuid('fhir', path)}"
        entry = {"fullUrl": full_url, "resource": resource}
        output.write(",\n " if count else "\n ")
        output.write(json.dumps(entry))
        count += 1
    output.write("\n]}\n")
    return count
