"""Geocoding and distance: the only module that knows about places and coordinates.

Offline by default: ZIP codes, ZIP+4, "City, ST" and "lat,lng" resolve from the `zipcodes`
package (data from GeoNames, CC BY 4.0), so the app never needs the network. Street addresses
use an online geocoder through geopy only when settings name one (GEOCODER=nominatim, ...),
with a user agent, geopy's RateLimiter and a cache.

Distances are great-circle miles on a sphere of radius EARTH_RADIUS_MILES, computed in SQL
(DistanceMiles) with a bounding-box prefilter on the indexed (latitude, longitude) pair:
strategy S1 of docs/geo-search.md, identical on SQLite and PostgreSQL; `miles_between` is the
same formula in Python.
"""

import difflib
import hashlib
import logging
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, FloatField, Func, Q

from clinics.validators import US_STATES

logger = logging.getLogger(__name__)

EARTH_RADIUS_MILES = 3958.8

ZIP_RE = re.compile(r"^(\d{5})(?:-?\d{4})?$")
LAT_LNG_RE = re.compile(r"^\s*([-+]?\d{1,2}(?:\.\d+)?)\s*,\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")
CITY_STATE_RE = re.compile(r"^(?P<city>[^,]+?)(?:,\s*|\s+)(?P<state>[A-Za-z]{2})$")


class PlaceNotFound(Exception):
    """The text does not name a place we can find; `suggestions` may offer close matches."""

    def __init__(self, message, suggestions=()):
        super().__init__(message)
        self.message = message
        self.suggestions = list(suggestions)


@dataclass(frozen=True)
class Place:
    """A resolved search origin."""

    query: str
    label: str
    latitude: float
    longitude: float
    kind: str = field(default="zip", compare=False)  # zip, city, coordinates, address


# Offline data ---------------------------------------------------------------------------


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


def normalise_city(name):
    """Lower-case, without punctuation, with "St."/"Ft."/"Mt." spelled out."""
    name = name.lower().replace(".", " ").replace("'", "").replace("-", " ")
    words = name.split()
    spelled = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
    if words:
        words[0] = spelled.get(words[0], words[0])
    return " ".join(words)


@lru_cache(maxsize=1)
def city_index():
    """(normalised city, state) -> (mean latitude, mean longitude, USPS city name)."""
    sums = {}
    for lat, lng, city, state in zip_index().values():
        key = (normalise_city(city), state)
        total = sums.setdefault(key, [0.0, 0.0, 0, city])
        total[0] += lat
        total[1] += lng
        total[2] += 1
    return {key: (s[0] / s[2], s[1] / s[2], s[3]) for key, s in sums.items()}


def zip_centroid(postal_code):
    """(latitude, longitude) of a ZIP or ZIP+4, or None when unknown."""
    match = ZIP_RE.match((postal_code or "").strip())
    if not match:
        return None
    entry = zip_index().get(match.group(1))
    return (entry[0], entry[1]) if entry else None


# Resolving a search origin -------------------------------------------------------------


def resolve(query):
    """Turn what a patient typed into a Place, or raise PlaceNotFound with a clear message."""
    text = " ".join((query or "").split())
    if not text:
        raise PlaceNotFound("Enter a ZIP code, a city and state, or an address.")

    if match := LAT_LNG_RE.match(text):
        lat, lng = float(match.group(1)), float(match.group(2))
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise PlaceNotFound(
                "Coordinates must be a latitude between -90 and 90 and a longitude between "
                "-180 and 180."
            )
        return Place(text, "your location", lat, lng, kind="coordinates")

    if match := ZIP_RE.match(text):
        entry = zip_index().get(match.group(1))
        if entry is None:
            raise PlaceNotFound(f"We don't know the ZIP code {match.group(1)}. Check the digits.")
        lat, lng, city, state = entry
        return Place(text, f"{city}, {state} {match.group(1)}", lat, lng, kind="zip")

    if match := CITY_STATE_RE.match(text):
        city, state = match.group("city"), match.group("state").upper()
        if state in US_STATES:
            return _resolve_city(text, city, state)

    return _resolve_address(text)


def resolve_cached(query):
    """`resolve`, remembered for a day: a search origin is resolved once, not per request.

    Unknown places are remembered too, so a mistyped city does not hit an online geocoder
    again on every page of the same search.
    """
    text = " ".join((query or "").split())
    key = "origin:" + hashlib.sha256(f"{settings.GEOCODER}|{text.lower()}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        try:
            place = resolve(text)
        except PlaceNotFound as error:
            cached = {"error": error.message, "suggestions": error.suggestions}
        else:
            cached = {"place": [place.label, place.latitude, place.longitude, place.kind]}
        cache.set(key, cached, timeout=24 * 3600)
    if "error" in cached:
        raise PlaceNotFound(cached["error"], cached["suggestions"])
    label, latitude, longitude, kind = cached["place"]
    return Place(text, label, latitude, longitude, kind=kind)


def _resolve_city(text, city, state):
    key = (normalise_city(city), state)
    entry = city_index().get(key)
    if entry:
        lat, lng, usps_name = entry
        return Place(text, f"{usps_name}, {state}", lat, lng, kind="city")
    names = {name: usps for (name, st), (_, _, usps) in city_index().items() if st == state}
    close = difflib.get_close_matches(key[0], list(names), n=3, cutoff=0.75)
    suggestions = [f"{names[name]}, {state}" for name in close]
    raise PlaceNotFound(
        f"We couldn't find {city.strip()}, {state}. Check the spelling or try a ZIP code.",
        suggestions,
    )


def _resolve_address(text):
    if not settings.GEOCODER:
        raise PlaceNotFound(
            f'We couldn\'t find "{text}". Try a 5-digit ZIP code or a city and state, '
            'like "Portland, OR".'
        )
    found = geocode_address(text)
    if found is None:
        raise PlaceNotFound(f'We couldn\'t find "{text}". Try a ZIP code or a city and state.')
    lat, lng, label = found
    return Place(text, label, lat, lng, kind="address")


# Online geocoding (optional) -----------------------------------------------------------


def _online_geocode():
    """geopy's geocode callable for the configured service, behind a RateLimiter."""
    return _build_online_geocode(
        settings.GEOCODER,
        settings.GEOCODER_USER_AGENT,
        settings.GEOCODER_TIMEOUT_SECONDS,
        settings.GEOCODER_SCHEME,
        settings.GEOCODER_DOMAIN,
        settings.GEOCODER_API_KEY,
        settings.GEOCODER_MIN_DELAY_SECONDS,
        settings.GEOCODER_ERROR_WAIT_SECONDS,
    )


@lru_cache(maxsize=4)
def _build_online_geocode(
    service, user_agent, timeout, scheme, domain, api_key, min_delay, error_wait
):
    # Keyed by the settings so one RateLimiter serves a process, and a changed setting
    # (in tests, or a reload) builds a new geocoder instead of reusing a stale one.
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import get_geocoder_for_service

    options = {"user_agent": user_agent, "timeout": timeout, "scheme": scheme}
    if domain:
        options["domain"] = domain
    if api_key:
        options["api_key"] = api_key
    geocoder = get_geocoder_for_service(service)(**options)
    # geopy waits error_wait_seconds (5 s unless told) before retrying a failed call, and
    # insists on at least min_delay_seconds.
    return RateLimiter(
        geocoder.geocode,
        min_delay_seconds=min_delay,
        error_wait_seconds=max(error_wait, min_delay),
        max_retries=1,
        swallow_exceptions=False,
    )


def geocode_address(text):
    """(latitude, longitude, label) from the online geocoder, cached; None if not found.

    Network failures are logged and treated as not found: a patient gets a message, not a 500.
    """
    from geopy.exc import GeopyError

    key = "geocode:" + hashlib.sha256(f"{settings.GEOCODER}|{text.lower()}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return tuple(cached) if cached else None
    try:
        location = _online_geocode()(text, exactly_one=True, country_codes="us")
    except (GeopyError, OSError, ValueError) as error:
        logger.warning("geocoder %s failed for %r: %s", settings.GEOCODER, text, error)
        return None
    result = (location.latitude, location.longitude, location.address) if location else None
    cache.set(key, list(result) if result else [], timeout=30 * 24 * 3600)
    return result


def fill_coordinates(location):
    """Give a location coordinates when it has none, and record where they came from."""
    Source = type(location).CoordinatesSource
    if location.latitude is not None and location.longitude is not None:
        if location.coordinates_source == Source.MISSING:
            location.coordinates_source = Source.SUPPLIED
        return
    if settings.GEOCODER:
        address = ", ".join(
            part
            for part in (
                location.address_line1,
                location.city,
                location.state,
                location.postal_code,
            )
            if part
        )
        found = geocode_address(address)
        if found:
            location.latitude, location.longitude = found[0], found[1]
            location.coordinates_source = Source.ADDRESS
            return
    centroid = zip_centroid(location.postal_code)
    if centroid:
        location.latitude, location.longitude = centroid
        location.coordinates_source = Source.ZIP
    else:
        location.coordinates_source = Source.MISSING


# Distance --------------------------------------------------------------------------------


def miles_between(lat1, lng1, lat2, lng2):
    """Great-circle (haversine) miles between two points, in Python: the formula of
    DistanceMiles, for code that has both points in hand (imports, duplicate detection)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dlat = (phi2 - phi1) / 2
    half_dlng = math.radians(lng2 - lng1) / 2
    inner = math.sin(half_dlat) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlng) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(inner)))


def bounding_box(latitude, longitude, miles):
    """(min_lat, max_lat, min_lng, max_lng) enclosing the circle.

    Longitudes are not wrapped: near the antimeridian (the Aleutians) min_lng can be below
    -180 or max_lng above 180, and `within` then searches the two halves of the box.
    """
    angular = miles / EARTH_RADIUS_MILES
    lat = math.radians(latitude)
    min_lat, max_lat = latitude - math.degrees(angular), latitude + math.degrees(angular)
    if max_lat >= 90 or min_lat <= -90 or math.cos(lat) < 1e-9:
        return max(min_lat, -90), min(max_lat, 90), -180.0, 180.0
    ratio = math.sin(angular) / math.cos(lat)
    if ratio >= 1:
        return min_lat, max_lat, -180.0, 180.0
    delta_lng = math.degrees(math.asin(ratio))
    return min_lat, max_lat, longitude - delta_lng, longitude + delta_lng


class DistanceMiles(Func):
    """Haversine great-circle distance in miles from a fixed point to each row, in SQL.

    The same SQL as composing ASin, Sqrt, Power, Sin, Cos and Radians, written as one
    template: building and copying that tree of a dozen expressions took a fifth of a search
    request (bench/run.py under py-spy). SQLite has the math functions built in since 3.35.
    """

    output_field = FloatField()

    def __init__(self, latitude, longitude, lat_field="latitude", lng_field="longitude"):
        super().__init__(F(lat_field), F(lng_field))
        self.origin = (latitude, longitude)

    def as_sql(self, compiler, connection, least="LEAST", **extra_context):
        lat, lat_params = compiler.compile(self.source_expressions[0])
        lng, lng_params = compiler.compile(self.source_expressions[1])
        lat0, lng0 = (math.radians(value) for value in self.origin)
        # Rounding can push the sine above 1 for antipodal points; asin would then fail.
        sql = (
            f"(%s * ASIN({least}(SQRT("
            f"POWER(SIN((RADIANS({lat}) - %s) / 2), 2)"
            f" + %s * COS(RADIANS({lat})) * POWER(SIN((RADIANS({lng}) - %s) / 2), 2)"
            "), 1.0)))"
        )
        params = (
            2 * EARTH_RADIUS_MILES,
            *lat_params,
            lat0,
            math.cos(lat0),
            *lat_params,
            *lng_params,
            lng0,
        )
        return sql, params

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, least="MIN", **extra_context)


def within(queryset, latitude, longitude, miles):
    """Rows of `queryset` no more than `miles` from the point, annotated with `distance`.

    The bounding box lets the database use the (latitude, longitude) index; the exact
    haversine distance then filters the corners out and orders the rows.
    """
    min_lat, max_lat, min_lng, max_lng = bounding_box(latitude, longitude, miles)
    # A hair of slack so float rounding never drops a row lying exactly on the circle.
    slack = 1e-6
    box = Q(latitude__gte=min_lat - slack, latitude__lte=max_lat + slack)
    if min_lng < -180:
        box &= Q(longitude__gte=min_lng + 360 - slack) | Q(longitude__lte=max_lng + slack)
    elif max_lng > 180:
        box &= Q(longitude__gte=min_lng - slack) | Q(longitude__lte=max_lng - 360 + slack)
    else:
        box &= Q(longitude__gte=min_lng - slack, longitude__lte=max_lng + slack)
    return (
        queryset.filter(box)
        .annotate(distance=DistanceMiles(latitude, longitude))
        .filter(distance__lte=miles)
    )
