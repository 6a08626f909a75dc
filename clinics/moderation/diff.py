"""The field-by-field diff the moderator reviews before approving a listing."""

from clinics.moderation.copying import LOCATION_M2M, clinic_content_fields, location_content_fields


def _display(obj, field):
    value = getattr(obj, field.attname)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return ""
    if field.is_relation:
        return str(getattr(obj, field.name))
    return str(value)


def listing_snapshot(clinic, *, location_key=lambda loc: loc.pk):
    """The listing as the moderator reads it: {key: (section, field, value)}, children included.

    Keys stay the same when a value changes (a location is keyed by `location_key`, the id
    of the published location it is or edits), so before and after line up field by field.
    """
    rows = {}
    for field in clinic_content_fields():
        rows[("clinic", field.name)] = ("Clinic", str(field.verbose_name), _display(clinic, field))
    rows[("clinic", "memberships")] = (
        "Clinic",
        "professional memberships",
        ", ".join(str(m) for m in clinic.memberships.all()),
    )
    for loc in clinic.locations.all():
        section = f"Location: {loc.address_line1}, {loc.city}"
        key = ("location", location_key(loc))
        for field in location_content_fields():
            if field.name != "coordinates_source":
                rows[(*key, field.name)] = (section, str(field.verbose_name), _display(loc, field))
        for name in LOCATION_M2M:
            values = ", ".join(sorted(str(o) for o in getattr(loc, name).all()))
            rows[(*key, name)] = (section, name.replace("_", " "), values)
        for offering in loc.offerings.select_related("route"):
            rows[(*key, "offering", offering.route_id)] = (
                section,
                f"offering: {offering.route}",
                f"{offering.price_label}; series {offering.series_price_usd or '-'}; "
                f"{offering.session_minutes or '-'} min; {offering.notes}",
            )
        insurance = "; ".join(
            sorted(str(p) for p in loc.payer_acceptances.select_related("payer", "route"))
        )
        rows[(*key, "insurance")] = (section, "insurance accepted", insurance)
        hours = "; ".join(str(h) for h in loc.hours.all())
        rows[(*key, "hours")] = (section, "opening hours", hours)
    for clinician in clinic.clinicians.all():
        rows[("clinician", clinician.name)] = (
            "Clinicians",
            clinician.name,
            f"{clinician.get_credential_display()}; {clinician.specialty}; "
            f"NPI {clinician.npi or '-'}; {clinician.role}",
        )
    return rows


def listing_diff(clinic):
    """What approving `clinic` would change: rows of section, field, before and after."""
    if clinic.draft_of_id:
        before = listing_snapshot(clinic.draft_of)
        after = listing_snapshot(
            clinic, location_key=lambda loc: loc.draft_of_id or f"new-{loc.pk}"
        )
    else:
        before = {}
        after = listing_snapshot(clinic)
    rows = []
    for key in list(before) + [k for k in after if k not in before]:
        section, field, old = before.get(key, ("", "", ""))
        new_section, new_field, new = after.get(key, (section, field, ""))
        if old != new:
            rows.append({"section": new_section, "field": new_field, "before": old, "after": new})
    return rows
