"""The browse pages patients arrive on from search engines (issue 19.1):

/providers/                  every state with its number of providers
/providers/<st>/             a state's providers (in person, then remote programmes serving it),
                             its cities, and the search's filters
/providers/<st>/<city-slug>/ the providers within 25 miles of a city, with the same filters

They are searches (LocationFilter) over a fixed place; filters, pages and sorting come from
the query string exactly as on /search/. Unknown states and cities answer 404.
"""

from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from clinics import caching
from clinics.search import chosen, places, shortlist
from clinics.search.facets import unfaceted_options
from clinics.search.filters import LocationFilter
from clinics.search.paging import page_url
from clinics.search.results import describe_results
from clinics.validators import state_label

# A browse page's place is its URL: these parameters of /search/ are the page's own.
PLACE_PARAMETERS = ("near", "radius", "state", "serves")
REMOTE_SHOWN = 20


def providers_index(request):
    states = places.states_with_counts()
    context = {
        "states": states,
        "breadcrumbs": [(_("Home"), reverse("clinics:home")), (_("Providers by state"), None)],
        "listed": [state for state in states if state.total],
    }
    return render(request, "clinics/browse_index.html", context)


def _breadcrumbs_to_states():
    """Home, then the list of states: in the page's language (and under its /es/)."""
    return [
        (_("Home"), reverse("clinics:home")),
        (_("Providers by state"), reverse("clinics:providers")),
    ]


def _state_or_404(state):
    code = places.state_from_url(state)
    if code is None:
        raise Http404(f"There is no US state with the code {state[:10]!r}.")
    return code


def state_page(request, state):
    code = _state_or_404(state)
    if state != code.lower():
        return redirect("clinics:providers-state", code.lower(), permanent=True)
    context = {
        "state_code": code,
        "state_name": state_label(code),
        "place_name": state_label(code),
        "cities": places.cities(code),
        "listings_version": caching.listings_version(),
        "breadcrumbs": [*_breadcrumbs_to_states(), (state_label(code), None)],
    }
    return _browse(request, context, fixed={"state": code}, remote=code)


def city_page(request, state, city):
    code = _state_or_404(state)
    if state != code.lower():
        return redirect("clinics:providers-city", code.lower(), city, permanent=True)
    found = places.city(code, city)
    if found is None or found.latitude is None:
        raise Http404(f"No provider is listed in a city called {city[:60]!r} in {code}.")
    near = f"{found.latitude:.4f},{found.longitude:.4f}"
    context = {
        "state_code": code,
        "state_name": state_label(code),
        "city": found,
        "place_name": found.label,
        "city_near": f"{found.name}, {code}",
        "radius": places.CITY_RADIUS_MILES,
        "remote_count": _remote_count(code),
        "breadcrumbs": [
            *_breadcrumbs_to_states(),
            (state_label(code), places.state_url(code)),
            (found.name, None),
        ],
    }
    fixed = {"near": near, "radius": str(places.CITY_RADIUS_MILES)}
    return _browse(request, context, fixed=fixed)


def _browse(request, context, *, fixed, remote=None):
    """The search of the page's `fixed` place (a state, or a city's circle) with the
    request's filters; with `remote` (a state), the remote programmes serving it too."""
    data = request.GET.copy()
    for name in PLACE_PARAMETERS:
        data.pop(name, None)
    data.update(fixed or {})
    search = LocationFilter(data)
    place_only = QueryDict(mutable=True)
    place_only.update(fixed)
    base = LocationFilter(place_only)
    base.is_valid()
    context.update(
        data=request.GET,
        shortlist=shortlist.tray(request, near=context.get("city_near")),
        sort_choices=search.filters["sort"].extra["choices"],
        intro=places.introduction(base.filter_queryset(base.queryset.all())),
    )
    if not search.is_valid():
        context.update(errors=search.errors, facets=unfaceted_options(request.GET))
        return render(request, "clinics/browse.html", context, status=400)
    page = search.page()
    if page is None:
        raise Http404("There are no results on this page.")
    describe_results(page.object_list)
    context.update(
        errors={},
        page=page,
        sort=search.sort_order,
        facets=caching.cached_facets(search, data, scope=request.path),
        next_url=page_url(request, page.next_page_number()) if page.has_next() else None,
        previous_url=(
            page_url(request, page.previous_page_number()) if page.has_previous() else None
        ),
        chips=chosen.chips(request, search, fixed=fixed),
        filtered=any(
            name in data for name in search.filters if name not in ("near", "radius", "sort")
        ),
    )
    if remote is not None and page.number == 1:
        context["remote"] = _remote_results(data, remote)
    return render(request, "clinics/browse.html", context)


def _remote_search(data, code):
    """The `serves` search of the state `code`, among clinics based elsewhere."""
    return LocationFilter(data, within=places.based_elsewhere(code))


def _remote_count(code):
    search = _remote_search(QueryDict(f"serves={code}"), code)
    return search.qs.count() if search.is_valid() else 0


def _remote_results(data, code):
    """The first REMOTE_SHOWN remote programmes serving the state, with the same filters."""
    data = data.copy()
    for name in ("page", "state"):
        data.pop(name, None)
    data["serves"] = code
    data["page_size"] = str(REMOTE_SHOWN)
    search = _remote_search(data, code)
    if not search.is_valid():
        return None
    page = search.page()
    describe_results(page.object_list)
    return page
