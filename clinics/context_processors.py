from django.conf import settings


def directory(request):
    """Values every page needs: the demo-data notice and the map tile server."""
    return {
        "DEMO_DATA_NOTICE": settings.DEMO_DATA_NOTICE,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }
