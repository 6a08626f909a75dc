"""Numbers and ids in ASCII digits only, matched whole (issue 12.10).

Python's int() reads other scripts' digits (`٣` is 3) and a pattern ending in `$` matches
before a trailing newline, so `/fhir/Organization/clinic-1%0A` and `clinic-١` used to answer
the clinic, and `_count=٣` a page of three. Each now answers a 400 or 404 that says why.
"""

import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome

from clinics.opendata import hsds
from clinics.validators import canonical_uuid, whole_number
from tests.builders import ClinicFactory, LocationFactory, route
from tests.builders.factories import OfferingFactory

pytestmark = pytest.mark.django_db

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
OTHER_NUMBERS = ["٣", "３", "²", "3\n", "3 ", "+3", "3.0", "0x3", "3_0"]


@pytest.fixture
def clinic():
    clinic = ClinicFactory()
    location = LocationFactory(clinic=clinic)
    OfferingFactory(location=location, route=route("iv"))
    return clinic


@pytest.mark.parametrize("text", OTHER_NUMBERS)
def test_whole_number_takes_ascii_digits_only(text):
    assert whole_number("30") == 30
    with pytest.raises(ValueError):
        whole_number(text)


def test_canonical_uuid_takes_the_usual_form_only():
    value = "6b657461-0001-8000-8000-000000000001"
    assert canonical_uuid(value.upper()) == value
    for text in (value + "\n", "{" + value + "}", "urn:uuid:" + value, value.replace("-", "")):
        with pytest.raises(ValueError):
            canonical_uuid(text)
    digits = value.translate(ARABIC_INDIC)
    with pytest.raises(ValueError):
        canonical_uuid(digits)


def outcome(client, url, status):
    response = client.get(url)
    assert response.status_code == status, (url, response.content)
    assert response["Content-Type"] == "application/fhir+json"
    return OperationOutcome.model_validate(response.json())


@pytest.mark.parametrize("parameter", ["_count", "_page"])
@pytest.mark.parametrize("text", ["%C2%B2", "%D9%A3", "%EF%BC%93", "3%0A", "3.0"])
def test_fhir_paging_refuses_other_digits(client, clinic, parameter, text):
    result = outcome(client, f"/fhir/Organization?{parameter}={text}", 400)
    assert result.issue[0].diagnostics.startswith(f"{parameter}: Use a whole number")


def test_fhir_last_updated_refuses_other_digits(client, clinic):
    outcome(
        client, "/fhir/Organization?_lastUpdated=gt" + "2026-01-01".translate(ARABIC_INDIC), 400
    )


@pytest.mark.parametrize(
    "resource_type, template",
    [
        ("Organization", "clinic-{clinic}"),
        ("Location", "location-{location}"),
        ("HealthcareService", "service-{clinic}-iv"),
    ],
)
def test_fhir_reads_refuse_a_trailing_newline_and_other_digits(
    client, clinic, resource_type, template
):
    ids = {"clinic": str(clinic.pk), "location": str(clinic.locations.get().pk)}
    good = template.format(**ids)
    assert client.get(f"/fhir/{resource_type}/{good}").status_code == 200
    outcome(client, f"/fhir/{resource_type}/{good}%0A", 404)
    arabic = template.format(**{k: v.translate(ARABIC_INDIC) for k, v in ids.items()})
    outcome(client, f"/fhir/{resource_type}/{arabic}", 404)


@pytest.mark.parametrize("parameter", ["page", "per_page"])
@pytest.mark.parametrize("text", ["%C2%B2", "%D9%A1", "1%0A"])
def test_hsds_paging_refuses_other_digits(client, clinic, parameter, text):
    response = client.get(f"/api/v1/hsds/organizations/?{parameter}={text}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_hsds_ids_are_uuids_in_the_usual_form(client, clinic):
    good = hsds.hsds_id("clinic", clinic.pk)
    assert client.get(f"/api/v1/hsds/organizations/{good}/").status_code == 200
    for bad in (good.upper().translate(ARABIC_INDIC), "{" + good + "}", good + "%0A"):
        assert client.get(f"/api/v1/hsds/organizations/{bad}/").status_code == 404, bad
    response = client.get(f"/api/v1/hsds/services/?organization_id={good}%0A")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["organization_id"]


@pytest.mark.parametrize("parameter", ["page", "page_size"])
@pytest.mark.parametrize("text", ["%C2%B2", "%D9%A1", "1%0A", "1.0"])
def test_json_api_and_search_page_refuse_other_digits(client, clinic, parameter, text):
    response = client.get(f"/api/v1/locations/?{parameter}={text}")
    assert response.status_code == 400
    assert parameter in response.json()["errors"]
    assert client.get(f"/search/?{parameter}={text}").status_code == 400
    assert client.get(f"/api/v1/locations/?{parameter}=1").status_code == 200
