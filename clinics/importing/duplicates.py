"""Likely duplicates of existing listings among the clinics a file creates (issue 18.4).

The rules are the moderators' (clinics.sites: the same organisation NPI, or a location that
is the same site). A new clinic that looks like an existing one is still imported, as its
own listing, with a warning on its line; moderators merge it or dismiss the pair from
"Possible duplicates" (clinics.moderation.duplicates finds the same pair). Nothing is ever
merged by the import. Clinics the file updates (same source and clinic_id) are not checked.
"""

from clinics.importing.report import RowWarning
from clinics.models import Clinic
from clinics.sites import DuplicateIndex


def duplicate_warnings(parsed_clinics, source_name):
    """A warning per new clinic and existing listing it may duplicate, on the line that shows it."""
    known = set(
        Clinic.objects.listings()
        .filter(import_source=source_name)
        .values_list("import_ref", flat=True)
    )
    new = [clinic for clinic in parsed_clinics if clinic.ref not in known and clinic.locations]
    if not new:
        return []
    index = DuplicateIndex()
    warnings = []
    for clinic in new:
        name = clinic.values.get("clinic_name", ("", 0))[0]
        npi = clinic.values.get("npi", ("", 0))[0]
        seen = set()
        for location in clinic.locations:
            fields = location.fields
            for existing, reason in index.find(
                name=name,
                address_line1=fields["address_line1"],
                postal_code=fields["postal_code"],
                latitude=fields["latitude"],
                longitude=fields["longitude"],
                npi=npi,
            ):
                if existing.pk in seen:
                    continue
                seen.add(existing.pk)
                warnings.append(
                    RowWarning(
                        location.line,
                        "clinic_id",
                        f"likely a duplicate of {existing.name!r} (clinic #{existing.pk}, "
                        f"{existing.slug}): {reason}; imported as a new clinic for moderators "
                        "to merge or dismiss under Possible duplicates",
                    )
                )
    return warnings
