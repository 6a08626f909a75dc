"""The clinics a patient chose to compare (issue 19.6), kept in the URL: no session, no cookie,
no JavaScript. Results, browse and clinic pages carry `compare=<slug>` (repeated, up to four);
/compare/ reads `clinic=<slug>` (and an optional `near`), so a comparison can be shared or
bookmarked."""

import re

from django.http import QueryDict
from django.urls import reverse

from clinics.models import Clinic

MAX_COMPARED = 4
PARAMETER = "compare"  # on results, browse and clinic pages
COMPARE_PARAMETER = "clinic"  # on /compare/
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


def chosen(query, name=PARAMETER):
    """The slugs in `query` (a QueryDict): well-formed, each once, at most MAX_COMPARED."""
    slugs = [slug for slug in dict.fromkeys(query.getlist(name)) if SLUG_RE.match(slug)]
    return slugs[:MAX_COMPARED]


def _url(request, slugs, anchor=""):
    query = request.GET.copy()
    query.setlist(PARAMETER, slugs)
    text = query.urlencode()
    return f"{request.path}{'?' + text if text else ''}{anchor}"


def added_url(request, slug, anchor=""):
    """This page with `slug` added to the shortlist (None when it is full)."""
    slugs = chosen(request.GET)
    if slug in slugs:
        return _url(request, slugs, anchor)
    if len(slugs) >= MAX_COMPARED:
        return None
    return _url(request, [*slugs, slug], anchor)


def removed_url(request, slug, anchor=""):
    return _url(request, [s for s in chosen(request.GET) if s != slug], anchor)


def carried(request, url):
    """`url` (a clinic page, say) with this page's shortlist, so it follows the patient."""
    slugs = chosen(request.GET)
    if not slugs:
        return url
    path, hash_mark, anchor = url.partition("#")
    query = QueryDict(mutable=True)
    query.setlist(PARAMETER, slugs)
    return f"{path}?{query.urlencode()}{hash_mark}{anchor}"


def compare_url(slugs, near=""):
    query = QueryDict(mutable=True)
    query.setlist(COMPARE_PARAMETER, list(slugs))
    if near:
        query["near"] = near
    return f"{reverse('clinics:compare')}?{query.urlencode()}"


def tray(request, near=None):
    """What a page shows of the shortlist: the chosen clinics (one query) and the way to
    compare them (from `near`, else the page's own `near`); None when nothing is chosen."""
    slugs = chosen(request.GET)
    if not slugs:
        return None
    names = dict(Clinic.objects.published().filter(slug__in=slugs).values_list("slug", "name"))
    listed = [slug for slug in slugs if slug in names]
    return {
        "slugs": listed,
        "clinics": [(names[slug], removed_url(request, slug)) for slug in listed],
        "compare_url": compare_url(listed, near=near or request.GET.get("near", "")),
        "clear_url": _url(request, []),
        "full": len(slugs) >= MAX_COMPARED,
        "max": MAX_COMPARED,
    }
