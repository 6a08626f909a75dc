"""Open data (issue 8): the HSDS 3.0 API, the FHIR endpoints, the API description and docs,
and the bulk downloads."""

from django.urls import path

from clinics import fhir, fhir_api, hsds_api, opendata_views

app_name = "opendata"

urlpatterns = [
    path("api/", opendata_views.api_docs, name="docs"),
    path("api/v1/openapi.json", opendata_views.openapi_json, name="openapi"),
    path("downloads/<slug:slug>", opendata_views.download, name="download"),
    path("api/v1/hsds/", hsds_api.api_root, name="hsds-root"),
    path("api/v1/hsds/services/", hsds_api.service_list, name="hsds-services"),
    path("api/v1/hsds/services/<str:id>/", hsds_api.service_detail, name="hsds-service"),
    path(
        "api/v1/hsds/service_at_locations/",
        hsds_api.service_at_location_list,
        name="hsds-service-at-locations",
    ),
    path(
        "api/v1/hsds/service_at_locations/<str:id>/",
        hsds_api.service_at_location_detail,
        name="hsds-service-at-location",
    ),
    path("api/v1/hsds/organizations/", hsds_api.organization_list, name="hsds-organizations"),
    path(
        "api/v1/hsds/organizations/<str:id>/",
        hsds_api.organization_detail,
        name="hsds-organization",
    ),
    path("api/v1/hsds/taxonomies/", hsds_api.taxonomy_list, name="hsds-taxonomies"),
    path("api/v1/hsds/taxonomies/<str:id>/", hsds_api.taxonomy_detail, name="hsds-taxonomy"),
    path("api/v1/hsds/taxonomy_terms/", hsds_api.taxonomy_term_list, name="hsds-taxonomy-terms"),
    path(
        "api/v1/hsds/taxonomy_terms/<str:id>/",
        hsds_api.taxonomy_term_detail,
        name="hsds-taxonomy-term",
    ),
    *(
        route
        for resource_type in fhir.RESOURCE_TYPES
        for route in (
            path(
                f"fhir/{resource_type}",
                fhir_api.search_view(resource_type),
                name=f"fhir-{resource_type.lower()}-search",
            ),
            path(
                f"fhir/{resource_type}/<str:resource_id>",
                fhir_api.read,
                {"resource_type": resource_type},
                name=f"fhir-{resource_type.lower()}-read",
            ),
        )
    ),
]
