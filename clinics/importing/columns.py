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
"""

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


def header(routes=None):
    """The export header: the base columns, one price column per route, the rest."""
    if routes is None:
        routes = list(TreatmentRoute.objects.values_list("slug", flat=True))
    return BASE_COLUMNS + [f"price_{slug}" for slug in routes] + TAIL_COLUMNS
