"""Approval applies only what the staff changed (issue 15.2): a three-way merge of states.

`base` is the published listing when the working copy was made (Clinic.draft_base),
`published` is the published listing now, `staff` is the working copy. What the staff left
as it was in `base` keeps the published value, so a moderator's edit (or another approval)
made meanwhile survives; what the staff changed is applied. When both sides changed the same
field differently, that is a conflict: the published value stays unless the moderator chose
the staff's (`choices[conflict.id] == "staff"`).

Sets (conditions, insurance, hours, ...) merge item by item and never conflict: items the
staff added are added, items they removed are removed, the rest is as published. Records in
collections (locations, offerings, clinicians) merge field by field; removing a record that
the other side changed is a conflict about the whole record.
"""

import json
from dataclasses import dataclass

from clinics.moderation.state import COLLECTIONS, SETS, listing_state

PUBLISHED, STAFF = "published", "staff"


@dataclass
class Conflict:
    """One field (or whole record) both sides changed; values are None where absent."""

    path: tuple
    base: object
    published: object
    staff: object
    choice: str = PUBLISHED

    @property
    def id(self):
        return json.dumps(list(self.path))

    @property
    def is_record(self):
        """About a whole location, offering or clinician (removed on one side)."""
        return isinstance(self.published, dict) or isinstance(self.staff, dict)


class _Merge:
    def __init__(self, choices):
        self.choices = choices or {}
        self.conflicts = []

    def conflict(self, path, base, published, staff):
        found = Conflict(tuple(path), base, published, staff)
        found.choice = STAFF if self.choices.get(found.id) == STAFF else PUBLISHED
        self.conflicts.append(found)
        return staff if found.choice == STAFF else published

    def record(self, kind, path, base, published, staff):
        merged = {}
        sets, collections = SETS.get(kind, []), COLLECTIONS.get(kind, {})
        for name in sorted(set(published) | set(staff)):
            b, p, s = base.get(name), published.get(name), staff.get(name)
            if name in sets:
                merged[name] = merge_set(b or [], p or [], s or [])
            elif name in collections:
                merged[name] = self.collection(
                    collections[name], [*path, name], b or {}, p or {}, s or {}
                )
            elif s == b or p == s:
                merged[name] = p if name in published else s
            elif p == b:
                merged[name] = s
            else:
                merged[name] = self.conflict([*path, name], b, p, s)
        return merged

    def collection(self, kind, path, base, published, staff):
        merged = {}
        for key in [*published, *(k for k in staff if k not in published)]:
            b, p, s = base.get(key), published.get(key), staff.get(key)
            item = self.item(kind, [*path, key], b, p, s)
            if item is not None:
                merged[key] = item
        return merged

    def item(self, kind, path, b, p, s):
        if s == b:  # the staff left it alone: as published (or gone, if removed there)
            return p
        if s is None:  # the staff removed it
            return None if p is None or p == b else self.conflict(path, b, p, None)
        if p is None and b is not None:  # removed on the published side, changed by staff
            return self.conflict(path, b, None, s)
        if p is None:
            return s  # added by the staff
        return self.record(kind, path, b or {}, p, s)


def merge_set(base, published, staff):
    """Items as published, with the staff's additions and without their removals."""
    as_key = json.dumps
    removed = {as_key(i) for i in base} - {as_key(i) for i in staff}
    added = {as_key(i): i for i in staff if as_key(i) not in {as_key(b) for b in base}}
    items = {as_key(i): i for i in published if as_key(i) not in removed}
    items.update(added)
    return [items[key] for key in sorted(items)]


def merge_states(*, base, published, staff, choices=None):
    """(merged state, conflicts): what approval writes, and what the moderator must decide."""
    merge = _Merge(choices)
    merged = {
        "clinic": merge.record(
            "clinic", ["clinic"], base["clinic"], published["clinic"], staff["clinic"]
        ),
        "locations": merge.collection(
            "location", ["locations"], base["locations"], published["locations"], staff["locations"]
        ),
        "clinicians": merge.collection(
            "clinician",
            ["clinicians"],
            base["clinicians"],
            published["clinicians"],
            staff["clinicians"],
        ),
    }
    return merged, merge.conflicts


@dataclass
class StaffMerge:
    """A working copy's approval worked out: the three states, what to write, the conflicts."""

    base: dict
    published: dict
    staff: dict
    merged: dict
    conflicts: list

    def undecided(self, choices):
        return [c for c in self.conflicts if (choices or {}).get(c.id) not in (PUBLISHED, STAFF)]


def staff_merge(copy, choices=None):
    """Merge a working copy's changes into its published listing as it is now.

    The base is the published state the copy started from (Clinic.draft_base); a copy made
    before bases were recorded takes the published listing as its base, so all its
    differences count as the staff's, as approval did before.
    """
    published = listing_state(copy.draft_of)
    staff = listing_state(copy)
    base = copy.draft_base or published
    merged, conflicts = merge_states(base=base, published=published, staff=staff, choices=choices)
    return StaffMerge(base, published, staff, merged, conflicts)
