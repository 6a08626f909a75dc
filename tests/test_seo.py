"""What search engines read (issue 19.2): robots.txt, sitemap.xml, canonical links, meta
descriptions, Open Graph tags and the clinic page's opening hours in JSON-LD."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest

from clinics.models import Clinic, Location
from tests.builders import ClinicFactory, add_location

pytestmark = pytest.mark.django_db

SITE = "https://directory.example.org"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "internal.example"]


def sitemap(client):
    response = client.get("/sitemap.xml", HTTP_HOST="internal.example")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.find("s:loc", NS).text: getattr(url.find("s:lastmod", NS), "text", None)
        for url in root.findall("s:url", NS)
    }


def head_of(html):
    return html.split("</head>", 1)[0]


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_staff_pages_and_apis(client):
    response = client.get("/robots.txt", HTTP_HOST="internal.example")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ["/admin/", "/moderation/", "/manage/", "/api/v1/", "/fhir/"]:
        assert f"Disallow: {path}" in lines
    assert "Disallow: /api/" not in lines  # the API's own documentation page stays findable
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def test_sitemap_lists_every_published_clinic_and_no_other(client):
    published = [ClinicFactory(slug=f"open-{n}") for n in range(3)]
    for clinic in published:
        add_location(clinic, postal_code="97205")
    hidden = [
        ClinicFactory(slug=f"hidden-{status}", status=status)
        for status in Clinic.Status
        if status != Clinic.Status.PUBLISHED
    ]
    working_copy = ClinicFactory(
        slug="open-0-copy", status=Clinic.Status.DRAFT, draft_of=published[0]
    )
    urls = sitemap(client)
    clinic_urls = {url for url in urls if "/clinics/" in url}
    # Each in English and in Spanish (issue 20).
    assert clinic_urls == {
        f"{SITE}{prefix}/clinics/open-{n}/" for n in range(3) for prefix in ("", "/es")
    }
    for clinic in [*hidden, working_copy]:
        assert f"{SITE}/clinics/{clinic.slug}/" not in urls


def test_sitemap_lastmod_is_the_listings_last_change(client):
    clinic = ClinicFactory(slug="changed")
    location = add_location(clinic, postal_code="97205")
    Clinic.objects.filter(pk=clinic.pk).update(
        updated_at=datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    )
    Location.objects.filter(pk=location.pk).update(
        updated_at=datetime.datetime(2026, 5, 2, 12, tzinfo=datetime.UTC)
    )
    assert sitemap(client)[f"{SITE}/clinics/changed/"].startswith("2026-05-02")
    Clinic.objects.filter(pk=clinic.pk).update(
        updated_at=datetime.datetime(2026, 6, 3, 12, tzinfo=datetime.UTC)
    )
    assert sitemap(client)[f"{SITE}/clinics/changed/"].startswith("2026-06-03")


def test_sitemap_lists_the_home_search_and_every_guide(client):
    urls = sitemap(client)
    for path in ["/", "/search/", "/guides/", "/guides/routes/iv/", "/guides/conditions/ptsd/"]:
        assert f"{SITE}{path}" in urls
    assert all(url.startswith(SITE + "/") for url in urls)


def test_sitemap_query_count_does_not_grow_with_clinics(client, django_assert_max_num_queries):
    for n in range(15):
        add_location(ClinicFactory(slug=f"many-{n}"), postal_code="97205")
    with django_assert_max_num_queries(8):
        sitemap(client)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/", "/"),
        ("/search/", "/search/"),
        ("/search/?near=97205&route=iv&insurance=aetna&page=1", "/search/"),
        ("/guides/", "/guides/"),
        ("/guides/routes/iv/?utm_source=x", "/guides/routes/iv/"),
        ("/clinics/seen/", "/clinics/seen/"),
        ("/list-your-clinic/", "/list-your-clinic/"),
    ],
)
def test_every_public_page_has_one_canonical_link_from_site_url(client, url, canonical):
    add_location(ClinicFactory(slug="seen"), postal_code="97205")
    html = head_of(client.get(url, HTTP_HOST="internal.example").content.decode())
    assert re.findall(r'<link rel="canonical" href="([^"]+)">', html) == [SITE + canonical]
    assert f'<meta property="og:url" content="{SITE}{canonical}">' in html
    assert "internal.example" not in html


def test_error_pages_have_no_canonical_link_and_are_not_indexed(client):
    html = head_of(client.get("/clinics/nobody/").content.decode())
    assert 'rel="canonical"' not in html
    assert '<meta name="robots" content="noindex">' in html


def test_pages_say_what_they_are_to_search_engines_and_link_previews(client):
    clinic = ClinicFactory(slug="rose", name="Rose & Thorn Ketamine")
    add_location(clinic, postal_code="97205", hours=[(2, "08:00", "16:30")])
    html = head_of(client.get("/clinics/rose/").content.decode())
    assert "<title>Rose &amp; Thorn Ketamine · Ketamine Provider Directory</title>" in html
    assert '<meta property="og:title" content="Rose &amp; Thorn Ketamine">' in html
    description = re.search(r'<meta name="description" content="([^"]+)">', html)[1]
    assert description.startswith("Rose &amp; Thorn Ketamine: ketamine treatment routes")
    assert "Portland, OR" in description
    assert f'<meta property="og:description" content="{description}">' in html
    assert '<meta property="og:type" content="website">' in html
    search = head_of(client.get("/search/?near=97205").content.decode())
    assert "Ketamine providers within 25 miles of" in search


def test_clinic_json_ld_gives_opening_hours(client):
    clinic = ClinicFactory(slug="hours")
    add_location(clinic, postal_code="97205", hours=[(2, "08:00", "16:30"), (6, "09:00", "12:00")])
    html = client.get("/clinics/hours/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    [data] = [json.loads(b) for b in blocks if json.loads(b)["@type"] == "MedicalClinic"]
    assert data["openingHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Tuesday",
            "opens": "08:00",
            "closes": "16:30",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Saturday",
            "opens": "09:00",
            "closes": "12:00",
        },
    ]
    assert data["url"] == f"{SITE}/clinics/hours/"
