"""When a listing last changed: `updated_at` of its clinic and locations (issue 12.9).

`/downloads/*` are rebuilt when the latest `updated_at` moves, HSDS `modified_after` and FHIR
`_lastUpdated` keep what moved since a date, and the sitemap dates each page by it. So every
change to a listing's content moves them: a change of a location or of anything under it
(prices, insurance, hours, languages, conditions, payment options) moves the location's and
its clinic's; a change of the clinic, its clinicians or memberships moves the clinic's.

Row-level writes (the admin, approval, revert, folding) arrive here through signals
(apps.py); bulk writes that bypass signals (the import, a merge) call `touch_listings`.
The timestamps are moved with UPDATE ... WHERE pk IN, which sends no signal and writes no
history (history ignores `updated_at`).
"""

from django.utils import timezone

from clinics.models.clinic import Clinic
from clinics.models.location import MASK_BATCH, Location


def touch_listings(*, location_ids=(), clinic_ids=(), at=None):
    """Move `updated_at` of these locations, of their clinics and of these clinics to `at`
    (now by default)."""
    at = at or timezone.now()
    location_ids, clinic_ids = sorted(set(location_ids)), set(clinic_ids)
    for start in range(0, len(location_ids), MASK_BATCH):
        ids = location_ids[start : start + MASK_BATCH]
        Location._base_manager.filter(pk__in=ids).update(updated_at=at)
        clinic_ids.update(
            Location._base_manager.filter(pk__in=ids).values_list("clinic_id", flat=True)
        )
    clinic_ids = sorted(clinic_ids)
    for start in range(0, len(clinic_ids), MASK_BATCH):
        Clinic._base_manager.filter(pk__in=clinic_ids[start : start + MASK_BATCH]).update(
            updated_at=at
        )


# Signal receivers (connected in apps.py) ------------------------------------------------


def location_part_changed(sender, instance, raw=False, **kwargs):
    """An Offering, PayerAcceptance or OpeningHours saved or deleted."""
    if not raw:
        touch_listings(location_ids=[instance.location_id])


def location_changed(sender, instance, raw=False, **kwargs):
    """A Location saved (its own `updated_at` is auto_now) or deleted: its clinic moves."""
    if not raw:
        touch_listings(clinic_ids=[instance.clinic_id], at=getattr(instance, "updated_at", None))


def clinic_part_changed(sender, instance, raw=False, **kwargs):
    """A Clinician saved or deleted."""
    if not raw:
        touch_listings(clinic_ids=[instance.clinic_id])


def location_links_changed(sender, instance, action, reverse, **kwargs):
    """A location's languages, conditions or payment options changed. Only from the
    location's side: django-simple-history records these from that side only, too."""
    if action.startswith("post_") and not reverse:
        touch_listings(location_ids=[instance.pk])


def clinic_links_changed(sender, instance, action, reverse, **kwargs):
    """A clinic's memberships changed (`clinic.memberships.set(...)`)."""
    if action.startswith("post_") and not reverse:
        touch_listings(clinic_ids=[instance.pk])
