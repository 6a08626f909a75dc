"""Limits on the public forms that hold across every worker and host (issue 12, item 6).

Both live in the cache alias "shared": Redis when REDIS_URL is set, otherwise a table in the
database, so every gunicorn worker and every host sees the same counts, and restarting a
worker resets nothing (docs/security.md).

- `rate_limited(client, scope)`: a client address may send PUBLIC_FORM_RATE_LIMIT forms of
  one kind per PUBLIC_FORM_RATE_PERIOD_SECONDS. Each submission takes one of that many slots
  with `cache.add`, which is atomic in Redis (SET NX) and in the database table (its primary
  key), so requests arriving together on several workers cannot all read the same count and
  pass. A slot frees itself one period after it was taken: a sliding window.
- `use_once(token)`: a form token is good for one submission.

IPv6 clients are counted by their /64 network, which one household or one server holds.
When the cache does not answer at all (Redis down), neither limit refuses anybody: a report
of a dangerous listing must not wait for a cache to come back.
"""

import ipaddress

from django.conf import settings
from django.core.cache import caches


def _shared():
    return caches["shared"]


def client_key(address):
    """What one client is counted as: its IPv4 address, or its IPv6 /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return str(address or "unknown")[:100]
    if ip.version == 6:
        if ip.ipv4_mapped:  # ::ffff:203.0.113.7 is the IPv4 client 203.0.113.7
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def rate_limited(client, scope):
    """Count one submission of form `scope` by `client` (an address); True when over the limit."""
    cache = _shared()
    limit = settings.PUBLIC_FORM_RATE_LIMIT
    period = settings.PUBLIC_FORM_RATE_PERIOD_SECONDS
    keys = [f"ratelimit:{scope}:{client_key(client)}:{slot}" for slot in range(limit)]
    taken = cache.get_many(keys)
    for key in keys:
        if key not in taken and cache.add(key, 1, timeout=period):
            return False
    # Every slot is taken, or the cache is not answering (then nothing is found either).
    return bool(cache.get_many(keys))


def use_once(token, *, timeout):
    """True the first time `token` is used in the last `timeout` seconds, False after."""
    cache = _shared()
    key = f"formtoken:{token}"
    if cache.add(key, 1, timeout=timeout):
        return True
    return cache.get(key) is None  # not stored: the cache is not answering
