"""The external standards in the OpenAPI description: the HSDS 3.0 API and the FHIR endpoints.

Written by hand, since they describe external standards. The HSDS responses point at the
official Open Referral schemas (clinics/standards/hsds/), copied into `components.schemas`
with their file `$ref`s turned into local ones.
"""

import functools
import json
from pathlib import Path

from clinics.opendata.fhir import RESOURCE_TYPES
from clinics.opendata.fhir.params import DEFAULT_COUNT, MAX_COUNT
from clinics.opendata.fhir.searchparams import MAX_VALUE_LENGTH, SEARCH_PARAMS
from clinics.opendata.hsds.params import DEFAULT_PER_PAGE, MAX_PER_PAGE
from clinics.opendata.openapi.schemas import (
    BOOLEAN,
    ERROR_400,
    ID_PATH,
    INTEGER,
    STRING,
    error_404,
    json_response,
    obj,
    query,
    ref,
)

HSDS_SCHEMA_DIR = Path(__file__).resolve().parents[2] / "standards" / "hsds" / "schema"
HSDS_OBJECTS = [
    "accessibility", "address", "attribute", "contact", "cost_option", "funding",
    "language", "location", "metadata", "organization", "organization_identifier", "phone",
    "program", "required_document", "schedule", "service", "service_area",
    "service_at_location", "taxonomy", "taxonomy_term",
]  # fmt: skip
HSDS_LISTS = ["organization_list", "service_list", "service_at_location_list"]


# HSDS ------------------------------------------------------------------------------------


def _local_refs(schema):
    """Turn the HSDS files' `"$ref": "phone.json"` into refs to components.schemas."""
    if isinstance(schema, dict):
        result = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str) and value.endswith(".json"):
                result[key] = f"#/components/schemas/hsds_{value.removesuffix('.json')}"
            else:
                result[key] = _local_refs(value)
        return result
    if isinstance(schema, list):
        return [_local_refs(item) for item in schema]
    return schema


@functools.cache
def hsds_schemas():
    schemas = {}
    for name in HSDS_OBJECTS:
        schemas[f"hsds_{name}"] = _local_refs(
            json.loads((HSDS_SCHEMA_DIR / f"{name}.json").read_text())
        )
    for name in HSDS_LISTS:
        schemas[f"hsds_{name}"] = _local_refs(
            json.loads((HSDS_SCHEMA_DIR / "compiled" / f"{name}.json").read_text())
        )
    return schemas


HSDS_PAGE = obj(
    {
        "total_items": {"type": "integer", "description": "How many items all pages hold."},
        "total_pages": INTEGER,
        "page_number": INTEGER,
        "size": {"type": "integer", "description": "How many items this page holds."},
        "first_page": BOOLEAN,
        "last_page": BOOLEAN,
        "empty": {"type": "boolean", "description": "True when no item matches at all."},
        "contents": {"type": "array"},
    }
)


def hsds_page(item_schema):
    return {
        "allOf": [ref("HsdsPage")],
        "type": "object",
        "properties": {"contents": {"type": "array", "items": item_schema}},
    }


def either(*names):
    return {"anyOf": [ref(f"hsds_{name}") for name in names]}


HSDS_COMMON = [
    query("page", "1-based page number; default 1.", {"type": "integer", "minimum": 1}),
    query(
        "per_page",
        f"Items per page, 1 to {MAX_PER_PAGE}; default {DEFAULT_PER_PAGE}.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    ),
    query("search", "Words in the names.", {"type": "string", "maxLength": 200}),
]
MODIFIED_AFTER = query(
    "modified_after",
    "Only what changed on or after this ISO 8601 date-time (or date: its midnight, US "
    "Eastern time when no offset is given). A listing changes when its clinic or any of its "
    "locations is saved.",
    {"type": "string", "format": "date-time"},
    example="2026-01-31T00:00:00Z",
)
UUID_QUERY = {"type": "string", "format": "uuid"}
FULL = query("full", "`true`: fully nested items.", {"type": "boolean"})
OFFERING_FILTERS = [
    MODIFIED_AFTER,
    query("organization_id", "Only this organization's.", UUID_QUERY),
    query("taxonomy_term_id", "Only those with an attribute of this taxonomy term.", UUID_QUERY),
    query("taxonomy_id", "Only those with a term of this taxonomy.", UUID_QUERY),
    FULL,
]


def hsds_paths():
    def listing(summary, item, parameters):
        return {
            "get": {
                "tags": ["HSDS 3.0"],
                "summary": summary,
                "parameters": HSDS_COMMON + parameters,
                "responses": {
                    "200": json_response("An HSDS Page.", hsds_page(item)),
                    "400": ERROR_400,
                    "404": error_404("The page lies past the end of the results."),
                },
            }
        }

    def detail(summary, schema, parameters=()):
        return {
            "get": {
                "tags": ["HSDS 3.0"],
                "summary": summary,
                "parameters": [ID_PATH, *parameters],
                "responses": {
                    "200": json_response("The object, fully nested.", schema),
                    "400": ERROR_400,
                    "404": error_404("No published object has this id."),
                },
            }
        }

    full_service = query("full_service", "`true`: each service fully nested.", {"type": "boolean"})
    return {
        "/api/v1/hsds/": {
            "get": {
                "tags": ["HSDS 3.0"],
                "summary": "Which HSDS version this API speaks",
                "responses": {
                    "200": json_response(
                        "About this API.",
                        obj({"version": STRING, "profile": STRING, "openapi_url": STRING}),
                    )
                },
            }
        },
        "/api/v1/hsds/services/": listing(
            "Services: one per treatment route a clinic offers",
            either("service_list", "service"),
            OFFERING_FILTERS,
        ),
        "/api/v1/hsds/services/{id}/": detail("One service", ref("hsds_service")),
        "/api/v1/hsds/service_at_locations/": listing(
            "Services at locations: a route at one site, with its price",
            either("service_at_location_list", "service_at_location"),
            OFFERING_FILTERS,
        ),
        "/api/v1/hsds/service_at_locations/{id}/": detail(
            "One service at a location", ref("hsds_service_at_location")
        ),
        "/api/v1/hsds/organizations/": listing(
            "Organizations: the clinics",
            either("organization_list", "organization"),
            [MODIFIED_AFTER, FULL, full_service],
        ),
        "/api/v1/hsds/organizations/{id}/": detail(
            "One organization with its locations and services",
            ref("hsds_organization"),
            [full_service],
        ),
        "/api/v1/hsds/taxonomies/": listing("Taxonomies", ref("hsds_taxonomy"), []),
        "/api/v1/hsds/taxonomies/{id}/": detail("One taxonomy", ref("hsds_taxonomy")),
        "/api/v1/hsds/taxonomy_terms/": listing(
            "Terms of the directory's taxonomy: routes, conditions, payers, payment options",
            ref("hsds_taxonomy_term"),
            [
                query("taxonomy_id", "Only terms of this taxonomy.", UUID_QUERY),
                query("parent_id", "Only children of this term.", UUID_QUERY),
                query("top_only", "`true`: only terms without a parent.", {"type": "boolean"}),
            ],
        ),
        "/api/v1/hsds/taxonomy_terms/{id}/": detail("One term", ref("hsds_taxonomy_term")),
    }


# FHIR ------------------------------------------------------------------------------------

FHIR = "application/fhir+json"
FHIR_RESOURCE = {
    "type": "object",
    "properties": {"resourceType": STRING, "id": STRING},
    "required": ["resourceType"],
}
FHIR_BUNDLE = {
    "type": "object",
    "properties": {
        "resourceType": {"const": "Bundle"},
        "type": {"const": "searchset"},
        "total": INTEGER,
        "link": {"type": "array", "items": obj({"relation": STRING, "url": STRING})},
        "entry": {
            "type": "array",
            "items": obj({"fullUrl": STRING, "resource": ref("FhirResource")}, ["resource"]),
        },
    },
    "required": ["resourceType", "type", "total"],
}
FHIR_OUTCOME = {
    "type": "object",
    "properties": {"resourceType": {"const": "OperationOutcome"}, "issue": {"type": "array"}},
    "required": ["resourceType", "issue"],
}


FHIR_STRING = {"type": "string", "maxLength": MAX_VALUE_LENGTH}


def fhir_search_parameters(resource_type):
    """The resource's own search parameters, from the list the searches accept."""
    return [
        query(param.name, f"{param.documentation} FHIR type `{param.type}`.", FHIR_STRING)
        for param in SEARCH_PARAMS[resource_type]
    ]


def fhir_paths():
    paths = {
        "/fhir/metadata": {
            "get": {
                "tags": ["FHIR R4"],
                "summary": "The CapabilityStatement: resources and search parameters supported",
                "responses": {
                    "200": json_response("A CapabilityStatement.", ref("FhirResource"), FHIR)
                },
            }
        }
    }
    outcome_400 = json_response(
        "A bad or unknown parameter (OperationOutcome).", ref("FhirOutcome"), FHIR
    )
    for resource_type in RESOURCE_TYPES:
        paths[f"/fhir/{resource_type}"] = {
            "get": {
                "tags": ["FHIR R4"],
                "summary": f"Search {resource_type} (Da Vinci PDex Plan-Net)",
                "parameters": [
                    query(
                        "_count",
                        f"Resources per page, 1 to {MAX_COUNT}; default {DEFAULT_COUNT}.",
                        {"type": "integer", "minimum": 1, "maximum": MAX_COUNT},
                    ),
                    query(
                        "_page",
                        "1-based page number; Bundle.link `next` gives the next.",
                        {"type": "integer", "minimum": 1},
                    ),
                    query(
                        "_lastUpdated",
                        "`gt` or `ge` and a date or date-time: only what changed since.",
                        {"type": "string", "pattern": "^(gt|ge)"},
                        example="gt2026-01-31",
                    ),
                    MODIFIED_AFTER,
                    query("_id", "Resource ids, separated by commas.", FHIR_STRING),
                    *fhir_search_parameters(resource_type),
                ],
                "responses": {
                    "200": json_response("A searchset Bundle.", ref("FhirBundle"), FHIR),
                    "400": outcome_400,
                    "404": json_response(
                        "The page lies past the end (OperationOutcome).", ref("FhirOutcome"), FHIR
                    ),
                },
            }
        }
        paths[f"/fhir/{resource_type}/{{id}}"] = {
            "get": {
                "tags": ["FHIR R4"],
                "summary": f"Read one {resource_type}",
                "parameters": [ID_PATH],
                "responses": {
                    "200": json_response(f"The {resource_type}.", ref("FhirResource"), FHIR),
                    "404": json_response(
                        "No published resource has this id (OperationOutcome).",
                        ref("FhirOutcome"),
                        FHIR,
                    ),
                },
            }
        }
    return paths
