"""The fields, filters and form the search is made of, each refusing bad input clearly.

django-filter deep-copies every declared filter for each search; these copy shallowly
(CopiedShallowly), which took a tenth of a search's Python time off (bench/run.py).
"""

import copy

import django_filters
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from clinics import caching, geo
from clinics.validators import US_STATES, state_label, whole_number, yes_or_no

DEFAULT_RADIUS_MILES = 25
MAX_RADIUS_MILES = 500
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PRICE_USD = 1_000_000
MAX_OFFSET = 10**12
MAX_NEAR_LENGTH = 200
# Words of a free-text search (`q`, HSDS `search`) that are looked for, each one LIKE term in
# the results query and in each facet query (issue 12.13). Clinic names are a few words.
MAX_SEARCH_WORDS = 8


def _translated(message, values):
    return gettext(message) % values


# A message with figures filled in, translated when it is shown (in the reader's language), not
# when the module is imported: for form fields declared once per process. Mark the message
# with gettext_noop so that makemessages finds it.
translated_lazily = lazy(_translated, str)


def search_words(text):
    """The words of a free-text search worth looking for, at most MAX_SEARCH_WORDS.

    Every word must be in the name, so a repeated word (in any case) and a word inside
    another one (`a` in `ketamine`) change nothing and are dropped; words past the cap are
    ignored. Longest first, so what is dropped is the least telling."""
    distinct = {}
    for word in (text or "").split():
        distinct.setdefault(word.lower(), word)
    words = sorted(distinct, key=lambda word: (-len(word), word))
    kept = []
    for word in words:
        if not any(word in longer for longer in kept):
            kept.append(word)
    return [distinct[word] for word in kept[:MAX_SEARCH_WORDS]]


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
        return _('"%(value)s" is not a known %(noun)s. Use one of: %(known)s.') % {
            "value": shown,
            "noun": self.noun,
            "known": known,
        }


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


class StateField(forms.CharField):
    """A USPS state code in any case ("tx"), as its upper-case code."""

    def to_python(self, value):
        code = super().to_python(value).strip().upper()
        if code and code not in US_STATES:
            shown = code.replace("\x00", "")[:20]
            raise forms.ValidationError(
                _('"%(code)s" is not a US state code. Use a two-letter USPS code such as TX or AK.')
                % {"code": shown},
                code="invalid_choice",
            )
        return code


class StateFilter(CopiedShallowly, django_filters.Filter):
    field_class = StateField


class YesField(forms.Field):
    """A flag that is either asked for (`true`) or left out; `false` means "don't filter"."""

    def to_python(self, value):
        try:
            chosen = yes_or_no(value)
        except ValueError:
            raise forms.ValidationError(
                _('Use "true", or leave this out.'), code="invalid"
            ) from None
        return True if chosen else None


class YesFilter(CopiedShallowly, django_filters.Filter):
    field_class = YesField


class WholeNumberField(forms.IntegerField):
    """An integer in ASCII digits and nothing else (validators.whole_number): not `٣`, not
    `3.0`, not `3` and a newline (issue 12.10)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return whole_number(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class SearchForm(forms.Form):
    """Fields that shape the result page rather than filter it; the FilterSet adds the rest."""

    page = WholeNumberField(
        min_value=1,
        required=False,
        help_text="1-based page number; default 1.",
        error_messages=dict.fromkeys(
            ("invalid", "min_value"), gettext_lazy("The page must be a whole number, 1 or more.")
        ),
    )
    page_size = WholeNumberField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        required=False,
        help_text=f"Results per page, 1 to {MAX_PAGE_SIZE}; default {DEFAULT_PAGE_SIZE}.",
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            translated_lazily(
                gettext_noop("The page size must be a whole number from 1 to %(max)s."),
                {"max": MAX_PAGE_SIZE},
            ),
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
            self.near_state = error.state
            self.near_ambiguous = error.ambiguous
            raise forms.ValidationError(self.place_message(error), code="unknown_place") from error

    def place_message(self, error):
        """What geo says, with its guesses and, for a state, the state search. Every place of
        a name (`choices`) is too long a list for a message: the page links to each."""
        message = error.message
        if error.state and "state" in self.fields:
            name = state_label(error.state)
            message += " " + _(
                "To list every location in %(state)s, search with state=%(code)s."
            ) % {"state": name, "code": error.state}
        if error.suggestions and not (error.state or error.choices):
            message += " " + _("Did you mean: %(places)s?") % {
                "places": "; ".join(error.suggestions)
            }
        return message

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("sort") == "distance"
            and not cleaned.get("near")
            and "near" not in self.errors
        ):
            self.add_error(
                "sort", _("Sorting by distance needs a place: enter a ZIP code or a city.")
            )
        return cleaned
