import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import ClinicFactory, LocationFactory

pytestmark = pytest.mark.django_db


def test_home_page_explains_the_directory_with_the_crisis_line(client, settings):
    settings.DEMO_DATA_NOTICE = True
    LocationFactory(clinic=ClinicFactory())
    LocationFactory(clinic=ClinicFactory(status="pending"))
    response = client.get(reverse("clinics:home"))
    assert response.status_code == 200
    text = response.text
    assert "988" in text
    assert "Demo data" in text
    assert "1 clinic at 1 location" in text
    assert "IV infusion" in text and "Esketamine" in text


def test_demo_notice_can_be_turned_off(client, settings):
    settings.DEMO_DATA_NOTICE = False
    assert "Demo data" not in client.get(reverse("clinics:home")).text


def test_home_page_counts_are_read_once_per_listings_version(client):
    """The counts scan every listing: at 100k they cost more than the rest of the page, so
    they are kept until a listing changes (issue 16.2), and a change shows at once."""
    LocationFactory(clinic=ClinicFactory())
    assert "1 clinic at 1 location" in client.get(reverse("clinics:home")).text
    with CaptureQueriesContext(connection) as captured:
        assert "1 clinic at 1 location" in client.get(reverse("clinics:home")).text
    assert not [q["sql"] for q in captured.captured_queries if "clinics_" in q["sql"]]
    clinic = ClinicFactory()
    LocationFactory(clinic=clinic)
    LocationFactory(clinic=clinic)
    assert "2 clinics at 3 locations" in client.get(reverse("clinics:home")).text
