"""The search API in the OpenAPI description: /api/v1/locations/ and /api/v1/clinics/{slug}/."""

from clinics.filters import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_RADIUS_MILES
from clinics.opendata.openapi.schemas import ERROR_400, error_404, json_response, query, ref

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


def search_paths():
    return {
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
    }
