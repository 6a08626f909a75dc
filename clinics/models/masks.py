"""Upkeep of the location masks (Location.route_mask, payer_mask) after writes.

The route and insurance filters test a bit of these instead of probing the offerings and
acceptances of every nearby location (docs/geo-search.md, section 7).
"""

from clinics.models.location import MASK_BATCH, Location, location_masks


def refresh_masks(location_ids):
    """Store Location.route_mask and payer_mask again: after any write to offerings or payers.

    Offering and PayerAcceptance saves and deletes call it through signals (apps.py), and
    Location.save() recomputes its own; bulk writes that bypass signals (imports, the
    benchmark generator) call it themselves. tests/conftest.py checks them after every test.
    """
    by_masks = {}
    for location_id, masks in location_masks(set(location_ids)).items():
        by_masks.setdefault(masks, []).append(location_id)
    for (route_mask, payer_mask), ids in by_masks.items():
        for start in range(0, len(ids), MASK_BATCH):
            Location.objects.filter(pk__in=ids[start : start + MASK_BATCH]).update(
                route_mask=route_mask, payer_mask=payer_mask
            )


def refresh_masks_of_location(sender, instance, **kwargs):
    """Signal receiver for a saved or deleted Offering or PayerAcceptance (apps.py)."""
    refresh_masks([instance.location_id])
