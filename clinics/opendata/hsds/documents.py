"""Fully nested HSDS documents: an organization with everything under it, the whole directory.

Mapping (docs/opendata.md): a clinic is an `organization`, its NPI an
`organization_identifier`; each site a `location` with its address, phones, schedules and
languages; each route a clinic offers a `service`, linked to its sites by
`service_at_location`, with prices as `cost_options`; conditions, payers and payment options
are `attributes` of the directory's own taxonomy. HSDS fields are not nullable, so unknown
values are left out rather than written as null.
"""

import json

from clinics.models import clinic_prefetches
from clinics.opendata.hsds.ids import HSDS_VERSION, compact, hsds_id
from clinics.opendata.hsds.locations import location_json, phone_json
from clinics.opendata.hsds.organizations import organization_brief, organization_identifiers
from clinics.opendata.hsds.services import service_brief, service_json
from clinics.opendata.hsds.taxonomy import Context, taxonomy_json
from clinics.opendata.listings import published_clinics, services_of


def organization_json(clinic, ctx, *, full_services=False):
    """A fully nested organization: identifiers, phones, locations and its services."""
    org_id = hsds_id("clinic", clinic.pk)
    phone = phone_json(
        clinic.phone_number,
        key=("organization", clinic.pk),
        organization_id=org_id,
        description="Main",
    )
    services = services_of(clinic)
    return compact(
        {
            **organization_brief(clinic, ctx),
            "organization_identifiers": organization_identifiers(clinic),
            "phones": [phone] if phone else [],
            "locations": [location_json(loc, ctx) for loc in clinic.locations.all()],
            # `services` is in HSDS's compiled organization schema; brief unless asked for.
            "services": [
                service_json(clinic, route, sites, ctx)
                if full_services
                else service_brief(clinic, route, ctx)
                for route, sites in services
            ],
        }
    )


def iter_organizations(ctx, *, chunk_size=200):
    """Every published clinic as a fully nested organization with full services."""
    clinics = published_clinics().prefetch_related(*clinic_prefetches())
    for clinic in clinics.iterator(chunk_size=chunk_size):
        yield organization_json(clinic, ctx, full_services=True)


def write_json(output, *, base_url=""):
    """Write the whole published directory as one HSDS 3.0 JSON document; returns the count.

    The document holds the taxonomy, its terms and every organization fully nested (its
    locations and full services); written organization by organization, so memory stays
    flat however large the directory is.
    """
    ctx = Context(base_url=base_url)
    output.write(f'{{"hsds_version": "{HSDS_VERSION}",\n "taxonomies": ')
    output.write(json.dumps([taxonomy_json()]))
    output.write(',\n "taxonomy_terms": ')
    output.write(json.dumps(ctx.taxonomy.terms))
    output.write(',\n "organizations": [')
    count = 0
    for organization in iter_organizations(ctx):
        output.write(",\n  " if count else "\n  ")
        output.write(json.dumps(organization))
        count += 1
    output.write("\n ]\n}\n")
    return count
