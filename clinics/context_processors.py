from django.conf import settings
from django.utils import translation

from clinics import languages
from clinics.mail import absolute_url


def directory(request):
    """Values every page needs: the demo-data notice, the map tile server, whether street
    addresses are looked up (an online geocoder is configured), so forms promise no more, and
    the page's canonical address (SITE_URL and the path without its query: a search or a
    browse page with filters stands for its filter-free form; issue 19.2), the page's language
    and its addresses in every language (the switch and hreflang alternates; issue 20)."""
    return {
        "ADDRESS_SEARCH": bool(settings.GEOCODER),
        "DEMO_DATA_NOTICE": settings.DEMO_DATA_NOTICE,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "canonical_url": absolute_url(request.path_info) if request is not None else "",
        "LANGUAGE_CODE": translation.get_language(),
        "language_alternates": languages.alternates(request) if request is not None else [],
    }
