"""What the directory caches, and when it forgets it (issue 6).

Reference data (routes, payers, ...) is kept in process memory for the search's slug and
id lookups, and facet counts are cached per search (Redis when REDIS_URL is set, shared by
every gunicorn host). Both are keyed by a *listings version* that changes whenever any
listing or reference data changes, so a change makes everything cached stale at once instead
of deleting keys one by one. Row-level changes announce themselves through model signals
(connected in apps.py); bulk writes that bypass signals (imports, merges) call
`listings_changed()`.
When the cache is down the version is new on every call: nothing is cached, nothing breaks.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.utils import translation

VERSION_KEY = "listings:version"
# Part of every key whose value is a pickled object of ours. Bump it in the change that moves
# or reshapes a pickled class: entries written by the old code are then never read, instead
# of failing to unpickle (2: search.facets.Facet, formerly clinics.filters.Facet; issue 13;
# 3: Facet.unavailable, issue 14.7; 4: Clinician moved to clinics.models.clinician).
PICKLE_FORMAT = 4
FACETS_TIMEOUT = 3600
# Parameters that choose the page or its order (or the shortlist, search/shortlist.py); facet
# counts don't depend on them.
NOT_FACET_INPUTS = {"page", "page_size", "sort", "compare"}


def listings_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or uuid.uuid4().hex
    return version


def listings_changed(**signal_kwargs):
    """Forget every cached count; usable directly or as a signal receiver."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


# Reference tables of the current listings version, kept in each process's memory: they are
# tiny, read by every search, and unpickling them from the shared cache cost more than the
# search. {version: {(model label, key): options}}, holding one version at a time.
_reference_tables = {}


def reference_options(model, key, *, version=None):
    """{key value: instance} of a reference table (routes, payers, ...) for this version.

    Every search names a few slugs and shows a few ids; reading them from memory saves a
    query each. The instances are shared between requests: read them, never change them.
    """
    version = version or listings_version()
    tables = _reference_tables.get(version)
    if tables is None:
        _reference_tables.clear()
        tables = _reference_tables[version] = {}
    options = tables.get((model._meta.label_lower, key))
    if options is None:
        options = {getattr(obj, key): obj for obj in model._default_manager.all()}
        tables[(model._meta.label_lower, key)] = options
    return options


def per_listings_version(name, compute, *, timeout=FACETS_TIMEOUT):
    """`compute()`, once per listings version and language: counts every visitor sees alike
    (the home page's) cost a scan of the listings each, yet change only when a listing does;
    what they name is in the page's language (issue 20)."""
    key = f"{name}:v{PICKLE_FORMAT}:{listings_version()}:{translation.get_language()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value


def query_digest(queryset):
    """A digest of the SQL `queryset` runs, with its parameters: names what it selects,
    however it was built; None when no row can match (Django runs no SQL then)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    return hashlib.sha256(repr((sql, params)).encode()).hexdigest()


def facets_key(data, known, scope=""):
    """The cache key of a search's facet counts: the listings version, `scope` (which page
    asks) and the values of the `known` parameters only, so that parameters the search does
    not read (`?x=1`, a tracking tag) neither make a new entry nor push others out."""
    inputs = sorted(
        (name, sorted(data.getlist(name)))
        for name in data
        if name in known and name not in NOT_FACET_INPUTS
    )
    # The language too: counts are alike, but their labels are in the page's language.
    digest = hashlib.sha256(repr((scope, translation.get_language(), inputs)).encode()).hexdigest()
    return f"facets:v{PICKLE_FORMAT}:{listings_version()}:{digest}"


def cached_facets(search, data, *, scope=""):
    """`search.facets()`, computed once per distinct search and listings version; `search`
    is the FilterSet, whose filters are the parameters the counts depend on."""
    key = facets_key(data, search.filters, scope)
    facets = cache.get(key)
    if facets is None:
        facets = search.facets()
        cache.set(key, facets, timeout=FACETS_TIMEOUT)
    return facets
