"""The columns of the CSV format (docs/import-format.md) and what each maps to.

One row is one Location; rows sharing `clinic_id` are one Clinic. Clinic-level columns
(CLINIC_COLUMNS) come from the clinic's rows and must not contradict each other; every other
column describes the location.

Mapping decisions (also in README.md, "Importing and exporting"):
- `psychotherapy` is Clinic.offers_psychotherapy: KAP in house, working with the patient's own
  therapist, or integration sessions. Export writes yes when any is set; importing yes sets
  `offers_kap` unless one of the three is already set, no clears all three.
- `telehealth` is `offers_telehealth`; `accepting` is `accepting_new_patients`.
- A blank yes/no column leaves the stored value alone (a new clinic gets the model default).
- `phone` is the location's phone, an extension in it (`x1001`, `ext. 1001`, `#1001`) goes to
  `phone_extension`; `insurance` gives payer acceptances for all routes.
- Missing coordinates come from the ZIP centroid (offline, clinics.geo), never the network.
- Formulas (issue 12.8): a cell a spreadsheet would run as a formula is written with a leading
  apostrophe, and the apostrophe is taken off again when the file is read (`spreadsheet_safe`,
  `unprotect_cell`), so an export imports back unchanged.
"""

import csv
import re

from clinics.models import Clinic, Location, TreatmentRoute

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
# The problem file's column of messages (problems.py); ignored when the file is imported again.
ERRORS_COLUMN = "errors"
TAIL_COLUMNS = [
    "conditions",
    "insurance",
    "payment",
    "psychotherapy",
    "telehealth",
    "accepting",
    "languages",
]
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
    "phone_extension",
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


# Free text: names, addresses, ids, addresses on the web. Any of them may start with what a
# spreadsheet reads as a formula (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`, `-2+3`).
FREE_TEXT_COLUMNS = frozenset(
    {
        "clinic_id",
        "clinic_name",
        "location_id",
        "location_name",
        "address_line1",
        "address_line2",
        "city",
        "email",
        "website",
        "booking_url",
    }
)
# What a spreadsheet runs: = + - @ first, or a tab or carriage return (after any apostrophes,
# so that a value that itself starts with an apostrophe survives the round trip too).
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
# Numbers and phone numbers (`-122.68`, `+1 503-555-0100 ext. 12`): not free text, and never
# changed, even when they start with + or -.
NUMBER = re.compile(r"[+-]?[0-9][0-9 ().,+-]*(?:(?:x|ext\.?|#) ?[0-9]+)?", re.IGNORECASE)


def spreadsheet_safe(column, value):
    """The cell as written to a CSV: a leading apostrophe before anything a spreadsheet would
    run as a formula. Numbers and phone numbers outside the free-text columns are left alone."""
    if not value or not FORMULA_START.match(value):
        return value
    if column not in FREE_TEXT_COLUMNS and NUMBER.fullmatch(value):
        return value
    return "'" + value


def unprotect_cell(value):
    """A cell as read from a CSV: the apostrophe `spreadsheet_safe` added taken off."""
    if value.startswith("'") and FORMULA_START.match(value, 1):
        return value[1:]
    return value


def write_rows(output, rows):
    """Write the header, then the rows, as CSV with every cell spreadsheet-safe; returns the
    number of rows after the header. Every CSV this directory writes goes through here."""
    writer = csv.writer(output, lineterminator="\n")
    count = -1
    columns = ()
    for values in rows:
        if count < 0:
            columns = values
            writer.writerow(values)
        else:
            writer.writerow([spreadsheet_safe(c, v) for c, v in zip(columns, values, strict=False)])
        count += 1
    return count


def header(routes=None):
    """The export header: the base columns, one price column per route, the rest."""
    if routes is None:
        routes = list(TreatmentRoute.objects.values_list("slug", flat=True))
    return BASE_COLUMNS + [f"price_{slug}" for slug in routes] + TAIL_COLUMNS
