"""The fields and filters the search is made of, each refusing bad input with a clear message.

django-filter deep-copies every declared filter for each search; these copy shallowly
(CopiedShallowly), which took a tenth of a search's Python time off (bench/run.py).
"""

import copy

import django_filters
from django import forms

from clinics import caching
from clinics.validators import yes_or_no


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
        try:
            chosen = yes_or_no(value)
        except ValueError:
            raise forms.ValidationError('Use "true", or leave this out.', code="invalid") from None
        return True if chosen else None


class YesFilter(CopiedShallowly, django_filters.Filter):
    field_class = YesField
