"""The query parameters of the FHIR searches, read by a Django form (clinics.opendata.common)."""

import re

from django import forms

from clinics.opendata.common import (
    QueryForm,
    WholeNumberParam,
    page_number_param,
    parse_modified_after,
)

DEFAULT_COUNT = 20
MAX_COUNT = 100
LAST_UPDATED = re.compile(r"^(gt|ge)?(.+)$")


class SearchForm(QueryForm):
    """`_count`, `_page`, and the earliest change: `_lastUpdated=gt<date>` / `ge<date>`, or
    `modified_after=<date>` (cleaned into `after`)."""

    _count = WholeNumberParam(
        default=DEFAULT_COUNT,
        low=1,
        high=MAX_COUNT,
        message=f"Use a whole number from 1 to {MAX_COUNT}.",
    )
    _page = page_number_param("Use a whole number from 1 to 1000000.")
    _lastUpdated = forms.CharField(required=False, strip=False)  # FHIR's name
    modified_after = forms.CharField(required=False, strip=False)

    def clean(self):
        cleaned = super().clean()
        name, text = "modified_after", cleaned.get("modified_after")
        if last_updated := cleaned.get("_lastUpdated"):
            name, (prefix, text) = "_lastUpdated", LAST_UPDATED.match(last_updated).groups()
            if prefix is None:
                self.add_error(
                    name, "Use gt or ge before the date, as in _lastUpdated=gt2026-01-31."
                )
                return cleaned
        try:
            cleaned["after"] = parse_modified_after(text)
        except forms.ValidationError as error:
            self.add_error(name, error)
        return cleaned
