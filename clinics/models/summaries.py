"""What a search result shows of each location, read in the same query as the locations."""

import datetime
from dataclasses import dataclass

from django.db import models

from clinics import caching
from clinics.models.location import Location, Offering, PayerAcceptance, covers, price_label
from clinics.models.reference import Condition, Language, Payer, PaymentOption, TreatmentRoute


def with_summary(locations):
    """Annotate what a search result shows of each location; attach_summaries() reads it.

    Routes with prices, payers, conditions, payment options and languages come back as
    short lists of ids in the same query as the locations, instead of five prefetch
    queries that cost more than the search itself (README, "Scale benchmark"). The names
    behind the ids come from reference data held in memory (caching.reference_options).
    PostgreSQL evaluates the subqueries only for the rows of the page (EXPLAIN: loops=20).
    """
    return locations.annotate(
        summary_offerings=RowsOfLocation(
            Offering, "route", "price_min_usd", "price_max_usd", "prices_as_of"
        ),
        summary_payers=RowsOfLocation(PayerAcceptance, "payer", "route"),
        summary_conditions=RowsOfLocation(Location.conditions.through, "condition"),
        summary_payment=RowsOfLocation(Location.payment_options.through, "paymentoption"),
        summary_languages=RowsOfLocation(Location.languages.through, "language"),
    )


class RowsOfLocation(models.Func):
    """The `fields` of every row of `model` for the outer location, as text: "1:450:650,2::".

    A correlated subquery written as one SQL template. Composing it from a QuerySet gave the
    same SQL, but resolving and compiling five of them was a tenth of a search request
    (bench/run.py under py-spy). Items are joined by commas, values by colons; NULL is empty.
    """

    output_field = models.TextField()

    def __init__(self, model, *fields):
        super().__init__(models.F("pk"))
        self.model, self.fields = model, fields

    def as_sql(self, compiler, connection, aggregate="STRING_AGG", **extra_context):
        location_id, params = compiler.compile(self.source_expressions[0])
        quote, meta = connection.ops.quote_name, self.model._meta
        item = " || ':' || ".join(
            f"COALESCE(CAST({quote(meta.get_field(name).column)} AS TEXT), '')"
            for name in self.fields
        )
        location_column = quote(meta.get_field("location").column)
        sql = (
            f"(SELECT {aggregate}({item}, ',') FROM {quote(meta.db_table)}"
            f" WHERE {location_column} = {location_id})"
        )
        return sql, params

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, aggregate="GROUP_CONCAT", **extra_context)


@dataclass(frozen=True, slots=True)
class OfferedRoute:
    """A route and its prices as a search result shows them (a light Offering)."""

    route: "TreatmentRoute"
    price_min_usd: int | None
    price_max_usd: int | None
    prices_as_of: datetime.date | None = None

    @property
    def price_label(self):
        return price_label(self.price_min_usd, self.price_max_usd)


@dataclass(frozen=True, slots=True)
class AcceptedPayer:
    """A payer in network, for one route or (route None) for every route."""

    payer: "Payer"
    route: "TreatmentRoute | None"


@dataclass(frozen=True)
class LocationSummary:
    """What a search result shows of a location, in display order."""

    offerings: list  # OfferedRoute
    payer_acceptances: list  # AcceptedPayer
    conditions: list
    payment_options: list
    languages: list

    def payers_for(self, route):
        """The payers in network for `route` here, in display order, each once."""
        payers = (a.payer for a in self.payer_acceptances if covers(a.route, route))
        return list(dict.fromkeys(payers))

    def insurance_by_route(self):
        """[(offered route, [payers in network for it])], for the routes offered here."""
        return [(offered.route, self.payers_for(offered.route)) for offered in self.offerings]


def attach_summaries(locations):
    """Set `location.summary` from what `with_summary()` annotated."""
    version = caching.listings_version()

    def reference(model):
        return caching.reference_options(model, "pk", version=version)

    routes, payers = reference(TreatmentRoute), reference(Payer)
    conditions, payment, languages = (
        reference(Condition),
        reference(PaymentOption),
        reference(Language),
    )

    def value(text):
        if not text:
            return None
        return int(text) if text.isdigit() else datetime.date.fromisoformat(text[:10])

    def items(text):
        if not text:
            return []
        return [[value(v) for v in item.split(":")] for item in text.split(",")]

    def in_order(by_id, text):
        options = (by_id[pk] for (pk,) in items(text))
        return sorted(options, key=lambda option: option.display_order())

    for location in locations:
        offerings = [
            OfferedRoute(routes[route], low, high, as_of)
            for route, low, high, as_of in items(location.summary_offerings)
        ]
        acceptances = [
            AcceptedPayer(payers[payer], routes.get(route))
            for payer, route in items(location.summary_payers)
        ]
        location.summary = LocationSummary(
            offerings=sorted(offerings, key=lambda offering: offering.route.display_order()),
            payer_acceptances=sorted(
                acceptances,
                key=lambda acceptance: (
                    acceptance.payer.display_order(),
                    acceptance.route.display_order() if acceptance.route else (),
                ),
            ),
            conditions=in_order(conditions, location.summary_conditions),
            payment_options=in_order(payment, location.summary_payment),
            languages=in_order(languages, location.summary_languages),
        )
