"""Requests to manage a listing: submitted by its staff, approved or rejected by a moderator."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinics.mail import email_language, send_email, written_in
from clinics.models import ClaimRequest, StaffMembership
from clinics.moderation.errors import ModerationError
from clinics.moderation.notifications import notify_claim, what_you_can_do
from clinics.moderation.onboarding import staff_add


@transaction.atomic
def claim_request_submit(
    *, clinic, name, role, work_email, npi="", with_listing=False, language=None
):
    """A request to manage a listing (`with_listing`: sent with a new one, list your clinic);
    the receipt is in `language`, the one of the page it was sent from."""
    claim = ClaimRequest.objects.create(
        clinic=clinic,
        name=name,
        role=role,
        work_email=work_email.strip().lower(),
        npi=npi,
        language=email_language(language),
    )
    notify_claim(claim, with_listing=with_listing, language=language)
    return claim


@transaction.atomic
def claim_request_approve(*, claim, moderator, base_url="", notify=True):
    """Make the requester staff of the clinic; returns the membership.

    `notify=False` when the caller writes to the requester itself (approving a new listing
    and its sender's claim as one decision, clinics.moderation.workflow).
    """
    if claim.status != ClaimRequest.Status.PENDING:
        raise ModerationError(_("This claim was already decided."))
    if claim.claimed_by_id and claim.claimed_by_id != moderator.pk:
        raise ModerationError(
            _("%(moderator)s is working on this claim.") % {"moderator": claim.claimed_by}
        )
    has_owner = claim.clinic.staff_memberships.filter(role=StaffMembership.Role.OWNER).exists()
    role = StaffMembership.Role.EDITOR if has_owner else StaffMembership.Role.OWNER
    membership, link = staff_add(
        email=claim.work_email, clinic=claim.clinic, role=role, base_url=base_url
    )
    claim.status = ClaimRequest.Status.APPROVED
    claim.decided_at = timezone.now()
    claim.decided_by = moderator
    claim.claimed_by = None
    claim.save()
    if notify:
        # In the language of the page the request was sent from.
        with written_in(claim.language):
            name = claim.clinic.name
            send_email(
                to=[claim.work_email],
                subject=_("You now manage %(name)s") % {"name": name},
                body=_("A moderator approved your request to manage %(name)s.") % {"name": name}
                + "\n\n"
                + what_you_can_do(claim.clinic, link),
                language=claim.language,
            )
    return membership


@transaction.atomic
def claim_request_reject(*, claim, moderator, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("Give a reason for the rejection."))
    if claim.status != ClaimRequest.Status.PENDING:
        raise ModerationError(_("This claim was already decided."))
    claim.status = ClaimRequest.Status.REJECTED
    claim.decided_at = timezone.now()
    claim.decided_by = moderator
    claim.decision_note = reason
    claim.claimed_by = None
    claim.save()
    with written_in(claim.language):
        send_email(
            to=[claim.work_email],
            subject=_("Your request to manage %(name)s") % {"name": claim.clinic.name},
            body=_("A moderator could not approve your request.\n\nReason: %(reason)s")
            % {"reason": reason},
            language=claim.language,
        )
    return claim
