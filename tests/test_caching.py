"""Facet counts are cached per search and forgotten when listings change (issue 6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinics import caching
from clinics.importing import import_clinics
from tests.builders import ClinicFactory, LocationFactory, OfferingFactory, payer, route

pytestmark = pytest.mark.django_db

SEARCH = {"near": "97205", "route": "iv"}


def facet_count(response, group, value):
    return next(f.count for f in response.context["facets"][group] if f.value == value)


def test_a_repeated_search_reuses_the_cached_counts(client):
    OfferingFactory(location=LocationFactory())
    with CaptureQueriesContext(connection) as first:
        client.get("/search/", SEARCH)
    with CaptureQueriesContext(connection) as second:
        response = client.get("/search/", SEARCH | {"page": "1", "sort": "price"})
    assert len(second.captured_queries) < len(first.captured_queries)
    assert facet_count(response, "route", "iv") == 1


def test_counts_change_as_soon_as_a_listing_changes(client):
    location = LocationFactory()
    OfferingFactory(location=location, route=route("iv"))
    other = LocationFactory()
    # IV is ticked: esketamine would add nothing to the one IV result, until it would.
    assert facet_count(client.get("/search/", SEARCH), "route", "esketamine") == 1
    OfferingFactory(location=other, route=route("esketamine"))
    assert facet_count(client.get("/search/", SEARCH), "route", "esketamine") == 2
    location.clinic.status = "archived"
    location.clinic.save()
    assert facet_count(client.get("/search/", SEARCH), "route", "iv") == 0


def test_a_language_added_to_a_location_updates_the_counts(client):
    location = LocationFactory()
    OfferingFactory(location=location)
    response = client.get("/search/", SEARCH)
    assert not [f for f in response.context["facets"]["language"] if f.value == "es"]
    from tests.builders import language

    location.languages.add(language("es"))
    response = client.get("/search/", SEARCH)
    assert facet_count(response, "language", "es") == 1


def test_an_import_makes_cached_counts_stale(client, django_capture_on_commit_callbacks):
    OfferingFactory(location=LocationFactory(clinic=ClinicFactory()))
    client.get("/search/", SEARCH)
    before = caching.listings_version()
    csv = (
        "clinic_id,clinic_name,location_id,address_line1,city,state,postal_code,routes\n"
        "c-9,Imported Clinic,l-9,1 Main St,Portland,OR,97205,iv\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = import_clinics(csv.encode(), source_name="test", publish=True)
    assert report.written
    assert caching.listings_version() != before
    assert facet_count(client.get("/search/", SEARCH), "route", "iv") == 2


def test_the_key_ignores_page_and_order_but_not_filters():
    from django.http import QueryDict

    from clinics.search import LocationFilter

    def key(data):
        return caching.facets_key(data, LocationFilter.base_filters)

    assert key(QueryDict("near=97205&route=iv&page=3&sort=price")) == key(
        QueryDict("route=iv&near=97205")
    )
    assert key(QueryDict("near=97205&route=iv")) != key(QueryDict("near=97205&route=im"))


def test_facets_cached_before_a_move_of_their_class_are_not_read(client):
    """Entries pickled by code of the old layout (keys without the pickle format) are ignored,
    so a deploy that moves a pickled class serves fresh counts instead of failing to unpickle."""
    import hashlib

    from django.core.cache import cache
    from django.http import QueryDict

    OfferingFactory(location=LocationFactory())
    data = QueryDict("near=97205")
    inputs = sorted((name, sorted(data.getlist(name))) for name in data)
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()
    old_key = f"facets:{caching.listings_version()}:{digest}"
    cache.set(old_key, {"route": "written by an older release"})

    assert caching.facets_key(data, {"near"}) != old_key
    response = client.get("/search/", {"near": "97205"})
    assert response.status_code == 200
    assert facet_count(response, "route", "iv") == 1


def test_slug_lookups_come_from_the_cache_after_the_first_search(client):
    OfferingFactory(location=LocationFactory())
    params = {"near": "97205", "route": "iv", "insurance": "aetna"}
    client.get("/api/v1/locations/", params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/locations/", params)
    assert response.status_code == 200
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert 'FROM "clinics_treatmentroute"' not in tables
    assert 'FROM "clinics_payer"' not in tables


def test_a_new_route_is_searchable_at_once(client):
    client.get("/api/v1/locations/", {"route": "iv"})
    from clinics.models import TreatmentRoute

    TreatmentRoute.objects.create(slug="nasal-racemic", name="Racemic nasal spray", description="x")
    response = client.get("/api/v1/locations/", {"route": "nasal-racemic"})
    assert response.status_code == 200


def test_a_renamed_payer_shows_at_once_in_results(client):
    from clinics.models import PayerAcceptance
    from tests.builders import make_location, offer

    location = make_location("Near", 1)
    offer(location, "iv")
    PayerAcceptance.objects.create(location=location, payer=payer("aetna"))
    page = client.get("/search/", {"near": "97205"})  # reference data now held in memory
    assert "<dt>Insurance</dt><dd>IV: Aetna</dd>" in page.text
    aetna = payer("aetna")
    aetna.name = "Aetna Better Health"
    aetna.save()
    page = client.get("/search/", {"near": "97205"})
    assert "<dt>Insurance</dt><dd>IV: Aetna Better Health</dd>" in page.text
