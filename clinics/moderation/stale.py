"""Listings not verified in 12 months: their staff asked, once, to confirm them.

Patients see "may be outdated" from the dates themselves (Clinic.is_stale, issue 14.5);
`flag_stale_listings` (run daily) only sends the emails, and `flagged_stale_at` remembers
who was emailed.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinics.mail import absolute_url, written_in
from clinics.models import STALE_AFTER, Clinic
from clinics.moderation.copying import noted
from clinics.moderation.notifications import notify_staff

__all__ = ["STALE_AFTER", "flag_stale_listings", "stale_listings"]


def stale_listings(*, now=None):
    """Published listings that may be outdated (the rule of Clinic.is_stale)."""
    return Clinic.objects.published().stale(now=now)


@transaction.atomic
def flag_stale_listings(*, now=None, base_url=""):
    """Email the staff of published listings not verified in 12 months, asking them to
    confirm; `flagged_stale_at` records it so nobody is emailed twice. Returns those clinics.
    """
    now = now or timezone.now()
    flagged = list(stale_listings(now=now).filter(flagged_stale_at__isnull=True))
    for clinic in flagged:
        path = clinic.get_absolute_url()
        link = f"{base_url}{path}" if base_url else absolute_url(path)
        clinic.flagged_stale_at = now
        noted(clinic, None, "Flagged as not verified in 12 months").save()
        with written_in():
            notify_staff(
                clinic=clinic,
                subject=_("Please confirm the listing of %(name)s") % {"name": clinic.name},
                body=_(
                    "The listing of %(name)s has not been verified for 12 months, so patients "
                    "now see it as possibly outdated. Please check it at %(manage)s and correct "
                    "anything that changed, or reply to confirm it is right.\n\n%(link)s"
                )
                % {
                    "name": clinic.name,
                    "manage": absolute_url(reverse("manage:home")),
                    "link": link,
                },
            )
    return flagged
