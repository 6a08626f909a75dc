"""Moderation: working copies, review, history, reports, claims, onboarding, merge; its pages;
who keeps a listing (invitations) and the staff's monthly confirmation."""

from clinics.moderation.claims import (
    claim_request_approve,
    claim_request_reject,
    claim_request_submit,
)
from clinics.moderation.confirming import (
    ask_listing_confirmation,
    confirmation_from_token,
    listing_confirm,
)
from clinics.moderation.copying import Writer, apply_state, noted
from clinics.moderation.diff import listing_diff
from clinics.moderation.duplicates import DuplicatePair, duplicate_dismiss, find_duplicates
from clinics.moderation.errors import ModerationError
from clinics.moderation.folding import Fold, plan_folds
from clinics.moderation.history import listing_history, staff_access_history
from clinics.moderation.invitations import (
    NotOwner,
    invitation_from_token,
    is_owner,
    staff_invitation_accept,
    staff_invitation_accept_new,
    staff_invitation_withdraw,
    staff_invite,
    staff_remove,
)
from clinics.moderation.merge import MergeError, MergeResult, clinic_merge
from clinics.moderation.notifications import moderator_emails, staff_emails
from clinics.moderation.onboarding import moderator_add, password_setting_link, staff_add
from clinics.moderation.queue import moderation_claim, moderation_release
from clinics.moderation.reports import report_resolve, report_submit
from clinics.moderation.revert import RevertPlan, clinic_revert, revert_plan
from clinics.moderation.signed_links import LinkRefused
from clinics.moderation.stale import STALE_AFTER, flag_stale_listings, stale_listings
from clinics.moderation.state import (
    as_set,
    clinic_content_fields,
    listing_state,
    location_content_fields,
    location_key_of,
    plain,
    renew_fact_dates,
)
from clinics.moderation.threeway import staff_merge
from clinics.moderation.workflow import (
    clinic_approve,
    clinic_propose,
    clinic_reject,
    clinic_start_edit,
    clinic_submit,
    clinic_verify,
    clinic_withdraw,
    review_version,
)

__all__ = [
    "LinkRefused",
    "NotOwner",
    "ask_listing_confirmation",
    "confirmation_from_token",
    "invitation_from_token",
    "is_owner",
    "listing_confirm",
    "staff_access_history",
    "staff_invitation_accept",
    "staff_invitation_accept_new",
    "staff_invitation_withdraw",
    "staff_invite",
    "staff_remove",
    "STALE_AFTER",
    "DuplicatePair",
    "Fold",
    "MergeError",
    "MergeResult",
    "RevertPlan",
    "Writer",
    "apply_state",
    "as_set",
    "location_key_of",
    "plain",
    "renew_fact_dates",
    "ModerationError",
    "claim_request_approve",
    "claim_request_reject",
    "claim_request_submit",
    "clinic_approve",
    "clinic_content_fields",
    "clinic_merge",
    "clinic_propose",
    "clinic_reject",
    "clinic_revert",
    "clinic_start_edit",
    "clinic_submit",
    "clinic_verify",
    "clinic_withdraw",
    "duplicate_dismiss",
    "find_duplicates",
    "flag_stale_listings",
    "listing_diff",
    "listing_history",
    "listing_state",
    "location_content_fields",
    "moderation_claim",
    "noted",
    "moderation_release",
    "moderator_add",
    "moderator_emails",
    "password_setting_link",
    "plan_folds",
    "report_resolve",
    "report_submit",
    "review_version",
    "revert_plan",
    "staff_add",
    "staff_emails",
    "staff_merge",
    "stale_listings",
]
