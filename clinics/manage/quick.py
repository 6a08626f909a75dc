"""Quick updates without review (issue 17.4): accepting new patients, the next appointment.

They go stale fastest and carry little risk, so clinic staff set them on the published
listing directly: live at once, dated today (the "as of" patients read), recorded in the
listing's history with who and why (the moderators' history page shows them, and a review of
a working copy lists them among the changes to the published listing meanwhile). A working
copy, if there is one, gets the same answers in its copy and its base, so its preview and
its approval keep them.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinics.models import Clinic, Verification
from clinics.models.verification import SOURCE_CLINIC
from clinics.moderation import ModerationError, noted

QUICK_REASON = "Quick update by clinic staff"
CALL = "call"


def _values(accepting, next_appointment, today):
    return {
        "accepting_new_patients": accepting,
        "accepting_as_of": today,
        "next_appointment_on": next_appointment if next_appointment not in (None, CALL) else None,
        "next_appointment_call": next_appointment == CALL,
        "next_appointment_as_of": today if next_appointment is not None else None,
    }


def _said(values):
    accepting = "yes" if values["accepting_new_patients"] else "no"
    if values["next_appointment_call"]:
        then = "call"
    elif values["next_appointment_on"]:
        then = values["next_appointment_on"].isoformat()
    else:
        then = "not stated"
    return f"accepting new patients: {accepting}; next appointment: {then}"


@transaction.atomic
def clinic_quick_update(*, clinic, user, accepting, next_appointment):
    """Set accepting new patients (True/False) and the next available appointment (a date,
    "call", or None for not stated) on the listing now, dated today."""
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    if clinic.draft_of_id or clinic.status == Clinic.Status.ARCHIVED:
        raise ModerationError(_("Quick updates are for a listing in the directory."))
    today = timezone.localdate()
    values = _values(accepting, next_appointment, today)
    for name, value in values.items():
        setattr(clinic, name, value)
    noted(clinic, user, f"{QUICK_REASON}: {_said(values)}").save()
    Verification.objects.create(
        clinic=clinic,
        fact=Verification.Fact.ACCEPTING,
        confirmed_on=today,
        method="stated by the clinic's staff (quick update)",
        source=SOURCE_CLINIC,
    )
    copy = Clinic.objects.filter(draft_of=clinic).first()
    if copy is not None:
        for name, value in values.items():
            setattr(copy, name, value)
        if copy.draft_base:  # the staff did not change these in the copy: the base agrees
            for name, value in values.items():
                copy.draft_base["clinic"][name] = (
                    value.isoformat() if hasattr(value, "isoformat") else value
                )
        noted(copy, user, QUICK_REASON).save()
    return clinic
