"""The FHIR search parameters this server supports (issue 18.8): one list, read three times.

The searches filter with them (`search_filter`), refuse every other parameter (`refused`:
an unknown parameter is a 400 OperationOutcome, never silently ignored), and
`/fhir/metadata` lists them (capability.py), as does the OpenAPI description.

Semantics follow FHIR R4 search:
- string (`name`, `address-city`, `address-state`, `address-postalcode`): case-insensitive
  "starts with", `:exact` for equality, `:contains` for anywhere;
- reference (`organization`, `location`): `Organization/clinic-12`, `clinic-12` or the full URL;
- token (`_id`, `service-category`): a code, `system|code` or `|code`;
- a comma separates alternatives (OR); a repeated parameter must hold each time (AND).
A well-formed value that names nothing matches nothing; a reference to the wrong resource
type, or a modifier this server does not know, is a 400.
"""

import re
from dataclasses import dataclass

from django.db.models import Q

from clinics.models import Location

BASE_DEFINITION = "http://hl7.org/fhir/SearchParameter/"
SERVICE_CATEGORY_SYSTEM = (
    "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/HealthcareServiceCategoryCS"
)
SERVICE_CATEGORY = "behav"  # every service of this directory is Behavioral Health
STRING_MODIFIERS = ("", "exact", "contains")

# Matched whole (fullmatch: a trailing newline is not an id) and ASCII digits only: `\d`
# would take other scripts' digits, which int() reads (issue 12.10).
ID_PATTERNS = {
    "Organization": re.compile(r"clinic-([0-9]{1,18})"),
    "Location": re.compile(r"location-([0-9]{1,18})"),
    "HealthcareService": re.compile(r"service-([0-9]{1,18})-([a-z0-9-]{1,60})"),
    "PractitionerRole": re.compile(r"clinician-([0-9]{1,18})"),
}


class SearchError(ValueError):
    """A search parameter this server cannot answer; the message names it."""


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str  # FHIR SearchParamType
    documentation: str
    definition: str = ""  # the canonical SearchParameter, when FHIR defines one

    @property
    def modifiers(self):
        return STRING_MODIFIERS if self.type == "string" else ("",)


def _param(resource_type, name, kind, documentation, *, standard=True):
    definition = f"{BASE_DEFINITION}{resource_type}-{name}" if standard else ""
    return SearchParam(name, kind, documentation, definition)


def _address(resource_type, where):
    return [
        _param(resource_type, "address-city", "string", f"The city of {where}."),
        _param(resource_type, "address-state", "string", f"The USPS state code of {where}."),
        _param(resource_type, "address-postalcode", "string", f"The ZIP code of {where}."),
    ]


ALL_RESOURCES = [
    SearchParam(
        "_id", "token", "The resource's id (`clinic-12`); commas for several.",
        f"{BASE_DEFINITION}Resource-id",
    ),
    SearchParam(
        "_lastUpdated", "date",
        "`gt` or `ge` and a date or date-time: only what changed since.",
        f"{BASE_DEFINITION}Resource-lastUpdated",
    ),
]  # fmt: skip
SEARCH_PARAMS = {
    "Organization": [
        _param("Organization", "name", "string", "The clinic's name (starts with)."),
        *_address("Organization", "any of the clinic's locations"),
    ],
    "Location": [
        _param("Location", "name", "string", "The location's name, else its clinic's."),
        *_address("Location", "the location"),
        _param("Location", "organization", "reference", "The clinic (`Organization/clinic-12`)."),
    ],
    "HealthcareService": [
        _param(
            "HealthcareService", "organization", "reference",
            "The clinic providing it (`Organization/clinic-12`).",
        ),
        _param(
            "HealthcareService", "location", "reference",
            "A location offering it (`Location/location-40`).",
        ),
        _param(
            "HealthcareService", "service-category", "token",
            f"Plan-Net HealthcareServiceCategoryCS; every service here is `{SERVICE_CATEGORY}`.",
        ),
    ],
    "PractitionerRole": [
        _param(
            "PractitionerRole", "organization", "reference",
            "The clinic the clinician works for (`Organization/clinic-12`).",
        ),
        _param(
            "PractitionerRole", "location", "reference",
            "A location of the clinician's clinic (`Location/location-40`).",
        ),
        _param(
            "PractitionerRole", "service-category", "token",
            f"The category of the clinic's services (`{SERVICE_CATEGORY}`).", standard=False,
        ),
    ],
}  # fmt: skip
# What shapes the answer rather than filtering it, and HSDS's name for _lastUpdated.
RESULT_PARAMS = {"_count", "_page", "_format", "modified_after"}
JSON_FORMATS = {"json", "application/json", "application/fhir+json"}
MAX_VALUE_LENGTH = 200
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")  # PostgreSQL refuses a NUL in a query


def params_of(resource_type):
    return {param.name: param for param in (*ALL_RESOURCES, *SEARCH_PARAMS[resource_type])}


def refused(resource_type, query):
    """(parameter, message) for the first parameter of `query` (a QueryDict) this server does
    not support on `resource_type`, or None."""
    known = params_of(resource_type)
    for key in query:
        name, _, modifier = key.partition(":")
        if key in RESULT_PARAMS:
            if key == "_format" and not set(query.getlist(key)) <= JSON_FORMATS:
                return key, "This server answers JSON only (_format=json)."
            continue
        if name not in known:
            supported = ", ".join(sorted(known))
            return key, f"not a search parameter of {resource_type} here; use {supported}."
        if modifier not in known[name].modifiers:
            return key, f"the modifier :{modifier} is not supported on {name}."
        for value in query.getlist(key):
            if len(value) > MAX_VALUE_LENGTH or CONTROL_CHARACTER.search(value):
                return (
                    key,
                    f"give at most {MAX_VALUE_LENGTH} characters, without control characters.",
                )
    return None


# Values ----------------------------------------------------------------------------------


def parse_id(resource_type, text):
    """The match of a well-formed id of `resource_type` (groups: pk[, route slug]), or None."""
    return ID_PATTERNS[resource_type].fullmatch(text)


def reference_pks(resource_type, values, parameter):
    """The primary keys named by references to `resource_type`; malformed ids name nothing."""
    pks = []
    for value in values:
        parts = value.rstrip("/").split("/")
        if len(parts) > 1 and parts[-2] != resource_type:
            raise SearchError(f"{parameter}: give a {resource_type} reference, not {value!r}.")
        if match := parse_id(resource_type, parts[-1]):
            pks.append(int(match.group(1)))
    return pks


def category_matches(values):
    for value in values:
        system, bar, code = value.rpartition("|")
        if code == SERVICE_CATEGORY and (not bar or system in ("", SERVICE_CATEGORY_SYSTEM)):
            return True
    return False


def string_q(fields, values, modifier):
    """OR of the values over OR of the fields, with FHIR's string matching."""
    lookup = {"": "istartswith", "exact": "exact", "contains": "icontains"}[modifier]
    q = Q(pk__in=[])
    for value in values:
        for field in fields:
            q |= Q(**{f"{field}__{lookup}": value})
    return q


NOTHING = Q(pk__in=[])


def _id_q(resource_type, values):
    matches = [m for m in (parse_id(resource_type, v) for v in values) if m]
    if resource_type != "HealthcareService":
        return Q(pk__in=[int(m.group(1)) for m in matches])
    q = NOTHING
    for match in matches:
        q |= Q(location__clinic_id=int(match.group(1)), route__slug=match.group(2))
    return q


ADDRESS_FIELDS = {
    "address-city": "city",
    "address-state": "state",
    "address-postalcode": "postal_code",
}


def _one_q(resource_type, name, modifier, values):
    """The filter of one parameter occurrence on the resource's queryset (queries.py)."""
    if name == "_id":
        return _id_q(resource_type, values)
    if name == "name" and resource_type == "Organization":
        return string_q(["name"], values, modifier)
    if name == "name":  # Location: its own name, else its clinic's
        own = string_q(["name"], values, modifier)
        return own | (Q(name="") & string_q(["clinic__name"], values, modifier))
    if name in ADDRESS_FIELDS:
        q = string_q([ADDRESS_FIELDS[name]], values, modifier)
        if resource_type == "Organization":
            return Q(pk__in=Location.objects.filter(q).values("clinic_id"))
        return q
    if name == "service-category":
        return Q() if category_matches(values) else NOTHING
    if name == "organization":
        pks = reference_pks("Organization", values, name)
        field = {"Location": "clinic_id", "PractitionerRole": "clinic_id"}
        return Q(**{f"{field.get(resource_type, 'location__clinic_id')}__in": pks})
    if name == "location":
        pks = reference_pks("Location", values, name)
        if resource_type == "HealthcareService":
            return Q(location_id__in=pks)
        return Q(clinic_id__in=Location.objects.filter(pk__in=pks).values("clinic_id"))
    raise SearchError(f"{name}: not supported on {resource_type}.")


def search_filter(resource_type, query):
    """The Q of every search parameter in `query` (checked by `refused` first)."""
    q = Q()
    known = params_of(resource_type)
    for key in query:
        name, _, modifier = key.partition(":")
        if key in RESULT_PARAMS or name == "_lastUpdated" or name not in known:
            continue
        for text in query.getlist(key):
            values = [value for value in text.split(",") if value]
            q &= _one_q(resource_type, name, modifier, values) if values else Q()
    return q
