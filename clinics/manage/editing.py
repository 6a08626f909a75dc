"""Saving what clinic staff change at /manage/ (issue 17), with the moderation domain's rules.

No working copy exists until something changes: the page shows the published listing, and
only a save that changes its state starts the copy (moderation.clinic_start_edit) and writes
the change onto it (moderation.apply_state, which records history). A listing waiting for
review is frozen (STAFF_EDITABLE_STATUSES): the staff withdraw it first.
"""

import copy
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinics.models import STAFF_EDITABLE_STATUSES, Clinic
from clinics.moderation import (
    ModerationError,
    Writer,
    apply_state,
    clinic_start_edit,
    listing_state,
    location_key_of,
    renew_fact_dates,
)

EDIT_REASON = "Changed by clinic staff at /manage/"


def editing_of(clinic):
    """What staff change for the listing `clinic`: its working copy if any, else itself."""
    try:
        return Clinic.objects.get(draft_of=clinic)
    except Clinic.DoesNotExist:
        return clinic


def check_editable(editing):
    if editing.status == Clinic.Status.PENDING:
        raise ModerationError(
            _(
                "These changes are waiting for review, so they cannot be edited now. Withdraw "
                "them from review first, then edit and submit them again."
            )
        )
    if editing.status not in (*STAFF_EDITABLE_STATUSES, Clinic.Status.PUBLISHED):
        raise ModerationError(_("This listing is archived; write to the moderators about it."))


@transaction.atomic
def listing_edit(*, clinic, user, state):
    """Make the staff's version of `clinic` hold `state`; returns it, or None if unchanged.

    `state` is keyed like the listing's state (clinics.moderation.state), which is the same
    for the published listing and its working copy, so a form read from either fits both.
    """
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    editing = editing_of(clinic)
    check_editable(editing)
    if state == listing_state(editing):
        return None
    if editing.status == Clinic.Status.PUBLISHED:
        editing = clinic_start_edit(clinic=clinic, user=user)
    return apply_state(editing, state, writer=Writer(user, EDIT_REASON))


def as_published(editing, listing):
    """The staff's version as approval would publish it, for the preview (changed in memory
    only): the listing's address, verification and age, and the dates approval would renew
    on what the staff changed (moderation's renew_fact_dates)."""
    if editing.pk == listing.pk:
        return editing
    editing.slug, editing.status = listing.slug, Clinic.Status.PUBLISHED
    editing.verified_at, editing.created_at = listing.verified_at, listing.created_at
    after = listing_state(editing)
    renewed = copy.deepcopy(after)
    renew_fact_dates(renewed, editing.draft_base or after, after, timezone.localdate())
    editing.accepting_as_of = plain_date(renewed["clinic"]["accepting_as_of"])
    key = location_key_of(editing)
    for location in editing.locations.all():
        offerings = renewed["locations"][key(location)]["offerings"]
        for offering in location.offerings.all():
            offering.prices_as_of = plain_date(offerings[str(offering.route_id)]["prices_as_of"])
    return editing


def plain_date(text):
    return datetime.date.fromisoformat(text) if text else None
