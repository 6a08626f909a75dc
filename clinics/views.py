"""Public pages. Views parse input, call a queryset or a domain function, and render."""

from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst

from clinics import caching
from clinics.api import published_clinic_with_details
from clinics.filters import (
    DEFAULT_RADIUS_MILES,
    MAX_RADIUS_MILES,
    LocationFilter,
    page_url,
    unfaceted_options,
)
from clinics.models import Clinic, Condition, Location, TreatmentRoute

RADIUS_CHOICES = [5, 10, 25, 50, 100, 250, 500]


def home(request):
    context = {
        "routes": TreatmentRoute.objects.all(),
        "conditions": Condition.objects.all(),
        "clinic_count": Clinic.objects.published().count(),
        "location_count": Location.objects.published().count(),
    }
    return render(request, "clinics/home.html", context)


def search(request):
    """The results page: the same parameters, results and errors as /api/v1/locations/."""
    search = LocationFilter(request.GET)
    context = {
        "data": request.GET,
        "radius_options": radius_options(request.GET.get("radius", "")),
        "sort_choices": search.filters["sort"].extra["choices"],
    }
    if not search.is_valid():
        context.update(
            errors=search.errors,
            facets=unfaceted_options(request.GET),
            near_suggestions=[
                (place, replaced_url(request, near=place))
                for place in getattr(search.form, "near_suggestions", [])
            ],
        )
        return render(request, "clinics/search.html", context, status=400)
    page = search.page()
    if page is None:
        raise Http404("There are no results on this page.")
    for location in page.rows:
        location.insurance_summary = insurance_summary(location.summary.payer_acceptances)
        location.psychotherapy_summary = psychotherapy_summary(location.clinic)
    if not page.count:
        context.update(no_results_suggestions(request, search))
    context.update(
        errors={},
        page=page,
        origin=search.place,
        radius=search.radius_miles,
        sort=search.sort_order,
        facets=caching.cached_facets(search, request.GET),
        sort_links=sort_links(request, search),
        next_url=page_url(request, page.number + 1) if page.has_next else None,
        previous_url=page_url(request, page.number - 1) if page.has_previous else None,
        map_points=[
            {
                "lat": location.latitude,
                "lng": location.longitude,
                "name": location.name or location.clinic.name,
                "clinic": location.clinic.name,
                "url": location.get_absolute_url(),
            }
            for location in page.rows
            if location.has_coordinates
        ],
    )
    return render(request, "clinics/search.html", context)


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


def psychotherapy_summary(clinic):
    parts = [
        text
        for offered, text in (
            (clinic.offers_kap, "ketamine-assisted psychotherapy in house"),
            (clinic.works_with_own_therapist, "works with your own therapist"),
            (clinic.offers_integration, "integration sessions"),
        )
        if offered
    ]
    return capfirst("; ".join(parts)) if parts else "Not offered"


def insurance_summary(acceptances):
    """Payer names, with the routes they cover when they don't cover every route."""
    routes_by_payer = {}
    for acceptance in acceptances:
        routes_by_payer.setdefault(acceptance.payer.name, []).append(acceptance.route)
    return [
        name if None in routes else f"{name} ({', '.join(route.name for route in routes)})"
        for name, routes in routes_by_payer.items()
    ]


def insurance_by_route(location):
    """[(route or None, [payer, ...]), ...]: None means "for every route offered here"."""
    groups = {}
    for acceptance in location.payer_acceptances.all():
        groups.setdefault(acceptance.route, []).append(acceptance.payer)
    return sorted(
        groups.items(), key=lambda item: (item[0] is not None, item[0] and item[0].sort_order)
    )


def clinic_json_ld(request, clinic, locations):
    """schema.org MedicalClinic: each location a department with its address and position."""

    def place(location):
        data = {
            "@type": "MedicalClinic",
            "name": location.name or clinic.name,
            "telephone": location.phone or clinic.phone,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": " ".join(
                    filter(None, [location.address_line1, location.address_line2])
                ),
                "addressLocality": location.city,
                "addressRegion": location.state,
                "postalCode": location.postal_code,
                "addressCountry": location.country,
            },
        }
        if location.has_coordinates:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": location.latitude,
                "longitude": location.longitude,
            }
        return data

    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": clinic.name,
        "url": request.build_absolute_uri(clinic.get_absolute_url()),
        "telephone": clinic.phone,
        "isAcceptingNewPatients": clinic.accepting_new_patients,
        "medicalSpecialty": "Psychiatric",
        "availableService": [
            {"@type": "MedicalTherapy", "name": name}
            for name in dict.fromkeys(
                offering.route.name
                for location in locations
                for offering in location.offerings.all()
            )
        ],
    }
    if clinic.description:
        data["description"] = clinic.description
    if clinic.website:
        data["sameAs"] = clinic.website
    if locations:
        data.update({key: value for key, value in place(locations[0]).items() if key != "@type"})
        data["name"] = clinic.name
    if len(locations) > 1:
        data["department"] = [place(location) for location in locations]
    return data


def clinic_detail(request, slug):
    clinic = get_object_or_404(published_clinic_with_details(), slug=slug)
    locations = list(clinic.locations.all())
    for location in locations:
        location.insurance_by_route = insurance_by_route(location)
    context = {
        "clinic": clinic,
        "locations": locations,
        "json_ld": clinic_json_ld(request, clinic, locations),
        "map_points": [
            {
                "lat": location.latitude,
                "lng": location.longitude,
                "name": location.name or clinic.name,
                "clinic": location.label,
                "url": f"#loc-{location.pk}",
            }
            for location in locations
            if location.has_coordinates
        ],
    }
    return render(request, "clinics/detail.html", context)


def guide_index(request):
    context = {"routes": TreatmentRoute.objects.all(), "conditions": Condition.objects.all()}
    return render(request, "clinics/guides.html", context)


def route_guide(request, slug):
    route = get_object_or_404(TreatmentRoute, slug=slug)
    count = Location.objects.published().filter(offerings__route=route).distinct().count()
    context = {
        "route": route,
        "count": count,
        "other_routes": TreatmentRoute.objects.exclude(pk=route.pk),
    }
    return render(request, "clinics/guide_route.html", context)


def condition_guide(request, slug):
    condition = get_object_or_404(Condition, slug=slug)
    count = Location.objects.published().filter(conditions=condition).count()
    context = {"condition": condition, "count": count, "routes": TreatmentRoute.objects.all()}
    return render(request, "clinics/guide_condition.html", context)
