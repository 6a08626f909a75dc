"""FHIR R4 (issue 8): searchsets and reads after Da Vinci PDex Plan-Net, validated with the
fhir.resources R4B models."""

import copy
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location as FhirLocation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitionerrole import PractitionerRole

from clinics.models import Clinic, Location
from tests.builders import add_published_clinics

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("listings")]

MODELS = {
    "Organization": Organization,
    "Location": FhirLocation,
    "HealthcareService": HealthcareService,
    "PractitionerRole": PractitionerRole,
}
HIDDEN = ("Draft Hidden Clinic", "Archived Hidden Clinic")


@pytest.fixture
def listings(module_open_data):
    return copy.deepcopy(module_open_data)


def fhir_get(client, url, expect=200):
    response = client.get(url)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/fhir+json"
    return response.json()


def search(client, resource_type, query=""):
    body = fhir_get(client, f"/fhir/{resource_type}?{query}")
    Bundle.model_validate(body)
    assert body["type"] == "searchset"
    for entry in body.get("entry", []):
        resource = entry["resource"]
        assert resource["resourceType"] == resource_type
        MODELS[resource_type].model_validate(resource)
        assert entry["fullUrl"] == f"http://testserver/fhir/{resource_type}/{resource['id']}"
    return body


def resources(client, resource_type, query="_count=100"):
    return [entry["resource"] for entry in search(client, resource_type, query).get("entry", [])]


@pytest.mark.parametrize("resource_type", list(MODELS))
def test_searchsets_validate_and_never_show_unpublished_listings(client, listings, resource_type):
    body = search(client, resource_type, "_count=100")
    assert body["total"] == len(body["entry"]) > 0
    text = json.dumps(body)
    for name in HIDDEN:
        assert name not in text
    for resource in (entry["resource"] for entry in body["entry"]):
        assert resource["meta"]["profile"][0].startswith(
            "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/plannet-"
        )
        assert resource["active"] is True if "active" in resource else resource["status"]


def test_organization_has_npi_type_telecom_and_addresses(client, listings):
    org = fhir_get(client, f"/fhir/Organization/clinic-{listings.rich.pk}")
    Organization.model_validate(org)
    assert org["identifier"][0]["system"] == "http://hl7.org/fhir/sid/us-npi"
    assert org["identifier"][0]["value"] == "1234567893"
    assert org["name"] == "Cascade Ketamine Center"
    assert org["type"][0]["coding"][0]["code"] == "prvgrp"
    assert {"system": "phone", "value": "+1 503 555 0100", "use": "work"} in org["telecom"]
    assert [a["city"] for a in org["address"]] == ["Portland", "Portland"]
    plain = fhir_get(client, f"/fhir/Organization/clinic-{listings.plain.pk}")
    assert "identifier" not in plain  # no NPI: left out, never empty
    assert "telecom" in plain  # the website


def test_location_has_position_hours_telecom_and_managing_organization(client, listings):
    downtown = listings.rich.locations.get(name="Downtown")
    location = fhir_get(client, f"/fhir/Location/location-{downtown.pk}")
    FhirLocation.model_validate(location)
    assert location["status"] == "active"
    assert location["position"] == {"latitude": 45.5207, "longitude": -122.688}
    assert location["telecom"] == [{"system": "phone", "value": "+1 503 555 0111", "use": "work"}]
    assert (
        location["managingOrganization"]["reference"] == f"Organization/clinic-{listings.rich.pk}"
    )
    assert location["hoursOfOperation"] == [
        {"daysOfWeek": ["mon"], "openingTime": "09:00:00", "closingTime": "17:00:00"},
        {"daysOfWeek": ["sat"], "openingTime": "10:00:00", "closingTime": "14:00:00"},
    ]
    urls = {extension["url"].rsplit("/", 1)[-1] for extension in location["extension"]}
    assert urls == {"newpatients", "accessibility"}
    plain = fhir_get(client, f"/fhir/Location/location-{listings.plain.locations.get().pk}")
    assert "position" not in plain


def test_healthcare_service_has_category_specialty_locations_and_times(client, listings):
    service = fhir_get(client, f"/fhir/HealthcareService/service-{listings.rich.pk}-iv")
    HealthcareService.model_validate(service)
    assert service["category"][0]["coding"][0]["code"] == "behav"
    codes = {s["coding"][0]["code"] for s in service["specialty"]}
    # The clinic, its psychiatrist (MD) and its nurse anesthetist (CRNA), as NUCC codes.
    assert codes == {"261QM0801X", "2084P0800X", "367500000X"}
    assert all(
        s["coding"][0]["system"] == "http://nucc.org/provider-taxonomy"
        for s in service["specialty"]
    )
    assert service["providedBy"]["reference"] == f"Organization/clinic-{listings.rich.pk}"
    assert len(service["location"]) == 2
    assert service["availableTime"][0] == {
        "daysOfWeek": ["mon"],
        "availableStartTime": "09:00:00",
        "availableEndTime": "17:00:00",
    }
    assert "$450-$650 per session" in service["extraDetails"]
    assert "Cigna" in service["extraDetails"]


def test_practitioner_role_links_practitioner_organization_locations_services(client, listings):
    roles = resources(client, "PractitionerRole")
    ada = next(r for r in roles if r["practitioner"]["display"].startswith("Dr. Ada Reyes"))
    assert ada["practitioner"]["identifier"] == {
        "system": "http://hl7.org/fhir/sid/us-npi",
        "value": "1558598797",
    }
    assert ada["organization"]["reference"] == f"Organization/clinic-{listings.rich.pk}"
    assert ada["specialty"][0]["coding"][0]["code"] == "2084P0800X"
    assert len(ada["location"]) == 2
    assert {ref["reference"].rsplit("-", 1)[-1] for ref in ada["healthcareService"]} == {
        "iv",
        "lozenge",
        "esketamine",
    }
    sam = next(r for r in roles if r["practitioner"]["display"].startswith("Sam Ortiz"))
    assert "identifier" not in sam["practitioner"]


@pytest.mark.parametrize(
    "url",
    [
        "/fhir/Organization/clinic-999999",
        "/fhir/Organization/nonsense",
        "/fhir/Location/location-0",
        "/fhir/HealthcareService/service-1-nosuchroute",
        "/fhir/PractitionerRole/clinician-999999",
    ],
)
def test_unknown_ids_answer_404_operation_outcome(client, listings, url):
    OperationOutcome.model_validate(fhir_get(client, url, expect=404))


def test_unpublished_ids_answer_404(client, listings):
    for clinic in (listings.draft, listings.archived):
        fhir_get(client, f"/fhir/Organization/clinic-{clinic.pk}", expect=404)
        fhir_get(client, f"/fhir/Location/location-{clinic.locations.get().pk}", expect=404)
        fhir_get(client, f"/fhir/HealthcareService/service-{clinic.pk}-iv", expect=404)


def test_paging_follows_bundle_link_next(client, listings):
    add_published_clinics(3)
    seen = []
    url = "/fhir/Organization?_count=2"
    pages = 0
    while url:
        body = search(client, "Organization", url.split("?", 1)[1])
        seen += [entry["resource"]["id"] for entry in body["entry"]]
        links = {link["relation"]: link["url"] for link in body["link"]}
        url = links.get("next", "").removeprefix("http://testserver")
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5
    fhir_get(client, "/fhir/Organization?_count=2&_page=4", expect=404)


@pytest.mark.parametrize(
    "query",
    ["_count=0", "_count=101", "_count=x", "_page=0", "_lastUpdated=2026-01-01",
     "_lastUpdated=gtsoon", "modified_after=nope"],
)  # fmt: skip
def test_bad_parameters_answer_400_operation_outcome(client, query):
    OperationOutcome.model_validate(fhir_get(client, f"/fhir/Location?{query}", expect=400))


def test_last_updated_keeps_what_changed(client, listings):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Clinic.objects.update(updated_at=long_ago)
    Location.objects.update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
    for resource_type in MODELS:
        assert search(client, resource_type, f"_lastUpdated=gt{since}")["total"] == 0
    eastside = listings.rich.locations.get(name="Eastside")
    eastside.save()
    locations = resources(client, "Location", f"_lastUpdated=ge{since}")
    assert [loc["name"] for loc in locations] == ["Eastside"]
    assert len(resources(client, "HealthcareService", f"modified_after={since}")) == 3
    assert len(resources(client, "Organization", f"_lastUpdated=gt{since}")) == 1


@pytest.mark.parametrize("resource_type", list(MODELS))
def test_a_page_costs_a_fixed_number_of_queries(
    client, listings, resource_type, django_assert_max_num_queries
):
    add_published_clinics(12)
    with django_assert_max_num_queries(14):
        body = search(client, resource_type, "_count=100")
    assert len(body["entry"]) >= 14


def test_export_command_writes_one_valid_collection_bundle(listings, tmp_path):
    target = tmp_path / "directory.fhir.json"
    call_command("export_clinics", str(target), "--format", "fhir", stderr=io.StringIO())
    bundle = json.loads(target.read_text())
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    # 2 clinics, 3 locations, 4 services (IV, lozenge, esketamine; IV), 2 clinicians.
    assert sorted(set(kinds)) == sorted(MODELS)
    assert len(kinds) == 2 + 3 + 4 + 2
    for entry in bundle["entry"]:
        MODELS[entry["resource"]["resourceType"]].model_validate(entry["resource"])
        assert entry["fullUrl"].startswith("urn:uuid:")
    assert not any(name in target.read_text() for name in HIDDEN)
