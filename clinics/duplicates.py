"""Possible duplicate listings, and merging two clinics into one (issue 5).

Two clinics are flagged when they share an organisation NPI, when a location of each has the
same normalised name and address, or when a location of each stands within 100 m of the other
and the clinic names are similar. Moderators review the pairs in the admin and merge: every
row that points at the losing clinic is re-pointed at the one kept, found generically through
`Clinic._meta.related_objects` so relations added later (staff memberships, reports, claim
requests, ...) survive a merge too. The losing clinic is archived, not deleted, so its own
history stays readable, and both clinics get a history record naming the merge.
"""

import difflib
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models, transaction

from clinics import geo
from clinics.bulk import record_history
from clinics.models import Clinic, Location

NEARBY_METRES = 100
METRES_PER_MILE = 1609.344
NAME_SIMILARITY = 0.75
# Words that say nothing about which clinic it is.
NAME_NOISE = {"the", "llc", "inc", "pllc", "pc", "pa", "ltd", "corp", "co", "of", "and"}
ADDRESS_WORDS = {
    "street": "st",
    "avenue": "ave",
    "av": "ave",
    "boulevard": "blvd",
    "road": "rd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "parkway": "pkwy",
    "highway": "hwy",
    "suite": "ste",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
}
# Grid cells for the 100 m search: 0.002 degrees of latitude is about 220 m; 0.005 degrees of
# longitude is wider than 100 m everywhere south of 79 degrees north (all of the US).
LAT_CELL, LNG_CELL = 0.002, 0.005


def normalise_name(name):
    """ "The Harbor Ketamine Clinic, LLC" -> "harbor ketamine clinic"."""
    words = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and ")).split()
    return " ".join(word for word in words if word not in NAME_NOISE)


def normalise_address(line):
    """ "100 Sample Avenue, Suite 2" -> "100 sample ave ste 2"."""
    words = re.sub(r"[^a-z0-9 ]+", " ", line.lower()).split()
    return " ".join(ADDRESS_WORDS.get(word, word) for word in words)


def names_are_similar(first, second):
    a, b = normalise_name(first), normalise_name(second)
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted([set(a.split()), set(b.split())], key=len)
    if len(shorter) >= 2 and shorter <= longer:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


@dataclass
class DuplicatePair:
    """Two clinics that may be one; `reasons` says why, in words a moderator reads."""

    first: Clinic
    second: Clinic
    reasons: list = field(default_factory=list)


def find_duplicates(queryset=None):
    """Pairs of clinics that may be duplicates, most reasons first.

    Archived clinics (merged ones included) and moderation working copies are left out.
    """
    queryset = Clinic.objects.listings() if queryset is None else queryset
    clinics = {
        clinic.pk: clinic
        for clinic in queryset.exclude(status=Clinic.Status.ARCHIVED).only(
            "pk", "name", "slug", "npi", "status"
        )
    }
    reasons = defaultdict(list)

    def flag(a, b, reason):
        if a == b:
            return
        key = (min(a, b), max(a, b))
        if reason not in reasons[key]:
            reasons[key].append(reason)

    by_npi = defaultdict(list)
    for clinic in clinics.values():
        if clinic.npi:
            by_npi[clinic.npi].append(clinic.pk)
    for npi, ids in by_npi.items():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                flag(a, b, f"same NPI {npi}")

    locations = list(
        Location.objects.filter(clinic_id__in=list(clinics)).values_list(
            "clinic_id", "address_line1", "postal_code", "latitude", "longitude"
        )
    )
    by_address = defaultdict(list)
    cells = defaultdict(list)
    for clinic_id, line1, postal_code, latitude, longitude in locations:
        name = normalise_name(clinics[clinic_id].name)
        key = (name, normalise_address(line1), (postal_code or "")[:5])
        by_address[key].append(clinic_id)
        if latitude is not None and longitude is not None:
            cell = (math.floor(latitude / LAT_CELL), math.floor(longitude / LNG_CELL))
            cells[cell].append((clinic_id, latitude, longitude))
    for (_, line1, postal_code), ids in by_address.items():
        ids = sorted(set(ids))
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                flag(a, b, f"same name and address ({line1}, {postal_code})")

    for (row, column), members in cells.items():
        neighbours = [
            other
            for d_row in (-1, 0, 1)
            for d_column in (-1, 0, 1)
            for other in cells.get((row + d_row, column + d_column), [])
        ]
        for clinic_id, latitude, longitude in members:
            for other_id, other_lat, other_lng in neighbours:
                if other_id <= clinic_id:
                    continue
                metres = (
                    geo.miles_between(latitude, longitude, other_lat, other_lng) * METRES_PER_MILE
                )
                if metres > NEARBY_METRES:
                    continue
                if names_are_similar(clinics[clinic_id].name, clinics[other_id].name):
                    flag(clinic_id, other_id, f"{metres:.0f} m apart with similar names")

    pairs = [DuplicatePair(clinics[a], clinics[b], found) for (a, b), found in reasons.items()]
    pairs.sort(key=lambda pair: (-len(pair.reasons), pair.first.name, pair.first.pk))
    return pairs


# Merging -----------------------------------------------------------------------------------


class MergeError(Exception):
    """The two clinics cannot be merged as they are; the message says what to do first."""


@dataclass
class MergeResult:
    target: Clinic
    source: Clinic
    moved: dict = field(default_factory=dict)  # "location" -> 2, ...
    dropped: list = field(default_factory=list)  # what the target already had

    def __str__(self):
        moved = ", ".join(f"{count} {name}" for name, count in sorted(self.moved.items()))
        text = f"Merged {self.source.name} into {self.target.name}"
        return text + (f": moved {moved}" if moved else "") + "."


# Text fields the kept clinic takes from the merged one when its own are blank.
FILLED_FIELDS = ["description", "website", "phone", "email", "booking_url", "npi"]


def _has_history(model):
    return hasattr(model._meta, "simple_history_manager_attribute")


def _unique_field_sets(model, field_name):
    """(other fields, condition) for each uniqueness rule that includes the relation."""
    rules = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field_name in constraint.fields:
            rules.append(([f for f in constraint.fields if f != field_name], constraint.condition))
    for fields in model._meta.unique_together:
        if field_name in fields:
            rules.append(([f for f in fields if f != field_name], None))
    return rules


def _conflicts(model, obj, field_name, target, rules):
    for other_fields, condition in rules:
        lookup = {
            model._meta.get_field(f).attname: getattr(obj, model._meta.get_field(f).attname)
            for f in other_fields
        }
        existing = model._base_manager.filter(**{field_name: target}, **lookup)
        if condition is not None:
            if not model._base_manager.filter(condition, pk=obj.pk).exists():
                continue
            existing = existing.filter(condition)
        if existing.exists():
            return other_fields
    return None


def _repoint(relation, source, target, result, reason, user):
    model, field_name = relation.related_model, relation.field.name
    objects = list(model._base_manager.filter(**{field_name: source}))
    if not objects:
        return
    if relation.one_to_one and model._base_manager.filter(**{field_name: target}).exists():
        raise MergeError(
            f"Both clinics have a {model._meta.verbose_name}; resolve one of them first."
        )
    rules = _unique_field_sets(model, field_name)
    moved, dropped, blanked = [], [], []
    for obj in objects:
        conflict = _conflicts(model, obj, field_name, target, rules) if rules else None
        if conflict and "import_ref" in conflict:
            # The two clinics came from sources that reused an id; keep the row, drop the id.
            obj.import_ref = ""
            blanked.append(obj)
        elif conflict:
            # The kept clinic already has the same thing (the same staff member, say).
            dropped.append(obj)
            result.dropped.append(f"{model._meta.verbose_name}: {obj}")
            continue
        setattr(obj, field_name, target)
        moved.append(obj)
    for obj in dropped:
        obj._change_reason = reason
        obj._history_user = user
        obj.delete()
    update_fields = [relation.field.attname] + (["import_ref"] if blanked else [])
    model._base_manager.bulk_update(moved, update_fields)
    if _has_history(model):
        record_history(model, moved, "~", reason=reason, user=user)
    result.moved[str(model._meta.verbose_name_plural)] = len(moved)


def _repoint_many_to_many(relation, source, target, result):
    through = relation.through
    own = relation.field.m2m_reverse_field_name()
    other = relation.field.m2m_field_name()
    rows = through.objects.filter(**{own: source})
    held = set(through.objects.filter(**{own: target}).values_list(f"{other}_id", flat=True))
    rows.filter(**{f"{other}_id__in": held}).delete()
    count = rows.update(**{own: target})
    if count:
        result.moved[str(relation.related_model._meta.verbose_name_plural)] = count


@transaction.atomic
def clinic_merge(*, source, target, user=None):
    """Merge `source` into `target`: everything about `source` moves, then it is archived."""
    source = Clinic.objects.select_for_update().get(pk=source.pk)
    target = Clinic.objects.select_for_update().get(pk=target.pk)
    if source.pk == target.pk:
        raise MergeError("Choose two different clinics.")
    if target.status == Clinic.Status.ARCHIVED:
        raise MergeError(f"{target} is archived; keep a listing that is not.")
    for clinic in (source, target):
        if getattr(clinic, "draft_of_id", None):
            raise MergeError(f"{clinic} is a working copy; merge the published listings.")
        for relation in Clinic._meta.related_objects:
            # A pending edit (a working copy) describes one clinic; it cannot move.
            pending = relation.related_model is Clinic and relation.one_to_one
            if pending and Clinic._base_manager.filter(**{relation.field.name: clinic}).exists():
                raise MergeError(
                    f"{clinic} has changes waiting for review; approve or reject them first."
                )
    reason = f"Merged clinic {source.name} (#{source.pk}) into {target.name} (#{target.pk})"
    result = MergeResult(target=target, source=source)

    for relation in Clinic._meta.related_objects:
        if relation.many_to_many:
            _repoint_many_to_many(relation, source, target, result)
        else:
            _repoint(relation, source, target, result, reason, user)

    for m2m_field in Clinic._meta.many_to_many:
        manager = getattr(target, m2m_field.name)
        missing = set(getattr(source, m2m_field.name).all()) - set(manager.all())
        if missing:
            target._change_reason = reason
            target._history_user = user
            manager.add(*missing)
            result.moved[str(m2m_field.verbose_name)] = len(missing)

    for name in FILLED_FIELDS:
        if not getattr(target, name) and getattr(source, name):
            setattr(target, name, getattr(source, name))
    if not target.import_ref and source.import_ref:
        # The kept clinic inherits the import identity, so re-importing the merged
        # clinic's source updates it instead of creating the duplicate again.
        target.import_source, target.import_ref = source.import_source, source.import_ref
        source.import_source, source.import_ref = "", ""

    source.status = Clinic.Status.ARCHIVED
    source._change_reason = f"Merged into {target.name} (#{target.pk})"
    source._history_user = user
    source.save()
    target._change_reason = reason
    target._history_user = user
    target.save()
    return result
