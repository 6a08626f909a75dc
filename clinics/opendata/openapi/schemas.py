"""Building blocks of the OpenAPI description, and the schemas of the directory's own API.

The search API's responses are described here by hand, to match docs/api.md and
clinics/search/api.py; tests check the app against them with schemathesis.
"""


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema):
    return {**schema, "type": [schema["type"], "null"]}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
STRINGS = {"type": "array", "items": STRING}
# A fact the clinic may not have stated (issue 14.3): true, false, or null for "not stated".
STATED = {**nullable(BOOLEAN), "description": "true, false, or null: not stated by the clinic."}
# When a fact that changes was last set or confirmed (issue 14.4).
AS_OF = {
    **nullable({"type": "string", "format": "date"}),
    "description": "When this was last set or confirmed (an approved change by the clinic, an "
    "import, or a moderator's check); null when not known.",
}


def obj(properties, required=None):
    return {"type": "object", "properties": properties, "required": required or list(properties)}


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


def json_response(description, schema, content_type="application/json"):
    return {"description": description, "content": {content_type: {"schema": schema}}}


ERROR_400 = json_response("Invalid input; nothing is returned but the messages.", ref("Errors"))


def error_404(what):
    return json_response(what, ref("Errors"))


ID_PATH = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[^/]+$"},
}


# The directory's own API (docs/api.md) -------------------------------------------------

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
        "prices_as_of": AS_OF,
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
        "psychotherapy": STATED,
        "telehealth": BOOLEAN,
        "accepting": STATED,
        "accepting_as_of": AS_OF,
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
                    "prices_as_of": AS_OF,
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
            "accepting": STATED,
            "accepting_as_of": AS_OF,
            "how_to_start": obj(
                {
                    "phone": BOOLEAN,
                    "text": BOOLEAN,
                    "web_form": BOOLEAN,
                    "online_booking": BOOLEAN,
                    "referral_required": STATED,
                    "psychiatric_evaluation_required": STATED,
                }
            ),
            "psychotherapy": obj(
                {
                    "any": STATED,
                    "kap_in_house": STATED,
                    "works_with_own_therapist": STATED,
                    "integration_sessions": STATED,
                }
            ),
            "telehealth": obj(
                {"any": BOOLEAN, "consultations": BOOLEAN, "at_home": BOOLEAN, "states": STRINGS}
            ),
            "safety": obj(
                {
                    "medical_screening": STATED,
                    "vital_sign_monitoring": STATED,
                    "clinician_on_site": STATED,
                    "observation_minutes": nullable(INTEGER),
                    "driver_required": STATED,
                    "rems_certified": STATED,
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
