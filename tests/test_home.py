import pytest
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
