"""Listings not verified in 12 months: flagged "may be outdated", their staff asked to confirm."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinics.mail import absolute_url
from clinics.models import Clinic
from clinics.moderation.copying import noted
from clinics.moderation.notifications import notify_staff

STALE_AFTER = datetime.timedelta(days=365)


def stale_listings(*, now=None):
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    return Clinic.objects.published().filter(
        Q(verified_at__lt=cutoff.date()) | Q(verified_at__isnull=True, created_at__lt=cutoff)
    )


@transaction.atomic
def flag_stale_listings(*, now=None, base_url=""):
    """Flag published listings not verified in 12 months and ask their staff to confirm.

    Listings already flagged are not emailed again. Returns the newly flagged clinics.
    """
    now = now or timezone.now()
    flagged = list(stale_listings(now=now).filter(flagged_stale_at__isnull=True))
    for clinic in flagged:
        path = clinic.get_absolute_url()
        link = f"{base_url}{path}" if base_url else absolute_url(path)
        clinic.flagged_stale_at = now
        noted(clinic, None, "Flagged as not verified in 12 months").save()
        notify_staff(
            clinic=clinic,
            subject=f"Please confirm the listing of {clinic.name}",
            body=(
                f"The listing of {clinic.name} has not been verified for 12 months, so patients "
                "now see it as possibly outdated. Please check it in the staff admin and "
                f"correct anything that changed, or reply to confirm it is right.\n\n{link}"
            ),
        )
    return flagged
