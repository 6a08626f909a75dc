"""Writing an import: clinics matched by (source, clinic_id), locations by (clinic, location_id).

A second run of the same file changes nothing. Writes are batched (clinics.bulk: executemany
inserts, bulk_update) and every change gets a history record with the same shape
simple-history gives a save(), many-to-many snapshots included, with the change reason
"CSV import (<source>)". Status is set when a clinic is created (pending, or published with
`--publish`); moderation owns it afterwards. Locations missing from a file are left alone.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify

from clinics.bulk import (
    BATCH_SIZE,
    as_instance,
    delete_with_history,
    draft,
    insert_links,
    insert_objects,
    load_drafts,
    record_history,
    rows_with,
)
from clinics.importing.columns import CLINIC_BOOLEAN_FIELDS, CLINIC_TEXT_FIELDS, LOCATION_FIELDS
from clinics.models import (
    Clinic,
    Location,
    Offering,
    PayerAcceptance,
    refresh_masks,
    touch_listings,
)

LOCATION_M2M = {
    "conditions": "condition_id",
    "payment_options": "paymentoption_id",
    "languages": "language_id",
}


@dataclass(frozen=True)
class Batch:
    """Who writes and why, stamped on every history record of one import."""

    reason: str
    user: object
    date: object

    def history(self, model, objects, history_type):
        record_history(
            model, objects, history_type, reason=self.reason, user=self.user, date=self.date
        )

    def delete(self, model, objects):
        delete_with_history(model, objects, reason=self.reason, user=self.user)


def write(parsed_clinics, reference, report, *, source_name, publish, user):
    """Write the parsed clinics, their locations and what hangs off them; count into `report`."""
    batch = Batch(reason=f"CSV import ({source_name})", user=user, date=timezone.now())
    clinics, created = write_clinics(
        parsed_clinics, report, batch, source_name=source_name, publish=publish
    )
    stored = StoredLocations.load([c.pk for c in clinics.values() if c.pk not in created])
    plan = plan_locations(parsed_clinics, clinics, stored, reference, report, batch)
    insert_objects(Location, plan.new, key=("clinic_id", "import_ref"))
    if plan.changed:
        Location.objects.bulk_update(
            [as_instance(Location, loc) for loc in plan.changed],
            [*LOCATION_FIELDS, "updated_at"],
            batch_size=BATCH_SIZE,
        )
    changes = ChildChanges()
    for location, parsed_location, state, wanted in plan.pending:
        changes.diff_m2m(location, state, wanted)
        changes.diff_offerings(location, parsed_location, stored, reference)
        changes.diff_acceptances(location, parsed_location, stored, reference)
    write_children(plan, changes, batch)
    touch_changed(plan, changes, batch)
    count_locations(report, plan, changes)


def touch_changed(plan, changes, batch):
    """Bulk writes send no signals: a location whose prices, insurance or links changed (and
    nothing of its own row) is dated by the import too (issue 12.9)."""
    dated = {location.pk for location in (*plan.new, *plan.changed)}
    touch_listings(location_ids=changes.locations - dated, at=batch.date)


# Clinics ---------------------------------------------------------------------------------


def write_clinics(parsed_clinics, report, batch, *, source_name, publish):
    """({clinic_id: clinic row}, {pks created now}) after creating and updating the clinics."""
    refs = {c.ref for c in parsed_clinics}
    existing = {}
    for clinic in load_drafts(Clinic, Clinic.objects.listings().filter(import_source=source_name)):
        if clinic.import_ref in refs:
            existing[clinic.import_ref] = clinic
    new_clinics, changed_clinics = [], []
    for parsed in parsed_clinics:
        clinic = existing.get(parsed.ref)
        if clinic is None:
            clinic = draft(
                Clinic,
                import_source=source_name,
                import_ref=parsed.ref,
                status=Clinic.Status.PUBLISHED if publish else Clinic.Status.PENDING,
                created_at=batch.date,
                updated_at=batch.date,
            )
            apply_clinic_values(clinic, parsed, creating=True, batch=batch)
            new_clinics.append(clinic)
        elif apply_clinic_values(clinic, parsed, creating=False, batch=batch):
            clinic.updated_at = batch.date
            changed_clinics.append(clinic)
        else:
            report.clinics.unchanged += 1
        existing[parsed.ref] = clinic
    if new_clinics:
        taken = set(Clinic.objects.values_list("slug", flat=True))
        for clinic, slug in zip(
            new_clinics, unique_slugs([c.name for c in new_clinics], taken), strict=True
        ):
            clinic.slug = slug
        insert_objects(Clinic, new_clinics, key=("import_ref",), import_source=source_name)
        batch.history(Clinic, new_clinics, "+")
    if changed_clinics:
        fields = [*CLINIC_TEXT_FIELDS.values(), *CLINIC_BOOLEAN_FIELDS.values()]
        fields += [*Clinic.PSYCHOTHERAPY_FIELDS, "accepting_as_of", "updated_at"]
        Clinic.objects.bulk_update(
            [as_instance(Clinic, c) for c in changed_clinics], fields, batch_size=BATCH_SIZE
        )
        batch.history(Clinic, changed_clinics, "~")
    report.clinics.created += len(new_clinics)
    report.clinics.updated += len(changed_clinics)
    return existing, {c.pk for c in new_clinics}


def unique_slugs(names, taken):
    """A slug per new clinic, unique against the database and each other."""
    slugs = []
    for name in names:
        base = slugify(name)[:180] or "clinic"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def date_accepting(clinic, before, batch):
    """An `accepting` answer the file set (changed) is dated by the import (issue 14.4)."""
    if clinic.accepting_new_patients != before:
        stated = clinic.accepting_new_patients is not None
        clinic.accepting_as_of = timezone.localdate(batch.date) if stated else None


def apply_clinic_values(clinic, parsed, *, creating, batch):
    """Set the clinic-level columns; returns True when something changed."""
    changed = False
    accepting_before = clinic.accepting_new_patients

    def assign(name, value):
        nonlocal changed
        if getattr(clinic, name) != value:
            setattr(clinic, name, value)
            changed = True

    for column, name in CLINIC_TEXT_FIELDS.items():
        value = parsed.values.get(column, ("", 0))[0]
        assign(name, value)
    for column, name in CLINIC_BOOLEAN_FIELDS.items():
        if column in parsed.values:
            assign(name, parsed.values[column][0])
    if "psychotherapy" in parsed.values:
        # The column is Clinic.offers_psychotherapy: yes keeps whichever kinds are set (KAP
        # in house when none is), no clears them all.
        if parsed.values["psychotherapy"][0]:
            if not any(getattr(clinic, name) for name in Clinic.PSYCHOTHERAPY_FIELDS):
                assign("offers_kap", True)
        else:
            for name in Clinic.PSYCHOTHERAPY_FIELDS:
                assign(name, False)
    date_accepting(clinic, accepting_before, batch)
    return changed and not creating


# Locations -------------------------------------------------------------------------------


def empty_m2m():
    return {name: set() for name in LOCATION_M2M}


@dataclass
class StoredLocations:
    """The imported locations of the clinics that existed, with what hangs off them."""

    locations: dict = field(default_factory=dict)  # (clinic id, import ref) -> location
    m2m: dict = field(default_factory=lambda: defaultdict(empty_m2m))  # id -> {name: ids}
    offerings: dict = field(default_factory=lambda: defaultdict(dict))  # id -> {route id: row}
    acceptances: dict = field(default_factory=lambda: defaultdict(list))  # id -> [row]

    @classmethod
    def load(cls, clinic_ids):
        stored = cls()
        for location in load_drafts(
            Location, Location.objects.exclude(import_ref=""), "clinic_id", clinic_ids
        ):
            stored.locations[(location.clinic_id, location.import_ref)] = location
        ids = [loc.pk for loc in stored.locations.values()]
        for name, other in LOCATION_M2M.items():
            through = getattr(Location, name).through
            for location_id, other_id in rows_with(
                through.objects.all(), "location_id", ids, other
            ):
                stored.m2m[location_id][name].add(other_id)
        for offering in load_drafts(Offering, Offering.objects.all(), "location_id", ids):
            stored.offerings[offering.location_id][offering.route_id] = offering
        for acceptance in load_drafts(
            PayerAcceptance, PayerAcceptance.objects.all(), "location_id", ids
        ):
            stored.acceptances[acceptance.location_id].append(acceptance)
        return stored


@dataclass
class LocationPlan:
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    pending: list = field(default_factory=list)  # (location, parsed, stored m2m, wanted m2m)


def plan_locations(parsed_clinics, clinics, stored, reference, report, batch):
    """Which locations are new, which changed, and every location's wanted many-to-many."""
    plan = LocationPlan()
    for parsed in parsed_clinics:
        clinic = clinics[parsed.ref]
        for parsed_location in parsed.locations:
            wanted = {
                "conditions": {reference.conditions[s] for s in parsed_location.conditions},
                "payment_options": {
                    reference.payment_options[s] for s in parsed_location.payment_options
                },
                "languages": {reference.languages[s] for s in parsed_location.languages},
            }
            location = stored.locations.get((clinic.pk, parsed_location.ref))
            if location is None:
                location = draft(
                    Location,
                    clinic_id=clinic.pk,
                    import_ref=parsed_location.ref,
                    created_at=batch.date,
                    updated_at=batch.date,
                    **parsed_location.fields,
                )
                plan.new.append(location)
                state, change = empty_m2m(), "created"
            else:
                state = stored.m2m[location.pk]
                change = update_location(location, parsed_location, state, wanted)
            if parsed_location.geocoded and change:
                report.locations.geocoded += 1
            plan.pending.append((location, parsed_location, state, wanted))
            if change == "updated":
                location.updated_at = batch.date
                plan.changed.append(location)
    return plan


def update_location(location, parsed_location, state, wanted):
    """Copy the file's fields onto a stored location: "updated", or None when all matched."""
    change = None
    for name in LOCATION_FIELDS:
        if getattr(location, name) != parsed_location.fields[name]:
            setattr(location, name, parsed_location.fields[name])
            change = "updated"
    if state != wanted:
        change = "updated"
    return change


# What hangs off the locations ------------------------------------------------------------


@dataclass
class ChildChanges:
    """Many-to-many rows, offerings and payers, diffed against what is stored."""

    through_adds: dict = field(default_factory=lambda: defaultdict(list))
    through_removals: dict = field(default_factory=lambda: defaultdict(list))
    new_offerings: list = field(default_factory=list)
    changed_offerings: list = field(default_factory=list)
    gone_offerings: list = field(default_factory=list)
    new_acceptances: list = field(default_factory=list)
    gone_acceptances: list = field(default_factory=list)
    locations: set = field(default_factory=set)  # ids of locations whose children changed

    def diff_m2m(self, location, state, wanted):
        for name in LOCATION_M2M:
            for other_id in wanted[name] - state[name]:
                self.through_adds[name].append((location.pk, other_id))
            for other_id in state[name] - wanted[name]:
                self.through_removals[name].append((location.pk, other_id))

    def diff_offerings(self, location, parsed_location, stored, reference):
        held = stored.offerings.get(location.pk, {})
        for slug, (low, high) in parsed_location.offerings.items():
            route_id = reference.routes[slug]
            offering = held.get(route_id)
            if offering is None:
                self.new_offerings.append(
                    draft(
                        Offering,
                        location_id=location.pk,
                        route_id=route_id,
                        price_min_usd=low,
                        price_max_usd=high,
                    )
                )
                self.locations.add(location.pk)
            elif (offering.price_min_usd, offering.price_max_usd) != (low, high):
                offering.price_min_usd, offering.price_max_usd = low, high
                self.changed_offerings.append(offering)
                self.locations.add(location.pk)
        wanted_routes = {reference.routes[s] for s in parsed_location.offerings}
        for route_id, offering in held.items():
            if route_id not in wanted_routes:
                self.gone_offerings.append(offering)
                self.locations.add(location.pk)

    def diff_acceptances(self, location, parsed_location, stored, reference):
        acceptances = stored.acceptances.get(location.pk, [])
        wanted_payers = {reference.payers[s] for s in parsed_location.payers}
        held = {a.payer_id for a in acceptances}
        for payer_id in sorted(wanted_payers - held):
            self.new_acceptances.append(
                draft(PayerAcceptance, location_id=location.pk, payer_id=payer_id)
            )
            self.locations.add(location.pk)
        for acceptance in acceptances:
            if acceptance.payer_id not in wanted_payers:
                self.gone_acceptances.append(acceptance)
                self.locations.add(location.pk)


def write_children(plan, changes, batch):
    """Write the many-to-many rows, offerings and payers, then every history record."""
    for name, pairs in changes.through_removals.items():
        through = getattr(Location, name).through
        other = getattr(Location, name).field.m2m_reverse_field_name()
        by_location = defaultdict(list)
        for location_id, other_id in pairs:
            by_location[location_id].append(other_id)
        for location_id, other_ids in by_location.items():
            through.objects.filter(
                location_id=location_id, **{f"{other}_id__in": other_ids}
            ).delete()
    for name, pairs in changes.through_adds.items():
        insert_links(getattr(Location, name), pairs)

    # Location history after the m2m rows, so each record's snapshot shows the new state.
    batch.history(Location, plan.new, "+")
    batch.history(Location, plan.changed, "~")

    # Prices the file set are dated by the import (issue 14.4); unchanged ones keep theirs.
    for offering in (*changes.new_offerings, *changes.changed_offerings):
        stated = offering.price_min_usd is not None or offering.price_max_usd is not None
        offering.prices_as_of = timezone.localdate(batch.date) if stated else None
    insert_objects(Offering, changes.new_offerings, key=("location_id", "route_id"))
    batch.history(Offering, changes.new_offerings, "+")
    if changes.changed_offerings:
        Offering.objects.bulk_update(
            [as_instance(Offering, o) for o in changes.changed_offerings],
            ["price_min_usd", "price_max_usd", "prices_as_of"],
            batch_size=BATCH_SIZE,
        )
        batch.history(Offering, changes.changed_offerings, "~")
    batch.delete(Offering, changes.gone_offerings)
    insert_objects(
        PayerAcceptance, changes.new_acceptances, key=("location_id", "payer_id", "route_id")
    )
    batch.history(PayerAcceptance, changes.new_acceptances, "+")
    batch.delete(PayerAcceptance, changes.gone_acceptances)
    # Bulk writes send no signals: the route and insurance filters' bits follow here.
    refresh_masks(
        {
            row.location_id
            for row in (
                *changes.new_offerings,
                *changes.gone_offerings,
                *changes.new_acceptances,
                *changes.gone_acceptances,
            )
        }
    )


def count_locations(report, plan, changes):
    """A location whose offerings or payers changed counts as updated."""
    counted = {loc.pk for loc in plan.changed}
    new_ids = {loc.pk for loc in plan.new}
    extra = changes.locations - counted - new_ids
    report.locations.created += len(plan.new)
    report.locations.updated += len(plan.changed) + len(extra)
    report.locations.unchanged += len(plan.pending) - len(plan.new) - len(plan.changed) - len(extra)
