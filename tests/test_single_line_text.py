"""Control characters in single-line text (issue 12, item 4).

A clinic name with a line break once made every email about it raise: /list-your-clinic/
answered 500 and the listing could be neither approved nor rejected. Names, addresses, cities
and roles now refuse control characters wherever they are typed (the public forms, the admin)
with one rule (clinics.validators.validate_single_line), and mail headers are built only from
checked text, so rows stored before the rule still go through moderation.
"""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinics import moderation
from clinics.models import ClaimRequest, Clinic, Location
from clinics.moderation.forms import form_timestamp
from clinics.validators import validate_single_line
from tests.builders import (
    ClinicFactory,
    admin_change_data,
    make_listing,
    make_moderator,
    make_staff,
)

pytestmark = pytest.mark.django_db

CONTROLS = {
    "line feed": "\n",
    "carriage return and line feed": "\r\n",
    "tab": "\t",
    "NUL": "\x00",
    "escape": "\x1b",
    "DEL": "\x7f",
    "next line (C1)": "\x85",
    "C1 control": "\x9b",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
}


@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
def test_the_rule_refuses_every_control_character(control):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(f"Rose City{control}Bcc: victim@example.org")
    assert "Write this on one line" in refused.value.messages[0]


def test_the_rule_names_what_it_found():
    with pytest.raises(ValidationError) as refused:
        validate_single_line("Rose\nCity")
    assert "(it contains a line break)" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        validate_single_line("Rose\x1bCity")
    assert "U+001B" in refused.value.messages[0]


def test_the_rule_keeps_ordinary_text():
    validate_single_line("Zoë's Clínica — Suite #4, 2nd floor (rear) · 日本")


# The public forms ----------------------------------------------------------------------------


def proposal(**overrides):
    return {
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
        **overrides,
    }


@pytest.mark.parametrize(
    "field", ["clinic_name", "address_line1", "address_line2", "city", "name", "role"]
)
def test_list_your_clinic_refuses_a_line_break_with_the_form_again(client, field):
    value = "Evil\nBcc: victim@example.org"
    response = client.post(reverse("list_your_clinic"), proposal(**{field: value}))
    assert response.status_code == 400
    form = response.context["form"]
    assert "Write this on one line" in form.errors[field][0]
    assert "Write this on one line" in response.text  # shown next to the field
    assert "Bcc: victim@example.org" in response.text  # what was typed comes back to fix
    assert not Clinic.objects.exists()
    assert not ClaimRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("field", ["name", "role"])
def test_the_claim_form_refuses_a_line_break(client, field):
    clinic = ClinicFactory(name="Claim Me")
    data = {
        "name": "Sam",
        "role": "Owner",
        "work_email": "sam@claimme.example",
        "npi": "",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
        field: "Sam\r\nX-Injected: yes",
    }
    response = client.post(reverse("claim_listing", args=[clinic.slug]), data)
    assert response.status_code == 400
    assert "Write this on one line" in response.context["form"].errors[field][0]
    assert not ClaimRequest.objects.exists()


# The admin -----------------------------------------------------------------------------------


def change_url(obj):
    return reverse(f"admin:clinics_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize(
    ("model", "field"),
    [("clinic", "name"), ("location", "address_line1"), ("location", "city")],
)
def test_the_admin_refuses_a_line_break(client, model, field):
    clinic = make_listing(name="Admin Clinic")
    obj = clinic if model == "clinic" else clinic.locations.get()
    client.force_login(make_moderator())
    data = admin_change_data(client.get(change_url(obj)))
    data[field] = "Line one\nLine two"
    response = client.post(change_url(obj), data)
    assert response.status_code == 200  # the form again, not saved
    assert "Write this on one line" in response.context["adminform"].form.errors[field][0]
    obj.refresh_from_db()
    assert "\n" not in getattr(obj, field)


def test_staff_editing_a_location_inline_are_refused_too(client):
    clinic = make_listing(name="Inline Clinic", status=Clinic.Status.DRAFT)
    staff = make_staff(clinic)
    client.force_login(staff)
    data = admin_change_data(client.get(change_url(clinic)))
    data["locations-0-city"] = "Port\nland"
    response = client.post(change_url(clinic), data)
    assert response.status_code == 200
    assert "Write this on one line" in response.text
    assert Location.objects.get(clinic=clinic).city != "Port\nland"


# Rows stored before the rule still go through moderation -------------------------------------


@pytest.fixture
def legacy_pending():
    """A listing waiting for review whose name has a line break (written before the rule)."""
    clinic = make_listing(name="Legacy\r\nBcc: victim@example.org", status=Clinic.Status.PENDING)
    make_staff(clinic, email="staff@legacy.example")
    return clinic


def decide(client, clinic, action, **extra):
    client.force_login(make_moderator())
    url = reverse("moderation:clinic", args=[clinic.pk])
    version = client.get(url).context["version"]
    return client.post(url, {"action": action, "version": version, **extra})


def test_a_legacy_name_with_a_line_break_can_be_approved(
    client, legacy_pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, legacy_pending, "approve")
    assert response.status_code == 302
    legacy_pending.refresh_from_db()
    assert legacy_pending.status == Clinic.Status.PUBLISHED
    [email] = mail.outbox
    assert email.subject == "Legacy Bcc: victim@example.org is published"
    assert email.to == ["staff@legacy.example"]
    message = email.message()
    assert message["Bcc"] is None and "victim" not in message.get("To", "")


def test_a_legacy_name_with_a_line_break_can_be_rejected(
    client, legacy_pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, legacy_pending, "reject", reason="Please check the name.")
    assert response.status_code == 302
    legacy_pending.refresh_from_db()
    assert legacy_pending.status == Clinic.Status.REJECTED
    [email] = mail.outbox
    assert "\n" not in email.subject and "\r" not in email.subject
    assert email.subject.startswith("Your changes to Legacy Bcc: victim@example.org")


def test_a_legacy_copy_of_a_published_listing_can_be_approved(
    client, django_capture_on_commit_callbacks
):
    listing = make_listing(name="Old\nName")
    staff = make_staff(listing, email="staff@old.example")
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    copy.phone = "+1 503 555 0111"
    copy.save()
    moderation.clinic_submit(clinic=copy, user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, copy, "approve")
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.phone == "+1 503 555 0111"
    assert [email.subject for email in mail.outbox] == ["Your changes to Old Name are live"]
