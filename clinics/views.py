"""Public pages: home, a clinic's page, and the guides. Search is clinics/search/views.py.

Views parse input, call a queryset or a domain function, and render.
"""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache

from clinics import caching, languages
from clinics.clinic_page import clinic_page_context
from clinics.mail import absolute_url
from clinics.models import (
    Clinic,
    Condition,
    Location,
    TreatmentRoute,
    Verification,
    clinic_prefetches,
    valid_days,
)
from clinics.search import backlink, shortlist


def not_found(request, heading, message, back_url=None, back_label=None):
    """The site's 404 page (header, 988 line, ways back) saying what is missing."""
    context = {
        "heading": heading,
        "message": message,
        "back_url": back_url,
        "back_label": back_label,
    }
    return render(request, "404.html", context, status=404)


def guide_not_found(request):
    return not_found(
        request,
        _("Guide not found"),
        _("There is no guide at this address."),
        back_url=reverse("clinics:guides"),
        back_label=_("See all guides"),
    )


def published_counts():
    return {
        "clinic_count": Clinic.objects.published().count(),
        "location_count": Location.objects.published().count(),
    }


def home(request):
    """The counts are read once per listings version (issue 16.2: two counts over 100k
    listings cost more than the rest of the page); routes and conditions from memory."""
    context = {
        "routes": list(caching.reference_options(TreatmentRoute, "slug").values()),
        "conditions": list(caching.reference_options(Condition, "slug").values()),
        **caching.per_listings_version("home-counts", published_counts),
    }
    return render(request, "clinics/home.html", context)


def clinic_detail(request, slug):
    clinic = Clinic.objects.published().prefetch_related(*clinic_prefetches()).filter(slug=slug)
    clinic = clinic.first()
    if clinic is None:
        return not_found(
            request,
            _("Clinic not found"),
            _(
                "No clinic is listed at this address. It may have closed, changed its name, or "
                "been taken out of the directory."
            ),
        )
    context = clinic_page_context(clinic)
    context["shortlist"] = shortlist.tray(request)
    if back := backlink.came_from(request):
        context["back_url"], context["searched_from"] = back
        for location in context["locations"]:
            location.miles_from_search = backlink.miles_from(back[1], location)
    return render(request, "clinics/detail.html", context)


# What crawlers leave alone (issue 19.2): staff pages, and the APIs (their data is in the
# downloads and the pages already). The /api/ page that documents them stays crawlable.
ROBOTS_DISALLOWED = [
    *("/admin/", "/moderation/", "/manage/", "/account/", "/api/v1/", "/fhir/", "/language/"),
    *("/es/moderation/", "/es/manage/", "/es/account/"),
]


@never_cache
def switch_language(request, code):
    """The language switch on every page (issue 20): remembers the choice in the language
    cookie and goes to the page `next` names, in that language, its search kept. A link, not
    a form, so pages carry no CSRF token; robots.txt keeps crawlers out (they follow the
    hreflang alternates instead)."""
    if not languages.supported(code):
        raise Http404("No such language")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/"):
        target = "/"
    response = HttpResponseRedirect(languages.in_language(target, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED)]
    lines += ["", f"Sitemap: {absolute_url(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def guide_index(request):
    context = {"routes": TreatmentRoute.objects.all(), "conditions": Condition.objects.all()}
    return render(request, "clinics/guides.html", context)


def route_guide(request, slug):
    route = TreatmentRoute.objects.filter(slug=slug).first()
    if route is None:
        return guide_not_found(request)
    count = Location.objects.published().filter(offerings__route=route).distinct().count()
    context = {
        "route": route,
        "count": count,
        "other_routes": TreatmentRoute.objects.exclude(pk=route.pk),
    }
    return render(request, "clinics/guide_route.html", context)


def condition_guide(request, slug):
    condition = Condition.objects.filter(slug=slug).first()
    if condition is None:
        return guide_not_found(request)
    count = Location.objects.published().filter(conditions=condition).count()
    context = {"condition": condition, "count": count, "routes": TreatmentRoute.objects.all()}
    return render(request, "clinics/guide_condition.html", context)


# Trust pages (issue 19.3): who runs the directory, what "verified" means, what is kept.
# The figures they quote come from the settings and models that enforce them.


def about(request):
    context = {
        "operator": settings.SITE_OPERATOR,
        "contact_email": settings.SITE_CONTACT_EMAIL,
        "clinic_count": Clinic.objects.published().count(),
    }
    return render(request, "clinics/about.html", context)


def how_we_verify(request):
    context = {
        "checks": [
            (label, _(Verification.DEFAULT_METHODS[fact]), valid_days(fact))
            for fact, label in Verification.Fact.choices
        ],
    }
    return render(request, "clinics/how_we_verify.html", context)


def privacy(request):
    context = {
        "rate_limit_minutes": getattr(settings, "PUBLIC_FORM_RATE_PERIOD_SECONDS", 3600) // 60,
        "geocoder": settings.GEOCODER,
    }
    return render(request, "clinics/privacy.html", context)
