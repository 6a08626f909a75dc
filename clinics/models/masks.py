"""Upkeep of the location masks (Location.route_mask, payer_mask) after writes.

The route and insurance filters test a bit of these instead of probing the offerings and
acceptances of every nearby location (docs/geo-search.md, section 7).
"""

from django.db import connection

from clinics.models.location import MASK_BATCH, Location, location_masks


def refresh_masks(location_ids):
    """Store Location.route_mask and payer_mask again: after any write to offerings or payers.

    Offering and PayerAcceptance saves and deletes call it through signals (apps.py), and
    Location.save() recomputes its own; bulk writes that bypass signals (imports, the
    benchmark generator) call it themselves. tests/conftest.py checks them after every test.
    """
    masks = location_masks(set(location_ids))
    if connection.vendor == "postgresql":
        # One UPDATE per batch from arrays: an import's 100,000 locations took a thousand
        # UPDATEs, one per distinct pair of masks and batch (issue 16).
        table = connection.ops.quote_name(Location._meta.db_table)
        items = list(masks.items())
        with connection.cursor() as cursor:
            for start in range(0, len(items), MASK_BATCH):
                batch = items[start : start + MASK_BATCH]
                cursor.execute(
                    f"UPDATE {table} AS location SET route_mask = given.route_mask, "
                    "payer_mask = given.payer_mask FROM unnest(%s::bigint[], %s::bigint[], "
                    "%s::bigint[]) AS given(id, route_mask, payer_mask) "
                    "WHERE location.id = given.id",
                    [
                        [location_id for location_id, _ in batch],
                        [route_mask for _, (route_mask, _payer) in batch],
                        [payer_mask for _, (_route, payer_mask) in batch],
                    ],
                )
        return
    by_masks = {}
    for location_id, pair in masks.items():
        by_masks.setdefault(pair, []).append(location_id)
    for (route_mask, payer_mask), ids in by_masks.items():
        for start in range(0, len(ids), MASK_BATCH):
            Location.objects.filter(pk__in=ids[start : start + MASK_BATCH]).update(
                route_mask=route_mask, payer_mask=payer_mask
            )


def refresh_masks_of_location(sender, instance, **kwargs):
    """Signal receiver for a saved or deleted Offering or PayerAcceptance (apps.py)."""
    refresh_masks([instance.location_id])
