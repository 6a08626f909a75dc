"""Domain actions of moderation (issue 4): edit, submit, approve, reject, verify, revert, claim.

Every action is keyword-only and runs in one transaction. Each save names who did it and why
in the history (django-simple-history's `_history_user` and `_change_reason`), so the history
shows the moderator who approved a change as well as the staff member who made it.

How a change reaches the public: staff never write to a published listing. The first edit
creates a *working copy* (a Clinic row with `draft_of` pointing at the published one, status
draft, its own slug), copied with its locations, offerings, insurance, hours and clinicians.
Staff edit the copy and submit it (pending). `clinic_approve` writes the copy's content onto
the published listing, keeping the published locations' ids (matched through
`Location.draft_of`), and deletes the copy. A new listing has no copy: it is pending itself
and approval publishes it.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from clinics.models import (
    MASK_FIELDS,
    ClaimRequest,
    Clinic,
    Clinician,
    Location,
    Offering,
    OpeningHours,
    PayerAcceptance,
    Report,
    StaffMembership,
)

MODERATOR_GROUP = "Moderator"
CLINIC_STAFF_GROUP = "Clinic staff"
STALE_AFTER = datetime.timedelta(days=365)

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


class ModerationError(Exception):
    """An action that does not fit the listing's state; the message is shown to the user."""


def clinic_content_fields():
    return [f for f in Clinic._meta.concrete_fields if f.name not in CLINIC_WORKFLOW_FIELDS]


def location_content_fields():
    return [f for f in Location._meta.concrete_fields if f.name not in LOCATION_WORKFLOW_FIELDS]


def _record(obj, user, reason):
    """Name who made the next save of `obj` and why, for its history record."""
    obj._history_user = user
    obj._change_reason = reason[:100]
    return obj


# --- copying a listing (working copies and approval) ---------------------------------------


def _sync_children(*, source_items, target_items, key, fields, create, user, reason):
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
            _record(obj, user, reason).delete()
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
                _record(obj, user, reason).save()


def _sync_location_children(*, source, target, user, reason):
    _sync_children(
        source_items=list(source.offerings.all()),
        target_items=list(target.offerings.all()),
        key=lambda o: o.route_id,
        fields=OFFERING_FIELDS,
        create=lambda: Offering(location=target),
        user=user,
        reason=reason,
    )
    _sync_children(
        source_items=list(source.payer_acceptances.all()),
        target_items=list(target.payer_acceptances.all()),
        key=lambda p: (p.payer_id, p.route_id),
        fields=["payer_id", "route_id"],
        create=lambda: PayerAcceptance(location=target),
        user=user,
        reason=reason,
    )
    _sync_children(
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
            _record(target, user, reason)
            getattr(target, name).set(wanted)


def _copy_listing(*, source, target, user, reason, match_location):
    """Write source's content (fields and everything under it) onto target.

    `match_location(source_location)` returns the id of target's location to update, or None
    to create one; target's locations matched by none are deleted.
    """
    for field in clinic_content_fields():
        setattr(target, field.attname, getattr(source, field.attname))
    _record(target, user, reason).save()
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
            _record(loc, user, reason).delete()
    for src, loc in pairs:
        changed = loc.pk is None
        for field in location_content_fields():
            if getattr(loc, field.attname) != getattr(src, field.attname):
                setattr(loc, field.attname, getattr(src, field.attname))
                changed = True
        if target.draft_of_id:
            loc.draft_of = src
        if changed:  # unchanged locations keep a quiet history
            _record(loc, user, reason).save()
        _sync_location_children(source=src, target=loc, user=user, reason=reason)

    _sync_children(
        source_items=list(source.clinicians.all()),
        target_items=list(target.clinicians.all()),
        key=lambda c: c.name,
        fields=CLINICIAN_FIELDS,
        create=lambda: Clinician(clinic=target),
        user=user,
        reason=reason,
    )


def _working_copy_slug(clinic):
    base = f"{clinic.slug[:180]}--draft"
    n = 1
    while Clinic.objects.filter(slug=f"{base}-{n}").exists():
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def clinic_start_edit(*, clinic, user):
    """The working copy staff edit instead of the published listing (created on first edit)."""
    if clinic.draft_of_id:
        return clinic
    if clinic.status != Clinic.Status.PUBLISHED:
        return clinic  # a new or archived listing is edited in place
    # Lock the published row so two first edits at once make one copy, not an error.
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    existing = Clinic.objects.filter(draft_of=clinic).first()
    if existing:
        return existing
    copy = Clinic(draft_of=clinic, slug=_working_copy_slug(clinic), status=Clinic.Status.DRAFT)
    _copy_listing(
        source=clinic,
        target=copy,
        user=user,
        reason="Working copy started",
        match_location=lambda src: None,
    )
    return copy


@transaction.atomic
def clinic_submit(*, clinic, user):
    """Staff ask a moderator to publish their changes (or their new listing)."""
    if clinic.status == Clinic.Status.PENDING:
        return clinic
    if clinic.status not in (Clinic.Status.DRAFT, Clinic.Status.REJECTED):
        raise ModerationError("Only a draft or a rejected listing can be submitted for review.")
    clinic.status = Clinic.Status.PENDING
    _record(clinic, user, "Submitted for review").save()
    _notify_moderators(clinic=clinic)
    return clinic


def _unique_slug(name):
    base = slugify(name)[:180] or "clinic"
    slug, n = base, 1
    while Clinic.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def clinic_propose(*, clinic_fields, location_fields, requester):
    """A new listing from the public "list your clinic" form: pending, with one location.

    The sender's details become a claim request, so approving it gives them access.
    """
    clinic = Clinic(
        **clinic_fields, slug=_unique_slug(clinic_fields["name"]), status=Clinic.Status.PENDING
    )
    _record(clinic, None, "Proposed through the list-your-clinic form").save()
    location = Location(clinic=clinic, **location_fields)
    _record(location, None, "Proposed through the list-your-clinic form").save()
    claim_request_submit(clinic=clinic, **requester)
    _notify_moderators(clinic=clinic)
    return clinic


def _check_claim(clinic, reviewer):
    if clinic.review_claimed_by_id and clinic.review_claimed_by_id != reviewer.pk:
        raise ModerationError(f"{clinic.review_claimed_by} is reviewing this listing.")


@transaction.atomic
def clinic_approve(*, clinic, reviewer):
    """Publish a pending listing or a pending working copy; returns the published clinic."""
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    if clinic.status != Clinic.Status.PENDING:
        raise ModerationError("Only a listing waiting for review can be approved.")
    _check_claim(clinic, reviewer)
    if clinic.draft_of_id:
        published = Clinic.objects.select_for_update().get(pk=clinic.draft_of_id)
        published_ids = set(published.locations.values_list("pk", flat=True))
        published.review_note = ""
        published.review_claimed_by = None
        published.review_claimed_at = None
        _copy_listing(
            source=clinic,
            target=published,
            user=reviewer,
            reason=f"Approved changes (reviewed by {reviewer})",
            match_location=lambda src: (
                src.draft_of_id if src.draft_of_id in published_ids else None
            ),
        )
        # Location.draft_of on the copy pointed at published rows; the copy goes now.
        _record(clinic, reviewer, "Working copy approved and removed").delete()
    else:
        published = clinic
        published.status = Clinic.Status.PUBLISHED
        published.review_note = ""
        published.review_claimed_by = None
        published.review_claimed_at = None
        _record(published, reviewer, f"Approved by {reviewer}").save()
    _notify_staff(
        clinic=published,
        subject=f"Your changes to {published.name} are live",
        body=f"A moderator approved the changes to {published.name}. Patients now see them.",
    )
    return published


@transaction.atomic
def clinic_reject(*, clinic, reviewer, reason):
    """Send a pending listing back to its staff with the moderator's reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError("Give the staff a reason for the rejection.")
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    if clinic.status != Clinic.Status.PENDING:
        raise ModerationError("Only a listing waiting for review can be rejected.")
    _check_claim(clinic, reviewer)
    clinic.status = Clinic.Status.REJECTED
    clinic.review_note = reason
    clinic.review_claimed_by = None
    clinic.review_claimed_at = None
    _record(clinic, reviewer, f"Rejected by {reviewer}").save()
    name = clinic.draft_of.name if clinic.draft_of_id else clinic.name
    _notify_staff(
        clinic=clinic,
        subject=f"Your changes to {name} were not approved",
        body=(
            f"A moderator did not approve the changes to {name}.\n\nReason: {reason}\n\n"
            "Patients still see the last approved version. You can correct the listing in "
            "the staff admin and submit it again."
        ),
    )
    return clinic


# --- claiming an item so two moderators do not work on it at once ---------------------------


def _claim_fields(obj):
    if isinstance(obj, Clinic):
        return "review_claimed_by", "review_claimed_at"
    return "claimed_by", "claimed_at"


@transaction.atomic
def moderation_claim(*, item, moderator):
    """Claim a queue item; returns False when another moderator holds it."""
    by, at = _claim_fields(item)
    updated = (
        type(item)
        .objects.filter(pk=item.pk)
        .filter(Q(**{f"{by}__isnull": True}) | Q(**{by: moderator}))
        .update(**{by: moderator, at: timezone.now()})
    )
    item.refresh_from_db()
    return bool(updated)


@transaction.atomic
def moderation_release(*, item, moderator):
    by, at = _claim_fields(item)
    type(item).objects.filter(pk=item.pk, **{by: moderator}).update(**{by: None, at: None})
    item.refresh_from_db()


# --- verification and stale listings --------------------------------------------------------


@transaction.atomic
def clinic_verify(*, clinic, moderator):
    """A moderator confirmed the listing: patients see "verified on ..." again."""
    clinic.verified_at = timezone.localdate()
    clinic.flagged_stale_at = None
    _record(clinic, moderator, "Verified").save()
    return clinic


def stale_listings(*, now=None):
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    return Clinic.objects.published().filter(
        Q(verified_at__lt=cutoff.date()) | Q(verified_at__isnull=True, created_at__lt=cutoff)
    )


@transaction.atomic
def flag_stale_listings(*, now=None, base_url=""):
    """Flag published listings not verified in 12 months and ask their staff to confirm.

    Listings already flagged are not emailed again. Returns the newly flagged clinics.
    """
    now = now or timezone.now()
    flagged = list(stale_listings(now=now).filter(flagged_stale_at__isnull=True))
    for clinic in flagged:
        clinic.flagged_stale_at = now
        _record(clinic, None, "Flagged as not verified in 12 months").save()
        _notify_staff(
            clinic=clinic,
            subject=f"Please confirm the listing of {clinic.name}",
            body=(
                f"The listing of {clinic.name} has not been verified for 12 months, so patients "
                "now see it as possibly outdated. Please check it in the staff admin and "
                f"correct anything that changed, or reply to confirm it is right.\n\n"
                f"{base_url}{clinic.get_absolute_url()}"
            ),
        )
    return flagged


# --- history and revert ---------------------------------------------------------------------


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


HISTORY_LIMIT = 300
CHANGE_SET_GAP = datetime.timedelta(seconds=2)
HISTORY_IGNORED_FIELDS = {"created_at", "updated_at", *MASK_FIELDS}


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
    _record(clinic, user, reason).save()
    clinic.memberships.set([m.professionalbody_id for m in version.memberships.all()])

    then = _latest_records(Location.history, as_of=as_of, clinic_id=clinic.pk)
    then_ids = {record.id for record in then}
    for loc in clinic.locations.exclude(pk__in=then_ids):
        _record(loc, user, reason).delete()
    for record in then:
        loc = Location.objects.filter(pk=record.id).first() or Location(pk=record.id)
        loc.clinic = clinic
        for field in location_content_fields():
            setattr(loc, field.attname, getattr(record, field.attname))
        _record(loc, user, reason).save()
        for name, column in (
            ("conditions", "condition_id"),
            ("payment_options", "paymentoption_id"),
            ("languages", "language_id"),
        ):
            getattr(loc, name).set([getattr(row, column) for row in getattr(record, name).all()])
        _sync_children(
            source_items=_latest_records(Offering.history, as_of=as_of, location_id=loc.pk),
            target_items=list(loc.offerings.all()),
            key=lambda o: o.route_id,
            fields=OFFERING_FIELDS,
            create=lambda loc=loc: Offering(location=loc),
            user=user,
            reason=reason,
        )
        _sync_children(
            source_items=_latest_records(PayerAcceptance.history, as_of=as_of, location_id=loc.pk),
            target_items=list(loc.payer_acceptances.all()),
            key=lambda p: (p.payer_id, p.route_id),
            fields=["payer_id", "route_id"],
            create=lambda loc=loc: PayerAcceptance(location=loc),
            user=user,
            reason=reason,
        )
        _sync_children(
            source_items=_latest_records(OpeningHours.history, as_of=as_of, location_id=loc.pk),
            target_items=list(loc.hours.all()),
            key=lambda h: (h.weekday, h.opens, h.closes),
            fields=["weekday", "opens", "closes"],
            create=lambda loc=loc: OpeningHours(location=loc),
            user=user,
            reason=reason,
        )
    _sync_children(
        source_items=_latest_records(Clinician.history, as_of=as_of, clinic_id=clinic.pk),
        target_items=list(clinic.clinicians.all()),
        key=lambda c: c.name,
        fields=CLINICIAN_FIELDS,
        create=lambda: Clinician(clinic=clinic),
        user=user,
        reason=reason,
    )
    return clinic


# --- the field-by-field diff the moderator reviews -----------------------------------------


def _display(obj, field):
    value = getattr(obj, field.attname)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return ""
    if field.is_relation:
        return str(getattr(obj, field.name))
    return str(value)


def listing_snapshot(clinic, *, location_key=lambda loc: loc.pk):
    """The listing as the moderator reads it: {key: (section, field, value)}, children included.

    Keys stay the same when a value changes (a location is keyed by `location_key`, the id
    of the published location it is or edits), so before and after line up field by field.
    """
    rows = {}
    for field in clinic_content_fields():
        rows[("clinic", field.name)] = ("Clinic", str(field.verbose_name), _display(clinic, field))
    rows[("clinic", "memberships")] = (
        "Clinic",
        "professional memberships",
        ", ".join(str(m) for m in clinic.memberships.all()),
    )
    for loc in clinic.locations.all():
        section = f"Location: {loc.address_line1}, {loc.city}"
        key = ("location", location_key(loc))
        for field in location_content_fields():
            if field.name != "coordinates_source":
                rows[(*key, field.name)] = (section, str(field.verbose_name), _display(loc, field))
        for name in LOCATION_M2M:
            values = ", ".join(sorted(str(o) for o in getattr(loc, name).all()))
            rows[(*key, name)] = (section, name.replace("_", " "), values)
        for offering in loc.offerings.select_related("route"):
            rows[(*key, "offering", offering.route_id)] = (
                section,
                f"offering: {offering.route}",
                f"{offering.price_label}; series {offering.series_price_usd or '-'}; "
                f"{offering.session_minutes or '-'} min; {offering.notes}",
            )
        insurance = "; ".join(
            sorted(str(p) for p in loc.payer_acceptances.select_related("payer", "route"))
        )
        rows[(*key, "insurance")] = (section, "insurance accepted", insurance)
        hours = "; ".join(str(h) for h in loc.hours.all())
        rows[(*key, "hours")] = (section, "opening hours", hours)
    for clinician in clinic.clinicians.all():
        rows[("clinician", clinician.name)] = (
            "Clinicians",
            clinician.name,
            f"{clinician.get_credential_display()}; {clinician.specialty}; "
            f"NPI {clinician.npi or '-'}; {clinician.role}",
        )
    return rows


def listing_diff(clinic):
    """What approving `clinic` would change: rows of section, field, before and after."""
    if clinic.draft_of_id:
        before = listing_snapshot(clinic.draft_of)
        after = listing_snapshot(
            clinic, location_key=lambda loc: loc.draft_of_id or f"new-{loc.pk}"
        )
    else:
        before = {}
        after = listing_snapshot(clinic)
    rows = []
    for key in list(before) + [k for k in after if k not in before]:
        section, field, old = before.get(key, ("", "", ""))
        new_section, new_field, new = after.get(key, (section, field, ""))
        if old != new:
            rows.append({"section": new_section, "field": new_field, "before": old, "after": new})
    return rows


# --- reports --------------------------------------------------------------------------------


@transaction.atomic
def report_submit(*, clinic, problem, details, email=""):
    return Report.objects.create(clinic=clinic, problem=problem, details=details, email=email)


@transaction.atomic
def report_resolve(*, report, moderator, note):
    note = (note or "").strip()
    if not note:
        raise ModerationError("Say what was done about the report.")
    if report.claimed_by_id and report.claimed_by_id != moderator.pk:
        raise ModerationError(f"{report.claimed_by} is working on this report.")
    report.resolved_at = timezone.now()
    report.resolved_by = moderator
    report.resolution_note = note
    report.claimed_by = None
    report.claimed_at = None
    report.save()
    if report.email:
        _send(
            to=[report.email],
            subject=f"Your report about {report.clinic.name}",
            body=f"Thank you for your report. A moderator looked at it:\n\n{note}",
        )
    return report


# --- claims, memberships and onboarding -----------------------------------------------------


@transaction.atomic
def claim_request_submit(*, clinic, name, role, work_email, npi=""):
    return ClaimRequest.objects.create(
        clinic=clinic, name=name, role=role, work_email=work_email.strip().lower(), npi=npi
    )


@transaction.atomic
def claim_request_approve(*, claim, moderator, base_url=""):
    """Make the requester staff of the clinic; returns the membership."""
    if claim.status != ClaimRequest.Status.PENDING:
        raise ModerationError("This claim was already decided.")
    if claim.claimed_by_id and claim.claimed_by_id != moderator.pk:
        raise ModerationError(f"{claim.claimed_by} is working on this claim.")
    has_owner = claim.clinic.staff_memberships.filter(role=StaffMembership.Role.OWNER).exists()
    role = StaffMembership.Role.EDITOR if has_owner else StaffMembership.Role.OWNER
    membership, link = staff_add(
        email=claim.work_email, clinic=claim.clinic, role=role, base_url=base_url
    )
    claim.status = ClaimRequest.Status.APPROVED
    claim.decided_at = timezone.now()
    claim.decided_by = moderator
    claim.claimed_by = None
    claim.save()
    body = f"A moderator approved your request to manage {claim.clinic.name}."
    if link:
        body += f"\n\nSet your password here to sign in:\n{link}"
    else:
        body += "\n\nSign in with your existing account."
    _send(to=[claim.work_email], subject=f"You now manage {claim.clinic.name}", body=body)
    return membership


@transaction.atomic
def claim_request_reject(*, claim, moderator, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError("Give a reason for the rejection.")
    if claim.status != ClaimRequest.Status.PENDING:
        raise ModerationError("This claim was already decided.")
    claim.status = ClaimRequest.Status.REJECTED
    claim.decided_at = timezone.now()
    claim.decided_by = moderator
    claim.decision_note = reason
    claim.claimed_by = None
    claim.save()
    _send(
        to=[claim.work_email],
        subject=f"Your request to manage {claim.clinic.name}",
        body=f"A moderator could not approve your request.\n\nReason: {reason}",
    )
    return claim


def password_setting_link(user, *, base_url=""):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{base_url}{path}"


def _user_for_email(email, *, base_url=""):
    """The user with this email, created without a usable password if new.

    Returns (user, link): link is a one-time password-setting link for a user who has no
    usable password yet, never a default password.
    """
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        username = email[:150]
        if User.objects.filter(username=username).exists():
            username = f"{email[:140]}-{secrets.token_hex(4)}"
        user = User(username=username, email=email, is_staff=True)
        user.set_unusable_password()
        user.save()
    elif not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    link = "" if user.has_usable_password() else password_setting_link(user, base_url=base_url)
    return user, link


@transaction.atomic
def staff_add(*, email, clinic, role=StaffMembership.Role.EDITOR, base_url=""):
    """Make the person with this email staff of the clinic; returns (membership, link)."""
    user, link = _user_for_email(email, base_url=base_url)
    user.groups.add(Group.objects.get(name=CLINIC_STAFF_GROUP))
    membership, created = StaffMembership.objects.get_or_create(
        user=user, clinic=clinic, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save()
    return membership, link


@transaction.atomic
def moderator_add(*, email, base_url=""):
    """Make the person with this email a moderator; returns (user, link)."""
    user, link = _user_for_email(email, base_url=base_url)
    user.groups.add(Group.objects.get(name=MODERATOR_GROUP))
    return user, link


# --- email ------------------------------------------------------------------------------------


def _send(*, to, subject, body):
    recipients = sorted({address for address in to if address})
    if recipients:
        send_mail(
            subject=subject,
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )


def staff_emails(clinic):
    """Who hears about a listing: its staff, or for a listing never published, its requester."""
    published = clinic.draft_of if clinic.draft_of_id else clinic
    emails = list(
        published.staff_memberships.exclude(user__email="").values_list("user__email", flat=True)
    )
    if not emails:
        emails = list(
            published.claim_requests.filter(status=ClaimRequest.Status.PENDING).values_list(
                "work_email", flat=True
            )
        )
    return emails


def _notify_staff(*, clinic, subject, body):
    _send(to=staff_emails(clinic), subject=subject, body=body)


def moderator_emails():
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, groups__name=MODERATOR_GROUP)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _notify_moderators(*, clinic):
    name = clinic.draft_of.name if clinic.draft_of_id else clinic.name
    kind = "Changes to" if clinic.draft_of_id else "New listing:"
    _send(
        to=moderator_emails(),
        subject=f"Waiting for review: {kind} {name}",
        body=f"{kind} {name} is waiting in the moderation queue.\n\n"
        f"{reverse('moderation:clinic', args=[clinic.pk])}",
    )
