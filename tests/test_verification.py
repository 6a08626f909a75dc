"""Verification you can see (issue 15.10).

The moderator ticks what they confirmed and how; each fact gets a dated record that expires
(12 months by default, per fact). Patients read "Verified on <date>: phone, NPI" (current
facts only) and, per fact, when it was last confirmed and by whom; the API, HSDS and FHIR
carry the same. NPIs link to the NPPES registry, whose record the moderator's page shows
when the online lookup is on (tested against a local HTTP double).
"""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics import moderation
from clinics.models import TreatmentRoute, Verification, verifications_from_import
from clinics.opendata import hsds
from tests.builders import make_listing, make_moderator, make_staff

pytestmark = pytest.mark.django_db

CLINIC_NPI = "1234567893"


@pytest.fixture
def listing():
    return make_listing(name="Verified Clinic", slug="verified-clinic", npi=CLINIC_NPI)


@pytest.fixture
def moderator():
    return make_moderator(username="verifier")


def verify(client, clinic, **ticks):
    data = {"action": "verify"}
    for fact, how in ticks.items():
        data[f"check_{fact}"] = "on"
        data[f"how_{fact}"] = how
    return client.post(reverse("moderation:clinic", args=[clinic.pk]), data)


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def test_the_moderator_records_what_was_confirmed_and_how(client, listing, moderator):
    listing.flagged_stale_at = timezone.now()
    listing.save()
    client.force_login(moderator)
    page = client.get(reverse("moderation:clinic", args=[listing.pk]))
    assert "called the number; the clinic answered" in page.text  # the suggested method

    response = verify(client, listing, phone="called; the front desk answered", npi="")
    assert response.status_code == 302

    listing.refresh_from_db()
    assert listing.verified_at == timezone.localdate()
    assert not listing.is_stale
    rows = {v.fact: v for v in listing.verifications.all()}
    assert set(rows) == {"phone", "npi"}
    assert rows["phone"].method == "called; the front desk answered"
    assert rows["npi"].method == "looked up in the NPI registry (NPPES)"
    assert {v.source for v in rows.values()} == {"moderator"}
    assert {v.confirmed_by for v in rows.values()} == {moderator}
    assert listing.history.first().history_change_reason == "Verified: phone, NPI"


def test_nothing_ticked_records_nothing(client, listing, moderator):
    client.force_login(moderator)
    response = verify(client, listing)
    assert response.status_code == 400
    assert "Tick at least one thing you confirmed" in response.text
    listing.refresh_from_db()
    assert listing.verified_at is None and not listing.verifications.exists()


def test_patients_see_which_facts_are_current_and_by_whom(client, listing, moderator, settings):
    settings.VERIFICATION_VALID_DAYS_BY_FACT = {"prices": 90}
    today = timezone.localdate()
    listing.verified_at = today
    listing.save()
    Verification.objects.bulk_create(
        [
            Verification(clinic=listing, fact="phone", confirmed_on=today, source="moderator"),
            Verification(clinic=listing, fact="npi", confirmed_on=today, source="moderator"),
            Verification(
                clinic=listing, fact="website", confirmed_on=days_ago(400), source="moderator"
            ),
            Verification(
                clinic=listing, fact="prices", confirmed_on=days_ago(100), source="clinic"
            ),
        ]
    )
    verifications_from_import([listing], source_name="partner", facts=["address"])

    page = client.get(listing.get_absolute_url())
    text = " ".join(page.text.split())
    assert f"Verified on {today:%B} {today.day}, {today.year}: phone, NPI</span>" in text
    assert "Website: confirmed on" in text and "by a moderator" in text
    assert "not confirmed in the last 365 days: may have changed" in text
    assert "Prices: confirmed on" in text and "by the clinic" in text
    assert "not confirmed in the last 90 days" in text  # the per-fact setting
    assert "Address: confirmed on" in text and "by the import of partner" in text
    assert f"https://npiregistry.cms.hhs.gov/provider-view/{CLINIC_NPI}" in page.text

    detail = client.get(f"/api/v1/clinics/{listing.slug}/").json()
    assert detail["verified_facts"] == ["phone", "npi"]
    by_fact = {v["fact"]: v for v in detail["verifications"]}
    assert by_fact["website"]["current"] is False
    assert by_fact["address"]["source"] == "import:partner"
    assert by_fact["phone"]["confirmed_on"] == today.isoformat()


def test_open_data_carries_the_verifications(client, listing):
    today = timezone.localdate()
    listing.verified_at = today
    listing.save()
    Verification.objects.create(
        clinic=listing, fact="phone", confirmed_on=today, source="moderator"
    )
    Verification.objects.create(
        clinic=listing, fact="website", confirmed_on=days_ago(400), source="moderator"
    )
    iv = TreatmentRoute.objects.get(slug="iv")
    service = client.get(f"/api/v1/hsds/services/{hsds.hsds_id('service', listing.pk, iv.pk)}/")
    service = service.json()
    assert service["assured_date"] == today.isoformat()
    verified = [a for a in service["attributes"] if a["link_type"] == "verified"]
    assert [(a["taxonomy_term"]["code"], a["value"]) for a in verified] == [
        ("phone", f"{today.isoformat()} by moderator")
    ]

    organization = client.get(f"/fhir/Organization/clinic-{listing.pk}").json()
    facts = [
        {part["url"]: list(part.values())[1] for part in extension["extension"]}
        for extension in organization["extension"]
    ]
    assert {"fact": "phone", "confirmedOn": today.isoformat(), "source": "moderator",
            "current": True} in facts  # fmt: skip
    assert {"fact": "website", "confirmedOn": days_ago(400).isoformat(), "source": "moderator",
            "current": False} in facts  # fmt: skip


def test_approved_staff_changes_count_as_confirmed_by_the_clinic(listing, moderator):
    staff = make_staff(listing)
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    copy.phone = "+1 503 555 0177"
    copy.save()
    copy.locations.get().offerings.update(price_min_usd=300, price_max_usd=400)
    moderation.clinic_submit(clinic=copy, user=staff)
    moderation.clinic_approve(clinic=copy, reviewer=moderator)
    confirmed = {(v.fact, v.source) for v in listing.verifications.all()}
    assert confirmed == {("phone", "clinic"), ("prices", "clinic")}
    assert listing.verified_at is None  # a moderator did not verify it


# --- the NPI registry, online only when asked, against a local double -----------------------


class RegistryDouble:
    """A stand-in for the NPPES API on 127.0.0.1: answers what `records` says per NPI."""

    def __init__(self):
        self.records, self.requests, self.status = {}, [], 200
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                query = parse_qs(urlsplit(self.path).query)
                double.requests.append(query)
                number = query.get("number", [""])[0]
                record = double.records.get(number)
                body = json.dumps(
                    {"result_count": int(bool(record)), "results": [record] if record else []}
                )
                self.send_response(double.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def registry(settings):
    double = RegistryDouble()
    settings.NPI_REGISTRY_URL = double.url
    yield double
    double.close()


def organisation(name, taxonomy="Clinic/Center, Mental Health"):
    return {
        "enumeration_type": "NPI-2",
        "basic": {"organization_name": name.upper()},
        "taxonomies": [{"code": "261QM0801X", "desc": taxonomy, "primary": True}],
    }


def review(client, clinic):
    return client.get(reverse("moderation:clinic", args=[clinic.pk]))


def test_the_registry_is_not_asked_unless_the_setting_is_on(client, listing, moderator, registry):
    client.force_login(moderator)
    page = review(client, listing)
    assert registry.requests == []
    assert "the registry lookup is off" in page.text
    assert f"https://npiregistry.cms.hhs.gov/provider-view/{CLINIC_NPI}" in page.text


def test_the_registry_record_is_fetched_after_the_page_and_compared(
    client, listing, moderator, registry, settings, django_capture_on_commit_callbacks
):
    settings.NPI_REGISTRY_ONLINE = True
    registry.records[CLINIC_NPI] = organisation("Verified Clinic LLC")
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        first = review(client, listing)
    assert "Looking it up in the registry" in first.text  # not fetched inside the request
    # The clinic's NPI and its clinician's, each asked once, after the response.
    assert sorted(q["number"][0] for q in registry.requests) == [CLINIC_NPI, "1558598797"]

    [check] = [c for c in review(client, listing).context["registry"] if c.npi == CLINIC_NPI]
    assert check.record["name"] == "Verified Clinic Llc"
    assert check.record["taxonomy"] == "Clinic/Center, Mental Health"
    assert check.name_matches and check.type_matches
    assert len(registry.requests) == 2  # cached: not asked again


def test_a_registry_record_that_does_not_match_says_so(
    client, listing, moderator, registry, settings, django_capture_on_commit_callbacks
):
    settings.NPI_REGISTRY_ONLINE = True
    registry.records[CLINIC_NPI] = {
        "enumeration_type": "NPI-1",
        "basic": {"first_name": "JANE", "last_name": "DOE"},
        "taxonomies": [{"code": "2084P0800X", "desc": "Psychiatry", "primary": True}],
    }
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        review(client, listing)
    page = review(client, listing)
    assert "Jane Doe, individual, Psychiatry" in page.text
    assert "name does not match" in page.text and "type does not match" in page.text


def test_a_registry_that_fails_is_reported_not_raised(
    client, listing, moderator, registry, settings, django_capture_on_commit_callbacks
):
    settings.NPI_REGISTRY_ONLINE = True
    registry.status = 500
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        assert review(client, listing).status_code == 200
    assert "The registry did not answer" in review(client, listing).text
