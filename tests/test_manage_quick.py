"""Quick updates without review at /manage/ (issue 17.4): live at once, dated, in history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import Clinic, Verification
from clinics.moderation import clinic_approve, listing_history
from tests.builders import make_listing, make_moderator, make_staff, page_form_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def listing():
    clinic = make_listing(name="Cascade Ketamine", slug="cascade", accepting_new_patients=True)
    Clinic.objects.filter(pk=clinic.pk).update(accepting_as_of=datetime.date(2025, 1, 2))
    clinic.refresh_from_db()
    return clinic


@pytest.fixture
def staff(listing, client):
    user = make_staff(listing)
    client.force_login(user)
    return user


def quick(client, listing, **data):
    values = {"quick-accepting": "yes", "quick-next_kind": "unknown", "quick-next_date": ""}
    values.update({f"quick-{name}": value for name, value in data.items()})
    return client.post(reverse("manage:quick", args=[listing.slug]), values)


def test_not_accepting_is_live_at_once_dated_today_and_in_history(client, staff, listing):
    assert quick(client, listing, accepting="no").status_code == 302
    listing.refresh_from_db()
    assert listing.accepting_new_patients is False
    assert listing.accepting_as_of == TODAY()
    assert not Clinic.objects.filter(draft_of=listing).exists()  # no review needed
    public = client.get(listing.get_absolute_url()).content.decode()
    assert f"Not accepting new patients as of {TODAY():%B %Y}" in public
    record = listing.history.first()
    assert record.history_user == staff
    assert record.history_change_reason.startswith("Quick update by clinic staff")
    assert Verification.objects.filter(clinic=listing, fact="accepting", source="clinic").exists()


def test_moderators_see_the_quick_update_in_the_history(client, staff, listing):
    quick(client, listing, accepting="no")
    moderator = make_moderator()
    client.force_login(moderator)
    page = client.get(reverse("moderation:history", args=[listing.pk])).content.decode()
    assert "Quick update by clinic staff" in page


def test_next_appointment_a_date_or_call(client, staff, listing):
    day = TODAY() + datetime.timedelta(days=9)
    quick(client, listing, next_kind="date", next_date=day.isoformat())
    listing.refresh_from_db()
    assert (listing.next_appointment_on, listing.next_appointment_as_of) == (day, TODAY())
    public = client.get(listing.get_absolute_url()).content.decode()
    assert f"Next available appointment: {day:%B} {day.day}, {day.year}" in public

    quick(client, listing, next_kind="call")
    listing.refresh_from_db()
    assert listing.next_appointment == "call"
    assert listing.next_appointment_on is None
    assert (
        "Call for the next available appointment"
        in client.get(listing.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"next_kind": "date", "next_date": ""}, "Give the date"),
        ({"next_kind": "date", "next_date": "2020-01-01"}, "That date has passed"),
        ({"next_kind": "date", "next_date": "not a date"}, "Enter a valid date"),
        ({"accepting": "maybe"}, "Select a valid choice"),
    ],
)
def test_bad_quick_updates_are_refused_next_to_the_field(client, staff, listing, data, message):
    response = quick(client, listing, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    listing.refresh_from_db()
    assert listing.accepting_as_of == datetime.date(2025, 1, 2)


def test_another_clinics_quick_update_is_404(client, staff):
    other = make_listing(slug="other", accepting_new_patients=True)
    assert quick(client, other, accepting="no").status_code == 404
    other.refresh_from_db()
    assert other.accepting_new_patients is True


def test_a_quick_update_survives_the_approval_of_a_working_copy(client, staff, listing):
    page = reverse("manage:clinic", args=[listing.slug])
    data = page_form_data(client.get(page).content.decode(), page)
    data["clinic-name"] = ["Cascade Ketamine Center"]
    client.post(page, data)
    quick(client, listing, accepting="no")
    copy = Clinic.objects.get(draft_of=listing)
    assert copy.accepting_new_patients is False  # the preview shows it too
    client.post(reverse("manage:submit", args=[listing.slug]))
    clinic_approve(clinic=copy, reviewer=make_moderator())
    listing.refresh_from_db()
    assert (listing.name, listing.accepting_new_patients) == ("Cascade Ketamine Center", False)
    assert listing_history(listing)  # the history reads with the quick update in it
