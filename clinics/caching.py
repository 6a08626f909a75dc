"""What the directory caches, and when it forgets it (issue 6).

Reference data (routes, payers, ...) is cached for the search's slug lookups, and facet
counts are cached per search (Redis when REDIS_URL is set, shared by every gunicorn
host). Their keys carry a *listings version* that changes whenever any listing or reference
data changes, so a change makes every cached count stale at once instead of deleting keys one
by one. Row-level changes announce themselves through model signals (connected in
apps.py); bulk writes that bypass signals (imports, merges) call `listings_changed()`.
When the cache is down the version is new on every call: nothing is cached, nothing breaks.
"""

import hashlib
import uuid

from django.core.cache import cache

VERSION_KEY = "listings:version"
FACETS_TIMEOUT = 3600
# Parameters that choose the page or its order; facet counts don't depend on them.
NOT_FACET_INPUTS = {"page", "page_size", "sort"}


def listings_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or uuid.uuid4().hex
    return version


def listings_changed(**signal_kwargs):
    """Forget every cached count; usable directly or as a signal receiver."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def reference_options(model, key):
    """{key value: instance} of a reference table (routes, payers, ...), cached per version.

    Every search names a few slugs; reading them from the cache saves a query each.
    """
    cache_key = f"reference:{listings_version()}:{model._meta.label_lower}:{key}"
    options = cache.get(cache_key)
    if options is None:
        options = {getattr(obj, key): obj for obj in model._default_manager.all()}
        cache.set(cache_key, options, timeout=FACETS_TIMEOUT)
    return options


def facets_key(data):
    inputs = sorted(
        (name, sorted(data.getlist(name))) for name in data if name not in NOT_FACET_INPUTS
    )
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()
    return f"facets:{listings_version()}:{digest}"


def cached_facets(search, data):
    """`search.facets()`, computed once per distinct search and listings version."""
    key = facets_key(data)
    facets = cache.get(key)
    if facets is None:
        facets = search.facets()
        cache.set(key, facets, timeout=FACETS_TIMEOUT)
    return facets
