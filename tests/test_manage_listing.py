"""The listing page at /manage/clinics/<slug>/ (issue 17): edit in place, strict checks, access."""

import pytest
from django.urls import reverse

from clinics.models import Clinic, Offering, OpeningHours, PayerAcceptance
from clinics.moderation import clinic_start_edit, clinic_submit
from tests.builders import (
    add_location,
    make_listing,
    make_staff,
    page_form_data,
    payer,
    route,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing():
    clinic = make_listing(name="Cascade Ketamine", slug="cascade")
    location = clinic.locations.get()
    Offering.objects.create(location=location, route=route("esketamine"), price_min_usd=900)
    return clinic


@pytest.fixture
def staff(listing):
    return make_staff(listing)


@pytest.fixture
def signed_in(client, staff):
    client.force_login(staff)
    return client


def url(clinic):
    return reverse("manage:clinic", args=[clinic.slug])


def shown(client, clinic):
    """The page's form as a browser would send it back untouched."""
    response = client.get(url(clinic))
    assert response.status_code == 200
    return page_form_data(response.text, url(clinic))


def field(data, suffix):
    (name,) = [name for name in data if name.endswith(suffix)]
    return name


def extra_row(data, formset):
    """The name prefix of the first empty row of a formset ("loc1-hours-1-")."""
    (total,) = [name for name in data if name.endswith(f"{formset}-TOTAL_FORMS")]
    initial = data[total.replace("TOTAL", "INITIAL")][0]
    return total.replace("TOTAL_FORMS", f"{initial}-")


def copy_of(clinic):
    return Clinic.objects.get(draft_of=clinic)


def test_the_page_shows_the_listing_without_making_a_working_copy(signed_in, listing):
    response = signed_in.get(url(listing))
    assert response.status_code == 200
    for text in ("Clinic facts", "Treatment routes and prices", "Insurance in network",
                 "Payment, conditions and languages", "Hours (Pacific Time)", "Accessibility",
                 "Not stated"):  # fmt: skip
        assert text in response.text
    assert not Clinic.objects.filter(draft_of=listing).exists()


def test_sending_the_page_back_unchanged_makes_no_working_copy(signed_in, listing):
    response = signed_in.post(url(listing), shown(signed_in, listing), follow=True)
    assert "Nothing changed, so nothing was saved." in response.text
    assert not Clinic.objects.filter(draft_of=listing).exists()


def test_a_changed_price_goes_to_a_working_copy_not_to_the_public(signed_in, listing):
    data = shown(signed_in, listing)
    data[field(data, "offerings-0-price_min_usd")] = ["400"]
    data[field(data, "offerings-0-price_max_usd")] = ["500"]
    response = signed_in.post(url(listing), data, follow=True)
    assert "Saved as a draft" in response.text
    copy = copy_of(listing)
    assert copy.status == Clinic.Status.DRAFT
    offering = Offering.objects.get(location__clinic=copy, route=route("iv"))
    assert (offering.price_min_usd, offering.price_max_usd) == (400, 500)
    published = Offering.objects.get(location__clinic=listing, route=route("iv"))
    assert (published.price_min_usd, published.price_max_usd) == (450, 650)
    assert offering.history.first().history_change_reason == "Changed by clinic staff at /manage/"

    # The page now shows the copy; a second change edits the same copy.
    data = shown(signed_in, listing)
    assert data[field(data, "offerings-0-price_min_usd")] == ["400"]
    data[field(data, "clinic-name")] = ["Cascade Ketamine Center"]
    signed_in.post(url(listing), data)
    assert Clinic.objects.filter(draft_of=listing).count() == 1
    assert copy_of(listing).name == "Cascade Ketamine Center"
    listing.refresh_from_db()
    assert listing.name == "Cascade Ketamine"


def test_an_insurer_for_esketamine_only_and_tuesday_hours(signed_in, listing):
    data = shown(signed_in, listing)
    row = extra_row(data, "insurance")
    data[f"{row}payer"] = [str(payer("cigna").pk)]
    data[f"{row}route"] = [str(route("esketamine").pk)]
    row = extra_row(data, "hours")
    data[f"{row}weekday"] = ["2"]
    data[f"{row}opens"] = ["10:00"]
    data[f"{row}closes"] = ["18:30"]
    assert signed_in.post(url(listing), data).status_code == 302
    copy = copy_of(listing)
    acceptances = {
        (a.payer.slug, a.route.slug if a.route else None)
        for a in PayerAcceptance.objects.filter(location__clinic=copy)
    }
    assert acceptances == {("aetna", None), ("cigna", "esketamine")}
    hours = OpeningHours.objects.filter(location__clinic=copy).order_by("weekday")
    assert [str(h) for h in hours] == ["Monday 09:00-17:00", "Tuesday 10:00-18:30"]


def test_removing_a_route(signed_in, listing):
    data = shown(signed_in, listing)
    data[field(data, "offerings-1-route").replace("route", "DELETE")] = ["on"]
    signed_in.post(url(listing), data)
    copy = copy_of(listing)
    assert [o.route.slug for o in Offering.objects.filter(location__clinic=copy)] == ["iv"]


def test_not_stated_is_a_real_choice(signed_in, listing):
    assert listing.referral_required is False
    data = shown(signed_in, listing)
    assert data["clinic-referral_required"] == ["false"]
    data["clinic-referral_required"] = ["unknown"]
    signed_in.post(url(listing), data)
    assert copy_of(listing).referral_required is None


@pytest.mark.parametrize(
    ("suffix", "value", "message"),
    [
        ("clinic-phone", "555-0100", "not a phone number"),
        ("clinic-website", "not a site", "is not a web address"),
        ("clinic-npi", "1234567890", "fails the NPI check digit"),
        ("-postal_code", "10001", "ZIP 10001 is in NY, not OR"),
        ("-postal_code", "99999", "is not a known US ZIP code"),
        ("offerings-0-price_max_usd", "100", "The price range 450-100 is reversed"),
        ("clinic-observation_minutes", "900", "less than or equal to 600"),
    ],
)
def test_checked_as_strictly_as_the_import(signed_in, listing, suffix, value, message):
    data = shown(signed_in, listing)
    data[field(data, suffix)] = [value]
    response = signed_in.post(url(listing), data)
    assert response.status_code == 400
    assert "Nothing was saved: 1 problem to correct" in response.text
    assert message in response.text
    assert not Clinic.objects.filter(draft_of=listing).exists()


def test_closing_before_opening_is_refused_next_to_the_field(signed_in, listing):
    data = shown(signed_in, listing)
    data[field(data, "hours-0-closes")] = ["08:00"]
    response = signed_in.post(url(listing), data)
    assert response.status_code == 400
    assert "The closing time must be after the opening time." in response.text


def test_the_same_route_twice_is_refused(signed_in, listing):
    data = shown(signed_in, listing)
    row = extra_row(data, "offerings")
    data[f"{row}route"] = [str(route("iv").pk)]
    response = signed_in.post(url(listing), data)
    assert response.status_code == 400
    assert "Each route once per location" in response.text


# --- access: another clinic's pages are the same 404 as a missing one -----------------


@pytest.fixture
def other():
    return make_listing(name="Other Clinic", slug="other")


@pytest.mark.parametrize("name", ["clinic", "preview", "submit", "withdraw"])
def test_another_clinics_pages_answer_404_like_a_missing_one(signed_in, other, name):
    for slug in (other.slug, "no-such-clinic"):
        target = reverse(f"manage:{name}", args=[slug])
        assert signed_in.get(target).status_code in (404, 405)
        assert signed_in.post(target, {}).status_code == 404


def test_a_forged_post_to_another_clinic_changes_nothing(client, signed_in, listing, other):
    other_staff = make_staff(other)
    client.force_login(other_staff)
    data = shown(client, other)
    data[field(data, "clinic-name")] = ["Taken over"]
    signed_in.force_login(make_staff(listing))
    assert signed_in.post(url(other), data).status_code == 404
    other.refresh_from_db()
    assert other.name == "Other Clinic"
    assert not Clinic.objects.filter(draft_of=other).exists()


def test_forged_location_rows_of_another_clinic_are_refused(signed_in, listing, other):
    mine = shown(signed_in, listing)
    theirs_id = other.locations.get().pk
    mine_id = listing.locations.get().pk
    forged = {
        name.replace(f"loc{mine_id}-", f"loc{theirs_id}-"): value
        for name, value in mine.items()
        if name.startswith(f"loc{mine_id}-")
    }
    forged[f"loc{theirs_id}-city"] = ["Taken"]
    response = signed_in.post(url(listing), {**mine, **forged})
    assert response.status_code == 404
    assert other.locations.get().city == "Portland"
    assert not Clinic.objects.filter(draft_of__in=[listing, other]).exists()


def test_the_working_copy_has_no_pages_of_its_own(signed_in, listing, staff):
    copy = clinic_start_edit(clinic=listing, user=staff)
    assert signed_in.get(reverse("manage:clinic", args=[copy.slug])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, listing):
    response = client.get(url(listing))
    assert response["Location"] == f"/manage/login/?next={url(listing)}"


# --- frozen while pending ------------------------------------------------------------


def test_a_change_waiting_for_review_is_frozen_until_withdrawn(signed_in, listing, staff):
    data = shown(signed_in, listing)
    data[field(data, "clinic-name")] = ["Renamed"]
    signed_in.post(url(listing), data)
    clinic_submit(clinic=copy_of(listing), user=staff)

    page = signed_in.get(url(listing)).text
    assert "waiting for review since" in page
    assert '<fieldset class="listing" disabled>' in page
    data[field(data, "clinic-name")] = ["Renamed again"]
    response = signed_in.post(url(listing), data)
    assert response.status_code == 403
    assert "Withdraw them from review first" in response.text
    assert copy_of(listing).name == "Renamed"

    signed_in.post(reverse("manage:withdraw", args=[listing.slug]))
    assert copy_of(listing).status == Clinic.Status.DRAFT
    signed_in.post(url(listing), data)
    assert copy_of(listing).name == "Renamed again"


def test_the_page_runs_a_constant_number_of_queries(
    signed_in, listing, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40) as one:
        signed_in.get(url(listing))
    for _ in range(3):
        add_location(listing, routes=["iv", "im"], payers=["aetna", ("cigna", "im")],
                     hours=[(1, "09:00", "17:00"), (3, "09:00", "12:00")], conditions=["ptsd"])  # fmt: skip
    with django_assert_max_num_queries(len(one.captured_queries)):
        signed_in.get(url(listing))
