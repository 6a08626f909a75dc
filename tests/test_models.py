"""Database constraints, validators and reference data: run on SQLite and PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clinics.models import (
    Clinic,
    Condition,
    Language,
    Location,
    Payer,
    PaymentOption,
    TreatmentRoute,
)
from clinics.validators import npi_is_valid, parse_state_list, validate_npi
from tests.builders import (
    ClinicFactory,
    ClinicianFactory,
    LocationFactory,
    OfferingFactory,
    OpeningHoursFactory,
    PayerAcceptanceFactory,
    payer,
    route,
)

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(factory, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**values)


# Reference data ----------------------------------------------------------------------

SPEC_CONDITIONS = {
    "treatment-resistant-depression", "depression", "suicidal-ideation", "anxiety", "ptsd",
    "ocd", "bipolar-depression", "chronic-pain", "crps", "fibromyalgia", "substance-use",
    "alcohol-use", "opioid-use", "eating-disorders", "migraine",
}  # fmt: skip
SPEC_PAYERS = {
    "aetna", "anthem", "blue-cross-blue-shield", "cigna", "humana", "kaiser-permanente",
    "medicaid", "medicare", "tricare", "unitedhealthcare", "va-community-care",
}  # fmt: skip


def test_reference_data_matches_the_import_format_after_migrate():
    assert set(TreatmentRoute.objects.values_list("slug", flat=True)) == {
        "iv",
        "im",
        "lozenge",
        "esketamine",
    }
    assert set(Condition.objects.values_list("slug", flat=True)) == SPEC_CONDITIONS
    assert set(Payer.objects.values_list("slug", flat=True)) == SPEC_PAYERS
    assert set(PaymentOption.objects.values_list("slug", flat=True)) == {
        "self-pay",
        "superbill",
        "financing",
        "sliding-scale",
    }
    assert Language.objects.count() == 184
    assert Language.objects.get(code="es").name == "Spanish"


def test_every_route_explains_itself_in_plain_language():
    for treatment_route in TreatmentRoute.objects.all():
        assert treatment_route.description
        assert treatment_route.session
        assert treatment_route.typical_protocol
        assert treatment_route.payment_reality
    assert list(
        TreatmentRoute.objects.filter(fda_approved=True).values_list("slug", flat=True)
    ) == ["esketamine"]


# NPI ----------------------------------------------------------------------------------


@pytest.mark.parametrize("npi", ["1234567893", "1558598797", "1003000126", "1003000118"])
def test_valid_npis_pass_the_check_digit(npi):
    assert npi_is_valid(npi)


@pytest.mark.parametrize(
    "npi",
    ["1234567890", "1558598798", "123456789", "12345678933", "3234567893", "abcdefghij", ""],
)
def test_invalid_npis_are_rejected_with_a_message(npi):
    assert not npi_is_valid(npi)
    with pytest.raises(ValidationError, match="not a valid NPI"):
        validate_npi(npi)


def test_clinic_full_clean_reports_a_bad_npi():
    clinic = ClinicFactory.build(npi="1234567890")
    with pytest.raises(ValidationError) as error:
        clinic.full_clean()
    assert "npi" in error.value.message_dict


def test_database_rejects_a_malformed_npi():
    assert_rejected_by_database(ClinicFactory, npi="12345")
    assert_rejected_by_database(ClinicianFactory, npi="9999999999")


# Clinic -------------------------------------------------------------------------------


def test_slugs_are_unique():
    ClinicFactory(slug="same-slug")
    assert_rejected_by_database(ClinicFactory, slug="same-slug")


def test_status_must_be_one_of_the_listing_states():
    for status in Clinic.Status.values:
        ClinicFactory(status=status)
    assert_rejected_by_database(ClinicFactory, status="live")


def test_import_reference_is_unique_per_source():
    ClinicFactory(import_source="partner", import_ref="c-1")
    ClinicFactory(import_source="other", import_ref="c-1")
    ClinicFactory(import_source="partner", import_ref="")
    ClinicFactory(import_source="partner", import_ref="")
    assert_rejected_by_database(ClinicFactory, import_source="partner", import_ref="c-1")


def test_telehealth_states_are_validated_and_normalised():
    assert parse_state_list("ca, nv;OR ca") == ["CA", "NV", "OR"]
    with pytest.raises(ValidationError, match="XX"):
        parse_state_list("CA, XX")


def test_published_queryset_hides_every_other_status():
    published = ClinicFactory(status=Clinic.Status.PUBLISHED)
    for status in ["draft", "pending", "rejected", "archived"]:
        ClinicFactory(status=status)
    assert list(Clinic.objects.published()) == [published]


# Location -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(90.01, 0), (-90.5, 0), (0, 180.2), (0, -181), (45.0, None)]
)
def test_database_rejects_coordinates_out_of_range_or_half_given(latitude, longitude):
    with pytest.raises(IntegrityError), transaction.atomic():
        # Bypass geocoding so the values reach the database as given.
        Location.objects.bulk_create(
            [LocationFactory.build(clinic=ClinicFactory(), latitude=latitude, longitude=longitude)]
        )


def test_coordinates_on_the_boundaries_are_accepted():
    clinic = ClinicFactory()
    Location.objects.bulk_create(
        [
            LocationFactory.build(clinic=clinic, latitude=90, longitude=180),
            LocationFactory.build(clinic=clinic, latitude=-90, longitude=-180),
        ]
    )
    assert clinic.locations.count() == 2


def test_supplied_coordinates_are_recorded_as_supplied():
    location = LocationFactory(latitude=45.5, longitude=-122.6)
    assert location.coordinates_source == Location.CoordinatesSource.SUPPLIED


def test_location_without_coordinates_is_geocoded_from_its_zip():
    location = LocationFactory(latitude=None, longitude=None, postal_code="10001-1234")
    assert location.coordinates_source == Location.CoordinatesSource.ZIP
    assert location.latitude == pytest.approx(40.7484)
    assert location.longitude == pytest.approx(-73.9967)


def test_location_with_unknown_zip_keeps_no_coordinates():
    location = LocationFactory(latitude=None, longitude=None, postal_code="00000")
    assert location.coordinates_source == Location.CoordinatesSource.MISSING
    assert location.latitude is None


# Offering and prices ------------------------------------------------------------------


def test_price_range_must_be_ordered():
    OfferingFactory(price_min_usd=400, price_max_usd=400)
    assert_rejected_by_database(OfferingFactory, price_min_usd=700, price_max_usd=400)


def test_a_maximum_needs_a_minimum():
    assert_rejected_by_database(OfferingFactory, price_min_usd=None, price_max_usd=400)


def test_prices_cannot_be_negative():
    assert_rejected_by_database(OfferingFactory, price_min_usd=-1, price_max_usd=None)
    assert_rejected_by_database(OfferingFactory, price_min_usd=10, price_max_usd=-5)
    assert_rejected_by_database(OfferingFactory, series_price_usd=-100)


def test_price_on_request_is_allowed_and_labelled():
    offering = OfferingFactory(price_min_usd=None, price_max_usd=None)
    assert offering.price_label == "Price on request"
    assert OfferingFactory(price_min_usd=450, price_max_usd=650).price_label == "$450–$650"


def test_one_offering_per_route_per_location():
    offering = OfferingFactory()
    assert_rejected_by_database(OfferingFactory, location=offering.location, route=offering.route)


def test_payer_acceptance_is_unique_for_all_routes_and_per_route():
    location = LocationFactory()
    PayerAcceptanceFactory(location=location, payer=payer("aetna"))
    PayerAcceptanceFactory(location=location, payer=payer("aetna"), route=route("esketamine"))
    assert_rejected_by_database(PayerAcceptanceFactory, location=location, payer=payer("aetna"))
    assert_rejected_by_database(
        PayerAcceptanceFactory, location=location, payer=payer("aetna"), route=route("esketamine")
    )


def test_opening_hours_must_close_after_they_open():
    OpeningHoursFactory(opens="09:00", closes="17:00")
    assert_rejected_by_database(OpeningHoursFactory, opens="17:00", closes="09:00")
    assert_rejected_by_database(OpeningHoursFactory, weekday=8)


def test_changes_are_recorded_in_history():
    clinic = ClinicFactory(name="Before")
    clinic.name = "After"
    clinic.save()
    assert [h.name for h in clinic.history.all()] == ["After", "Before"]


def test_a_geocoded_location_follows_its_new_zip():
    location = LocationFactory(latitude=None, longitude=None, postal_code="97205")
    location = Location.objects.get(pk=location.pk)
    location.postal_code = "10001"
    location.save()
    location.refresh_from_db()
    assert location.coordinates_source == Location.CoordinatesSource.ZIP
    assert (location.latitude, location.longitude) == pytest.approx((40.7484, -73.9967))


def test_supplied_coordinates_are_kept_when_the_address_changes():
    location = Location.objects.get(pk=LocationFactory(latitude=45.5, longitude=-122.6).pk)
    location.postal_code = "10001"
    location.save()
    location.refresh_from_db()
    assert (location.latitude, location.longitude) == (45.5, -122.6)
    assert location.coordinates_source == Location.CoordinatesSource.SUPPLIED


def test_coordinates_changed_with_the_address_are_taken_as_given():
    location = LocationFactory(latitude=None, longitude=None, postal_code="97205")
    location = Location.objects.get(pk=location.pk)
    location.postal_code = "10001"
    location.latitude, location.longitude = 40.0, -74.0
    location.save()
    location.refresh_from_db()
    assert (location.latitude, location.longitude) == (40.0, -74.0)


def test_clinic_url_matches_reverse_under_any_script_prefix():
    from django.urls import get_script_prefix, reverse, set_script_prefix

    from clinics.models import Clinic

    clinic = Clinic(slug="open-door-ketamine-2")
    previous = get_script_prefix()
    try:
        for prefix in ("/", "/directory/"):
            set_script_prefix(prefix)
            expected = reverse("clinics:detail", kwargs={"slug": clinic.slug})
            assert clinic.get_absolute_url() == expected
            assert expected.startswith(prefix)
    finally:
        set_script_prefix(previous)
