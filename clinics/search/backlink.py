"""The way back from a clinic page to the results a patient came from (issue 19.5).

Read from the Referer header, which the site's `same-origin` referrer policy sends for its own
pages only: no parameter to carry on every result link, and it works without JavaScript.
"""

from urllib.parse import parse_qs, urlsplit

from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_path

from clinics import geo

RESULT_PAGES = ("/search/", "/providers/")


def came_from(request):
    """(url of the results page, the Place it searched from or None), or None when the
    patient did not come from a results page of this site."""
    referer = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(referer)
    if not _without_language(parts.path).startswith(RESULT_PAGES):
        return None
    near = parse_qs(parts.query).get("near", [""])[0]
    place = None
    if near:
        try:
            place = geo.resolve_cached(near)
        except geo.PlaceNotFound:
            place = None
    return parts.path + (f"?{parts.query}" if parts.query else ""), place


def _without_language(path):
    """The path without its language prefix: /es/search/ is the results page too (issue 20)."""
    language = get_language_from_path(path)
    if language and path.startswith(f"/{language}/"):
        return path[len(language) + 1 :]
    return path


def miles_from(place, location):
    """Miles from the searched place to a location, or None without coordinates."""
    if place is None or not location.has_coordinates:
        return None
    return geo.miles_between(place.latitude, place.longitude, location.latitude, location.longitude)
