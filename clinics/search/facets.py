"""Facet counts: for every option of every filter, how many results choosing it would give."""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy

from clinics import caching
from clinics.models import (
    Condition,
    Language,
    Location,
    Payer,
    PayerAcceptance,
    PaymentOption,
    TreatmentRoute,
    covering_q,
)
from clinics.search import rules
from clinics.validators import yes_or_no

# The repeatable parameters and their options.
OPTION_GROUPS = {
    "route": TreatmentRoute,
    "condition": Condition,
    "insurance": Payer,
    "payment": PaymentOption,
    "language": Language,
}
FLAGS = ("psychotherapy", "telehealth", "accepting")
# The table linking each group's options to locations, and its option column.
LINKS = {
    "condition": (Location.conditions.through, "condition"),
    "insurance": (PayerAcceptance, "payer"),
    "payment": (Location.payment_options.through, "paymentoption"),
    "language": (Location.languages.through, "language"),
}


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

    With `serves` the results are one per clinic, so clinics are counted. Three queries
    whatever the options: the flags' (which gives the current total), the routes', and one
    for the four groups linked to locations by a table; never one per option.
    """
    facets, total = count_flags(search)
    added = count_linked(search)
    for name in OPTION_GROUPS:
        if name == "route":
            counted = count_routes(search, total)
        else:
            counted = linked_options(search, name, total, added[name])
        chosen = search.form.cleaned_data.get(name) or []
        facets[name] = [
            option_facet(
                value,
                label,
                total if option in chosen else count,
                chosen=option in chosen,
                group_chosen=total if chosen else None,
            )
            for option, value, label, count in counted
        ]
    return facets


def counted_rows(search):
    """What a result is: a location, or with `serves` a clinic (one result per clinic)."""
    return "clinic" if search.form.cleaned_data.get("serves") else "id"


def added_results(search, name, matching, compiled):
    """The query of the results each option of `name` (a group with a link table) would add
    to the search: the matching results (`matching`: the search without the group's filter)
    the group's current choices do not match, counted per option as rows (name, option id,
    count); None when no result can be added (no row can match).

    The counts start from the search's candidates: the links (location, option) of the
    matching locations, found through the links' location index, grouped by option. Counting
    every option over the whole link table, filtered by the search, cost a scan of the table
    per group (55-145 ms each at 100k locations, issue 16); this costs what the circle holds.
    `compiled` ({queryset: its ids' SQL}) compiles a set shared by several groups once.
    """
    through, column = LINKS[name]
    values = search.form.cleaned_data
    outside = matching
    if chosen := values.get(name):
        outside = outside.order_by()
        current = rules.GROUP_RULES[name](chosen, values)
        if counted_rows(search) == "clinic":  # a clinic with a matching location is a result
            outside = outside.exclude(clinic__in=outside.filter(current).values("clinic"))
        else:
            outside = outside.exclude(current)
    if outside not in compiled:
        compiled[outside] = ids_sql(outside)
    if (ids := compiled[outside]) is None:
        return None
    links = through.objects.filter(location__in=ids)
    if name == "insurance" and (routes := values.get("route")):
        links = links.filter(covering_q(routes))  # in network for a chosen route
    rows = "location" if counted_rows(search) == "id" else "location__clinic"
    return (
        links.annotate(group=Value(name))
        .values_list("group", column)
        .annotate(count=Count(rows, distinct=True))
        .order_by()
    )


def ids_sql(locations):
    """The SQL of the ids of `locations`, compiled once to be the subquery of several
    queries (resolving a queryset as a subquery copies and recompiles it every time: most
    of the facets' Python at 100k, issue 16); None when no row can match."""
    query = locations.order_by().values("id").query
    try:
        sql, params = query.get_compiler(using=locations.db).as_sql()
    except EmptyResultSet:
        return None
    return RawSQL(sql, params)


def count_linked(search):
    """{group: {option id: results it adds}} for the groups with a link table, in one query
    (UNION ALL of each group's counts); an option adding nothing is missing.

    A group without choices filters nothing, so every such group counts from the same
    matching set, built once (building the search's querysets was a third of the facets'
    time at 100k, issue 16); a group with choices leaves out its own filter."""
    values = search.form.cleaned_data
    unchosen = {name for name in LINKS if not values.get(name)}
    shared = None
    if unchosen:
        shared = search.filter_queryset(search.queryset.all(), skip=unchosen, per_clinic=False)

    def matching(name):
        if name in unchosen:
            return shared
        return search.filter_queryset(search.queryset.all(), skip={name}, per_clinic=False)

    compiled = {}
    queries = [added_results(search, name, matching(name), compiled) for name in LINKS]
    added = {name: {} for name in LINKS}
    first, *others = [query for query in queries if query is not None] or [None]
    if first is None:
        return added
    for name, option, count in first.union(*others, all=True) if others else first:
        added[name][option] = count
    return added


def linked_options(search, name, total, added):
    """[(option, value, label, count)] of a group other than route (no other group's
    condition reads its choices): the current results (`total`, when the group has choices)
    and those the option adds."""
    model = OPTION_GROUPS[name]
    chosen = search.form.cleaned_data.get(name) or []
    key = "code" if name == "language" else "slug"
    options = caching.reference_options(model, "pk").values()  # in memory
    if name == "language":
        # Languages are the whole ISO 639-1 list: show only those spoken somewhere.
        spoken = spoken_languages(search)
        options = [option for option in options if option.pk in spoken or option in chosen]
    base = total if chosen else 0
    return [
        (option, getattr(option, key), option.label, base + added.get(option.pk, 0))
        for option in options
    ]


def spoken_languages(search):
    """The ids of the languages spoken at some location of the searched set (every published
    location, or a page's narrower set), read once per listings version and set."""
    spoken = (
        Location.languages.through.objects.filter(location__in=search.queryset.values("id"))
        .order_by()
        .values_list("language", flat=True)
        .distinct()
    )
    digest = caching.query_digest(spoken)
    if digest is None:
        return frozenset()
    return caching.per_listings_version(f"spoken:{digest}", lambda: frozenset(spoken))


def count_routes(search, total):
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
    for name, model in OPTION_GROUPS.items():
        chosen = set(data.getlist(name))
        key = "code" if name == "language" else "slug"
        options[name] = [
            Facet(getattr(obj, key), obj.label, None, getattr(obj, key) in chosen)
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
