"""Merging two clinics folds the same site into one location (issue 15.3), and moderators
dismiss a false duplicate pair so it stops being suggested.

Same site: the same normalised address and ZIP, or within 100 m with similar names
(clinics.sites). Offerings, insurance, hours and languages are unioned; where both say
something different, the confirmation page shows it and the moderator decides.
"""

import pytest
from django.urls import reverse

from clinics.models import Clinic, Location, Offering, OpeningHours
from clinics.moderation import clinic_merge, find_duplicates, plan_folds
from clinics.sites import likely_duplicates
from tests.builders import (
    ClinicFactory,
    LocationFactory,
    OfferingFactory,
    OpeningHoursFactory,
    PayerAcceptanceFactory,
    language,
    make_moderator,
    make_staff,
    payer,
    route,
)

pytestmark = pytest.mark.django_db

LAT, LNG = 45.5207, -122.6880


@pytest.fixture
def pair():
    kept = ClinicFactory(name="Harbor Ketamine Clinic")
    merged = ClinicFactory(name="Harbor Ketamine Clinic, LLC")
    kept_site = LocationFactory(
        clinic=kept, address_line1="100 Main Street", latitude=LAT, longitude=LNG
    )
    merged_site = LocationFactory(
        clinic=merged,
        address_line1="100 Main St.",
        address_line2="Suite 4",
        latitude=LAT + 0.0002,
        longitude=LNG,
    )
    OfferingFactory(location=kept_site, route=route("iv"), price_min_usd=450, price_max_usd=650)
    OfferingFactory(location=merged_site, route=route("esketamine"), price_min_usd=0)
    PayerAcceptanceFactory(location=kept_site, payer=payer("aetna"))
    PayerAcceptanceFactory(location=merged_site, payer=payer("aetna"))
    PayerAcceptanceFactory(location=merged_site, payer=payer("cigna"))
    OpeningHoursFactory(location=kept_site, weekday=1)
    OpeningHoursFactory(location=merged_site, weekday=3)
    kept_site.languages.add(language("en"))
    merged_site.languages.add(language("es"))
    return kept, merged, kept_site, merged_site


def test_the_same_site_becomes_one_location_with_everything_of_both(pair):
    kept, merged, kept_site, merged_site = pair
    merged_site_id = merged_site.pk

    result = clinic_merge(source=merged, target=kept, user=make_moderator())

    assert list(kept.locations.all()) == [kept_site]
    assert not Location.objects.filter(pk=merged_site_id).exists()
    kept_site.refresh_from_db()
    assert kept_site.address_line2 == "Suite 4"  # blank on the kept one: filled
    assert set(kept_site.offerings.values_list("route__slug", flat=True)) == {"iv", "esketamine"}
    assert set(kept_site.payer_acceptances.values_list("payer__slug", flat=True)) == {
        "aetna",
        "cigna",
    }
    assert set(kept_site.hours.values_list("weekday", flat=True)) == {1, 3}
    assert set(kept_site.languages.values_list("code", flat=True)) == {"en", "es"}
    assert "Same site, now one location" in str(result)
    # Search shows the site once.
    assert Location.objects.published().filter(address_line1__startswith="100 Main").count() == 1
    # The folded location's history says where it went.
    record = Location.history.filter(id=merged_site_id).first()
    assert record.history_type == "-"
    assert record.history_change_reason.startswith(f"Folded into location #{kept_site.pk}")


def test_sites_apart_stay_two_locations():
    kept = ClinicFactory(name="Harbor Ketamine Clinic")
    merged = ClinicFactory(name="Harbor Ketamine Clinic, LLC")
    LocationFactory(clinic=kept, address_line1="1 North Rd", latitude=LAT, longitude=LNG)
    LocationFactory(clinic=merged, address_line1="9 South Rd", latitude=LAT + 0.01, longitude=LNG)
    assert plan_folds(merged, kept) == []
    clinic_merge(source=merged, target=kept)
    assert kept.locations.count() == 2


def test_nearby_with_dissimilar_names_are_not_the_same_site():
    kept = ClinicFactory(name="Harbor Ketamine Clinic")
    merged = ClinicFactory(name="Summit Psychiatry")
    LocationFactory(clinic=kept, address_line1="1 North Rd", latitude=LAT, longitude=LNG)
    LocationFactory(clinic=merged, address_line1="3 North Rd", latitude=LAT, longitude=LNG)
    assert plan_folds(merged, kept) == []


def test_conflicts_are_shown_on_the_confirmation_page_and_decided(admin_client, pair):
    kept, merged, kept_site, merged_site = pair
    kept_site.phone = "+1 503 555 0100"
    kept_site.save()
    merged_site.phone = "+1 503 555 0199"
    merged_site.save()
    OfferingFactory(location=merged_site, route=route("iv"), price_min_usd=500, price_max_usd=700)
    OpeningHoursFactory(location=merged_site, weekday=1, opens="08:00", closes="12:00")
    url = reverse("admin:clinics_clinic_merge")

    page = admin_client.get(url, {"source": merged.pk, "target": kept.pk})
    [fold] = page.context["folds"]
    labels = {conflict.label: conflict for conflict in fold.conflicts}
    assert set(labels) == {"phone", "offering: IV infusion", "opening hours: Monday"}
    assert labels["phone"].kept == "+1 503 555 0100"
    assert labels["phone"].merged == "+1 503 555 0199"
    text = page.content.decode()
    assert "Same site, one location" in text and "$500–$700" in text

    admin_client.post(
        url,
        {
            "source": merged.pk,
            "target": kept.pk,
            f"fold:{labels['offering: IV infusion'].id}": "merged",
            f"fold:{labels['phone'].id}": "kept",
        },
    )

    kept_site.refresh_from_db()
    assert kept_site.phone == "+1 503 555 0100"
    assert Offering.objects.get(location=kept_site, route=route("iv")).price_min_usd == 500
    monday = OpeningHours.objects.get(location=kept_site, weekday=1)
    assert f"{monday.opens:%H:%M}" == "09:00"  # the kept hours, as not chosen otherwise


# --- dismissing a false duplicate -----------------------------------------------------------


def near_pair():
    first = ClinicFactory(name="Cascade Ketamine")
    second = ClinicFactory(name="Cascade Ketamine Center")
    LocationFactory(clinic=first, latitude=LAT, longitude=LNG)
    LocationFactory(clinic=second, latitude=LAT, longitude=LNG)
    return first, second


def test_a_dismissed_pair_is_not_suggested_again(admin_client):
    first, second = near_pair()
    assert len(find_duplicates()) == 1
    page = admin_client.get(reverse("admin:clinics_clinic_duplicates"))
    assert "Not duplicates" in page.content.decode()

    url = reverse("admin:clinics_clinic_dismiss_duplicate")
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url, {"first": second.pk, "second": first.pk})

    assert response.status_code == 302
    assert find_duplicates() == []
    page = admin_client.get(reverse("admin:clinics_clinic_duplicates"))
    assert "No possible duplicates." in page.content.decode()


def test_staff_cannot_dismiss_duplicates(client):
    first, second = near_pair()
    client.force_login(make_staff(first))
    response = client.post(
        reverse("admin:clinics_clinic_dismiss_duplicate"),
        {"first": first.pk, "second": second.pk},
    )
    assert response.status_code == 403
    assert len(find_duplicates()) == 1


def test_dismissing_an_unknown_pair_is_404(admin_client):
    first, _ = near_pair()
    url = reverse("admin:clinics_clinic_dismiss_duplicate")
    assert admin_client.post(url, {"first": first.pk, "second": 999999}).status_code == 404
    assert admin_client.post(url, {"first": "x", "second": first.pk}).status_code == 404


# --- the import's question: does this new clinic exist already? ----------------------------


def test_likely_duplicates_of_a_new_clinic():
    existing = ClinicFactory(name="Harbor Ketamine Clinic", npi="1234567893")
    LocationFactory(clinic=existing, address_line1="100 Main Street", latitude=LAT, longitude=LNG)
    ClinicFactory(name="Archived Twin", npi="1234567893", status=Clinic.Status.ARCHIVED)

    by_address = likely_duplicates(
        name="Something Else", address_line1="100 Main St", postal_code="97205"
    )
    assert [(c, r) for c, r in by_address] == [(existing, "same address (100 main st, 97205)")]
    nearby = likely_duplicates(
        name="Harbor Ketamine", address_line1="1 Other Rd", postal_code="97209",
        latitude=LAT + 0.0003, longitude=LNG,
    )  # fmt: skip
    assert [c for c, _ in nearby] == [existing]
    assert "m apart with similar names" in nearby[0][1]
    by_npi = likely_duplicates(
        name="X", address_line1="1 Far Rd", postal_code="10001", npi="1234567893"
    )
    assert by_npi == [(existing, "same NPI 1234567893")]
    assert likely_duplicates(name="X", address_line1="1 Far Rd", postal_code="10001") == []
