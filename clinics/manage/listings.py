"""The listings a person manages, each with its state in words and what to do next (issue 17).

A published listing a person edits has a working copy (clinics.moderation.workflow); its
state is the copy's: a draft not sent yet, waiting for review since a day, or not approved
with the moderator's reason. A listing never published is its own copy.
"""

from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from clinics.models import Clinic

SUBMITTED = "Submitted for review"  # the change reason clinic_submit records


@dataclass
class ManagedListing:
    clinic: Clinic  # the listing patients see (or will see): the one /manage/ URLs name
    editing: Clinic  # what staff change: the working copy if there is one, else the listing
    submitted_at: object = None  # when the change now waiting was sent for review

    @property
    def state(self):
        """One of live, draft, pending, rejected, archived."""
        status = self.editing.status
        if status == Clinic.Status.PUBLISHED:
            return "live"
        return status

    @property
    def is_new(self):
        return self.clinic.status != Clinic.Status.PUBLISHED

    @property
    def has_changes(self):
        return self.editing.pk != self.clinic.pk

    @property
    def state_words(self):
        listing = _("This new listing") if self.is_new else _("Your changes")
        if self.state == "draft":
            if self.is_new:
                return _(
                    "This new listing: draft, not sent for review yet. Patients do not see it."
                )
            return _(
                "Your changes: draft, not sent for review yet. Patients do not see them yet; "
                "they see the last approved version."
            )
        if self.state == "pending":
            if self.submitted_at:
                since = date_format(timezone.localtime(self.submitted_at), _("F j, Y"))
                return _(
                    "%(listing)s: waiting for review since %(date)s. A moderator checks "
                    "every change before patients see it."
                ) % {"listing": listing, "date": since}
            return _(
                "%(listing)s: waiting for review. A moderator checks every change before "
                "patients see it."
            ) % {"listing": listing}
        if self.state == "rejected":
            return _("%(listing)s: not approved. The moderator's reason: %(reason)s") % {
                "listing": listing,
                "reason": self.editing.review_note or _("none given"),
            }
        return {
            "live": _("Live: patients see this listing."),
            "archived": _("Archived: not shown to patients."),
        }[self.state]

    @property
    def next_step(self):
        return {
            "live": _(
                "Change anything on the listing; nothing is sent until you submit it for "
                "review. Accepting new patients and the next appointment are updated at once."
            ),
            "draft": _("Preview your changes, then submit them for review."),
            "pending": _(
                "Wait for the moderator's decision (we email you), or withdraw the "
                "change to edit it again."
            ),
            "rejected": _("Correct the listing as the moderator asks, then submit it again."),
            "archived": _("Write to the moderators to bring it back."),
        }[self.state]


def managed_listings(user):
    """[ManagedListing] of the clinics this person keeps, by name, in three queries."""
    clinics = list(
        Clinic.objects.filter(staff_memberships__user=user)
        .select_related("working_copy")
        .order_by("name", "pk")
    )
    listings = []
    for clinic in clinics:
        try:
            editing = clinic.working_copy
        except Clinic.DoesNotExist:
            editing = clinic
        listings.append(ManagedListing(clinic=clinic, editing=editing))
    pending = [item.editing.pk for item in listings if item.state == "pending"]
    submitted = dict(
        Clinic.history.filter(id__in=pending, history_change_reason=SUBMITTED)
        .values("id")
        .annotate(at=Max("history_date"))
        .values_list("id", "at")
    )
    for item in listings:
        item.submitted_at = submitted.get(item.editing.pk)
    return listings


def managed_listing(clinic):
    """The ManagedListing of one clinic (already checked to be the person's)."""
    try:
        editing = clinic.working_copy
    except Clinic.DoesNotExist:
        editing = clinic
    item = ManagedListing(clinic=clinic, editing=editing)
    if item.state == "pending":
        record = editing.history.filter(history_change_reason=SUBMITTED).first()
        item.submitted_at = record.history_date if record else None
    return item
