from django.contrib.sitemaps.views import sitemap
from django.urls import path

from clinics import compare, views
from clinics.search import api, browse
from clinics.search import views as search
from clinics.sitemaps import SITEMAPS

app_name = "clinics"

# Crawler files at the site's root, outside the "clinics" namespace (robots.txt names the sitemap).
root_urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("language/<slug:code>/", views.switch_language, name="switch_language"),
    # The JSON search API: one address whatever the language (outside i18n_patterns).
    path("api/v1/locations/", api.location_list, name="api-locations"),
    path("api/v1/clinics/<slug:slug>/", api.clinic_detail, name="api-clinic"),
]

# The pages, in every language: English at the root, Spanish under /es/ (directory/urls.py).

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search.search, name="search"),
    path("providers/", browse.providers_index, name="providers"),
    path("providers/<slug:state>/", browse.state_page, name="providers-state"),
    path("providers/<slug:state>/<slug:city>/", browse.city_page, name="providers-city"),
    path("clinics/<slug:slug>/", views.clinic_detail, name="detail"),
    path("guides/", views.guide_index, name="guides"),
    path("guides/routes/<slug:slug>/", views.route_guide, name="route-guide"),
    path("guides/conditions/<slug:slug>/", views.condition_guide, name="condition-guide"),
    path("compare/", compare.compare, name="compare"),
    path("about/", views.about, name="about"),
    path("how-we-verify/", views.how_we_verify, name="how-we-verify"),
    path("privacy/", views.privacy, name="privacy"),
]
