"""Production behaviour: security headers, health check, login throttling, cache outages,
and the read-replica router with two real databases."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import DatabaseError
from django.test import override_settings
from django.urls import reverse

from tests.builders import ClinicFactory, LocationFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


# Headers ------------------------------------------------------------------------------


def test_every_response_carries_strict_security_headers(client):
    response = client.get(reverse("clinics:home"), secure=True)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Permissions-Policy"].startswith("geolocation=(self)")
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_map_tiles_are_the_only_other_host_allowed(client, settings):
    csp = client.get(reverse("clinics:home"))["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org" in csp
    assert "connect-src 'self'" in csp


def test_a_request_id_is_made_or_passed_through(client):
    made = client.get(reverse("clinics:home"))["X-Request-ID"]
    assert len(made) == 32
    passed = client.get(reverse("clinics:home"), headers={"X-Request-ID": "edge-123"})
    assert passed["X-Request-ID"] == "edge-123"
    forged = client.get(reverse("clinics:home"), headers={"X-Request-ID": "<script>"})
    assert forged["X-Request-ID"] != "<script>"


# Health -------------------------------------------------------------------------------


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "databases": {"default": "ok"}}


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


# Login throttling ---------------------------------------------------------------------


def test_admin_login_is_locked_after_five_failures(client, settings):
    settings.AXES_ENABLED = True
    user = UserFactory(username="moderator", is_staff=True)
    user.set_password("correct horse battery")
    user.save()
    login = reverse("admin:login")
    for _ in range(4):
        response = client.post(login, {"username": "moderator", "password": "wrong"})
        assert response.status_code == 200  # the form again, with an error
    response = client.post(login, {"username": "moderator", "password": "wrong"})
    assert response.status_code == 429
    assert "locked" in response.text.lower()
    response = client.post(login, {"username": "moderator", "password": "correct horse battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_correct_password_before_the_limit_signs_in(client, settings):
    settings.AXES_ENABLED = True
    user = UserFactory(username="staffer", is_staff=True)
    user.set_password("correct horse battery")
    user.save()
    for _ in range(3):
        client.post(reverse("admin:login"), {"username": "staffer", "password": "wrong"})
    response = client.post(
        reverse("admin:login"), {"username": "staffer", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


# Cache outages ------------------------------------------------------------------------

DEAD_REDIS = {
    "default": {
        "BACKEND": "directory.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@override_settings(CACHES=DEAD_REDIS)
def test_cache_calls_degrade_to_misses_when_redis_is_down():
    cache = caches["default"]
    assert cache.get("anything", "fallback") == "fallback"
    cache.set("key", "value")
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("key") is False


@override_settings(CACHES=DEAD_REDIS)
def test_searches_are_still_served_when_redis_is_down(client):
    LocationFactory(clinic=ClinicFactory(name="Still Served Clinic"))
    response = client.get("/api/v1/locations/", {"near": "97205"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    page = client.get("/search/", {"near": "Portland, OR"})
    assert page.status_code == 200
    assert "Still Served Clinic" in page.text


# Read replica -------------------------------------------------------------------------


def django_run(code, **env):
    """Run Python code with Django set up in a fresh process; returns its stdout."""
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
    script = "import django; django.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "directory.settings", "DEBUG": "1"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture
def two_databases(tmp_path):
    """A primary and a replica that really are two databases (on the engine under test)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _, _ = url.rpartition("/")
        names = [f"replica_test_{uuid.uuid4().hex[:8]}_{role}" for role in ("primary", "replica")]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            for name in names:
                connection.execute(f'CREATE DATABASE "{name}"')
        yield [f"{base}/{name}" for name in names]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield [
            f"sqlite:///{tmp_path / 'primary.sqlite3'}",
            f"sqlite:///{tmp_path / 'replica.sqlite3'}",
        ]


@pytest.mark.slow
def test_anonymous_reads_use_the_replica_and_writes_the_primary(two_databases):
    primary, replica = two_databases
    migrate = (
        "from django.core.management import call_command; call_command('migrate', verbosity=0)"
    )
    django_run(migrate, DATABASE_URL=primary)
    django_run(migrate, DATABASE_URL=replica)
    # Data that exists only in the replica, as if replicated earlier.
    django_run(
        "from tests.builders import ClinicFactory, LocationFactory\n"
        "LocationFactory(clinic=ClinicFactory(name='Replica Clinic', slug='replica-clinic'))",
        DATABASE_URL=replica,
    )
    out = django_run(
        "from django.test import Client\n"
        "from clinics.models import Clinic\n"
        "client = Client()\n"
        "print('api', client.get('/api/v1/locations/', {'q': 'Replica'}).json()['count'])\n"
        "print('primary-read', Clinic.objects.filter(slug='replica-clinic').exists())\n"
        "Clinic.objects.create(name='Written', slug='written')\n"
        "print('written-to', Clinic.objects.using('default').filter(slug='written').exists(),"
        " Clinic.objects.using('replica').filter(slug='written').exists())\n",
        DATABASE_URL=primary,
        DATABASE_REPLICA_URL=replica,
        ALLOWED_HOSTS="testserver",
    )
    assert "api 1" in out  # the anonymous search read the replica
    assert "primary-read False" in out  # code outside a request reads the primary
    assert "written-to True False" in out  # writes land on the primary only
