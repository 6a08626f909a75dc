"""FHIR clients can start (issue 18.8): /fhir/metadata, the Plan-Net search parameters, and
a 400 OperationOutcome for any parameter this server does not support (before, `/fhir/
Location?address-state=OR` silently answered every location). Bundles and the
CapabilityStatement are read with the fhir.resources R4B models, as a client would."""

import copy

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome

from clinics.opendata.fhir import RESOURCE_TYPES
from tests.builders import ClinicFactory, add_location

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("listings")]


@pytest.fixture
def listings(module_open_data):
    listings = copy.deepcopy(module_open_data)
    listings.texas = ClinicFactory(name="Lone Star Ketamine", slug="lone-star")
    add_location(
        listings.texas, name="Austin Office", address_line1="7 Example Rd", city="Austin",
        state="TX", postal_code="78701", routes=["esketamine"],
    )  # fmt: skip
    return listings


def get(client, url, expect=200):
    response = client.get(url)
    assert response.status_code == expect, (url, response.content)
    assert response["Content-Type"] == "application/fhir+json"
    return response.json()


def found(client, url):
    """The resources of a searchset, read as a FHIR client reads them."""
    bundle = Bundle.model_validate(get(client, url))
    assert bundle.total == len(bundle.entry or [])
    return [entry.resource for entry in bundle.entry or []]


def names(client, url):
    return sorted(resource.name for resource in found(client, url))


def refused(client, url):
    outcome = OperationOutcome.model_validate(get(client, url, expect=400))
    return outcome.issue[0].diagnostics


# The CapabilityStatement ----------------------------------------------------------------------


def capability(client):
    return CapabilityStatement.model_validate(get(client, "/fhir/metadata"))


def test_metadata_is_a_capability_statement_of_the_four_resources(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        statement = capability(client)
    assert (statement.kind, statement.fhirVersion, statement.status) == (
        "instance",
        "4.0.1",
        "active",
    )
    assert "application/fhir+json" in statement.format
    (rest,) = statement.rest
    assert rest.mode == "server"
    assert [resource.type for resource in rest.resource] == list(RESOURCE_TYPES)
    params = {r.type: {p.name for p in r.searchParam} for r in rest.resource}
    assert {"name", "address-state", "address-postalcode", "address-city", "_id"} <= (
        params["Organization"] & params["Location"]
    )
    assert {"organization", "location", "service-category", "_id"} <= (
        params["HealthcareService"] & params["PractitionerRole"]
    )
    for resource in rest.resource:
        assert {i.code for i in resource.interaction} == {"read", "search-type"}
        assert resource.supportedProfile[0].endswith(f"plannet-{resource.type}")


def sample_value(listings, param):
    rich_location = listings.rich.locations.order_by("pk").first()
    return {
        "_id": f"clinic-{listings.rich.pk}",
        "_lastUpdated": "gt2000-01-01",
        "name": "C",
        "address-city": "Portland",
        "address-state": "OR",
        "address-postalcode": "97205",
        "organization": f"Organization/clinic-{listings.rich.pk}",
        "location": f"Location/location-{rich_location.pk}",
        "service-category": "behav",
    }[param]


def test_every_parameter_the_statement_lists_is_answered(client, listings):
    for resource in capability(client).rest[0].resource:
        for param in resource.searchParam:
            value = sample_value(listings, param.name)
            bundle = Bundle.model_validate(
                get(client, f"/fhir/{resource.type}?{param.name}={value}")
            )
            assert bundle.type == "searchset"


# Organization and Location -------------------------------------------------------------------


def test_address_state_keeps_the_locations_in_the_state(client):
    portland = ["Bridge Clinic", "Downtown", "Eastside"]
    assert names(client, "/fhir/Location?address-state=OR") == portland
    assert names(client, "/fhir/Location?address-state=or") == portland
    assert names(client, "/fhir/Location?address-state=TX") == ["Austin Office"]
    assert names(client, "/fhir/Organization?address-state=TX") == ["Lone Star Ketamine"]
    # A comma is OR; a repeated parameter is AND.
    assert len(found(client, "/fhir/Organization?address-state=TX,OR")) == 3
    assert found(client, "/fhir/Location?address-state=TX&address-state=OR") == []


def test_city_and_postal_code_match_from_the_start(client):
    assert names(client, "/fhir/Location?address-city=austin") == ["Austin Office"]
    assert names(client, "/fhir/Location?address-postalcode=787") == ["Austin Office"]
    assert names(client, "/fhir/Organization?address-postalcode:exact=787") == []
    assert names(client, "/fhir/Organization?address-postalcode=97205&address-city=Portland") == [
        "Bridge Clinic",
        "Cascade Ketamine Center",
    ]


def test_name_starts_with_or_exact_or_contains(client):
    assert names(client, "/fhir/Organization?name=cascade") == ["Cascade Ketamine Center"]
    assert names(client, "/fhir/Organization?name:exact=Cascade") == []
    assert names(client, "/fhir/Organization?name:contains=ketamine") == [
        "Cascade Ketamine Center",
        "Lone Star Ketamine",
    ]
    # A location without a name of its own goes by its clinic's.
    assert names(client, "/fhir/Location?name=bridge") == ["Bridge Clinic"]
    assert names(client, "/fhir/Location?name=down") == ["Downtown"]
    # Unpublished listings are never found.
    assert found(client, "/fhir/Organization?name=Draft") == []


def test_id_takes_several_ids_and_ignores_ones_that_name_nothing(client, listings):
    url = f"/fhir/Organization?_id=clinic-{listings.rich.pk},clinic-{listings.texas.pk},nonsense"
    assert names(client, url) == ["Cascade Ketamine Center", "Lone Star Ketamine"]
    assert found(client, f"/fhir/Organization?_id=clinic-{listings.draft.pk}") == []


def test_location_by_organization(client, listings):
    url = f"/fhir/Location?organization=Organization/clinic-{listings.rich.pk}"
    assert names(client, url) == ["Downtown", "Eastside"]


# HealthcareService and PractitionerRole --------------------------------------------------------


def test_services_by_organization_location_category_and_id(client, listings):
    rich = listings.rich.pk
    eastside = listings.rich.locations.get(name="Eastside").pk
    ids = lambda url: sorted(resource.id for resource in found(client, url))  # noqa: E731
    assert ids(f"/fhir/HealthcareService?organization=Organization/clinic-{rich}") == [
        f"service-{rich}-esketamine",
        f"service-{rich}-iv",
        f"service-{rich}-lozenge",
    ]
    # The full URL of a reference is read too.
    url = f"/fhir/HealthcareService?location=http://testserver/fhir/Location/location-{eastside}"
    assert ids(url) == [f"service-{rich}-iv", f"service-{rich}-lozenge"]
    every = ids("/fhir/HealthcareService?_count=100")
    assert len(every) == 5
    assert ids("/fhir/HealthcareService?service-category=behav&_count=100") == every
    system = "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/HealthcareServiceCategoryCS"
    assert ids(f"/fhir/HealthcareService?service-category={system}|behav&_count=100") == every
    assert ids("/fhir/HealthcareService?service-category=dent") == []
    assert ids(f"/fhir/HealthcareService?_id=service-{rich}-iv") == [f"service-{rich}-iv"]


def test_practitioner_roles_by_organization_location_and_category(client, listings):
    downtown = listings.rich.locations.get(name="Downtown").pk
    bridge = listings.plain.locations.get().pk

    def count(query):
        return len(found(client, f"/fhir/PractitionerRole?{query}"))

    assert count(f"organization=clinic-{listings.rich.pk}") == 2
    assert count(f"organization=clinic-{listings.plain.pk}") == 0
    assert count(f"location=Location/location-{downtown}") == 2
    assert count(f"location=location-{bridge}") == 0
    assert count("service-category=behav") == 2
    assert count("service-category=other") == 0


# Refused ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, says",
    [
        ("/fhir/Location?foo=1", "foo: not a search parameter of Location"),
        ("/fhir/Organization?organization=clinic-1", "not a search parameter of Organization"),
        ("/fhir/HealthcareService?name=IV", "not a search parameter of HealthcareService"),
        ("/fhir/Location?name:missing=true", "the modifier :missing is not supported"),
        ("/fhir/Location?address-state:contains=O&_sort=name", "_sort"),
        ("/fhir/HealthcareService?organization=Location/location-1", "give a Organization"),
        ("/fhir/Organization?_format=xml", "JSON only"),
    ],
)
def test_unknown_parameters_and_modifiers_answer_400(client, url, says):
    assert says in refused(client, url)


def test_json_formats_are_accepted(client):
    assert len(found(client, "/fhir/Organization?_format=json")) == 3
    assert len(found(client, "/fhir/Organization?_format=application/fhir%2Bjson")) == 3


@pytest.mark.parametrize(
    "resource_type, query",
    [
        ("Organization", "name=c&address-state=OR"),
        ("Location", "address-city=Portland&organization=clinic-1,clinic-2"),
        ("HealthcareService", "organization=clinic-1,clinic-2&service-category=behav"),
        ("PractitionerRole", "location=location-1,location-2&service-category=behav"),
    ],
)
def test_a_filtered_page_costs_a_fixed_number_of_queries(
    client, resource_type, query, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        found(client, f"/fhir/{resource_type}?{query}&_count=100")


@pytest.mark.parametrize("value", ["a%00b", "x" * 201, "line%0Abreak"])
def test_values_with_control_characters_or_too_long_answer_400(client, value):
    assert "at most 200 characters" in refused(client, f"/fhir/Organization?name={value}")
