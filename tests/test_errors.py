"""Error pages and a database that is down or hung (issue 12, items 7 and 12).

Each answer keeps the 988 crisis line and a way home, in the format of its URL, and needs no
database. The subprocess tests point a real server process at a database that refuses
connections, and at one that accepts them and never answers.
"""

import json
import socket
import time

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from directory.errors import server_error
from tests.builders import UserFactory
from tests.test_production import django_run

CRISIS_LINE = "Call or text"
SITE_HEADER = '<a class="brand" href="/">Ketamine Provider Directory</a>'
HOME_LINK = '<a class="button" href="/">Go to the home page</a>'


def assert_html_error_page(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert SITE_HEADER in page
    assert CRISIS_LINE in page and 'href="tel:988"' in page
    assert HOME_LINK in page


# 404 and 500 -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_the_404_page_keeps_the_crisis_line_and_needs_no_query(
    client, django_assert_num_queries, signed_in
):
    if signed_in:
        client.force_login(UserFactory(is_staff=True))
    with django_assert_num_queries(0):
        response = client.get("/no-such-page/")
    assert_html_error_page(response, 404)
    assert "There is nothing at this address" in response.text


@pytest.mark.django_db
def test_an_unknown_api_address_answers_json(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    [message] = response.json()["errors"]["path"]
    assert "nothing at this address" in message


@pytest.mark.django_db
def test_an_unknown_fhir_address_answers_an_operation_outcome(client):
    response = client.get("/fhir/no/such/resource")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["issue"][0]["code"] == "not-found"


def test_the_500_page_keeps_the_crisis_line():
    response = server_error(RequestFactory().get("/clinics/some-clinic/"))
    assert_html_error_page(response, 500)
    assert response["Cache-Control"] == "no-store"


def test_a_database_error_outside_a_view_is_a_503_not_a_500():
    request = RequestFactory().get("/search/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert_html_error_page(response, 503)
    assert response["Retry-After"] == "30"


# The database goes away during a request ---------------------------------------------------------


@pytest.fixture
def database_down(db):
    """Every statement fails as if the server had gone. A patch of its own (not the shared
    monkeypatch fixture) so that it is undone before the test database is rolled back."""
    from django.db.backends.utils import CursorWrapper

    def refused(self, sql, params=None):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", refused)
        patch.setattr(CursorWrapper, "executemany", refused)
        yield


def test_public_pages_answer_503_with_the_crisis_line(client, database_down):
    for path in ("/", "/search/?near=97205", "/clinics/rose-city-ketamine/"):
        response = client.get(path)
        assert_html_error_page(response, 503)
        assert response["Retry-After"] == "30"
        assert "unavailable for a moment" in response.text


def test_the_api_answers_503_in_json(client, database_down):
    response = client.get("/api/v1/locations/", {"near": "97205"})
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert "unavailable" in response.json()["errors"]["service"][0]


def test_fhir_answers_503_with_an_operation_outcome(client, database_down):
    response = client.get("/fhir/Organization")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Retry-After"] == "30"
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "transient"


# For real: a database that refuses, and one that never answers -----------------------------------


def serve_requests(paths, **env):
    """Run requests in a fresh process with the given environment; [path, status, type,
    retry-after, body, seconds] for each."""
    code = (
        "import json, time\n"
        "from django.test import Client\n"
        "client = Client(raise_request_exception=False)\n"
        f"for path in {paths!r}:\n"
        "    started = time.monotonic()\n"
        "    r = client.get(path)\n"
        "    print(json.dumps([path, r.status_code, r.get('Content-Type'), r.get('Retry-After'),"
        " r.content.decode(), time.monotonic() - started]))\n"
    )
    output = django_run(code, **env)
    return [json.loads(line) for line in output.splitlines() if line.startswith("[")]


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe closes


@pytest.mark.parametrize(
    "database_url",
    [
        "sqlite:////nonexistent-directory/for/sure/db.sqlite3",
        f"postgres://postgres@127.0.0.1:{closed_port()}/directory",
    ],
    ids=["sqlite-missing", "postgresql-refused"],
)
def test_an_unreachable_database_gives_503_in_every_format(database_url):
    answers = serve_requests(
        ["/", "/search/?near=97205", "/api/v1/locations/", "/fhir/Organization", "/healthz"],
        DATABASE_URL=database_url,
    )
    by_path = {path: (status, kind, retry, body) for path, status, kind, retry, body, _ in answers}
    for path in ("/", "/search/?near=97205"):
        status, kind, retry, body = by_path[path]
        assert (status, retry) == (503, "30")
        assert SITE_HEADER in body and 'href="tel:988"' in body and HOME_LINK in body
    status, kind, retry, body = by_path["/api/v1/locations/"]
    assert (status, kind, retry) == (503, "application/json", "30")
    assert json.loads(body)["errors"]["service"]
    status, kind, retry, body = by_path["/fhir/Organization"]
    assert (status, kind, retry) == (503, "application/fhir+json", "30")
    assert json.loads(body)["resourceType"] == "OperationOutcome"
    assert by_path["/healthz"][0] == 503


@pytest.fixture
def silent_database():
    """A TCP port that accepts connections (the kernel completes them) and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield listener.getsockname()[1]
    listener.close()


@pytest.mark.skipif(
    not __import__("importlib").util.find_spec("psycopg"), reason="needs the PostgreSQL driver"
)
def test_a_hung_database_answers_503_within_5_seconds(silent_database):
    started = time.monotonic()
    answers = serve_requests(
        ["/healthz", "/"],
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{silent_database}/directory",
        DB_CONNECT_TIMEOUT="2",
    )
    healthz, home = answers
    assert healthz[1] == 503
    assert json.loads(healthz[4])["status"] == "unavailable"
    assert healthz[5] < 5, f"/healthz took {healthz[5]:.1f} s"
    assert home[1] == 503 and 'href="tel:988"' in home[4]
    assert time.monotonic() - started < 60
