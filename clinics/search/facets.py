"""Facet counts: for every option of every filter, how many results choosing it would give."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from clinics import caching
from clinics.models import (
    Condition,
    Language,
    Payer,
    PaymentOption,
    TreatmentRoute,
    covering_q,
)
from clinics.search import rules
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
    """One option of a filter: how many results the search gives with it chosen (None: not
    counted), whether it is chosen, and why choosing it is pointless ("": it is not)."""

    value: str
    label: str
    count: int | None
    chosen: bool
    unavailable: str = ""

    @property
    def disabled(self):
        return bool(self.unavailable)


# Lazy: facets are cached for every visitor (caching.cached_facets), so the reason is kept
# untranslated and said in the language of the page that shows it.
NO_RESULTS = gettext_lazy("no results with this search")
ADDS_NOTHING = gettext_lazy("adds no results to this search")


def option_facet(value, label, count, *, chosen, group_chosen):
    """A facet and, when choosing it would give no results or change nothing, the reason
    it is disabled. A choice added to a group that has one only widens the search (OR), so
    an option whose count is the current total would add nothing; in a group without one,
    such an option is a real choice that keeps every result, and stays available."""
    unavailable = ""
    if not chosen and count == 0:
        unavailable = NO_RESULTS
    elif not chosen and group_chosen and count == group_chosen:
        unavailable = ADDS_NOTHING
    return Facet(value, label, count, chosen, unavailable)


def count_facets(search):
    """Facets of a valid search (a LocationFilter): for every option, the number of results
    the search would have with the option added to its group's current choices (OR within a
    group: the union), the current total for a chosen option.

    With `serves` the results are one per clinic, so clinics are counted. The flags' query
    gives the current total; then one aggregate query per group, never one per option.
    """
    facets, total = count_flags(search)
    for name in OPTION_GROUPS:
        counter = count_routes if name == "route" else count_group
        chosen = search.form.cleaned_data.get(name) or []
        facets[name] = [
            option_facet(
                value,
                label,
                total if option in chosen else count,
                chosen=option in chosen,
                group_chosen=total if chosen else None,
            )
            for option, value, label, count in counter(search, name, total)
        ]
    return facets


def counted_rows(search):
    """What a result is: a location, or with `serves` a clinic (one result per clinic)."""
    return "clinic" if search.form.cleaned_data.get("serves") else "id"


def count_group(search, name, total):
    """[(option, value, label, count)] for a group whose choices no other group's condition
    reads (all but route): the current results (`total`, when the group has choices) and
    those the option adds, the matching results the current choices do not match."""
    model, path = OPTION_GROUPS[name]
    values = search.form.cleaned_data
    matching = search.filter_queryset(search.queryset.all(), skip={name}, per_clinic=False)
    outside = matching.order_by()
    if chosen := values.get(name):
        current = rules.GROUP_RULES[name](chosen, values)
        if counted_rows(search) == "clinic":  # a clinic with a matching location is a result
            outside = outside.exclude(clinic__in=outside.filter(current).values("clinic"))
        else:
            outside = outside.exclude(current)
    within = Q(**{f"{path}__in": outside.values("id")})
    if name == "insurance" and (routes := values.get("route")):
        within &= covering_q(routes, "acceptances__")  # in network for a chosen route
    rows = path if counted_rows(search) == "id" else f"{path}__clinic"
    counted = model.objects.annotate(extra=Count(rows, filter=within, distinct=True))
    key = "code" if name == "language" else "slug"
    if name == "language":
        # Languages are the whole ISO 639-1 list: show only those spoken somewhere.
        spoken = search.queryset.filter(languages=OuterRef("pk"))
        counted = counted.annotate(spoken=Exists(spoken))
    base = total if chosen else 0
    return [
        (option, getattr(option, key), option.label, base + option.extra)
        for option in counted
        if name != "language" or option.spoken or option in (chosen or [])
    ]


def count_routes(search, name, total):
    """The route group: the insurance and price filters read the chosen routes, so each
    option is counted with the would-be set of routes (the current ones and it), as the
    search would run it: one query, one conditional count per route."""
    values = search.form.cleaned_data
    chosen = list(values.get("route") or [])
    matching = search.filter_queryset(
        search.queryset.all(), skip={"route", "insurance", "max_price"}, per_clinic=False
    )
    routes = list(caching.reference_options(TreatmentRoute, "pk").values())  # in memory
    counts = matching.order_by().aggregate(
        **{
            f"r{route.pk}": Count(
                counted_rows(search),
                filter=would_be_routes_q(chosen + [route], values),
                distinct=True,
            )
            for route in routes
            if route not in chosen
        }
    )
    return [(route, route.slug, route.label, counts.get(f"r{route.pk}", total)) for route in routes]


def would_be_routes_q(routes, values):
    """The search's conditions that read the routes, with `routes` chosen."""
    condition = rules.route_q(routes)
    if payers := values.get("insurance"):
        condition &= rules.insurance_q(payers, routes)
    if (price := values.get("max_price")) is not None:
        condition &= rules.max_price_q(price, routes)
    return condition


def count_flags(search):
    """The flags combine with AND, so one query counts them all: each flag's count keeps
    the other flags that are chosen; with all the chosen ones, it is the current total.
    Flags are facts of the clinic, so one result per clinic changes none of them."""
    flags = {name: rules.FLAG_CONDITIONS[name] for name in FLAGS}
    chosen_flags = {name for name in flags if search.form.cleaned_data.get(name)}
    matching = search.filter_queryset(search.queryset.all(), skip=set(flags)).order_by()
    counts = matching.aggregate(
        total=Count("id", filter=Q(*(flags[name] for name in chosen_flags))),
        **{
            name: Count(
                "id",
                filter=Q(condition, *(flags[other] for other in chosen_flags - {name})),
            )
            for name, condition in flags.items()
        },
    )
    facets = {
        name: option_facet(
            "true", name, counts[name], chosen=name in chosen_flags, group_chosen=None
        )
        for name in flags
    }
    return facets, counts["total"]


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
