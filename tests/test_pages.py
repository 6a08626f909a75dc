"""The public HTML pages: a clinic's detail page, guides, what every page has.

Every test here starts from one rich clinic, built once for the module; the search page is
in test_search_page.py."""

import copy
import datetime
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from clinics.models import Clinic, Condition, TreatmentRoute
from tests.builders import (
    ClinicFactory,
    ClinicianFactory,
    LocationFactory,
    OfferingFactory,
    OpeningHoursFactory,
    PayerAcceptanceFactory,
    add_location,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clinic")]


class ScriptsAndStyles(HTMLParser):
    """Collects <script> elements and style attributes, to check the page fits the CSP."""

    def __init__(self):
        super().__init__()
        self.scripts = []
        self.style_attributes = 0
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes += 1
        if tag == "script":
            self._current = {"attrs": attrs, "text": ""}
            self.scripts.append(self._current)

    def handle_data(self, data):
        if self._current is not None:
            self._current["text"] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._current = None


def parse(html):
    parser = ScriptsAndStyles()
    parser.feed(html)
    return parser


def clinic_json_ld(html):
    """The page's schema.org MedicalClinic blocks (its BreadcrumbList is another block)."""
    blocks = [
        json.loads(s["text"])
        for s in parse(html).scripts
        if s["attrs"].get("type") == "application/ld+json"
    ]
    return [block for block in blocks if block["@type"] == "MedicalClinic"]


def assert_fits_strict_csp(html):
    """No inline JavaScript, no style attributes, no third-party scripts or styles."""
    page = parse(html)
    assert page.style_attributes == 0
    for script in page.scripts:
        kind = script["attrs"].get("type", "")
        if kind in ("application/json", "application/ld+json"):
            continue
        assert script["attrs"].get("src", "").startswith("/static/"), script
        assert not script["text"].strip()
    assert "cdn" not in html.lower()
    # Only the canonical and alternate-language links are absolute: they name this page (in
    # each language), and load nothing.
    assert not re.search(r'<link(?![^>]*rel="(canonical|alternate)")[^>]+href="https?://', html)


@pytest.fixture(scope="module")
def module_clinic(module_db):
    return module_db.build(build_clinic)


@pytest.fixture
def clinic(module_clinic):
    return copy.deepcopy(module_clinic)


def build_clinic():
    clinic = ClinicFactory(
        name="Rose City Ketamine",
        slug="rose-city-ketamine",
        description="A calm clinic.",
        verified_at=datetime.date(2026, 10, 2),
        offers_kap=True,
        medical_screening=True,
        vital_sign_monitoring=True,
        rems_certified=True,
        observation_minutes=120,
        referral_required=True,
        starts_by_text=True,
        booking_url="https://book.example.org/rose",
        npi="1234567893",
    )
    add_location(
        clinic,
        name="Pearl District",
        postal_code="97209",
        routes={
            "iv": {
                "price_min_usd": 450,
                "price_max_usd": 650,
                "series_price_usd": 2400,
                "session_minutes": 50,
            }
        },
        payers=["cigna"],
        payment_options=["superbill", "financing"],
        languages=["es"],
        conditions=["ptsd"],
        hours=[(2, "08:00", "16:30")],
    )
    add_location(
        clinic,
        name="Eastside",
        latitude=45.51,
        longitude=-122.60,
        postal_code="97214",
        routes={"esketamine": (0, 0)},
        payers=[("aetna", "esketamine")],
    )
    ClinicianFactory(clinic=clinic, name="Dr. Ada Lovelace", credential="MD", npi="1558598797")
    return clinic


# Clinic detail --------------------------------------------------------------------------


def test_detail_page_shows_what_a_patient_needs_to_know(client, clinic):
    response = client.get("/clinics/rose-city-ketamine/")
    assert response.status_code == 200
    html = response.content.decode()
    first, second = clinic.locations.order_by("id")
    for text in [
        "Rose City Ketamine",
        f'id="loc-{first.pk}"',
        f'id="loc-{second.pk}"',
        "Pearl District",
        "Eastside",
        "IV infusion",
        "$450–$650",
        "$2,400",
        "50 minutes",
        "Esketamine (Spravato) nasal spray",
        "$0",
        "All routes:</strong> Cigna",
        "Esketamine (Spravato) nasal spray:</strong> Aetna",
        "Superbill",
        "Ketamine-assisted psychotherapy (KAP) in house: yes",
        "Medical screening before treatment: yes",
        "Vital signs monitored during sessions: yes",
        "Certified to give esketamine (Spravato REMS): yes",
        "120 minutes",
        "Dr. Ada Lovelace",
        "MD (physician)",
        'NPI <a href="https://npiregistry.cms.hhs.gov/provider-view/1558598797" rel="noopener">'
        "1558598797</a>",
        "Organisation NPI: 1234567893",
        "A referral from another clinician is needed",
        "start by text message",
        "https://book.example.org/rose",
        "Tuesday",
        "8:00 AM–4:30 PM",
        "Spanish",
        "Verified on October 2, 2026",
        "988",
    ]:
        assert text in html, text
    assert 'href="/clinics/rose-city-ketamine/report/"' in html
    assert "Report wrong information" in html


def test_detail_page_has_schema_org_json_ld(client, clinic, settings):
    html = client.get("/clinics/rose-city-ketamine/").content.decode()
    (data,) = clinic_json_ld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalClinic"
    assert data["name"] == "Rose City Ketamine"
    assert data["url"] == f"{settings.SITE_URL}/clinics/rose-city-ketamine/"
    assert data["address"]["@type"] == "PostalAddress"
    assert len(data["department"]) == 2
    assert {s["name"] for s in data["availableService"]} == {
        "IV infusion",
        "Esketamine (Spravato) nasal spray",
    }


def test_json_ld_cannot_break_out_of_its_script(client, clinic):
    Clinic.objects.filter(pk=clinic.pk).update(name="Evil </script><script>alert(1)</script>")
    html = client.get("/clinics/rose-city-ketamine/").content.decode()
    assert "</script><script>alert(1)" not in html
    (data,) = clinic_json_ld(html)
    assert data["name"].startswith("Evil </script>")


def test_detail_page_map_data_and_csp(client, clinic):
    html = client.get("/clinics/rose-city-ketamine/").content.decode()
    assert_fits_strict_csp(html)
    points = json.loads(
        next(s for s in parse(html).scripts if s["attrs"].get("id") == "clinic-map-points")["text"]
    )
    assert len(points) == 2
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html


def test_no_map_when_tiles_are_turned_off(client, clinic, settings):
    settings.MAP_TILE_URL = ""
    html = client.get("/clinics/rose-city-ketamine/").content.decode()
    assert "leaflet" not in html
    assert "Pearl District" in html


def test_unverified_clinic_says_so(client, clinic):
    Clinic.objects.filter(pk=clinic.pk).update(verified_at=None)
    assert "Not yet verified" in client.get("/clinics/rose-city-ketamine/").content.decode()


@pytest.mark.parametrize("status", [s for s in Clinic.Status if s != Clinic.Status.PUBLISHED])
def test_unpublished_clinic_pages_are_404(client, clinic, status):
    Clinic.objects.filter(pk=clinic.pk).update(status=status)
    assert client.get("/clinics/rose-city-ketamine/").status_code == 404


def test_detail_page_query_count_is_constant(client, clinic, django_assert_max_num_queries):
    for _ in range(10):
        location = LocationFactory(clinic=clinic)
        OfferingFactory(location=location)
        PayerAcceptanceFactory(location=location)
        OpeningHoursFactory(location=location)
    with django_assert_max_num_queries(11):
        assert client.get("/clinics/rose-city-ketamine/").status_code == 200


# Guides, home, navigation -------------------------------------------------------------------


def place_search_form(html):
    """The guide's "find providers" form: (its hidden filter, whether it asks for a place)."""
    form = re.search(r'<form class="home-search guide-search".*?</form>', html, re.S)[0]
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]+)">', form)
    asks = bool(re.search(r'<input type="text" id="id_near" name="near"[^>]* required>', form))
    return hidden, asks


@pytest.mark.parametrize("slug", ["iv", "im", "lozenge", "esketamine"])
def test_route_guides_ask_for_a_place_to_find_providers(client, slug):
    route_ = TreatmentRoute.objects.get(slug=slug)
    html = client.get(f"/guides/routes/{slug}/").content.decode()
    assert route_.name in html
    assert route_.typical_protocol in html
    assert route_.payment_reality in html
    # Issue 19.7: the button asks for a place instead of listing the whole country.
    assert f'href="/search/?route={slug}"' not in html
    assert place_search_form(html) == ([("route", slug)], True)
    assert "988" in html


def test_condition_guides_ask_for_a_place_and_give_the_evidence_with_sources(client):
    for condition_ in Condition.objects.all():
        html = client.get(f"/guides/conditions/{condition_.slug}/").content.decode()
        assert f'href="/search/?condition={condition_.slug}"' not in html
        assert place_search_form(html) == ([("condition", condition_.slug)], True)
        assert condition_.get_evidence_display() in html
        assert condition_.evidence_summary, condition_.slug
        assert condition_.evidence_summary in unescape(html)
        assert condition_.sources, condition_.slug
        for citation in condition_.sources:
            assert citation in unescape(html)
        assert html.count("https://pubmed.ncbi.nlm.nih.gov/?term=") == len(condition_.sources)


@pytest.mark.parametrize(
    ("slug", "heading"),
    [
        ("ptsd", "Ketamine treatment for PTSD"),
        ("ocd", "Ketamine treatment for OCD"),
        ("crps", "Ketamine treatment for CRPS"),
        ("treatment-resistant-depression", "Ketamine treatment for treatment-resistant depression"),
    ],
)
def test_guides_name_conditions_properly(client, slug, heading):
    html = client.get(f"/guides/conditions/{slug}/").content.decode()
    assert f"<title>{heading} · Ketamine Provider Directory</title>" in html
    assert f"<h1>{heading}</h1>" in html
    assert "ptsd<" not in html and "for ocd" not in html


def test_guide_index_and_unknown_guides(client):
    html = client.get("/guides/").content.decode()
    assert 'href="/guides/routes/esketamine/"' in html
    assert 'href="/guides/conditions/ptsd/"' in html
    assert client.get("/guides/routes/snorting/").status_code == 404
    assert client.get("/guides/conditions/flu/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/", "/search/", "/search/?near=97205", "/guides/", "/guides/routes/iv/"]
)
def test_every_page_has_the_crisis_line_nav_and_fits_the_csp(client, url):
    html = client.get(url).content.decode()
    assert 'href="tel:988"' in html
    assert 'href="/search/"' in html
    assert "Skip to main content" in html
    assert_fits_strict_csp(html)


def test_home_has_a_search_box(client):
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html
    assert 'name="near"' in html


def test_stale_listings_say_they_may_be_outdated(client, clinic):
    assert "May be outdated" not in client.get("/clinics/rose-city-ketamine/").content.decode()
    # From the verification date itself (issue 14.5): no command has to flag it.
    Clinic.objects.filter(pk=clinic.pk).update(
        verified_at=timezone.localdate() - datetime.timedelta(days=400)
    )
    assert "May be outdated" in client.get("/clinics/rose-city-ketamine/").content.decode()
    assert "May be outdated" in client.get("/search/?near=97205").content.decode()


@pytest.mark.parametrize(
    ("radius", "selected"), [("", "25"), ("50", "50"), ("30", "30"), ("12.5", "12.5")]
)
def test_the_radius_menu_keeps_the_radius_of_the_url(client, radius, selected):
    html = client.get(f"/search/?near=97205&radius={radius}").content.decode()
    assert f'<option value="{selected}" selected>' in html
    assert html.count(" selected>") == 2  # the radius and the sort order
