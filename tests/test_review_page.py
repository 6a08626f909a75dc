"""The review page shows only what changed, with values for everything, and flags what looks
wrong (issue 15.7)."""

import pytest
from django.urls import reverse

from clinics import moderation
from clinics.models import Clinic, Location
from tests.builders import (
    PayerAcceptanceFactory,
    condition,
    language,
    make_listing,
    make_moderator,
    make_staff,
    payer,
    payment_option,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing():
    return make_listing(name="Review Page Clinic", phone="+1 503 555 0100")


@pytest.fixture
def moderator():
    return make_moderator(username="review-page-mod")


def review(client, clinic, moderator):
    client.force_login(moderator)
    return client.get(reverse("moderation:clinic", args=[clinic.pk]))


def test_only_what_changed_with_names_for_everything(client, listing, moderator):
    staff = make_staff(listing)
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    location = copy.locations.get()
    location.conditions.add(condition("ptsd"))
    location.languages.add(language("es"))
    location.payment_options.add(payment_option("self-pay"))
    PayerAcceptanceFactory(location=location, payer=payer("cigna"))
    copy.offers_kap = True
    copy.save()
    moderation.clinic_submit(clinic=copy, user=staff)

    page = review(client, copy, moderator)
    rows = {row["field"]: (row["before"], row["after"]) for row in page.context["diff"]}
    assert rows["conditions"] == (
        "Treatment-resistant depression",
        "PTSD, Treatment-resistant depression",
    )
    assert rows["languages"] == ("none", "Spanish")
    assert rows["payment options"] == ("none", "Self-pay")
    assert rows["insurance accepted"][1] == "Aetna (all routes); Cigna (all routes)"
    assert rows["ketamine-assisted psychotherapy in house"] == ("No", "Yes")
    # Nothing that stayed the same.
    assert "name" not in rows and "city" not in rows and "phone" not in rows
    assert "conditions, payment options or languages" not in page.text


def test_the_history_names_the_values_of_conditions_and_languages(client, listing, moderator):
    location = listing.locations.get()
    location._history_user = moderator
    location.languages.add(language("es"))
    client.force_login(moderator)
    page = client.get(reverse("moderation:history", args=[listing.pk]))
    changes = " ".join(page.context["versions"][0]["changes"])
    assert "languages: none → Spanish" in changes


@pytest.mark.parametrize(
    ("change", "flag"),
    [
        ({"postal_code": "78701"}, "ZIP 78701 is in TX, not OR"),
        ({"latitude": 40.71, "longitude": -74.0}, "the site is far from its ZIP code"),
        ({"phone": "+1 123 456 7890"}, "phone: '+1 123 456 7890' is not a phone number"),
    ],
)
def test_flags_on_locations(client, listing, moderator, change, flag):
    Location.objects.filter(clinic=listing).update(**change)
    page = review(client, listing, moderator)
    assert any(flag in line for line in page.context["flags"]), page.context["flags"]
    assert flag.split(":")[0] in page.text


def test_a_clean_listing_has_no_flags(client, listing, moderator):
    assert review(client, listing, moderator).context["flags"] == []


def test_a_listing_with_no_route_is_flagged(client, moderator):
    clinic = make_listing(name="No Route", status=Clinic.Status.PENDING)
    clinic.locations.get().offerings.all().delete()
    flags = review(client, clinic, moderator).context["flags"]
    assert flags == ["No treatment route: no location offers IV, IM, lozenges or esketamine."]


def test_a_clinic_phone_that_does_not_exist_is_flagged(client, moderator):
    clinic = make_listing(name="Fake Phone", phone="555-5555", status=Clinic.Status.PENDING)
    flags = review(client, clinic, moderator).context["flags"]
    assert flags == ["Clinic phone: '555-5555' is not a phone number; write it as (503) 555-0101"]
