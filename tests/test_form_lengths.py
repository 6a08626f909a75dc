"""Form fields match their columns (issue 12, item 5).

A valid 301-character email address passed the report, claim and list-your-clinic forms and
then failed to fit its varchar(254) column: a 500 on PostgreSQL. The public forms now take
their fields from the model columns, so what they accept always fits. Run these on PostgreSQL
too (SQLite does not enforce lengths): DATABASE_URL=postgres://... uv run pytest this file.
"""

import pytest
from django import forms
from django.core.validators import validate_email
from django.urls import reverse

from clinics.models import ClaimRequest, Clinic, Location, Report
from clinics.moderation.forms import ClaimForm, ListClinicForm, ReportForm, form_timestamp
from tests.builders import ClinicFactory
from tests.test_single_line_text import proposal

pytestmark = pytest.mark.django_db

# 64 + 1 + 236 characters: valid by Django's validator, too long for any email column.
LONG_EMAIL = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "c" * 40 + ".org"


def test_the_long_address_is_valid_and_301_characters():
    validate_email(LONG_EMAIL)
    assert len(LONG_EMAIL) == 301


def assert_refused(response, field):
    assert response.status_code == 400
    [error] = response.context["form"].errors[field]
    assert "at most 254 characters" in error


def test_the_report_form_refuses_an_address_too_long_to_store(client):
    clinic = ClinicFactory(name="Report Me")
    data = {
        "problem": "phone",
        "details": "The number rings a bakery.",
        "email": LONG_EMAIL,
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
    }
    assert_refused(client.post(reverse("report_listing", args=[clinic.slug]), data), "email")
    assert not Report.objects.exists()


def test_the_claim_form_refuses_an_address_too_long_to_store(client):
    clinic = ClinicFactory(name="Claim Me")
    data = {
        "name": "Sam",
        "role": "Owner",
        "work_email": LONG_EMAIL,
        "npi": "",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
    }
    assert_refused(client.post(reverse("claim_listing", args=[clinic.slug]), data), "work_email")
    assert not ClaimRequest.objects.exists()


def test_list_your_clinic_refuses_an_address_too_long_to_store(client):
    response = client.post(reverse("list_your_clinic"), proposal(work_email=LONG_EMAIL))
    assert_refused(response, "work_email")
    assert not Clinic.objects.exists()


def test_list_your_clinic_refuses_a_website_too_long_once_https_is_added(client):
    typed = "brandnew.example/" + "p" * (200 - len("brandnew.example/"))
    assert len(typed) == 200  # fits the field as typed; "https://" makes it 208
    response = client.post(reverse("list_your_clinic"), proposal(website=typed))
    assert response.status_code == 400
    assert "at most 200 characters" in response.context["form"].errors["website"][0]
    assert not Clinic.objects.exists()


def test_the_longest_accepted_values_are_stored(client):
    """At the limits the form accepts, the rows are written (PostgreSQL checks the lengths)."""
    email = "s" * 64 + "@" + ("b" * 63 + ".") * 2 + "c" * 57 + ".org"
    assert len(email) == 254
    values = {
        "clinic_name": "N" * 200,
        "address_line1": "A" * 200,
        "city": "C" * 100,
        "name": "S" * 150,
        "role": "R" * 120,
        "work_email": email,
        "website": "https://brandnew.example/" + "p" * (200 - 25),
    }
    response = client.post(reverse("list_your_clinic"), proposal(**values))
    assert response.status_code == 200, response.context["form"].errors
    clinic = Clinic.objects.get()
    assert (len(clinic.name), len(clinic.website)) == (200, 200)
    assert ClaimRequest.objects.get().work_email == email


FORM_COLUMNS = [
    (ReportForm, "details", Report, "details"),
    (ReportForm, "email", Report, "email"),
    (ClaimForm, "name", ClaimRequest, "name"),
    (ClaimForm, "role", ClaimRequest, "role"),
    (ClaimForm, "work_email", ClaimRequest, "work_email"),
    (ClaimForm, "npi", ClaimRequest, "npi"),
    (ListClinicForm, "clinic_name", Clinic, "name"),
    (ListClinicForm, "website", Clinic, "website"),
    (ListClinicForm, "address_line1", Location, "address_line1"),
    (ListClinicForm, "address_line2", Location, "address_line2"),
    (ListClinicForm, "city", Location, "city"),
    (ListClinicForm, "name", ClaimRequest, "name"),
    (ListClinicForm, "role", ClaimRequest, "role"),
    (ListClinicForm, "work_email", ClaimRequest, "work_email"),
]


@pytest.mark.parametrize(("form", "field", "model", "column"), FORM_COLUMNS)
def test_every_public_form_field_is_as_long_as_its_column(form, field, model, column):
    form_field = form.base_fields[field]
    assert isinstance(form_field, forms.CharField)
    assert form_field.max_length == model._meta.get_field(column).max_length
