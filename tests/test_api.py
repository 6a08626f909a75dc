"""The JSON API's shape (docs/api.md): locations search and one clinic."""

import datetime

import pytest

from clinics.models import Clinic
from tests.builders import (
    ClinicFactory,
    ClinicianFactory,
    LocationFactory,
    OfferingFactory,
    OpeningHoursFactory,
    add_location,
    miles_between,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic():
    clinic = ClinicFactory(
        name="Example Clinic",
        slug="example-clinic",
        phone="+1 212 555 0100",
        website="https://example.org",
        verified_at=datetime.date(2026, 10, 2),
        accepting_as_of=datetime.date(2026, 3, 14),
        offers_integration=True,
        offers_at_home=True,
        npi="1234567893",
    )
    add_location(
        clinic,
        name="Midtown office",
        address_line1="1 Example St",
        city="New York",
        state="NY",
        postal_code="10001",
        latitude=40.75,
        longitude=-73.99,
        routes={
            "iv": {
                "price_min_usd": 450,
                "price_max_usd": 650,
                "series_price_usd": 2400,
                "session_minutes": 50,
                "prices_as_of": datetime.date(2026, 3, 1),
            },
            "esketamine": (None, None),
        },
        payers=[("aetna", "esketamine"), ("aetna", "iv"), "cigna"],
        conditions=["treatment-resistant-depression", "ptsd"],
        payment_options=["self-pay", "superbill"],
        languages=["en", "es"],
        hours=[(1, "09:00", "17:00")],
    )
    ClinicianFactory(clinic=clinic, name="Dr. Ada Example", npi="1558598797")
    return clinic


def test_location_search_has_exactly_the_contract_shape(client, clinic):
    body = client.get("/api/v1/locations/?near=10001").json()
    location = clinic.locations.get()
    assert set(body) == {"count", "page", "page_size", "next", "previous", "origin", "results"}
    assert body["count"] == 1
    assert (body["page"], body["page_size"], body["next"], body["previous"]) == (1, 20, None, None)
    assert body["origin"] == {
        "query": "10001",
        "label": "New York, NY 10001",
        "latitude": pytest.approx(40.7484, abs=0.01),
        "longitude": pytest.approx(-73.9967, abs=0.01),
    }
    (result,) = body["results"]
    assert result == {
        "id": location.pk,
        "name": "Midtown office",
        "url": f"/clinics/example-clinic/#loc-{location.pk}",
        "clinic": {
            "slug": "example-clinic",
            "name": "Example Clinic",
            "phone": "+1 212 555 0100",
            "website": "https://example.org",
            "booking_url": None,
            "verified_at": "2026-10-02",
        },
        "address": {
            "line1": "1 Example St",
            "line2": "",
            "city": "New York",
            "state": "NY",
            "postal_code": "10001",
            "country": "US",
        },
        "latitude": 40.75,
        "longitude": -73.99,
        "distance_miles": result["distance_miles"],
        "routes": [
            {
                "slug": "iv",
                "name": "IV infusion",
                "price_min_usd": 450,
                "price_max_usd": 650,
                "prices_as_of": "2026-03-01",
                "insurance": ["aetna", "cigna"],
            },
            {
                "slug": "esketamine",
                "name": "Esketamine (Spravato) nasal spray",
                "price_min_usd": None,
                "price_max_usd": None,
                "prices_as_of": None,
                "insurance": ["aetna", "cigna"],
            },
        ],
        "conditions": ["treatment-resistant-depression", "ptsd"],
        "insurance": ["aetna", "cigna"],
        "payment": ["self-pay", "superbill"],
        "psychotherapy": True,
        "telehealth": True,
        "accepting": True,
        "accepting_as_of": "2026-03-14",
        "languages": ["en", "es"],
    }
    origin = (body["origin"]["latitude"], body["origin"]["longitude"])
    assert result["distance_miles"] == pytest.approx(
        miles_between(origin, (40.75, -73.99)), abs=0.001
    )


def test_distance_has_at_least_two_decimals(client, clinic):
    result = client.get("/api/v1/locations/?near=40.7484,-73.9967").json()["results"][0]
    assert result["distance_miles"] != round(result["distance_miles"], 1)


def test_without_near_origin_and_distance_are_null(client, clinic):
    body = client.get("/api/v1/locations/").json()
    assert body["origin"] is None
    assert body["results"][0]["distance_miles"] is None


def test_errors_are_json_with_the_parameter_name(client, clinic):
    response = client.get("/api/v1/locations/?radius=1000&near=10001")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()["errors"]) == {"radius"}


def test_only_get_is_allowed(client, clinic):
    assert client.post("/api/v1/locations/").status_code == 405


def test_clinic_detail_has_everything(client, clinic):
    response = client.get("/api/v1/clinics/example-clinic/")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "example-clinic"
    assert body["verified_at"] == "2026-10-02"
    assert body["npi"] == "1234567893"
    assert body["psychotherapy"]["integration_sessions"] is True
    assert body["telehealth"]["at_home"] is True
    assert body["clinicians"] == [
        {
            "name": "Dr. Ada Example",
            "credential": "MD",
            "specialty": "",
            "role": "",
            "npi": "1558598797",
        }
    ]
    (location,) = body["locations"]
    assert location["name"] == "Midtown office"
    assert location["offerings"][0] == {
        "route": "iv",
        "name": "IV infusion",
        "price_min_usd": 450,
        "price_max_usd": 650,
        "series_price_usd": 2400,
        "session_minutes": 50,
        "prices_as_of": "2026-03-01",
    }
    assert body["accepting_as_of"] == "2026-03-14"
    assert {(i["payer"], i["route"]) for i in location["insurance"]} == {
        ("aetna", "esketamine"),
        ("aetna", "iv"),
        ("cigna", None),
    }
    assert location["hours"] == [
        {"weekday": 1, "day": "Monday", "opens": "09:00", "closes": "17:00"}
    ]
    assert location["languages"] == ["en", "es"]


def test_clinic_detail_takes_a_constant_number_of_queries(
    client, clinic, django_assert_num_queries
):
    for _ in range(5):
        location = LocationFactory(clinic=clinic)
        OfferingFactory(location=location)
        OpeningHoursFactory(location=location)
    # clinic, locations, offerings, insurance, hours, conditions, payment, languages,
    # clinicians, memberships, verifications
    with django_assert_num_queries(11):
        client.get("/api/v1/clinics/example-clinic/")


@pytest.mark.parametrize("status", [s for s in Clinic.Status if s != Clinic.Status.PUBLISHED])
def test_unpublished_clinics_are_404(client, clinic, status):
    Clinic.objects.filter(pk=clinic.pk).update(status=status)
    response = client.get("/api/v1/clinics/example-clinic/")
    assert response.status_code == 404
    assert response.json()["errors"]
    assert client.get("/api/v1/locations/").json()["count"] == 0


def test_unknown_clinic_is_404(client):
    assert client.get("/api/v1/clinics/no-such-clinic/").status_code == 404
