"""The demo data generator: deterministic, fictional, in every state and DC, written in bulk
with a history record for every row, and valid for the import (issue 13, 15.1, 18.7)."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from clinics import demo, moderation, phones
from clinics.importing import export_clinics, import_clinics
from clinics.models import Clinic, Location, Offering, OpeningHours
from tests.builders import make_moderator

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def snapshot():
    return list(
        Location.objects.order_by("clinic__slug", "postal_code").values_list(
            "clinic__slug", "clinic__phone", "postal_code", "latitude", "longitude"
        )
    ), list(
        Offering.objects.order_by("location__postal_code", "route__slug").values_list(
            "location__postal_code", "route__slug", "price_min_usd", "price_max_usd"
        )
    )


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    demo.generate(clinics=60, seed=7)
    first = snapshot()
    Clinic.objects.all().delete()
    demo.generate(clinics=60, seed=7)
    assert snapshot() == first
    Clinic.objects.all().delete()
    demo.generate(clinics=60, seed=8)
    assert snapshot() != first


def test_every_state_and_dc_has_a_published_clinic_at_a_real_zip_centroid():
    demo.generate(clinics=60, seed=1)
    states = set(Location.objects.published().values_list("state", flat=True))
    assert states >= set(demo.STATES)
    assert len(demo.STATES) == 51
    for location in Location.objects.all()[:50]:
        lat, lng, _, state = demo.geo.zip_index()[location.postal_code]
        assert (location.latitude, location.longitude, location.state) == (lat, lng, state)


def test_demo_clinics_are_plainly_fictional_and_varied():
    demo.generate(clinics=60, seed=3)
    clinics = Clinic.objects.all()
    assert all(clinic.name.startswith("Demo ") for clinic in clinics)
    assert all(clinic.website.endswith(".example.org") for clinic in clinics)
    assert all("555-01" in clinic.phone for clinic in clinics)
    assert not clinics.exclude(npi="").exists()
    routes = set(Offering.objects.values_list("route__slug", flat=True))
    assert routes == {"iv", "im", "lozenge", "esketamine"}
    assert clinics.filter(offers_kap=True).exists() and clinics.filter(offers_kap=False).exists()
    assert Location.objects.filter(payer_acceptances__isnull=False).exists()


def test_command_loads_only_into_an_empty_database(capsys):
    call_command("generate_demo_data", "--clinics", "51", "--if-empty")
    count = Clinic.objects.count()
    assert count == 51
    assert Location.objects.count() >= 51
    call_command("generate_demo_data", "--clinics", "51", "--if-empty")
    assert Clinic.objects.count() == count
    assert "already exist" in capsys.readouterr().out


def test_the_command_says_what_it_writes(capsys):
    call_command("generate_demo_data", "--clinics", "51")
    out = capsys.readouterr().out
    for step in ("51 clinics", "locations", "routes offered", "opening hours", "clinicians"):
        assert step in out
    assert "Created 51 demo clinics" in out


# Read by the tests below; what a test writes is undone after it.


@pytest.fixture(scope="module")
def module_demo(module_db):
    return module_db.build(demo.generate, clinics=60, seed=1)


def history_models():
    """Every model of the app whose changes are recorded (simple-history)."""
    return [
        model
        for model in apps.get_app_config("clinics").get_models()
        if "history" in model.__dict__ or hasattr(model, "history")
        if not model._meta.model_name.startswith("historical")
    ]


@pytest.mark.usefixtures("module_demo")
def test_every_row_of_every_model_with_history_has_its_creation_recorded():
    """The bug of issue 15.1: 513 opening hours without a history record, so reverting a
    demo listing to its first version used to delete its hours."""
    models = history_models()
    names = {model.__name__ for model in models}
    assert {"Clinic", "Location", "Offering", "PayerAcceptance", "OpeningHours"} <= names
    assert {"Clinician"} <= names
    missing, records = {}, {}
    for model in models:
        ids = set(model.objects.values_list("pk", flat=True))
        created = set(model.history.filter(history_type="+").values_list("id", flat=True))
        if ids - created:
            missing[model.__name__] = len(ids - created)
        records[model.__name__] = (model.history.count(), len(ids))
        if model in (Clinic, Location, OpeningHours, Offering):
            assert ids, f"no demo {model.__name__} rows"
    assert missing == {}, "rows without a history record"
    # One record per row: a demo listing reads in its history as one change set.
    assert all(count == rows for count, rows in records.values()), records


@pytest.mark.usefixtures("module_demo")
def test_history_records_show_the_many_to_many_rows_as_written():
    for model in (Clinic, Location):
        for m2m in model.history.model._history_m2m_fields:
            own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            live = set(m2m.remote_field.through.objects.values_list(f"{own}_id", f"{other}_id"))
            snapshot_model = getattr(model.history.model, m2m.name).model
            recorded = set(snapshot_model.objects.values_list(f"{own}_id", f"{other}_id"))
            assert recorded == live, f"{model.__name__}.{m2m.name}"
            if model is Location:
                assert live


@pytest.mark.usefixtures("module_demo")
def test_a_demo_listing_reverted_to_its_first_version_keeps_everything():
    moderator = make_moderator(username="demo-reverter")
    clinic = Clinic.objects.filter(locations__hours__isnull=False).order_by("slug").first()
    location = clinic.locations.order_by("pk").first()
    hours = list(location.hours.values_list("weekday", "opens", "closes"))
    conditions = set(location.conditions.values_list("slug", flat=True))
    offerings = set(Offering.objects.filter(location__clinic=clinic).values_list("route__slug"))
    phone = clinic.phone
    history = moderation.listing_history(clinic)
    first = history[-1]
    assert len(history) == 1, "a demo listing is one change set, as the generator wrote it"

    clinic.phone = "+1 503 555 0199"
    clinic._history_user = moderator
    clinic.save()
    plan = moderation.revert_plan(clinic=clinic, as_of=first["as_of"])
    assert plan.kept == [], "the history knows every row of a demo listing"
    moderation.clinic_revert(
        clinic=clinic, as_of=plan.as_of, user=moderator, seen_version=plan.version
    )

    clinic.refresh_from_db()
    assert clinic.phone == phone
    assert list(location.hours.values_list("weekday", "opens", "closes")) == hours
    assert set(location.conditions.values_list("slug", flat=True)) == conditions
    assert (
        set(Offering.objects.filter(location__clinic=clinic).values_list("route__slug"))
        == offerings
    )


def test_every_area_code_of_the_demo_is_one_the_import_accepts():
    assert set(demo.AREA_CODES) == set(demo.STATES)
    for state, codes in demo.AREA_CODES.items():
        for code in codes:
            number = phones.parse_phone(f"({code}) 555-0100")
            assert number == phones.PhoneNumber(f"+1 {code}-555-0100"), state


@pytest.mark.usefixtures("module_demo")
def test_the_demo_data_exported_imports_into_an_empty_database_without_a_problem():
    """Issue 18.7: the export of the demo database gave 197 errors on import
    ("'(211) 555-0179' is not a phone number")."""
    exported = io.StringIO()
    locations = export_clinics(exported)
    assert locations == Location.objects.count()
    clinics = Clinic.objects.count()

    dry_run = import_clinics(exported.getvalue().encode(), source_name="demo", dry_run=True)
    assert [str(error) for error in dry_run.errors] == []
    Clinic.objects.all().delete()
    report = import_clinics(exported.getvalue().encode(), source_name="demo", publish=True)

    assert [str(error) for error in report.errors] == []
    assert [str(warning) for warning in report.warnings] == []
    assert (report.clinics.created, report.locations.created) == (clinics, locations)
    assert Location.objects.published().count() == locations
