"""Writing one version of a listing onto another, field by field and child by child.

A working copy, an approval and a revert all copy a listing's content (never its workflow
state), keep the ids of what matches, and name who did it and why in the history
(django-simple-history's `_history_user` and `_change_reason`), so the history shows the
moderator who approved a change as well as the staff member who made it.
"""

from clinics.models import (
    MASK_FIELDS,
    Clinic,
    Clinician,
    Location,
    Offering,
    OpeningHours,
    PayerAcceptance,
)

# Fields that are about the listing's workflow, not its content: never copied or reverted.
CLINIC_WORKFLOW_FIELDS = {
    "id",
    "slug",
    "status",
    "verified_at",
    "import_source",
    "import_ref",
    "created_at",
    "updated_at",
    "draft_of",
    "review_note",
    "review_claimed_by",
    "review_claimed_at",
    "flagged_stale_at",
}
# Not content: identity, workflow and the masks (derived from offerings and payers on save).
LOCATION_WORKFLOW_FIELDS = {
    "id", "clinic", "draft_of", "import_ref", "created_at", "updated_at", *MASK_FIELDS,
}  # fmt: skip
LOCATION_M2M = ["conditions", "payment_options", "languages"]
OFFERING_FIELDS = [
    "route_id",
    "price_min_usd",
    "price_max_usd",
    "series_price_usd",
    "session_minutes",
    "notes",
]
CLINICIAN_FIELDS = ["name", "credential", "specialty", "npi", "role"]


def clinic_content_fields():
    return [f for f in Clinic._meta.concrete_fields if f.name not in CLINIC_WORKFLOW_FIELDS]


def location_content_fields():
    return [f for f in Location._meta.concrete_fields if f.name not in LOCATION_WORKFLOW_FIELDS]


def noted(obj, user, reason):
    """Name who made the next save of `obj` and why, for its history record."""
    obj._history_user = user
    obj._change_reason = reason[:100]
    return obj


def sync_children(*, source_items, target_items, key, fields, create, user, reason):
    """Make target_items look like source_items: update matches, create and delete the rest.

    Matching by a natural key (route, payer, weekday and times, clinician name) keeps ids and
    the history quiet when nothing changed.
    """
    existing = {}
    for item in target_items:
        existing.setdefault(key(item), []).append(item)
    wanted = {}
    for item in source_items:
        wanted.setdefault(key(item), []).append(item)
    for k, items in existing.items():
        for obj in items[len(wanted.get(k, [])) :]:
            noted(obj, user, reason).delete()
    for k, items in wanted.items():
        targets = existing.get(k, [])
        for index, item in enumerate(items):
            obj = targets[index] if index < len(targets) else create()
            changed = obj.pk is None
            for name in fields:
                value = getattr(item, name)
                if getattr(obj, name) != value:
                    setattr(obj, name, value)
                    changed = True
            if changed:
                noted(obj, user, reason).save()


def sync_location_children(*, source, target, user, reason):
    sync_children(
        source_items=list(source.offerings.all()),
        target_items=list(target.offerings.all()),
        key=lambda o: o.route_id,
        fields=OFFERING_FIELDS,
        create=lambda: Offering(location=target),
        user=user,
        reason=reason,
    )
    sync_children(
        source_items=list(source.payer_acceptances.all()),
        target_items=list(target.payer_acceptances.all()),
        key=lambda p: (p.payer_id, p.route_id),
        fields=["payer_id", "route_id"],
        create=lambda: PayerAcceptance(location=target),
        user=user,
        reason=reason,
    )
    sync_children(
        source_items=list(source.hours.all()),
        target_items=list(target.hours.all()),
        key=lambda h: (h.weekday, h.opens, h.closes),
        fields=["weekday", "opens", "closes"],
        create=lambda: OpeningHours(location=target),
        user=user,
        reason=reason,
    )
    for name in LOCATION_M2M:
        wanted = set(getattr(source, name).values_list("pk", flat=True))
        if set(getattr(target, name).values_list("pk", flat=True)) != wanted:
            noted(target, user, reason)
            getattr(target, name).set(wanted)


def copy_listing(*, source, target, user, reason, match_location):
    """Write source's content (fields and everything under it) onto target.

    `match_location(source_location)` returns the id of target's location to update, or None
    to create one; target's locations matched by none are deleted.
    """
    for field in clinic_content_fields():
        setattr(target, field.attname, getattr(source, field.attname))
    noted(target, user, reason).save()
    target.memberships.set(source.memberships.all())

    target_locations = {loc.pk: loc for loc in target.locations.all()}
    kept = set()
    pairs = []
    for src in source.locations.all():
        loc = target_locations.get(match_location(src))
        if loc is None or loc.pk in kept:
            loc = Location(clinic=target)
        else:
            kept.add(loc.pk)
        pairs.append((src, loc))
    for pk, loc in target_locations.items():
        if pk not in kept:
            noted(loc, user, reason).delete()
    for src, loc in pairs:
        changed = loc.pk is None
        for field in location_content_fields():
            if getattr(loc, field.attname) != getattr(src, field.attname):
                setattr(loc, field.attname, getattr(src, field.attname))
                changed = True
        if target.draft_of_id:
            loc.draft_of = src
        if changed:  # unchanged locations keep a quiet history
            noted(loc, user, reason).save()
        sync_location_children(source=src, target=loc, user=user, reason=reason)

    sync_children(
        source_items=list(source.clinicians.all()),
        target_items=list(target.clinicians.all()),
        key=lambda c: c.name,
        fields=CLINICIAN_FIELDS,
        create=lambda: Clinician(clinic=target),
        user=user,
        reason=reason,
    )
