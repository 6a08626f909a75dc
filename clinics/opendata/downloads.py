"""Bulk downloads (issue 8): the whole published directory as one file per format.

`/downloads/<format>` serves a file built from the database and kept in DOWNLOADS_DIR (by
default a `downloads` folder beside the database file's project). Its name carries a version:
the latest `updated_at` of any clinic or location plus the row counts (so a listing that is
unpublished or deleted also changes it). A request finds the current version's file or builds
it, atomically (write to a temporary file, then rename); `manage.py build_downloads` builds
them all, for a schedule. Only published listings are written.
"""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max

from clinics.importing import export_clinics
from clinics.models import Clinic, Location
from clinics.opendata import fhir, hsds


@dataclass(frozen=True)
class Format:
    slug: str
    filename: str
    content_type: str
    description: str


FORMATS = {
    "csv": Format(
        "csv",
        "ketamine-directory.csv",
        "text/csv; charset=utf-8",
        "CSV, one row per location, in the directory's import format",
    ),
    "hsds": Format(
        "hsds",
        "ketamine-directory.hsds.json",
        "application/json",
        "Open Referral HSDS 3.0 JSON: organizations with locations and services",
    ),
    "fhir": Format(
        "fhir",
        "ketamine-directory.fhir.json",
        "application/fhir+json",
        "FHIR R4 Bundle (collection) of Organization, Location, HealthcareService and "
        "PractitionerRole resources",
    ),
}


def write_export(slug, output, *, base_url=""):
    """Write the published directory in one format to a text stream; returns the count."""
    if slug == "csv":
        return export_clinics(output, hsds.published_clinics())
    if slug == "hsds":
        return hsds.write_json(output, base_url=base_url)
    if slug == "fhir":
        return fhir.write_bundle(output, base_url=base_url)
    raise ValueError(f"Unknown format {slug!r}; use one of {', '.join(FORMATS)}.")


def directory():
    path = getattr(settings, "DOWNLOADS_DIR", None) or Path(settings.BASE_DIR) / "downloads"
    return Path(path)


def data_version():
    """Changes whenever a published listing changes, appears or disappears."""
    clinics = Clinic.objects.published().aggregate(latest=Max("updated_at"), count=Count("pk"))
    locations = Location.objects.published().aggregate(latest=Max("updated_at"), count=Count("pk"))
    key = f"{clinics['latest']}|{clinics['count']}|{locations['latest']}|{locations['count']}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def current_file(slug, *, base_url=""):
    """The file for the current data version, built now if it does not exist yet."""
    fmt = FORMATS[slug]
    version = data_version()
    folder = directory()
    target = folder / f"{version}-{fmt.filename}"
    if not target.exists():
        build(slug, target, base_url=base_url)
        remove_old(slug, keep=target)
    return target


def build(slug, target, *, base_url=""):
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".building-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as output:
            write_export(slug, output, base_url=base_url)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_old(slug, *, keep):
    for path in keep.parent.glob(f"*-{FORMATS[slug].filename}"):
        if path != keep:
            path.unlink(missing_ok=True)


def build_all(*, base_url=""):
    return [current_file(slug, base_url=base_url) for slug in FORMATS]
