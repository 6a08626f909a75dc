"""A listing's history as change sets, and reverting the listing to how it was after one."""

import datetime

from django.db import transaction
from django.utils import timezone

from clinics.models import MASK_FIELDS, Clinician, Location, Offering, OpeningHours, PayerAcceptance
from clinics.moderation.copying import (
    CLINICIAN_FIELDS,
    OFFERING_FIELDS,
    clinic_content_fields,
    location_content_fields,
    noted,
    sync_children,
)
from clinics.moderation.errors import ModerationError

HISTORY_LIMIT = 300
CHANGE_SET_GAP = datetime.timedelta(seconds=2)
HISTORY_IGNORED_FIELDS = {"created_at", "updated_at", *MASK_FIELDS}


def _latest_records(history_manager, *, as_of, **filters):
    """The latest historical record of each object at `as_of`, leaving out deleted ones.

    Candidates are the objects that ever matched `filters`; the match is checked again on
    their latest record, so a location merged into another clinic since is left out.
    """
    earlier = history_manager.filter(history_date__lte=as_of)
    ids = earlier.filter(**filters).values("id")
    records = earlier.filter(id__in=ids).latest_of_each()
    return [r for r in records if r.history_type != "-" and _matches(r, filters)]


def _matches(record, filters):
    return all(getattr(record, name) == value for name, value in filters.items())


def _history_label(kind, record):
    if kind == "location":
        return f"Location {record.address_line1}, {record.city}"
    if kind == "offering":
        return f"Offering: {record.route}"
    if kind == "insurance":
        return f"Insurance: {record.payer} ({record.route or 'all routes'})"
    if kind == "hours":
        return f"Hours: {OpeningHours.Weekday(record.weekday).label} {record.opens:%H:%M}"
    if kind == "clinician":
        return f"Clinician {record.name}"
    return "Clinic"


def listing_history(clinic):
    """Every recorded change to the listing, its locations and what is under them.

    Records are grouped into change sets (one save in the admin, one approval, one revert:
    the same user and reason, moments apart), newest first. Each change set has a `key` the
    history page posts back to revert the listing to how it was right after it.
    """
    location_ids = list(
        Location.history.filter(clinic_id=clinic.pk).values_list("id", flat=True).distinct()
    )
    sources = {
        "clinic": clinic.history.all(),
        "location": Location.history.filter(id__in=location_ids),
        "offering": Offering.history.filter(location_id__in=location_ids).select_related("route"),
        "insurance": PayerAcceptance.history.filter(location_id__in=location_ids).select_related(
            "payer", "route"
        ),
        "hours": OpeningHours.history.filter(location_id__in=location_ids),
        "clinician": Clinician.history.filter(clinic_id=clinic.pk),
    }
    records = []
    for kind, queryset in sources.items():
        rows = queryset.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT]
        records += [(kind, row) for row in rows]
    records.sort(key=lambda item: (item[1].history_date, item[1].history_id))
    records = records[-HISTORY_LIMIT:]

    previous = {}
    change_sets = []
    for kind, record in records:
        model = record.instance_type
        fields = [f for f in model._meta.concrete_fields if f.name not in HISTORY_IGNORED_FIELDS]
        before = previous.get((kind, record.id))
        if record.history_type == "+":
            detail = "created"
        elif record.history_type == "-":
            detail = "deleted"
        elif before is None:
            detail = "changed"
        else:
            diffs = [
                f"{field.verbose_name}: {getattr(before, field.attname) or '—'} → "
                f"{getattr(record, field.attname) or '—'}"
                for field in fields
                if getattr(before, field.attname) != getattr(record, field.attname)
            ]
            detail = "; ".join(diffs) or "conditions, payment options or languages"
        previous[(kind, record.id)] = record
        line = f"{_history_label(kind, record)}: {detail}"
        last = change_sets[-1] if change_sets else None
        if (
            last
            and last["user_id"] == record.history_user_id
            and last["reason"] == (record.history_change_reason or "")
            and record.history_date - last["as_of"] <= CHANGE_SET_GAP
        ):
            last["changes"].append(line)
            last["as_of"] = record.history_date
            last["key"] = f"{kind}:{record.history_id}"
        else:
            change_sets.append(
                {
                    "key": f"{kind}:{record.history_id}",
                    "as_of": record.history_date,
                    "user": record.history_user,
                    "user_id": record.history_user_id,
                    "reason": record.history_change_reason or "",
                    "changes": [line],
                }
            )
    change_sets.reverse()
    return change_sets


@transaction.atomic
def clinic_revert(*, clinic, as_of, user):
    """Restore a listing, with its locations and everything under them, as it was at `as_of`.

    Reads the historical tables of the clinic, its locations, offerings, insurance, hours
    and clinicians. The workflow state (status, slug, verification) stays as it is now; the
    content comes back, and the revert itself is one more change set naming who reverted.
    """
    version = clinic.history.filter(history_date__lte=as_of).order_by("-history_date").first()
    if version is None or version.history_type == "-":
        raise ModerationError("The listing did not exist then.")
    reason = f"Reverted to the version of {timezone.localtime(as_of):%Y-%m-%d %H:%M:%S}"
    for field in clinic_content_fields():
        setattr(clinic, field.attname, getattr(version, field.attname))
    noted(clinic, user, reason).save()
    clinic.memberships.set([m.professionalbody_id for m in version.memberships.all()])

    then = _latest_records(Location.history, as_of=as_of, clinic_id=clinic.pk)
    then_ids = {record.id for record in then}
    for loc in clinic.locations.exclude(pk__in=then_ids):
        noted(loc, user, reason).delete()
    for record in then:
        loc = Location.objects.filter(pk=record.id).first() or Location(pk=record.id)
        loc.clinic = clinic
        for field in location_content_fields():
            setattr(loc, field.attname, getattr(record, field.attname))
        noted(loc, user, reason).save()
        for name, column in (
            ("conditions", "condition_id"),
            ("payment_options", "paymentoption_id"),
            ("languages", "language_id"),
        ):
            getattr(loc, name).set([getattr(row, column) for row in getattr(record, name).all()])
        sync_children(
            source_items=_latest_records(Offering.history, as_of=as_of, location_id=loc.pk),
            target_items=list(loc.offerings.all()),
            key=lambda o: o.route_id,
            fields=OFFERING_FIELDS,
            create=lambda loc=loc: Offering(location=loc),
            user=user,
            reason=reason,
        )
        sync_children(
            source_items=_latest_records(PayerAcceptance.history, as_of=as_of, location_id=loc.pk),
            target_items=list(loc.payer_acceptances.all()),
            key=lambda p: (p.payer_id, p.route_id),
            fields=["payer_id", "route_id"],
            create=lambda loc=loc: PayerAcceptance(location=loc),
            user=user,
            reason=reason,
        )
        sync_children(
            source_items=_latest_records(OpeningHours.history, as_of=as_of, location_id=loc.pk),
            target_items=list(loc.hours.all()),
            key=lambda h: (h.weekday, h.opens, h.closes),
            fields=["weekday", "opens", "closes"],
            create=lambda loc=loc: OpeningHours(location=loc),
            user=user,
            reason=reason,
        )
    sync_children(
        source_items=_latest_records(Clinician.history, as_of=as_of, clinic_id=clinic.pk),
        target_items=list(clinic.clinicians.all()),
        key=lambda c: c.name,
        fields=CLINICIAN_FIELDS,
        create=lambda: Clinician(clinic=clinic),
        user=user,
        reason=reason,
    )
    return clinic
