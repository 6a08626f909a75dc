"""HSDS 3.0 (issue 8): the mapping, the API under /api/v1/hsds/ and the JSON export, all
validated against the official Open Referral schemas."""

import copy
import datetime
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from clinics.models import Clinic, Location, TreatmentRoute
from clinics.opendata import hsds
from tests.builders import add_published_clinics
from tests.hsds_schemas import assert_valid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("listings")]

PAGE_KEYS = {
    "contents",
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
}
HIDDEN = ("Draft Hidden Clinic", "Archived Hidden Clinic")


def route_pk(slug):
    return TreatmentRoute.objects.get(slug=slug).pk


@pytest.fixture
def listings(module_open_data):
    return copy.deepcopy(module_open_data)


def get(client, url, expect=200):
    response = client.get(url)
    assert response.status_code == expect, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def page(client, url, expect=200):
    body = get(client, url, expect)
    if expect == 200:
        assert set(body) == PAGE_KEYS
    return body


# Ids -------------------------------------------------------------------------------------


def test_ids_are_stable_uuid5_of_a_named_key():
    value = hsds.hsds_id("location", 12)
    assert value == str(uuid.uuid5(hsds.NAMESPACE, "location:12"))
    assert uuid.UUID(value).version == 5
    assert hsds.hsds_id("location", 12) == value
    assert hsds.hsds_id("location", 13) != value
    assert hsds.hsds_id("schedule", 12) != value


@pytest.mark.parametrize(
    ("kind", "keys"),
    [("clinic", (12, 0)), ("service", (12, 3)), ("service_at_location", (2**40, 4))],
)
def test_ids_looked_up_by_the_api_carry_their_keys(kind, keys):
    value = hsds.hsds_id(kind, *keys)
    assert uuid.UUID(value).version == 8
    assert hsds.parse_keyed_id(kind, value) == keys
    assert hsds.hsds_id(kind, *keys) == value


@pytest.mark.parametrize(
    "text",
    # The random id gets a fixed name: pytest-xdist's workers must collect the same tests.
    ["not-a-uuid", pytest.param(str(uuid.uuid4()), id="random-uuid4"), "", None],
)
def test_other_ids_do_not_parse_as_keys(text):
    assert hsds.parse_keyed_id("clinic", text) is None


def test_a_service_id_is_not_an_organization_id():
    assert hsds.parse_keyed_id("clinic", hsds.hsds_id("service", 12, 3)) is None


# The mapping -----------------------------------------------------------------------------


def organization_of(client, clinic, query=""):
    return get(client, f"/api/v1/hsds/organizations/{hsds.hsds_id('clinic', clinic.pk)}/{query}")


def test_organization_maps_the_clinic_with_npi_locations_and_services(client, listings):
    org = organization_of(client, listings.rich, "?full_service=true")
    assert_valid("organization.json", org)
    for service in org["services"]:
        assert_valid("service.json", service)
    assert org["name"] == "Cascade Ketamine Center"
    assert org["description"] == "IV and esketamine in two Portland offices."
    assert org["uri"] == "http://testserver/clinics/cascade-ketamine-center/"
    assert org["organization_identifiers"] == [
        {
            "id": hsds.hsds_id("organization_identifier", listings.rich.pk, "npi"),
            "organization_id": org["id"],
            "identifier_scheme": "http://hl7.org/fhir/sid/us-npi",
            "identifier_type": "NPI",
            "identifier": "1234567893",
        }
    ]
    assert [phone["number"] for phone in org["phones"]] == ["+1 503 555 0100"]
    assert [loc["name"] for loc in org["locations"]] == ["Downtown", "Eastside"]
    # One service per route offered anywhere: IV at both offices counts once.
    assert [s["alternate_name"] for s in org["services"]] == [
        "IV infusion",
        "Lozenge (oral or sublingual)",
        "Esketamine (Spravato) nasal spray",
    ]


def test_location_has_address_coordinates_phone_schedules_languages_accessibility(client, listings):
    org = organization_of(client, listings.rich)
    downtown = org["locations"][0]
    assert_valid("location.json", downtown)
    assert downtown["location_type"] == "physical"
    assert downtown["latitude"] == pytest.approx(45.5207)
    assert downtown["longitude"] == pytest.approx(-122.688)
    (address,) = downtown["addresses"]
    assert address["city"] == "Portland"
    assert address["state_province"] == "OR"
    assert address["postal_code"] == "97205"
    assert address["country"] == "US"
    assert address["address_type"] == "physical"
    assert [phone["number"] for phone in downtown["phones"]] == ["+1 503 555 0111"]
    assert [
        (s["freq"], s["byday"], s["opens_at"], s["closes_at"]) for s in downtown["schedules"]
    ] == [("WEEKLY", "MO", "09:00", "17:00"), ("WEEKLY", "SA", "10:00", "14:00")]
    assert sorted(lang["code"] for lang in downtown["languages"]) == ["en", "es"]
    assert downtown["accessibility"][0]["description"] == "Step-free entrance and an elevator."
    codes = {(a["link_type"], a["taxonomy_term"]["code"]) for a in downtown["attributes"]}
    assert codes == {
        ("condition", "ptsd"),
        ("condition", "treatment-resistant-depression"),
        ("payer", "aetna"),
        ("payment-option", "self-pay"),
        ("payment-option", "superbill"),
    }
    # The plain clinic's location has no coordinates: left out, never null.
    plain = organization_of(client, listings.plain)["locations"][0]
    assert_valid("location.json", plain)
    assert "latitude" not in plain
    assert "phones" not in plain


def test_service_carries_prices_payers_assured_date_and_sites(client, listings):
    service_id = hsds.hsds_id("service", listings.rich.pk, route_pk("iv"))
    service = get(client, f"/api/v1/hsds/services/{service_id}/")
    assert_valid("service.json", service)
    assert service["status"] == "active"
    assert service["assured_date"] == "2026-10-02"
    assert service["organization_id"] == hsds.hsds_id("clinic", listings.rich.pk)
    assert service["organization"]["name"] == "Cascade Ketamine Center"
    assert "referral" in service["eligibility_description"]
    assert [(c["option"], c["amount"], c["currency"]) for c in service["cost_options"]] == [
        ("Per session", 450, "USD"),
        ("Typical series", 2700, "USD"),
        ("Per session", 500, "USD"),
    ]
    assert "$450-$650 per session" in service["cost_options"][0]["amount_description"]
    assert len(service["service_at_locations"]) == 2
    terms = {(a["link_type"], a["taxonomy_term"]["code"]) for a in service["attributes"]}
    # Aetna covers only esketamine at Downtown, so it is not an IV payer; Cigna covers all.
    assert ("payer", "cigna") in terms
    assert ("payer", "aetna") not in terms
    assert ("route", "iv") in terms
    assert ("condition", "anxiety") in terms

    esketamine = get(
        client,
        f"/api/v1/hsds/services/{hsds.hsds_id('service', listings.rich.pk, route_pk('esketamine'))}/",
    )
    assert ("payer", "aetna") in {
        (a["link_type"], a["taxonomy_term"]["code"]) for a in esketamine["attributes"]
    }
    assert "REMS" in esketamine["accreditations"]
    assert esketamine["cost_options"][0]["amount"] == 0

    # A price on request gives no cost option, and says so in the fees.
    lozenge = get(
        client,
        f"/api/v1/hsds/services/{hsds.hsds_id('service', listings.rich.pk, route_pk('lozenge'))}/",
    )
    assert "cost_options" not in lozenge
    assert "price on request" in lozenge["fees_description"]


def test_service_at_location_detail_is_fully_nested(client, listings):
    downtown = listings.rich.locations.get(name="Downtown")
    sal_id = hsds.hsds_id("service_at_location", downtown.pk, route_pk("esketamine"))
    sal = get(client, f"/api/v1/hsds/service_at_locations/{sal_id}/")
    assert_valid("service_at_location.json", sal)
    assert_valid("compiled/service_list.json", sal["service"])
    assert sal["location"]["name"] == "Downtown"
    assert sal["service_id"] == hsds.hsds_id("service", listings.rich.pk, route_pk("esketamine"))
    assert ("payer", "aetna") in {
        (a["link_type"], a["taxonomy_term"]["code"]) for a in sal["attributes"]
    }


# Lists -----------------------------------------------------------------------------------


LISTS = [
    ("services", "compiled/service_list.json"),
    ("services?full=true", "service.json"),
    ("organizations", "compiled/organization_list.json"),
    ("organizations?full=true&full_service=true", "organization.json"),
    ("service_at_locations", "compiled/service_at_location_list.json"),
    ("service_at_locations?full=true", "service_at_location.json"),
    ("taxonomies", "taxonomy.json"),
    ("taxonomy_terms", "taxonomy_term.json"),
]


@pytest.mark.parametrize(("path", "schema"), LISTS)
def test_every_list_item_validates_against_the_hsds_schema(client, listings, path, schema):
    path, _, query = path.partition("?")
    body = page(client, f"/api/v1/hsds/{path}/?per_page=100&{query}")
    assert body["contents"]
    for item in body["contents"]:
        assert_valid(schema, item)
        for service in item.get("services", []):
            assert_valid("service.json", service)


@pytest.mark.parametrize("path", ["services", "organizations", "service_at_locations"])
@pytest.mark.parametrize("full", ["false", "true"])
def test_unpublished_listings_never_appear(client, listings, path, full):
    text = json.dumps(page(client, f"/api/v1/hsds/{path}/?per_page=100&full={full}"))
    for name in HIDDEN:
        assert name not in text


def test_unpublished_and_unknown_ids_answer_404(client, listings):
    for clinic in (listings.draft, listings.archived):
        location = clinic.locations.get()
        for url in (
            f"/api/v1/hsds/organizations/{hsds.hsds_id('clinic', clinic.pk)}/",
            f"/api/v1/hsds/services/{hsds.hsds_id('service', clinic.pk, route_pk('iv'))}/",
            f"/api/v1/hsds/service_at_locations/"
            f"{hsds.hsds_id('service_at_location', location.pk, route_pk('iv'))}/",
        ):
            body = get(client, url, expect=404)
            assert body["errors"]["id"]
    for kind in (
        "services",
        "organizations",
        "service_at_locations",
        "taxonomies",
        "taxonomy_terms",
    ):
        get(client, f"/api/v1/hsds/{kind}/{uuid.uuid4()}/", expect=404)
        get(client, f"/api/v1/hsds/{kind}/not-a-uuid/", expect=404)


def test_pages_follow_the_hsds_page_object(client, listings):
    add_published_clinics(3)
    first = page(client, "/api/v1/hsds/organizations/?per_page=2")
    assert first["total_items"] == 5
    assert first["total_pages"] == 3
    assert (first["page_number"], first["size"], first["first_page"], first["last_page"]) == (
        1,
        2,
        True,
        False,
    )
    last = page(client, "/api/v1/hsds/organizations/?per_page=2&page=3")
    assert (last["size"], last["first_page"], last["last_page"], last["empty"]) == (
        1,
        False,
        True,
        False,
    )
    names = [
        org["name"]
        for n in (1, 2, 3)
        for org in page(client, f"/api/v1/hsds/organizations/?per_page=2&page={n}")["contents"]
    ]
    assert len(set(names)) == 5
    body = get(client, "/api/v1/hsds/organizations/?per_page=2&page=4", expect=404)
    assert body["errors"]["page"]


def test_an_empty_directory_is_one_empty_page(client):
    Clinic.objects.all().delete()  # this module's listings, back after the test
    body = page(client, "/api/v1/hsds/services/")
    assert body["empty"] is True
    assert body["total_items"] == 0
    assert body["contents"] == []
    assert body["last_page"] is True


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("modified_after=yesterday", "modified_after"),
        ("modified_after=2026-13-40", "modified_after"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("per_page=101", "per_page"),
        ("organization_id=12", "organization_id"),
        ("taxonomy_term_id=abc", "taxonomy_term_id"),
        ("full=maybe", "full"),
    ],
)
def test_malformed_parameters_answer_400_with_a_message(client, listings, query, parameter):
    body = get(client, f"/api/v1/hsds/services/?{query}", expect=400)
    assert list(body["errors"]) == [parameter]
    assert body["errors"][parameter][0]


def test_modified_after_keeps_only_listings_changed_since(client, listings):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Clinic.objects.update(updated_at=long_ago)
    Location.objects.update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    params = f"modified_after={since.replace('+', '%2B')}"
    for path in ("organizations", "services", "service_at_locations"):
        assert page(client, f"/api/v1/hsds/{path}/?{params}")["total_items"] == 0

    # A change to one location counts as a change to its clinic's services.
    eastside = listings.rich.locations.get(name="Eastside")
    eastside.accessibility = "Parking behind the building."
    eastside.save()
    orgs = page(client, f"/api/v1/hsds/organizations/?{params}")["contents"]
    assert [org["name"] for org in orgs] == ["Cascade Ketamine Center"]
    services = page(client, f"/api/v1/hsds/services/?{params}")["contents"]
    assert {s["alternate_name"] for s in services} == {
        "IV infusion",
        "Lozenge (oral or sublingual)",
        "Esketamine (Spravato) nasal spray",
    }
    sals = page(client, f"/api/v1/hsds/service_at_locations/?{params}")["contents"]
    assert {sal["location"]["name"] for sal in sals} == {"Eastside"}
    # Offsets PostgreSQL would refuse (beyond 15:59) are taken to UTC first.
    assert page(client, "/api/v1/hsds/services/?modified_after=2000-01-01T00:00:00%2B18:04")
    # A date alone means its midnight.
    assert page(client, "/api/v1/hsds/services/?modified_after=2000-01-01")["total_items"] == 4


def test_filters_by_organization_and_taxonomy_term(client, listings):
    org_id = hsds.hsds_id("clinic", listings.plain.pk)
    services = page(client, f"/api/v1/hsds/services/?organization_id={org_id}")["contents"]
    assert [s["organization"]["name"] for s in services] == ["Bridge Clinic"]

    aetna = hsds.term_id("payer", "aetna")
    services = page(client, f"/api/v1/hsds/services/?taxonomy_term_id={aetna}")["contents"]
    assert [s["alternate_name"] for s in services] == ["Esketamine (Spravato) nasal spray"]
    ptsd = hsds.term_id("condition", "ptsd")
    sals = page(client, f"/api/v1/hsds/service_at_locations/?taxonomy_term_id={ptsd}")
    assert {sal["location"]["name"] for sal in sals["contents"]} == {"Downtown"}
    unknown = page(client, f"/api/v1/hsds/services/?taxonomy_term_id={uuid.uuid4()}")
    assert unknown["empty"] is True
    found = page(client, "/api/v1/hsds/organizations/?search=bridge")["contents"]
    assert [org["name"] for org in found] == ["Bridge Clinic"]


def test_taxonomy_and_terms(client, listings):
    (taxonomy,) = page(client, "/api/v1/hsds/taxonomies/")["contents"]
    assert get(client, f"/api/v1/hsds/taxonomies/{taxonomy['id']}/") == taxonomy
    top = page(client, "/api/v1/hsds/taxonomy_terms/?top_only=true")["contents"]
    assert [term["code"] for term in top] == [
        "route",
        "condition",
        "payer",
        "payment-option",
        "verified",
    ]
    payers = page(
        client, f"/api/v1/hsds/taxonomy_terms/?per_page=100&parent_id={hsds.term_id('payer')}"
    )["contents"]
    assert "aetna" in {term["code"] for term in payers}
    term = get(client, f"/api/v1/hsds/taxonomy_terms/{hsds.term_id('condition', 'ptsd')}/")
    assert_valid("taxonomy_term.json", term)
    assert term["taxonomy_detail"]["id"] == taxonomy["id"]


def test_api_root_names_the_version_and_the_description(client):
    body = get(client, "/api/v1/hsds/")
    assert body["version"] == "3.0"
    assert body["openapi_url"] == "http://testserver/api/v1/openapi.json"


# Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "services/",
        "services/?full=true",
        "organizations/",
        "organizations/?full=true&full_service=true",
        "service_at_locations/",
        "service_at_locations/?full=true",
        "taxonomy_terms/",
    ],
)
def test_a_page_costs_a_fixed_number_of_queries(
    client, listings, path, django_assert_max_num_queries
):
    add_published_clinics(12)
    separator = "&" if "?" in path else "?"
    with django_assert_max_num_queries(20):
        body = page(client, f"/api/v1/hsds/{path}{separator}per_page=100")
    assert body["size"] >= 14


# The JSON export -------------------------------------------------------------------------


def test_export_command_writes_valid_hsds_json(listings, tmp_path):
    target = tmp_path / "directory.hsds.json"
    call_command("export_clinics", str(target), "--format", "hsds", stderr=io.StringIO())
    document = json.loads(target.read_text())
    assert document["hsds_version"] == "3.0"
    for taxonomy in document["taxonomies"]:
        assert_valid("taxonomy.json", taxonomy)
    for term in document["taxonomy_terms"]:
        assert_valid("taxonomy_term.json", term)
    names = [org["name"] for org in document["organizations"]]
    assert names == ["Bridge Clinic", "Cascade Ketamine Center"]
    for org in document["organizations"]:
        assert_valid("organization.json", org)
        for service in org["services"]:
            assert_valid("service.json", service)
    ids = [value for org in document["organizations"] for value in _ids(org)]
    assert all(uuid.UUID(value).version in (5, 8) for value in ids)


def _ids(obj):
    if isinstance(obj, dict):
        if "id" in obj:
            yield obj["id"]
        for value in obj.values():
            yield from _ids(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _ids(value)


def test_write_json_to_a_stream_matches_the_api(client, listings):
    output = io.StringIO()
    assert hsds.write_json(output, base_url="http://testserver") == 2
    document = json.loads(output.getvalue())
    rich = next(o for o in document["organizations"] if o["name"] == "Cascade Ketamine Center")
    assert rich == organization_of(client, listings.rich, "?full_service=true")


def test_ids_added_after_a_lookup_are_found(client, listings, django_assert_max_num_queries):
    get(client, f"/api/v1/hsds/organizations/{hsds.hsds_id('clinic', listings.rich.pk)}/")
    add_published_clinics(1)
    newest = Clinic.objects.latest("pk")
    org = get(client, f"/api/v1/hsds/organizations/{hsds.hsds_id('clinic', newest.pk)}/")
    assert org["name"] == newest.name
    # An unknown id costs the index's version check and nothing more.
    with django_assert_max_num_queries(2):
        get(client, f"/api/v1/hsds/services/{uuid.uuid4()}/", expect=404)
