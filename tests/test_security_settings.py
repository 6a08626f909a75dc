"""Production settings of issue 12: SITE_URL, servers that refuse the development key, the task
backend, database timeouts, gunicorn's control socket, sign-in redirects, moderator sessions."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.builders import UserFactory
from tests.test_settings import SITE_URL, load_settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "directory.example.org"}


def clean_env(**env):
    keep = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
    return keep | env


def setting(name, **env):
    """One setting's value (its repr) in a fresh interpreter with only `env` set."""
    code = f"import directory.settings as s; print(repr(s.{name}))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean_env(**env), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-1500:]
    return result.stdout.strip().splitlines()[-1]


# SITE_URL ----------------------------------------------------------------------------------------


def test_production_without_site_url_stops_with_a_clear_message():
    result = load_settings(**PRODUCTION)
    assert result.returncode != 0
    assert "SITE_URL is not set" in result.stderr


def test_the_web_server_refuses_to_start_without_site_url():
    result = subprocess.run(
        [sys.executable, "-c", "import directory.wsgi"],
        cwd=ROOT, env=clean_env(**PRODUCTION), capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SITE_URL is not set" in result.stderr


@pytest.mark.parametrize("value", ["directory.example.org", "ftp://x.org", "https://"])
def test_site_url_must_be_an_http_address(value):
    result = load_settings(**PRODUCTION, SITE_URL=value)
    assert result.returncode != 0
    assert "SITE_URL must be an http(s) address" in result.stderr


def test_site_url_is_read_without_its_trailing_slash():
    assert setting("SITE_URL", **PRODUCTION, SITE_URL=SITE_URL + "/") == repr(SITE_URL)
    assert setting("SITE_URL", DEBUG="1") == repr("http://127.0.0.1:8000")


# Servers never run on the development key ----------------------------------------------------------


@pytest.mark.parametrize("command", ["runserver", "db_worker"])
def test_a_serving_command_with_debug_off_refuses_the_development_key(command, tmp_path):
    args = {"runserver": ["--noreload", "127.0.0.1:0"], "db_worker": ["--no-reload"]}[command]
    env = clean_env(
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=SITE_URL,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", command, *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"`manage.py {command}` ran with DEBUG off on the development secret key")
    assert process.returncode != 0
    assert "SECRET_KEY is not set" in stderr


def test_one_off_commands_keep_their_development_defaults():
    assert setting("SECRET_KEY", DIRECTORY_COMMAND_LINE="1").startswith("'django-insecure-")


# Tasks -------------------------------------------------------------------------------------------


def test_tests_run_tasks_at_once_and_production_queues_them_in_the_database():
    assert django_settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
    production = setting("TASKS", **PRODUCTION, SITE_URL=SITE_URL)
    assert "django_tasks_db.DatabaseBackend" in production


def test_tasks_backend_rq_selects_redis_queues():
    env = PRODUCTION | {"SITE_URL": SITE_URL, "TASKS_BACKEND": "rq"}
    assert "django_tasks_rq.RQBackend" in setting("TASKS", **env, REDIS_URL="redis://cache:6379/2")
    assert "redis://cache:6379/2" in setting("RQ_QUEUES", **env, REDIS_URL="redis://cache:6379/2")
    result = load_settings(**env)
    assert "TASKS_BACKEND=rq needs REDIS_URL" in result.stderr


def redis_answers(url="redis://127.0.0.1:6379/0"):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_an_email_goes_through_redis_to_an_rq_worker(tmp_path):
    env = clean_env(
        DJANGO_SETTINGS_MODULE="directory.settings",
        DEBUG="1",
        TASKS_BACKEND="rq",
        REDIS_URL="redis://127.0.0.1:6379/13",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    subject = f"Through Redis {time.time_ns()}"
    enqueue = (
        "import django; django.setup()\n"
        "from clinics.mail import send_email\n"
        f"send_email(to=['staff@example.org'], subject={subject!r}, body='Body')\n"
    )
    queued = subprocess.run(
        [sys.executable, "-c", enqueue], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert queued.returncode == 0, queued.stderr[-1500:]
    assert subject not in queued.stdout  # queued, not sent by the caller
    worker = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert worker.returncode == 0, worker.stderr[-1500:]
    assert f"Subject: {subject}" in worker.stdout  # the console mail backend of DEBUG


# Database timeouts ----------------------------------------------------------------------------------


def test_postgresql_connections_time_out_and_statements_are_limited():
    env = PRODUCTION | {"SITE_URL": SITE_URL, "DATABASE_URL": "postgres://u@db:5432/directory"}
    options = setting("DATABASES['default']['OPTIONS']", **env)
    assert "'connect_timeout': 3" in options
    assert "-c statement_timeout=5000" in options
    options = setting(
        "DATABASES['default']['OPTIONS']",
        **env,
        DB_CONNECT_TIMEOUT="2",
        DB_STATEMENT_TIMEOUT_MS="1500",
    )
    assert "'connect_timeout': 2" in options and "statement_timeout=1500" in options


def test_one_off_commands_have_no_statement_limit_unless_asked():
    env = {"DIRECTORY_COMMAND_LINE": "1", "DATABASE_URL": "postgres://u@db:5432/directory"}
    options = setting("DATABASES['default']['OPTIONS']", **env)
    assert "statement_timeout" not in options and "'connect_timeout': 3" in options


# gunicorn's control socket -----------------------------------------------------------------------


def test_gunicorn_opens_no_shared_control_socket(tmp_path):
    """gunicorn 25.1+ would open ~/.gunicorn/gunicorn.ctl (or $XDG_RUNTIME_DIR/gunicorn.ctl),
    one path for every instance of the user."""
    runtime = tmp_path / "run"
    runtime.mkdir()
    env = clean_env(
        SECRET_KEY=PRODUCTION["SECRET_KEY"],
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=SITE_URL,
        HOME=str(tmp_path),
        XDG_RUNTIME_DIR=str(runtime),
        BIND="127.0.0.1:0",
        WEB_CONCURRENCY="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "--log-level", "debug", "directory.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        log = ""
        deadline = time.monotonic() + 60
        # gunicorn says "Control socket listening at ..." or, at debug level, "... disabled".
        while "Control socket" not in log and time.monotonic() < deadline:
            line = server.stderr.readline()
            if not line and server.poll() is not None:
                break
            log += line
        assert "Control socket disabled" in log, log[-2000:]
        sockets = [path for path in tmp_path.rglob("*") if path.is_socket()]
        assert sockets == []
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)


# Sign-in -------------------------------------------------------------------------------------------


def sign_in(client, user, **extra):
    user.set_password("correct horse battery")
    user.save()
    return client.post(
        reverse("admin:login") + extra.get("query", ""),
        {"username": user.username, "password": "correct horse battery", **extra.get("data", {})},
    )


@pytest.mark.django_db
def test_a_sign_in_with_an_off_site_next_lands_in_the_admin(client):
    staff = UserFactory(is_staff=True)
    response = sign_in(client, staff, data={"next": "https://evil.example/phish"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_moderators_get_short_sessions_and_clinic_staff_the_usual_ones(client, settings):
    settings.MODERATOR_SESSION_SECONDS = 4 * 3600
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderator"))
    response = sign_in(client, moderator)
    assert response.status_code == 302
    assert client.session.get_expiry_age() == 4 * 3600
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == 4 * 3600

    client.logout()
    staff = UserFactory(is_staff=True)
    sign_in(client, staff)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE  # two weeks
