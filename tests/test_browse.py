"""The browse pages (issue 19.1): /providers/, a state's page and a city's page.

Every test reads one set of Texas (and a few other) listings, built once for the module."""

import json
import re

import pytest

from clinics.models import Clinic
from tests.builders import ClinicFactory, add_location

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("listings")]

AUSTIN = (30.2672, -97.7431)
ROUND_ROCK = (30.5083, -97.6789)  # about 17 miles north of Austin
SAN_ANTONIO = (29.4241, -98.4936)  # about 74 miles south-west


def texas(clinic, city, position, zip_code, **values):
    latitude, longitude = position
    return add_location(
        clinic,
        city=city,
        state="TX",
        postal_code=zip_code,
        latitude=latitude,
        longitude=longitude,
        **values,
    )


def build_listings():
    texas(
        ClinicFactory(name="Capitol Infusions", slug="capitol"),
        "Austin",
        AUSTIN,
        "78701",
        routes={"iv": (450, 650)},
        payers=["aetna"],
    )
    texas(
        ClinicFactory(
            name="Barton Springs Spravato",
            slug="barton",
            offers_telehealth=True,
            telehealth_states="TX",
        ),
        "Austin",
        (30.2500, -97.7700),
        "78704",
        routes={"esketamine": (0, 0)},
        payers=["aetna", "cigna"],
    )
    texas(
        ClinicFactory(name="Round Rock Ketamine", slug="round-rock"),
        "Round Rock",
        ROUND_ROCK,
        "78664",
        routes={"im": (300, 400)},
    )
    texas(
        ClinicFactory(name="Alamo Ketamine", slug="alamo"),
        "San Antonio",
        SAN_ANTONIO,
        "78205",
        routes={"iv": (500, 700)},
    )
    texas(
        ClinicFactory(name="Hidden Austin Draft", slug="hidden", status=Clinic.Status.DRAFT),
        "Austin",
        AUSTIN,
        "78701",
        routes={"iv": (100, 200)},
    )
    # Based in California, serving Texas by telehealth; and one that lists Texas but offers
    # no remote care (so serves nobody remotely).
    add_location(
        ClinicFactory(
            name="Pacific Telehealth Ketamine",
            slug="pacific",
            offers_at_home=True,
            telehealth_states="CA, TX NV",
        ),
        city="San Diego",
        state="CA",
        postal_code="92101",
        latitude=32.7157,
        longitude=-117.1611,
        routes={"lozenge": (200, 300)},
    )
    add_location(
        ClinicFactory(name="Not Remote Clinic", slug="not-remote", telehealth_states="TX"),
        city="Fresno",
        state="CA",
        postal_code="93721",
        latitude=36.7378,
        longitude=-119.7871,
        routes={"iv": (400, 500)},
    )
    # Two spellings of one city.
    for n, spelling in enumerate(["St. Louis", "Saint Louis"]):
        add_location(
            ClinicFactory(name=f"Gateway Ketamine {n}", slug=f"gateway-{n}"),
            city=spelling,
            state="MO",
            postal_code="63101",
            latitude=38.6270,
            longitude=-90.1994,
            routes={"iv": (400, 500)},
        )


@pytest.fixture(scope="module")
def module_listings(module_db):
    return module_db.build(build_listings)


@pytest.fixture
def listings(module_listings):
    return module_listings


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def result_names(html):
    return re.findall(r'id="result-\d+-name"><a href="[^"]+">([^<]+)</a>', html)


def json_ld_blocks(html):
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


# /providers/ ------------------------------------------------------------------------------


def test_the_index_lists_every_state_with_its_providers(client):
    response = client.get("/providers/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Ketamine providers by state" in text
    assert "Texas (4 in person, 1 by telehealth)" in text  # the draft is not counted
    assert "California (2 in person)" in text
    assert "Missouri (2 in person)" in text
    assert "Nevada (0 in person, 1 by telehealth)" in text
    assert "Alaska (none listed yet)" in text
    html = response.content.decode()
    assert 'href="/providers/tx/"' in html
    assert 'href="/providers/ak/"' not in html


# A state's page ----------------------------------------------------------------------------


def test_a_state_page_lists_its_providers_in_person_then_remote_programmes(client):
    response = client.get("/providers/tx/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Ketamine providers in Texas · Ketamine Provider Directory</title>" in html
    assert "<h1>Ketamine providers in Texas</h1>" in html
    names = result_names(html)
    assert names == [
        "Alamo Ketamine",
        "Barton Springs Spravato",
        "Capitol Infusions",
        "Round Rock Ketamine",
        "Pacific Telehealth Ketamine",
    ]
    remote = html.index('id="remote-heading"')
    assert html.index("Round Rock Ketamine") < remote < html.index("Pacific Telehealth Ketamine")
    assert "Not Remote Clinic" not in html
    assert "Hidden Austin Draft" not in html


def test_a_state_page_has_its_cities_with_counts(client):
    text = text_of(client.get("/providers/tx/"))
    assert "Cities in Texas" in text
    assert "Austin (2 locations)" in text
    assert "Round Rock (1 location)" in text
    html = client.get("/providers/tx/").content.decode()
    assert 'href="/providers/tx/round-rock/"' in html
    missouri = text_of(client.get("/providers/mo/"))
    assert "Saint Louis (2 locations)" in missouri  # both spellings, one city


def test_a_state_page_introduction_gives_counts_routes_and_insurance(client):
    text = text_of(client.get("/providers/tx/"))
    assert "4 locations of 4 clinics in Texas are listed." in text
    assert "2 offer IV infusion" in text
    assert "1 offers IM injection" in text
    assert "Aetna (at 2 locations)" in text
    assert "Cigna (at 1 location)" in text


def test_a_state_page_has_the_search_filters(client):
    response = client.get("/providers/tx/", {"route": "iv"})
    html = response.content.decode()
    assert result_names(html) == ["Alamo Ketamine", "Capitol Infusions"]
    assert 'name="insurance" value="aetna"' in html
    assert 'action="/providers/tx/"' in html
    assert "Clear all filters" in html
    # The remote programmes are filtered too: the lozenge programme offers no IV.
    assert "Pacific Telehealth Ketamine" not in html
    lozenge = client.get("/providers/tx/", {"route": "lozenge"}).content.decode()
    assert result_names(lozenge) == ["Pacific Telehealth Ketamine"]


def test_bad_filters_on_a_browse_page_say_what_is_wrong(client):
    response = client.get("/providers/tx/", {"route": "snorting"})
    assert response.status_code == 400
    assert "is not a known treatment route" in response.content.decode()
    past_the_end = client.get("/providers/tx/", {"page": "9"})
    assert past_the_end.status_code == 404


def test_a_state_without_providers_says_so_and_is_not_indexed(client):
    response = client.get("/providers/ak/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No clinic with an address in Alaska is listed yet." in text_of(response)
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    "url", ["/providers/zz/", "/providers/texas/", "/providers/tx/nowhere/", "/providers/ak/x/"]
)
def test_unknown_states_and_cities_answer_404(client, url):
    assert client.get(url).status_code == 404


def test_upper_case_state_codes_redirect_to_the_lower_case_address(client):
    response = client.get("/providers/TX/austin/?route=iv")
    assert response.status_code == 301
    assert response["Location"] == "/providers/tx/austin/"
    assert client.get("/providers/Tx/")["Location"] == "/providers/tx/"


# A city's page -----------------------------------------------------------------------------


def test_a_city_page_lists_providers_within_25_miles(client):
    response = client.get("/providers/tx/austin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Ketamine providers in Austin, Texas</h1>" in html
    names = result_names(html)
    assert set(names) == {"Capitol Infusions", "Barton Springs Spravato", "Round Rock Ketamine"}
    assert names[-1] == "Round Rock Ketamine"  # nearest first
    assert "miles away" in html
    text = text_of(response)
    assert "3 locations within 25 miles of Austin" in text
    assert "Alamo Ketamine" not in html


def test_a_city_page_filters_and_sorts_like_the_search(client):
    html = client.get("/providers/tx/austin/", {"insurance": "cigna"}).content.decode()
    assert result_names(html) == ["Barton Springs Spravato"]
    by_name = client.get("/providers/tx/austin/", {"sort": "name"}).content.decode()
    assert result_names(by_name)[0] == "Barton Springs Spravato"
    # The place is the page's: a near or radius in the query string changes nothing.
    moved = client.get("/providers/tx/austin/", {"near": "97205", "radius": "500"})
    assert set(result_names(moved.content.decode())) == set(
        result_names(client.get("/providers/tx/austin/").content.decode())
    )


def test_a_city_page_points_to_the_remote_programmes_of_its_state(client):
    html = client.get("/providers/tx/austin/").content.decode()
    assert 'href="/providers/tx/#remote"' in html
    assert "1 telehealth or at-home programme based elsewhere also serves Texas" in text_of(
        client.get("/providers/tx/austin/")
    )


# For search engines ------------------------------------------------------------------------


def test_browse_and_clinic_pages_carry_breadcrumbs(client, settings):
    settings.SITE_URL = "https://directory.example.org"
    city = json_ld_blocks(client.get("/providers/tx/austin/").content.decode())
    [crumbs] = [block for block in city if block["@type"] == "BreadcrumbList"]
    assert [item["name"] for item in crumbs["itemListElement"]] == [
        "Home",
        "Providers by state",
        "Texas",
        "Austin",
    ]
    assert crumbs["itemListElement"][2]["item"] == "https://directory.example.org/providers/tx/"
    assert crumbs["itemListElement"][3]["item"] == (
        "https://directory.example.org/providers/tx/austin/"
    )
    clinic_html = client.get("/clinics/round-rock/").content.decode()
    [crumbs] = [b for b in json_ld_blocks(clinic_html) if b["@type"] == "BreadcrumbList"]
    assert [item["name"] for item in crumbs["itemListElement"]] == [
        "Home",
        "Providers by state",
        "Texas",
        "Round Rock",
        "Round Rock Ketamine",
    ]
    assert 'href="/providers/tx/round-rock/"' in clinic_html
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in clinic_html


def test_filtered_browse_pages_canonicalise_to_the_page_without_filters(client, settings):
    settings.SITE_URL = "https://directory.example.org"
    html = client.get("/providers/tx/austin/", {"route": "iv", "page": "1"}).content.decode()
    assert '<link rel="canonical" href="https://directory.example.org/providers/tx/austin/">' in (
        html
    )


def test_the_sitemap_lists_states_with_providers_and_their_cities(client, settings):
    settings.SITE_URL = "https://directory.example.org"
    xml = client.get("/sitemap.xml").content.decode()
    for path in ["/providers/", "/providers/tx/", "/providers/nv/", "/providers/tx/austin/"]:
        assert f"<loc>https://directory.example.org{path}</loc>" in xml
    assert "/providers/mo/saint-louis/</loc>" in xml
    assert "/providers/ak/" not in xml


# Constant queries -------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 12])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/providers/", 3),
        # A first visit also counts the matches without a place (kept per listings
        # version, issue 16.4): one query more than the page had, never one per result.
        ("/providers/tx/", 19),
        ("/providers/tx/austin/", 18),
        ("/providers/tx/?route=iv", 20),
    ],
)
def test_browse_pages_read_a_constant_number_of_queries(
    client, url, queries, extra, django_assert_max_num_queries
):
    for n in range(extra):
        texas(
            ClinicFactory(offers_telehealth=True, telehealth_states="TX, OK"),
            ["Austin", "Pflugerville", "Cedar Park"][n % 3],
            (AUSTIN[0] + n / 100, AUSTIN[1]),
            "78701",
            routes={"iv": (400, 500), "im": None},
            payers=["aetna", ("cigna", "iv")],
            payment_options=["superbill"],
        )
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/providers/tx/", "/providers/tx/?route=iv", "/search/?route=iv"])
def test_a_repeat_visit_reads_only_its_page(client, url, django_assert_max_num_queries):
    """Counts, introductions and city lists are the same for every visitor until a listing
    changes: at 100k they cost most of a state page (issue 16.4), so a repeat visit reads
    only the page's rows (and, on a state page, its remote programmes)."""
    first = client.get(url).text
    with django_assert_max_num_queries(2):
        again = client.get(url).text
    assert again == first
