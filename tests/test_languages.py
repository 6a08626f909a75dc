"""English at the root, Spanish under /es/ (issue 20): which address a visitor gets, the
switch, the remembered choice, alternates for search engines, and data words in Spanish."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.builders import ClinicFactory, LocationFactory
from tests.builders.factories import language, route
from tests.builders.listings import offer

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9,en;q=0.5"}


def _lang(response):
    return re.search(r'<html lang="([a-z-]+)"', response.text)[1]


def test_english_at_the_root_and_spanish_under_es(client):
    english = client.get("/")
    spanish = client.get("/es/")
    assert _lang(english) == "en" and "Find a provider" in english.text
    assert _lang(spanish) == "es" and "Buscar un proveedor" in spanish.text
    assert spanish["Content-Language"] == "es"


def test_the_988_line_in_spanish_says_988_answers_in_spanish(client):
    text = client.get("/es/").text
    assert "Llame o envíe un mensaje de texto al" in text
    assert "oprima 2 para español" in text
    assert 'href="tel:988"' in text


def test_a_first_visit_follows_the_browsers_language(client):
    response = client.get("/search/?near=97205&route=iv", **SPANISH)
    assert response.status_code == 302
    assert response["Location"] == "/es/search/?near=97205&route=iv"
    assert "Accept-Language" in response["Vary"]
    assert client.get("/search/?near=97205", HTTP_ACCEPT_LANGUAGE="en-US").status_code == 200
    # A crawler or a link checker sends no Accept-Language: English stays English.
    assert client.get("/search/?near=97205").status_code == 200


def test_the_switch_keeps_the_page_and_its_search_and_remembers_the_choice(client):
    page = client.get("/search/?near=97205&route=iv").text
    link = re.search(r'<a href="([^"]+)" hreflang="es" lang="es">Español</a>', page)[1]
    switched = client.get(link.replace("&amp;", "&"))
    assert switched.status_code == 302
    assert switched["Location"] == "/es/search/?near=97205&route=iv"
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    # Remembered: the English address of another page now leads to its Spanish one...
    assert client.get("/guides/")["Location"] == "/es/guides/"
    # ...until English is chosen, which an English browser language does not override.
    back = client.get("/language/en/?next=/es/guides/", **SPANISH)
    assert back["Location"] == "/guides/"
    assert client.get("/guides/", **SPANISH).status_code == 200


def test_the_switch_refuses_other_sites_and_unknown_languages(client):
    assert client.get("/language/es/?next=https://evil.example/")["Location"] == "/es/"
    assert client.get("/language/es/?next=//evil.example/x")["Location"] == "/es/"
    assert client.get("/language/fr/?next=/").status_code == 404


def test_forms_are_never_redirected(client):
    """A POST to an English address is answered there, whatever the browser asks for."""
    response = client.post(reverse("list_your_clinic"), {}, **SPANISH)
    assert response.status_code != 302 or not response["Location"].startswith("/es/")


def test_the_apis_keep_one_address_and_english(client):
    LocationFactory(clinic=ClinicFactory())
    response = client.get("/api/v1/locations/", **SPANISH)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert client.get("/es/api/v1/locations/").status_code == 404
    assert client.get("/api/v1/hsds/services/", **SPANISH).status_code == 200
    assert client.get("/admin/login/", **SPANISH).status_code == 200


def test_pages_name_their_address_in_every_language(client):
    site = settings.SITE_URL
    text = client.get("/es/search/?near=97205").text
    assert f'<link rel="alternate" hreflang="en" href="{site}/search/">' in text
    assert f'<link rel="alternate" hreflang="es" href="{site}/es/search/">' in text
    assert f'<link rel="alternate" hreflang="x-default" href="{site}/search/">' in text
    assert f'<link rel="canonical" href="{site}/es/search/">' in text


def test_the_sitemap_lists_both_languages_as_alternates(client):
    ClinicFactory(slug="calm-clinic")
    site = settings.SITE_URL
    xml = client.get("/sitemap.xml").text
    assert f"<loc>{site}/clinics/calm-clinic/</loc>" in xml
    assert f"<loc>{site}/es/clinics/calm-clinic/</loc>" in xml
    assert f'hreflang="es" href="{site}/es/guides/"' in xml


def test_robots_keep_crawlers_off_the_switch(client):
    assert "Disallow: /language/" in client.get("/robots.txt").text


def test_reference_words_are_read_in_the_pages_language():
    iv, spanish = route("iv"), language("es")
    with translation.override("es"):
        assert iv.label == "Infusión intravenosa (IV)"
        assert iv.short_label == "IV"
        assert route("esketamine").short_label == "Esketamina"
        assert spanish.label == "Español"
        assert language("de").label == "Alemán"
        assert iv.translated("session").startswith("Cada infusión dura")
    with translation.override("en"):
        assert iv.label == iv.name == "IV infusion"
        assert language("de").label == "German"


def test_results_in_spanish_name_routes_in_spanish_even_after_an_english_visit(client):
    location = LocationFactory(clinic=ClinicFactory())
    offer(location, "iv", 400, 500)
    client.get("/search/?near=97205")  # counts cached for the English page first
    text = client.get("/es/search/?near=97205").text
    assert "Infusión intravenosa (IV)" in text


def _title(response):
    return re.search(r"<title>(.*?)</title>", response.text, re.S)[1].strip()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search/",
        "/search/?near=97205",
        "/clinics/calm-clinic/",
        "/clinics/no-such-clinic/",
        "/guides/",
        "/guides/routes/iv/",
        "/guides/conditions/ptsd/",
        "/providers/",
        "/providers/or/",
        "/providers/or/portland/",
        "/about/",
        "/how-we-verify/",
        "/privacy/",
        "/compare/?clinic=calm-clinic",
        "/clinics/calm-clinic/report/",
        "/clinics/calm-clinic/claim/",
        "/list-your-clinic/",
        "/manage/login/",
        "/manage/password/forgot/",
    ],
)
def test_every_public_page_reads_in_spanish_under_es(client, path):
    clinic = ClinicFactory(slug="calm-clinic")
    offer(LocationFactory(clinic=clinic), "iv", 400, 500)
    english, spanish = client.get(path), client.get("/es" + path)
    assert spanish.status_code == english.status_code
    assert _lang(english) == "en" and _lang(spanish) == "es"
    assert _title(spanish) != _title(english), "the title is not translated"
    assert "oprima 2 para español" in spanish.text
    if not path.startswith("/manage/"):  # the staff pages have their own header
        assert "Buscar un proveedor" in spanish.text and "Find a provider" not in spanish.text


def test_spanish_pages_write_numbers_as_in_the_us():
    from django.utils import formats

    with translation.override("es"):
        assert formats.localize(12.5) == "12.5"
        assert formats.number_format(1234.5, decimal_pos=1, force_grouping=True) == "1,234.5"


def test_what_the_clinic_wrote_is_shown_as_written_with_its_language(client):
    ClinicFactory(slug="calm-clinic", description="We listen first.")
    spanish = client.get("/es/clinics/calm-clinic/").text
    assert '<p class="lead" lang="en">We listen first.</p>' in spanish
    assert "La clínica escribió esto en inglés." in spanish
    english = client.get("/clinics/calm-clinic/").text
    assert '<p class="lead" lang="en">We listen first.</p>' in english
    assert "The clinic wrote this" not in english
    ClinicFactory(slug="clinica-sol", description="Escuchamos primero.", description_language="es")
    assert "The clinic wrote this in Spanish." in client.get("/clinics/clinica-sol/").text


def test_filters_without_counts_name_their_options_in_spanish(client):
    """A search that cannot run (an unknown place) still lists the filters, in Spanish."""
    text = client.get("/es/search/?near=Nowhere%2C+ZZ").text
    assert "Depresión con pensamientos suicidas" in text
    assert "Depression with suicidal thoughts" not in text


def test_how_we_verify_says_how_facts_are_confirmed_in_spanish(client):
    text = client.get("/es/how-we-verify/").text
    assert "Llamamos al número y la clínica contestó" in text


def test_a_spanish_form_explains_a_wrong_zip_in_spanish_and_the_import_in_english():
    from clinics.importing.cells import ValueProblem, parse_postal_code

    with translation.override("es"), pytest.raises(ValueProblem, match="no es un código postal"):
        parse_postal_code("ABCDE")
    with pytest.raises(ValueProblem, match="is not a US ZIP code"):
        parse_postal_code("ABCDE")


def test_states_are_named_in_spanish_on_spanish_pages(client):
    assert "Carolina del Sur" in client.get("/es/providers/").text
    assert "South Carolina" in client.get("/providers/").text
    assert ">Nueva York</option>" in client.get("/es/list-your-clinic/").text
    LocationFactory(clinic=ClinicFactory())
    assert "Proveedores de ketamina en Oregón" in client.get("/es/providers/or/").text
