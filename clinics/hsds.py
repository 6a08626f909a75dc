"""The published directory as Open Referral HSDS 3.0 objects (issue 8).

Mapping (../shared/standards/README.md):
- a clinic is an `organization`, its NPI an `organization_identifier` (identifier_type NPI);
- each of its sites is a `location` with one physical `address`, coordinates, `phones`,
  `schedules` from the opening hours, `languages` and `accessibility`;
- each treatment route the clinic offers at any site is one `service` (status active,
  `assured_date` = the listing's verification date), linked to the sites offering it by a
  `service_at_location`; prices are the service's `cost_options` (USD, one per site);
- conditions treated, payers in network and payment options are `attributes` pointing at
  `taxonomy_terms` of the directory's own taxonomy (HSDS 3.0 dropped `payment_accepted`).

HSDS ids are UUIDs. The database has integer keys, so every id is a name-based UUID
(`uuid5`) of a stable key such as `clinic:12` or `service:12:iv`: the same row always gets
the same id, without a schema change. Reference data is keyed by its slug, which the API
and the import format already treat as stable.

Only `Clinic.objects.published()` rows ever reach these functions' querysets. HSDS fields
are not nullable, so unknown values are left out rather than written as null.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q

from clinics.models import (
    Clinic,
    Condition,
    Location,
    Offering,
    Payer,
    PaymentOption,
    TreatmentRoute,
    location_prefetches,
)

HSDS_VERSION = "3.0"
# Fixed for ever: changing it would change every published id.
NAMESPACE = uuid.UUID("bde7fc4b-e2c8-4f42-9141-6b16ec26e76d")
TAXONOMY_KEY = "ketamine-directory"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
BYDAY = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


# Organizations, services and service-at-locations are looked up by id, so their ids carry
# their database keys (an RFC 9562 version-8 "custom" UUID) and turn back into keys without a
# table: a marker, the kind, the route's pk (services) and the clinic's or location's pk.
KEYED_KINDS = {"clinic": 1, "service": 2, "service_at_location": 3}
KEYED_MARKER = 0x6B657461  # "keta"


def hsds_id(kind, *parts):
    """The stable UUID of one HSDS object.

    Keyed kinds take database keys: `hsds_id("clinic", 12)`, `hsds_id("service", clinic_pk,
    route_pk)`, `hsds_id("service_at_location", location_pk, route_pk)`; every other kind is
    uuid5 of its parts: `hsds_id("location", 40)` is uuid5 of "location:40".
    """
    if kind in KEYED_KINDS:
        pk, route_pk = (*parts, 0)[:2]
        value = (
            (KEYED_MARKER << 96)
            | (KEYED_KINDS[kind] << 80)
            | (8 << 76)  # version 8
            | (int(route_pk) << 64)
            | (0b10 << 62)  # RFC 9562 variant
            | int(pk)
        )
        return str(uuid.UUID(int=value))
    return str(uuid.uuid5(NAMESPACE, ":".join([kind, *(str(part) for part in parts)])))


def parse_keyed_id(kind, text):
    """(pk, route pk) from an id made by `hsds_id(kind, ...)`, or None for any other text."""
    try:
        value = uuid.UUID(str(text)).int
    except ValueError:
        return None
    if (
        value >> 96 != KEYED_MARKER
        or (value >> 80) & 0xFFFF != KEYED_KINDS[kind]
        or (value >> 76) & 0xF != 8
        or (value >> 62) & 0b11 != 0b10
    ):
        return None
    return value & ((1 << 62) - 1), (value >> 64) & 0xFFF


def compact(obj):
    """Drop keys whose value is None or an empty list: HSDS fields are not nullable."""
    return {key: value for key, value in obj.items() if value is not None and value != []}


def isodatetime(value):
    return value.isoformat() if value is not None else None


# Querysets -------------------------------------------------------------------------------

LOCATION_PREFETCHES = location_prefetches()


def clinic_prefetches():
    """Everything an organization with its locations and services shows: one query each."""
    return (
        Prefetch(
            "locations",
            queryset=Location.objects.order_by("id").prefetch_related(*LOCATION_PREFETCHES),
        ),
        "clinicians",
        "memberships",
    )


def published_clinics():
    return Clinic.objects.published().order_by("name", "id")


def modified_since(clinics, after):
    """Clinics changed on or after `after`: the clinic row or any of its locations."""
    if after is None:
        return clinics
    return clinics.filter(
        Q(updated_at__gte=after)
        | Exists(Location.objects.filter(clinic=OuterRef("pk"), updated_at__gte=after))
    )


def published_offerings():
    return Offering.objects.filter(location__clinic__status=Clinic.Status.PUBLISHED)


def find_clinic_pk(organization_id):
    """The published clinic whose organization id this is, or None."""
    key = parse_keyed_id("clinic", organization_id)
    if key is None or not Clinic.objects.published().filter(pk=key[0]).exists():
        return None
    return key[0]


def find_service_key(service_id):
    """(clinic pk, route slug) of the published service with this id, or None."""
    key = parse_keyed_id("service", service_id)
    if key is None:
        return None
    clinic_pk, route_pk = key
    offered = published_offerings().filter(location__clinic_id=clinic_pk, route_id=route_pk)
    route_slug = offered.values_list("route__slug", flat=True).first()
    return (clinic_pk, route_slug) if route_slug else None


def find_offering_pk(service_at_location_id):
    """The published offering behind a service_at_location id, or None."""
    key = parse_keyed_id("service_at_location", service_at_location_id)
    if key is None:
        return None
    location_pk, route_pk = key
    offerings = published_offerings().filter(location_id=location_pk, route_id=route_pk)
    return offerings.values_list("pk", flat=True).first()


# Taxonomy --------------------------------------------------------------------------------

TERM_GROUPS = {
    # group key: (model, name of the group term, description, link_type of its attributes)
    "route": (TreatmentRoute, "Treatment routes", "How ketamine is given."),
    "condition": (Condition, "Conditions treated", "Conditions a site treats with ketamine."),
    "payer": (Payer, "Insurance in network", "Insurers and public programmes in network."),
    "payment-option": (
        PaymentOption,
        "Payment options",
        "Ways to pay besides in-network insurance.",
    ),
}


def taxonomy_json():
    return {
        "id": hsds_id("taxonomy", TAXONOMY_KEY),
        "name": "Ketamine provider directory",
        "description": "The directory's own vocabulary for treatment routes, conditions "
        "treated, insurance in network and payment options. Codes are the slugs used by the "
        "directory's search API and import format.",
        "version": "1",
    }


def term_id(group, slug=None):
    if slug is None:
        return hsds_id("taxonomy_term", "group", group)
    return hsds_id("taxonomy_term", group, slug)


@dataclass
class Taxonomy:
    """All terms of the directory's taxonomy, loaded once per request (four small queries)."""

    terms: list = field(default_factory=list)
    by_key: dict = field(default_factory=dict)

    @classmethod
    def load(cls):
        taxonomy = cls()
        taxonomy_id = hsds_id("taxonomy", TAXONOMY_KEY)
        for group, (model, name, description) in TERM_GROUPS.items():
            group_term = {
                "id": term_id(group),
                "code": group,
                "name": name,
                "description": description,
                "taxonomy": TAXONOMY_KEY,
                "taxonomy_id": taxonomy_id,
                "language": "en",
            }
            taxonomy.terms.append(group_term)
            for obj in model.objects.order_by("sort_order", "name"):
                term = {
                    "id": term_id(group, obj.slug),
                    "code": obj.slug,
                    "name": obj.name,
                    "description": getattr(obj, "description", "") or obj.name,
                    "parent_id": group_term["id"],
                    "taxonomy": TAXONOMY_KEY,
                    "taxonomy_id": taxonomy_id,
                    "language": "en",
                }
                taxonomy.terms.append(term)
                taxonomy.by_key[group, obj.slug] = term
        return taxonomy

    def attribute(self, *, entity, link_key, group, slug, value=None):
        """An attribute linking one object to one term of the taxonomy."""
        term = self.by_key.get((group, slug))
        if term is None:  # reference data added after this taxonomy was loaded
            return None
        return compact(
            {
                "id": hsds_id("attribute", entity, link_key, group, slug),
                "link_id": None,  # filled in by the caller, which knows the linked object
                "link_type": group,
                "link_entity": entity,
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
                "value": value,
            }
        )

    def attributes(self, *, entity, link_id, link_key, items):
        """Attributes for (group, slug, value) items, in order, without duplicates."""
        result = []
        seen = set()
        for group, slug, value in items:
            if (group, slug) in seen:
                continue
            seen.add((group, slug))
            attribute = self.attribute(
                entity=entity, link_key=link_key, group=group, slug=slug, value=value
            )
            if attribute is not None:
                attribute["link_id"] = link_id
                result.append(attribute)
        return result


# Serialisers -----------------------------------------------------------------------------


@dataclass
class Context:
    """What the serialisers need besides the rows: absolute URLs and the taxonomy."""

    base_url: str = ""
    taxonomy: Taxonomy = None

    def __post_init__(self):
        if self.taxonomy is None:
            self.taxonomy = Taxonomy.load()

    def url(self, path):
        return f"{self.base_url.rstrip('/')}{path}" if self.base_url else None


def clinic_last_modified(clinic):
    """The latest change to the clinic or any of its locations (locations prefetched)."""
    return max([clinic.updated_at, *(loc.updated_at for loc in clinic.locations.all())])


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


def phone_json(number, *, key, description=None, **links):
    if not number:
        return None
    return compact(
        {
            "id": hsds_id("phone", *key),
            **links,
            "number": number,
            "type": "voice",
            "description": description,
        }
    )


def organization_json(clinic, ctx, *, full_services=False):
    """A fully nested organization: identifiers, phones, locations and its services."""
    org_id = hsds_id("clinic", clinic.pk)
    phone = phone_json(
        clinic.phone, key=("organization", clinic.pk), organization_id=org_id, description="Main"
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


def address_json(location):
    return compact(
        {
            "id": hsds_id("address", location.pk),
            "location_id": hsds_id("location", location.pk),
            "address_1": location.address_line1,
            "address_2": location.address_line2 or None,
            "city": location.city,
            "state_province": location.state,
            "postal_code": location.postal_code,
            "country": location.country or "US",
            "address_type": "physical",
        }
    )


def schedule_json(hours, location_id):
    day = BYDAY[hours.weekday]
    opens, closes = hours.opens.strftime("%H:%M"), hours.closes.strftime("%H:%M")
    return {
        "id": hsds_id("schedule", hours.pk),
        "location_id": location_id,
        "freq": "WEEKLY",
        "wkst": "MO",
        "byday": day,
        "opens_at": opens,
        "closes_at": closes,
        "description": f"{hours.get_weekday_display()} {opens}-{closes}",
    }


def location_brief(location, ctx):
    """The one-to-one fields of a location (as in compiled/service_at_location_list.json)."""
    clinic = location.clinic
    return compact(
        {
            "id": hsds_id("location", location.pk),
            "location_type": "physical",
            "url": ctx.url(location.get_absolute_url()),
            "organization_id": hsds_id("clinic", clinic.pk),
            "name": location.name or clinic.name,
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
    )


def location_json(location, ctx):
    """A fully nested location; expects LOCATION_PREFETCHES."""
    clinic = location.clinic
    location_id = hsds_id("location", location.pk)
    phone = phone_json(
        location.phone or clinic.phone, key=("location", location.pk), location_id=location_id
    )
    accessibility = []
    if location.accessibility:
        accessibility.append(
            {
                "id": hsds_id("accessibility", location.pk),
                "location_id": location_id,
                "description": location.accessibility,
            }
        )
    return compact(
        {
            **location_brief(location, ctx),
            "addresses": [address_json(location)],
            "phones": [phone] if phone else [],
            "schedules": [schedule_json(hours, location_id) for hours in location.hours.all()],
            "languages": [
                {
                    "id": hsds_id("language", "location", location.pk, language.code),
                    "location_id": location_id,
                    "name": language.name,
                    "code": language.code,
                }
                for language in location.languages.all()
            ],
            "accessibility": accessibility,
            "attributes": ctx.taxonomy.attributes(
                entity="location",
                link_id=location_id,
                link_key=location.pk,
                items=[
                    *(("condition", c.slug, None) for c in location.conditions.all()),
                    *(
                        ("payer", a.payer.slug, a.route.slug if a.route else None)
                        for a in location.payer_acceptances.all()
                    ),
                    *(("payment-option", p.slug, None) for p in location.payment_options.all()),
                ],
            ),
        }
    )


def services_of(clinic):
    """[(route, [(location, offering), ...]), ...]: one service per route offered anywhere."""
    sites = defaultdict(list)
    routes = {}
    for location in clinic.locations.all():
        for offering in location.offerings.all():
            routes[offering.route.slug] = offering.route
            sites[offering.route.slug].append((location, offering))
    ordered = sorted(routes.values(), key=lambda route: (route.sort_order, route.name))
    return [(route, sites[route.slug]) for route in ordered]


def payers_for(location, route):
    """The location's payer acceptances that cover this route (all-route ones included)."""
    return [
        acceptance
        for acceptance in location.payer_acceptances.all()
        if acceptance.route_id is None or acceptance.route_id == route.pk
    ]


def how_to_start(clinic):
    ways = [
        label
        for flag, label in (
            (clinic.starts_by_phone, "call"),
            (clinic.starts_by_text, "send a text message"),
            (clinic.starts_by_web_form, "fill in the web form"),
            (clinic.starts_by_online_booking, "book online"),
        )
        if flag
    ]
    text = ("To start: " + ", ".join(ways) + ".") if ways else ""
    if clinic.referral_required:
        text += " A referral from another clinician is required."
    if clinic.psychiatric_evaluation_required:
        text += " A prior psychiatric evaluation is required."
    return text.strip() or None


def price_text(offering):
    if offering.price_min_usd is None:
        return "price on request"
    if offering.price_max_usd in (None, offering.price_min_usd):
        return f"${offering.price_min_usd:,} per session"
    return f"${offering.price_min_usd:,}-${offering.price_max_usd:,} per session"


def service_brief(clinic, route, ctx):
    """The one-to-one fields of a service, with its organization (compiled/service_list)."""
    alert = None
    if not clinic.accepting_new_patients:
        alert = "Not accepting new patients."
    elif clinic.is_stale:
        alert = "This listing has not been verified for over a year and may be outdated."
    eligibility = []
    if clinic.referral_required:
        eligibility.append("A referral from another clinician is required.")
    if clinic.psychiatric_evaluation_required:
        eligibility.append("A prior psychiatric evaluation is required.")
    accreditations = [body.name for body in clinic.memberships.all()]
    if route.slug == "esketamine" and clinic.rems_certified:
        accreditations.insert(0, "Spravato (esketamine) REMS-certified treatment centre")
    credentials = sorted({clinician.credential for clinician in clinic.clinicians.all()})
    return compact(
        {
            "id": hsds_id("service", clinic.pk, route.pk),
            "organization_id": hsds_id("clinic", clinic.pk),
            "name": f"{route.name} at {clinic.name}",
            "alternate_name": route.name,
            "description": route.description,
            "url": clinic.booking_url or clinic.website or None,
            "email": clinic.email or None,
            "status": "active",
            "application_process": how_to_start(clinic),
            "eligibility_description": " ".join(eligibility) or None,
            "accreditations": "; ".join(accreditations) or None,
            "licenses": ("Clinician credentials: " + ", ".join(credentials))
            if credentials
            else None,
            "alert": alert,
            # HSDS: "the date that the information about the service was last checked".
            "assured_date": clinic.verified_at.isoformat() if clinic.verified_at else None,
            "last_modified": isodatetime(clinic_last_modified(clinic)),
            "organization": organization_brief(clinic, ctx),
        }
    )


def cost_options(service_id, sites):
    options = []
    for location, offering in sites:
        where = f"{location.name or location.clinic.name} ({location.label})"
        if offering.price_min_usd is not None:
            options.append(
                {
                    "id": hsds_id("cost_option", "session", location.pk, offering.route.slug),
                    "service_id": service_id,
                    "location_id": hsds_id("location", location.pk),  # extension
                    "option": "Per session",
                    "currency": "USD",
                    "amount": offering.price_min_usd,
                    "amount_description": f"{price_text(offering)} at {where}",
                }
            )
        if offering.series_price_usd is not None:
            options.append(
                {
                    "id": hsds_id("cost_option", "series", location.pk, offering.route.slug),
                    "service_id": service_id,
                    "location_id": hsds_id("location", location.pk),  # extension
                    "option": "Typical series",
                    "currency": "USD",
                    "amount": offering.series_price_usd,
                    "amount_description": f"${offering.series_price_usd:,} for a typical "
                    f"series at {where}",
                }
            )
    return options


def service_attributes(ctx, *, entity, link_id, link_key, route, sites):
    items = [("route", route.slug, None)]
    for location, _offering in sites:
        items += [("condition", c.slug, None) for c in location.conditions.all()]
    for location, _offering in sites:
        items += [("payer", a.payer.slug, None) for a in payers_for(location, route)]
    for location, _offering in sites:
        items += [("payment-option", p.slug, None) for p in location.payment_options.all()]
    return ctx.taxonomy.attributes(entity=entity, link_id=link_id, link_key=link_key, items=items)


def service_json(clinic, route, sites, ctx):
    """A fully nested service: the route as offered by the clinic at `sites`."""
    service_id = hsds_id("service", clinic.pk, route.pk)
    phone = phone_json(clinic.phone, key=("service", clinic.pk, route.slug), service_id=service_id)
    fees = "; ".join(
        f"{price_text(offering)} at {location.name or clinic.name} ({location.label})"
        for location, offering in sites
    )
    languages = {}
    for location, _offering in sites:
        for language in location.languages.all():
            languages.setdefault(language.code, language)
    return compact(
        {
            **service_brief(clinic, route, ctx),
            "fees_description": fees or None,
            "phones": [phone] if phone else [],
            "service_at_locations": [
                service_at_location_json(location, offering, ctx, nested_service=False)
                for location, offering in sites
            ],
            "languages": [
                {
                    "id": hsds_id("language", "service", clinic.pk, route.slug, code),
                    "service_id": service_id,
                    "name": language.name,
                    "code": code,
                }
                for code, language in languages.items()
            ],
            "cost_options": cost_options(service_id, sites),
            "attributes": service_attributes(
                ctx,
                entity="service",
                link_id=service_id,
                link_key=f"{clinic.pk}:{route.slug}",
                route=route,
                sites=sites,
            ),
        }
    )


def service_at_location_id(location, route):
    return hsds_id("service_at_location", location.pk, route.pk)


def service_at_location_brief(location, offering, ctx):
    """The one-to-one fields with brief location and service (service_at_location_list)."""
    clinic, route = location.clinic, offering.route
    return compact(
        {
            "id": service_at_location_id(location, route),
            "service_id": hsds_id("service", clinic.pk, route.pk),
            "location_id": hsds_id("location", location.pk),
            "description": f"{route.name} at {location.name or clinic.name} "
            f"({location.label}): {price_text(offering)}.",
            "location": location_brief(location, ctx),
            "service": service_brief(clinic, route, ctx),
        }
    )


def service_at_location_json(location, offering, ctx, *, nested_service=True):
    """A fully nested service_at_location: its location, phone and what it covers there."""
    clinic, route = location.clinic, offering.route
    sal_id = service_at_location_id(location, route)
    phone = phone_json(
        location.phone or clinic.phone,
        key=("service_at_location", location.pk, route.slug),
        service_at_location_id=sal_id,
    )
    body = {
        "id": sal_id,
        "service_id": hsds_id("service", clinic.pk, route.pk),
        "location_id": hsds_id("location", location.pk),
        "description": f"{route.name} at {location.name or clinic.name} "
        f"({location.label}): {price_text(offering)}.",
        "phones": [phone] if phone else [],
        "location": location_json(location, ctx),
        "attributes": ctx.taxonomy.attributes(
            entity="service_at_location",
            link_id=sal_id,
            link_key=f"{location.pk}:{route.slug}",
            items=[
                ("route", route.slug, None),
                *(("condition", c.slug, None) for c in location.conditions.all()),
                *(("payer", a.payer.slug, None) for a in payers_for(location, route)),
                *(("payment-option", p.slug, None) for p in location.payment_options.all()),
            ],
        ),
    }
    if nested_service:
        body["service"] = service_brief(clinic, route, ctx)
    return compact(body)


# The whole directory ---------------------------------------------------------------------


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
    import json

    ctx = Context(base_url=base_url)
    output.write('{"hsds_version": "3.0",\n "taxonomies": ')
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
