"""Reverting a listing to how it was after one change set (issue 15.1), never losing a row.

The listing as it was at a moment comes from the historical tables of the clinic, its
locations, offerings, insurance, hours and clinicians (`state_as_of`). A row the history
knows nothing about then (no record up to that moment: written without history, or moved in
from another listing since) is kept as it is now, and the plan says so; only rows whose
history shows they were created afterwards are removed. The moderator sees the plan (what
will change, what is kept) and confirms it; `clinic_revert` refuses a plan that no longer
matches the listing.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinics.models import Clinic, Clinician, Location, Offering, OpeningHours, PayerAcceptance
from clinics.moderation.copying import Writer, apply_state
from clinics.moderation.diff import Describer
from clinics.moderation.errors import ModerationError
from clinics.moderation.state import (
    as_set,
    clinic_content_fields,
    clinician_fields,
    clinician_keys,
    fingerprint,
    hours_item,
    insurance_item,
    listing_state,
    location_record,
    offering_fields,
    record,
)

M2M_COLUMNS = {
    "conditions": "condition_id",
    "payment_options": "paymentoption_id",
    "languages": "language_id",
}


def latest_records(history_manager, *, as_of, **filters):
    """The latest historical record of each object at `as_of`, leaving out deleted ones.

    Candidates are the objects that ever matched `filters`; the match is checked again on
    their latest record, so a location moved to another clinic by then is left out.
    """
    earlier = history_manager.filter(history_date__lte=as_of)
    ids = earlier.filter(**filters).values("id")
    records = earlier.filter(id__in=ids).latest_of_each()
    return [
        r
        for r in records
        if r.history_type != "-" and all(getattr(r, k) == v for k, v in filters.items())
    ]


def _created_after(model, ids, as_of):
    """Which of these rows the history shows were created after `as_of`."""
    return set(
        model.history.filter(id__in=ids, history_type="+", history_date__gt=as_of).values_list(
            "id", flat=True
        )
    )


@dataclass
class RevertPlan:
    """What reverting to `as_of` would do: the state to write and the rows kept unknown."""

    clinic: Clinic
    as_of: object
    state: dict
    kept: list = field(default_factory=list)
    current: dict = field(default_factory=dict)

    @property
    def version(self):
        """The listing now and the state to write: a plan is carried out only as shown."""
        return fingerprint(self.current, self.state)

    def changes(self, describer=None):
        return (describer or Describer()).changes(self.current, self.state)


class _Planner:
    def __init__(self, clinic, as_of):
        self.clinic, self.as_of = clinic, as_of
        self.kept = []
        self.describer = Describer()

    def keep(self, what):
        self.kept.append(
            _("%(what)s: kept as it is now; the history has no record of it then.") % {"what": what}
        )

    def location(self, rec):
        """A location as it was (from its record), with current rows unknown to the history."""
        as_of = self.as_of
        data = location_record(
            rec,
            offerings=latest_records(Offering.history, as_of=as_of, location_id=rec.id),
            acceptances=latest_records(PayerAcceptance.history, as_of=as_of, location_id=rec.id),
            hours=latest_records(OpeningHours.history, as_of=as_of, location_id=rec.id),
            m2m={
                name: [getattr(row, column) for row in getattr(rec, name).all()]
                for name, column in M2M_COLUMNS.items()
            },
        )
        loc = Location.objects.filter(pk=rec.id, clinic=self.clinic).first()
        if loc is not None:
            self.unknown_children(loc, data)
        return data

    def unknown_children(self, loc, data):
        section = self.describer.location_section(data)
        as_of = self.as_of
        for model, items, key, add in (
            (Offering, loc.offerings.all(), lambda o: str(o.route_id), None),
            (PayerAcceptance, loc.payer_acceptances.all(), insurance_item, "insurance"),
            (OpeningHours, loc.hours.all(), hours_item, "hours"),
        ):
            rows = list(items)
            then_ids = {
                r.id for r in latest_records(model.history, as_of=as_of, location_id=loc.pk)
            }
            new = _created_after(model, [r.pk for r in rows], as_of)
            for row in rows:
                if row.pk in then_ids or row.pk in new:
                    continue
                if add is None:
                    if key(row) not in data["offerings"]:
                        data["offerings"][key(row)] = record(row, offering_fields())
                        self.keep(
                            _("%(section)s, offering %(route)s")
                            % {"section": section, "route": row.route}
                        )
                elif key(row) not in data[add]:
                    data[add] = as_set([*data[add], key(row)])
                    self.keep(f"{section}, {model._meta.verbose_name} {row}")

    def state(self):
        clinic, as_of = self.clinic, self.as_of
        version = (
            clinic.history.filter(history_date__lte=as_of)
            .order_by("-history_date", "-history_id")
            .first()
        )
        if version is None or version.history_type == "-":
            raise ModerationError(_("The listing did not exist then."))
        data = record(version, clinic_content_fields())
        data["memberships"] = sorted(m.professionalbody_id for m in version.memberships.all())

        current_locations = {str(loc.pk): loc for loc in clinic.locations.all()}
        locations = {}
        for rec in latest_records(Location.history, as_of=as_of, clinic_id=clinic.pk):
            locations[str(rec.id)] = self.location(rec)
        created = _created_after(Location, [int(k) for k in current_locations], as_of)
        now = listing_state(clinic)
        for key, loc in current_locations.items():
            if key not in locations and loc.pk not in created:
                locations[key] = now["locations"][key]
                self.keep(
                    _("Location %(address)s, %(city)s")
                    % {"address": loc.address_line1, "city": loc.city}
                )

        clinicians = {
            name: record(rec, clinician_fields())
            for name, rec in clinician_keys(
                sorted(
                    latest_records(Clinician.history, as_of=as_of, clinic_id=clinic.pk),
                    key=lambda r: r.id,
                )
            )
        }
        then_ids = {
            r.id for r in latest_records(Clinician.history, as_of=as_of, clinic_id=clinic.pk)
        }
        people = list(clinic.clinicians.order_by("pk"))
        new = _created_after(Clinician, [p.pk for p in people], as_of)
        for name, person in clinician_keys(people):
            if person.pk not in then_ids and person.pk not in new and name not in clinicians:
                clinicians[name] = now["clinicians"][name]
                self.keep(_("Clinician %(name)s") % {"name": person.name})
        return {"clinic": data, "locations": locations, "clinicians": clinicians}, now


def revert_plan(*, clinic, as_of):
    """What reverting `clinic` to how it was at `as_of` would write, and what it keeps."""
    planner = _Planner(clinic, as_of)
    state, now = planner.state()
    return RevertPlan(clinic=clinic, as_of=as_of, state=state, kept=planner.kept, current=now)


@transaction.atomic
def clinic_revert(*, clinic, as_of, user, seen_version=None):
    """Restore a listing, with its locations and everything under them, as it was at `as_of`.

    The workflow state (status, slug, verification) stays as it is now; the content comes
    back, and the revert itself is one more change set naming who reverted. Returns the plan.
    """
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    plan = revert_plan(clinic=clinic, as_of=as_of)
    if seen_version is not None and seen_version != plan.version:
        raise ModerationError(
            _(
                "The listing changed since you looked at this revert. "
                "Check what it will change again."
            )
        )
    reason = f"Reverted to the version of {timezone.localtime(as_of):%Y-%m-%d %H:%M:%S}"
    apply_state(clinic, plan.state, writer=Writer(user, reason))
    return plan
