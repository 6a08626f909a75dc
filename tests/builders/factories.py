"""factory_boy factories for the directory's models. Reference data comes from migrations."""

import factory
from django.contrib.auth import get_user_model

from clinics.models import (
    Clinic,
    Clinician,
    Condition,
    Language,
    Location,
    Offering,
    OpeningHours,
    Payer,
    PayerAcceptance,
    PaymentOption,
    TreatmentRoute,
)


def route(slug):
    return TreatmentRoute.objects.get(slug=slug)


def condition(slug):
    return Condition.objects.get(slug=slug)


def payer(slug):
    return Payer.objects.get(slug=slug)


def payment_option(slug):
    return PaymentOption.objects.get(slug=slug)


def language(code):
    return Language.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Test Ketamine Clinic {n}")
    slug = factory.Sequence(lambda n: f"test-ketamine-clinic-{n}")
    phone = "+1 503 555 0100"
    website = factory.Sequence(lambda n: f"https://clinic{n}.example.org")
    status = Clinic.Status.PUBLISHED
    # A test clinic answers every fact (what the model left as defaults before issue 14.3);
    # a test of "not stated" passes None.
    accepting_new_patients = True
    driver_required = True
    referral_required = False
    psychiatric_evaluation_required = False
    offers_kap = False
    works_with_own_therapist = False
    offers_integration = False
    medical_screening = False
    vital_sign_monitoring = False
    clinician_on_site = False
    rems_certified = False


class LocationFactory(factory.django.DjangoModelFactory):
    """A location in Portland, OR (ZIP 97205) unless told otherwise."""

    class Meta:
        model = Location

    clinic = factory.SubFactory(ClinicFactory)
    address_line1 = factory.Sequence(lambda n: f"{100 + n} Example Ave")
    city = "Portland"
    state = "OR"
    postal_code = "97205"
    latitude = 45.5207
    longitude = -122.6880


class OfferingFactory(factory.django.DjangoModelFactory):
    """IV infusions at $450-650 unless told otherwise."""

    class Meta:
        model = Offering

    location = factory.SubFactory(LocationFactory)
    route = factory.LazyFunction(lambda: route("iv"))
    price_min_usd = 450
    price_max_usd = 650


class PayerAcceptanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PayerAcceptance

    location = factory.SubFactory(LocationFactory)
    payer = factory.LazyFunction(lambda: payer("aetna"))


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    location = factory.SubFactory(LocationFactory)
    weekday = OpeningHours.Weekday.MONDAY
    opens = "09:00"
    closes = "17:00"


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Dr. Test Clinician {n}")
    credential = Clinician.Credential.MD
    npi = "1558598797"
