"""Place names, offline: ZIP codes, the cities of each state, state names and a few nicknames.

Everything comes from the `zipcodes` package (GeoNames data, CC BY 4.0): a city is the mean of
its ZIP centroids, and its number of ZIP codes stands in for its size when several cities share
a name ("Portland": Portland, OR has 65 ZIP codes, Portland, ME 9). clinics/geo.py turns what a
patient typed into a place with these tables; nothing here knows about searches.
"""

import difflib
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext, gettext_noop

from clinics.validators import US_STATES

# What people type for a few big cities. Keys are normalised (normalise_city); each value is a
# "City, ST" that the ZIP data knows. A bare "LA" is Los Angeles: Louisiana is typed out.
ALIASES = {
    "nyc": "New York, NY",
    "new york city": "New York, NY",
    "ny city": "New York, NY",
    "the bronx": "Bronx, NY",
    "la": "Los Angeles, CA",
    "l a": "Los Angeles, CA",
    "dc": "Washington, DC",
    "d c": "Washington, DC",
    "washington dc": "Washington, DC",
    "washington d c": "Washington, DC",
    "philly": "Philadelphia, PA",
    "sf": "San Francisco, CA",
    "san fran": "San Francisco, CA",
    "vegas": "Las Vegas, NV",
    "nola": "New Orleans, LA",
    "saint pete": "Saint Petersburg, FL",
    "atl": "Atlanta, GA",
}

ZIP_RE = re.compile(r"^(\d{5})(?:-?\d{4})?$")

# A state whose name is also the name of a city this big (in ZIP codes) is ambiguous:
# "New York" (165 ZIP codes in New York, NY) and "Washington" (274 in Washington, DC) may mean
# the city; "Nevada" (Nevada, MO: 1) means the state.
AMBIGUOUS_CITY_ZIPS = 10


@dataclass(frozen=True)
class City:
    name: str  # the USPS spelling
    state: str  # USPS code
    latitude: float
    longitude: float
    zip_count: int

    @property
    def label(self):
        return f"{self.name}, {self.state}"


@lru_cache(maxsize=1)
def zip_index():
    """ZIP -> (latitude, longitude, city, state), without the entries that have 0,0."""
    import zipcodes

    index = {}
    for row in zipcodes.list_all():
        lat, lng = float(row["lat"]), float(row["long"])
        if lat == 0 and lng == 0:
            continue
        index[row["zip_code"]] = (lat, lng, row["city"], row["state"])
    return index


@lru_cache(maxsize=1)
def zips_without_centre():
    """ZIP -> (city, state) for the ZIPs the data knows but has no centre for (it writes 0,0):
    Livingston, TX 77352, military and unique ZIPs. Real, but not a point to search from."""
    import zipcodes

    return {
        row["zip_code"]: (row["city"], row["state"])
        for row in zipcodes.list_all()
        if float(row["lat"]) == 0 and float(row["long"]) == 0
    }


def zip_place(zip5):
    """(latitude, longitude, city, state) of a five-digit ZIP, the coordinates None when the
    data has no centre for it; None for a ZIP it does not know."""
    if entry := zip_index().get(zip5):
        return entry
    if place := zips_without_centre().get(zip5):
        return (None, None, *place)
    return None


def zip_centroid(postal_code):
    """(latitude, longitude) of a ZIP or ZIP+4, or None when unknown."""
    match = ZIP_RE.match((postal_code or "").strip())
    if not match:
        return None
    entry = zip_index().get(match.group(1))
    return (entry[0], entry[1]) if entry else None


# A point further than this (in degrees, about 70 miles) from every ZIP centre is in no state.
NEAREST_ZIP_DEGREES = 1.0


@lru_cache(maxsize=1)
def _zip_cells():
    """The ZIP centres by whole degree of latitude and longitude: {(lat, lng): [(lat, lng,
    state)]}, so a nearest neighbour reads the few cells around a point, not 33,000 centres
    (18 ms of every results page searched from `lat,lng`, issue 16)."""
    cells = {}
    for lat, lng, _city, state in zip_index().values():
        cells.setdefault((math.floor(lat), math.floor(lng)), []).append((lat, lng, state))
    return cells


def nearest_state(latitude, longitude):
    """The state of the ZIP centre nearest to a point ("use my location", an address), or ""
    when none is near. A flat-earth nearest neighbour is close enough to name a state; a
    point on a border may get the neighbour's, which only changes a suggestion."""
    scale = math.cos(math.radians(latitude)) ** 2
    best, best_state = NEAREST_ZIP_DEGREES**2, ""
    if scale < 0.01:  # within 6 degrees of a pole: no ZIP is near
        return best_state
    # Every centre within NEAREST_ZIP_DEGREES: that many degrees of latitude, and of
    # longitude divided by the cosine of the latitude.
    lng_reach = math.ceil(NEAREST_ZIP_DEGREES / math.sqrt(scale))
    lat_reach = math.ceil(NEAREST_ZIP_DEGREES)
    cells = _zip_cells()
    row, column = math.floor(latitude), math.floor(longitude)
    for cell_lat in range(row - lat_reach, row + lat_reach + 1):
        for cell_lng in range(column - lng_reach, column + lng_reach + 1):
            for lat, lng, state in cells.get((cell_lat, cell_lng), ()):
                distance = (lat - latitude) ** 2 + scale * (lng - longitude) ** 2
                if distance < best:
                    best, best_state = distance, state
    return best_state


def load_places():
    """Load every table now (about a second), e.g. when a worker starts, not in a search."""
    cities_by_name()
    state_codes()


def normalise_city(name):
    """Lower-case, without punctuation, with "St."/"Ft."/"Mt." spelled out."""
    name = re.sub(r"[.,'’]", " ", name.lower()).replace("-", " ")
    words = name.split()
    spelled = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
    if words:
        words[0] = spelled.get(words[0], words[0])
    return " ".join(words)


@lru_cache(maxsize=1)
def city_index():
    """(normalised city, state) -> City."""
    sums = {}
    for lat, lng, city, state in zip_index().values():
        total = sums.setdefault((normalise_city(city), state), [0.0, 0.0, 0, city])
        total[0] += lat
        total[1] += lng
        total[2] += 1
    return {
        key: City(name, key[1], lat / count, lng / count, count)
        for key, (lat, lng, count, name) in sums.items()
    }


@lru_cache(maxsize=1)
def cities_by_name():
    """normalised city -> [City, ...], the biggest (most ZIP codes) first."""
    by_name = {}
    for (name, _state), city in city_index().items():
        by_name.setdefault(name, []).append(city)
    for cities in by_name.values():
        cities.sort(key=lambda city: (-city.zip_count, city.state))
    return by_name


@lru_cache(maxsize=1)
def state_codes():
    """normalised state name or USPS code -> USPS code ("texas" -> "TX", "tx" -> "TX")."""
    codes = {normalise_city(name): code for code, name in US_STATES.items()}
    codes.update({code.lower(): code for code in US_STATES})
    codes["us virgin islands"] = "VI"
    return codes


def state_code(text):
    """The USPS code of a state named or abbreviated in `text`, or None."""
    return state_codes().get(normalise_city(text))


def state_name(code):
    return US_STATES[code]


def city(name, state):
    """The City called `name` in `state` (a USPS code), or None."""
    return city_index().get((normalise_city(name), state))


def cities_named(name):
    """Every City called `name`, in any state, the biggest first."""
    return list(cities_by_name().get(normalise_city(name), ()))


def largest_cities(state, count=5):
    """The `count` biggest cities (most ZIP codes) of a state."""
    cities = [city for (_, st), city in city_index().items() if st == state]
    return sorted(cities, key=lambda city: (-city.zip_count, city.name))[:count]


def close_cities_in(name, state, count=3):
    """Cities of `state` whose names are close to `name` (typing mistakes)."""
    names = {key: city for (key, st), city in city_index().items() if st == state}
    close = difflib.get_close_matches(normalise_city(name), list(names), n=count, cutoff=0.75)
    return [names[key] for key in close]


def close_cities(name, count=6):
    """Cities anywhere whose names are close to `name`, biggest first within each name."""
    close = difflib.get_close_matches(normalise_city(name), list(cities_by_name()), n=3, cutoff=0.8)
    return [city for key in close for city in cities_by_name()[key]][:count]


def alias(text):
    """The "City, ST" a nickname stands for ("NYC" -> "New York, NY"), or None."""
    return ALIASES.get(normalise_city(text))


def ambiguous_state(code):
    """The big city that shares this state's name ("New York" -> New York, NY), or None."""
    same = [c for c in cities_named(state_name(code)) if c.zip_count >= AMBIGUOUS_CITY_ZIPS]
    return same[0] if same else None


# --- time zones (issue 17): opening hours are local times of the location's own zone --------

# The US zones by their standard offset from UTC in hours, as people name them (in English;
# time_zone_name says them in the active language).
ZONE_NAMES_BY_OFFSET = {
    -4: gettext_noop("Atlantic Time"),
    -5: gettext_noop("Eastern Time"),
    -6: gettext_noop("Central Time"),
    -7: gettext_noop("Mountain Time"),
    -8: gettext_noop("Pacific Time"),
    -9: gettext_noop("Alaska Time"),
    -10: gettext_noop("Hawaii-Aleutian Time"),
    10: gettext_noop("Chamorro Time"),
    11: gettext_noop("Pohnpei Time"),
    12: gettext_noop("Marshall Islands Time"),
    -11: gettext_noop("Samoa Time"),
    9: gettext_noop("Palau Time"),
}


@lru_cache(maxsize=1)
def _zone_tables():
    """({ZIP: IANA zone}, {state: its most common zone}) from the ZIP data."""
    import collections
    import zoneinfo

    import zipcodes

    known = zoneinfo.available_timezones()
    by_zip, counts = {}, collections.defaultdict(collections.Counter)
    for row in zipcodes.list_all():
        zone = row.get("timezone") or ""
        if zone in known:
            by_zip[row["zip_code"]] = zone
            counts[row["state"]][zone] += 1
    by_state = {state: zones.most_common(1)[0][0] for state, zones in counts.items()}
    return by_zip, by_state


def time_zone_of(postal_code, state, default="America/New_York"):
    """The IANA time zone of a place: its ZIP code's, else its state's most common one."""
    by_zip, by_state = _zone_tables()
    match = ZIP_RE.match((postal_code or "").strip())
    if match and match.group(1) in by_zip:
        return by_zip[match.group(1)]
    return by_state.get((state or "").upper(), default)


def time_zone_name(zone):
    """How people name a zone, in the active language: "Pacific Time"; "Mountain Time (no
    daylight saving time)" for Arizona's; the IANA name for a zone without a usual name."""
    name, without_daylight_saving = _zone_naming(zone)
    if name is None:
        return zone
    if without_daylight_saving:
        return gettext("%(zone)s (no daylight saving time)") % {"zone": gettext(name)}
    return gettext(name)


@lru_cache(maxsize=64)
def _zone_naming(zone):
    """(English name of the zone or None, whether it keeps standard time all year while its
    usual name's zone changes)."""
    import datetime
    import zoneinfo

    info = zoneinfo.ZoneInfo(zone)
    winter = datetime.datetime(2025, 1, 15, 12, tzinfo=info).utcoffset()
    summer = datetime.datetime(2025, 7, 15, 12, tzinfo=info).utcoffset()
    name = ZONE_NAMES_BY_OFFSET.get(int(winter.total_seconds() // 3600))
    without_daylight_saving = winter == summer and name in {
        "Mountain Time",
        "Pacific Time",
        "Central Time",
        "Eastern Time",
    }
    return name, without_daylight_saving
