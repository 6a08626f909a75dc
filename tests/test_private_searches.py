"""Searches are not logged with the place (issue 19.4): the access log and Django's own
request logging keep paths without their query strings."""

import datetime
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

from gunicorn.glogging import Logger, SafeAtoms

from directory.logs import WithoutQueryStringsFilter

GUNICORN_CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def access_line(path, query):
    settings = runpy.run_path(str(GUNICORN_CONF))
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "test",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    request = SimpleNamespace(headers=[])
    logger = Logger.__new__(Logger)  # only atoms(): no handlers, no configuration
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=12))
    return settings["access_log_format"] % SafeAtoms(atoms)


def test_the_access_log_keeps_the_path_and_not_the_place():
    for path, query in [
        ("/search/", "near=97205&radius=25&route=iv"),
        ("/search/", "near=45.52%2C-122.69"),
        ("/api/v1/locations/", "near=Austin%2C+TX"),
        ("/providers/tx/austin/", "insurance=aetna"),
    ]:
        line = access_line(path, query)
        assert f'"request": "GET {path} HTTP/1.1"' in line
        for secret in ["97205", "45.52", "Austin", "aetna", "?"]:
            assert secret not in line


def record(msg, *args, name="django.server"):
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)


def test_request_lines_logged_by_django_lose_their_query_strings():
    entry = record('"%s" %s %s', "GET /search/?near=97205&route=iv HTTP/1.1", "200", "5120")
    WithoutQueryStringsFilter().filter(entry)
    assert entry.getMessage() == '"GET /search/ HTTP/1.1" 200 5120'
    entry = record("Bad Request: /api/v1/locations/?near=45.5%2C-122.6")
    WithoutQueryStringsFilter().filter(entry)
    assert entry.getMessage() == "Bad Request: /api/v1/locations/"


def test_the_development_server_logs_through_the_filter(settings):
    server = settings.LOGGING["loggers"]["django.server"]
    assert server["handlers"] == ["console"]
    assert "without_query_strings" in settings.LOGGING["handlers"]["console"]["filters"]


def test_a_failed_online_geocoder_does_not_log_the_address(settings, caplog, monkeypatch):
    from geopy.exc import GeocoderServiceError

    from clinics import geo

    def failing(text, **kwargs):
        raise GeocoderServiceError(f"https://geocoder.example/?q={text}")

    settings.GEOCODER = "nominatim"
    monkeypatch.setattr(geo, "_online_geocode", lambda: failing)
    with caplog.at_level(logging.WARNING, logger="clinics.geo"):
        assert geo.geocode_address("1 Secret Lane, Portland, OR") is None
    assert caplog.records
    assert "Secret" not in caplog.text
