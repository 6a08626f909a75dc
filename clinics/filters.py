"""The public search: one FilterSet behind both /search/ and /api/v1/locations/.

The parameters, their meaning and their errors are a contract (../shared/spec/api.md).
Different parameters combine with AND; the values of a repeated parameter combine with OR.
Routes and payers are bits tested on the location row (Location.route_mask, payer_mask);
every other filter is a subquery on the location's id, so no filter multiplies rows and no
DISTINCT is needed; distance is strategy S1 of ../shared/notes/geo-search.md.
"""

import copy
import math
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.lookups import GreaterThan

from clinics import caching, geo
from clinics.models import (
    Condition,
    Language,
    Location,
    Offering,
    Payer,
    PaymentOption,
    TreatmentRoute,
    attach_summaries,
    with_summary,
)

DEFAULT_RADIUS_MILES = 25
MAX_RADIUS_MILES = 500
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PRICE_USD = 1_000_000
MAX_OFFSET = 10**12

# The columns a result shows (api.location_json, includes/_result.html): reading and
# converting all of them cost as much as the search's SQL. Query-count tests catch a
# field the result pages read but this list misses.
RESULT_FIELDS = [
    "name", "address_line1", "address_line2", "city", "state", "postal_code", "country",
    "latitude", "longitude", "phone", "clinic",
    "clinic__slug", "clinic__name", "clinic__phone", "clinic__website", "clinic__booking_url",
    "clinic__verified_at", "clinic__flagged_stale_at", "clinic__accepting_new_patients",
    "clinic__offers_kap", "clinic__works_with_own_therapist", "clinic__offers_integration",
    "clinic__offers_telehealth", "clinic__offers_at_home",
]  # fmt: skip


class SlugChoiceField(forms.ModelMultipleChoiceField):
    """Reference data chosen by slug, with a message that names the unknown value.

    Values that could never be a slug are refused before they reach the database:
    PostgreSQL rejects NUL characters in a query, which would otherwise be a 500.
    """

    def __init__(self, *, noun, **kwargs):
        self.noun = noun
        super().__init__(**kwargs)

    def clean(self, value):
        for item in value or ():
            if not isinstance(item, str) or "\x00" in item or len(item) > 60:
                raise forms.ValidationError(self._unknown(item), code="invalid_choice")
        if not value:
            # A list, not a QuerySet: an empty list counts as "not given" in django-filter.
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        options = caching.reference_options(self.queryset.model, self.to_field_name)
        for item in value:
            if item not in options:
                raise forms.ValidationError(self._unknown(item), code="invalid_choice")
        return [options[item] for item in dict.fromkeys(value)]

    def _unknown(self, value):
        known = ", ".join(str(getattr(obj, self.to_field_name)) for obj in self.queryset)
        shown = str(value).replace("\x00", "")[:60]
        return f'"{shown}" is not a known {self.noun}. Use one of: {known}.'


def with_any_bit(queryset, mask_field, options):
    """Rows whose mask has the bit of any of `options` (routes or payers; models.MaskBit).

    A test on the location row itself instead of a probe of the offerings or acceptances of
    every location in the box: ../shared/notes/geo-search.md, section 7.
    """
    wanted = sum(1 << option.bit for option in options)
    return queryset.filter(GreaterThan(F(mask_field).bitand(wanted), 0))


class CopiedShallowly:
    """A filter that every search copies cheaply.

    django-filter deep-copies each declared filter for every FilterSet, which was a tenth of a
    search's Python time (bench/run.py). These filters hold only settings that never change
    once declared, so a shallow copy will do; only `method` must be bound to the copy, because
    django-filter looks the method up on the filter's own `parent` (the FilterSet).
    """

    def __deepcopy__(self, memo):
        clone = copy.copy(self)
        if self.method is not None:
            clone.method = self.method
        return clone


class CharFilter(CopiedShallowly, django_filters.CharFilter):
    pass


class NumberFilter(CopiedShallowly, django_filters.NumberFilter):
    pass


class ChoiceFilter(CopiedShallowly, django_filters.ChoiceFilter):
    pass


class SlugFilter(CopiedShallowly, django_filters.ModelMultipleChoiceFilter):
    field_class = SlugChoiceField

    def __init__(self, *, reference, **kwargs):
        # A callable rather than a QuerySet: every search copies its filters, and deep-copying
        # QuerySets cost more than the rest of the copy together (bench/run.py).
        super().__init__(queryset=lambda request: reference._default_manager.all(), **kwargs)


class YesField(forms.Field):
    """A flag that is either asked for (`true`) or left out; `false` means "don't filter"."""

    def to_python(self, value):
        text = (value or "").strip().lower()
        if text in ("", "false", "0", "off", "no"):
            return None
        if text in ("true", "1", "on", "yes"):
            return True
        raise forms.ValidationError('Use "true", or leave this out.', code="invalid")


class YesFilter(CopiedShallowly, django_filters.Filter):
    field_class = YesField


class SearchForm(forms.Form):
    """Fields that shape the result page rather than filter it; the FilterSet adds the rest."""

    page = forms.IntegerField(
        min_value=1,
        required=False,
        error_messages={
            "invalid": "The page must be a whole number, 1 or more.",
            "min_value": "The page must be a whole number, 1 or more.",
        },
    )
    page_size = forms.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        required=False,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            f"The page size must be a whole number from 1 to {MAX_PAGE_SIZE}.",
        ),
    )

    def __init__(self, *args, **kwargs):
        # Django deep-copies every field for each form so that a form may change its own;
        # this one never does, and the copy was a twelfth of a search's Python time. An
        # instance attribute hides the class's fields from that copy; the form then reads
        # the shared, unchanging fields.
        self.base_fields = {}
        super().__init__(*args, **kwargs)
        del self.base_fields
        self.fields = dict(self.base_fields)

    def clean_near(self):
        text = self.cleaned_data.get("near") or ""
        if not text:
            return None
        try:
            return geo.resolve_cached(text)
        except geo.PlaceNotFound as error:
            self.near_suggestions = error.suggestions
            message = error.message
            if error.suggestions:
                message += " Did you mean: " + "; ".join(error.suggestions) + "?"
            raise forms.ValidationError(message, code="unknown_place") from error

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("sort") == "distance"
            and not cleaned.get("near")
            and "near" not in self.errors
        ):
            self.add_error("sort", "Sorting by distance needs a place: enter a ZIP code or a city.")
        return cleaned


class LocationFilter(django_filters.FilterSet):
    """Published locations matching the search parameters of the API contract."""

    near = CharFilter(
        method="filter_nothing",
        max_length=200,
        error_messages={
            "max_length": "Enter at most 200 characters: a ZIP code, a city or an address."
        },
    )
    radius = NumberFilter(
        method="filter_nothing",
        min_value=1,
        max_value=MAX_RADIUS_MILES,
        error_messages={
            "invalid": f"The radius must be a number of miles from 1 to {MAX_RADIUS_MILES}.",
            "min_value": f"The radius must be a number of miles from 1 to {MAX_RADIUS_MILES}.",
            "max_value": f"The radius must be a number of miles from 1 to {MAX_RADIUS_MILES}.",
        },
    )
    route = SlugFilter(
        reference=TreatmentRoute,
        to_field_name="slug",
        noun="treatment route",
        method="filter_route",
    )
    condition = SlugFilter(
        reference=Condition,
        to_field_name="slug",
        noun="condition",
        method="filter_condition",
    )
    insurance = SlugFilter(
        reference=Payer, to_field_name="slug", noun="payer", method="filter_insurance"
    )
    payment = SlugFilter(
        reference=PaymentOption,
        to_field_name="slug",
        noun="payment option",
        method="filter_payment",
    )
    language = SlugFilter(
        reference=Language,
        to_field_name="code",
        noun="language code (ISO 639-1)",
        method="filter_language",
    )
    max_price = NumberFilter(
        method="filter_max_price",
        min_value=0,
        max_value=MAX_PRICE_USD,
        error_messages={
            "invalid": "The maximum price must be a number of US dollars, 0 or more.",
            "min_value": "The maximum price must be a number of US dollars, 0 or more.",
            "max_value": f"The maximum price must be at most {MAX_PRICE_USD:,} US dollars.",
        },
    )
    psychotherapy = YesFilter(method="filter_psychotherapy")
    telehealth = YesFilter(method="filter_telehealth")
    accepting = YesFilter(method="filter_accepting")
    q = CharFilter(
        method="filter_words",
        max_length=200,
        error_messages={"max_length": "Enter at most 200 characters of a clinic's name."},
    )
    sort = ChoiceFilter(
        method="filter_nothing",
        choices=[
            ("distance", "Distance"),
            ("price", "Lowest price"),
            ("name", "Name"),
            ("verified", "Recently verified"),
        ],
        empty_label=None,
        error_messages={
            "invalid_choice": 'Sort by "distance", "price", "name" or "verified".',
        },
    )

    # Which conditions make each parameter; used for the filters and for the facet counts.
    # Psychotherapy is any of the three kinds DOMAIN.md lists as psychotherapy integration,
    # as in Clinic.offers_psychotherapy: KAP in house, the patient's own therapist, or
    # integration sessions.
    psychotherapy_q = (
        Q(clinic__offers_kap=True)
        | Q(clinic__works_with_own_therapist=True)
        | Q(clinic__offers_integration=True)
    )
    telehealth_q = Q(clinic__offers_telehealth=True) | Q(clinic__offers_at_home=True)
    accepting_q = Q(clinic__accepting_new_patients=True)

    class Meta:
        model = Location
        form = SearchForm
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # A NUL character can't be stored or searched for; refuse it by name.
            data = data.copy()
            self.refused = {
                key: "This contains a character that cannot be searched for."
                for key, values in data.lists()
                if any("\x00" in value for value in values)
            }
            for key in self.refused:
                data.setlist(key, [])
        else:
            self.refused = {}
        super().__init__(data, *args, queryset=Location.objects.published(), **kwargs)

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
        return with_any_bit(queryset, "route_mask", routes)

    def filter_condition(self, queryset, name, conditions):
        return queryset.filter(
            id__in=Location.conditions.through.objects.filter(condition__in=conditions).values(
                "location"
            )
        )

    def filter_insurance(self, queryset, name, payers):
        return with_any_bit(queryset, "payer_mask", payers)

    def filter_payment(self, queryset, name, options):
        return queryset.filter(
            id__in=Location.payment_options.through.objects.filter(
                paymentoption__in=options
            ).values("location")
        )

    def filter_language(self, queryset, name, languages):
        return queryset.filter(
            id__in=Location.languages.through.objects.filter(language__in=languages).values(
                "location"
            )
        )

    def filter_max_price(self, queryset, name, value):
        # The lowest price of the chosen routes is <= value exactly when one of those
        # offerings starts at or below it; offerings without a price never match.
        offerings = Offering.objects.filter(location=OuterRef("pk"), price_min_usd__lte=value)
        if routes := self.form.cleaned_data.get("route"):
            offerings = offerings.filter(route__in=routes)
        return queryset.filter(Exists(offerings))

    def filter_psychotherapy(self, queryset, name, value):
        return queryset.filter(self.psychotherapy_q) if value else queryset

    def filter_telehealth(self, queryset, name, value):
        return queryset.filter(self.telehealth_q) if value else queryset

    def filter_accepting(self, queryset, name, value):
        return queryset.filter(self.accepting_q) if value else queryset

    def filter_words(self, queryset, name, value):
        for word in value.split():
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

    def filter_queryset(self, queryset, skip=()):
        for name, value in self.form.cleaned_data.items():
            if name in self.filters and name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        if self.place:
            return geo.within(
                queryset, self.place.latitude, self.place.longitude, self.radius_miles
            )
        return queryset.annotate(distance=Value(None, output_field=FloatField()))

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
        """The lowest price per session of the chosen routes, or of any route."""
        offerings = Offering.objects.filter(location=OuterRef("pk"), price_min_usd__isnull=False)
        if routes := self.form.cleaned_data.get("route"):
            offerings = offerings.filter(route__in=routes)
        return Subquery(
            offerings.order_by().values("location").annotate(low=Min("price_min_usd")).values("low")
        )

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = self.order(self.filter_queryset(self.queryset.all())).select_related(
                "clinic"
            )
        return self._qs

    # One page of results with its total and summaries, in one query ---------------------

    def page(self):
        """The requested page, or None when the page lies past the end of the results."""
        number = self.form.cleaned_data.get("page") or 1
        size = self.form.cleaned_data.get("page_size") or DEFAULT_PAGE_SIZE
        # count(*) OVER () gives the total with the rows (geo-search notes, section 5).
        start = (number - 1) * size
        if start > MAX_OFFSET:
            return None  # past the end of any directory; SQL can't take such an offset
        rows = list(
            with_summary(self.qs.only(*RESULT_FIELDS)).annotate(total=Window(Count("id")))[
                start : start + size
            ]
        )
        if not rows and number > 1:
            return None
        total = rows[0].total if rows else 0
        attach_summaries(rows)
        return ResultPage(rows=rows, count=total, number=number, size=size)

    # Facet counts ----------------------------------------------------------------------

    def facets(self):
        """For every option of every filter: how many results choosing it would give.

        The count for an option of a repeatable parameter ignores that parameter's current
        values (choosing another route widens the search) and keeps all the others: one
        aggregate query per parameter, never one per option.
        """
        groups = {
            "route": (TreatmentRoute.objects.all(), "offerings__location"),
            "condition": (Condition.objects.all(), "locations"),
            "insurance": (Payer.objects.all(), "acceptances__location"),
            "payment": (PaymentOption.objects.all(), "locations"),
            "language": (Language.objects.all(), "locations"),
        }
        facets = {}
        for name, (options, path) in groups.items():
            matching = self.filter_queryset(self.queryset.all(), skip={name}).order_by()
            chosen = {str(v) for v in self.form.data.getlist(name)} if self.form.data else set()
            key = "code" if name == "language" else "slug"
            counted = options.annotate(
                matches=Count(
                    path, filter=Q(**{f"{path}__in": matching.values("id")}), distinct=True
                )
            )
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
        flags = {
            "psychotherapy": self.psychotherapy_q,
            "telehealth": self.telehealth_q,
            "accepting": self.accepting_q,
        }
        # The flags combine with AND, so one query counts them all: each flag's count keeps
        # the other flags that are chosen.
        chosen_flags = {name for name in flags if self.form.cleaned_data.get(name)}
        matching = self.filter_queryset(self.queryset.all(), skip=set(flags)).order_by()
        counts = matching.aggregate(
            **{
                name: Count(
                    "id",
                    filter=Q(condition, *(flags[other] for other in chosen_flags - {name})),
                )
                for name, condition in flags.items()
            }
        )
        for name in flags:
            facets[name] = Facet(
                value="true",
                label=name,
                count=counts[name],
                chosen=bool(self.form.cleaned_data.get(name)),
            )
        return facets


def page_url(request, number):
    """The current URL, relative, with another page number: shareable and stable."""
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"


@dataclass(frozen=True)
class Facet:
    """One option of a filter, with how many results choosing it gives (None: not counted)."""

    value: str
    label: str
    count: int | None
    chosen: bool


def unfaceted_options(data):
    """The filters' options without counts, for a form whose input did not validate."""
    groups = {
        "route": TreatmentRoute.objects.all(),
        "condition": Condition.objects.all(),
        "insurance": Payer.objects.all(),
        "payment": PaymentOption.objects.all(),
        "language": Language.objects.all(),
    }
    options = {}
    for name, queryset in groups.items():
        chosen = set(data.getlist(name))
        key = "code" if name == "language" else "slug"
        options[name] = [
            Facet(getattr(obj, key), obj.name, None, getattr(obj, key) in chosen)
            for obj in queryset
        ]
    for name in ("psychotherapy", "telehealth", "accepting"):
        options[name] = Facet("true", name, None, data.get(name, "").lower() == "true")
    return options


@dataclass
class ResultPage:
    rows: list
    count: int
    number: int
    size: int

    @property
    def num_pages(self):
        return max(1, math.ceil(self.count / self.size))

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def start_index(self):
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def end_index(self):
        return (self.number - 1) * self.size + len(self.rows)
