"""HSDS ids: every HSDS id is a UUID derived from a stable key, with no table to look it up.

The database has integer keys, so every id is a name-based UUID (`uuid5`, listings.name_uuid)
of a stable key such as `clinic:12` or `service:12:iv`: the same row always gets the same id,
without a schema change. Reference data is keyed by its slug, which the API and the import
format already treat as stable. Organizations, services and service-at-locations are looked
up by id, so their ids carry their database keys instead (`hsds_id` below).
"""

import uuid

from clinics.opendata.listings import name_uuid
from clinics.validators import canonical_uuid

HSDS_VERSION = "3.0"

# Organizations, services and service-at-locations are looked up by id, so their ids carry
# their database keys (an RFC 9562 version-8 "custom" UUID) and turn back into keys without a
# table: a marker, the kind, the route's pk (services) and the clinic's or location's pk.
KEYED_KINDS = {"clinic": 1, "service": 2, "service_at_location": 3}
KEYED_MARKER = 0x6B657461  # "keta"


def hsds_id(kind, *parts):
    """The stable UUID of one HSDS object.

    Keyed kinds take database keys: `hsds_id("clinic", 12)`, `hsds_id("service", clinic_pk,
    route_pk)`, `hsds_id("service_at_location", location_pk, route_pk)`; every other kind is
    uuid5 of its parts: `hsds_id("location", 40)` is uuid5 of "location:40".
    """
    if kind in KEYED_KINDS:
        pk, route_pk = (*parts, 0)[:2]
        value = (
            (KEYED_MARKER << 96)
            | (KEYED_KINDS[kind] << 80)
            | (8 << 76)  # version 8
            | (int(route_pk) << 64)
            | (0b10 << 62)  # RFC 9562 variant
            | int(pk)
        )
        return str(uuid.UUID(int=value))
    return name_uuid(kind, *parts)


def parse_keyed_id(kind, text):
    """(pk, route pk) from an id made by `hsds_id(kind, ...)`, or None for any other text."""
    try:
        value = uuid.UUID(canonical_uuid(text)).int
    except ValueError:
        return None
    if (
        value >> 96 != KEYED_MARKER
        or (value >> 80) & 0xFFFF != KEYED_KINDS[kind]
        or (value >> 76) & 0xF != 8
        or (value >> 62) & 0b11 != 0b10
    ):
        return None
    return value & ((1 << 62) - 1), (value >> 64) & 0xFFF


def compact(obj):
    """Drop keys whose value is None or an empty list: HSDS fields are not nullable."""
    return {key: value for key, value in obj.items() if value is not None and value != []}


def isodatetime(value):
    return value.isoformat() if value is not None else None
