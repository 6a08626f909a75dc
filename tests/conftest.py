import pytest


@pytest.fixture(autouse=True)
def _no_network_geocoder(settings):
    """Tests never reach an online geocoder unless a test configures its own double."""
    settings.GEOCODER = ""
