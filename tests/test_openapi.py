"""The OpenAPI description of /api/v1/ (issue 8): accurate to the app, checked by schemathesis.

schemathesis reads /api/v1/openapi.json from the WSGI app, generates requests for every
operation (a bounded number of examples each) and checks that the app never answers 5xx and
that status codes, content types and bodies match the description.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from clinics.models import Clinic, TreatmentRoute
from clinics.opendata import hsds
from directory.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(modes=[GenerationMode.POSITIVE])

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def route_pk(slug):
    return TreatmentRoute.objects.get(slug=slug).pk


@pytest.fixture
def open_data(db, settings, module_open_data):
    settings.ALLOWED_HOSTS = ["*"]
    cache.clear()
    # Requests go through the real WSGI handler, which closes the database connection when a
    # request ends; that would end the test's transaction (Django's test client does this too).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_description(case, open_data):
    case.call_and_validate(checks=CHECKS)


# The description itself ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("module_open_data")  # the module's data, for every test
def test_description_covers_the_contract(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert document["info"]["license"]["name"] == "CC BY 4.0"
    paths = document["paths"]
    for path in (
        "/api/v1/locations/",
        "/api/v1/clinics/{slug}/",
        "/api/v1/hsds/services/",
        "/api/v1/hsds/services/{id}/",
        "/api/v1/hsds/organizations/",
        "/api/v1/hsds/service_at_locations/",
        "/api/v1/hsds/taxonomies/",
        "/api/v1/hsds/taxonomy_terms/",
        "/fhir/Location",
    ):
        assert path in paths
    search = paths["/api/v1/locations/"]["get"]
    names = {parameter["name"] for parameter in search["parameters"]}
    assert names == {
        "near", "radius", "route", "condition", "insurance", "payment", "max_price",
        "psychotherapy", "telehealth", "serves", "state", "accepting", "language", "q",
        "sort", "page",
        "page_size",
    }  # fmt: skip
    assert set(search["responses"]) == {"200", "400", "404"}
    errors = document["components"]["schemas"]["Errors"]
    assert errors["required"] == ["errors"]
    assert set(paths["/api/v1/clinics/{slug}/"]["get"]["responses"]) == {"200", "404"}
    # The HSDS objects are the official schemas, with refs made local.
    service = document["components"]["schemas"]["hsds_service"]
    assert service["properties"]["phones"]["items"] == {"$ref": "#/components/schemas/hsds_phone"}


def test_search_parameters_are_generated_from_the_filterset():
    """A filter added to the search shows up in the description, typed and described."""
    from clinics.opendata.openapi.search import search_parameters
    from clinics.search import LocationFilter
    from clinics.search.fields import NumberFilter, YesFilter

    class WiderSearch(LocationFilter):
        step_free = YesFilter(method="filter_nothing", help_text="`true`: step-free entrance.")
        min_rating = NumberFilter(
            method="filter_nothing", min_value=1, max_value=5, help_text="Stars, 1 to 5."
        )

    parameters = {parameter["name"]: parameter for parameter in search_parameters(WiderSearch)}
    assert set(parameters) == {p["name"] for p in search_parameters()} | {"step_free", "min_rating"}
    assert parameters["step_free"]["schema"] == {"type": "string", "enum": ["true"]}
    assert parameters["step_free"]["description"] == "`true`: step-free entrance."
    assert parameters["min_rating"]["schema"] == {"type": "number", "minimum": 1, "maximum": 5}
    assert parameters["route"]["schema"]["type"] == "array"
    assert parameters["language"]["schema"]["items"]["pattern"] == "^[a-z]{2}$"
    assert parameters["page_size"]["schema"]["maximum"] == 100


@pytest.mark.django_db
@pytest.mark.usefixtures("module_open_data")  # the module's data, for every test
def test_docs_page_renders_every_operation_without_scripts(client):
    response = client.get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html.split("</footer>")[0].split("<main")[1]
    for text in (
        "GET /api/v1/locations/",
        "GET /api/v1/hsds/services/{id}/",
        "GET /fhir/HealthcareService",
        "CC BY 4.0",
        "Open Referral",
        "/downloads/hsds",
        "modified_after",
    ):
        assert text in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def concrete_cases(rich):
    """Requests that reach real objects, which random generation rarely finds."""
    downtown = rich.locations.get(name="Downtown")
    return [
        ("/api/v1/locations/", {}, {"near": "97205", "route": ["iv"], "page_size": 2}),
        ("/api/v1/clinics/{slug}/", {"slug": rich.slug}, {}),
        (
            "/api/v1/hsds/services/{id}/",
            {"id": hsds.hsds_id("service", rich.pk, route_pk("iv"))},
            {},
        ),
        ("/api/v1/hsds/services/", {}, {"full": "true"}),
        (
            "/api/v1/hsds/organizations/{id}/",
            {"id": hsds.hsds_id("clinic", rich.pk)},
            {"full_service": "true"},
        ),
        ("/api/v1/hsds/organizations/", {}, {"full": "true", "full_service": "true"}),
        (
            "/api/v1/hsds/service_at_locations/{id}/",
            {"id": hsds.hsds_id("service_at_location", downtown.pk, route_pk("iv"))},
            {},
        ),
        ("/api/v1/hsds/service_at_locations/", {}, {"full": "true"}),
        ("/api/v1/hsds/taxonomy_terms/{id}/", {"id": hsds.term_id("payer", "aetna")}, {}),
        ("/fhir/HealthcareService/{id}", {"id": f"service-{rich.pk}-iv"}, {}),
        ("/fhir/Location", {}, {"_count": 2}),
        ("/api/v1/hsds/services/", {}, {"modified_after": "not a date"}),
    ]


@pytest.mark.slow
def test_real_objects_conform_to_the_description(open_data):
    rich = Clinic.objects.get(slug="cascade-ketamine-center")
    for path, path_parameters, query in concrete_cases(rich):
        case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query)
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code in (200, 400), (path, response.status_code)
