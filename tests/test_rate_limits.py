"""Rate limits that hold (issue 12, item 6).

The public-form limit was counted in each gunicorn worker's memory by REMOTE_ADDR (so it
reset with the worker, and behind a proxy every visitor shared one counter), and one signed
timestamp served unlimited submissions for two days. Now the counters and the spent tokens
are in the shared cache (a database table without REDIS_URL), the client is the address
found behind PROXY_COUNT proxies, and a form token is good once.
"""

import threading
import time

import pytest
from django.core import signing
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from clinics.models import Report
from clinics.moderation import limits
from clinics.moderation.forms import TIMESTAMP_SALT, form_timestamp
from tests.builders import ClinicFactory

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"


@pytest.fixture
def clinic():
    return ClinicFactory(name="Report Me Clinic")


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.PUBLIC_FORM_RATE_LIMIT = 3


def report(client, clinic, data=None, **extra):
    data = data or {
        "problem": "phone",
        "details": "The number rings a bakery.",
        "email": "",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
    }
    return client.post(reverse("report_listing", args=[clinic.slug]), data, **extra)


# Counted where every worker sees it -----------------------------------------------------------


def test_a_restarted_worker_does_not_reset_the_limit(client, clinic):
    for _ in range(3):
        assert report(client, clinic).status_code == 200
    # What a worker restart (or another worker) would start from: an empty local cache.
    caches["default"].clear()
    response = report(client, clinic)
    assert response.status_code == 429
    assert "try again in an hour" in response.text
    assert Report.objects.count() == 3


def test_the_counters_are_in_the_shared_cache(client, clinic):
    report(client, clinic, REMOTE_ADDR="203.0.113.7")
    assert caches["shared"].get("ratelimit:report:203.0.113.7:0") == 1


def test_the_limit_is_per_kind_of_form(client, clinic):
    for _ in range(3):
        report(client, clinic)
    claim = {
        "name": "Sam",
        "role": "Owner",
        "work_email": "sam@example.org",
        "npi": "",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
    }
    assert client.post(reverse("claim_listing", args=[clinic.slug]), claim).status_code == 200


@pytest.mark.skipif(
    "postgresql" not in connection.settings_dict["ENGINE"], reason="needs PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_submissions_arriving_together_do_not_all_pass(settings):
    """Eight workers at once, a limit of three: exactly three pass (atomic cache.add)."""
    settings.PUBLIC_FORM_RATE_LIMIT = 3
    start = threading.Barrier(8)
    passed = []

    def submit():
        try:
            start.wait()
            passed.append(not limits.rate_limited("198.51.100.1", "report"))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(passed) == [False] * 5 + [True] * 3


# Who the client is ----------------------------------------------------------------------------


def test_behind_a_proxy_each_client_has_its_own_limit(client, clinic, settings):
    settings.PROXY_COUNT = 1
    for _ in range(3):
        response = report(client, clinic, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert response.status_code == 200
    limited = report(client, clinic, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert limited.status_code == 429
    # Another visitor through the same proxy is not limited by the first one.
    other = report(client, clinic, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert other.status_code == 200


@pytest.mark.parametrize("proxy_count", [0, 1])
def test_a_forged_forwarded_for_does_not_give_a_fresh_counter(
    client, clinic, settings, proxy_count
):
    settings.PROXY_COUNT = proxy_count
    real = "203.0.113.7"
    remote = PROXY if proxy_count else real

    def forged(number):
        # The client writes what it likes; our proxy (if any) appends the address it saw.
        return f"10.9.8.{number}" + (f", {real}" if proxy_count else "")

    statuses = [
        report(client, clinic, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forged(n)).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def test_an_ipv6_client_is_counted_by_its_network(client, clinic):
    for host in range(3):
        report(client, clinic, REMOTE_ADDR=f"2001:db8:1:2::{host + 1}")
    assert report(client, clinic, REMOTE_ADDR="2001:db8:1:2:ffff::9").status_code == 429
    assert report(client, clinic, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("", "unknown"),
    ],
)
def test_client_keys(address, key):
    assert limits.client_key(address) == key


# A form token is good once ---------------------------------------------------------------------


def test_the_same_form_sent_twice_sends_one_report(client, clinic):
    data = {
        "problem": "phone",
        "details": "The number rings a bakery.",
        "email": "",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
    }
    assert report(client, clinic, data).status_code == 200
    again = report(client, clinic, data)
    assert again.status_code == 400
    assert "This form was sent already" in again.text
    assert Report.objects.count() == 1
    # The form shown again carries a fresh token, which works once.
    fresh = again.context["form"].data["started"]
    assert fresh != data["started"]
    assert report(client, clinic, {**data, "started": fresh}).status_code == 400  # too quick


def test_a_form_shown_again_after_an_error_can_be_sent(client, clinic):
    token = form_timestamp(seconds_ago=30)
    data = {"problem": "phone", "details": "", "email": "", "homepage": "", "started": token}
    assert report(client, clinic, data).status_code == 400  # details missing
    data["details"] = "The number rings a bakery."
    assert report(client, clinic, data).status_code == 200  # the token was not spent
    assert Report.objects.count() == 1


def test_a_bare_signed_timestamp_is_refused_as_expired(client, clinic):
    """The tokens before this change could be sent again and again: refused, not honoured."""
    old = signing.dumps(time.time() - 30, salt=TIMESTAMP_SALT)
    data = {
        "problem": "phone",
        "details": "The number rings a bakery.",
        "email": "",
        "homepage": "",
        "started": old,
    }
    response = report(client, clinic, data)
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert not Report.objects.exists()


def test_a_token_is_spent_in_the_shared_cache(client, clinic):
    assert limits.use_once("abc", timeout=60) is True
    assert limits.use_once("abc", timeout=60) is False
    assert caches["shared"].get("formtoken:abc") == 1
