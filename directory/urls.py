from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from clinics.admin.scoping import view_on_site
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
    # Before the admin's own URLs: its "view on site" shortcut, scoped like every admin page
    # (staff see their own clinics only; clinics/admin/scoping.py). Same URL, same name.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="admin-view-on-site",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # robots.txt, the sitemap, the language switch and the JSON search API: one address each.
    *root_urlpatterns,
    # Open data: HSDS and FHIR APIs, the OpenAPI description and docs, downloads (issue 8).
    path("", include("clinics.opendata.urls")),
]

# Every page people read, in English at the root and in Spanish under /es/ (issue 20).
urlpatterns += i18n_patterns(
    # Clinic staff keep their listings here (issue 17), not in the admin.
    path("manage/", include("clinics.manage.urls")),
    # Report / claim / list-your-clinic and the moderation queue (issue 4); before clinics.urls.
    path("", include("clinics.moderation.urls")),
    path("", include("clinics.urls")),
    prefix_default_language=False,
)
