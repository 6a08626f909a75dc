"""Bulk downloads (issue 8): one file per format, rebuilt when published listings change."""

import copy
import csv
import io
import json

import pytest
from django.core.management import call_command
from fhir.resources.R4B.bundle import Bundle

from clinics.models import Clinic
from clinics.opendata import downloads
from tests.hsds_schemas import assert_valid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("listings")]

HIDDEN = ("Draft Hidden Clinic", "Archived Hidden Clinic")


@pytest.fixture(autouse=True)
def _downloads_dir(settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    return settings.DOWNLOADS_DIR


@pytest.fixture
def listings(module_open_data):
    return copy.deepcopy(module_open_data)


def fetch(client, slug, expect=200):
    response = client.get(f"/downloads/{slug}")
    assert response.status_code == expect
    if expect != 200:
        return response
    assert response["Content-Type"] == downloads.FORMATS[slug].content_type
    assert "attachment" in response["Content-Disposition"]
    assert downloads.FORMATS[slug].filename in response["Content-Disposition"]
    return b"".join(response.streaming_content).decode()


def test_csv_download_has_published_locations_only(client, listings):
    rows = list(csv.DictReader(io.StringIO(fetch(client, "csv"))))
    assert sorted({row["clinic_name"] for row in rows}) == [
        "Bridge Clinic",
        "Cascade Ketamine Center",
    ]
    assert len(rows) == 3


def test_hsds_download_validates(client, listings, settings):
    # Links point at SITE_URL, never at the Host header of whoever asked first (issue 12).
    settings.SITE_URL = "https://directory.example.org"
    document = json.loads(fetch(client, "hsds"))
    assert [org["name"] for org in document["organizations"]] == [
        "Bridge Clinic",
        "Cascade Ketamine Center",
    ]
    for org in document["organizations"]:
        assert_valid("organization.json", org)
        for service in org["services"]:
            assert_valid("service.json", service)
    rich = document["organizations"][1]
    assert rich["uri"] == "https://directory.example.org/clinics/cascade-ketamine-center/"


def test_fhir_download_validates(client, listings, settings):
    settings.SITE_URL = "https://directory.example.org"
    text = fetch(client, "fhir")
    bundle = json.loads(text)
    Bundle.model_validate(bundle)
    assert bundle["entry"][0]["fullUrl"].startswith(
        "https://directory.example.org/fhir/Organization/"
    )
    for name in HIDDEN:
        assert name not in text


def test_unknown_format_is_404(client):
    fetch(client, "xml", expect=404)


def test_file_is_reused_until_a_listing_changes(client, listings, _downloads_dir):
    first = json.loads(fetch(client, "hsds"))
    files = list(_downloads_dir.glob("*.hsds.json"))
    assert len(files) == 1
    mtime = files[0].stat().st_mtime_ns
    fetch(client, "hsds")
    assert files[0].stat().st_mtime_ns == mtime  # served from the built file

    listings.plain.name = "Bridge Clinic Renamed"
    listings.plain.save()
    second = json.loads(fetch(client, "hsds"))
    assert "Bridge Clinic Renamed" in {org["name"] for org in second["organizations"]}
    assert first != second
    # The old version's file is gone; only the current one stays.
    assert len(list(_downloads_dir.glob("*.hsds.json"))) == 1


def test_unpublishing_a_listing_rebuilds_without_it(client, listings):
    assert "Bridge Clinic" in fetch(client, "csv")
    Clinic.objects.filter(pk=listings.plain.pk).update(status=Clinic.Status.ARCHIVED)
    assert "Bridge Clinic" not in fetch(client, "csv")


def test_build_downloads_command_builds_every_format(listings, _downloads_dir):
    output = io.StringIO()
    call_command("build_downloads", "--base-url", "https://directory.example.org", stdout=output)
    names = sorted(path.name.split("-", 1)[1] for path in _downloads_dir.iterdir())
    assert names == sorted(fmt.filename for fmt in downloads.FORMATS.values())
    assert output.getvalue().count("bytes") == 3
    fhir_file = next(_downloads_dir.glob("*.fhir.json"))
    assert "https://directory.example.org/fhir/Organization/" in fhir_file.read_text()
