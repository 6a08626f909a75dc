"""When a listing last changed: `updated_at` of its clinic and locations (issue 12.9).

`/downloads/*` are rebuilt when the latest `updated_at` moves, HSDS `modified_after` and FHIR
`_lastUpdated` keep what moved since a date, and the sitemap dates each page by it. Every
reader takes a clinic's listing as changed when the clinic row or any of its locations moved
(`opendata.listings.modified_since`, `clinic_last_modified`), and a location as changed when
it moved. So every change to a listing's content moves one of them:
- a location or anything under it (prices, insurance, hours, languages, conditions, payment
  options) moves the location's, so a FHIR Location or HSDS service-at-location search
  reports that location, not its siblings;
- the clinic, its clinicians or memberships, or a location removed, move the clinic's.

Row-level writes (the admin, approval, revert, folding) arrive here through signals
(apps.py); bulk writes that bypass signals (the import, a merge) call `touch_listings`.
The timestamps are moved with UPDATE ... WHERE pk IN, which sends no signal and writes no
history (history ignores `updated_at`).
"""

from django.utils import timezone

from clinics.models.clinic import Clinic
from clinics.models.location import MASK_BATCH, Location


def touch_listings(*, location_ids=(), clinic_ids=(), at=None):
    """Move `updated_at` of these locations and of these clinics to `at` (now by default)."""
    at = at or timezone.now()
    for model, ids in ((Location, location_ids), (Clinic, clinic_ids)):
        ids = sorted(set(ids))
        for start in range(0, len(ids), MASK_BATCH):
            model._base_manager.filter(pk__in=ids[start : start + MASK_BATCH]).update(updated_at=at)


# Signal receivers (connected in apps.py) ------------------------------------------------


def location_part_changed(sender, instance, raw=False, **kwargs):
    """An Offering, PayerAcceptance or OpeningHours saved or deleted."""
    if not raw:
        touch_listings(location_ids=[instance.location_id])


def location_removed(sender, instance, **kwargs):
    """A Location deleted: no row is left to say so, so its clinic moves."""
    touch_listings(clinic_ids=[instance.clinic_id])


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
