"""A listing as plain data (issue 15): what a working copy started from, what approval merges,
what a revert restores, what a moderator reviews.

`listing_state(clinic)` reads a listing's content, never its workflow state, with its
locations and everything under them, into JSON-compatible dicts and lists:

    {"clinic": {field: value, ..., "memberships": [ids]},
     "locations": {key: {field: value, ...,
                         "conditions": [ids], "payment_options": [ids], "languages": [ids],
                         "insurance": [[payer id, route id or None], ...],
                         "hours": [[weekday, "09:00:00", "17:00:00"], ...],
                         "offerings": {route id: {field: value}}}},
     "clinicians": {name: {field: value}}}

Keys are strings, so a state survives a round trip through JSON (Clinic.draft_base). A
location's key is its id; in a working copy it is the id of the published location it edits,
or "new-<id>" for one the copy adds, so the copy and the published listing line up. Lists
stand for sets: they are sorted and hold each item once.
"""

import datetime
import decimal
import hashlib
import json
import uuid

from django.db.models import Prefetch

from clinics.models import (
    MASK_FIELDS,
    Clinic,
    Clinician,
    Location,
    Offering,
)

# Fields about the listing's workflow, not its content: never copied, merged or reverted.
CLINIC_WORKFLOW_FIELDS = {
    "id", "slug", "status", "verified_at", "import_source", "import_ref", "created_at",
    "updated_at", "draft_of", "draft_base", "review_note", "review_claimed_by",
    "review_claimed_at", "flagged_stale_at", "staff_confirmed_on", "confirmation_asked_at",
}  # fmt: skip
# Not content: identity, workflow and the masks (derived from offerings and payers on save).
LOCATION_WORKFLOW_FIELDS = {
    "id", "clinic", "draft_of", "import_ref", "created_at", "updated_at", *MASK_FIELDS,
}  # fmt: skip
OFFERING_KEY_FIELDS = {"id", "location", "route"}
CLINICIAN_KEY_FIELDS = {"id", "clinic"}

LOCATION_M2M = ["conditions", "payment_options", "languages"]
# The parts of a record that are sets (merged item by item) and collections of records.
SETS = {"clinic": ["memberships"], "location": [*LOCATION_M2M, "insurance", "hours"]}
COLLECTIONS = {"clinic": {}, "location": {"offerings": "offering"}}


def _content(model, excluded):
    return [f for f in model._meta.concrete_fields if f.name not in excluded]


def clinic_content_fields():
    return _content(Clinic, CLINIC_WORKFLOW_FIELDS)


def location_content_fields():
    return _content(Location, LOCATION_WORKFLOW_FIELDS)


def offering_fields():
    return _content(Offering, OFFERING_KEY_FIELDS)


def clinician_fields():
    return _content(Clinician, CLINICIAN_KEY_FIELDS)


def plain(value):
    """A field's value as JSON keeps it (dates and times as ISO text)."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def record(obj, fields):
    """{attname: plain value} of `obj` (a model instance or a historical record)."""
    return {f.attname: plain(getattr(obj, f.attname)) for f in fields}


def as_set(items):
    """A list standing for a set: each item once, in a stable order."""
    unique = {json.dumps(item): item for item in items}
    return [unique[key] for key in sorted(unique)]


def insurance_item(acceptance):
    return [acceptance.payer_id, acceptance.route_id]


def hours_item(hours):
    return [hours.weekday, plain(hours.opens), plain(hours.closes)]


def clinician_keys(clinicians):
    """(key, clinician) pairs: the name, with " #2", " #3" for a name given twice."""
    seen = {}
    for clinician in clinicians:
        seen[clinician.name] = seen.get(clinician.name, 0) + 1
        count = seen[clinician.name]
        yield (clinician.name if count == 1 else f"{clinician.name} #{count}"), clinician


def location_key_of(clinic):
    """How `clinic`'s locations are keyed: by the published location a copy's one edits."""
    if clinic.draft_of_id:
        return lambda loc: str(loc.draft_of_id) if loc.draft_of_id else f"new-{loc.pk}"
    return lambda loc: str(loc.pk)


def location_record(loc, *, offerings, acceptances, hours, m2m):
    """A location's state from its row and the rows under it (live or historical)."""
    data = record(loc, location_content_fields())
    for name in LOCATION_M2M:
        data[name] = sorted(set(m2m[name]))
    data["insurance"] = as_set(insurance_item(a) for a in acceptances)
    data["hours"] = as_set(hours_item(h) for h in hours)
    data["offerings"] = {str(o.route_id): record(o, offering_fields()) for o in offerings}
    return data


def listing_state(clinic):
    """The state of `clinic` as it is stored now (see the module docstring)."""
    clinic = (
        Clinic.objects.filter(pk=clinic.pk)
        .prefetch_related(
            "memberships",
            Prefetch(
                "locations",
                queryset=Location.objects.order_by("pk").prefetch_related(
                    "offerings", "payer_acceptances", "hours", *LOCATION_M2M
                ),
            ),
            Prefetch("clinicians", queryset=Clinician.objects.order_by("pk")),
        )
        .get()
    )
    key = location_key_of(clinic)
    data = record(clinic, clinic_content_fields())
    data["memberships"] = sorted(m.pk for m in clinic.memberships.all())
    locations = {}
    for loc in clinic.locations.all():
        locations[key(loc)] = location_record(
            loc,
            offerings=loc.offerings.all(),
            acceptances=loc.payer_acceptances.all(),
            hours=loc.hours.all(),
            m2m={name: [o.pk for o in getattr(loc, name).all()] for name in LOCATION_M2M},
        )
    clinicians = {
        name: record(clinician, clinician_fields())
        for name, clinician in clinician_keys(clinic.clinicians.all())
    }
    return {"clinic": data, "locations": locations, "clinicians": clinicians}


def fingerprint(*states):
    """A short digest of states: the "version" a moderator saw, checked again on a decision."""
    text = json.dumps(states, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


# The listing fields behind each fact a Verification names (issue 15.10).
FACT_FIELDS = {
    "phone": {"clinic": ["phone", "phone_extension"], "location": ["phone", "phone_extension"]},
    "website": {"clinic": ["website", "booking_url"]},
    "npi": {"clinic": ["npi"]},
    "rems": {"clinic": ["rems_certified"]},
    "address": {"location": ["address_line1", "address_line2", "city", "state", "postal_code"]},
    "hours": {"location": ["hours"]},
    "prices": {"location": ["offerings"]},
    "accepting": {"clinic": ["accepting_new_patients"]},
}


def facts_changed(before, after):
    """The facts (Verification.Fact values) whose fields differ between two states.

    Against an empty `before` (a new listing), the facts the listing states at all.
    """
    changed = set()
    keys = set(before["locations"]) | set(after["locations"])
    for fact, parts in FACT_FIELDS.items():
        for name in parts.get("clinic", []):
            if before["clinic"].get(name) != after["clinic"].get(name):
                changed.add(fact)
        for name in parts.get("location", []):
            for key in keys:
                old = (before["locations"].get(key) or {}).get(name)
                new = (after["locations"].get(key) or {}).get(name)
                if old != new and new not in (None, "", [], {}):
                    changed.add(fact)
    return sorted(changed)


def renew_fact_dates(target, before, after, on):
    """Date today (`on`) in `target` the dated facts that `after` changed against `before`.

    Accepting new patients (Clinic.accepting_as_of) and each offering's prices
    (Offering.prices_as_of) carry the date they were last set or confirmed (issue 14.4). An
    approval passes the merged state as `target`, the copy's base and the staff's copy as
    `before` and `after`: only what the staff changed is dated anew, and the listing's
    `verified_at` (a moderator's check) is left alone. A new listing passes EMPTY as `before`.
    """
    on = on.isoformat()
    clinic = target["clinic"]
    accepting = "accepting_new_patients"
    if before["clinic"].get(accepting) != after["clinic"].get(accepting):
        clinic["accepting_as_of"] = on if clinic.get(accepting) is not None else None
    for key, location in target["locations"].items():
        old_offerings = (before["locations"].get(key) or {}).get("offerings", {})
        new_offerings = (after["locations"].get(key) or {}).get("offerings", {})
        for route, offering in location["offerings"].items():
            old, new = old_offerings.get(route) or {}, new_offerings.get(route)
            if new is None or all(old.get(n) == new.get(n) for n in Offering.PRICE_FIELDS):
                continue
            has_price = any(offering.get(n) is not None for n in Offering.PRICE_FIELDS)
            offering["prices_as_of"] = on if has_price else None
