"""Preview, submit for review, withdraw, rejection and resubmission at /manage/ (issue 17.3)."""

import pytest
from django.core import mail
from django.urls import reverse

from clinics.models import Clinic, Offering, PayerAcceptance
from clinics.moderation import clinic_approve, clinic_reject
from tests.builders import make_listing, make_moderator, make_staff, page_form_data, payer, route

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing():
    return make_listing(name="Cascade Ketamine", slug="cascade")


@pytest.fixture
def staff(listing, client):
    user = make_staff(listing)
    client.force_login(user)
    return user


def edit(client, listing, **changes):
    """Send the listing page back with `changes` ({name suffix: value})."""
    page = reverse("manage:clinic", args=[listing.slug])
    data = page_form_data(client.get(page).text, page)
    for suffix, value in changes.items():
        (name,) = [name for name in data if name.endswith(suffix)]
        data[name] = [value]
    response = client.post(page, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_preview_shows_the_public_page_as_it_will_look(client, staff, listing):
    edit(
        client, listing, **{"offerings-0-price_min_usd": "333", "offerings-0-price_max_usd": "444"}
    )
    response = client.get(reverse("manage:preview", args=[listing.slug]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Preview:" in text
    assert "$333–$444" in text
    assert "noindex" in text
    # Links on the page are those of the published listing, not of the working copy.
    assert f'href="/clinics/{listing.slug}/report/"' in text
    assert "--draft" not in text
    # The public page is unchanged meanwhile.
    public = client.get(listing.get_absolute_url()).content.decode()
    assert "$450–$650" in public and "$333" not in public


def test_submit_sends_the_whole_change_and_tells_the_moderators(
    client, staff, listing, django_capture_on_commit_callbacks
):
    make_moderator(email="queue@directory.example")
    edit(client, listing, **{"clinic-name": "Cascade Ketamine Center", "-city": "Beaverton"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("manage:submit", args=[listing.slug]), follow=True)
    assert "Submitted for review" in response.content.decode()
    assert "waiting for review since" in response.content.decode()
    copy = Clinic.objects.get(draft_of=listing)
    assert copy.status == Clinic.Status.PENDING
    assert [m.to for m in mail.outbox] == [["queue@directory.example"]]

    moderator = make_moderator()
    clinic_approve(clinic=copy, reviewer=moderator)
    listing.refresh_from_db()
    assert listing.name == "Cascade Ketamine Center"
    assert listing.locations.get().city == "Beaverton"


def test_submit_without_a_change_makes_nothing(client, staff, listing):
    response = client.post(reverse("manage:submit", args=[listing.slug]), follow=True)
    assert "Nothing to submit" in response.content.decode()
    assert not Clinic.objects.filter(draft_of=listing).exists()


def test_withdraw_returns_the_change_to_a_draft(client, staff, listing):
    edit(client, listing, **{"clinic-name": "Renamed"})
    client.post(reverse("manage:submit", args=[listing.slug]))
    response = client.post(reverse("manage:withdraw", args=[listing.slug]), follow=True)
    assert "Withdrawn from review" in response.content.decode()
    assert Clinic.objects.get(draft_of=listing).status == Clinic.Status.DRAFT


def test_withdraw_is_a_post(client, staff, listing):
    assert client.get(reverse("manage:withdraw", args=[listing.slug])).status_code == 405


def test_a_rejection_shows_the_reason_and_the_change_can_be_corrected_and_resubmitted(
    client, staff, listing
):
    edit(client, listing, **{"clinic-phone": "+1 503 555 0199"})
    client.post(reverse("manage:submit", args=[listing.slug]))
    copy = Clinic.objects.get(draft_of=listing)
    clinic_reject(clinic=copy, reviewer=make_moderator(), reason="That number is a fax.")

    page = client.get(reverse("manage:clinic", args=[listing.slug])).content.decode()
    assert "not approved. The moderator&#x27;s reason: That number is a fax." in page
    assert "Submit for review" in page
    edit(client, listing, **{"clinic-phone": "+1 503 555 0142"})
    client.post(reverse("manage:submit", args=[listing.slug]))
    copy.refresh_from_db()
    assert copy.status == Clinic.Status.PENDING
    assert copy.phone == "+1 503-555-0142"


def test_the_approved_change_is_exactly_what_the_staff_made(client, staff, listing):
    page = reverse("manage:clinic", args=[listing.slug])
    data = page_form_data(client.get(page).text, page)
    (total,) = [name for name in data if name.endswith("insurance-TOTAL_FORMS")]
    row = total.replace("TOTAL_FORMS", data[total.replace("TOTAL", "INITIAL")][0] + "-")
    data[f"{row}payer"] = [str(payer("cigna").pk)]
    data[f"{row}route"] = [str(route("iv").pk)]
    client.post(page, data)
    client.post(reverse("manage:submit", args=[listing.slug]))
    clinic_approve(clinic=Clinic.objects.get(draft_of=listing), reviewer=make_moderator())
    acceptances = {
        (a.payer.slug, a.route.slug if a.route else None)
        for a in PayerAcceptance.objects.filter(location__clinic=listing)
    }
    assert acceptances == {("aetna", None), ("cigna", "iv")}
    assert Offering.objects.get(location__clinic=listing).price_min_usd == 450
    assert not Clinic.objects.filter(draft_of=listing).exists()
