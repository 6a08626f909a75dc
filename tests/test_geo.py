"""Geocoding and distance (clinics/geo.py): offline places, a local geocoder double, SQL maths."""

import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.distance import great_circle

from clinics import geo
from clinics.models import Location
from tests.builders import ORIGIN, SPHERE_KM, ClinicFactory, LocationFactory, point_at

pytestmark = pytest.mark.django_db


# Places typed by patients, offline ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "kind"),
    [
        ("97205", "Portland, OR 97205", "zip"),
        ("97205-1234", "Portland, OR 97205", "zip"),
        ("972051234", "Portland, OR 97205", "zip"),
        ("  10001 ", "New York, NY 10001", "zip"),
        ("Portland, OR", "Portland, OR", "city"),
        ("portland or", "Portland, OR", "city"),
        ("PORTLAND,OR", "Portland, OR", "city"),
        ("St. Louis, MO", "Saint Louis, MO", "city"),
        ("St Louis, MO", "Saint Louis, MO", "city"),
        ("Saint Louis, MO", "Saint Louis, MO", "city"),
        ("Ft. Myers, FL", "Fort Myers, FL", "city"),
        ("Fort Myers, FL", "Fort Myers, FL", "city"),
        ("Ft Lauderdale, fl", "Fort Lauderdale, FL", "city"),
        ("45.52,-122.68", "your location", "coordinates"),
        ("45.52, -122.68", "your location", "coordinates"),
    ],
)
def test_offline_places(text, label, kind):
    place = geo.resolve(text)
    assert place.label == label
    assert place.kind == kind


def test_a_zip_resolves_to_its_centroid():
    place = geo.resolve("97205")
    assert (place.latitude, place.longitude) == pytest.approx(ORIGIN, abs=0.001)


def test_st_and_saint_are_the_same_place():
    saint, st = geo.resolve("Saint Louis, MO"), geo.resolve("St. Louis, MO")
    assert (st.label, st.latitude, st.longitude) == (saint.label, saint.latitude, saint.longitude)


def test_coordinates_are_taken_as_given():
    place = geo.resolve("40.7506,-73.9972")
    assert (place.latitude, place.longitude) == (40.7506, -73.9972)


@pytest.mark.parametrize(
    ("text", "fragment", "suggestion"),
    [
        ("", "Enter a ZIP code", None),
        ("00000", "ZIP code 00000", None),
        ("99999-1234", "ZIP code 99999", None),
        ("Portlnd, OR", "Portlnd, OR", "Portland, OR"),
        ("Sant Louis, MO", "Sant Louis, MO", "Saint Louis, MO"),
        ("Springfeld, IL", "Springfeld, IL", "Springfield, IL"),
        ("Atlantis, ZZ", "Atlantis, ZZ", None),
        ("91,0", "latitude", None),
        ("45,-181", "longitude", None),
        ("1 Main Street, Portland", "ZIP code", None),
    ],
)
def test_unknown_places_say_why_and_suggest(text, fragment, suggestion):
    with pytest.raises(geo.PlaceNotFound) as caught:
        geo.resolve(text)
    assert fragment in caught.value.message
    if suggestion:
        assert suggestion in caught.value.suggestions


def test_zip_entries_at_zero_zero_are_treated_as_missing():
    assert all((lat, lng) != (0, 0) for lat, lng, *_ in geo.zip_index().values())
    assert len(geo.zip_index()) > 40000


def test_origin_resolution_is_cached(monkeypatch):
    calls = []
    real = geo.resolve
    monkeypatch.setattr(geo, "resolve", lambda text: calls.append(text) or real(text))
    first = geo.resolve_cached("Portland, OR")
    second = geo.resolve_cached("portland,  OR")
    assert calls == ["Portland, OR"]
    assert (first.latitude, first.longitude) == (second.latitude, second.longitude)
    with pytest.raises(geo.PlaceNotFound):
        geo.resolve_cached("Portlnd, OR")
    with pytest.raises(geo.PlaceNotFound) as caught:
        geo.resolve_cached("Portlnd, OR")
    assert caught.value.suggestions == ["Portland, OR"]
    assert calls == ["Portland, OR", "Portlnd, OR"]


# A local stand-in for Nominatim ---------------------------------------------------------


class NominatimDouble(BaseHTTPRequestHandler):
    """Answers /search like Nominatim's JSON format; knows one address."""

    requests = []
    fail = False

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        type(self).requests.append((url.path, query, self.headers.get("User-Agent")))
        if type(self).fail:
            self.send_response(503)
            self.end_headers()
            return
        text = query.get("q", [""])[0].lower()
        results = []
        if url.path == "/search" and "1 main st" in text:
            results = [
                {
                    "place_id": 1,
                    "lat": "45.5152",
                    "lon": "-122.6784",
                    "display_name": "1 Main Street, Portland, Oregon, 97204, United States",
                    "boundingbox": ["45.51", "45.52", "-122.68", "-122.67"],
                }
            ]
        body = json.dumps(results).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim(settings):
    NominatimDouble.requests = []
    NominatimDouble.fail = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), NominatimDouble)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_DOMAIN = f"127.0.0.1:{server.server_address[1]}"
    settings.GEOCODER_SCHEME = "http"
    settings.GEOCODER_MIN_DELAY_SECONDS = 0
    settings.GEOCODER_TIMEOUT_SECONDS = 2
    settings.GEOCODER_USER_AGENT = "directory-tests"
    yield NominatimDouble
    server.shutdown()
    server.server_close()


def test_an_address_goes_through_the_configured_geocoder(nominatim):
    place = geo.resolve("1 Main St, Portland, OR 97204")
    assert place.kind == "address"
    assert (place.latitude, place.longitude) == (45.5152, -122.6784)
    assert place.label.startswith("1 Main Street, Portland")
    path, query, user_agent = nominatim.requests[0]
    assert path == "/search"
    assert query["countrycodes"] == ["us"]
    assert user_agent == "directory-tests"


def test_zips_and_cities_never_reach_the_geocoder(nominatim):
    geo.resolve("97205")
    geo.resolve("Portland, OR")
    geo.resolve("45.5,-122.6")
    assert nominatim.requests == []


def test_geocoded_addresses_are_cached(nominatim):
    geo.resolve("1 Main St, Portland")
    geo.resolve("1 main st, portland")
    assert len(nominatim.requests) == 1


def test_an_address_the_geocoder_does_not_know(nominatim):
    with pytest.raises(geo.PlaceNotFound) as caught:
        geo.resolve("12 Nowhere Lane, Faraway")
    assert "couldn't find" in caught.value.message


def test_a_failing_geocoder_is_a_message_not_a_500(nominatim, client):
    nominatim.fail = True
    with pytest.raises(geo.PlaceNotFound):
        geo.resolve("1 Main St, Portland")
    response = client.get("/api/v1/locations/?near=1+Main+St,+Salem")
    assert response.status_code == 400
    assert response.json()["errors"]["near"]


@pytest.mark.parametrize("error_wait", [0, 0.25])
def test_a_failing_geocoder_waits_only_as_configured(nominatim, settings, monkeypatch, error_wait):
    """geopy's own default is 5 s after each failure: a 5 s stall for a patient (issue 13)."""
    from geopy.extra.rate_limiter import RateLimiter

    waits = []
    monkeypatch.setattr(RateLimiter, "_sleep", lambda self, seconds: waits.append(seconds))
    settings.GEOCODER_ERROR_WAIT_SECONDS = error_wait
    nominatim.fail = True
    with pytest.raises(geo.PlaceNotFound):
        geo.resolve("1 Main St, Portland")
    assert len(nominatim.requests) == 2  # one retry
    assert max(waits, default=0) == error_wait


def test_search_near_an_address(nominatim, client):
    LocationFactory(latitude=45.5152, longitude=-122.6784)
    body = client.get("/api/v1/locations/?near=1+Main+St,+Portland").json()
    assert body["origin"]["label"].startswith("1 Main Street")
    assert body["count"] == 1
    assert body["results"][0]["distance_miles"] == pytest.approx(0, abs=0.001)


def test_a_location_without_coordinates_is_geocoded_by_address(nominatim):
    location = LocationFactory(
        address_line1="1 Main St", latitude=None, longitude=None, postal_code="97204"
    )
    assert (location.latitude, location.longitude) == (45.5152, -122.6784)
    assert location.coordinates_source == Location.CoordinatesSource.ADDRESS


def test_a_location_without_coordinates_falls_back_to_its_zip(settings):
    settings.GEOCODER = ""
    location = LocationFactory(latitude=None, longitude=None, postal_code="10001-0001")
    assert location.coordinates_source == Location.CoordinatesSource.ZIP
    assert (location.latitude, location.longitude) == pytest.approx((40.7484, -73.9967), abs=0.01)


def test_supplied_coordinates_are_kept_and_recorded():
    location = LocationFactory(latitude=45.0, longitude=-122.0)
    assert location.coordinates_source == Location.CoordinatesSource.SUPPLIED


# Distance in SQL ----------------------------------------------------------------------------


def test_sql_distance_equals_geopy_great_circle_on_random_points():
    rng = random.Random(20261123)
    clinic = ClinicFactory()
    points = [(rng.uniform(-89.9, 89.9), rng.uniform(-179.9, 179.9)) for _ in range(60)]
    # The contiguous US as well, where the directory lives.
    points += [(rng.uniform(24.5, 49.4), rng.uniform(-124.8, -66.9)) for _ in range(60)]
    for latitude, longitude in points:
        LocationFactory(clinic=clinic, latitude=latitude, longitude=longitude)
    for _ in range(8):
        origin = (rng.uniform(-89, 89), rng.uniform(-179, 179))
        rows = Location.objects.annotate(distance=geo.DistanceMiles(*origin)).values_list(
            "latitude", "longitude", "distance"
        )
        for latitude, longitude, distance in rows:
            expected = great_circle(origin, (latitude, longitude), radius=SPHERE_KM).miles
            assert distance == pytest.approx(expected, abs=0.01)


def test_distance_of_the_same_point_and_of_antipodes():
    LocationFactory(latitude=10.0, longitude=20.0)
    LocationFactory(latitude=-10.0, longitude=-160.0)
    rows = (
        Location.objects.annotate(distance=geo.DistanceMiles(10.0, 20.0))
        .order_by("distance")
        .values_list("distance", flat=True)
    )
    assert list(rows) == [
        pytest.approx(0, abs=1e-6),
        pytest.approx(3.141592653589793 * geo.EARTH_RADIUS_MILES, abs=0.01),
    ]


@pytest.mark.parametrize("bearing", [0, 45, 90, 135, 180, 225, 270, 315])
@pytest.mark.parametrize("radius", [1, 25, 100, 500])
def test_radius_boundaries(bearing, radius):
    """Just inside the circle is found, just outside is not, in every direction."""
    inside = LocationFactory(latitude=0, longitude=0)
    outside = LocationFactory(latitude=0, longitude=0)
    inside.latitude, inside.longitude = point_at(radius - 0.005, bearing)
    outside.latitude, outside.longitude = point_at(radius + 0.005, bearing)
    inside.save()
    outside.save()
    found = set(geo.within(Location.objects.all(), *ORIGIN, radius).values_list("id", flat=True))
    assert inside.pk in found
    assert outside.pk not in found


def test_the_bounding_box_corners_are_outside_the_circle():
    """A point inside the box but beyond the radius (a corner) is filtered out exactly."""
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(*ORIGIN, 25)
    corner = LocationFactory(latitude=max_lat - 0.001, longitude=max_lng - 0.001)
    assert not geo.within(Location.objects.all(), *ORIGIN, 25).filter(pk=corner.pk).exists()
    assert geo.within(Location.objects.all(), *ORIGIN, 40).filter(pk=corner.pk).exists()


def test_the_bounding_box_contains_the_circle():
    rng = random.Random(7)
    for _ in range(200):
        origin = (rng.uniform(-70, 70), rng.uniform(-180, 180))
        miles = rng.uniform(1, 500)
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(*origin, miles)
        for bearing in range(0, 360, 15):
            lat, lng = point_at(miles, bearing, origin=origin)
            assert min_lat - 1e-6 <= lat <= max_lat + 1e-6
            assert any(
                min_lng - 1e-6 <= wrapped <= max_lng + 1e-6
                for wrapped in (lng - 360, lng, lng + 360)
            )


def test_within_orders_and_annotates():
    far = LocationFactory(latitude=point_at(10)[0], longitude=point_at(10)[1])
    near = LocationFactory(latitude=point_at(3)[0], longitude=point_at(3)[1])
    rows = list(geo.within(Location.objects.all(), *ORIGIN, 25).order_by("distance", "id"))
    assert rows == [near, far]
    assert rows[0].distance == pytest.approx(3, abs=0.001)


def test_a_search_across_the_antimeridian_finds_both_sides():
    """Adak, Alaska (-176.6) and a point across the 180th meridian are 100 miles apart."""
    origin = (51.88, -176.66)
    west = LocationFactory(latitude=51.88, longitude=-176.66)
    east_lat, east_lng = point_at(250, 270, origin=origin)
    assert east_lng > 0  # across the antimeridian
    across = LocationFactory(latitude=east_lat, longitude=east_lng)
    found = set(geo.within(Location.objects.all(), *origin, 300).values_list("id", flat=True))
    assert found == {west.pk, across.pk}
    assert geo.within(Location.objects.all(), *origin, 200).get() == west
