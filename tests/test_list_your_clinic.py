"""/list-your-clinic/ (issue 15.6): the listing and its sender's claim are one decision, and
the sender's email says what they can now do."""

import pytest
from django.core import mail
from django.urls import reverse

from clinics.models import ClaimRequest, Clinic, StaffMembership
from clinics.moderation.forms import form_timestamp
from tests.builders import OfferingFactory, make_moderator

pytestmark = pytest.mark.django_db

SITE = "https://directory.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def proposal(**overrides):
    data = {
        "clinic_name": "Brand New Ketamine",
        "website": "https://brandnew.example",
        "phone": "(503) 555-0123",
        "address_line1": "1 New St",
        "address_line2": "",
        "city": "Portland",
        "state": "OR",
        "postal_code": "97205",
        "npi": "",
        "name": "Sam",
        "role": "Owner",
        "work_email": "sam@brandnew.example",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
    }
    data.update(overrides)
    return data


@pytest.fixture
def proposed(client):
    response = client.post(reverse("list_your_clinic"), proposal())
    assert response.status_code == 200, response.context["form"].errors
    return Clinic.objects.get(name="Brand New Ketamine")


def approve(client, clinic, **extra):
    """Approve, once a treatment route was added (the form does not ask; issue 14.3)."""
    OfferingFactory(location=clinic.locations.get())
    url = reverse("moderation:clinic", args=[clinic.pk])
    version = client.get(url).context["version"]
    return client.post(url, {"action": "approve", "version": version, **extra})


def test_approving_the_listing_approves_its_senders_claim_in_the_same_step(
    client, proposed, django_capture_on_commit_callbacks
):
    claim = proposed.claim_requests.get()
    client.force_login(make_moderator())
    page = client.get(reverse("moderation:clinic", args=[proposed.pk]))
    assert "Also give Sam (Owner, sam@brandnew.example) access" in page.text
    assert list(page.context["claims"]) == [claim]

    with django_capture_on_commit_callbacks(execute=True):
        approve(client, proposed, approve_claim=[claim.pk])

    proposed.refresh_from_db()
    claim.refresh_from_db()
    assert proposed.status == Clinic.Status.PUBLISHED
    assert claim.status == ClaimRequest.Status.APPROVED
    membership = StaffMembership.objects.get(clinic=proposed)
    assert membership.user.email == "sam@brandnew.example"
    [email] = mail.outbox
    assert email.to == ["sam@brandnew.example"]
    assert email.subject == "Brand New Ketamine is published, and you can now manage it"
    assert f"{SITE}/account/set-password/" in email.body
    assert f"{SITE}/clinics/brand-new-ketamine/" in email.body
    assert "treatment routes and prices" in email.body
    assert "are live" not in email.body and "your changes" not in email.body.lower()


def test_the_claim_can_wait_while_the_listing_is_published(
    client, proposed, django_capture_on_commit_callbacks
):
    client.force_login(make_moderator())
    with django_capture_on_commit_callbacks(execute=True):
        approve(client, proposed)
    proposed.refresh_from_db()
    assert proposed.status == Clinic.Status.PUBLISHED
    assert proposed.claim_requests.get().status == ClaimRequest.Status.PENDING
    assert not StaffMembership.objects.exists()
    [email] = mail.outbox
    assert email.subject == "Brand New Ketamine is published"
    assert "still being checked" in email.body
    assert "set-password" not in email.body


# --- validated like the import (issue 15.9) ------------------------------------------------


def test_the_listing_is_stored_normalised_with_its_second_address_line(client):
    response = client.post(
        reverse("list_your_clinic"),
        proposal(website="brandnew.example", address_line2="Suite 200", phone="503.555.0123"),
    )
    assert response.status_code == 200
    clinic = Clinic.objects.get()
    assert clinic.website == "https://brandnew.example"
    assert clinic.phone == "+1 503-555-0123"  # the import's form of a US number
    assert clinic.locations.get().address_line2 == "Suite 200"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "(123) 456-7890", "is not a phone number"),
        ("phone", "12345", "is not a phone number"),
        ("postal_code", "78701", "ZIP 78701 is in TX, not OR"),
        ("postal_code", "00000", "is not a known US ZIP code"),
        ("postal_code", "ABCDE", "is not a US ZIP code"),
        ("npi", "1234567890", "fails the NPI check digit"),
        ("website", "not a site", "is not a web address"),
    ],
)
def test_what_the_import_refuses_the_form_refuses(client, field, value, message):
    response = client.post(reverse("list_your_clinic"), proposal(**{field: value}))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Clinic.objects.exists()


def test_states_are_listed_by_name(client):
    form = client.get(reverse("list_your_clinic")).context["form"]
    names = [name for code, name in form.fields["state"].choices if code]
    assert names == sorted(names)
    assert names[:3] == ["Alabama", "Alaska", "American Samoa"]
