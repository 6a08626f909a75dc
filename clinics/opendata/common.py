"""What the open data APIs share: query parameters read by Django forms, pages, JSON errors.

Every endpoint reads its query string with a QueryForm: a bad parameter answers 400 with a
message naming it, never a 500. Pages are Django's Paginator pages; a page past the end of
the results is None, which the APIs answer with 404.
"""

import datetime

from django import forms
from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from clinics.search.fields import WholeNumberField, search_words
from clinics.validators import canonical_uuid, yes_or_no

MAX_PAGE_NUMBER = 1_000_000
SEARCH_MAX_LENGTH = 200
MODIFIED_AFTER_MESSAGE = (
    "Give an ISO 8601 date-time such as 2026-01-31T09:00:00Z, or a date such as 2026-01-31."
)


class QueryForm(forms.Form):
    """Query parameters as a form bound to request.GET; each field knows its parameter name."""

    def __init__(self, request):
        super().__init__(request.GET)
        for name, field in self.fields.items():
            field.parameter = name

    def error_lists(self):
        """{parameter: [message, ...]}, the shape of the directory's error responses."""
        return {name: list(messages) for name, messages in self.errors.items()}

    def first_error(self):
        """(parameter, message) of the first invalid parameter, in the form's field order."""
        name = next(name for name in self.fields if name in self.errors)
        return name, self.errors[name][0]


class WholeNumberParam(WholeNumberField):
    """A whole number from `low` to `high`, in ASCII digits (validators.whole_number); blank
    is `default`."""

    def __init__(self, *, default, low, high, message):
        super().__init__(
            required=False,
            min_value=low,
            max_value=high,
            error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), message),
        )
        self.default = default

    def clean(self, value):
        number = super().clean(value)
        return self.default if number is None else number


def page_number_param(message=None):
    return WholeNumberParam(
        default=1,
        low=1,
        high=MAX_PAGE_NUMBER,
        message=message or f"The page must be a whole number from 1 to {MAX_PAGE_NUMBER}.",
    )


class FlagParam(forms.Field):
    """A flag: "true" or "false" (or another yes/no word); blank is false."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            return bool(yes_or_no(value))
        except ValueError:
            raise forms.ValidationError(
                f'Use "true" or "false" for {self.parameter}.', code="invalid"
            ) from None


class UUIDParam(forms.Field):
    """A UUID as text, or None when blank."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if not value:
            return None
        try:
            return canonical_uuid(value)
        except ValueError:
            raise forms.ValidationError(
                f"The {self.parameter} must be a UUID.", code="invalid"
            ) from None


class SearchWordsParam(forms.Field):
    """Words to look for in names: at most 200 characters, the distinct words of it (at most
    search.fields.MAX_SEARCH_WORDS, as the search's `q`)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        text = value or ""
        if "\x00" in text or len(text) > SEARCH_MAX_LENGTH:
            raise forms.ValidationError(
                f"Enter at most {SEARCH_MAX_LENGTH} characters to search for.", code="invalid"
            )
        return search_words(text)


def parse_modified_after(text):
    """An ISO 8601 date-time (or date, meaning its midnight) as an aware datetime in UTC.

    Raises forms.ValidationError for anything else; blank is None.
    """
    if not text:
        return None
    try:
        if not text.isascii():  # Python's date parsers read other scripts' digits too
            raise ValueError(text)
        value = parse_datetime(text)
        if value is None:
            day = parse_date(text)
            if day is None:
                raise ValueError(text)
            value = datetime.datetime(day.year, day.month, day.day)
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        # In UTC: PostgreSQL refuses offsets beyond 15:59 that Python accepts.
        return value.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise forms.ValidationError(MODIFIED_AFTER_MESSAGE, code="invalid") from None


class ModifiedAfterParam(forms.Field):
    """`modified_after`: only what changed on or after this moment (see parse_modified_after)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return parse_modified_after(value)


def page_of(items, *, number, size):
    """Django's page `number` of `items` (a QuerySet or a list), or None past the end."""
    try:
        return Paginator(items, size).page(number)
    except EmptyPage:
        return None


def error_response(errors, status):
    """The directory's JSON error shape: {"errors": {"<parameter>": ["<message>"]}}."""
    return JsonResponse({"errors": errors}, status=status)


PAST_THE_END = "There are no results on this page; the results end earlier."
