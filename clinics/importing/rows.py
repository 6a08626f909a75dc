"""Rows in: read the CSV, check every row, and gather the valid locations under their clinic.

`parse_rows` collects every problem as `line N: column: message` instead of stopping at the
first, so one run of a file tells its author everything to fix.
"""

from dataclasses import dataclass, field

from clinics import geo
from clinics.importing.cells import (
    ValueProblem,
    check_site_near_zip,
    check_zip_in_state,
    clean,
    parse_boolean,
    parse_coordinate,
    parse_email,
    parse_npi,
    parse_phone,
    parse_postal_code,
    parse_price,
    parse_slugs,
    parse_state,
    parse_url,
)
from clinics.importing.columns import (
    BASE_COLUMNS,
    CLINIC_COLUMNS,
    ERRORS_COLUMN,
    MAX_LENGTHS,
    REQUIRED_COLUMNS,
    TAIL_COLUMNS,
)
from clinics.importing.report import RowError, RowWarning
from clinics.importing.rowcells import Row
from clinics.models import Condition, Language, Location, Payer, PaymentOption, TreatmentRoute

# The clinic-level columns, each with its parser.
CLINIC_CELLS = [
    ("clinic_name", clean),
    ("email", parse_email),
    ("website", parse_url),
    ("booking_url", parse_url),
    ("npi", parse_npi),
    ("psychotherapy", parse_boolean),
    ("telehealth", parse_boolean),
    ("accepting", parse_boolean),
]


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
    error_lines: list = field(default_factory=list)  # lines of this clinic with errors


class ReferenceSlugs:
    """Slugs the import format uses, loaded once per import."""

    def __init__(self):
        self.routes = dict(TreatmentRoute.objects.values_list("slug", "pk"))
        self.conditions = dict(Condition.objects.values_list("slug", "pk"))
        self.payers = dict(Payer.objects.values_list("slug", "pk"))
        self.payment_options = dict(PaymentOption.objects.values_list("slug", "pk"))
        self.languages = dict(Language.objects.values_list("code", "pk"))
        self.route_slugs = {pk: slug for slug, pk in self.routes.items()}


def parse_rows(columns, rows, reference, progress=None):
    """Validate every row; return clinics in file order and every error at once."""
    route_columns, errors, warnings = check_header(columns, reference)
    if errors:
        return [], errors, warnings
    parser = RowParser(columns, route_columns, reference)
    for line, values in progress(rows) if progress else rows:
        row = parser.parse(line, values)
        errors.extend(row.errors)
        warnings.extend(row.warnings)
    return list(parser.clinics.values()), errors, warnings


def check_header(columns, reference):
    """({price column: route slug}, errors, warnings) of the header line."""
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
    known = set(BASE_COLUMNS) | set(TAIL_COLUMNS) | set(route_columns) | {ERRORS_COLUMN}
    for column in columns:
        if column not in known:
            warnings.append(RowWarning(1, column, "unknown column, ignored"))
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        errors.append(RowError(1, "header", f"duplicate columns: {', '.join(duplicated)}"))
    return route_columns, errors, warnings


class RowParser:
    """Checks the rows of one file in order; a valid row's location joins its clinic."""

    def __init__(self, columns, route_columns, reference):
        self.columns = columns
        self.route_columns = route_columns
        self.reference = reference
        self.max_lengths = {
            column: model._meta.get_field(name).max_length
            for column, (model, name) in MAX_LENGTHS.items()
        }
        self.ignored = set(columns) - set(BASE_COLUMNS) - set(TAIL_COLUMNS) - set(route_columns)
        self.clinics = {}  # clinic_id -> ParsedClinic, in file order
        self.location_lines = {}  # (clinic_id, location_id) -> line

    def parse(self, line, values):
        """The checked Row: its problems in the order of its columns."""
        row = Row(line, self.columns, values, required=REQUIRED_COLUMNS, ignored=self.ignored)
        width = len(self.columns)
        if len(values) > width and any(v.strip() for v in values[width:]):
            row.errors.insert(0, RowError(line, "row", f"{len(values)} values for {width} columns"))
        self.check_required(row)
        clinic_values, clinic_valid = parse_clinic_cells(row)
        location = self.parse_location(row)
        self.check_location_id(row)
        clinic = self.clinic_of(row)
        if clinic is not None:
            clinic_valid = self.add_clinic_values(row, clinic, clinic_values) and clinic_valid
        clinic_valid = self.check_lengths(row) and clinic_valid
        if clinic is not None:
            if not clinic_valid:
                clinic.invalid = True
            if not row.errors:
                clinic.locations.append(location)
            else:
                clinic.error_lines.append(row.line)
        return row

    def check_required(self, row):
        for column in REQUIRED_COLUMNS:
            if not row.get(column) and column not in row.bad:
                hint = ""
                if column == "routes":
                    hint = f"; give at least one of {', '.join(sorted(self.reference.routes))}"
                row.problem(column, "required" + hint)

    def parse_location(self, row):
        fields = {
            "name": row.get("location_name"),
            "address_line1": row.get("address_line1"),
            "address_line2": row.get("address_line2"),
            "city": row.get("city"),
        }
        country = row.get("country").upper() or "US"
        if country not in ("US", "USA"):
            row.problem("country", f"{country!r}: the directory lists US locations only; write US")
        fields["country"] = "US"
        fields["state"] = row.attempt("state", parse_state) if row.get("state") else None
        fields["postal_code"] = (
            row.attempt("postal_code", parse_postal_code) if row.get("postal_code") else None
        )
        phone = row.attempt("phone", parse_phone)
        fields["phone"] = phone.number if phone else ""
        fields["phone_extension"] = phone.extension if phone else ""
        geocoded = place_location(row, fields)
        offerings = self.parse_offerings(row)
        reference = self.reference
        conditions = row.attempt("conditions", parse_slugs, reference.conditions, "condition")
        payers = row.attempt("insurance", parse_slugs, reference.payers, "payer")
        payment = row.attempt("payment", parse_slugs, reference.payment_options, "payment option")
        languages = row.attempt("languages", parse_slugs, reference.languages, "language")
        if languages == set():
            languages = {"en"} if "en" in reference.languages else set()
        return ParsedLocation(
            line=row.line,
            ref=row.get("location_id"),
            fields=fields,
            offerings=offerings,
            conditions=conditions,
            payers=payers,
            payment_options=payment,
            languages=languages,
            geocoded=geocoded,
        )

    def parse_offerings(self, row):
        """{route slug: (lowest, highest price)} from `routes` and the price columns."""
        routes = row.attempt("routes", parse_slugs, self.reference.routes, "route")
        routes_known = routes is not None and bool(row.get("routes"))
        routes = routes or set()
        offerings = {}
        for column, slug in self.route_columns.items():
            price = row.attempt(column, parse_price)
            if price is None:
                continue
            if price != (None, None) and slug not in routes and routes_known:
                row.problem(
                    column, f"a price for {slug}, but {slug} is not in routes; add it there"
                )
            if slug in routes:
                offerings[slug] = price
        for slug in routes:
            offerings.setdefault(slug, (None, None))
        return offerings

    def check_location_id(self, row):
        clinic_ref, location_ref = row.get("clinic_id"), row.get("location_id")
        if not (clinic_ref and location_ref):
            return
        key = (clinic_ref, location_ref)
        if key in self.location_lines:
            row.problem(
                "location_id",
                f"{location_ref} appears twice for clinic {clinic_ref} (line "
                f"{self.location_lines[key]}); give each location its own id",
            )
        else:
            self.location_lines[key] = row.line

    def clinic_of(self, row):
        """The row's clinic, seen first on this row or earlier; None without a clinic_id."""
        clinic_ref = row.get("clinic_id")
        if not clinic_ref:
            return None
        if clinic_ref not in self.clinics:
            self.clinics[clinic_ref] = ParsedClinic(ref=clinic_ref, line=row.line)
        return self.clinics[clinic_ref]

    def add_clinic_values(self, row, clinic, clinic_values):
        """Record the row's clinic-level values; False when one contradicts an earlier row."""
        valid = True
        for column, value in clinic_values.items():
            if value in ("", None):
                continue
            if column not in clinic.values:
                clinic.values[column] = (value, row.line)
            elif clinic.values[column][0] != value:
                row.problem(column, f"contradicts line {clinic.values[column][1]}")
                valid = False
        return valid

    def check_lengths(self, row):
        """False when a clinic-level column is too long (the clinic is then invalid)."""
        valid = True
        for column, limit in self.max_lengths.items():
            if len(row.get(column)) > limit:
                row.problem(column, f"longer than {limit} characters; shorten it")
                valid = valid and column not in CLINIC_COLUMNS
        return valid


def parse_clinic_cells(row):
    """({column: value}, valid) for the clinic-level columns of one row."""
    values, valid = {}, True
    for column, parse in CLINIC_CELLS:
        if column in row.bad:
            valid = False
            continue
        try:
            values[column] = parse(row.get(column))
        except ValueProblem as error:
            row.problem(column, str(error))
            valid = False
    return values, valid


def place_location(row, fields):
    """Set the coordinates and their source in `fields`; True when geocoded from the ZIP.

    Coordinates given must lie near the ZIP's centre; missing ones come from the ZIP centroid
    (offline, clinics.geo), never the network.
    """
    state, postal_code = fields["state"], fields["postal_code"]
    latitude = row.attempt("latitude", parse_coordinate, -90, 90, "latitude")
    longitude = row.attempt("longitude", parse_coordinate, -180, 180, "longitude")
    lat_given, lng_given = row.get("latitude"), row.get("longitude")
    if bool(lat_given) != bool(lng_given):
        row.problem(
            "latitude" if not lat_given else "longitude", "give both coordinates or neither"
        )

    zip_entry = None
    if postal_code:
        try:
            zip_entry = check_zip_in_state(postal_code, state)
        except ValueProblem as error:
            row.problem("postal_code", str(error))
            zip_entry = geo.zip_index().get(postal_code[:5])  # still places it, if known
    geocoded = False
    if latitude is not None and longitude is not None:
        if zip_entry:
            check_near_zip(row, latitude, longitude, zip_entry, postal_code)
        fields["coordinates_source"] = Location.CoordinatesSource.SUPPLIED
    elif not lat_given and not lng_given and zip_entry and zip_entry[0] is None:
        row.problem(
            "latitude",
            f"ZIP {postal_code[:5]} has no centre in the offline data to place the site at; "
            "give its latitude and longitude",
        )
        fields["coordinates_source"] = Location.CoordinatesSource.MISSING
    elif not lat_given and not lng_given and zip_entry:
        latitude, longitude = zip_entry[0], zip_entry[1]
        fields["coordinates_source"] = Location.CoordinatesSource.ZIP
        geocoded = True
    else:
        fields["coordinates_source"] = Location.CoordinatesSource.MISSING
    fields["latitude"], fields["longitude"] = latitude, longitude
    return geocoded


def check_near_zip(row, latitude, longitude, zip_entry, postal_code):
    try:
        check_site_near_zip(latitude, longitude, zip_entry, postal_code)
    except ValueProblem as error:
        row.problem("latitude", str(error))
