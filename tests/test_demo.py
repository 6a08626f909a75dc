"""The demo data generator: deterministic, fictional, in every state and DC."""

import pytest
from django.core.management import call_command

from clinics import demo
from clinics.models import Clinic, Location, Offering

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
