"""Validators for identifiers the directory stores (NPI, US states, ZIP codes, phone numbers),
and the one vocabulary of yes and no that every input reads (search, open data, imports)."""

import re
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

# USPS codes for the 50 states, DC and the inhabited territories.
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands",
    "AS": "American Samoa", "MP": "Northern Mariana Islands",
}  # fmt: skip

# Numbers and ids people and programs send (issue 12.10): ASCII digits only, matched whole.
# Python's int() also reads other scripts' digits ("٣", "３"), and `$` matches before a
# trailing newline, so neither int() nor a pattern ending in `$` is the rule.
DIGITS_RE = re.compile(r"[0-9]+")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def whole_number(text):
    """The int of `text` when it is ASCII digits and nothing else; ValueError otherwise."""
    if not isinstance(text, str) or not DIGITS_RE.fullmatch(text):
        raise ValueError(f"not a whole number: {text!r}")
    return int(text)


def canonical_uuid(text):
    """`text` as a lower-case UUID when it is one in the usual 8-4-4-4-12 hex form (no braces,
    no `urn:uuid:`, nothing around it); ValueError otherwise."""
    if not isinstance(text, str) or not UUID_RE.fullmatch(text):
        raise ValueError(f"not a UUID: {text!r}")
    return str(uuid.UUID(text))


POSTAL_CODE_RE = re.compile(r"^\d{5}(-\d{4})?$")

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-.]{7,25}$", "Enter a phone number such as +1 503 555 0101."
)


def npi_is_valid(value):
    """The NPI check digit: Luhn over "80840" + the 10 digits (CMS, NPI standard)."""
    if not (isinstance(value, str) and len(value) == 10 and value.isdigit()):
        return False
    if value[0] not in "12":
        return False
    digits = [int(c) for c in "80840" + value]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


NPI_REGISTRY_RECORD = "https://npiregistry.cms.hhs.gov/provider-view/{npi}"


def npi_registry_url(npi):
    """The public NPPES record of an NPI, where anyone can check it."""
    return NPI_REGISTRY_RECORD.format(npi=npi) if npi else ""


def validate_npi(value):
    if not npi_is_valid(value):
        raise ValidationError(
            "%(value)s is not a valid NPI: it must be 10 digits starting with 1 or 2, "
            "with a correct check digit.",
            params={"value": value},
            code="invalid_npi",
        )


def validate_us_state(value):
    if value not in US_STATES:
        raise ValidationError(
            "%(value)s is not a two-letter USPS state code.", params={"value": value}
        )


def validate_postal_code(value):
    if not POSTAL_CODE_RE.match(value):
        raise ValidationError(
            "%(value)s is not a US ZIP code (12345 or 12345-6789).", params={"value": value}
        )


def parse_state_list(value):
    """ "CA, nv OR" -> ["CA", "NV", "OR"]; raises ValidationError naming unknown codes."""
    codes = [code.upper() for code in re.split(r"[\s,;]+", value or "") if code]
    unknown = [code for code in codes if code not in US_STATES]
    if unknown:
        raise ValidationError(
            "Unknown state codes: %(codes)s. Use two-letter USPS codes such as CA, NY.",
            params={"codes": ", ".join(unknown)},
        )
    return sorted(set(codes))


def validate_state_list(value):
    parse_state_list(value)


# Words for yes and no, in any case: the search flags, the open data API's booleans and the
# import's yes/no columns all read these.
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "on"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "off"})


def yes_or_no(text):
    """True or False for a yes/no word, None for blank; ValueError for anything else."""
    word = (text or "").strip().lower()
    if not word:
        return None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{text!r} is neither yes nor no")
