"""Report wrong information (issue 4): the form, its spam defences, rate limit, resolution."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from clinics.models import Report
from clinics.moderation.forms import form_timestamp
from tests.builders import ClinicFactory, make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clinic():
    return ClinicFactory(name="Report Me Clinic")


def report_url(clinic):
    return reverse("report_listing", args=[clinic.slug])


def report_data(**overrides):
    return {
        "problem": "phone",
        "details": "The number rings a bakery.",
        "email": "",
        "homepage": "",
        "started": form_timestamp(seconds_ago=30),
        **{name: value() if callable(value) else value for name, value in overrides.items()},
    }


def test_report_url_is_under_the_clinic(clinic):
    assert report_url(clinic) == f"/clinics/{clinic.slug}/report/"


def test_form_renders_with_csrf_and_a_hidden_honeypot(client, clinic):
    response = client.get(report_url(clinic))
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.text
    assert 'class="hp" aria-hidden="true"' in response.text
    assert "<script" not in response.text.split("</header>")[1].split("<footer")[0]


def test_a_report_waits_in_the_queue(client, clinic):
    response = client.post(report_url(clinic), report_data(email="me@example.org"))
    assert response.status_code == 200
    assert "Thank you" in response.text
    report = Report.objects.get()
    assert (report.clinic, report.problem, report.email) == (clinic, "phone", "me@example.org")
    assert report.is_open


@pytest.mark.parametrize(
    ("overrides", "sent"),
    [
        ({}, True),
        ({"homepage": "http://spam.example"}, False),  # the honeypot was filled in
        ({"started": lambda: form_timestamp(seconds_ago=0)}, False),  # faster than a person
        ({"started": "forged"}, False),  # not signed by us
        ({"started": lambda: form_timestamp(seconds_ago=3 * 24 * 3600)}, False),  # too old
        ({"problem": "gossip"}, False),
        ({"details": ""}, False),
        ({"email": "not-an-email"}, False),
    ],
)
def test_spam_checks_and_validation(client, clinic, overrides, sent):
    response = client.post(report_url(clinic), report_data(**overrides))
    assert Report.objects.exists() is sent
    assert response.status_code == (200 if sent else 400)
    if not sent:
        assert "errorlist" in response.text  # the form comes back with its errors


def test_rate_limit_per_client(client, clinic, settings):
    settings.PUBLIC_FORM_RATE_LIMIT = 3
    for _ in range(3):
        assert client.post(report_url(clinic), report_data()).status_code == 200
    response = client.post(report_url(clinic), report_data())
    assert response.status_code == 429
    assert "try again in an hour" in response.text
    assert Report.objects.count() == 3
    # Another client is not limited.
    other = client.post(report_url(clinic), report_data(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_reports_only_for_published_listings(client):
    draft = ClinicFactory(status="draft")
    assert client.get(report_url(draft)).status_code == 404
    assert client.post(report_url(draft), report_data()).status_code == 404


def test_moderator_resolves_a_report_with_a_note(
    client, clinic, django_capture_on_commit_callbacks
):
    report = Report.objects.create(
        clinic=clinic, problem="prices", details="Higher now", email="me@example.org"
    )
    moderator = make_moderator()
    client.force_login(moderator)
    assert "Report Me Clinic" in client.get(reverse("moderation:queue")).text
    url = reverse("moderation:report", args=[report.pk])
    assert client.post(url, {"action": "claim"}).status_code == 302
    response = client.post(url, {"action": "resolve", "reason": ""})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "resolve", "reason": "Prices updated."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolution_note == "Prices updated."
    assert report.resolved_by == moderator
    assert not report.is_open
    assert mail.outbox[0].to == ["me@example.org"]


@pytest.mark.parametrize(("who", "status"), [("moderator", 200), ("other_staff", 404)])
def test_report_page_is_for_moderators_only(client, clinic, who, status):
    from tests.builders import make_staff

    report = Report.objects.create(clinic=clinic, problem="other", details="x")
    user = make_moderator() if who == "moderator" else make_staff(clinic)
    client.force_login(user)
    assert client.get(reverse("moderation:report", args=[report.pk])).status_code == status
