"""/compare/: the clinics of a shortlist side by side (issue 19.6), printable as a one-page
handout for a patient's doctor.

`?clinic=<slug>&clinic=<slug>` (up to four, search/shortlist.py) and an optional `near`: with
a place, each clinic is shown at its nearest location and the distance; without, at its first.
Unknown or unpublished slugs are left out and the page says so.
"""

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinics import geo
from clinics.mail import absolute_url
from clinics.models import Clinic, clinic_prefetches, latest_checks
from clinics.search import shortlist
from clinics.search.fields import MAX_NEAR_LENGTH
from clinics.search.results import insurance_by_route


def compare(request):
    asked = list(dict.fromkeys(request.GET.getlist(shortlist.COMPARE_PARAMETER)))
    slugs = shortlist.chosen(request.GET, name=shortlist.COMPARE_PARAMETER)
    found = {
        clinic.slug: clinic
        for clinic in Clinic.objects.published()
        .filter(slug__in=slugs)
        .prefetch_related(*clinic_prefetches())
    }
    place, place_error = origin(request.GET.get("near", ""))
    near = place.query if place else ""
    columns = [column(found[slug], place) for slug in slugs if slug in found]
    shown = [c["clinic"].slug for c in columns]
    for c in columns:
        others = [slug for slug in shown if slug != c["clinic"].slug]
        c["remove_url"] = shortlist.compare_url(others, near=near)
    context = {
        "columns": columns,
        "place": place,
        "place_error": place_error,
        "too_many": len(asked) > shortlist.MAX_COMPARED,
        "missing": len([slug for slug in slugs if slug not in found]),
        "max": shortlist.MAX_COMPARED,
        "search_url": search_url(shown, near),
        "today": timezone.localdate(),
        "share_url": absolute_url(request.get_full_path()),
    }
    return render(request, "clinics/compare.html", context, status=400 if place_error else 200)


def origin(text):
    """(Place or None, error message or None) for the optional `near`."""
    text = " ".join(text.split())[:MAX_NEAR_LENGTH]
    if not text or "\x00" in text:
        return None, None
    try:
        return geo.resolve_cached(text), None
    except geo.PlaceNotFound as error:
        return None, _("%(error)s The clinics are shown without distances.") % {
            "error": error.message
        }


def column(clinic, place):
    """One clinic's column: the location shown (the nearest to `place`, else the first)."""
    locations = list(clinic.locations.all())
    distance = None
    shown = locations[0] if locations else None
    if place and locations:
        measured = [
            (geo.miles_between(place.latitude, place.longitude, loc.latitude, loc.longitude), loc)
            for loc in locations
            if loc.has_coordinates
        ]
        if measured:
            distance, shown = min(measured, key=lambda pair: pair[0])
    if shown is not None:
        shown.insurance_by_route = insurance_by_route(shown)
    return {
        "clinic": clinic,
        "location": shown,
        "location_count": len(locations),
        "distance": distance,
        "checks": latest_checks(clinic),
    }


def search_url(slugs, near):
    """Back to the search, keeping the shortlist (and the place)."""
    query = QueryDict(mutable=True)
    if near:
        query["near"] = near
    query.setlist(shortlist.PARAMETER, slugs)
    text = query.urlencode()
    return f"{reverse('clinics:search')}{'?' + text if text else ''}"
