"""`/fhir/metadata`: the CapabilityStatement FHIR clients read first (issue 18.8).

It names what this server does and nothing more: FHIR R4 (4.0.1) in JSON, read-only and
public, the four Plan-Net resources with `read` and `search-type`, and on each exactly the
search parameters of searchparams.py, the same list the searches accept.
"""

import datetime

from clinics.opendata.fhir.resources import PLAN_NET, PROFILE, RESOURCE_TYPES
from clinics.opendata.fhir.searchparams import ALL_RESOURCES, SEARCH_PARAMS

FHIR_VERSION = "4.0.1"
PLAN_NET_GUIDE = f"{PLAN_NET}/ImplementationGuide/hl7.fhir.us.davinci-pdex-plan-net"
# The date this statement last changed: move it with any change to what it says.
STATEMENT_DATE = datetime.date(2026, 12, 7)
PAGING = (
    "Public and read-only: no authentication. Searches answer searchset Bundles, paged with "
    "_count (1 to 100, default 20) and _page, linked by Bundle.link next and previous. "
    "String parameters match case-insensitively from the start, or with :exact or "
    ":contains; a comma separates alternatives. Any other parameter is refused with a 400 "
    "OperationOutcome. Only published listings are served."
)


def search_param(param):
    entry = {"name": param.name, "type": param.type, "documentation": param.documentation}
    if param.definition:
        entry["definition"] = param.definition
    return entry


def resource_capability(resource_type):
    return {
        "type": resource_type,
        "profile": f"http://hl7.org/fhir/StructureDefinition/{resource_type}",
        "supportedProfile": [PROFILE + resource_type],
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            search_param(param) for param in (*ALL_RESOURCES, *SEARCH_PARAMS[resource_type])
        ],
    }


def capability_statement(base_url):
    """The CapabilityStatement of this server, whose FHIR base is `base_url` (`.../fhir`)."""
    return {
        "resourceType": "CapabilityStatement",
        "id": "ketamine-directory",
        "url": f"{base_url}/metadata",
        "name": "KetamineProviderDirectory",
        "title": "Ketamine provider directory: FHIR R4 (Da Vinci PDex Plan-Net)",
        "status": "active",
        "experimental": False,
        "date": STATEMENT_DATE.isoformat(),
        "publisher": "Ketamine provider directory",
        "description": "The published listings of a moderated directory of ketamine-therapy "
        "providers, as Plan-Net Organization, Location, HealthcareService and "
        "PractitionerRole resources.",
        "kind": "instance",
        "software": {"name": "Ketamine provider directory"},
        "implementation": {"description": "Ketamine provider directory", "url": base_url},
        "fhirVersion": FHIR_VERSION,
        "format": ["json", "application/fhir+json"],
        "implementationGuide": [PLAN_NET_GUIDE],
        "rest": [
            {
                "mode": "server",
                "documentation": PAGING,
                "security": {"description": "Public and read-only; no authentication."},
                "resource": [resource_capability(t) for t in RESOURCE_TYPES],
            }
        ],
    }
