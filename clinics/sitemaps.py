"""sitemap.xml (Django's sitemaps framework): the pages search engines should find (issue 19.2).

Addresses are absolute from SITE_URL, never from the Host header of the request that asked.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import translation

from clinics import languages
from clinics.models import Clinic, Condition, TreatmentRoute
from clinics.search import places


class _SiteDomain:
    """What Sitemap.get_domain() reads from a Site: the host (and path) of SITE_URL."""

    def __init__(self, domain):
        self.domain = domain


class PublicSitemap(Sitemap):
    """A sitemap whose addresses start with SITE_URL, every page in English and in Spanish,
    each naming the other as its alternate (issue 20)."""

    i18n = True
    alternates = True
    x_default = True

    def get_urls(self, page=1, site=None, protocol=None):
        scheme, _, rest = settings.SITE_URL.partition("://")
        return super().get_urls(page=page, site=_SiteDomain(rest), protocol=scheme)


class ClinicSitemap(PublicSitemap):
    """Every published clinic page, with the date its listing last changed."""

    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return (
            Clinic.objects.published()
            .listings()
            .annotate(
                changed_at=Greatest(
                    "updated_at", Coalesce(Max("locations__updated_at"), "updated_at")
                )
            )
            .only("slug", "updated_at")
            .order_by("slug")
        )

    def lastmod(self, clinic):
        return clinic.changed_at


class PageSitemap(PublicSitemap):
    """Pages that are always there: home, search, guides, the trust pages."""

    changefreq = "monthly"
    names = [
        "clinics:home",
        "clinics:search",
        "clinics:providers",
        "clinics:guides",
        "clinics:about",
        "clinics:how-we-verify",
        "clinics:privacy",
    ]

    def items(self):
        return list(self.names)

    def location(self, name):
        return reverse(name)


class GuideSitemap(PublicSitemap):
    """One page per treatment route and per condition."""

    changefreq = "monthly"

    def items(self):
        return [
            *(("clinics:route-guide", route.slug) for route in TreatmentRoute.objects.all()),
            *(("clinics:condition-guide", cond.slug) for cond in Condition.objects.all()),
        ]

    def location(self, item):
        name, slug = item
        return reverse(name, args=[slug])


class PlaceSitemap(PublicSitemap):
    """The state pages with providers (in person or remote), and every city page."""

    changefreq = "weekly"
    priority = 0.7

    def items(self):
        states = [state.url for state in places.states_with_counts() if state.total]
        return [*states, *(city.url for city in places.cities() if city.latitude is not None)]

    def location(self, url):
        # Sitemap.i18n calls this with each language active.
        return languages.in_language(url, translation.get_language())


SITEMAPS = {
    "pages": PageSitemap,
    "places": PlaceSitemap,
    "guides": GuideSitemap,
    "clinics": ClinicSitemap,
}
