"""Finding published HSDS objects by id."""

from clinics.models import Clinic
from clinics.opendata.hsds.ids import parse_keyed_id
from clinics.opendata.listings import published_offerings


def find_clinic_pk(organization_id):
    """The published clinic whose organization id this is, or None."""
    key = parse_keyed_id("clinic", organization_id)
    if key is None or not Clinic.objects.published().filter(pk=key[0]).exists():
        return None
    return key[0]


def find_service_key(service_id):
    """(clinic pk, route slug) of the published service with this id, or None."""
    key = parse_keyed_id("service", service_id)
    if key is None:
        return None
    clinic_pk, route_pk = key
    offered = published_offerings().filter(location__clinic_id=clinic_pk, route_id=route_pk)
    route_slug = offered.values_list("route__slug", flat=True).first()
    return (clinic_pk, route_slug) if route_slug else None


def find_offering_pk(service_at_location_id):
    """The published offering behind a service_at_location id, or None."""
    key = parse_keyed_id("service_at_location", service_at_location_id)
    if key is None:
        return None
    location_pk, route_pk = key
    offerings = published_offerings().filter(location_id=location_pk, route_id=route_pk)
    return offerings.values_list("pk", flat=True).first()
