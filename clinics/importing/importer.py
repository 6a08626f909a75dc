"""Bulk import and export of clinics as CSV, in the format of ../shared/spec/import-format.md.

One row is one Location; rows sharing `clinic_id` are one Clinic. Clinic-level columns
(CLINIC_COLUMNS) come from the clinic's rows and must not contradict each other; every other
column describes the location. The import runs in three steps:

1. `parse_rows` reads the CSV, normalises what real spreadsheets contain (BOM, CRLF, stray
   spaces, any common US phone format, ZIPs that lost their leading zero, URLs without a
   scheme, Yes/Y/TRUE/1) and collects every problem as `line N: column: message`.
2. `import_clinics` matches clinics by (`--source`, `clinic_id`) and locations by
   (clinic, `location_id`), so a second run of the same file changes nothing.
3. Writes are batched (executemany inserts, bulk_update) and every change gets a history record with
   the same shape simple-history gives a save(): the row, and a snapshot of its many-to-many
   fields, with the change reason "CSV import (<source>)".

Mapping decisions (also in README.md, "Importing and exporting"):
- `psychotherapy` is yes when the clinic offers KAP in house or integration sessions; importing
  yes sets `offers_kap` unless one of the two is already set, no clears both.
- `telehealth` is `offers_telehealth`; `accepting` is `accepting_new_patients`.
- A blank yes/no column leaves the stored value alone (a new clinic gets the model default).
- `phone` is the location's phone; `insurance` gives payer acceptances for all routes.
- Missing coordinates come from the ZIP centroid (offline, clinics.geo), never the network.
- Status is set when a clinic is created (pending, or published with `--publish`); moderation
  owns it afterwards. Locations missing from a file are left alone, never deleted.
"""

import csv
import enum
import io
import math
import operator
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from clinics import caching, geo
from clinics.models import (
    Clinic,
    Condition,
    Language,
    Location,
    Offering,
    Payer,
    PayerAcceptance,
    PaymentOption,
    TreatmentRoute,
    refresh_masks,
)
from clinics.validators import US_STATES, npi_is_valid

REQUIRED_COLUMNS = [
    "clinic_id",
    "clinic_name",
    "location_id",
    "address_line1",
    "city",
    "state",
    "postal_code",
    "routes",
]
CLINIC_COLUMNS = [
    "clinic_name",
    "email",
    "website",
    "booking_url",
    "npi",
    "psychotherapy",
    "telehealth",
    "accepting",
]
BASE_COLUMNS = [
    "clinic_id",
    "clinic_name",
    "location_id",
    "location_name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "country",
    "latitude",
    "longitude",
    "phone",
    "email",
    "website",
    "booking_url",
    "npi",
    "routes",
]
TAIL_COLUMNS = [
    "conditions",
    "insurance",
    "payment",
    "psychotherapy",
    "telehealth",
    "accepting",
    "languages",
]
MAX_ZIP_DISTANCE_MILES = 50
TRUE_WORDS = {"yes", "y", "true", "t", "1"}
FALSE_WORDS = {"no", "n", "false", "f", "0"}
LOCATION_FIELDS = [
    "name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "country",
    "latitude",
    "longitude",
    "coordinates_source",
    "phone",
]
CLINIC_TEXT_FIELDS = {
    "clinic_name": "name",
    "email": "email",
    "website": "website",
    "booking_url": "booking_url",
    "npi": "npi",
}
CLINIC_BOOLEAN_FIELDS = {
    "telehealth": "offers_telehealth",
    "accepting": "accepting_new_patients",
}
MAX_LENGTHS = {
    "clinic_id": (Clinic, "import_ref"),
    "clinic_name": (Clinic, "name"),
    "email": (Clinic, "email"),
    "website": (Clinic, "website"),
    "booking_url": (Clinic, "booking_url"),
    "location_id": (Location, "import_ref"),
    "location_name": (Location, "name"),
    "address_line1": (Location, "address_line1"),
    "address_line2": (Location, "address_line2"),
    "city": (Location, "city"),
}
HISTORY_COLUMNS = ["history_date", "history_change_reason", "history_type", "history_user"]
BATCH_SIZE = 2000
# Keeps `pk__in` lists under SQLite's limit on query parameters.
CHUNK_SIZE = 5000


def listings():
    """Clinics as the directory lists them: without moderation working copies (issue 4)."""
    queryset = Clinic.objects.all()
    if any(f.name == "draft_of" for f in Clinic._meta.get_fields()):
        queryset = queryset.filter(draft_of__isnull=True)
    return queryset


def header(routes=None):
    """The export header: the base columns, one price column per route, the rest."""
    if routes is None:
        routes = list(TreatmentRoute.objects.values_list("slug", flat=True))
    return BASE_COLUMNS + [f"price_{slug}" for slug in routes] + TAIL_COLUMNS


# Reports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        return f"line {self.line}: {self.column}: {self.message}"


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    geocoded: int = 0

    def __str__(self):
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.invalid} invalid"
        )


@dataclass
class ImportReport:
    """What an import did (or, in a dry run or after errors, would have done)."""

    source: str
    dry_run: bool = False
    skip_invalid: bool = False
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    clinics: Tally = field(default_factory=Tally)
    locations: Tally = field(default_factory=Tally)
    written: bool = False

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        if self.written:
            outcome = "Imported"
        elif self.dry_run and (self.ok or self.skip_invalid):
            outcome = "Dry run, nothing written"
        else:
            outcome = "Nothing written: fix the errors above, or use --skip-invalid"
        return [
            f"{outcome} (source {self.source!r}).",
            f"clinics: {self.clinics}",
            f"locations: {self.locations}, {self.locations.geocoded} geocoded",
        ]

    def lines(self):
        """The whole report, errors first, as a person reads it."""
        return [str(e) for e in self.errors] + [str(w) for w in self.warnings] + self.summary()

    def __str__(self):
        return "\n".join(self.lines())


# Parsing ---------------------------------------------------------------------------------


class ValueProblem(Exception):
    """A cell's value is wrong; the message says how to fix it."""


@dataclass
class ParsedLocation:
    line: int
    ref: str
    fields: dict
    offerings: dict  # route slug -> (min, max)
    conditions: set
    payers: set
    payment_options: set
    languages: set
    geocoded: bool = False


@dataclass
class ParsedClinic:
    ref: str
    line: int
    values: dict = field(default_factory=dict)  # column -> (normalised value, line)
    locations: list = field(default_factory=list)
    invalid: bool = False


class ReferenceData:
    """Slugs the import format uses, loaded once per import."""

    def __init__(self):
        self.routes = dict(TreatmentRoute.objects.values_list("slug", "pk"))
        self.conditions = dict(Condition.objects.values_list("slug", "pk"))
        self.payers = dict(Payer.objects.values_list("slug", "pk"))
        self.payment_options = dict(PaymentOption.objects.values_list("slug", "pk"))
        self.languages = dict(Language.objects.values_list("code", "pk"))
        self.route_slugs = {pk: slug for slug, pk in self.routes.items()}


def clean(value):
    """Trim and collapse the white space spreadsheets leave around and inside values."""
    if not value:
        return ""
    value = value.strip()
    if "  " in value or "\u00a0" in value or "\t" in value or "\n" in value or "\r" in value:
        value = " ".join(value.replace("\u00a0", " ").split())
    return value


def parse_boolean(value):
    text = clean(value).lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueProblem(f"{value!r} is not yes or no; write yes, no, true, false, 1 or 0")


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
        raise ValueProblem(f"{value!r} is not a US ZIP code; write 12345 or 12345-6789")
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
    raise ValueProblem(f"{value!r} is not a US state; use a two-letter USPS code such as OR or NY")


US_PHONE_RE = re.compile(r"^(?:\+?1[\s.-]*)?\(?([2-9]\d\d)\)?[\s.-]*([2-9]\d\d)[\s.-]*(\d{4})$")


@lru_cache(maxsize=65536)
def _us_exchange_is_valid(area, exchange):
    number = phonenumbers.parse(f"+1{area}{exchange}0100")
    return phonenumbers.is_valid_number(number)


def parse_phone(value):
    text = clean(value)
    if not text:
        return ""
    if match := US_PHONE_RE.match(text):
        # Fast path for the usual US forms; validity depends on area code and exchange only.
        area, exchange, line = match.groups()
        if _us_exchange_is_valid(area, exchange):
            return f"+1 {area}-{exchange}-{line}"
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueProblem(f"{value!r} is not a phone number; write it as (503) 555-0101")
    if number.extension:
        raise ValueProblem(f"{value!r} has an extension; give the number patients should call")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


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
        raise ValueProblem(f"{value!r} is not a web address; write https://example.org") from None
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
        raise ValueProblem(f"{value!r} is not an email address") from None
    return text


@lru_cache(maxsize=65536)
def parse_npi(value):
    text = re.sub(r"[\s-]", "", clean(value))
    if not text:
        return ""
    if not re.fullmatch(r"\d{10}", text):
        raise ValueProblem(f"{value!r} is not an NPI; an NPI has 10 digits")
    if not npi_is_valid(text):
        raise ValueProblem(
            f"{text} fails the NPI check digit; copy the organisation NPI from NPPES again"
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
                f"the price range {low}-{high} is reversed; write the lower price first: "
                f"{high}-{low}"
            )
        return low, high
    raise ValueProblem(
        f"{value!r} is not a price; write whole US dollars per session: 450 or 400-700"
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


def miles_between(lat1, lng1, lat2, lng2):
    """Great-circle distance, the same formula as geo.DistanceMiles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dlat = (phi2 - phi1) / 2
    half_dlng = math.radians(lng2 - lng1) / 2
    inner = math.sin(half_dlat) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlng) ** 2
    return 2 * geo.EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(inner)))


def normalise_column(name):
    return re.sub(r"[\s-]+", "_", clean(name).lower())


def read_csv(source):
    """The header and the rows as (line number, values); `source` is a path, bytes or a file."""
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Spreadsheet programs on Windows still save "CSV" as Windows-1252.
            text = source.decode("cp1252", errors="replace")
    elif isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            return read_csv(handle.read())
    else:
        data = source.read()
        if isinstance(data, bytes):
            return read_csv(data)
        text = data
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        columns = next(reader)
    except StopIteration:
        return [], []
    columns = [normalise_column(c) for c in columns]
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows.append((reader.line_num, values))
    return columns, rows


def parse_rows(columns, rows, reference, progress=None):
    """Validate every row; return clinics in file order and every error at once."""
    errors, warnings = [], []
    route_columns = {}
    for column in columns:
        if column.startswith("price_"):
            slug = column.removeprefix("price_").replace("_", "-")
            if slug not in reference.routes:
                valid = ", ".join(f"price_{s}" for s in sorted(reference.routes))
                errors.append(RowError(1, column, f"unknown route {slug!r}; valid: {valid}"))
            route_columns[column] = slug
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        errors.append(RowError(1, "header", f"missing required columns: {', '.join(missing)}"))
    known = set(BASE_COLUMNS) | set(TAIL_COLUMNS) | set(route_columns)
    for column in columns:
        if column not in known:
            warnings.append(f"line 1: {column}: unknown column, ignored")
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        errors.append(RowError(1, "header", f"duplicate columns: {', '.join(duplicated)}"))
    if errors:
        return [], errors, warnings

    max_lengths = {
        column: model._meta.get_field(name).max_length
        for column, (model, name) in MAX_LENGTHS.items()
    }
    clinics = {}
    location_lines = {}
    for line, values in progress(rows) if progress else rows:
        if len(values) > len(columns) and any(v.strip() for v in values[len(columns) :]):
            errors.append(RowError(line, "row", f"{len(values)} values for {len(columns)} columns"))
        row = {
            column: clean(values[i]) if i < len(values) else "" for i, column in enumerate(columns)
        }
        row_errors = []

        def problem(column, message, errs=row_errors, line=line):
            errs.append(RowError(line, column, message))

        for column in REQUIRED_COLUMNS:
            if not row.get(column):
                hint = ""
                if column == "routes":
                    hint = f"; give at least one of {', '.join(sorted(reference.routes))}"
                problem(column, "required" + hint)

        clinic_ref = row.get("clinic_id", "")
        clinic_values = {}
        clinic_error = False
        for column, parser in [
            ("clinic_name", clean),
            ("email", parse_email),
            ("website", parse_url),
            ("booking_url", parse_url),
            ("npi", parse_npi),
            ("psychotherapy", parse_boolean),
            ("telehealth", parse_boolean),
            ("accepting", parse_boolean),
        ]:
            try:
                clinic_values[column] = parser(row.get(column, ""))
            except ValueProblem as error:
                problem(column, str(error))
                clinic_error = True

        fields = {}
        offerings, conditions, payers, payment, languages = {}, set(), set(), set(), set()
        geocoded = False

        def attempt(column, parse, *args, row=row, problem=problem):
            try:
                return parse(row.get(column, ""), *args)
            except ValueProblem as error:
                problem(column, str(error))
                return None

        fields["name"] = row.get("location_name", "")
        fields["address_line1"] = row.get("address_line1", "")
        fields["address_line2"] = row.get("address_line2", "")
        fields["city"] = row.get("city", "")
        country = row.get("country", "").upper() or "US"
        if country not in ("US", "USA"):
            problem("country", f"{country!r}: the directory lists US locations only; write US")
        fields["country"] = "US"
        state = attempt("state", parse_state) if row.get("state", "") else None
        postal_code = (
            attempt("postal_code", parse_postal_code) if row.get("postal_code", "") else None
        )
        fields["state"], fields["postal_code"] = state, postal_code
        fields["phone"] = attempt("phone", parse_phone) or ""
        latitude = attempt("latitude", parse_coordinate, -90, 90, "latitude")
        longitude = attempt("longitude", parse_coordinate, -180, 180, "longitude")
        lat_given, lng_given = row.get("latitude", ""), row.get("longitude", "")
        if bool(lat_given) != bool(lng_given):
            problem(
                "latitude" if not lat_given else "longitude", "give both coordinates or neither"
            )

        zip_entry = geo.zip_index().get(postal_code[:5]) if postal_code else None
        if postal_code and zip_entry is None:
            problem("postal_code", f"{postal_code} is not a known US ZIP code; check the digits")
        elif zip_entry and state and zip_entry[3] != state and zip_entry[3] in US_STATES:
            problem(
                "postal_code",
                f"ZIP {postal_code[:5]} is in {zip_entry[3]}, not {state}; check the ZIP or state",
            )
        if latitude is not None and longitude is not None:
            if zip_entry:
                miles = miles_between(latitude, longitude, zip_entry[0], zip_entry[1])
                if miles > MAX_ZIP_DISTANCE_MILES:
                    problem(
                        "latitude",
                        f"{latitude},{longitude} is {miles:.0f} miles from the centre of ZIP "
                        f"{postal_code[:5]} (more than {MAX_ZIP_DISTANCE_MILES}); check the "
                        "coordinates (latitude first, west is negative) or the ZIP",
                    )
            fields["coordinates_source"] = Location.CoordinatesSource.SUPPLIED
        elif not lat_given and not lng_given and zip_entry:
            latitude, longitude = zip_entry[0], zip_entry[1]
            fields["coordinates_source"] = Location.CoordinatesSource.ZIP
            geocoded = True
        else:
            fields["coordinates_source"] = Location.CoordinatesSource.MISSING
        fields["latitude"], fields["longitude"] = latitude, longitude

        routes = attempt("routes", parse_slugs, reference.routes, "route")
        routes_known = routes is not None and bool(row.get("routes", ""))
        routes = routes or set()
        for column, slug in route_columns.items():
            price = attempt(column, parse_price)
            if price is None:
                continue
            if price != (None, None) and slug not in routes and routes_known:
                problem(column, f"a price for {slug}, but {slug} is not in routes; add it there")
            if slug in routes:
                offerings[slug] = price
        for slug in routes:
            offerings.setdefault(slug, (None, None))
        conditions = attempt("conditions", parse_slugs, reference.conditions, "condition")
        payers = attempt("insurance", parse_slugs, reference.payers, "payer")
        payment = attempt("payment", parse_slugs, reference.payment_options, "payment option")
        languages = attempt("languages", parse_slugs, reference.languages, "language")
        if languages == set():
            languages = {"en"} if "en" in reference.languages else set()

        location_ref = row.get("location_id", "")
        if clinic_ref and location_ref:
            key = (clinic_ref, location_ref)
            if key in location_lines:
                problem(
                    "location_id",
                    f"{location_ref} appears twice for clinic {clinic_ref} (line "
                    f"{location_lines[key]}); give each location its own id",
                )
            else:
                location_lines[key] = line

        clinic = None
        if clinic_ref:
            clinic = clinics.get(clinic_ref)
            if clinic is None:
                clinic = clinics[clinic_ref] = ParsedClinic(ref=clinic_ref, line=line)
            for column, value in clinic_values.items():
                if value in ("", None):
                    continue
                if column not in clinic.values:
                    clinic.values[column] = (value, line)
                elif clinic.values[column][0] != value:
                    problem(column, f"contradicts line {clinic.values[column][1]}")
                    clinic_error = True

        for column, limit in max_lengths.items():
            if len(row.get(column, "")) > limit:
                problem(column, f"longer than {limit} characters; shorten it")
                clinic_error = clinic_error or column in CLINIC_COLUMNS

        errors.extend(row_errors)
        if clinic is None:
            continue
        if clinic_error:
            clinic.invalid = True
        if row_errors:
            continue
        clinic.locations.append(
            ParsedLocation(
                line=line,
                ref=location_ref,
                fields=fields,
                offerings=offerings,
                conditions=conditions,
                payers=payers,
                payment_options=payment,
                languages=languages,
                geocoded=geocoded,
            )
        )
    return list(clinics.values()), errors, warnings


# Writing ---------------------------------------------------------------------------------


def chunks(items, size=CHUNK_SIZE):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Values the database driver cannot take as Python gives them.
PREPARED_TYPES = {
    "DateTimeField",
    "DateField",
    "TimeField",
    "DecimalField",
    "UUIDField",
    "JSONField",
}


def _value_getters(fields):
    getters = []
    for model_field in fields:
        if model_field.get_internal_type() in PREPARED_TYPES:
            # Rows of one import share their timestamps: prepare each value once.
            def getter(obj, f=model_field, prepared={}):  # noqa: B006
                value = getattr(obj, f.attname)
                try:
                    return prepared[value]
                except KeyError:
                    prepared[value] = f.get_db_prep_save(value, connection)
                    return prepared[value]
                except TypeError:
                    return f.get_db_prep_save(value, connection)

        elif model_field.choices:

            def getter(obj, attname=model_field.attname):
                value = getattr(obj, attname)
                return value.value if isinstance(value, enum.Enum) else value

        else:
            getter = operator.attrgetter(model_field.attname)
        getters.append(getter)
    return getters


class Draft:
    """A row about to be inserted: plain attributes, without a model instance's cost."""

    def __init__(self, values):
        self.__dict__.update(values)


_model_defaults = {}


def draft(model, **values):
    """A Draft with the model's field defaults, then `values`."""
    defaults = _model_defaults.get(model)
    if defaults is None:
        defaults = _model_defaults[model] = {
            f.attname: f.get_default() for f in model._meta.concrete_fields
        }
    row = Draft(defaults)
    row.__dict__.update(values)
    row.pk = getattr(row, model._meta.pk.attname)
    return row


def load_drafts(model, queryset, attname=None, ids=None):
    """Stored rows as Drafts (every concrete field), for `ids` of `attname` when given.

    Reading 100,000 rows as plain values is several times faster than as model instances.
    """
    names = [f.attname for f in model._meta.concrete_fields]
    pk_name = model._meta.pk.attname
    if attname is None:
        rows = queryset.values_list(*names).iterator(chunk_size=BATCH_SIZE)
    else:
        rows = (row[1:] for row in rows_with(queryset, attname, ids, *names))
    for values in rows:
        row = Draft(dict(zip(names, values, strict=True)))
        row.pk = getattr(row, pk_name)
        yield row


def as_instance(model, row):
    """A model instance for bulk_update from a Draft."""
    instance = model(**{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields})
    instance._state.adding = False
    return instance


def insert_rows(model, columns, rows):
    """INSERT plain rows with executemany: at 100,000 rows, a fraction of bulk_create's cost."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for chunk in chunks(rows, 10 * BATCH_SIZE):
            cursor.executemany(sql, chunk)


def insert_objects(model, objects, *, key, **filters):
    """INSERT unsaved objects, then give them their primary keys, found by a natural key."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    getters = _value_getters(fields)
    before = model._base_manager.aggregate(top=Max("pk"))["top"] or 0
    insert_rows(
        model,
        [f.column for f in fields],
        [tuple(get(obj) for get in getters) for obj in objects],
    )
    by_key = {tuple(getattr(obj, name) for name in key): obj for obj in objects}
    # New rows have keys above every key there was before the insert.
    queryset = model._base_manager.filter(pk__gt=before, **filters)
    for *values, pk in queryset.values_list(*key, "pk").iterator(chunk_size=BATCH_SIZE):
        obj = by_key.get(tuple(values))
        if obj is not None:
            setattr(obj, model._meta.pk.attname, pk)
            obj.pk = pk


def rows_with(queryset, attname, ids, *values):
    """(attname, *values) rows whose `attname` is one of `ids`.

    Freshly inserted ids are dense, and a range reads them far faster than an IN list.
    """
    ids = sorted(set(ids))
    wanted = set(ids)
    for chunk in chunks(ids):
        if chunk[-1] - chunk[0] < 2 * len(chunk):
            part = queryset.filter(**{f"{attname}__gte": chunk[0], f"{attname}__lte": chunk[-1]})
        else:
            part = queryset.filter(**{f"{attname}__in": chunk})
        for row in part.values_list(attname, *values).iterator(chunk_size=BATCH_SIZE):
            if row[0] in wanted:
                yield row


def record_history(model, objects, history_type, *, reason, user=None, date=None):
    """Bulk history records, as simple-history writes them on save, m2m snapshots included.

    simple-history's bulk helpers skip many-to-many fields; a listing's history must show
    conditions, payment options and languages too, so the snapshot rows are written here.
    """
    if not objects:
        return
    history_model = model.history.model
    date = date or timezone.now()
    tracked = [history_model._meta.get_field(f.name) for f in history_model.tracked_fields]
    getters = _value_getters(tracked)
    extra = (
        history_model._meta.get_field("history_date").get_db_prep_save(date, connection),
        reason,
        history_type,
        user.pk if user is not None else None,
    )
    insert_rows(
        history_model,
        [f.column for f in tracked]
        + [history_model._meta.get_field(name).column for name in HISTORY_COLUMNS],
        [tuple(get(obj) for get in getters) + extra for obj in objects],
    )
    m2m_fields = getattr(history_model, "_history_m2m_fields", [])
    if not m2m_fields or history_type == "-":
        return
    pk_name = model._meta.pk.attname
    records = history_model.objects.filter(history_date=date, history_type=history_type)
    history_ids = dict(rows_with(records, pk_name, [obj.pk for obj in objects], "history_id"))
    for m2m_field in m2m_fields:
        through = m2m_field.remote_field.through
        own = m2m_field.m2m_field_name()
        other = m2m_field.m2m_reverse_field_name()
        snapshot_model = getattr(history_model, m2m_field.name).model
        snapshot = []
        for own_id, pk, other_id in rows_with(
            through.objects.all(), f"{own}_id", history_ids, "pk", f"{other}_id"
        ):
            snapshot.append((pk, own_id, other_id, history_ids[own_id]))
        columns = [
            snapshot_model._meta.get_field(name).column for name in ("id", own, other, "history")
        ]
        insert_rows(snapshot_model, columns, snapshot)


def delete_with_history(model, objects, *, reason, user=None):
    record_history(model, objects, "-", reason=reason, user=user)
    for chunk in chunks([obj.pk for obj in objects]):
        model.objects.filter(pk__in=chunk).delete()


def unique_slugs(names, taken):
    """A slug per new clinic, unique against the database and each other."""
    slugs = []
    for name in names:
        base = slugify(name)[:180] or "clinic"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def apply_clinic_values(clinic, parsed, *, creating):
    """Set the clinic-level columns; returns True when something changed."""
    changed = False

    def assign(name, value):
        nonlocal changed
        if getattr(clinic, name) != value:
            setattr(clinic, name, value)
            changed = True

    for column, name in CLINIC_TEXT_FIELDS.items():
        value = parsed.values.get(column, ("", 0))[0]
        assign(name, value)
    for column, name in CLINIC_BOOLEAN_FIELDS.items():
        if column in parsed.values:
            assign(name, parsed.values[column][0])
    if "psychotherapy" in parsed.values:
        if parsed.values["psychotherapy"][0]:
            if not (clinic.offers_kap or clinic.offers_integration):
                assign("offers_kap", True)
        else:
            assign("offers_kap", False)
            assign("offers_integration", False)
    return changed and not creating


def import_clinics(
    source,
    *,
    source_name="csv",
    dry_run=False,
    publish=False,
    skip_invalid=False,
    user=None,
    progress=None,
):
    """Import a CSV (path, text, bytes or file); returns an ImportReport.

    All-or-nothing unless `skip_invalid`; `dry_run` runs everything in a transaction that is
    rolled back, so the counts are exactly what a real run would report.
    `progress` wraps an iterable (tqdm) to show progress over the rows.
    """
    limit = Clinic._meta.get_field("import_source").max_length
    if not source_name or len(source_name) > limit:
        raise ValueError(f"the source name must be 1 to {limit} characters: {source_name!r}")
    report = ImportReport(source=source_name, dry_run=dry_run, skip_invalid=skip_invalid)
    reference = ReferenceData()
    geo.zip_index()  # loaded once, before the progress bar starts
    columns, rows = read_csv(source)
    if not columns:
        report.errors.append(RowError(1, "header", "the file is empty; expected a header row"))
        return report
    parsed, errors, warnings = parse_rows(columns, rows, reference, progress=progress)
    report.errors.extend(errors)
    report.warnings.extend(warnings)
    invalid_lines = {e.line for e in errors}
    valid = []
    for clinic in parsed:
        if clinic.invalid or not clinic.locations:
            report.clinics.invalid += 1
            report.locations.invalid += len(clinic.locations)
            continue
        valid.append(clinic)
    report.locations.invalid += len(invalid_lines - {1})
    if errors and any(e.line == 1 for e in errors):
        return report
    if errors and not skip_invalid:
        return report
    try:
        with transaction.atomic():
            _write(valid, reference, report, source_name=source_name, publish=publish, user=user)
            if dry_run:
                transaction.set_rollback(True)
            else:
                report.written = True
                # Rows were written in bulk, without model signals.
                transaction.on_commit(caching.listings_changed)
    except IntegrityError as error:
        report.written = False
        report.errors.append(RowError(0, "database", f"nothing written: {error}"))
    return report


def _write(parsed_clinics, reference, report, *, source_name, publish, user):
    reason = f"CSV import ({source_name})"
    now = timezone.now()
    refs = {c.ref for c in parsed_clinics}
    existing = {}
    for clinic in load_drafts(Clinic, listings().filter(import_source=source_name)):
        if clinic.import_ref in refs:
            existing[clinic.import_ref] = clinic

    # Clinics.
    new_clinics, changed_clinics = [], []
    for parsed in parsed_clinics:
        clinic = existing.get(parsed.ref)
        if clinic is None:
            clinic = draft(
                Clinic,
                import_source=source_name,
                import_ref=parsed.ref,
                status=Clinic.Status.PUBLISHED if publish else Clinic.Status.PENDING,
                created_at=now,
                updated_at=now,
            )
            apply_clinic_values(clinic, parsed, creating=True)
            new_clinics.append(clinic)
        elif apply_clinic_values(clinic, parsed, creating=False):
            clinic.updated_at = now
            changed_clinics.append(clinic)
        else:
            report.clinics.unchanged += 1
        existing[parsed.ref] = clinic
    if new_clinics:
        taken = set(Clinic.objects.values_list("slug", flat=True))
        for clinic, slug in zip(
            new_clinics, unique_slugs([c.name for c in new_clinics], taken), strict=True
        ):
            clinic.slug = slug
        insert_objects(Clinic, new_clinics, key=("import_ref",), import_source=source_name)
        record_history(Clinic, new_clinics, "+", reason=reason, user=user, date=now)
    if changed_clinics:
        fields = [*CLINIC_TEXT_FIELDS.values(), *CLINIC_BOOLEAN_FIELDS.values()]
        fields += ["offers_kap", "offers_integration", "updated_at"]
        Clinic.objects.bulk_update(
            [as_instance(Clinic, c) for c in changed_clinics], fields, batch_size=BATCH_SIZE
        )
        record_history(Clinic, changed_clinics, "~", reason=reason, user=user, date=now)
    report.clinics.created += len(new_clinics)
    report.clinics.updated += len(changed_clinics)

    # Locations of the clinics that existed, with what hangs off them.
    created_ids = {c.pk for c in new_clinics}
    old_clinic_ids = [c.pk for c in existing.values() if c.pk not in created_ids]
    old_locations = {}
    m2m_state = defaultdict(
        lambda: {"conditions": set(), "payment_options": set(), "languages": set()}
    )
    offerings_by_location = defaultdict(dict)
    payers_by_location = defaultdict(list)
    for location in load_drafts(
        Location, Location.objects.exclude(import_ref=""), "clinic_id", old_clinic_ids
    ):
        old_locations[(location.clinic_id, location.import_ref)] = location
    old_location_ids = [loc.pk for loc in old_locations.values()]
    for name, other in [
        ("conditions", "condition_id"),
        ("payment_options", "paymentoption_id"),
        ("languages", "language_id"),
    ]:
        through = getattr(Location, name).through
        for location_id, other_id in rows_with(
            through.objects.all(), "location_id", old_location_ids, other
        ):
            m2m_state[location_id][name].add(other_id)
    for offering in load_drafts(Offering, Offering.objects.all(), "location_id", old_location_ids):
        offerings_by_location[offering.location_id][offering.route_id] = offering
    for acceptance in load_drafts(
        PayerAcceptance, PayerAcceptance.objects.all(), "location_id", old_location_ids
    ):
        payers_by_location[acceptance.location_id].append(acceptance)

    new_locations, changed_locations, pending = [], [], []
    for parsed in parsed_clinics:
        clinic = existing[parsed.ref]
        for parsed_location in parsed.locations:
            wanted = {
                "conditions": {reference.conditions[s] for s in parsed_location.conditions},
                "payment_options": {
                    reference.payment_options[s] for s in parsed_location.payment_options
                },
                "languages": {reference.languages[s] for s in parsed_location.languages},
            }
            location = old_locations.get((clinic.pk, parsed_location.ref))
            if location is None:
                location = draft(
                    Location,
                    clinic_id=clinic.pk,
                    import_ref=parsed_location.ref,
                    created_at=now,
                    updated_at=now,
                    **parsed_location.fields,
                )
                new_locations.append(location)
                state = {"conditions": set(), "payment_options": set(), "languages": set()}
                change = "created"
            else:
                state = m2m_state[location.pk]
                change = None
                for name in LOCATION_FIELDS:
                    if getattr(location, name) != parsed_location.fields[name]:
                        setattr(location, name, parsed_location.fields[name])
                        change = "updated"
                if state != wanted:
                    change = "updated"
            if parsed_location.geocoded and change:
                report.locations.geocoded += 1
            pending.append((location, parsed_location, state, wanted))
            if change == "updated":
                location.updated_at = now
                changed_locations.append(location)

    insert_objects(Location, new_locations, key=("clinic_id", "import_ref"))
    if changed_locations:
        Location.objects.bulk_update(
            [as_instance(Location, loc) for loc in changed_locations],
            [*LOCATION_FIELDS, "updated_at"],
            batch_size=BATCH_SIZE,
        )

    # Many-to-many rows, offerings and payers, diffed against what is stored.
    through_adds = defaultdict(list)
    through_removals = defaultdict(list)
    new_offerings, changed_offerings, gone_offerings = [], [], []
    new_acceptances, gone_acceptances = [], []
    child_changes = set()
    for location, parsed_location, state, wanted in pending:
        for name in ("conditions", "payment_options", "languages"):
            for other_id in wanted[name] - state[name]:
                through_adds[name].append((location.pk, other_id))
            for other_id in state[name] - wanted[name]:
                through_removals[name].append((location.pk, other_id))
        stored = offerings_by_location.get(location.pk, {})
        for slug, (low, high) in parsed_location.offerings.items():
            route_id = reference.routes[slug]
            offering = stored.get(route_id)
            if offering is None:
                new_offerings.append(
                    draft(
                        Offering,
                        location_id=location.pk,
                        route_id=route_id,
                        price_min_usd=low,
                        price_max_usd=high,
                    )
                )
                child_changes.add(location.pk)
            elif (offering.price_min_usd, offering.price_max_usd) != (low, high):
                offering.price_min_usd, offering.price_max_usd = low, high
                changed_offerings.append(offering)
                child_changes.add(location.pk)
        wanted_routes = {reference.routes[s] for s in parsed_location.offerings}
        for route_id, offering in stored.items():
            if route_id not in wanted_routes:
                gone_offerings.append(offering)
                child_changes.add(location.pk)
        acceptances = payers_by_location.get(location.pk, [])
        wanted_payers = {reference.payers[s] for s in parsed_location.payers}
        held = {a.payer_id for a in acceptances}
        for payer_id in sorted(wanted_payers - held):
            new_acceptances.append(
                draft(PayerAcceptance, location_id=location.pk, payer_id=payer_id)
            )
            child_changes.add(location.pk)
        for acceptance in acceptances:
            if acceptance.payer_id not in wanted_payers:
                gone_acceptances.append(acceptance)
                child_changes.add(location.pk)

    for name, pairs in through_removals.items():
        through = getattr(Location, name).through
        other = getattr(Location, name).field.m2m_reverse_field_name()
        by_location = defaultdict(list)
        for location_id, other_id in pairs:
            by_location[location_id].append(other_id)
        for location_id, other_ids in by_location.items():
            through.objects.filter(
                location_id=location_id, **{f"{other}_id__in": other_ids}
            ).delete()
    for name, pairs in through_adds.items():
        through = getattr(Location, name).through
        other = getattr(Location, name).field.m2m_reverse_field_name()
        columns = [through._meta.get_field(name).column for name in ("location", other)]
        insert_rows(through, columns, pairs)

    # Location history after the m2m rows, so each record's snapshot shows the new state.
    record_history(Location, new_locations, "+", reason=reason, user=user, date=now)
    record_history(Location, changed_locations, "~", reason=reason, user=user, date=now)

    insert_objects(Offering, new_offerings, key=("location_id", "route_id"))
    record_history(Offering, new_offerings, "+", reason=reason, user=user, date=now)
    if changed_offerings:
        Offering.objects.bulk_update(
            [as_instance(Offering, o) for o in changed_offerings],
            ["price_min_usd", "price_max_usd"],
            batch_size=BATCH_SIZE,
        )
        record_history(Offering, changed_offerings, "~", reason=reason, user=user, date=now)
    delete_with_history(Offering, gone_offerings, reason=reason, user=user)
    insert_objects(PayerAcceptance, new_acceptances, key=("location_id", "payer_id", "route_id"))
    record_history(PayerAcceptance, new_acceptances, "+", reason=reason, user=user, date=now)
    delete_with_history(PayerAcceptance, gone_acceptances, reason=reason, user=user)
    # Bulk writes send no signals: the route and insurance filters' bits follow here.
    refresh_masks(
        {
            row.location_id
            for row in (*new_offerings, *gone_offerings, *new_acceptances, *gone_acceptances)
        }
    )

    # A location whose offerings or payers changed counts as updated.
    counted = {loc.pk for loc in changed_locations}
    new_ids = {loc.pk for loc in new_locations}
    extra = child_changes - counted - new_ids
    report.locations.created += len(new_locations)
    report.locations.updated += len(changed_locations) + len(extra)
    report.locations.unchanged += (
        len(pending) - len(new_locations) - len(changed_locations) - len(extra)
    )


# Export ----------------------------------------------------------------------------------


def yes_no(value):
    return "yes" if value else "no"


def format_price(offering):
    if offering.price_min_usd is None:
        return ""
    if offering.price_max_usd in (None, offering.price_min_usd):
        return str(offering.price_min_usd)
    return f"{offering.price_min_usd}-{offering.price_max_usd}"


def format_coordinate(value):
    return "" if value is None else repr(value)


def export_rows(queryset=None):
    """Yield the header, then one row per location of the clinics, in the import format.

    `clinic_id` is the clinic's import ref, or its slug when it has none (or when two exported
    clinics share a ref); `location_id` likewise falls back to `loc-<pk>`. Coordinates geocoded
    from the ZIP are written blank so a re-import geocodes them the same way.
    """
    routes = list(TreatmentRoute.objects.values_list("slug", flat=True))
    columns = header(routes)
    yield columns
    queryset = listings() if queryset is None else queryset
    clinics = queryset.order_by("pk").prefetch_related(
        "locations__conditions",
        "locations__payment_options",
        "locations__languages",
        "locations__offerings__route",
        "locations__payer_acceptances__payer",
    )
    used_ids = set()
    for clinic in clinics.iterator(chunk_size=500):
        clinic_id = clinic.import_ref
        for candidate in (clinic.import_ref, clinic.slug, f"{clinic.slug}-{clinic.pk}"):
            if candidate and candidate not in used_ids:
                clinic_id = candidate
                break
        used_ids.add(clinic_id)
        clinic_columns = {
            "clinic_id": clinic_id,
            "clinic_name": clinic.name,
            "email": clinic.email,
            "website": clinic.website,
            "booking_url": clinic.booking_url,
            "npi": clinic.npi,
            "psychotherapy": yes_no(clinic.offers_kap or clinic.offers_integration),
            "telehealth": yes_no(clinic.offers_telehealth),
            "accepting": yes_no(clinic.accepting_new_patients),
        }
        location_ids = set()
        for location in sorted(clinic.locations.all(), key=lambda loc: loc.pk):
            location_id = location.import_ref
            if not location_id or location_id in location_ids:
                location_id = f"loc-{location.pk}"
            location_ids.add(location_id)
            supplied = location.coordinates_source != Location.CoordinatesSource.ZIP
            prices = {o.route.slug: format_price(o) for o in location.offerings.all()}
            row = {
                **clinic_columns,
                "location_id": location_id,
                "location_name": location.name,
                "address_line1": location.address_line1,
                "address_line2": location.address_line2,
                "city": location.city,
                "state": location.state,
                "postal_code": location.postal_code,
                "country": location.country or "US",
                "latitude": format_coordinate(location.latitude) if supplied else "",
                "longitude": format_coordinate(location.longitude) if supplied else "",
                "phone": location.phone,
                "routes": ";".join(o.route.slug for o in location.offerings.all()),
                "conditions": ";".join(sorted(c.slug for c in location.conditions.all())),
                "insurance": ";".join(
                    sorted({a.payer.slug for a in location.payer_acceptances.all()})
                ),
                "payment": ";".join(sorted(p.slug for p in location.payment_options.all())),
                "languages": ";".join(sorted(lang.code for lang in location.languages.all())),
            }
            for slug in routes:
                row[f"price_{slug}"] = prices.get(slug, "")
            yield [row[column] for column in columns]


def export_clinics(output, queryset=None):
    """Write the CSV to a text file object; returns the number of locations written."""
    writer = csv.writer(output, lineterminator="\n")
    count = -1
    for row in export_rows(queryset):
        writer.writerow(row)
        count += 1
    return count
