import pytest


@pytest.fixture(autouse=True)
def _no_network_geocoder(settings):
    """Tests never reach an online geocoder unless a test configures its own double."""
    settings.GEOCODER = ""


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rolled-back rows must not live on in cached counts."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _payer_masks_match_acceptances(request):
    """After every test that writes to the database, Location.payer_mask still tells the truth.

    The insurance filter reads the mask, not the acceptances, so a write path that forgets to
    refresh it would silently hide or show clinics; this catches it in whichever test runs it.
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

    from clinics.models import Location, payer_masks

    if connection.needs_rollback:
        return  # the test ended inside a failed transaction on purpose
    try:
        stored = dict(Location.objects.values_list("pk", "payer_mask"))
    except DatabaseError:
        return  # the test took the database away on purpose

    assert stored == payer_masks(stored), "Location.payer_mask no longer matches the acceptances"
