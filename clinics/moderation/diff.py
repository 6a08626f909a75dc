"""What a moderator reads (issue 15.7): the changes between two listing states, with values.

Only what changed is shown, and every value in words: conditions, payment options, languages,
insurance, memberships by name, yes/no for booleans ("not stated" when the clinic did not say),
choices by their label. Conflicts of a three-way merge are described the same way.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinics.models import (
    Clinic,
    Clinician,
    Condition,
    Language,
    Location,
    Offering,
    OpeningHours,
    Payer,
    PaymentOption,
    ProfessionalBody,
    TreatmentRoute,
)
from clinics.moderation.state import COLLECTIONS, SETS, listing_state

MODELS = {"clinic": Clinic, "location": Location, "offering": Offering, "clinician": Clinician}
SET_MODELS = {
    "memberships": ProfessionalBody,
    "conditions": Condition,
    "payment_options": PaymentOption,
    "languages": Language,
}
# Shown elsewhere or derived: not a line of their own in a review. The dates of facts follow
# the facts (state.renew_fact_dates); a change of date alone is no change to review.
HIDDEN = {"coordinates_source", "accepting_as_of", "prices_as_of", "next_appointment_as_of"}
WEEKDAYS = dict(OpeningHours.Weekday.choices)
EMPTY = {"clinic": {}, "locations": {}, "clinicians": {}}
# The names of a listing's collections, as a moderator reads them.
COLLECTION_LABELS = {
    "memberships": gettext_lazy("memberships"),
    "conditions": gettext_lazy("conditions"),
    "payment_options": gettext_lazy("payment options"),
    "languages": gettext_lazy("languages"),
    "insurance": gettext_lazy("insurance accepted"),
    "hours": gettext_lazy("opening hours"),
    "offerings": gettext_lazy("offerings"),
}


class Describer:
    """Names for the ids in a state, read once per page (a handful of small tables)."""

    def __init__(self):
        self.names = {
            name: dict(model.objects.values_list("pk", "name"))
            for name, model in SET_MODELS.items()
        }
        self.payers = dict(Payer.objects.values_list("pk", "name"))
        self.routes = dict(TreatmentRoute.objects.values_list("pk", "name"))

    # -- single values -----------------------------------------------------------------

    def field(self, kind, name):
        fields = {f.attname: f for f in MODELS[kind]._meta.concrete_fields}
        return fields.get(name)

    def label(self, kind, name):
        if name in COLLECTION_LABELS:
            return str(COLLECTION_LABELS[name])
        field = self.field(kind, name)
        return str(field.verbose_name) if field else name

    def value(self, kind, name, value):
        if name in SET_MODELS:
            return ", ".join(sorted(self.names[name].get(i, f"#{i}") for i in value)) or _("none")
        if name == "insurance":
            return "; ".join(self.insurance(item) for item in value) or _("none")
        if name == "hours":
            return "; ".join(self.hours(item) for item in value) or _("none")
        field = self.field(kind, name)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if value is None:
            is_boolean = field is not None and field.get_internal_type() == "BooleanField"
            return _("Not stated") if is_boolean else "—"
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        return str(value) if value != "" else "—"

    def insurance(self, item):
        payer, route = item
        return f"{self.payers.get(payer, payer)} ({self.routes.get(route, _('all routes'))})"

    def hours(self, item):
        weekday, opens, closes = item
        return f"{WEEKDAYS.get(weekday, weekday)} {opens[:5]}–{closes[:5]}"

    def record(self, kind, data):
        """A whole record in one line: "lowest price: 450; session length: 60; ..."."""
        if data is None:
            return _("(none)")
        parts = []
        for name, value in data.items():
            if name in HIDDEN or name in COLLECTIONS.get(kind, {}):
                continue
            if value in (None, "", []) and name not in SETS.get(kind, []):
                continue
            parts.append(f"{self.label(kind, name)}: {self.value(kind, name, value)}")
        return "; ".join(parts) or _("(empty)")

    # -- sections ----------------------------------------------------------------------

    def location_section(self, *records):
        data = next((r for r in records if r), {})
        return _("Location: %(address)s, %(city)s") % {
            "address": data.get("address_line1", "?"),
            "city": data.get("city", "?"),
        }

    def where(self, path, *states):
        """(section, field) for a path into the states ("clinic", "phone") and so on."""
        head = path[0]
        if head == "clinic":
            return _("Clinic"), self.label("clinic", path[1])
        if head == "clinicians":
            return _("Clinicians"), path[1] if len(path) == 2 else f"{path[1]}: {path[2]}"
        key = path[1]
        section = self.location_section(*(s["locations"].get(key) for s in states if s))
        if len(path) == 2:
            return section, _("the whole location")
        if path[2] == "offerings":
            route = self.routes.get(int(path[3]), path[3])
            if len(path) == 4:
                return section, _("offering: %(route)s") % {"route": route}
            field = self.label("offering", path[4])
            return section, _("offering %(route)s: %(field)s") % {"route": route, "field": field}
        return section, self.label("location", path[2])

    # -- changes -----------------------------------------------------------------------

    def changes(self, before, after):
        """Rows {section, field, before, after} for what differs between two states."""
        rows = []
        self._record_rows(rows, "clinic", _("Clinic"), "", before["clinic"], after["clinic"])
        for key in [
            *before["locations"],
            *(k for k in after["locations"] if k not in before["locations"]),
        ]:
            old, new = before["locations"].get(key), after["locations"].get(key)
            section = self.location_section(new, old)
            if new is None:
                removed = _("removed")
                rows.append(
                    self._row(section, _("location"), self.record("location", old), removed)
                )
                continue
            old = old or {}
            self._record_rows(rows, "location", section, "", old, new)
            old_offers, new_offers = old.get("offerings", {}), new.get("offerings", {})
            for route in [*old_offers, *(r for r in new_offers if r not in old_offers)]:
                if _shown(old_offers.get(route)) != _shown(new_offers.get(route)):
                    label = _("offering: %(route)s") % {"route": self.routes.get(int(route), route)}
                    rows.append(
                        self._row(
                            section,
                            label,
                            self.record("offering", old_offers.get(route)),
                            self.record("offering", new_offers.get(route)),
                        )
                    )
        old_people, new_people = before["clinicians"], after["clinicians"]
        for name in [*old_people, *(n for n in new_people if n not in old_people)]:
            if old_people.get(name) != new_people.get(name):
                rows.append(
                    self._row(
                        _("Clinicians"),
                        name,
                        self.record("clinician", old_people.get(name)),
                        self.record("clinician", new_people.get(name)),
                    )
                )
        return rows

    def _record_rows(self, rows, kind, section, prefix, old, new):
        for name in [*old, *(n for n in new if n not in old)]:
            if name in HIDDEN or name in COLLECTIONS.get(kind, {}):
                continue
            empty = [] if name in SETS.get(kind, []) else None
            a, b = old.get(name, empty), new.get(name, empty)
            if a != b and not (not old and b in (None, "", [])):
                rows.append(
                    self._row(
                        section,
                        f"{prefix}{self.label(kind, name)}",
                        self.value(kind, name, a),
                        self.value(kind, name, b),
                    )
                )

    @staticmethod
    def _row(section, field, before, after):
        return {"section": section, "field": field, "before": before, "after": after}

    def conflict_value(self, path, value):
        kind, name = _kind_and_name(path)
        if name is None or isinstance(value, dict):
            return _("removed") if value is None else self.record(kind, value)
        return self.value(kind, name, value)

    def conflict_rows(self, conflicts, *states):
        """The conflicts of a three-way merge, described for the review page."""
        rows = []
        for conflict in conflicts:
            section, field = self.where(conflict.path, *states)
            rows.append(
                {
                    "id": conflict.id,
                    "section": section,
                    "field": field,
                    "base": self.conflict_value(conflict.path, conflict.base),
                    "published": self.conflict_value(conflict.path, conflict.published),
                    "staff": self.conflict_value(conflict.path, conflict.staff),
                    "choice": conflict.choice,
                }
            )
        return rows


def _shown(record):
    """A record without its hidden fields, to compare what a reader would see."""
    if record is None:
        return None
    return {name: value for name, value in record.items() if name not in HIDDEN}


def _kind_and_name(path):
    """The kind of record a conflict is in, and its field (None for a whole record)."""
    if path[0] == "clinic":
        return "clinic", path[1]
    if path[0] == "clinicians":
        return "clinician", path[2] if len(path) > 2 else None
    if len(path) > 2 and path[2] == "offerings":
        return "offering", path[4] if len(path) > 4 else None
    return "location", path[2] if len(path) > 2 else None


def listing_diff(clinic, describer=None):
    """What approving `clinic` would change compared with the published listing, if any."""
    describer = describer or Describer()
    before = listing_state(clinic.draft_of) if clinic.draft_of_id else EMPTY
    return describer.changes(before, listing_state(clinic))
