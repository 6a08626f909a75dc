from django.conf import settings


def directory(request):
    """Values every page needs: the demo-data notice, the map tile server, and whether street
    addresses are looked up (an online geocoder is configured), so forms promise no more."""
    return {
        "ADDRESS_SEARCH": bool(settings.GEOCODER),
        "DEMO_DATA_NOTICE": settings.DEMO_DATA_NOTICE,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }
