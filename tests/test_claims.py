"""Claim a listing and list a new clinic (issue 4)."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from clinics.models import ClaimRequest, Clinic, StaffMembership
from clinics.moderation.forms import form_timestamp
from tests.builders import ClinicFactory, ClinicianFactory, make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clinic():
    return ClinicFactory(
        name="Claimable Clinic", website="https://www.claimable.example", npi="1245319599"
    )


def claim_data(**overrides):
    return {
        "name": "Dana Smith",
        "role": "Practice manager",
        "work_email": "dana@claimable.example",
        "npi": "",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
        **overrides,
    }


def test_claim_url(clinic):
    assert reverse("claim_listing", args=[clinic.slug]) == f"/clinics/{clinic.slug}/claim/"


@pytest.mark.parametrize(
    ("email", "npi", "email_matches", "npi_matches"),
    [
        ("dana@claimable.example", "", True, False),
        ("dana@mail.claimable.example", "", True, False),
        ("dana@gmail.example", "1245319599", False, True),
        ("dana@gmail.example", "", False, False),
        ("dana@notclaimable.example", "1558598797", False, False),
    ],
)
def test_claim_evidence(client, clinic, email, npi, email_matches, npi_matches):
    url = reverse("claim_listing", args=[clinic.slug])
    assert client.post(url, claim_data(work_email=email, npi=npi)).status_code == 200
    claim = ClaimRequest.objects.get()
    assert claim.email_matches_website is email_matches
    assert claim.npi_matches is npi_matches


def test_clinician_npi_counts_as_evidence(clinic):
    ClinicianFactory(clinic=clinic, npi="1558598797")
    claim = ClaimRequest.objects.create(
        clinic=clinic, name="A", role="MD", work_email="a@x.example", npi="1558598797"
    )
    assert claim.npi_matches


def test_claim_form_rejects_a_filled_honeypot_and_a_bad_npi(client, clinic):
    url = reverse("claim_listing", args=[clinic.slug])
    assert client.post(url, claim_data(homepage="x")).status_code == 400
    response = client.post(url, claim_data(npi="1234567890"))
    assert response.status_code == 400
    assert not ClaimRequest.objects.exists()


def test_approving_a_claim_creates_the_user_and_membership_with_a_password_link(
    client, clinic, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://directory.example"
    claim = ClaimRequest.objects.create(
        clinic=clinic, name="Dana", role="Manager", work_email="dana@claimable.example"
    )
    moderator = make_moderator()
    client.force_login(moderator)
    response = client.get(reverse("moderation:claim", args=[claim.pk]))
    assert "matches the clinic website" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("moderation:claim", args=[claim.pk]), {"decision": "approved", "reason": ""}
        )
    assert response.status_code == 302

    user = get_user_model().objects.get(email="dana@claimable.example")
    assert not user.has_usable_password()
    assert user.is_staff
    assert user.groups.filter(name="Clinic staff").exists()
    membership = StaffMembership.objects.get(user=user)
    assert (membership.clinic, membership.role) == (clinic, StaffMembership.Role.OWNER)
    claim.refresh_from_db()
    assert claim.status == ClaimRequest.Status.APPROVED

    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/account/set-password/" in line)
    assert link.startswith("https://directory.example/account/set-password/")  # from SITE_URL
    client.logout()
    response = client.get(link.strip().removeprefix("https://directory.example"), follow=True)
    assert response.status_code == 200
    assert "new password" in response.text.lower()


def test_rejecting_a_claim_needs_a_reason_and_emails_it(
    client, clinic, django_capture_on_commit_callbacks
):
    claim = ClaimRequest.objects.create(
        clinic=clinic, name="Eve", role="?", work_email="eve@else.example"
    )
    client.force_login(make_moderator())
    url = reverse("moderation:claim", args=[claim.pk])
    assert client.post(url, {"decision": "rejected", "reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "rejected", "reason": "Cannot confirm"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimRequest.Status.REJECTED
    assert "Cannot confirm" in mail.outbox[0].body
    assert not StaffMembership.objects.exists()


def test_list_your_clinic_creates_a_pending_listing_and_a_claim(
    client, django_capture_on_commit_callbacks
):
    make_moderator(email="queue@directory.example")
    response = client.get(reverse("list_your_clinic"))
    assert response.status_code == 200
    data = {
        "clinic_name": "Brand New Ketamine",
        "website": "https://brandnew.example",
        "phone": "+1 503 555 0123",
        "address_line1": "1 New St",
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
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("list_your_clinic"), data)
    assert response.status_code == 200
    clinic = Clinic.objects.get(name="Brand New Ketamine")
    assert clinic.status == Clinic.Status.PENDING
    assert clinic.slug == "brand-new-ketamine"
    assert clinic.locations.get().city == "Portland"
    assert clinic.claim_requests.get().work_email == "sam@brandnew.example"
    assert not Clinic.objects.published().exists()
    assert clinic.history.get().history_change_reason.startswith("Proposed")
    # The moderators hear of the listing (not separately of its claim); the sender gets one
    # receipt for both.
    assert [m.to for m in mail.outbox] == [["sam@brandnew.example"], ["queue@directory.example"]]
    assert "New listing: Brand New Ketamine" in mail.outbox[1].subject
    assert mail.outbox[0].subject == "We received your listing of Brand New Ketamine"


def test_list_your_clinic_rerenders_with_errors(client):
    response = client.post(reverse("list_your_clinic"), {"clinic_name": "X"})
    assert response.status_code == 400
    assert "This field is required" in response.text
    assert not Clinic.objects.exists()


def test_rejecting_a_new_listing_emails_the_requester(client, django_capture_on_commit_callbacks):
    from clinics import moderation

    clinic = ClinicFactory(status="pending")
    ClaimRequest.objects.create(clinic=clinic, name="Sam", role="O", work_email="sam@x.example")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.clinic_reject(clinic=clinic, reviewer=make_moderator(), reason="Not a clinic")
    assert mail.outbox[0].to == ["sam@x.example"]
