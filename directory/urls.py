from django.contrib import admin
from django.urls import include, path

from clinics.urls import root_urlpatterns
from directory.views import healthz

admin.site.site_header = "Ketamine provider directory"
admin.site.site_title = "Directory admin"
admin.site.index_title = "Listings and reference data"

# Error pages that render without the database, in the format of the URL (directory/errors.py).
handler400 = "directory.errors.bad_request"
handler403 = "directory.errors.permission_denied"
handler404 = "directory.errors.page_not_found"
handler500 = "directory.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    *root_urlpatterns,
    # Report / claim / list-your-clinic and the moderation queue (issue 4); before clinics.urls.
    path("", include("clinics.moderation.urls")),
    path("", include("clinics.urls")),
    # Open data: HSDS and FHIR APIs, the OpenAPI description and docs, downloads (issue 8).
    path("", include("clinics.opendata.urls")),
]
