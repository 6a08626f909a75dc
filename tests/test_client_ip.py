"""Who the client is behind proxies (PROXY_COUNT), and the cache all workers share (issue 12,
item 6). A header anybody can send never decides whose counter a request uses."""

import pytest
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import reverse

from directory.client import client_ip
from directory.middleware import ClientIpMiddleware
from directory.routers import ReplicaRouter, use_primary
from tests.builders import UserFactory

PROXY = "127.0.0.1"  # the nearest proxy, as gunicorn sees it


def request_from(remote_addr, forwarded=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("proxy_count", "remote_addr", "forwarded", "expected"),
    [
        # No proxy of ours: the header is the client's own words and is ignored.
        (0, "203.0.113.7", None, "203.0.113.7"),
        (0, "203.0.113.7", "198.51.100.99", "203.0.113.7"),
        # One proxy: it appended the address it saw; anything left of that is forged.
        (1, PROXY, "203.0.113.7", "203.0.113.7"),
        (1, PROXY, "198.51.100.99, 203.0.113.7", "203.0.113.7"),
        (1, PROXY, "1.1.1.1,2.2.2.2, 3.3.3.3 ,203.0.113.7", "203.0.113.7"),
        # Two proxies (a CDN, then nginx): the second from the right.
        (2, PROXY, "198.51.100.99, 203.0.113.7, 10.0.0.5", "203.0.113.7"),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
        # The request did not come through every proxy, or the entry is not an address.
        (2, "203.0.113.50", "203.0.113.7", "203.0.113.50"),
        (1, PROXY, "", PROXY),
        (1, PROXY, "198.51.100.99, not-an-address", PROXY),
        (1, PROXY, "198.51.100.99, 203.0.113.7:4444", PROXY),
    ],
)
def test_the_client_is_counted_from_the_right(
    settings, proxy_count, remote_addr, forwarded, expected
):
    settings.PROXY_COUNT = proxy_count
    assert client_ip(request_from(remote_addr, forwarded)) == expected


def test_every_request_carries_its_client_address(settings):
    settings.PROXY_COUNT = 1
    middleware = ClientIpMiddleware(lambda request: request.client_ip)
    assert middleware(request_from(PROXY, "198.51.100.99, 203.0.113.7")) == "203.0.113.7"


# The login lockout uses the same address --------------------------------------------------------


@pytest.fixture
def moderator(db):
    user = UserFactory(username="moderator", is_staff=True)
    user.set_password("correct horse battery")
    user.save()
    return user


def sign_in(client, password, forwarded):
    return client.post(
        reverse("admin:login"),
        {"username": "moderator", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_a_proxy_one_client_locked_out_does_not_lock_out_another(
    client, settings, moderator
):
    settings.AXES_ENABLED = True
    settings.PROXY_COUNT = 1
    for _ in range(5):
        sign_in(client, "wrong", "203.0.113.7")
    assert sign_in(client, "correct horse battery", "203.0.113.7").status_code == 429
    # Someone else behind the same proxy (same REMOTE_ADDR) still signs in.
    response = sign_in(client, "correct horse battery", "198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(moderator.pk)


@pytest.mark.parametrize("proxy_count", [0, 1])
def test_a_forged_forwarded_header_does_not_escape_the_lockout(
    client, settings, moderator, proxy_count
):
    settings.AXES_ENABLED = True
    settings.PROXY_COUNT = proxy_count
    real = "203.0.113.7"
    for attempt in range(5):
        # The attacker writes a new address at the left of the header each time; the proxy
        # (if any) appends the real one.
        forged = f"198.51.100.{attempt}" + (f", {real}" if proxy_count else "")
        sign_in(client, "wrong", forged)
    forged = "198.51.100.200" + (f", {real}" if proxy_count else "")
    assert sign_in(client, "correct horse battery", forged).status_code == 429
    assert "_auth_user_id" not in client.session


# The shared cache --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_shared_cache_is_a_database_table_without_redis():
    shared = caches["shared"]
    assert type(shared).__name__ == "DatabaseCache"  # one for every worker, unlike locmem
    assert shared.add("ratelimit:test", 0, timeout=60)
    assert shared.incr("ratelimit:test") == 1
    assert shared.incr("ratelimit:test") == 2


def test_the_shared_cache_is_never_read_from_a_lagging_replica():
    cache_model = caches["shared"].cache_model_class
    token = use_primary.set(False)  # an anonymous GET, which reads the replica
    try:
        assert ReplicaRouter().db_for_read(cache_model) == "default"
    finally:
        use_primary.reset(token)
