"""The trust pages (issue 19.3): /about/, /how-we-verify/, /privacy/, linked from every page."""

import pytest

from tests.builders import ClinicFactory, add_location

pytestmark = pytest.mark.django_db

TRUST_PAGES = ["/about/", "/how-we-verify/", "/privacy/"]


@pytest.mark.parametrize("url", TRUST_PAGES)
def test_trust_pages_keep_the_crisis_line_and_say_what_they_are(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:988"' in html
    assert 'rel="canonical"' in html
    assert '<meta name="description"' in html


@pytest.mark.parametrize("url", ["/", "/search/", "/guides/", "/clinics/footer/", "/about/"])
def test_every_page_links_the_trust_pages_from_its_footer(client, url):
    add_location(ClinicFactory(slug="footer"), postal_code="97205")
    footer = client.get(url).content.decode().split('<footer class="site-footer">', 1)[1]
    for page in TRUST_PAGES:
        assert f'href="{page}"' in footer


def test_error_pages_link_the_trust_pages_too(client):
    footer = client.get("/clinics/nobody/").content.decode().split("site-footer", 1)[1]
    assert 'href="/privacy/"' in footer


def test_about_says_listings_are_free_and_ranking_is_not_for_sale(client, settings):
    settings.SITE_OPERATOR = ""
    html = client.get("/about/").content.decode()
    assert "Listing a clinic costs nothing" in html
    assert "No clinic can pay to appear, to appear higher" in html
    assert "has not published its name yet" in html
    settings.SITE_OPERATOR = "The Example Mental Health Foundation"
    settings.SITE_CONTACT_EMAIL = "hello@example.org"
    html = client.get("/about/").content.decode()
    assert "run by The Example Mental Health Foundation" in html
    assert 'href="mailto:hello@example.org"' in html


def test_how_we_verify_gives_the_facts_checked_and_how_long_each_holds(client, settings):
    settings.VERIFICATION_VALID_DAYS = 365
    settings.VERIFICATION_VALID_DAYS_BY_FACT = {"prices": 90}
    html = client.get("/how-we-verify/").content.decode()
    assert "Called the number; the clinic answered" in html
    assert "Looked up in the NPI registry (NPPES)" in html
    assert (
        '<th scope="row">Prices</th><td>Prices confirmed with the clinic</td><td>90 days</td>'
        in html
    )
    assert (
        '<th scope="row">Phone</th><td>Called the number; the clinic answered</td><td>365 days</td>'
        in html
    )
    assert "Report wrong information" in html
    assert "May be outdated" in html


def test_privacy_page_says_what_is_kept_as_the_code_keeps_it(client, settings):
    settings.PUBLIC_FORM_RATE_PERIOD_SECONDS = 1800
    settings.GEOCODER = ""
    html = client.get("/privacy/").content.decode()
    assert "Searches are not logged with the place" in html
    assert "rounds your position to about 1 km" in html
    assert "kept in the server's memory cache for 30 minutes" in html
    assert "nothing you type is sent to another service" in html
    settings.GEOCODER = "nominatim"
    html = client.get("/privacy/").content.decode()
    assert "looked up with an online geocoding service" in html


def test_searching_sets_no_cookie(client):
    add_location(ClinicFactory(), postal_code="97205")
    for url in ["/", "/search/?near=97205", "/privacy/"]:
        assert not client.get(url).cookies, url
