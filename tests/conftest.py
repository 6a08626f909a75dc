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
