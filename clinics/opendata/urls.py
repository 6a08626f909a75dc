"""Open data (issue 8): the HSDS 3.0 API, the FHIR endpoints, the API description and docs,
and the bulk downloads."""

from django.urls import path

from clinics.opendata.fhir import RESOURCE_TYPES
from clinics.opendata.views import fhir, hsds, pages

app_name = "opendata"

urlpatterns = [
    path("api/", pages.api_docs, name="docs"),
    path("api/v1/openapi.json", pages.openapi_json, name="openapi"),
    path("downloads/<slug:slug>", pages.download, name="download"),
    path("api/v1/hsds/", hsds.api_root, name="hsds-root"),
    path("api/v1/hsds/services/", hsds.service_list, name="hsds-services"),
    path("api/v1/hsds/services/<str:id>/", hsds.service_detail, name="hsds-service"),
    path(
        "api/v1/hsds/service_at_locations/",
        hsds.service_at_location_list,
        name="hsds-service-at-locations",
    ),
    path(
        "api/v1/hsds/service_at_locations/<str:id>/",
        hsds.service_at_location_detail,
        name="hsds-service-at-location",
    ),
    path("api/v1/hsds/organizations/", hsds.organization_list, name="hsds-organizations"),
    path(
        "api/v1/hsds/organizations/<str:id>/",
        hsds.organization_detail,
        name="hsds-organization",
    ),
    path("api/v1/hsds/taxonomies/", hsds.taxonomy_list, name="hsds-taxonomies"),
    path("api/v1/hsds/taxonomies/<str:id>/", hsds.taxonomy_detail, name="hsds-taxonomy"),
    path("api/v1/hsds/taxonomy_terms/", hsds.taxonomy_term_list, name="hsds-taxonomy-terms"),
    path(
        "api/v1/hsds/taxonomy_terms/<str:id>/",
        hsds.taxonomy_term_detail,
        name="hsds-taxonomy-term",
    ),
    path("fhir/metadata", fhir.metadata, name="fhir-metadata"),
    *(
        route
        for resource_type in RESOURCE_TYPES
        for route in (
            path(
                f"fhir/{resource_type}",
                fhir.search_view(resource_type),
                name=f"fhir-{resource_type.lower()}-search",
            ),
            path(
                f"fhir/{resource_type}/<str:resource_id>",
                fhir.read,
                {"resource_type": resource_type},
                name=f"fhir-{resource_type.lower()}-read",
            ),
        )
    ),
]
