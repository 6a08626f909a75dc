"""Possible duplicate listings (issue 5), for moderators to review, merge or dismiss.

Two clinics are flagged when they share an organisation NPI, when a location of each has the
same normalised name and address, or when a location of each stands within 100 m of the other
and the clinic names are similar (the rules of clinics.sites). A pair a moderator dismissed
as not duplicates (DuplicateDismissal, issue 15.3) is not suggested again.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain

from django.db import transaction
from django.utils import timezone

from clinics.models import Clinic, DuplicateDismissal, Location
from clinics.sites import (
    LAT_CELL,
    LNG_CELL,
    NEARBY_METRES,
    metres_between,
    names_are_similar,
    normalise_address,
    normalise_name,
)


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
    locations = list(
        Location.objects.filter(clinic_id__in=list(clinics)).values_list(
            "clinic_id", "address_line1", "postal_code", "latitude", "longitude"
        )
    )
    dismissed = set(DuplicateDismissal.objects.values_list("first_id", "second_id"))
    reasons = defaultdict(list)
    for a, b, reason in chain(
        same_npi(clinics),
        same_name_and_address(clinics, locations),
        near_with_similar_names(clinics, locations),
    ):
        key = (min(a, b), max(a, b))
        if a != b and key not in dismissed and reason not in reasons[key]:
            reasons[key].append(reason)
    pairs = [DuplicatePair(clinics[a], clinics[b], found) for (a, b), found in reasons.items()]
    pairs.sort(key=lambda pair: (-len(pair.reasons), pair.first.name, pair.first.pk))
    return pairs


def pairs_of(ids):
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            yield a, b


def same_npi(clinics):
    by_npi = defaultdict(list)
    for clinic in clinics.values():
        if clinic.npi:
            by_npi[clinic.npi].append(clinic.pk)
    for npi, ids in by_npi.items():
        for a, b in pairs_of(ids):
            yield a, b, f"same NPI {npi}"


def same_name_and_address(clinics, locations):
    by_address = defaultdict(list)
    for clinic_id, line1, postal_code, _latitude, _longitude in locations:
        name = normalise_name(clinics[clinic_id].name)
        key = (name, normalise_address(line1), (postal_code or "")[:5])
        by_address[key].append(clinic_id)
    for (_, line1, postal_code), ids in by_address.items():
        for a, b in pairs_of(sorted(set(ids))):
            yield a, b, f"same name and address ({line1}, {postal_code})"


def near_with_similar_names(clinics, locations):
    """Locations of two clinics within NEARBY_METRES, found cell by cell of a grid."""
    cells = defaultdict(list)
    for clinic_id, _line1, _postal_code, latitude, longitude in locations:
        if latitude is not None and longitude is not None:
            cell = (math.floor(latitude / LAT_CELL), math.floor(longitude / LNG_CELL))
            cells[cell].append((clinic_id, latitude, longitude))
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
                metres = metres_between(latitude, longitude, other_lat, other_lng)
                if metres <= NEARBY_METRES and names_are_similar(
                    clinics[clinic_id].name, clinics[other_id].name
                ):
                    yield clinic_id, other_id, f"{metres:.0f} m apart with similar names"


@transaction.atomic
def duplicate_dismiss(*, first, second, moderator, note=""):
    """A moderator says two clinics are not duplicates: the pair is not suggested again."""
    a, b = sorted([first.pk, second.pk])
    if a == b:
        raise ValueError("Choose two different clinics.")
    dismissal, _ = DuplicateDismissal.objects.get_or_create(
        first_id=a,
        second_id=b,
        defaults={"dismissed_by": moderator, "dismissed_at": timezone.now(), "note": note},
    )
    return dismissal
