"""CSV out: the clinics in the import format, so an export imports again unchanged."""

from clinics.importing.columns import header, write_rows
from clinics.models import Clinic, Location, TreatmentRoute, locations_prefetch


def yes_no(value):
    """yes, no, or blank for a fact the clinic did not state (issue 14.3)."""
    if value is None:
        return ""
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
    queryset = Clinic.objects.listings() if queryset is None else queryset
    clinics = queryset.order_by("pk").prefetch_related(locations_prefetch())
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
            "psychotherapy": yes_no(clinic.offers_psychotherapy),
            "telehealth": yes_no(clinic.offers_telehealth),
            "accepting": yes_no(clinic.accepting_new_patients),
        }
        location_ids = set()
        for location in clinic.locations.all():  # in id order (locations_prefetch)
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
                "phone": location.phone_number.with_extension(),
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
    """Write the CSV to a text file object; returns the number of locations written.

    Cells a spreadsheet would run as formulas get a leading apostrophe (columns.write_rows),
    which the import takes off again."""
    return write_rows(output, export_rows(queryset))
