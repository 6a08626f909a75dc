"""The public search: one FilterSet behind both /search/ and /api/v1/locations/.

The parameters, their meaning and their errors are a contract (docs/api.md); the OpenAPI
description of the search is generated from this FilterSet (clinics/opendata/openapi/).
Different parameters combine with AND; the values of a repeated parameter combine with OR.
Routes and payers are bits tested on the location row (Location.route_mask, payer_mask);
every other filter is a subquery on the location's id, so no filter multiplies rows and no
DISTINCT is needed; distance is strategy S1 of docs/geo-search.md.
"""

import django_filters
from django.db.models import (
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from clinics import caching, geo
from clinics.models import (
    Clinic,
    Condition,
    Language,
    Location,
    Payer,
    PaymentOption,
    TreatmentRoute,
    attach_summaries,
    with_summary,
)
from clinics.search import prices, rules
from clinics.search.facets import count_facets
from clinics.search.fields import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_RADIUS_MILES,
    MAX_NEAR_LENGTH,
    MAX_OFFSET,
    MAX_PRICE_USD,
    MAX_RADIUS_MILES,
    MAX_SEARCH_WORDS,
    CharFilter,
    ChoiceFilter,
    NumberFilter,
    SearchForm,
    SlugFilter,
    StateFilter,
    YesFilter,
    search_words,
    translated_lazily,
)
from clinics.search.paging import result_page

# The columns a result shows (api.location_json, includes/_result.html): reading and
# converting all of them cost as much as the search's SQL. Query-count tests catch a
# field the result pages read but this list misses.
RESULT_FIELDS = [
    "name", "address_line1", "address_line2", "city", "state", "postal_code", "country",
    "latitude", "longitude", "phone", "phone_extension", "clinic",
    "clinic__slug", "clinic__name", "clinic__phone", "clinic__phone_extension",
    "clinic__website", "clinic__booking_url",
    "clinic__verified_at", "clinic__staff_confirmed_on", "clinic__created_at", "clinic__accepting_new_patients",
    "clinic__accepting_as_of",
    "clinic__offers_kap", "clinic__works_with_own_therapist", "clinic__offers_integration",
    "clinic__offers_telehealth", "clinic__offers_at_home", "clinic__telehealth_states",
]  # fmt: skip


class LocationFilter(django_filters.FilterSet):
    """Published locations matching the search parameters of the API contract."""

    near = CharFilter(
        method="filter_nothing",
        max_length=MAX_NEAR_LENGTH,
        help_text="The search origin: a 5-digit ZIP or ZIP+4, `City, ST`, a street address, or "
        "`lat,lng` in decimal degrees. Without an online geocoder, an address that ends in a "
        "ZIP code is searched from that ZIP (the origin's label says so). A city in several "
        "states, or a state, answers 400 naming the choices.",
        error_messages={
            "max_length": gettext_lazy(
                "Enter at most 200 characters: a ZIP code, a city or an address."
            )
        },
    )
    radius = NumberFilter(
        method="filter_nothing",
        min_value=1,
        max_value=MAX_RADIUS_MILES,
        help_text=f"Miles from the origin, 1 to {MAX_RADIUS_MILES}; default "
        f"{DEFAULT_RADIUS_MILES}. Only with `near`.",
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            translated_lazily(
                gettext_noop("The radius must be a number of miles from 1 to %(max)s."),
                {"max": MAX_RADIUS_MILES},
            ),
        ),
    )
    route = SlugFilter(
        reference=TreatmentRoute,
        to_field_name="slug",
        noun=gettext_lazy("treatment route"),
        method="filter_route",
        help_text="Offers any of these routes (iv, im, lozenge, esketamine, ...).",
    )
    condition = SlugFilter(
        reference=Condition,
        to_field_name="slug",
        noun=gettext_lazy("condition"),
        method="filter_condition",
        help_text="Treats any of these conditions (slugs).",
    )
    insurance = SlugFilter(
        reference=Payer,
        to_field_name="slug",
        noun=gettext_lazy("payer"),
        method="filter_insurance",
        help_text="In network with any of these payers (slugs), for one of the chosen routes "
        "when `route` is given (an acceptance for all routes counts), for any route otherwise.",
    )
    payment = SlugFilter(
        reference=PaymentOption,
        to_field_name="slug",
        noun=gettext_lazy("payment option"),
        method="filter_payment",
        help_text="Offers any of these: self-pay, superbill, financing, sliding-scale.",
    )
    language = SlugFilter(
        reference=Language,
        to_field_name="code",
        noun=gettext_lazy("language code (ISO 639-1)"),
        method="filter_language",
        help_text="Staff speak any of these (ISO 639-1 codes).",
    )
    max_price = NumberFilter(
        method="filter_max_price",
        min_value=0,
        max_value=MAX_PRICE_USD,
        help_text="US dollars: the lowest price per session (of the chosen routes) is at most "
        "this.",
        error_messages={
            **dict.fromkeys(
                ("invalid", "min_value"),
                gettext_lazy("The maximum price must be a number of US dollars, 0 or more."),
            ),
            "max_value": translated_lazily(
                gettext_noop("The maximum price must be at most %(max)s US dollars."),
                {"max": f"{MAX_PRICE_USD:,}"},
            ),
        },
    )
    psychotherapy = YesFilter(
        method="filter_psychotherapy",
        help_text="`true`: offers ketamine-assisted psychotherapy in house, works with the "
        "patient's own therapist, or offers integration sessions.",
    )
    telehealth = YesFilter(
        method="filter_telehealth",
        help_text="`true`: offers telehealth consultations or at-home programmes.",
    )
    serves = StateFilter(
        method="filter_serves",
        help_text="USPS state code: clinics whose telehealth or at-home programme serves "
        "patients in this state, wherever they are (`radius` does not apply); one result per "
        "clinic, its nearest location with `near`, else its first.",
    )
    state = StateFilter(
        method="filter_state",
        help_text="USPS state code: locations whose address is in this state.",
    )
    accepting = YesFilter(method="filter_accepting", help_text="`true`: accepting new patients.")
    q = CharFilter(
        method="filter_words",
        max_length=200,
        help_text=f"Words in the clinic's or location's name (at most {MAX_SEARCH_WORDS} distinct "
        "words are looked for).",
        error_messages={
            "max_length": gettext_lazy("Enter at most 200 characters of a clinic's name.")
        },
    )
    sort = ChoiceFilter(
        method="filter_nothing",
        choices=[
            ("distance", gettext_lazy("Distance")),
            ("price", gettext_lazy("Lowest price")),
            ("name", gettext_lazy("Name")),
            ("verified", gettext_lazy("Recently verified")),
        ],
        empty_label=None,
        help_text="Order: distance (default with `near`), price, name (default without), verified. "
        "`price`: the lowest price per session of the chosen routes; without `route`, the "
        "lowest self-pay price per session of any route (an esketamine price where the "
        "location bills insurance for it is not compared); no price last.",
        error_messages={
            "invalid_choice": gettext_lazy('Sort by "distance", "price", "name" or "verified".'),
        },
    )

    # Which conditions make each flag; used for the filters and for the facet counts.
    flag_conditions = rules.FLAG_CONDITIONS

    class Meta:
        model = Location
        form = SearchForm
        fields = []

    def __init__(self, data=None, *args, within=None, **kwargs):
        """`within`: a narrower set of published locations to search (a state page looks for
        the remote programmes serving the state among clinics based elsewhere)."""
        if data is not None:
            # A NUL character can't be stored or searched for; refuse it by name.
            data = data.copy()
            self.refused = {
                key: gettext("This contains a character that cannot be searched for.")
                for key, values in data.lists()
                if any("\x00" in value for value in values)
            }
            for key in self.refused:
                data.setlist(key, [])
        else:
            self.refused = {}
        queryset = within if within is not None else Location.objects.published()
        super().__init__(data, *args, queryset=queryset, **kwargs)

    def get_form_class(self):
        # The form depends only on the declared filters, so it is built once per process
        # rather than once per search (it was a tenth of a search's time; bench/run.py).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @property
    def errors(self):
        errors = {key: list(messages) for key, messages in self.form.errors.items()}
        for key, message in self.refused.items():
            errors.setdefault(key, []).append(message)
        return errors

    def is_valid(self):
        return self.form.is_valid() and not self.refused

    # Filters ---------------------------------------------------------------------------

    def filter_nothing(self, queryset, name, value):
        # near, radius and sort act together in filter_queryset.
        return queryset

    def filter_route(self, queryset, name, routes):
        return queryset.filter(rules.route_q(routes))

    def filter_condition(self, queryset, name, conditions):
        return queryset.filter(rules.condition_q(conditions))

    def filter_insurance(self, queryset, name, payers):
        return queryset.filter(rules.insurance_q(payers, self.form.cleaned_data.get("route")))

    def filter_payment(self, queryset, name, options):
        return queryset.filter(rules.payment_q(options))

    def filter_language(self, queryset, name, languages):
        return queryset.filter(rules.language_q(languages))

    def filter_max_price(self, queryset, name, value):
        return queryset.filter(rules.max_price_q(value, self.form.cleaned_data.get("route")))

    def filter_psychotherapy(self, queryset, name, value):
        return queryset.filter(self.flag_conditions["psychotherapy"]) if value else queryset

    def filter_telehealth(self, queryset, name, value):
        return queryset.filter(self.flag_conditions["telehealth"]) if value else queryset

    def filter_accepting(self, queryset, name, value):
        return queryset.filter(self.flag_conditions["accepting"]) if value else queryset

    def filter_serves(self, queryset, name, state):
        # One result per clinic is chosen in filter_queryset, after the other filters.
        return queryset.filter(clinic__in=Clinic.objects.serving(state))

    def filter_state(self, queryset, name, state):
        return queryset.filter(state=state)

    def filter_words(self, queryset, name, value):
        for word in search_words(value):
            queryset = queryset.filter(Q(clinic__name__icontains=word) | Q(name__icontains=word))
        return queryset

    # Distance and order ----------------------------------------------------------------

    @property
    def place(self):
        return self.form.cleaned_data.get("near")

    @property
    def radius_miles(self):
        radius = self.form.cleaned_data.get("radius")
        return float(radius) if radius is not None else DEFAULT_RADIUS_MILES

    @property
    def sort_order(self):
        return self.form.cleaned_data.get("sort") or ("distance" if self.place else "name")

    def filter_queryset(self, queryset, skip=(), *, per_clinic=True):
        """The matching locations, leaving out the filters named in `skip`; with `serves`,
        one per clinic unless `per_clinic` is false (every matching location, no radius)."""
        for name, value in self.form.cleaned_data.items():
            if name in self.filters and name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        if self.form.cleaned_data.get("serves") and "serves" not in skip:
            return self.one_per_clinic(queryset) if per_clinic else queryset
        if self.place:
            return geo.within(
                queryset, self.place.latitude, self.place.longitude, self.radius_miles
            )
        return queryset.annotate(distance=Value(None, output_field=FloatField()))

    def one_per_clinic(self, queryset):
        """A remote programme serves a state from wherever it is: no radius, and one row per
        clinic (its nearest matching location with a place, else its first)."""
        if self.place:
            distance = geo.DistanceMiles(self.place.latitude, self.place.longitude)
            queryset = queryset.annotate(distance=distance)
            order = ("distance", "id")
        else:
            queryset = queryset.annotate(distance=Value(None, output_field=FloatField()))
            order = ("id",)
        first = queryset.filter(clinic=OuterRef("clinic")).order_by(*order).values("id")[:1]
        return queryset.filter(id=Subquery(first))

    def order(self, queryset):
        sort = self.sort_order
        if sort == "distance":
            return queryset.order_by("distance", "id")
        if sort == "price":
            return queryset.annotate(lowest_price=self.lowest_price()).order_by(
                F("lowest_price").asc(nulls_last=True), "id"
            )
        if sort == "verified":
            return queryset.order_by(F("clinic__verified_at").desc(nulls_last=True), "id")
        return queryset.order_by("clinic__name", "name", "id")

    def lowest_price(self):
        """The lowest price per session of the chosen routes, or the lowest self-pay price
        of any route (search/prices.py)."""
        return prices.lowest_price(self.form.cleaned_data.get("route"))

    @property
    def price_order_label(self):
        """Which price `sort=price` compares, in words; None for the other orders."""
        if self.sort_order != "price":
            return None
        return prices.price_order_label(self.form.cleaned_data.get("route"))

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = self.order(self.filter_queryset(self.queryset.all())).select_related(
                "clinic"
            )
        return self._qs

    # One page of results with its total and summaries, in one query ---------------------

    def page(self):
        """The requested page (Django's Page), or None past the end of the results."""
        number = self.form.cleaned_data.get("page") or 1
        size = self.form.cleaned_data.get("page_size") or DEFAULT_PAGE_SIZE
        # count(*) OVER () gives the total with the rows (docs/geo-search.md, section 5).
        start = (number - 1) * size
        if start > MAX_OFFSET:
            return None  # past the end of any directory; SQL can't take such an offset
        page_rows = with_summary(self.qs.only(*RESULT_FIELDS))
        if self.place is None:
            # Without a circle a search may match most of the directory: counting it with
            # the page read every match (130 ms at 100k for route=iv) where the page alone
            # reads twenty. The exact total is kept per listings version instead.
            rows = list(page_rows[start : start + size])
            total = self.total_without_place()
        else:
            rows = list(page_rows.annotate(total=Window(Count("id")))[start : start + size])
            total = rows[0].total if rows else 0
        if not rows and number > 1:
            return None
        attach_summaries(rows)
        return result_page(rows, number=number, size=size, total=total)

    def total_without_place(self):
        """The exact number of matches, counted once per listings version and search (the
        search's SQL names it, whatever parameters or `within` chose it)."""
        matches = self.qs.order_by().values("id")
        digest = caching.query_digest(matches)
        if digest is None:
            return 0
        return caching.per_listings_version(f"search-total:{digest}", matches.count)

    # Facet counts ----------------------------------------------------------------------

    def facets(self):
        """For every option of every filter: how many results choosing it would give."""
        return count_facets(self)
