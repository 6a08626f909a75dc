"""Every write path records history (issue 15.1), so revert never meets a row it knows nothing
about: the import, the admin (inlines and the bulk "delete selected" action), a working copy's
approval, a merge and a revert itself. The demo generator is covered by tests/test_demo.py.
"""

import csv
import io

import pytest
from django.urls import reverse

from clinics import moderation
from clinics.importing import header, import_clinics
from clinics.models import (
    Clinic,
    Clinician,
    Location,
    Offering,
    OpeningHours,
    PayerAcceptance,
)
from tests.builders import (
    ClinicianFactory,
    LocationFactory,
    OpeningHoursFactory,
    make_listing,
    make_moderator,
    make_staff,
)

pytestmark = pytest.mark.django_db


def rows_without_history(clinic):
    """(model, id) of every row of the listing that has no history record at all."""
    rows = {
        Clinic: [clinic.pk],
        Location: clinic.locations.values_list("pk", flat=True),
        Offering: Offering.objects.filter(location__clinic=clinic).values_list("pk", flat=True),
        PayerAcceptance: PayerAcceptance.objects.filter(location__clinic=clinic).values_list(
            "pk", flat=True
        ),
        OpeningHours: OpeningHours.objects.filter(location__clinic=clinic).values_list(
            "pk", flat=True
        ),
        Clinician: clinic.clinicians.values_list("pk", flat=True),
    }
    missing = []
    for model, ids in rows.items():
        ids = set(ids)
        known = set(model.history.filter(id__in=ids).values_list("id", flat=True))
        missing += [(model.__name__, pk) for pk in sorted(ids - known)]
    return missing


def test_import_records_history_for_every_row():
    values = {
        "clinic_id": "h-1",
        "clinic_name": "History Import Clinic",
        "location_id": "l-1",
        "address_line1": "100 Example Ave",
        "city": "Portland",
        "state": "OR",
        "postal_code": "97205",
        "phone": "(503) 555-0101",
        "routes": "iv",
        "price_iv": "450-650",
        "insurance": "aetna",
        "conditions": "treatment-resistant-depression",
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header(), extrasaction="ignore")
    writer.writeheader()
    writer.writerow(values)
    report = import_clinics(out.getvalue().encode(), source_name="history", publish=True)
    assert report.ok, report.errors
    clinic = Clinic.objects.get(name="History Import Clinic")
    assert clinic.locations.get().offerings.exists()
    assert rows_without_history(clinic) == []


def test_approval_and_revert_record_history_for_every_row():
    listing = make_listing(name="Approved Paths")
    staff = make_staff(listing)
    moderator = make_moderator()
    copy = moderation.clinic_start_edit(clinic=listing, user=staff)
    assert rows_without_history(copy) == []
    location = LocationFactory(clinic=copy, city="Salem", postal_code="97301")
    OpeningHoursFactory(location=location)
    ClinicianFactory(clinic=copy, name="Dr. Added")
    moderation.clinic_submit(clinic=copy, user=staff)
    published = moderation.clinic_approve(clinic=copy, reviewer=moderator)
    assert rows_without_history(published) == []

    start = moderation.listing_history(published)[-1]
    moderation.clinic_revert(clinic=published, as_of=start["as_of"], user=moderator)
    assert rows_without_history(published) == []


def test_merge_records_history_for_every_row():
    kept, merged = make_listing(name="Kept Clinic"), make_listing(name="Merged Clinic")
    moderation.clinic_merge(source=merged, target=kept, user=make_moderator())
    assert kept.locations.count() == 2
    assert rows_without_history(kept) == []
    moved = kept.locations.exclude(pk=kept.locations.order_by("pk").first().pk).get()
    assert moved.history.first().history_change_reason.startswith("Merged clinic")


def test_admin_bulk_delete_records_history(admin_client):
    listing = make_listing(name="Bulk Deleted")
    location = listing.locations.get()
    offering = location.offerings.get()
    response = admin_client.post(
        reverse("admin:clinics_clinic_changelist"),
        {"action": "delete_selected", "_selected_action": [listing.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Clinic.objects.filter(pk=listing.pk).exists()
    assert listing.history.first().history_type == "-"
    assert Location.history.filter(id=location.pk).first().history_type == "-"
    assert Offering.history.filter(id=offering.pk).first().history_type == "-"
