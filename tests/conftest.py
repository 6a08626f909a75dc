import pytest
from django.db import transaction
from django.test import override_settings


def pytest_collection_modifyitems(items):
    """Browser tests are slow tests too (docs/testing.md: what the slow marker is for)."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _no_network_geocoder(settings):
    """Tests never reach an online geocoder unless a test configures its own double."""
    settings.GEOCODER = ""


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Users get passwords in milliseconds, not the half second a production hash costs."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _english_to_begin_with():
    """Each test starts in the default language: a Spanish request in an earlier test leaves
    its language active in the thread (LocaleMiddleware activates, nothing deactivates)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rolled-back rows must not live on in cached counts."""
    from django.core.cache import cache

    cache.clear()


class ModuleData:
    """Data built once for a test module, inside a transaction that outlives its tests.

    Django's TestCase.setUpTestData for pytest: each test still runs in its own savepoint,
    so what a test writes is undone after it, and gets a deep copy of the built objects, so
    what it changes in memory is too. The transaction is rolled back after the module.
    """

    def __init__(self, blocker):
        self.blocker = blocker

    def build(self, builder, *args, **kwargs):
        with self.blocker.unblock(), override_settings(GEOCODER=""):
            return builder(*args, **kwargs)


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction around a whole test module, for data its tests share (see ModuleData).

    Use it in modules whose every database test starts from the same data, and only for
    tests that run in a transaction (not transactional_db or live_server): request the
    shared fixture from every test of the module (`pytest.mark.usefixtures`), so no test
    sees data it did not ask for, whatever the order the tests run in.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield ModuleData(django_db_blocker)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# The data sets of tests/builders/datasets.py, once per module that uses them.


@pytest.fixture(scope="module")
def module_search_listings(module_db):
    from tests.builders import build_search_listings

    return module_db.build(build_search_listings)


@pytest.fixture(scope="module")
def module_open_data(module_db):
    from tests.builders import build_open_data_listings

    return module_db.build(build_open_data_listings)


@pytest.fixture(autouse=True)
def _location_masks_match_offerings(request):
    """After every test that writes to the database, the location masks still tell the truth.

    The route and insurance filters read Location.route_mask and payer_mask, not the offerings
    and acceptances, so a write path that forgets to refresh them would silently hide or show
    clinics; this catches it in whichever test runs it.
    """
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if not uses_db:
        yield
        return
    request.getfixturevalue("db")
    yield
    from django.db import DatabaseError, connection

    from clinics.models import Location, location_masks

    if connection.needs_rollback:
        return  # the test ended inside a failed transaction on purpose
    try:
        rows = Location.objects.values_list("pk", "route_mask", "payer_mask")
        stored = {pk: (route_mask, payer_mask) for pk, route_mask, payer_mask in rows}
    except DatabaseError:
        return  # the test took the database away on purpose
    assert stored == location_masks(stored), "A location's masks no longer match its offerings"
