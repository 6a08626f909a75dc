"""Requests to manage a listing: submitted by its staff, approved or rejected by a moderator."""

from django.db import transaction
from django.utils import timezone

from clinics.mail import send_email
from clinics.models import ClaimRequest, StaffMembership
from clinics.moderation.errors import ModerationError
from clinics.moderation.notifications import notify_claim, what_you_can_do
from clinics.moderation.onboarding import staff_add


@transaction.atomic
def claim_request_submit(*, clinic, name, role, work_email, npi="", with_listing=False):
    """A request to manage a listing (`with_listing`: sent with a new one, list your clinic)."""
    claim = ClaimRequest.objects.create(
        clinic=clinic, name=name, role=role, work_email=work_email.strip().lower(), npi=npi
    )
    notify_claim(claim, with_listing=with_listing)
    return claim


@transaction.atomic
def claim_request_approve(*, claim, moderator, base_url="", notify=True):
    """Make the requester staff of the clinic; returns the membership.

    `notify=False` when the caller writes to the requester itself (approving a new listing
    and its sender's claim as one decision, clinics.moderation.workflow).
    """
    if claim.status != ClaimRequest.Status.PENDING:
        raise ModerationError("This claim was already decided.")
    if claim.claimed_by_id and claim.claimed_by_id != moderator.pk:
        raise ModerationError(f"{claim.claimed_by} is working on this claim.")
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
        send_email(
            to=[claim.work_email],
            subject=f"You now manage {claim.clinic.name}",
            body=f"A moderator approved your request to manage {claim.clinic.name}.\n\n"
            + what_you_can_do(claim.clinic, link),
        )
    return membership


@transaction.atomic
def claim_request_reject(*, claim, moderator, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError("Give a reason for the rejection.")
    if claim.status != ClaimRequest.Status.PENDING:
        raise ModerationError("This claim was already decided.")
    claim.status = ClaimRequest.Status.REJECTED
    claim.decided_at = timezone.now()
    claim.decided_by = moderator
    claim.decision_note = reason
    claim.claimed_by = None
    claim.save()
    send_email(
        to=[claim.work_email],
        subject=f"Your request to manage {claim.clinic.name}",
        body=f"A moderator could not approve your request.\n\nReason: {reason}",
    )
    return claim
