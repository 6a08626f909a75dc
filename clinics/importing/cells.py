"""Cell values: what real spreadsheets contain, normalised, or a message saying how to fix it.

BOM, CRLF, stray spaces, any common US phone format, ZIPs that lost their leading zero, URLs
without a scheme, Yes/Y/TRUE/1: each parser returns the stored value or raises ValueProblem.
"""

import math
import re
from functools import lru_cache
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clinics import geo, phones
from clinics.gazetteer import zip_place
from clinics.validators import US_STATES, npi_is_valid, yes_or_no


class ValueProblem(Exception):
    """A cell's value is wrong; the message says how to fix it."""


def clean(value):
    """Trim and collapse the white space spreadsheets leave around and inside values."""
    if not value:
        return ""
    value = value.strip()
    if "  " in value or "\u00a0" in value or "\t" in value or "\n" in value or "\r" in value:
        value = " ".join(value.replace("\u00a0", " ").split())
    elif "\u2028" in value or "\u2029" in value or "\x85" in value:  # Unicode line breaks
        value = " ".join(value.split())
    return value


# What sources write for "none": a word, a dash, a scheme with no address, a run of one digit.
PLACEHOLDER_WORDS = frozenset(
    {
        "n/a", "n.a.", "n.a", "none", "null", "nil", "nan", "-", "--", "---", ".", "?",
        "tbd", "tba", "tbc", "unknown", "not available", "not applicable", "no website",
        "no phone", "no email", "none listed", "not listed",
    }
)  # fmt: skip
PLACEHOLDER_PATTERN = re.compile(
    r"(?:https?:?/*(?:www\.?)?/?|www\.?|[+(]?(\d)(?:[\s().-]*\1){6,}|[\u2013\u2014_]+)",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def is_placeholder(value):
    """True for a cell that only says there is no value: `N/A`, `http://`, `0000000000`..."""
    if not value or len(value) > 40:  # every placeholder is short; most cells are not
        return False
    text = clean(value).lower()
    return bool(text) and (text in PLACEHOLDER_WORDS or bool(PLACEHOLDER_PATTERN.fullmatch(text)))


def parse_boolean(value):
    try:
        return yes_or_no(clean(value))
    except ValueError:
        raise ValueProblem(
            _("%(value)r is not yes or no; write yes, no, true, false, 1 or 0") % {"value": value}
        ) from None


def parse_slugs(value, known, kind):
    """`a; b` -> {"a", "b"}; tolerates commas, capitals and names written with spaces."""
    cache = _slug_cache.setdefault((id(known), kind), {})
    if value in cache:
        return set(cache[value])
    slugs = _parse_slugs(value, known, kind)
    if len(cache) < 65536:
        cache[value] = frozenset(slugs)
    return slugs


# Parsed slug lists, per reference dict: real files repeat the same few combinations.
_slug_cache = {}


def _parse_slugs(value, known, kind):
    slugs = set()
    for part in re.split(r"[;,|]", value or ""):
        text = clean(part)
        if not text:
            continue
        slug = slugify(text) if kind != "language" else text.lower()
        if slug not in known:
            valid = ", ".join(sorted(known)) if len(known) <= 40 else "ISO 639-1 codes such as en"
            raise ValueProblem(f"unknown {kind} {text!r}; valid: {valid}")
        slugs.add(slug)
    return slugs


@lru_cache(maxsize=65536)
def parse_postal_code(value):
    """ZIP or ZIP+4; restores the leading zeros a spreadsheet dropped (2134 -> 02134)."""
    text = clean(value).replace(" ", "")
    if match := re.fullmatch(r"(\d{3,5})(?:-(\d{4}))?", text):
        zip5, plus4 = match.group(1).zfill(5), match.group(2)
    elif re.fullmatch(r"\d{8,9}", text):
        text = text.zfill(9)
        zip5, plus4 = text[:5], text[5:]
    else:
        raise ValueProblem(
            _("%(value)r is not a US ZIP code; write 12345 or 12345-6789") % {"value": value}
        )
    return f"{zip5}-{plus4}" if plus4 else zip5


@lru_cache(maxsize=65536)
def parse_state(value):
    text = clean(value)
    code = text.upper()
    if code in US_STATES:
        return code
    by_name = {name.lower(): code for code, name in US_STATES.items()}
    if text.lower() in by_name:
        return by_name[text.lower()]
    raise ValueProblem(
        _("%(value)r is not a US state; use a two-letter USPS code such as OR or NY")
        % {"value": value}
    )


def check_zip_in_state(postal_code, state):
    """The ZIP's (latitude, longitude, city, state) from the offline index, checked against
    the state given; raises ValueProblem for an unknown ZIP or one in another state. The
    coordinates are None for a ZIP the data knows without a centre (77352)."""
    entry = zip_place(postal_code[:5])
    if entry is None:
        raise ValueProblem(
            _("%(zip)s is not a known US ZIP code; check the digits") % {"zip": postal_code}
        )
    # A ZIP without a centre (military, unique, 77352) must be in the state given.
    if state and entry[3] != state and (entry[3] in US_STATES or entry[0] is None):
        raise ValueProblem(
            _("ZIP %(zip)s is in %(found)s, not %(state)s; check the ZIP or state")
            % {"zip": postal_code[:5], "found": entry[3], "state": state}
        )
    return entry


MAX_ZIP_DISTANCE_MILES = 50


def check_site_near_zip(latitude, longitude, zip_entry, postal_code):
    """Coordinates must lie within MAX_ZIP_DISTANCE_MILES of their ZIP's centre (when the
    offline data has one)."""
    if zip_entry[0] is None:
        return
    miles = geo.miles_between(latitude, longitude, zip_entry[0], zip_entry[1])
    if miles > MAX_ZIP_DISTANCE_MILES:
        raise ValueProblem(
            f"{latitude},{longitude} is {miles:.0f} miles from the centre of ZIP "
            f"{postal_code[:5]} (more than {MAX_ZIP_DISTANCE_MILES}); check the "
            "coordinates (latitude first, west is negative) or the ZIP"
        )


def parse_phone(value):
    """The PhoneNumber in a cell (clinics.phones: one definition), extension included."""
    try:
        return phones.parse_phone(clean(value))
    except phones.PhoneProblem as problem:
        raise ValueProblem(str(problem)) from None


_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


@lru_cache(maxsize=65536)
def parse_url(value):
    text = clean(value)
    if not text:
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        text = "https://" + text
    try:
        _url_validator(text)
    except ValidationError:
        raise ValueProblem(
            _("%(value)r is not a web address; write https://example.org") % {"value": value}
        ) from None
    parts = urlsplit(text)
    return parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()).geturl()


@lru_cache(maxsize=65536)
def parse_email(value):
    text = clean(value)
    if not text:
        return ""
    text = text.removeprefix("mailto:")
    try:
        _email_validator(text)
    except ValidationError:
        raise ValueProblem(_("%(value)r is not an email address") % {"value": value}) from None
    return text


@lru_cache(maxsize=65536)
def parse_npi(value):
    text = re.sub(r"[\s-]", "", clean(value))
    if not text:
        return ""
    if not re.fullmatch(r"\d{10}", text):
        raise ValueProblem(_("%(value)r is not an NPI; an NPI has 10 digits") % {"value": value})
    if not npi_is_valid(text):
        raise ValueProblem(
            _("%(npi)s fails the NPI check digit; copy the organisation NPI from NPPES again")
            % {"npi": text}
        )
    return text


@lru_cache(maxsize=65536)
def parse_price(value):
    """`450` -> (450, 450); `$400 - $700` -> (400, 700); blank -> (None, None)."""
    text = clean(value).replace("$", "").replace(",", "").replace(" ", "")
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("USD", "")
    if not text:
        return None, None
    if match := re.fullmatch(r"(\d+)(?:\.0+)?", text):
        price = int(match.group(1))
        return price, price
    if match := re.fullmatch(r"(\d+)(?:\.0+)?-(\d+)(?:\.0+)?", text):
        low, high = int(match.group(1)), int(match.group(2))
        if low > high:
            raise ValueProblem(
                _(
                    "the price range %(low)s-%(high)s is reversed; write the lower price "
                    "first: %(high)s-%(low)s"
                )
                % {"low": low, "high": high}
            )
        return low, high
    raise ValueProblem(
        _("%(value)r is not a price; write whole US dollars per session: 450 or 400-700")
        % {"value": value}
    )


def parse_coordinate(value, low, high, name):
    text = clean(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueProblem(f"{value!r} is not a number; write decimal degrees") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueProblem(f"{text} is outside {low} to {high}; is it the {name}?")
    return number
