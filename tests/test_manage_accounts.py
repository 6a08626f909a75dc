"""/manage/ sign-in, sign-out, passwords, and the listings a person keeps in words (issue 17)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinics.models import Clinic, StaffMembership
from clinics.moderation import clinic_reject, clinic_start_edit, clinic_submit
from tests.builders import make_listing, make_moderator, make_staff

pytestmark = pytest.mark.django_db

PASSWORD = "a long password nobody guesses"


@pytest.fixture
def listing():
    return make_listing(name="Cascade Ketamine", slug="cascade-ketamine")


@pytest.fixture
def owner(listing):
    user = make_staff(listing, role=StaffMembership.Role.OWNER, username="owner")
    user.email = "Owner@Cascade.example"
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("manage:login"), {"username": email, "password": password})


def test_anonymous_visitors_are_sent_to_the_sign_in_page(client):
    response = client.get("/manage/")
    assert response.status_code == 302
    assert response["Location"] == "/manage/login/?next=/manage/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Email address" in page.text
    assert "Username" not in page.text
    assert 'href="/manage/password/forgot/"' in page.text  # Forgot password?


def test_staff_sign_in_with_their_email_in_any_case(client, owner):
    response = sign_in(client, "owner@cascade.EXAMPLE")
    assert response.status_code == 302
    assert response["Location"] == "/manage/"
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_a_wrong_password_is_refused_with_a_message_beside_the_form(client, owner):
    response = sign_in(client, "owner@cascade.example", "wrong")
    assert response.status_code == 200
    assert "do not match an account" in response.text
    assert "_auth_user_id" not in client.session


def test_sign_in_is_throttled_like_the_admin(client, owner, settings):
    settings.AXES_ENABLED = True
    for _ in range(4):
        assert sign_in(client, "owner@cascade.example", "wrong").status_code == 200
    assert sign_in(client, "owner@cascade.example", "wrong").status_code == 429
    # Locked out: even the right password does not sign in until the cool-off.
    assert sign_in(client, "owner@cascade.example").status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_and_leads_back_to_sign_in(client, owner):
    client.force_login(owner)
    response = client.post(reverse("manage:logout"))
    assert response["Location"] == "/manage/login/"
    assert "_auth_user_id" not in client.session


def test_change_password(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("manage:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long password here",
            "new_password2": "another long password here",
        },
    )
    assert response["Location"] == reverse("manage:password_change_done")
    owner.refresh_from_db()
    assert owner.check_password("another long password here")


def test_change_password_needs_sign_in(client):
    response = client.get(reverse("manage:password_change"))
    assert response["Location"].startswith("/manage/login/")


def test_forgot_password_emails_a_link_from_site_url(
    client, owner, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://directory.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("manage:password_reset"), {"email": "owner@cascade.example"})
    assert response["Location"] == reverse("manage:password_reset_done")
    (email,) = mail.outbox
    assert email.to == ["owner@cascade.example"]
    link = next(line for line in email.body.splitlines() if "/account/set-password/" in line)
    assert link.startswith("https://directory.example/account/set-password/")
    client.logout()
    page = client.get(link.removeprefix("https://directory.example"), follow=True)
    assert "new password" in page.text.lower()


def test_forgot_password_for_an_unknown_address_says_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("manage:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("manage:password_reset_done")
    assert mail.outbox == []


def test_home_lists_the_persons_clinics_with_their_state_in_words(client, owner, listing):
    other = make_listing(name="Other Clinic", slug="other-clinic")
    client.force_login(owner)
    response = client.get("/manage/")
    assert "Cascade Ketamine" in response.text
    assert "Live: patients see this listing." in response.text
    assert 'href="/manage/clinics/cascade-ketamine/"' in response.text
    assert other.name not in response.text


def test_home_says_a_draft_waiting_and_not_approved(client, owner, listing):
    moderator = make_moderator()
    client.force_login(owner)
    copy = clinic_start_edit(clinic=listing, user=owner)
    assert "draft, not sent for review yet" in client.get("/manage/").text

    clinic_submit(clinic=copy, user=owner)
    today = timezone.localdate()
    text = client.get("/manage/").text
    assert f"waiting for review since {today:%B} {today.day}, {today.year}" in text
    assert "withdraw" in text

    clinic_reject(clinic=copy, reviewer=moderator, reason="The phone number rings a fax.")
    text = client.get("/manage/").text
    assert "not approved. The moderator&#x27;s reason: The phone number rings a fax." in text
    assert "submit it again" in text


def test_home_of_a_new_listing_waiting_for_review(client, owner, listing):
    Clinic.objects.filter(pk=listing.pk).update(status=Clinic.Status.PENDING)
    listing.history.create(
        id=listing.pk,
        name=listing.name,
        slug=listing.slug,
        status="pending",
        history_date=timezone.now() - datetime.timedelta(days=3),
        history_type="~",
        history_change_reason="Submitted for review",
        created_at=listing.created_at,
        updated_at=listing.updated_at,
        starts_by_phone=True,
        starts_by_text=False,
        starts_by_web_form=False,
        starts_by_online_booking=False,
        offers_telehealth=False,
        offers_at_home=False,
    )
    client.force_login(owner)
    text = client.get("/manage/").text
    when = timezone.localdate() - datetime.timedelta(days=3)
    assert f"This new listing: waiting for review since {when:%B} {when.day}" in text


def test_home_runs_a_constant_number_of_queries(client, owner, django_assert_max_num_queries):
    for n in range(5):
        clinic = make_listing(name=f"Chain {n}", slug=f"chain-{n}")
        StaffMembership.objects.create(user=owner, clinic=clinic)
        if n % 2:
            clinic_submit(clinic=clinic_start_edit(clinic=clinic, user=owner), user=owner)
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        response = client.get("/manage/")
    assert response.text.count("waiting for review since") == 2
