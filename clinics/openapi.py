"""The OpenAPI 3.1 description of /api/v1/ (and of /fhir/), served at /api/v1/openapi.json.

Written by hand as data, to match ../shared/spec/api.md and clinics/api.py; the HSDS
responses point at the official Open Referral schemas (clinics/standards/hsds/), copied into
`components.schemas` with their file `$ref`s turned into local ones. The tests run
schemathesis against the app with this description, and /api/ renders it as a page.
"""

import copy
import functools
import json
from pathlib import Path

from clinics.filters import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_RADIUS_MILES
from clinics.hsds_api import DEFAULT_PER_PAGE, MAX_PER_PAGE

HSDS_SCHEMA_DIR = Path(__file__).resolve().parent / "standards" / "hsds" / "schema"
HSDS_OBJECTS = [
    "accessibility", "address", "attribute", "contact", "cost_option", "funding",
    "language", "location", "metadata", "organization", "organization_identifier", "phone",
    "program", "required_document", "schedule", "service", "service_area",
    "service_at_location", "taxonomy", "taxonomy_term",
]  # fmt: skip
HSDS_LISTS = ["organization_list", "service_list", "service_at_location_list"]
DATA_LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema):
    return {**schema, "type": [schema["type"], "null"]}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
STRINGS = {"type": "array", "items": STRING}


def obj(properties, required=None):
    return {"type": "object", "properties": properties, "required": required or list(properties)}


# The directory's own API (../shared/spec/api.md) ----------------------------------------

ERRORS = {
    "type": "object",
    "description": "Invalid input: for each parameter, messages a person can act on.",
    "properties": {
        "errors": {"type": "object", "additionalProperties": STRINGS, "minProperties": 1}
    },
    "required": ["errors"],
    "example": {"errors": {"radius": ["The radius must be a number of miles from 1 to 500."]}},
}

CLINIC_SUMMARY = obj(
    {
        "slug": STRING,
        "name": STRING,
        "phone": STRING,
        "website": nullable(STRING),
        "booking_url": nullable(STRING),
        "verified_at": nullable({"type": "string", "format": "date"}),
    }
)
ADDRESS = obj(
    {
        "line1": STRING,
        "line2": STRING,
        "city": STRING,
        "state": STRING,
        "postal_code": STRING,
        "country": STRING,
    }
)
ROUTE_PRICE = obj(
    {
        "slug": STRING,
        "name": STRING,
        "price_min_usd": nullable(INTEGER),
        "price_max_usd": nullable(INTEGER),
    }
)
LOCATION_RESULT = obj(
    {
        "id": INTEGER,
        "name": STRING,
        "url": STRING,
        "clinic": ref("ClinicSummary"),
        "address": ref("Address"),
        "latitude": nullable(NUMBER),
        "longitude": nullable(NUMBER),
        "distance_miles": {
            **nullable(NUMBER),
            "description": "Great-circle miles from the origin; null without `near`.",
        },
        "routes": {"type": "array", "items": ref("RoutePrice")},
        "conditions": STRINGS,
        "insurance": STRINGS,
        "payment": STRINGS,
        "psychotherapy": BOOLEAN,
        "telehealth": BOOLEAN,
        "accepting": BOOLEAN,
        "languages": STRINGS,
    }
)
ORIGIN = nullable(obj({"query": STRING, "label": STRING, "latitude": NUMBER, "longitude": NUMBER}))
LOCATION_PAGE = obj(
    {
        "count": INTEGER,
        "page": INTEGER,
        "page_size": INTEGER,
        "next": nullable(STRING),
        "previous": nullable(STRING),
        "origin": {**ORIGIN, "description": "The resolved `near`; null without it."},
        "results": {"type": "array", "items": ref("LocationResult")},
    }
)
CLINIC_LOCATION = obj(
    {
        "id": INTEGER,
        "name": STRING,
        "url": STRING,
        "address": ref("Address"),
        "latitude": nullable(NUMBER),
        "longitude": nullable(NUMBER),
        "phone": STRING,
        "accessibility": STRING,
        "offerings": {
            "type": "array",
            "items": obj(
                {
                    "route": STRING,
                    "name": STRING,
                    "price_min_usd": nullable(INTEGER),
                    "price_max_usd": nullable(INTEGER),
                    "series_price_usd": nullable(INTEGER),
                    "session_minutes": nullable(INTEGER),
                }
            ),
        },
        "insurance": {
            "type": "array",
            "items": obj({"payer": STRING, "name": STRING, "route": nullable(STRING)}),
        },
        "conditions": STRINGS,
        "payment": STRINGS,
        "languages": STRINGS,
        "hours": {
            "type": "array",
            "items": obj(
                {
                    "weekday": {"type": "integer", "minimum": 1, "maximum": 7},
                    "day": STRING,
                    "opens": STRING,
                    "closes": STRING,
                }
            ),
        },
    }
)
CLINIC_DETAIL = {
    "allOf": [ref("ClinicSummary")],
    **obj(
        {
            "url": STRING,
            "description": STRING,
            "email": nullable(STRING),
            "npi": nullable(STRING),
            "accepting": BOOLEAN,
            "how_to_start": obj(
                {
                    "phone": BOOLEAN,
                    "text": BOOLEAN,
                    "web_form": BOOLEAN,
                    "online_booking": BOOLEAN,
                    "referral_required": BOOLEAN,
                    "psychiatric_evaluation_required": BOOLEAN,
                }
            ),
            "psychotherapy": obj(
                {
                    "any": BOOLEAN,
                    "kap_in_house": BOOLEAN,
                    "works_with_own_therapist": BOOLEAN,
                    "integration_sessions": BOOLEAN,
                }
            ),
            "telehealth": obj(
                {"any": BOOLEAN, "consultations": BOOLEAN, "at_home": BOOLEAN, "states": STRINGS}
            ),
            "safety": obj(
                {
                    "medical_screening": BOOLEAN,
                    "vital_sign_monitoring": BOOLEAN,
                    "clinician_on_site": BOOLEAN,
                    "observation_minutes": nullable(INTEGER),
                    "driver_required": BOOLEAN,
                    "rems_certified": BOOLEAN,
                }
            ),
            "memberships": STRINGS,
            "clinicians": {
                "type": "array",
                "items": obj(
                    {
                        "name": STRING,
                        "credential": STRING,
                        "specialty": STRING,
                        "role": STRING,
                        "npi": nullable(STRING),
                    }
                ),
            },
            "locations": {"type": "array", "items": ref("ClinicLocation")},
        }
    ),
}


def query(name, description, schema, *, repeatable=False, example=None):
    parameter = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "array", "items": schema} if repeatable else schema,
    }
    if repeatable:
        parameter.update(style="form", explode=True)
    if example is not None:
        parameter["example"] = example
    return parameter


SLUG = {"type": "string", "pattern": "^[a-z0-9-]+$"}
SEARCH_PARAMETERS = [
    query(
        "near",
        "The search origin: a 5-digit ZIP or ZIP+4, `City, ST`, a street address, or "
        "`lat,lng` in decimal degrees.",
        {"type": "string", "maxLength": 200},
        example="10001",
    ),
    query(
        "radius",
        f"Miles from the origin, 1 to {MAX_RADIUS_MILES}; default 25. Only with `near`.",
        {"type": "number", "minimum": 1, "maximum": MAX_RADIUS_MILES},
    ),
    query(
        "route",
        "Offers any of these routes (iv, im, lozenge, esketamine, ...).",
        SLUG,
        repeatable=True,
    ),
    query("condition", "Treats any of these conditions (slugs).", SLUG, repeatable=True),
    query("insurance", "In network with any of these payers (slugs).", SLUG, repeatable=True),
    query(
        "payment",
        "Offers any of these: self-pay, superbill, financing, sliding-scale.",
        SLUG,
        repeatable=True,
    ),
    query(
        "max_price",
        "US dollars: the lowest price per session (of the chosen routes) is at most this.",
        {"type": "number", "minimum": 0},
    ),
    query(
        "psychotherapy",
        "`true`: offers ketamine-assisted psychotherapy or integration.",
        {"type": "string", "enum": ["true"]},
    ),
    query(
        "telehealth",
        "`true`: offers telehealth consultations or at-home programmes.",
        {"type": "string", "enum": ["true"]},
    ),
    query("accepting", "`true`: accepting new patients.", {"type": "string", "enum": ["true"]}),
    query(
        "language",
        "Staff speak any of these (ISO 639-1 codes).",
        {"type": "string", "pattern": "^[a-z]{2}$"},
        repeatable=True,
    ),
    query("q", "Words in the clinic's or location's name.", {"type": "string", "maxLength": 200}),
    query(
        "sort",
        "Order: distance (default with `near`), price, name (default without), verified.",
        {"type": "string", "enum": ["distance", "price", "name", "verified"]},
    ),
    query("page", "1-based page number; default 1.", {"type": "integer", "minimum": 1}),
    query(
        "page_size",
        f"Results per page, 1 to {MAX_PAGE_SIZE}; default {DEFAULT_PAGE_SIZE}.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    ),
]


def json_response(description, schema, content_type="application/json"):
    return {"description": description, "content": {content_type: {"schema": schema}}}


ERROR_400 = json_response("Invalid input; nothing is returned but the messages.", ref("Errors"))


def error_404(what):
    return json_response(what, ref("Errors"))


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
ID_PATH = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[^/]+$"},
}


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


def fhir_paths():
    from clinics.fhir import RESOURCE_TYPES

    paths = {}
    outcome_400 = json_response("A bad parameter (OperationOutcome).", ref("FhirOutcome"), FHIR)
    for resource_type in RESOURCE_TYPES:
        paths[f"/fhir/{resource_type}"] = {
            "get": {
                "tags": ["FHIR R4"],
                "summary": f"Search {resource_type} (Da Vinci PDex Plan-Net)",
                "parameters": [
                    query(
                        "_count",
                        "Resources per page, 1 to 100; default 20.",
                        {"type": "integer", "minimum": 1, "maximum": 100},
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


# The document ----------------------------------------------------------------------------


@functools.cache
def _description():
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Ketamine provider directory API",
            "version": "1.0.0",
            "summary": "Search the directory of ketamine-therapy providers; HSDS 3.0 and FHIR R4.",
            "description": "Read-only and public: only published listings. GET parameters in, "
            "JSON out. Invalid input answers 400 with "
            '`{"errors": {"<parameter>": ["<message>"]}}`; unknown or unpublished objects '
            "and pages past the end answer 404. The data is licensed under CC BY 4.0: "
            'credit "Ketamine provider directory". HSDS schemas: Open Referral, CC BY-SA 4.0.',
            "license": DATA_LICENCE,
        },
        "servers": [{"url": "/"}],
        "tags": [
            {
                "name": "Search",
                "description": "The search behind /search/ (../shared/spec/api.md).",
            },
            {
                "name": "HSDS 3.0",
                "description": "The Open Referral Human Services Data Specification API.",
            },
            {"name": "FHIR R4", "description": "Da Vinci PDex Plan-Net provider directory."},
        ],
        "paths": {
            "/api/v1/locations/": {
                "get": {
                    "tags": ["Search"],
                    "summary": "Search published locations",
                    "description": "Different parameters combine with AND; a repeated parameter "
                    "combines its values with OR. Distance is great-circle, in miles; ties are "
                    "broken by location id, so pages never overlap.",
                    "parameters": SEARCH_PARAMETERS,
                    "responses": {
                        "200": json_response("One page of results.", ref("LocationPage")),
                        "400": ERROR_400,
                        "404": error_404("The page lies past the end of the results."),
                    },
                }
            },
            "/api/v1/clinics/{slug}/": {
                "get": {
                    "tags": ["Search"],
                    "summary": "One published clinic with all its locations",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            # Django's slug converter; other paths are not this API's.
                            "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                        }
                    ],
                    "responses": {
                        "200": json_response("The clinic.", ref("ClinicDetail")),
                        "404": error_404("No published clinic has this slug."),
                    },
                }
            },
            **hsds_paths(),
            **fhir_paths(),
        },
        "components": {
            "schemas": {
                "Errors": ERRORS,
                "ClinicSummary": CLINIC_SUMMARY,
                "Address": ADDRESS,
                "RoutePrice": ROUTE_PRICE,
                "LocationResult": LOCATION_RESULT,
                "LocationPage": LOCATION_PAGE,
                "ClinicLocation": CLINIC_LOCATION,
                "ClinicDetail": CLINIC_DETAIL,
                "HsdsPage": HSDS_PAGE,
                "FhirBundle": FHIR_BUNDLE,
                "FhirResource": FHIR_RESOURCE,
                "FhirOutcome": FHIR_OUTCOME,
                **hsds_schemas(),
            }
        },
    }


def description():
    """The OpenAPI document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_description())
