"""Geocoding and distance: the only module that turns what a patient typed into coordinates.

Offline by default: ZIP codes, ZIP+4, "City, ST" (or "City, State"), a city alone, nicknames
("NYC", "LA", "Philly") and "lat,lng" resolve from the place tables of clinics/gazetteer.py
(the `zipcodes` package, GeoNames data, CC BY 4.0), so the app never needs the network. A city
in several states, or a state, is not a point: resolving it raises PlaceNotFound with the
choices (`suggestions`) or the state (`state`). Street addresses use an online geocoder
through geopy only when settings name one (GEOCODER=nominatim, ...), with a user agent,
geopy's RateLimiter and a cache; without one, or when it does not find the address, an
address that ends in a ZIP code (or in "City, ST") falls back to that ZIP (or city), and the
label says so.

Distances (clinics/distance.py, re-exported here) are great-circle miles computed in SQL
(DistanceMiles, within) with a bounding-box prefilter on the indexed (latitude, longitude)
pair: strategy S1 of docs/geo-search.md; `miles_between` is the same formula in Python.
"""

import hashlib
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from clinics import gazetteer
from clinics.distance import (
    EARTH_RADIUS_MILES,
    DistanceMiles,
    bounding_box,
    miles_between,
    within,
)
from clinics.gazetteer import city_index, load_places, normalise_city, zip_centroid, zip_index
from clinics.validators import state_label

# Re-exported: the place tables and distance, so callers need only clinics.geo.
__all__ = ["EARTH_RADIUS_MILES", "DistanceMiles", "bounding_box", "city_index", "load_places"]
__all__ += ["miles_between", "normalise_city", "within", "zip_centroid", "zip_index"]

logger = logging.getLogger(__name__)
# Part of the cache key of a resolved origin: bump it when what a text resolves to changes,
# so that no answer of the old rules (a cached "not found", say) outlives a deploy.
ORIGIN_FORMAT = 3

ZIP_RE = gazetteer.ZIP_RE
# A ZIP code closing an address: "350 5th Ave, New York, NY 10118" or "..., 10118-0110, USA".
TRAILING_ZIP_RE = re.compile(
    r"^(?P<rest>.*?)[\s,]*\b(?P<zip>\d{5})(?:-\d{4})?(?:[\s,]+(?:USA?|United States))?$",
    re.IGNORECASE,
)
LAT_LNG_RE = re.compile(r"^\s*([-+]?\d{1,2}(?:\.\d+)?)\s*,\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")
NOT_LOCATED = gettext_lazy("the street address was not located")
# ", USA" at the end of a pasted address or "Portland, OR, US" says nothing more.
COUNTRY_RE = re.compile(r"(?<=\S)[\s,]+(?:USA?|U\.S\.A?\.?|United States(?: of America)?)$", re.I)


class PlaceNotFound(Exception):
    """The text does not name one place we can find.

    `suggestions` offers "City, ST" texts that would (close spellings; or, with `choices`,
    every state with a city of that name, which the message does not list); `state` is the USPS code when the text names a state, and `ambiguous`
    says the state's name is also a big city's ("New York"), so the patient must choose.
    """

    def __init__(self, message, suggestions=(), state=None, ambiguous=False, choices=False):
        super().__init__(message)
        self.message = message
        self.suggestions = list(suggestions)
        self.state = state
        self.ambiguous = ambiguous
        self.choices = choices  # the suggestions are every place of that name, not guesses


@dataclass(frozen=True)
class Place:
    """A resolved search origin."""

    query: str
    label: str
    latitude: float
    longitude: float
    kind: str = field(default="zip", compare=False)  # zip, city, coordinates, address
    # The USPS code of the state the origin lies in ("" if none: at sea, abroad); the
    # results page tells how many remote programmes serve it.
    state: str = field(default="", compare=False)


# Resolving a search origin -------------------------------------------------------------


def resolve(query):
    """Turn what a patient typed into a Place, or raise PlaceNotFound with a clear message."""
    text = " ".join((query or "").split())
    if not text:
        raise PlaceNotFound(_("Enter a ZIP code, a city and state, or an address."))
    place = _resolve_text(COUNTRY_RE.sub("", text))
    state = place.state or gazetteer.nearest_state(place.latitude, place.longitude)
    return Place(text, place.label, place.latitude, place.longitude, place.kind, state)


def _resolve_text(text):
    if match := LAT_LNG_RE.match(text):
        return _coordinates(text, float(match.group(1)), float(match.group(2)))
    if match := ZIP_RE.match(text):
        return _zip_place(text, match.group(1))
    if nickname := gazetteer.alias(text):
        return _resolve_city_state(text, nickname)
    if state := gazetteer.state_code(text):
        raise _a_state(text, state)
    if (place := _resolve_city_state(text)) is not None:
        return place
    if match := TRAILING_ZIP_RE.match(text):
        return _resolve_address_with_zip(text, match.group("rest"), match.group("zip"))
    if not any(character.isdigit() for character in text) and "," not in text:
        place = _resolve_city_alone(text)
        if place is not None:
            return place
    return _resolve_address(text)


def resolve_cached(query):
    """`resolve`, remembered for a day: a search origin is resolved once, not per request.

    Unknown places are remembered too, so a mistyped city does not hit an online geocoder
    again on every page of the same search. The answer is in words (a message, "your
    location"), so it is remembered per language.
    """
    text = " ".join((query or "").split())
    key_text = f"{ORIGIN_FORMAT}|{settings.GEOCODER}|{get_language()}|{text.lower()}"
    key = "origin:" + hashlib.sha256(key_text.encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        try:
            place = resolve(text)
        except PlaceNotFound as error:
            cached = {
                "error": error.message,
                "suggestions": error.suggestions,
                "state": error.state,
                "ambiguous": error.ambiguous,
                "choices": error.choices,
            }
        else:
            cached = {
                "place": [place.label, place.latitude, place.longitude, place.kind, place.state]
            }
        cache.set(key, cached, timeout=24 * 3600)
    if "error" in cached:
        raise PlaceNotFound(
            cached["error"],
            cached["suggestions"],
            cached["state"],
            cached["ambiguous"],
            cached["choices"],
        )
    label, latitude, longitude, kind, state = cached["place"]
    return Place(text, label, latitude, longitude, kind, state)


def _coordinates(text, lat, lng):
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise PlaceNotFound(
            _(
                "Coordinates must be a latitude between -90 and 90 and a longitude between "
                "-180 and 180."
            )
        )
    return Place(text, _("your location"), lat, lng, kind="coordinates")


def _zip_place(text, zip_code, note=""):
    entry = zip_index().get(zip_code)
    if entry is None:
        raise PlaceNotFound(
            _("We don't know the ZIP code %(zip)s. Check the digits.") % {"zip": zip_code}
        )
    lat, lng, city, state = entry
    values = {"zip": zip_code, "city": city, "state": state, "note": note}
    if note:
        label = _("ZIP %(zip)s, %(city)s, %(state)s (%(note)s)") % values
    else:
        label = f"{city}, {state} {zip_code}"
    return Place(text, label, lat, lng, kind="zip", state=state)


def _split_city_state(text):
    """(city, USPS code) from "City, ST", "City, State", "City ST" or "City State", or None."""
    if "," in text:
        city, _comma, state = text.rpartition(",")
        code = gazetteer.state_code(state)
        return (city.strip(), code) if code and city.strip() else None
    words = text.split()
    for size in (3, 2, 1):  # "Salt Lake City Utah", "Albany New York", "Austin TX"
        if len(words) > size and (code := gazetteer.state_code(" ".join(words[-size:]))):
            return " ".join(words[:-size]), code
    return None


def _resolve_city_state(text, city_state=None):
    """The city named with its state in `city_state` (or `text`); None if no state is named.

    A city the state does not have raises PlaceNotFound with close spellings.
    """
    parts = _split_city_state(city_state or text)
    if parts is None:
        return None
    name, state = parts
    if any(character.isdigit() for character in name):
        return None  # an address ending in a state: "1 Main St, Portland, OR"
    city = gazetteer.city(name, state)
    if city is None:
        suggestions = [c.label for c in gazetteer.close_cities_in(name, state)]
        raise PlaceNotFound(
            _("We couldn't find %(city)s, %(state)s. Check the spelling or try a ZIP code.")
            % {"city": name, "state": state},
            suggestions,
        )
    return Place(text, city.label, city.latitude, city.longitude, kind="city", state=city.state)


def _a_state(text, state):
    """A state is no point to measure distance from: say so, and offer its biggest cities."""
    name = state_label(state)
    same_name = gazetteer.ambiguous_state(state)
    cities = [c.label for c in gazetteer.largest_cities(state)]
    examples = any_of(f'"{label}"' for label in cities[:2])
    if same_name is None:
        message = _(
            "%(state)s is a state. Search near a city or ZIP code in it, such as %(examples)s."
        ) % {"state": name, "examples": examples}
        suggestions = cities
    else:
        message = _(
            '"%(text)s" is the state of %(state)s and also %(city)s. Choose '
            '"%(city)s", or a city or ZIP code in %(state)s, such as %(examples)s.'
        ) % {"text": text, "state": name, "city": same_name.label, "examples": examples}
        suggestions = list(dict.fromkeys([same_name.label, *cities]))
    return PlaceNotFound(message, suggestions, state=state, ambiguous=same_name is not None)


def any_of(texts):
    """Choices in words, in the reader's language: "IV or IM", '"Austin, TX" or "Waco, TX"'."""
    either = pgettext("between choices", "or")
    return f" {either} ".join(texts)


def _resolve_city_alone(text):
    """A city typed without its state: the city if only one state has it, else the choices."""
    cities = gazetteer.cities_named(text)
    if len(cities) == 1:
        [city] = cities
        return Place(text, city.label, city.latitude, city.longitude, kind="city", state=city.state)
    if cities:
        examples = any_of(f'"{city.label}"' for city in cities[:2])
        raise PlaceNotFound(
            _("There is a %(city)s in %(count)s states: add the state, like %(examples)s.")
            % {"city": cities[0].name, "count": len(cities), "examples": examples},
            [city.label for city in cities],
            choices=True,
        )
    if settings.GEOCODER:
        return None  # a landmark or a neighbourhood, perhaps: the geocoder may know it
    close = gazetteer.close_cities(text)
    raise PlaceNotFound(
        _(
            'We couldn\'t find a city called "%(text)s". Check the spelling, add the state '
            '(like "Portland, OR"), or try a ZIP code.'
        )
        % {"text": text},
        [city.label for city in close],
    )


def _resolve_address_with_zip(text, rest, zip_code):
    """An address ending in a ZIP code: the address if the geocoder finds it, else the ZIP."""
    rest = rest.strip(" ,")
    if _is_city_or_state(rest, zip_code):
        return _zip_place(text, zip_code)  # "Portland, OR 97205" is just the ZIP
    if settings.GEOCODER and (found := geocode_address(text)):
        return Place(text, found[2], found[0], found[1], kind="address")
    return _zip_place(text, zip_code, note=NOT_LOCATED)


def _is_city_or_state(text, zip_code):
    """Whether `text` (what precedes a ZIP) only names a city and/or state."""
    if not text or gazetteer.state_code(text):
        return True
    parts = _split_city_state(text)
    if parts is not None:
        return gazetteer.city(*parts) is not None
    entry = zip_index().get(zip_code)
    return entry is not None and normalise_city(entry[2]) == normalise_city(text)


def _resolve_address(text):
    found = geocode_address(text) if settings.GEOCODER else None
    if found is not None:
        lat, lng, label = found
        return Place(text, label, lat, lng, kind="address")
    # "1 Main St, Portland, OR": the city, said to be only the city.
    _head, _sep, tail = text.partition(",")
    while tail:
        parts = _split_city_state(tail.strip())
        city = gazetteer.city(*parts) if parts else None
        if city is not None:
            label = f"{city.label} ({NOT_LOCATED})"
            return Place(text, label, city.latitude, city.longitude, "city", city.state)
        _head, _sep, tail = tail.partition(",")
    if settings.GEOCODER:
        raise PlaceNotFound(
            _('We couldn\'t find "%(text)s". Try a ZIP code or a city and state.') % {"text": text}
        )
    raise PlaceNotFound(
        _(
            'We couldn\'t find "%(text)s". Street addresses need their ZIP code here: add it, or '
            'type a ZIP code or a city and state, like "Portland, OR".'
        )
        % {"text": text}
    )


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
        # Neither the text nor the error's message (which may quote the request): a patient's
        # address must not reach the logs (issue 19.4).
        logger.warning("geocoder %s failed: %s", settings.GEOCODER, type(error).__name__)
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
