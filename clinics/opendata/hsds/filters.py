"""The HSDS list parameters that narrow services and services at locations."""

from django.db.models import Exists, OuterRef, Q

from clinics.models import Clinic, Location, PayerAcceptance
from clinics.opendata.hsds.queries import find_clinic_pk
from clinics.opendata.hsds.taxonomy import TERM_GROUPS, taxonomy_json, term_id
from clinics.opendata.listings import modified_since


def filter_offerings(offerings, params, ctx, *, per_location):
    """Offerings of published clinics narrowed by the cleaned HSDS list parameters.

    `modified_after` keeps a service when its clinic or any of the clinic's locations
    changed (its `last_modified`), a service at a location when the clinic or that location
    changed (`per_location`).
    """
    after = params["modified_after"]
    clinics = Clinic.objects.published()
    if after is not None and per_location:
        offerings = offerings.filter(
            Q(location__clinic__updated_at__gte=after) | Q(location__updated_at__gte=after)
        )
    elif after is not None:
        clinics = modified_since(clinics, after)
    if organization_id := params["organization_id"]:
        pk = find_clinic_pk(organization_id)
        clinics = clinics.filter(pk=pk) if pk else clinics.none()
    offerings = offerings.filter(location__clinic__in=clinics.values("pk"))
    taxonomy_id = params["taxonomy_id"]
    if taxonomy_id and taxonomy_id != taxonomy_json()["id"]:
        offerings = offerings.none()
    if term := params["taxonomy_term_id"]:
        offerings = filter_by_term(offerings, term, ctx)
    for word in params["search"]:
        offerings = offerings.filter(
            Q(location__clinic__name__icontains=word)
            | Q(location__name__icontains=word)
            | Q(route__name__icontains=word)
        )
    return offerings


def filter_by_term(offerings, wanted_id, ctx):
    """Offerings whose service (at that location) carries this taxonomy term."""
    for key, term in ctx.taxonomy.by_key.items():
        if term["id"] == wanted_id:
            group, slug = key
            break
    else:
        group_terms = {term_id(group): group for group in TERM_GROUPS}
        if wanted_id in group_terms:
            return filter_by_group(offerings, group_terms[wanted_id])
        return offerings.none()
    if group == "route":
        return offerings.filter(route__slug=slug)
    if group == "condition":
        return offerings.filter(
            Exists(
                Location.conditions.through.objects.filter(
                    location=OuterRef("location"), condition__slug=slug
                )
            )
        )
    if group == "payment-option":
        return offerings.filter(
            Exists(
                Location.payment_options.through.objects.filter(
                    location=OuterRef("location"), paymentoption__slug=slug
                )
            )
        )
    return offerings.filter(
        Exists(
            PayerAcceptance.objects.filter(location=OuterRef("location"), payer__slug=slug).filter(
                Q(route__isnull=True) | Q(route=OuterRef("route"))
            )
        )
    )


def filter_by_group(offerings, group):
    if group == "route":
        return offerings
    if group == "condition":
        return offerings.filter(
            Exists(Location.conditions.through.objects.filter(location=OuterRef("location")))
        )
    if group == "payment-option":
        return offerings.filter(
            Exists(Location.payment_options.through.objects.filter(location=OuterRef("location")))
        )
    return offerings.filter(
        Exists(
            PayerAcceptance.objects.filter(location=OuterRef("location")).filter(
                Q(route__isnull=True) | Q(route=OuterRef("route"))
            )
        )
    )
