"""The search page, /search/: the same parameters, results and errors as /api/v1/locations/."""

from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from clinics import caching
from clinics.models import Clinic
from clinics.search import chosen, shortlist
from clinics.search.facets import unfaceted_options
from clinics.search.fields import DEFAULT_RADIUS_MILES, MAX_RADIUS_MILES
from clinics.search.filters import LocationFilter
from clinics.search.paging import page_url
from clinics.search.prices import RANGE_EXPLAINED
from clinics.search.results import describe_results
from clinics.validators import US_STATES

RADIUS_CHOICES = [5, 10, 25, 50, 100, 250, 500]


def search(request):
    """The results page: the same parameters, results and errors as /api/v1/locations/."""
    search = LocationFilter(request.GET)
    context = {
        "data": request.GET,
        "shortlist": shortlist.tray(request),
        "radius_options": radius_options(request.GET.get("radius", "")),
        "sort_choices": search.filters["sort"].extra["choices"],
    }
    if not search.is_valid():
        state_url = state_search_url(request, search.form)
        if state_url and not getattr(search.form, "near_ambiguous", False):
            return redirect(state_url)  # "Texas" is the search of Texas
        context.update(
            errors=search.errors,
            facets=unfaceted_options(request.GET),
            near_suggestions=[
                (place, replaced_url(request, near=place))
                for place in getattr(search.form, "near_suggestions", [])
            ],
            near_state=state_url and (US_STATES[search.form.near_state], state_url),
        )
        return render(request, "clinics/search.html", context, status=400)
    page = search.page()
    if page is None:
        return page_past_the_end(request)
    describe_results(page.object_list)
    if not page.paginator.count:
        context.update(no_results_suggestions(request, search))
    context["remote"] = remote_programmes(request, search)
    context.update(
        chips=chosen.chips(request, search),
        clear_all_url=chosen.clear_all_url(request),
        heading=chosen.heading(search, page.paginator.count),
    )
    context.update(
        errors={},
        page=page,
        origin=search.place,
        radius=search.radius_miles,
        sort=search.sort_order,
        price_order=search.price_order_label,
        price_range_explained=RANGE_EXPLAINED,
        facets=caching.cached_facets(search, request.GET),
        sort_links=sort_links(request, search),
        next_url=page_url(request, page.next_page_number()) if page.has_next() else None,
        previous_url=(
            page_url(request, page.previous_page_number()) if page.has_previous() else None
        ),
        map_origin=search.place
        and {
            "lat": search.place.latitude,
            "lng": search.place.longitude,
            "label": search.place.label,
            "radius_miles": None if search.form.cleaned_data.get("serves") else search.radius_miles,
        },
        map_points=[
            map_point(location, page.start_index() + index)
            for index, location in enumerate(page.object_list)
            if location.has_coordinates
        ],
    )
    return render(request, "clinics/search.html", context)


def map_point(location, number):
    """A numbered marker of the results map: five decimals place it within a metre, and the
    clinic is named only when the location has a name of its own (the page's weight, issue 7)."""
    name = location.name or location.clinic.name
    point = {
        "number": number,
        "lat": round(location.latitude, 5),
        "lng": round(location.longitude, 5),
        "name": name,
        "url": location.get_absolute_url(),
    }
    if location.clinic.name != name:
        point["clinic"] = location.clinic.name
    return point


def state_search_url(request, form):
    """The state's page (/providers/tx/, issue 19.1) for the state named in `near`
    ("Texas"), with the other filters; None when `near` names no state."""
    state = getattr(form, "near_state", None)
    if not state:
        return None
    query = request.GET.copy()
    for key in ("near", "radius", "page", "state", "serves"):
        query.pop(key, None)
    if query.get("sort") == "distance":
        query.pop("sort")
    path = reverse("clinics:providers-state", args=[state.lower()])
    return f"{path}?{query.urlencode()}" if query else path


def page_past_the_end(request):
    """404 for a page the results no longer reach (a shared link, a stale bookmark)."""
    context = {
        "heading": _("This page no longer exists"),
        "message": _(
            "These results have fewer pages now: listings change, so a link to a later "
            "page can outlive it. The same search starts again on page 1."
        ),
        "back_url": replaced_url(request),
        "back_label": _("Go to page 1 of these results"),
    }
    return render(request, "404.html", context, status=404)


def radius_options(current):
    """[(value, selected)] for the radius menu, keeping a radius typed into the URL."""
    values = [str(miles) for miles in RADIUS_CHOICES]
    current = current.strip()
    if current and current not in values:
        try:
            if 1 <= float(current) <= MAX_RADIUS_MILES:
                values.append(current)
                values.sort(key=float)
        except ValueError:
            pass
    chosen = current if current in values else str(DEFAULT_RADIUS_MILES)
    return [(value, value == chosen) for value in values]


def replaced_url(request, **values):
    """This search with some parameters replaced, from page 1."""
    query = request.GET.copy()
    for key, value in values.items():
        query[key] = str(value)
    query.pop("page", None)
    return f"{request.path}?{query.urlencode()}"


def sort_links(request, search):
    """[(label, url or None for the current order)]: re-sorting without the form or JS."""
    links = []
    for value, label in search.filters["sort"].extra["choices"]:
        if value == "distance" and not search.place:
            continue
        current = value == search.sort_order
        links.append((label, None if current else replaced_url(request, sort=value)))
    return links


def remote_programmes(request, search):
    """How many telehealth or at-home programmes serve the origin's state, with the search
    for them (the same place, so distances show), unless that is the search shown."""
    state = search.place.state if search.place else ""
    if not state or search.form.cleaned_data.get("serves"):
        return None
    kept = QueryDict(mutable=True)
    kept.update({"near": request.GET["near"], "serves": state})
    # A scan of the clinics (16 ms at 100k) that only a listing's change can change.
    count = caching.per_listings_version(
        f"serving-count:{state}", Clinic.objects.serving(state).count
    )
    return {"count": count, "state": US_STATES[state], "url": f"{request.path}?{kept.urlencode()}"}


def no_results_suggestions(request, search):
    """Links for an empty result: a wider circle, or the same place without other filters."""
    suggestions = {}
    if search.place:
        wider = next((miles for miles in RADIUS_CHOICES if miles > search.radius_miles), None)
        if wider:
            suggestions.update(wider_radius=wider, wider_url=replaced_url(request, radius=wider))
        kept = QueryDict(mutable=True)
        kept["near"] = request.GET["near"]
        if "radius" in request.GET:
            kept["radius"] = request.GET["radius"]
        suggestions["fewer_url"] = f"{request.path}?{kept.urlencode()}"
    elif len(request.GET):
        suggestions["fewer_url"] = request.path
    return suggestions
