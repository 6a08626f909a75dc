"""HSDS organizations: a clinic as an organization, its NPI an organization_identifier."""

from clinics.opendata.hsds.ids import compact, hsds_id
from clinics.opendata.listings import NPI_SYSTEM


def organization_brief(clinic, ctx):
    """The one-to-one fields of an organization (HSDS compiled/organization_list.json)."""
    return compact(
        {
            "id": hsds_id("clinic", clinic.pk),
            "name": clinic.name,
            "description": clinic.description or f"{clinic.name} provides ketamine treatment.",
            "email": clinic.email or None,
            "website": clinic.website or None,
            "uri": ctx.url(clinic.get_absolute_url()),
        }
    )


def organization_identifiers(clinic):
    if not clinic.npi:
        return []
    return [
        {
            "id": hsds_id("organization_identifier", clinic.pk, "npi"),
            "organization_id": hsds_id("clinic", clinic.pk),
            "identifier_scheme": NPI_SYSTEM,
            "identifier_type": "NPI",
            "identifier": clinic.npi,
        }
    ]
