"""The OpenAPI 3.1 description of /api/v1/ and /fhir/, served at /api/v1/openapi.json.

The search parameters are generated from the FilterSet (search.py), so they cannot drift
from the search; the HSDS and FHIR parts describe external standards and are written by hand
(standards.py). The tests run schemathesis against the app with this description, and /api/
renders it as a page.
"""

import copy
import functools

from clinics.opendata.openapi.schemas import (
    ADDRESS,
    CLINIC_DETAIL,
    CLINIC_LOCATION,
    CLINIC_SUMMARY,
    ERRORS,
    LOCATION_PAGE,
    LOCATION_RESULT,
    ROUTE_PRICE,
)
from clinics.opendata.openapi.search import search_paths
from clinics.opendata.openapi.standards import (
    FHIR_BUNDLE,
    FHIR_OUTCOME,
    FHIR_RESOURCE,
    HSDS_PAGE,
    fhir_paths,
    hsds_paths,
    hsds_schemas,
)

DATA_LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


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
                "description": "The search behind /search/ (docs/api.md).",
            },
            {
                "name": "HSDS 3.0",
                "description": "The Open Referral Human Services Data Specification API.",
            },
            {"name": "FHIR R4", "description": "Da Vinci PDex Plan-Net provider directory."},
        ],
        "paths": {
            **search_paths(),
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
