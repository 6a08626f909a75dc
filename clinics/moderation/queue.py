"""The moderation queue, and claiming an item so two moderators do not work on it at once."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clinics.models import Clinic
from clinics.moderation.errors import ModerationError


def _claim_fields(obj):
    if isinstance(obj, Clinic):
        return "review_claimed_by", "review_claimed_at"
    return "claimed_by", "claimed_at"


@transaction.atomic
def moderation_claim(*, item, moderator):
    """Claim a queue item; returns False when another moderator holds it."""
    by, at = _claim_fields(item)
    updated = (
        type(item)
        .objects.filter(pk=item.pk)
        .filter(Q(**{f"{by}__isnull": True}) | Q(**{by: moderator}))
        .update(**{by: moderator, at: timezone.now()})
    )
    item.refresh_from_db()
    return bool(updated)


@transaction.atomic
def moderation_release(*, item, moderator):
    by, at = _claim_fields(item)
    type(item).objects.filter(pk=item.pk, **{by: moderator}).update(**{by: None, at: None})
    item.refresh_from_db()


def check_claim(clinic, reviewer):
    """Refuse a decision on a listing another moderator is reviewing."""
    if clinic.review_claimed_by_id and clinic.review_claimed_by_id != reviewer.pk:
        raise ModerationError(
            _("%(moderator)s is reviewing this listing.") % {"moderator": clinic.review_claimed_by}
        )
