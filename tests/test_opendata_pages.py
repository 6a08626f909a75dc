"""Open data pages whose cost does not grow with the page number (issue 16.3): a page starts
from the nearest numbered anchor instead of an OFFSET of every earlier row, and gives the same
rows and totals as plain paging, page after page, after a listing changes too."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinics.models import Location
from clinics.opendata import pages
from tests.builders import add_published_clinics

pytestmark = pytest.mark.django_db
EVERY = 3  # anchors every 3 rows, so a dozen listings cross several


@pytest.fixture
def anchors(monkeypatch):
    monkeypatch.setattr(pages, "ANCHOR_EVERY", EVERY)


def largest_offset(queries):
    offsets = [int(n) for q in queries for n in re.findall(r"OFFSET (\d+)", q["sql"])]
    return max(offsets, default=0)


def read_all(client, url, key, number_name, items):
    """Every page of a list, with the largest OFFSET any page's SQL used."""
    seen, number, offsets = [], 1, []
    while True:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{url}&{number_name}={number}")
        if response.status_code == 404:
            return seen, max(offsets)
        assert response.status_code == 200, response.content
        body = response.json()
        seen.append((body[key], [item.get("id") or item["fullUrl"] for item in body[items]]))
        offsets.append(largest_offset(captured.captured_queries))
        number += 1


def test_fhir_locations_page_by_page_from_anchors(client, anchors):
    add_published_clinics(11)
    expected = [
        f"location-{pk}"
        for pk in Location.objects.published().order_by("pk").values_list("pk", flat=True)
    ]
    seen, offset = read_all(client, "/fhir/Location?_count=2", "total", "_page", "entry")
    assert [total for total, _ in seen] == [11] * 6
    ids = [
        entry.removeprefix("http://testserver/fhir/Location/") for _, page in seen for entry in page
    ]
    assert ids == expected
    assert offset < EVERY  # the last page did not skip the ten rows before it


def test_hsds_services_page_by_page_from_anchors_and_after_a_change(client, anchors):
    add_published_clinics(7)  # two services (IV, IM) each: 14
    first, offset = read_all(
        client, "/api/v1/hsds/services/?per_page=3", "total_items", "page", "contents"
    )
    assert [total for total, _ in first] == [14] * 5
    plain = client.get("/api/v1/hsds/services/?per_page=14").json()["contents"]
    assert [i for _, page in first for i in page] == [service["id"] for service in plain]
    assert offset < EVERY
    add_published_clinics(1)  # a new listing: new numbering, the new services are counted
    after, _offset = read_all(
        client, "/api/v1/hsds/services/?per_page=3", "total_items", "page", "contents"
    )
    assert [total for total, _ in after] == [16] * 6
    assert len({i for _, page in after for i in page}) == 16
