"""Folding two locations of the same site into one when two clinics merge (issue 15.3).

When the merged clinic has a location at the same site as one of the kept clinic's
(clinics.sites.same_site), the two become one location: the kept location stays, with what
the merged one adds (offerings of other routes, insurance, opening hours on other days,
conditions, payment options, languages, and the fields it left blank). Where both say
something different, that is a conflict: the kept value stays unless the moderator chose the
merged one on the confirmation page (`choices[conflict.id] == "merged"`). Rows are moved,
not copied, so their history follows them; what is superseded is deleted with a record.
"""

from dataclasses import dataclass, field

from clinics.moderation.copying import noted
from clinics.moderation.state import LOCATION_M2M, location_content_fields, offering_fields, plain
from clinics.sites import Place, normalise_address, same_site

MERGED = "merged"
# The site itself: never taken from the merged location (its coordinates follow its address).
SITE_FIELDS = {"latitude", "longitude", "coordinates_source"}
ADDRESS_FIELDS = {"address_line1", "address_line2"}


@dataclass
class FoldConflict:
    id: str
    label: str
    kept: str
    merged: str


@dataclass
class Fold:
    """One location of the merged clinic (`source`) folded into one of the kept (`target`)."""

    source: object
    target: object
    reason: str
    conflicts: list = field(default_factory=list)


def _hours_by_day(location):
    days = {}
    for hours in location.hours.all():
        days.setdefault(hours.weekday, []).append(hours)
    return days


def _hours_text(hours):
    return ", ".join(f"{h.opens:%H:%M}–{h.closes:%H:%M}" for h in hours)


def _conflicts(source, target):
    found = []
    for f in location_content_fields():
        if f.name in SITE_FIELDS:
            continue
        kept, merged = getattr(target, f.attname), getattr(source, f.attname)
        if f.name in ADDRESS_FIELDS and normalise_address(kept) == normalise_address(merged):
            continue  # "100 Main Street" and "100 Main St." say the same
        if kept not in (None, "") and merged not in (None, "") and kept != merged:
            found.append(
                FoldConflict(f"{source.pk}:{f.attname}", str(f.verbose_name), kept, merged)
            )
    kept_offers = {o.route_id: o for o in target.offerings.all()}
    for offer in source.offerings.all():
        other = kept_offers.get(offer.route_id)
        fields = offering_fields()
        if other and any(
            plain(getattr(offer, f.attname)) != plain(getattr(other, f.attname)) for f in fields
        ):
            found.append(
                FoldConflict(
                    f"{source.pk}:offering:{offer.route_id}",
                    f"offering: {offer.route}",
                    f"{other.price_label}, {other.session_minutes or '—'} min",
                    f"{offer.price_label}, {offer.session_minutes or '—'} min",
                )
            )
    kept_days = _hours_by_day(target)
    for day, hours in _hours_by_day(source).items():
        kept = kept_days.get(day)
        if kept and _hours_text(kept) != _hours_text(hours):
            label = f"opening hours: {hours[0].get_weekday_display()}"
            found.append(
                FoldConflict(
                    f"{source.pk}:hours:{day}", label, _hours_text(kept), _hours_text(hours)
                )
            )
    return found


def plan_folds(source, target):
    """Which locations of `source` fold into which of `target`, and the conflicts of each."""
    targets = list(target.locations.all())
    folds, used = [], set()
    for loc in source.locations.all():
        for other in targets:
            reason = other.pk not in used and same_site(
                Place.of(loc, name=loc.name or source.name),
                Place.of(other, name=other.name or target.name),
            )
            if reason:
                used.add(other.pk)
                folds.append(Fold(loc, other, reason, _conflicts(loc, other)))
                break
    return folds


def fold_location(fold, *, choices, user, reason):
    """Carry out one fold: the kept location takes what the merged one adds, which goes."""
    source, target = fold.source, fold.target
    take = {c.id for c in fold.conflicts if (choices or {}).get(c.id) == MERGED}
    _fold_fields(source, target, take)
    noted(target, user, reason).save()
    for name in LOCATION_M2M:
        getattr(target, name).add(*getattr(source, name).all())
    _fold_offerings(source, target, take, user, reason)
    kept_payers = {(p.payer_id, p.route_id) for p in target.payer_acceptances.all()}
    for acceptance in source.payer_acceptances.all():
        if (acceptance.payer_id, acceptance.route_id) in kept_payers:
            noted(acceptance, user, reason).delete()
        else:
            acceptance.location = target
            noted(acceptance, user, reason).save()
    _fold_hours(source, target, take, user, reason)
    noted(source, user, f"Folded into location #{target.pk}: {reason}"[:100]).delete()


def _fold_fields(source, target, take):
    for f in location_content_fields():
        merged = getattr(source, f.attname)
        if f.name in SITE_FIELDS or merged in (None, ""):
            continue
        if getattr(target, f.attname) in (None, "") or f"{source.pk}:{f.attname}" in take:
            setattr(target, f.attname, merged)
    # The kept location answers to the merged one's source id, so a re-import of that source
    # updates it instead of bringing the folded location back.
    ref = source.import_ref
    if (
        ref
        and not target.import_ref
        and not target.clinic.locations.filter(import_ref=ref).exists()
    ):
        target.import_ref = ref


def _fold_offerings(source, target, take, user, reason):
    kept_offers = {o.route_id: o for o in target.offerings.all()}
    for offer in source.offerings.all():
        kept = kept_offers.get(offer.route_id)
        if kept is not None and f"{source.pk}:offering:{offer.route_id}" not in take:
            noted(offer, user, reason).delete()
            continue
        if kept is not None:
            noted(kept, user, reason).delete()
        offer.location = target
        noted(offer, user, reason).save()


def _fold_hours(source, target, take, user, reason):
    kept_days = _hours_by_day(target)
    for day, hours in _hours_by_day(source).items():
        move = day not in kept_days or f"{source.pk}:hours:{day}" in take
        for old in kept_days.get(day, []) if move else []:
            noted(old, user, reason).delete()
        for row in hours:
            if move:
                row.location = target
                noted(row, user, reason).save()
            else:
                noted(row, user, reason).delete()
