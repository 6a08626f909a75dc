"""Facet counts: for every option of every filter, how many results choosing it would give."""

from dataclasses import dataclass

from django.db.models import Count, Q

from clinics.models import (
    Condition,
    Language,
    Payer,
    PaymentOption,
    TreatmentRoute,
    covering_q,
)
from clinics.validators import yes_or_no

# The repeatable parameters: their options and the path from an option to its locations.
OPTION_GROUPS = {
    "route": (TreatmentRoute, "offerings__location"),
    "condition": (Condition, "locations"),
    "insurance": (Payer, "acceptances__location"),
    "payment": (PaymentOption, "locations"),
    "language": (Language, "locations"),
}
FLAGS = ("psychotherapy", "telehealth", "accepting")


@dataclass(frozen=True)
class Facet:
    """One option of a filter, with how many results choosing it gives (None: not counted)."""

    value: str
    label: str
    count: int | None
    chosen: bool


def count_facets(search):
    """Facets of a valid search (a LocationFilter).

    The count for an option of a repeatable parameter ignores that parameter's current
    values (choosing another route widens the search) and keeps all the others: one
    aggregate query per parameter, never one per option.
    """
    facets = {}
    for name, (model, path) in OPTION_GROUPS.items():
        matching = search.filter_queryset(search.queryset.all(), skip={name}).order_by()
        chosen = {str(v) for v in search.form.data.getlist(name)} if search.form.data else set()
        key = "code" if name == "language" else "slug"
        within = Q(**{f"{path}__in": matching.values("id")})
        if name == "insurance" and (routes := search.form.cleaned_data.get("route")):
            within &= covering_q(routes, "acceptances__")  # in network for a chosen route
        counted = model.objects.annotate(matches=Count(path, filter=within, distinct=True))
        facets[name] = [
            Facet(
                value=getattr(option, key),
                label=option.name,
                count=option.matches,
                chosen=getattr(option, key) in chosen,
            )
            for option in counted
            # Languages are the whole ISO 639-1 list: show only those spoken somewhere.
            if name != "language" or option.matches or getattr(option, key) in chosen
        ]
    facets.update(count_flags(search))
    return facets


def count_flags(search):
    """The flags combine with AND, so one query counts them all: each flag's count keeps
    the other flags that are chosen."""
    flags = {name: search.flag_conditions[name] for name in FLAGS}
    chosen_flags = {name for name in flags if search.form.cleaned_data.get(name)}
    matching = search.filter_queryset(search.queryset.all(), skip=set(flags)).order_by()
    counts = matching.aggregate(
        **{
            name: Count(
                "id",
                filter=Q(condition, *(flags[other] for other in chosen_flags - {name})),
            )
            for name, condition in flags.items()
        }
    )
    return {
        name: Facet(
            value="true",
            label=name,
            count=counts[name],
            chosen=bool(search.form.cleaned_data.get(name)),
        )
        for name in flags
    }


def unfaceted_options(data):
    """The filters' options without counts, for a form whose input did not validate."""
    options = {}
    for name, (model, _path) in OPTION_GROUPS.items():
        chosen = set(data.getlist(name))
        key = "code" if name == "language" else "slug"
        options[name] = [
            Facet(getattr(obj, key), obj.name, None, getattr(obj, key) in chosen)
            for obj in model.objects.all()
        ]
    for name in FLAGS:
        options[name] = Facet("true", name, None, chosen_flag(data.get(name, "")))
    return options


def chosen_flag(text):
    try:
        return bool(yes_or_no(text))
    except ValueError:
        return False
