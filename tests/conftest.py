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
