"""Emails in the language of the person they go to (issue 20): a receipt for a form sent from a
Spanish page is in Spanish, the same form on the English page gives an English one, and what
moderators and clinic staff read stays in the default language, whatever page caused it."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from clinics.models import ClaimRequest, Report
from clinics.moderation.forms import form_timestamp
from tests.builders import ClinicFactory, make_moderator

pytestmark = pytest.mark.django_db

SITE = "https://directory.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the per-client rate limit of the public forms
    yield
    cache.clear()


@pytest.fixture
def clinic():
    return ClinicFactory(name="Clínica Sol", slug="clinica-sol")


@pytest.fixture
def moderator():
    return make_moderator(username="mod", email="mod@mods.example")


def url_in(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


def sent_to(address):
    return [m for m in mail.outbox if address in m.to]


def post_report(client, language, clinic, callbacks):
    data = {
        "problem": "phone",
        "details": "El número no contesta.",
        "email": "visitante@example.org",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
    }
    with callbacks(execute=True):
        return client.post(url_in(language, "report_listing", clinic.slug), data)


def test_a_report_sent_from_a_spanish_page_gets_a_spanish_receipt(
    client, clinic, moderator, django_capture_on_commit_callbacks
):
    response = post_report(client, "es", clinic, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/es/clinics/clinica-sol/report/"
    assert "Gracias" in response.text
    [receipt] = sent_to("visitante@example.org")
    assert receipt.subject == "Recibimos su aviso de error sobre Clínica Sol"
    assert receipt.body.startswith("Gracias por avisarnos sobre Clínica Sol.")
    assert receipt.body.endswith(f"{SITE}/es/clinics/clinica-sol/")  # the Spanish page
    assert receipt.extra_headers["Content-Language"] == "es"
    # The moderators read English: the default language, not the visitor's.
    [alert] = sent_to("mod@mods.example")
    assert alert.subject == "New report: Phone number on Clínica Sol"
    assert f"Moderation queue: {SITE}/moderation/" in alert.body
    assert alert.extra_headers["Content-Language"] == "en"


def test_the_same_report_from_the_english_page_gets_an_english_receipt(
    client, clinic, moderator, django_capture_on_commit_callbacks
):
    response = post_report(client, "en", clinic, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/clinics/clinica-sol/report/"
    [receipt] = sent_to("visitante@example.org")
    assert receipt.subject == "We received your report about Clínica Sol"
    assert receipt.body.startswith("Thank you for telling us about Clínica Sol.")
    assert receipt.body.endswith(f"{SITE}/clinics/clinica-sol/")
    assert receipt.extra_headers["Content-Language"] == "en"


def test_a_spanish_visitor_does_not_make_the_next_email_spanish(
    client, clinic, moderator, django_capture_on_commit_callbacks
):
    """The language is the one of each request, not left over from the previous one."""
    post_report(client, "es", clinic, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    cache.clear()
    post_report(client, "en", clinic, django_capture_on_commit_callbacks)
    [receipt] = sent_to("visitante@example.org")
    assert receipt.subject == "We received your report about Clínica Sol"


def test_a_claim_sent_from_a_spanish_page_gets_a_spanish_receipt(
    client, clinic, moderator, django_capture_on_commit_callbacks
):
    data = {
        "name": "Dana",
        "role": "Gerente",
        "work_email": "dana@sol.example",
        "npi": "",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url_in("es", "claim_listing", clinic.slug), data)

    assert response.status_code == 200
    [receipt] = sent_to("dana@sol.example")
    assert receipt.subject == "Recibimos su solicitud para administrar la ficha de Clínica Sol"
    [alert] = sent_to("mod@mods.example")
    assert alert.subject == "New request to manage Clínica Sol"


def test_a_clinic_listed_from_a_spanish_page_gets_a_spanish_receipt(
    client, moderator, django_capture_on_commit_callbacks
):
    data = {
        "clinic_name": "Ketamina Nueva",
        "website": "https://nueva.example",
        "phone": "(503) 555-0123",
        "address_line1": "1 New St",
        "address_line2": "",
        "city": "Portland",
        "state": "OR",
        "postal_code": "97205",
        "npi": "",
        "name": "Sam",
        "role": "Dueña",
        "work_email": "sam@nueva.example",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url_in("es", "list_your_clinic"), data)

    assert response.status_code == 200, response.context["form"].errors
    [receipt] = sent_to("sam@nueva.example")
    assert receipt.subject == "Recibimos su ficha de Ketamina Nueva"
    [alert] = sent_to("mod@mods.example")
    assert alert.subject == "Waiting for review: New listing: Ketamina Nueva"


def test_a_moderator_on_a_spanish_page_writes_to_people_in_english(
    client, clinic, moderator, django_capture_on_commit_callbacks
):
    """A decision is written in the language the request or report was sent in (English
    here), not in the moderator's page's."""
    claim = ClaimRequest.objects.create(
        clinic=clinic, name="Dana", role="Gerente", work_email="dana@sol.example"
    )
    report = Report.objects.create(
        clinic=clinic, problem="phone", details="Mal.", email="visitante@example.org"
    )
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url_in("es", "moderation:claim", claim.pk),
            {"decision": "rejected", "reason": "No trabaja allí."},
        )
        client.post(
            url_in("es", "moderation:report", report.pk),
            {"action": "resolve", "reason": "Corregido."},
        )

    [decision] = sent_to("dana@sol.example")
    assert decision.subject == "Your request to manage Clínica Sol"
    [resolved] = sent_to("visitante@example.org")
    assert resolved.subject == "Your report about Clínica Sol"


def test_a_spanish_form_explains_its_errors_in_spanish(client, clinic):
    data = {"problem": "phone", "details": "", "email": "", "homepage": ""}
    response = client.post(url_in("es", "report_listing", clinic.slug), data)

    assert response.status_code == 400
    assert 'lang="es"' in response.text
    assert "Este formulario venció." in response.text
    assert "¿Qué está mal?" in response.text


def test_a_clinic_link_follows_the_language_after_one_in_the_other(clinic):
    """Clinic URLs are reversed once and remembered: per language, not the first one asked."""
    with translation.override("es"):
        assert clinic.get_absolute_url() == "/es/clinics/clinica-sol/"
    with translation.override("en"):
        assert clinic.get_absolute_url() == "/clinics/clinica-sol/"
    with translation.override("es"):
        assert clinic.get_absolute_url() == "/es/clinics/clinica-sol/"


def test_decisions_reach_people_in_the_language_they_wrote_in(
    client, clinic, moderator, django_capture_on_commit_callbacks
):
    """A report or a request sent from a Spanish page is answered in Spanish, even by a
    moderator working on the English pages."""
    post_report(client, "es", clinic, django_capture_on_commit_callbacks)
    report = Report.objects.get()
    assert report.language == "es"
    claim = ClaimRequest.objects.create(
        clinic=clinic, name="Dana", role="Gerente", work_email="dana@sol.example", language="es"
    )
    mail.outbox.clear()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url_in("en", "moderation:claim", claim.pk),
            {"decision": "rejected", "reason": "No trabaja allí."},
        )
        client.post(
            url_in("en", "moderation:report", report.pk),
            {"action": "resolve", "reason": "Corregido."},
        )

    [decision] = sent_to("dana@sol.example")
    assert decision.subject == "Su solicitud para administrar la ficha de Clínica Sol"
    assert decision.extra_headers["Content-Language"] == "es"
    [resolved] = sent_to("visitante@example.org")
    assert resolved.subject == "Su aviso de error sobre Clínica Sol"
    assert resolved.extra_headers["Content-Language"] == "es"
