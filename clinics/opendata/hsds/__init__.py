"""Open Referral HSDS 3.0: the published directory as HSDS objects (the API is opendata/views)."""

from clinics.opendata.hsds.documents import organization_json, write_json
from clinics.opendata.hsds.ids import HSDS_VERSION, hsds_id, parse_keyed_id
from clinics.opendata.hsds.queries import find_clinic_pk, find_offering_pk, find_service_key
from clinics.opendata.hsds.services import service_at_location_json, service_json
from clinics.opendata.hsds.taxonomy import Context, Taxonomy, taxonomy_json, term_id
from clinics.opendata.listings import NAMESPACE, published_clinics

__all__ = [
    "HSDS_VERSION",
    "NAMESPACE",
    "Context",
    "Taxonomy",
    "find_clinic_pk",
    "find_offering_pk",
    "find_service_key",
    "hsds_id",
    "organization_json",
    "parse_keyed_id",
    "published_clinics",
    "service_at_location_json",
    "service_json",
    "taxonomy_json",
    "term_id",
    "write_json",
]
