"""All the forms of one listing's page at /manage/ (issue 17), and the state they ask for.

`ListingForms` reads a listing and its state (clinics.moderation.state) and, once valid,
gives the state the staff asked for. Rows are keyed as the state keys them (offerings by
route, a location by its key), so nothing in the form names a row id another clinic could
own; a location's fields carry its key in their prefix (`location_prefix`).
"""

import copy
import datetime

from django import forms

from clinics.manage.forms import (
    Choices,
    ClinicFactsForm,
    HoursFormSetClass,
    InsuranceFormSetClass,
    LocationForm,
    OfferingForm,
    OfferingFormSetClass,
)
from clinics.moderation import (
    as_set,
    clinic_content_fields,
    location_content_fields,
    location_key_of,
    plain,
)


def location_prefix(key):
    """The form prefix of a location: its state key ("123", "new-45") without hyphens."""
    return "loc" + key.replace("-", "")


class LocationForms:
    """One location's forms: its facts, routes and prices, insurance, hours."""

    def __init__(self, key, location, data, state, choices):
        self.key, self.location = key, location
        prefix = location_prefix(key)
        self.prefix = prefix
        m2m = {name: state[name] for name in ("conditions", "payment_options", "languages")}
        self.facts = LocationForm(data, instance=location, prefix=prefix, choices=choices, m2m=m2m)
        offerings = [
            {
                "route": int(route),
                **{n: values.get(n) for n in OfferingForm.base_fields if n != "route"},
            }
            for route, values in state["offerings"].items()
        ]
        self.offerings = OfferingFormSetClass(
            data, initial=offerings, prefix=f"{prefix}-offerings", choices=choices
        )
        self.insurance = InsuranceFormSetClass(
            data,
            initial=[{"payer": payer, "route": route} for payer, route in state["insurance"]],
            prefix=f"{prefix}-insurance",
            choices=choices,
        )
        self.hours = HoursFormSetClass(
            data,
            initial=[
                {
                    "weekday": weekday,
                    "opens": datetime.time.fromisoformat(opens),
                    "closes": datetime.time.fromisoformat(closes),
                }
                for weekday, opens, closes in state["hours"]
            ],
            prefix=f"{prefix}-hours",
        )

    @property
    def parts(self):
        return [self.facts, self.offerings, self.insurance, self.hours]

    def is_valid(self):
        # A list, not a generator: every part is validated, so every message shows at once.
        return all([part.is_valid() for part in self.parts])  # noqa: C419

    def state(self, before):
        """The location's state as the forms ask for it; `before` is its state now."""
        data = changed_fields(self.facts, before, location_content_fields())
        data["offerings"] = {}
        for row in self.offerings.kept():
            route = str(row["route"])
            old = before["offerings"].get(route, {})
            values = {name: row.get(name) for name in OfferingForm.base_fields if name != "route"}
            values["notes"] = values["notes"] or ""
            data["offerings"][route] = {**old, **values, "prices_as_of": old.get("prices_as_of")}
        data["insurance"] = as_set([row["payer"], row["route"]] for row in self.insurance.kept())
        data["hours"] = as_set(
            [row["weekday"], plain(row["opens"]), plain(row["closes"])] for row in self.hours.kept()
        )
        return data


class ListingForms:
    """Every form of a listing's page, read from the listing `editing` and its `state`."""

    def __init__(self, editing, state, data=None):
        self.state_before = state
        choices = Choices()
        self.clinic = ClinicFactsForm(
            data,
            instance=editing,
            prefix="clinic",
            choices=choices,
            memberships=state["clinic"]["memberships"],
        )
        by_key = _locations_by_key(editing)
        self.locations = [
            LocationForms(key, by_key[key], data, state["locations"][key], choices)
            for key in state["locations"]
            if key in by_key
        ]

    def is_valid(self):
        return all([self.clinic.is_valid(), *[loc.is_valid() for loc in self.locations]])  # noqa: C419

    @property
    def error_count(self):
        forms_ = [self.clinic] + [part for loc in self.locations for part in loc.parts]
        count = 0
        for form in forms_:
            if isinstance(form, forms.BaseFormSet):
                count += len(form.non_form_errors()) + sum(len(f.errors) for f in form.forms)
            else:
                count += len(form.errors)
        return count

    def new_state(self):
        """The listing's state as the staff asked for it (valid forms only)."""
        state = copy.deepcopy(self.state_before)
        state["clinic"] = changed_fields(self.clinic, state["clinic"], clinic_content_fields())
        for loc in self.locations:
            state["locations"][loc.key] = loc.state(self.state_before["locations"][loc.key])
        return state


def changed_fields(form, before, fields):
    """`before` (a record of the state) with what the person changed in `form`.

    Only fields they changed are taken: a value shown and sent back as it was stays exactly
    as stored, even where the import's parser would write it differently (a phone number's
    spacing, a web address without https://), so an untouched page changes nothing.
    """
    data = dict(before)
    attnames = {field.name: field.attname for field in fields}
    changed = set(form.changed_data)
    if "phone" in changed:
        changed.add("phone_extension")  # an extension typed into the phone moves there
    for name in changed:
        if name in attnames:
            data[attnames[name]] = plain(getattr(form.instance, attnames[name]))
        elif name in data:  # the sets: memberships, conditions, payment options, languages
            data[name] = sorted(set(form.cleaned_data[name]))
    return data


def _locations_by_key(clinic):
    """{state key: location} of a listing read with its locations prefetched."""
    key = location_key_of(clinic)
    return {key(loc): loc for loc in clinic.locations.all()}
