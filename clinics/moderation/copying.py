"""Writing a listing state (clinics.moderation.state) onto a listing, row by row.

Starting a working copy, approving one and reverting a listing all come down to "make this
listing look like that state". Rows that already match keep their ids and a quiet history;
every write names who did it and why (django-simple-history's `_history_user` and
`_change_reason`) and, for an approval, the staff member whose change it was
(`_history_author`), so the history shows both.
"""

from clinics.models import Clinician, Location, Offering, OpeningHours, PayerAcceptance
from clinics.moderation.state import (
    LOCATION_M2M,
    clinic_content_fields,
    clinician_fields,
    clinician_keys,
    hours_item,
    insurance_item,
    location_content_fields,
    location_key_of,
    offering_fields,
    plain,
)


def noted(obj, user, reason, author=None):
    """Name who makes the next save of `obj`, why, and whose change it is, for its history."""
    obj._history_user = user
    obj._change_reason = reason[:100]
    obj._history_author = author
    return obj


class Writer:
    """Who writes and why: stamped on every row `apply_state` saves or deletes."""

    def __init__(self, user, reason, author=None):
        self.user, self.reason, self.author = user, reason, author

    def save(self, obj):
        noted(obj, self.user, self.reason, self.author).save()

    def delete(self, obj):
        noted(obj, self.user, self.reason, self.author).delete()


def _assign(obj, fields, values):
    """Set `values` ({attname: plain value}) on `obj`; True when anything changed."""
    changed = False
    for field in fields:
        if field.attname not in values:
            continue
        if plain(getattr(obj, field.attname)) != values[field.attname]:
            setattr(obj, field.attname, field.to_python(values[field.attname]))
            changed = True
    return changed


def _sync_records(*, current, wanted, fields, create, writer):
    """Make rows ({key: row}) match records ({key: {attname: value}}): update, create, delete."""
    for key, obj in current.items():
        if key not in wanted:
            writer.delete(obj)
    for key, values in wanted.items():
        obj = current.get(key) or create(key)
        if _assign(obj, fields, values) or obj.pk is None:
            writer.save(obj)


def _sync_items(*, current, wanted, create, writer):
    """Make rows ({item: row}) match a set of items: create the missing, delete the rest."""
    wanted_keys = {tuple(item) for item in wanted}
    for item, obj in current.items():
        if item not in wanted_keys:
            writer.delete(obj)
    for item in wanted_keys - set(current):
        writer.save(create(item))


def _sync_location(loc, data, writer):
    for name in LOCATION_M2M:
        manager = getattr(loc, name)
        if set(manager.values_list("pk", flat=True)) != set(data[name]):
            noted(loc, writer.user, writer.reason, writer.author)
            manager.set(data[name])
    _sync_records(
        current={str(o.route_id): o for o in loc.offerings.all()},
        wanted=data["offerings"],
        fields=offering_fields(),
        create=lambda route_id: Offering(location=loc, route_id=int(route_id)),
        writer=writer,
    )
    _sync_items(
        current={tuple(insurance_item(a)): a for a in loc.payer_acceptances.all()},
        wanted=data["insurance"],
        create=lambda item: PayerAcceptance(location=loc, payer_id=item[0], route_id=item[1]),
        writer=writer,
    )
    _sync_items(
        current={tuple(hours_item(h)): h for h in loc.hours.all()},
        wanted=data["hours"],
        create=lambda item: OpeningHours(
            location=loc, weekday=item[0], opens=item[1], closes=item[2]
        ),
        writer=writer,
    )


def _new_location(clinic, key):
    """A location to create for `key`: a revert restores a deleted one under its old id."""
    loc = Location(clinic=clinic)
    if clinic.draft_of_id and key.isdigit():
        loc.draft_of_id = int(key)  # a working copy's location edits this published one
    elif key.isdigit() and not Location.objects.filter(pk=int(key)).exists():
        loc.pk = int(key)
    return loc


def apply_state(clinic, state, *, writer):
    """Make `clinic` (saved or not) hold `state`: its fields, locations and all under them.

    Locations are matched by key (state.location_key_of); those of the clinic that the
    state does not have are deleted, so callers put in the state every row to keep.
    """
    _assign(clinic, clinic_content_fields(), state["clinic"])
    writer.save(clinic)
    if set(clinic.memberships.values_list("pk", flat=True)) != set(state["clinic"]["memberships"]):
        noted(clinic, writer.user, writer.reason, writer.author)
        clinic.memberships.set(state["clinic"]["memberships"])

    key = location_key_of(clinic)
    current = {key(loc): loc for loc in clinic.locations.all()}
    for loc_key, loc in current.items():
        if loc_key not in state["locations"]:
            writer.delete(loc)
    for loc_key, data in state["locations"].items():
        loc = current.get(loc_key) or _new_location(clinic, loc_key)
        if _assign(loc, location_content_fields(), data) or loc._state.adding:
            writer.save(loc)
        _sync_location(loc, data, writer)

    _sync_records(
        current=dict(clinician_keys(clinic.clinicians.order_by("pk"))),
        wanted=state["clinicians"],
        fields=clinician_fields(),
        create=lambda name: Clinician(clinic=clinic),
        writer=writer,
    )
    return clinic
