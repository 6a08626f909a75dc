"""Validators for identifiers the directory stores (NPI, US states, ZIP codes, phone numbers),
the one rule for control characters in text, and the one vocabulary of yes and no that every
input reads (search, open data, imports)."""

import re
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

# USPS codes for the 50 states, DC and the inhabited territories: the English names, which
# input is read in; shown in the page's language with state_label() (issue 20).
US_STATES = {
    "AL": gettext_noop("Alabama"),
    "AK": gettext_noop("Alaska"),
    "AZ": gettext_noop("Arizona"),
    "AR": gettext_noop("Arkansas"),
    "CA": gettext_noop("California"),
    "CO": gettext_noop("Colorado"),
    "CT": gettext_noop("Connecticut"),
    "DE": gettext_noop("Delaware"),
    "DC": gettext_noop("District of Columbia"),
    "FL": gettext_noop("Florida"),
    "GA": gettext_noop("Georgia"),
    "HI": gettext_noop("Hawaii"),
    "ID": gettext_noop("Idaho"),
    "IL": gettext_noop("Illinois"),
    "IN": gettext_noop("Indiana"),
    "IA": gettext_noop("Iowa"),
    "KS": gettext_noop("Kansas"),
    "KY": gettext_noop("Kentucky"),
    "LA": gettext_noop("Louisiana"),
    "ME": gettext_noop("Maine"),
    "MD": gettext_noop("Maryland"),
    "MA": gettext_noop("Massachusetts"),
    "MI": gettext_noop("Michigan"),
    "MN": gettext_noop("Minnesota"),
    "MS": gettext_noop("Mississippi"),
    "MO": gettext_noop("Missouri"),
    "MT": gettext_noop("Montana"),
    "NE": gettext_noop("Nebraska"),
    "NV": gettext_noop("Nevada"),
    "NH": gettext_noop("New Hampshire"),
    "NJ": gettext_noop("New Jersey"),
    "NM": gettext_noop("New Mexico"),
    "NY": gettext_noop("New York"),
    "NC": gettext_noop("North Carolina"),
    "ND": gettext_noop("North Dakota"),
    "OH": gettext_noop("Ohio"),
    "OK": gettext_noop("Oklahoma"),
    "OR": gettext_noop("Oregon"),
    "PA": gettext_noop("Pennsylvania"),
    "RI": gettext_noop("Rhode Island"),
    "SC": gettext_noop("South Carolina"),
    "SD": gettext_noop("South Dakota"),
    "TN": gettext_noop("Tennessee"),
    "TX": gettext_noop("Texas"),
    "UT": gettext_noop("Utah"),
    "VT": gettext_noop("Vermont"),
    "VA": gettext_noop("Virginia"),
    "WA": gettext_noop("Washington"),
    "WV": gettext_noop("West Virginia"),
    "WI": gettext_noop("Wisconsin"),
    "WY": gettext_noop("Wyoming"),
    "PR": gettext_noop("Puerto Rico"),
    "GU": gettext_noop("Guam"),
    "VI": gettext_noop("U.S. Virgin Islands"),
    "AS": gettext_noop("American Samoa"),
    "MP": gettext_noop("Northern Mariana Islands"),
}


def state_label(code):
    """A state's name as the page reads it: "South Carolina", "Carolina del Sur"."""
    return gettext(US_STATES[code])


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


# Control characters: C0 (NUL, tab, line feed, carriage return, escape...), DEL, C1 (with NEL,
# U+0085) and the Unicode line and paragraph separators. A single-line field (a name, an
# address, a city, a role) holds none of them (issue 12, item 4): a line break in a clinic's
# name would end up in email subjects, CSV cells and page titles.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What multi-line text may hold of them: tabs and line breaks.
TEXT_WHITE_SPACE = frozenset("\t\n\r\x85\u2028\u2029")
LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")


def control_character_name(character):
    """How to name a control character to the person who typed it."""
    if character in LINE_BREAKS:
        return _("a line break")
    if character == "\t":
        return _("a tab")
    code = ord(character)
    if code == 0:
        return _("a NUL character")
    return _("the control character %(code)s") % {"code": f"U+{code:04X}"}


def control_character_in(value, *, allowed=frozenset()):
    """The first control character of `value` that is not in `allowed`, or None."""
    for match in CONTROL_CHARACTERS.finditer(str(value or "")):
        if match.group() not in allowed:
            return match.group()
    return None


def validate_single_line(value):
    """Refuse line breaks, tabs, NUL and every other control character (single-line fields)."""
    if character := control_character_in(value):
        raise ValidationError(
            _(
                "Write this on one line, without line breaks or control characters "
                "(it contains %(what)s)."
            ),
            params={"what": control_character_name(character)},
            code="control_character",
        )


POSTAL_CODE_RE = re.compile(r"^\d{5}(-\d{4})?$")

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-.]{7,25}$", gettext_lazy("Enter a phone number such as +1 503 555 0101.")
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
            _(
                "%(value)s is not a valid NPI: it must be 10 digits starting with 1 or 2, "
                "with a correct check digit."
            ),
            params={"value": value},
            code="invalid_npi",
        )


def validate_us_state(value):
    if value not in US_STATES:
        raise ValidationError(
            _("%(value)s is not a two-letter USPS state code."), params={"value": value}
        )


def validate_postal_code(value):
    if not POSTAL_CODE_RE.match(value):
        raise ValidationError(
            _("%(value)s is not a US ZIP code (12345 or 12345-6789)."), params={"value": value}
        )


def parse_state_list(value):
    """ "CA, nv OR" -> ["CA", "NV", "OR"]; raises ValidationError naming unknown codes."""
    codes = [code.upper() for code in re.split(r"[\s,;]+", value or "") if code]
    unknown = [code for code in codes if code not in US_STATES]
    if unknown:
        raise ValidationError(
            _("Unknown state codes: %(codes)s. Use two-letter USPS codes such as CA, NY."),
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
