"""HSDS services: one per treatment route a clinic offers, and the route at each of its sites.

Each route the clinic offers at any site is one `service` (status active, `assured_date` =
the listing's verification date), linked to the sites offering it by a
`service_at_location`; prices are the service's `cost_options` (USD, one per site).
"""

from clinics.models import latest_checks
from clinics.opendata.hsds.ids import compact, hsds_id, isodatetime
from clinics.opendata.hsds.locations import location_brief, location_json, phone_json
from clinics.opendata.hsds.organizations import organization_brief
from clinics.opendata.listings import clinic_last_modified, payers_for, price_text


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


def service_brief(clinic, route, ctx):
    """The one-to-one fields of a service, with its organization (compiled/service_list)."""
    alert = None
    # Only an explicit answer is published; a fact the clinic did not state is left out.
    if clinic.accepting_new_patients is False:
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


def verified_items(clinic):
    """The facts of the listing confirmed within their validity, as attribute items (15.10)."""
    return [
        ("verified", check.fact, f"{check.verification.confirmed_on.isoformat()} by "
         f"{check.verification.source}")
        for check in latest_checks(clinic)
        if check.current
    ]  # fmt: skip


def service_attributes(ctx, *, entity, link_id, link_key, route, sites):
    items = [("route", route.slug, None)]
    if sites:
        items += verified_items(sites[0][0].clinic)
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
    phone = phone_json(
        clinic.phone_number, key=("service", clinic.pk, route.slug), service_id=service_id
    )
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
        location.phone_number or clinic.phone_number,
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
