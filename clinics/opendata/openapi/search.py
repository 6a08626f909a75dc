"""The search API in the OpenAPI description: /api/v1/locations/ and /api/v1/clinics/{slug}/.

The query parameters are generated from the search's FilterSet and its form
(clinics/search/filters.py): names, types, limits, choices and descriptions (help_text)
cannot drift from what the search accepts.
"""

from django import forms
from django.core.validators import RegexValidator
from django.db import models

from clinics.opendata.openapi.schemas import ERROR_400, error_404, json_response, query, ref
from clinics.search import LocationFilter
from clinics.search.fields import SlugChoiceField, YesField

# Slugs of reference data as the search takes them (lower-case, digits, hyphens).
SLUG_PATTERN = "^[a-z0-9-]+$"
EXAMPLES = {"near": "10001"}


def search_parameters(filterset_class=LocationFilter):
    """The query parameters of the search: every filter of the FilterSet, then the fields of
    its form (page, page_size), each described by its field's help_text."""
    search = filterset_class()
    fields = search.form.fields
    names = [*search.filters, *(name for name in fields if name not in search.filters)]
    return [parameter(name, fields[name]) for name in names]


def parameter(name, field):
    repeatable = isinstance(field, SlugChoiceField)
    return query(
        name,
        str(field.help_text),
        schema_of(field),
        repeatable=repeatable,
        example=EXAMPLES.get(name),
    )


def schema_of(field):
    """The JSON schema of one value of a search field."""
    if isinstance(field, YesField):
        return {"type": "string", "enum": ["true"]}
    if isinstance(field, SlugChoiceField):
        return {"type": "string", "pattern": option_pattern(field)}
    if isinstance(field, forms.ChoiceField):
        return {"type": "string", "enum": [value for value, _label in field.choices if value]}
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return limits({"type": "number"}, field)
    if isinstance(field, forms.IntegerField):
        return limits({"type": "integer"}, field)
    if isinstance(field, forms.CharField):
        schema = {"type": "string"}
        if field.max_length is not None:
            schema["maxLength"] = field.max_length
        return schema
    raise TypeError(f"No OpenAPI schema for a {type(field).__name__}; describe it in {__name__}.")


def limits(schema, field):
    if field.min_value is not None:
        schema["minimum"] = field.min_value
    if field.max_value is not None:
        schema["maximum"] = field.max_value
    return schema


def option_pattern(field):
    """What a slug (or a language code) of the field's reference data looks like."""
    model_field = field.queryset.model._meta.get_field(field.to_field_name)
    if isinstance(model_field, models.SlugField):
        return SLUG_PATTERN
    return next(v.regex.pattern for v in model_field.validators if isinstance(v, RegexValidator))


def search_paths():
    return {
        "/api/v1/locations/": {
            "get": {
                "tags": ["Search"],
                "summary": "Search published locations",
                "description": "Different parameters combine with AND; a repeated parameter "
                "combines its values with OR. Distance is great-circle, in miles; ties are "
                "broken by location id, so pages never overlap.",
                "parameters": search_parameters(),
                "responses": {
                    "200": json_response("One page of results.", ref("LocationPage")),
                    "400": ERROR_400,
                    "404": error_404("The page lies past the end of the results."),
                },
            }
        },
        "/api/v1/clinics/{slug}/": {
            "get": {
                "tags": ["Search"],
                "summary": "One published clinic with all its locations",
                "parameters": [
                    {
                        "name": "slug",
                        "in": "path",
                        "required": True,
                        # Django's slug converter; other paths are not this API's.
                        "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                    }
                ],
                "responses": {
                    "200": json_response("The clinic.", ref("ClinicDetail")),
                    "404": error_404("No published clinic has this slug."),
                },
            }
        },
    }
