"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # every test starts a fresh interpreter

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://directory.example.org"


def load_settings(**env):
    """Import the settings in a fresh interpreter with only the given variables set."""
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
    code = (
        "import directory.settings as s, json; "
        "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
        "'hosts': s.ALLOWED_HOSTS, 'ssl': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean | env, capture_output=True, text=True
    )


def test_production_without_a_secret_key_stops_with_a_clear_message():
    result = load_settings(ALLOWED_HOSTS="directory.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_stops_with_a_clear_message():
    result = load_settings(SECRET_KEY="s" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_settings_are_secure_by_default():
    result = load_settings(
        SECRET_KEY="s" * 50, ALLOWED_HOSTS="directory.example.org", SITE_URL=SITE_URL
    )
    assert result.returncode == 0, result.stderr
    assert '"debug": false' in result.stdout
    assert '"ssl": true' in result.stdout
    assert '"hsts": 31536000' in result.stdout


def test_development_needs_nothing_and_uses_sqlite():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout


@pytest.mark.parametrize("value", ["0", "false", "no", "off", ""])
def test_debug_is_off_unless_asked_for(value):
    result = load_settings(
        DEBUG=value, SECRET_KEY="s" * 50, ALLOWED_HOSTS="x.example.org", SITE_URL=SITE_URL
    )
    assert '"debug": false' in result.stdout


def test_database_url_selects_postgresql():
    result = load_settings(DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/directory")
    assert "postgresql" in result.stdout


def test_manage_py_commands_work_without_production_secrets():
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT, env=clean, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-500:]


def test_the_web_server_refuses_to_start_without_a_secret_key():
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME"}}
    result = subprocess.run(
        [sys.executable, "-c", "import directory.wsgi"],
        cwd=ROOT, env=clean | {"ALLOWED_HOSTS": "x.example.org"}, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
