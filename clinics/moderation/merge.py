"""Merging two clinics into one (issue 5).

Every row that points at the losing clinic is re-pointed at the one kept, found generically
through `Clinic._meta.related_objects` so relations added later (staff memberships, reports,
claim requests, ...) survive a merge too. The losing clinic is archived, not deleted, so its
own history stays readable, and both clinics get a history record naming the merge.

A location of the merged clinic at the same site as one of the kept clinic's is folded into
it first (clinics.moderation.folding, issue 15.3), so search does not show the site twice.
"""

from dataclasses import dataclass, field

from django.db import models, transaction

from clinics.bulk import record_history
from clinics.models import Clinic, touch_listings
from clinics.moderation.folding import fold_location, plan_folds


class MergeError(Exception):
    """The two clinics cannot be merged as they are; the message says what to do first."""


@dataclass
class MergeResult:
    target: Clinic
    source: Clinic
    moved: dict = field(default_factory=dict)  # "location" -> 2, ...
    dropped: list = field(default_factory=list)  # what the target already had
    folded: list = field(default_factory=list)  # "1 Main St folded into 1 Main Street ..."

    def __str__(self):
        moved = ", ".join(f"{count} {name}" for name, count in sorted(self.moved.items()))
        text = f"Merged {self.source.name} into {self.target.name}"
        text += (f": moved {moved}" if moved else "") + "."
        if self.folded:
            text += " Same site, now one location: " + "; ".join(self.folded) + "."
        return text


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
def clinic_merge(*, source, target, user=None, choices=None):
    """Merge `source` into `target`: everything about `source` moves, then it is archived.

    `choices` decides the conflicts of folded locations ({conflict id: "merged"} takes the
    merged location's value; the kept location's stays otherwise).
    """
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

    for fold in plan_folds(source, target):
        fold_location(fold, choices=choices, user=user, reason=reason)
        result.folded.append(
            f"{fold.source.address_line1} into {fold.target.address_line1} ({fold.reason})"
        )

    moved_locations = list(source.locations.values_list("pk", flat=True))
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
    # The moved locations were written in bulk: they belong to another listing now (12.9).
    touch_listings(location_ids=moved_locations, at=target.updated_at)
    return result
