"""The NPI registry (NPPES) beside a listing, for the moderator (issue 15.10).

Every NPI links to its public registry record. With NPI_REGISTRY_ONLINE (off by default),
the review page also shows what the registry says: the name, whether the NPI is an
individual's or an organisation's, and its primary taxonomy, and whether they match the
listing. The registry is read by a task after the page is served, never inside the request;
its answer is cached for a day, and the page shows it once it has come.
"""

import json
import logging
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext_lazy, gettext_noop

from clinics.models import Clinician
from clinics.sites import names_are_similar

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 3600
ERROR_CACHE_SECONDS = 600
TIMEOUT_SECONDS = 5
ORGANISATION, INDIVIDUAL = "organisation", "individual"
TYPES = {"NPI-1": INDIVIDUAL, "NPI-2": ORGANISATION}
TYPE_LABELS = {
    INDIVIDUAL: gettext_lazy("individual"),
    ORGANISATION: gettext_lazy("organisation"),
    "unknown": gettext_lazy("unknown"),
}
# Cached in English by the task; the review page shows them in the reader's language.
NO_RECORD = gettext_noop("The registry has no record of this NPI.")
NO_ANSWER = gettext_noop("The registry did not answer; try again later.")


def _cache_key(npi):
    return f"npi-registry:{npi}"


def parse_record(npi, payload):
    """{name, type, taxonomy} of the registry's answer, or {error} when it has no record."""
    results = payload.get("results") or []
    if not results:
        return {"npi": npi, "error": NO_RECORD}
    result = results[0]
    basic = result.get("basic") or {}
    name = basic.get("organization_name") or " ".join(
        part for part in (basic.get("first_name"), basic.get("last_name")) if part
    )
    taxonomies = result.get("taxonomies") or []
    primary = next((t for t in taxonomies if t.get("primary")), taxonomies[0] if taxonomies else {})
    return {
        "npi": npi,
        "name": name.title(),
        "type": TYPES.get(result.get("enumeration_type"), "unknown"),
        "taxonomy": primary.get("desc", ""),
        "taxonomy_code": primary.get("code", ""),
    }


@task
def fetch_npi_record(npi):
    """Ask the registry about one NPI and cache the answer (or the failure, briefly)."""
    query = urllib.parse.urlencode({"version": "2.1", "number": npi})
    url = f"{settings.NPI_REGISTRY_URL}?{query}"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            record = parse_record(npi, json.loads(response.read().decode()))
        cache.set(_cache_key(npi), record, CACHE_SECONDS)
    except (OSError, ValueError) as error:
        logger.warning("NPI registry lookup of %s failed: %s", npi, error)
        record = {"npi": npi, "error": NO_ANSWER}
        cache.set(_cache_key(npi), record, ERROR_CACHE_SECONDS)
    return record


def registry_record(npi):
    """The cached registry answer for `npi`; without one, a lookup is queued (when online)."""
    record = cache.get(_cache_key(npi))
    if record is None and settings.NPI_REGISTRY_ONLINE:
        transaction.on_commit(lambda: fetch_npi_record.enqueue(npi), robust=True)
    return record


@dataclass
class RegistryCheck:
    """One NPI of a listing beside what the registry says about it."""

    npi: str
    holder: str  # the clinic or clinician it is listed for
    expected_type: str
    record: dict | None

    @property
    def name_matches(self):
        return bool(self.record and names_are_similar(self.record.get("name"), self.holder))

    @property
    def expected_label(self):
        return TYPE_LABELS.get(self.expected_type, self.expected_type)

    @property
    def record_type_label(self):
        kind = (self.record or {}).get("type", "")
        return TYPE_LABELS.get(kind, kind)

    @property
    def type_matches(self):
        return bool(self.record and self.record.get("type") == self.expected_type)


def registry_checks(clinic):
    """The listing's NPIs (the clinic's, its clinicians'), each with the registry's answer
    when NPI_REGISTRY_ONLINE is on (None while the lookup runs, or when offline)."""
    wanted = []
    if clinic.npi:
        wanted.append((clinic.npi, clinic.name, ORGANISATION))
    for clinician in Clinician.objects.filter(clinic=clinic).exclude(npi=""):
        wanted.append((clinician.npi, clinician.name, INDIVIDUAL))
    online = settings.NPI_REGISTRY_ONLINE
    return [
        RegistryCheck(npi, holder, kind, registry_record(npi) if online else None)
        for npi, holder, kind in wanted
    ]
