"""Phone extensions (issue 18.2): stored, shown, dialled, in the API, HSDS and FHIR, and entered.

About one real facility in ten has a number with an extension (`307-686-0669 x1001`); the
import used to refuse them. Now they are kept in `phone_extension`, shown as
`(307) 686-0669 ext. 1001` and dialled with `tel:+13076860669,1001`.
"""

import io

import pytest
from django.urls import reverse

from clinics.importing import export_clinics, import_clinics
from clinics.models import Clinic, Location
from clinics.phones import PhoneNumber, parse_phone
from tests.builders import make_listing, make_staff
from tests.builders.posts import admin_change_data
from tests.hsds_schemas import assert_valid
from tests.test_import import row, run

pytestmark = pytest.mark.django_db

WYOMING = PhoneNumber("+1 307-686-0669", "1001")


@pytest.mark.parametrize(
    "text",
    [
        "307-686-0669 x1001",
        "(307) 686-0669 ext. 1001",
        "307-686-0669 ext 1001",
        "307.686.0669 #1001",
        "+1 307 686 0669 extension 1001",
        "307-686-0669,1001",
        "+1 307-686-0669 ext. 1001",
    ],
)
def test_every_common_way_of_writing_an_extension_is_read(text):
    assert parse_phone(text) == WYOMING


def test_a_number_is_shown_and_dialled_with_its_extension():
    assert str(WYOMING) == "(307) 686-0669 ext. 1001"
    assert WYOMING.tel == "tel:+13076860669,1001"
    assert WYOMING.sms == "sms:+13076860669"
    assert str(parse_phone("503-555-0101")) == "(503) 555-0101"
    assert parse_phone("503-555-0101").tel == "tel:+15035550101"
    assert not parse_phone("")


def test_an_overlong_extension_is_refused():
    with pytest.raises(ValueError, match="is not 1 to 8 digits"):
        parse_phone("307-686-0669 x123456789")


def test_the_import_keeps_extensions_and_the_export_writes_them_back():
    report = run(
        row(phone="307-686-0669 x1001"),
        row(clinic_id="c-2", location_id="l-2", phone="800-338-3738 x77130"),
    )

    assert report.ok, report.lines()
    location = Location.objects.get(import_ref="l-1")
    assert (location.phone, location.phone_extension) == ("+1 307-686-0669", "1001")
    out = io.StringIO()
    export_clinics(out)
    assert "+1 307-686-0669 ext. 1001" in out.getvalue()
    again = import_clinics(out.getvalue().encode(), source_name="test")
    assert again.ok and again.locations.unchanged == 2, again.lines()


@pytest.fixture
def listing():
    clinic = make_listing(
        name="Wyoming Ketamine", phone="+1 307-686-0600", phone_extension="2", status="published"
    )
    clinic.locations.update(phone="+1 307-686-0669", phone_extension="1001")
    return clinic


def test_the_clinic_page_shows_and_dials_the_extension(client, listing):
    page = client.get(listing.get_absolute_url()).content.decode()

    assert '<a href="tel:+13076860669,1001">(307) 686-0669 ext. 1001</a>' in page
    assert '<a href="tel:+13076860600,2">(307) 686-0600 ext. 2</a>' in page


def test_search_results_dial_the_extension(client, listing):
    location = listing.locations.get()
    page = client.get(reverse("clinics:search"), {"near": location.postal_code}).content.decode()

    assert '<a href="tel:+13076860669,1001">(307) 686-0669 ext. 1001</a>' in page


def test_the_api_gives_the_extension_with_the_number(client, listing):
    location = listing.locations.get()
    results = client.get("/api/v1/locations/", {"near": location.postal_code}).json()["results"]
    detail = client.get(f"/api/v1/clinics/{listing.slug}/").json()

    assert results[0]["clinic"]["phone"] == "+1 307-686-0600 ext. 2"
    assert detail["phone"] == "+1 307-686-0600 ext. 2"
    assert detail["locations"][0]["phone"] == "+1 307-686-0669 ext. 1001"


def test_hsds_phones_carry_the_extension(client, listing):
    org = client.get(f"/api/v1/hsds/organizations/{_org_id(client, listing)}/").json()

    assert_valid("organization.json", org)
    assert {(p["number"], p.get("extension")) for p in org["phones"]} == {("+1 307-686-0600", 2)}
    location = org["locations"][0]
    assert [(p["number"], p["extension"]) for p in location["phones"]] == [
        ("+1 307-686-0669", 1001)
    ]


def _org_id(client, listing):
    organizations = client.get("/api/v1/hsds/organizations/").json()["contents"]
    return next(org["id"] for org in organizations if org["name"] == listing.name)


def test_fhir_contact_points_carry_the_extension(client, listing):
    bundle = client.get("/fhir/Location").json()
    location = next(
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["id"] == f"location-{listing.locations.get().pk}"
    )

    assert location["telecom"][0] == {
        "system": "phone",
        "value": "+1 307-686-0669 ext. 1001",
        "use": "work",
        "extension": [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/contactpoint-extension",
                "valueString": "1001",
            }
        ],
    }


def test_a_moderator_types_the_extension_into_the_phone_field(admin_client, listing):
    location = listing.locations.get()
    url = reverse("admin:clinics_location_change", args=[location.pk])
    data = admin_change_data(admin_client.get(url))
    data.update(phone="307-686-0669 x1234", phone_extension="")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    location.refresh_from_db()
    assert (location.phone, location.phone_extension) == ("+1 307-686-0669", "1234")


def test_two_different_extensions_are_a_form_error(admin_client, listing):
    location = listing.locations.get()
    url = reverse("admin:clinics_location_change", args=[location.pk])
    data = admin_change_data(admin_client.get(url))
    data.update(phone="307-686-0669 x1234", phone_extension="99")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "give one extension" in response.text
    location.refresh_from_db()
    assert location.phone_extension == "1001"


def test_staff_enter_an_extension_in_its_own_field(client):
    clinic = make_listing(name="Draft Ketamine", status=Clinic.Status.DRAFT)
    client.force_login(make_staff(clinic))
    url = reverse("admin:clinics_clinic_change", args=[clinic.pk])
    data = admin_change_data(client.get(url))
    data.update(phone="(503) 555-0101", phone_extension="42")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    clinic.refresh_from_db()
    assert str(clinic.phone_number) == "(503) 555-0101 ext. 42"


def test_an_extension_that_is_not_digits_is_a_form_error(admin_client, listing):
    url = reverse("admin:clinics_clinic_change", args=[listing.pk])
    data = admin_change_data(admin_client.get(url))
    data.update(phone_extension="12a")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "An extension is digits only" in response.text
