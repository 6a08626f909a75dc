"""Builders shared by the access, moderation and report tests (issue 4)."""

import itertools

from django.contrib.auth.models import Group

from clinics.models import StaffMembership
from tests.factories import (
    ClinicFactory,
    ClinicianFactory,
    LocationFactory,
    OfferingFactory,
    OpeningHoursFactory,
    PayerAcceptanceFactory,
    UserFactory,
    condition,
)

_numbers = itertools.count()


def make_listing(**clinic_fields):
    """A published clinic with a location (offering, insurance, hours, a condition), a clinician."""
    clinic = ClinicFactory(**clinic_fields)
    location = LocationFactory(clinic=clinic)
    OfferingFactory(location=location)
    PayerAcceptanceFactory(location=location)
    OpeningHoursFactory(location=location)
    location.conditions.add(condition("treatment-resistant-depression"))
    ClinicianFactory(clinic=clinic, name=f"Dr. Listing {next(_numbers)}")
    return clinic


def make_staff(clinic, *, role=StaffMembership.Role.EDITOR, **user_fields):
    user = UserFactory(is_staff=True, **user_fields)
    user.groups.add(Group.objects.get(name="Clinic staff"))
    StaffMembership.objects.create(user=user, clinic=clinic, role=role)
    return user


def make_moderator(**user_fields):
    user = UserFactory(is_staff=True, **user_fields)
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


def management_form(prefix, *, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def form_data(form):
    """POST data that sends a form back as it was shown (booleans as checkboxes)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[key] = str(getattr(value, "pk", value))
    return data


def admin_change_data(response):
    """The POST data of an admin change page as rendered, inlines included."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_data(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_data(form))
    return data
