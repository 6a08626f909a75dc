"""The same site, said one way (issue 15.3): normalised names and addresses, and 100 m.

Two locations are the same site when their normalised street addresses and ZIP codes match,
or when they stand within 100 m of each other and their names are similar. The duplicate
finder and the merge (clinics.moderation) and the import's duplicate warnings
(`likely_duplicates`, clinics.importing) all read this module.
"""

import difflib
import math
import re
from dataclasses import dataclass

from django.db.models import Q

from clinics import geo
from clinics.models import Clinic, Location

NEARBY_METRES = 100
METRES_PER_MILE = 1609.344
NAME_SIMILARITY = 0.75
# Words that say nothing about which clinic it is.
NAME_NOISE = {"the", "llc", "inc", "pllc", "pc", "pa", "ltd", "corp", "co", "of", "and"}
ADDRESS_WORDS = {
    "street": "st", "avenue": "ave", "av": "ave", "boulevard": "blvd", "road": "rd",
    "drive": "dr", "lane": "ln", "court": "ct", "place": "pl", "parkway": "pkwy",
    "highway": "hwy", "suite": "ste", "north": "n", "south": "s", "east": "e", "west": "w",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip


def normalise_name(name):
    """ "The Harbor Ketamine Clinic, LLC" -> "harbor ketamine clinic"."""
    words = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and ")).split()
    return " ".join(word for word in words if word not in NAME_NOISE)


def normalise_address(line):
    """ "100 Sample Avenue, Suite 2" -> "100 sample ave ste 2"."""
    words = re.sub(r"[^a-z0-9 ]+", " ", (line or "").lower()).split()
    return " ".join(ADDRESS_WORDS.get(word, word) for word in words)


def names_are_similar(first, second):
    a, b = normalise_name(first or ""), normalise_name(second or "")
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted([set(a.split()), set(b.split())], key=len)
    if len(shorter) >= 2 and shorter <= longer:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def metres_between(lat1, lng1, lat2, lng2):
    return geo.miles_between(lat1, lng1, lat2, lng2) * METRES_PER_MILE


@dataclass(frozen=True)
class Place:
    """What the same-site rule reads of a location (stored or only proposed)."""

    name: str
    address_line1: str
    postal_code: str
    latitude: float | None = None
    longitude: float | None = None

    @classmethod
    def of(cls, location, name=None):
        return cls(
            name=name if name is not None else (location.name or location.clinic.name),
            address_line1=location.address_line1,
            postal_code=location.postal_code,
            latitude=location.latitude,
            longitude=location.longitude,
        )


def same_site(first, second):
    """Why two places are the same site ("same address ...", "40 m apart ..."), or ""."""
    line = normalise_address(first.address_line1)
    zip5 = (first.postal_code or "")[:5]
    if line and line == normalise_address(second.address_line1) and zip5 == second.postal_code[:5]:
        return f"same address ({line}, {zip5})"
    coordinates = (first.latitude, first.longitude, second.latitude, second.longitude)
    if None not in coordinates:
        metres = metres_between(*coordinates)
        if metres <= NEARBY_METRES and names_are_similar(first.name, second.name):
            return f"{metres:.0f} m apart with similar names"
    return ""


def likely_duplicates(*, name, address_line1, postal_code, latitude=None, longitude=None, npi=""):
    """Existing listings a new clinic may duplicate: [(clinic, reason)], for warnings.

    For the import's report (and any other form of a new listing): the same organisation NPI,
    or a location that is the same site (`same_site`). Working copies and archived listings
    are left out. Costs one or two queries, whatever the size of the directory.
    """
    place = Place(name, address_line1, postal_code or "", latitude, longitude)
    listings = Clinic.objects.listings().exclude(status=Clinic.Status.ARCHIVED)
    nearby = Q(postal_code__startswith=(postal_code or "")[:5]) if postal_code else Q(pk__in=[])
    if latitude is not None and longitude is not None:
        box = geo.bounding_box(latitude, longitude, NEARBY_METRES / METRES_PER_MILE)
        nearby |= Q(latitude__range=box[:2], longitude__range=box[2:])
    found = {}
    if npi:
        for clinic in listings.filter(npi=npi):
            found.setdefault(clinic.pk, (clinic, f"same NPI {npi}"))
    locations = Location.objects.filter(nearby, clinic__in=listings).select_related("clinic")
    for location in locations:
        reason = same_site(place, Place.of(location, name=location.clinic.name))
        if reason:
            found.setdefault(location.clinic_id, (location.clinic, reason))
    return list(found.values())


# Grid cells for finding places within NEARBY_METRES: 0.002 degrees of latitude is about
# 220 m; 0.005 degrees of longitude is wider than 100 m everywhere south of 79 degrees north.
LAT_CELL, LNG_CELL = 0.002, 0.005


def _cell(latitude, longitude):
    return (math.floor(latitude / LAT_CELL), math.floor(longitude / LNG_CELL))


class DuplicateIndex:
    """`likely_duplicates` for many new clinics at once (the import): the existing listings
    are read in two queries, then each question is answered in memory by the same rules."""

    def __init__(self):
        listings = Clinic.objects.listings().exclude(status=Clinic.Status.ARCHIVED)
        self.clinics = {c.pk: c for c in listings.only("pk", "name", "slug", "npi", "status")}
        self.by_npi, self.by_zip, self.by_cell = {}, {}, {}
        for clinic in self.clinics.values():
            if clinic.npi:
                self.by_npi.setdefault(clinic.npi, []).append(clinic.pk)
        rows = Location.objects.filter(clinic_id__in=list(self.clinics)).values_list(
            "clinic_id", "address_line1", "postal_code", "latitude", "longitude"
        )
        for clinic_id, line1, postal_code, latitude, longitude in rows:
            place = Place(
                self.clinics[clinic_id].name, line1, postal_code or "", latitude, longitude
            )
            self.by_zip.setdefault((postal_code or "")[:5], []).append((clinic_id, place))
            if latitude is not None and longitude is not None:
                self.by_cell.setdefault(_cell(latitude, longitude), []).append((clinic_id, place))

    def find(self, *, name, address_line1, postal_code, latitude=None, longitude=None, npi=""):
        """[(clinic, reason)] as `likely_duplicates` answers, without a query."""
        place = Place(name, address_line1, postal_code or "", latitude, longitude)
        found = {}
        for clinic_id in self.by_npi.get(npi, []) if npi else []:
            found.setdefault(clinic_id, f"same NPI {npi}")
        candidates = list(self.by_zip.get((postal_code or "")[:5], [])) if postal_code else []
        if latitude is not None and longitude is not None:
            row, column = _cell(latitude, longitude)
            for d_row in (-1, 0, 1):
                for d_column in (-1, 0, 1):
                    candidates += self.by_cell.get((row + d_row, column + d_column), [])
        for clinic_id, other in candidates:
            if clinic_id not in found and (reason := same_site(place, other)):
                found[clinic_id] = reason
        return [(self.clinics[clinic_id], reason) for clinic_id, reason in found.items()]
