"""The route and insurance filters read Location masks: every change to offerings and
acceptances moves them (issue 6)."""

import pytest
from django.core.exceptions import ValidationError

from clinics.models import Location, Payer, TreatmentRoute, refresh_masks
from tests.builders import PayerAcceptanceFactory, make_location, offer, payer, route
from tests.test_search import search

pytestmark = pytest.mark.django_db


def test_route_filter_follows_offerings_as_they_change(client):
    """The route filter reads Location.route_mask: every change to offerings moves it."""
    location = make_location("Changing", 1)
    assert search(client, {"route": "iv"})["count"] == 0
    iv = offer(location, "iv", 400, 600)
    offer(location, "esketamine")
    assert search(client, {"route": "iv"})["count"] == 1
    assert search(client, {"route": ["im", "esketamine"]})["count"] == 1
    iv.delete()
    assert search(client, {"route": "iv"})["count"] == 0
    location.offerings.update(route=route("lozenge"))  # no signals: refresh by hand
    refresh_masks([location.pk])
    assert search(client, {"route": "lozenge"})["count"] == 1


def test_insurance_follows_acceptances_as_they_change(client):
    """The insurance filter reads Location.payer_mask: every change to acceptances moves it."""
    location = make_location("Changing", 1)
    assert search(client, {"insurance": "aetna"})["count"] == 0
    aetna = PayerAcceptanceFactory(location=location, payer=payer("aetna"), route=route("iv"))
    PayerAcceptanceFactory(location=location, payer=payer("cigna"))
    assert search(client, {"insurance": "aetna"})["count"] == 1
    assert search(client, {"insurance": ["humana", "cigna"]})["count"] == 1
    aetna.delete()
    assert search(client, {"insurance": "aetna"})["count"] == 0
    assert search(client, {"insurance": "cigna"})["count"] == 1
    # A location saved from an instance loaded earlier keeps what the acceptances say.
    stale = Location.objects.get(pk=location.pk)
    PayerAcceptanceFactory(location=location, payer=payer("aetna"))
    stale.name = "Renamed"
    stale.save()
    assert search(client, {"insurance": "aetna"})["count"] == 1


@pytest.mark.parametrize("model", [Payer, TreatmentRoute])
def test_each_route_and_payer_gets_its_own_bit_and_at_most_63_fit(db, model):
    bits = list(model.objects.values_list("bit", flat=True))
    assert len(bits) == len(set(bits)) and max(bits) < 63
    new = model.objects.create(slug="new-one", name="New one")
    assert new.bit not in bits
    for number in range(63 - len(bits) - 1):
        model.objects.create(slug=f"option-{number}", name=f"Option {number}")
    plural = model._meta.verbose_name_plural
    with pytest.raises(ValidationError, match=f"at most 63 {plural}"):
        model(slug="one-too-many", name="One too many").full_clean()
