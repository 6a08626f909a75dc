"""A listing's history as change sets: who made each change, who approved it, what changed;
and, beside it, who was given or lost access to keep the listing (issue 17).

Reverting to one of them is clinics.moderation.revert.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from clinics.models import (
    MASK_FIELDS,
    Clinic,
    Clinician,
    Location,
    Offering,
    OpeningHours,
    PayerAcceptance,
    StaffInvitation,
    StaffMembership,
)
from clinics.moderation.diff import Describer
from clinics.moderation.state import LOCATION_M2M

HISTORY_LIMIT = 300
CHANGE_SET_GAP = datetime.timedelta(seconds=2)
HISTORY_IGNORED_FIELDS = {"created_at", "updated_at", *MASK_FIELDS}
# The many-to-many snapshots of a record, and the column naming the other side.
M2M_COLUMNS = {
    "memberships": "professionalbody_id",
    "conditions": "condition_id",
    "payment_options": "paymentoption_id",
    "languages": "language_id",
}


def _history_label(kind, record):
    if kind == "location":
        return _("Location %(address)s, %(city)s") % {
            "address": record.address_line1,
            "city": record.city,
        }
    if kind == "offering":
        return _("Offering: %(route)s") % {"route": record.route}
    if kind == "insurance":
        route = record.route or _("all routes")
        return _("Insurance: %(payer)s (%(route)s)") % {"payer": record.payer, "route": route}
    if kind == "hours":
        day = OpeningHours.Weekday(record.weekday).label
        return _("Hours: %(day)s %(opens)s") % {"day": day, "opens": f"{record.opens:%H:%M}"}
    if kind == "clinician":
        return _("Clinician %(name)s") % {"name": record.name}
    return _("Clinic")


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
        "clinic": clinic.history.prefetch_related(_m2m_accessor(Clinic, "memberships")),
        "location": Location.history.filter(id__in=location_ids).prefetch_related(
            *(_m2m_accessor(Location, name) for name in LOCATION_M2M)
        ),
        "offering": Offering.history.filter(location_id__in=location_ids).select_related("route"),
        "insurance": PayerAcceptance.history.filter(location_id__in=location_ids).select_related(
            "payer", "route"
        ),
        "hours": OpeningHours.history.filter(location_id__in=location_ids),
        "clinician": Clinician.history.filter(clinic_id=clinic.pk),
    }
    records = []
    for kind, queryset in sources.items():
        rows = queryset.select_related("history_user", "history_author").order_by("-history_date")[
            :HISTORY_LIMIT
        ]
        records += [(kind, row) for row in rows]
    records.sort(key=lambda item: (item[1].history_date, item[1].history_id))
    records = records[-HISTORY_LIMIT:]

    describer = Describer()
    previous = {}
    change_sets = []
    for kind, record in records:
        detail = _detail(describer, kind, record, previous.get((kind, record.id)))
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
            last["author"] = last["author"] or record.history_author
        else:
            change_sets.append(
                {
                    "key": f"{kind}:{record.history_id}",
                    "as_of": record.history_date,
                    "user": record.history_user,
                    "user_id": record.history_user_id,
                    "author": record.history_author,
                    "reason": record.history_change_reason or "",
                    "changes": [line],
                }
            )
    change_sets.reverse()
    return change_sets


# The kinds of record whose fields the describer names (insurance and hours: plain values).
DESCRIBED = {"clinic", "location", "offering", "clinician"}


def _m2m_accessor(model, name):
    """The prefetchable name of a history record's snapshot of a many-to-many field."""
    snapshot_model = getattr(model.history.model, name).model
    return snapshot_model._meta.get_field("history").remote_field.get_accessor_name()


def _m2m_ids(record, name):
    rows = getattr(record, _m2m_accessor(record.instance_type, name)).all()
    return sorted(getattr(row, M2M_COLUMNS[name]) for row in rows)


def _detail(describer, kind, record, before):
    """What one historical record changed, in words, compared with the one before it."""
    if record.history_type == "+":
        return _("created")
    if record.history_type == "-":
        return _("deleted")
    if before is None:
        return _("changed")
    model = record.instance_type
    described = kind if kind in DESCRIBED else None
    diffs = []
    for field in record.tracked_fields:
        if field.name in HISTORY_IGNORED_FIELDS:
            continue
        old, new = getattr(before, field.attname), getattr(record, field.attname)
        if old != new:
            if described and describer.field(described, field.attname):
                old = describer.value(described, field.attname, old)
                new = describer.value(described, field.attname, new)
            diffs.append(f"{field.verbose_name}: {old} → {new}")
    for name in M2M_COLUMNS:
        if described and hasattr(model, name):
            old, new = _m2m_ids(before, name), _m2m_ids(record, name)
            if old != new:
                old = describer.value(described, name, old)
                new = describer.value(described, name, new)
                diffs.append(f"{describer.label(described, name)}: {old} → {new}")
    return "; ".join(diffs) or _("saved without changes")


def staff_access_history(clinic):
    """Who was invited to keep the listing, who joined and who was removed, newest first.

    Read from the history of StaffInvitation and StaffMembership (clinics.moderation.
    invitations saves each step with who and why): three queries, however long the history.
    """
    invitations = list(
        StaffInvitation.history.filter(clinic_id=clinic.pk)
        .select_related("history_user")
        .order_by("-history_date")[:HISTORY_LIMIT]
    )
    memberships = list(
        StaffMembership.history.filter(clinic_id=clinic.pk)
        .select_related("history_user")
        .order_by("-history_date")[:HISTORY_LIMIT]
    )
    User = get_user_model()
    emails = dict(
        User.objects.filter(pk__in={m.user_id for m in memberships}).values_list("pk", "email")
    )
    events = []
    for record in invitations:
        what = {
            "+": _("Invitation sent to %(email)s") % {"email": record.email},
            "-": _("Invitation of %(email)s withdrawn") % {"email": record.email},
        }.get(record.history_type)
        if what is None:
            what = (
                _("%(email)s accepted the invitation")
                if record.accepted_at
                else _("Invitation of %(email)s changed")
            ) % {"email": record.email}
        events.append((record, what))
    for record in memberships:
        person = emails.get(record.user_id) or f"user #{record.user_id}"
        said = {"person": person, "role": StaffMembership.Role(record.role).label.lower()}
        what = {
            "+": _("%(person)s can edit the listing, as %(role)s") % said,
            "-": _("%(person)s removed (was %(role)s)") % said,
        }.get(record.history_type, _("%(person)s is now %(role)s") % said)
        events.append((record, what))
    events.sort(key=lambda item: item[0].history_date, reverse=True)
    return [
        {
            "as_of": record.history_date,
            "user": record.history_user,
            "reason": record.history_change_reason or "",
            "what": what,
        }
        for record, what in events[:HISTORY_LIMIT]
    ]
