"""Every error a patient can meet keeps the site header, the 988 line and a way back (issue 14.9).

A results page past the end says the page no longer exists and links to page 1 of the same
search; an unknown clinic or guide says what is missing; a refused form (CSRF), a request the
site cannot read (400) and a forbidden page (403) use the site's pages, not Django's.
"""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import path

from directory import urls as site_urls
from directory.errors import csrf_failure, permission_denied
from tests.builders import LocationFactory, make_listing, point_at
from tests.test_errors import CRISIS_LINE, SITE_HEADER

pytestmark = pytest.mark.django_db

HOME = 'href="/">Go to the home page</a>'


def assert_site_error_page(response, status, heading):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert SITE_HEADER in page
    assert CRISIS_LINE in page and 'href="tel:988"' in page
    assert HOME in page
    assert f'<h1 id="error-heading" tabindex="-1">{heading}</h1>' in page
    assert f"<title>{heading} ·" in page
    return page


def links(page):
    buttons = re.findall(r'<a class="button[^"]*" href="([^"]*)">([^<]*)</a>', page)
    return {text: href.replace("&amp;", "&") for href, text in buttons}


# A results page past the end ---------------------------------------------------------------------


def test_a_results_page_past_the_end_no_longer_exists_and_links_to_page_1(client):
    latitude, longitude = point_at(1)
    LocationFactory.create_batch(3, latitude=latitude, longitude=longitude)
    response = client.get("/search/?near=97205&radius=10&page=2&page_size=2")
    assert response.status_code == 200
    response = client.get("/search/?near=97205&radius=10&page=5&page_size=2")
    page = assert_site_error_page(response, 404, "This page no longer exists")
    first = links(page)["Go to page 1 of these results"]
    assert first == "/search/?near=97205&radius=10&page_size=2"
    followed = client.get(first)
    assert followed.status_code == 200
    assert "3 locations within 10 miles of Portland, OR 97205" in followed.text


def test_an_absurd_page_number_gets_the_same_page(client):
    response = client.get("/search/", {"route": "iv", "page": str(10**30)})
    page = assert_site_error_page(response, 404, "This page no longer exists")
    assert links(page)["Go to page 1 of these results"] == "/search/?route=iv"


def test_the_api_says_the_page_is_past_the_end_in_json(client):
    response = client.get("/api/v1/locations/", {"page": "9"})
    assert response.status_code == 404
    assert response.json()["errors"]["page"]


# Unknown clinics and guides -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "heading", "says", "back"),
    [
        ("/clinics/no-such-clinic/", "Clinic not found", "No clinic is listed", None),
        ("/guides/routes/no-such-route/", "Guide not found", "no guide", "See all guides"),
        ("/guides/conditions/no-such-one/", "Guide not found", "no guide", "See all guides"),
        ("/clinics/no-such-clinic/report/", "Page not found", "nothing at this address", None),
        ("/clinics/no-such-clinic/claim/", "Page not found", "nothing at this address", None),
    ],
)
def test_unknown_clinics_and_guides_say_what_is_missing(client, url, heading, says, back):
    page = assert_site_error_page(client.get(url), 404, heading)
    assert says in page
    assert links(page)["Find a provider"] == "/search/"
    if back:
        assert client.get(links(page)[back]).status_code == 200


def test_an_unpublished_clinic_is_not_found_like_a_missing_one(client):
    clinic = make_listing(status="draft")
    page = assert_site_error_page(client.get(clinic.get_absolute_url()), 404, "Clinic not found")
    assert clinic.name not in page


# Refused forms, unreadable requests, forbidden pages ---------------------------------------------


def test_a_form_refused_for_its_csrf_token_explains_and_leads_back_to_the_form():
    clinic = make_listing()
    form_url = f"/clinics/{clinic.slug}/report/"
    browser = Client(enforce_csrf_checks=True)
    assert browser.get(form_url).status_code == 200
    response = browser.post(form_url, {"problem": "phone", "details": "Wrong number."})
    page = assert_site_error_page(response, 403, "This form could not be sent")
    assert "Nothing was saved" in page
    assert links(page)["Back to the form"] == form_url
    assert clinic.reports.count() == 0


def test_the_csrf_page_never_links_off_the_site():
    request = RequestFactory().post("/list-your-clinic/")
    request.path = "//evil.example/list-your-clinic/"  # as a server may hand it over
    response = csrf_failure(request, "CSRF cookie not set.")
    page = assert_site_error_page(response, 403, "This form could not be sent")
    assert links(page)["Back to the form"] == "/evil.example/list-your-clinic/"


def test_a_request_for_an_unknown_host_gets_the_site_400_page(client, settings):
    settings.ALLOWED_HOSTS = ["directory.example.org"]
    response = client.get("/", HTTP_HOST="attacker.example")
    assert_site_error_page(response, 400, "Request not understood")


def forbidden(request):
    raise PermissionDenied


# The site's URLs and error handlers, and one page that refuses everyone.
urlpatterns = [path("forbidden/", forbidden), *site_urls.urlpatterns]
handler400, handler403 = site_urls.handler400, site_urls.handler403
handler404, handler500 = site_urls.handler404, site_urls.handler500


def test_a_forbidden_page_uses_the_site_403_page(client, settings):
    settings.ROOT_URLCONF = "tests.test_error_pages"
    response = client.get("/forbidden/")
    assert_site_error_page(response, 403, "Not allowed")


def test_the_403_answers_json_under_the_api():
    response = permission_denied(RequestFactory().get("/api/v1/locations/"))
    assert response.status_code == 403
    assert json.loads(response.content)["errors"]["permission"]
