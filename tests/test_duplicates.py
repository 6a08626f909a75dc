"""Possible duplicates and merging two clinics (issue 5)."""

import pytest
from django.urls import reverse

from clinics.importing import import_clinics
from clinics.models import (
    ClaimRequest,
    Clinic,
    Clinician,
    Location,
    Offering,
    ProfessionalBody,
    Report,
    StaffMembership,
)
from clinics.moderation.duplicates import (
    find_duplicates,
    names_are_similar,
    normalise_address,
    normalise_name,
)
from clinics.moderation.merge import MergeError, clinic_merge
from tests.builders import (
    ClinicFactory,
    ClinicianFactory,
    LocationFactory,
    OfferingFactory,
    UserFactory,
    condition,
)

pytestmark = pytest.mark.django_db

# Downtown Portland; 0.0009 degrees of latitude is about 100 m.
LAT, LNG = 45.5207, -122.6880


def pairs():
    return {(pair.first.name, pair.second.name): pair.reasons for pair in find_duplicates()}


# Detection -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "similar"),
    [
        ("Harbor Ketamine Clinic", "Harbor Ketamine Clinic, LLC", True),
        ("The Harbor Ketamine Clinic", "harbor ketamine clinic", True),
        ("Harbor Ketamine", "Harbor Ketamine Clinic of Portland", True),
        ("Harbor Ketamine Clinic", "Harbour Ketamine Clinic", True),
        ("Harbor Ketamine Clinic", "Summit Psychiatry", False),
        ("Ketamine Clinic", "Wellness Center", False),
        ("", "Anything", False),
    ],
)
def test_names_are_similar(first, second, similar):
    assert names_are_similar(first, second) is similar


def test_normalisation():
    assert normalise_name("The Harbor & Bay Ketamine Clinic, P.L.L.C.") == (
        "harbor bay ketamine clinic p l l c"
    )
    assert normalise_name("Harbor Ketamine, PLLC") == "harbor ketamine"
    assert normalise_address("100 Sample Avenue, Suite #2") == "100 sample ave ste 2"


def test_clinics_sharing_an_npi_are_flagged():
    ClinicFactory(name="Alpha", npi="1234567893")
    ClinicFactory(name="Beta", npi="1234567893")
    ClinicFactory(name="Gamma", npi="")
    ClinicFactory(name="Delta", npi="")

    assert pairs() == {("Alpha", "Beta"): ["same NPI 1234567893"]}


def test_same_normalised_name_and_address_is_flagged():
    first = ClinicFactory(name="Harbor Ketamine, LLC")
    second = ClinicFactory(name="The Harbor Ketamine")
    LocationFactory(clinic=first, address_line1="100 Sample Avenue", latitude=None, longitude=None)
    LocationFactory(
        clinic=second,
        address_line1="100 sample ave.",
        postal_code="97205-1234",
        latitude=None,
        longitude=None,
    )
    # Same address, different clinic: a shared building is not a duplicate.
    other = ClinicFactory(name="Summit Psychiatry")
    LocationFactory(clinic=other, address_line1="100 Sample Avenue", latitude=None, longitude=None)

    found = pairs()

    assert found[("Harbor Ketamine, LLC", "The Harbor Ketamine")][0] == (
        "same name and address (100 sample ave, 97205)"
    )
    assert ("Harbor Ketamine, LLC", "Summit Psychiatry") not in found


def test_nearby_locations_with_similar_names_are_flagged():
    first = ClinicFactory(name="Harbor Ketamine Clinic")
    second = ClinicFactory(name="Harbour Ketamine Clinic")
    third = ClinicFactory(name="Summit Psychiatry")
    far = ClinicFactory(name="Harbor Ketamine Center")
    LocationFactory(clinic=first, latitude=LAT, longitude=LNG)
    LocationFactory(clinic=second, latitude=LAT + 0.0005, longitude=LNG + 0.0005)
    LocationFactory(clinic=third, latitude=LAT, longitude=LNG)
    LocationFactory(clinic=far, latitude=LAT + 0.0025, longitude=LNG)  # about 280 m

    found = pairs()

    assert list(found) == [("Harbor Ketamine Clinic", "Harbour Ketamine Clinic")]
    assert found[("Harbor Ketamine Clinic", "Harbour Ketamine Clinic")] == [
        "68 m apart with similar names"
    ]


def test_neighbouring_grid_cells_are_searched():
    # Either side of a cell boundary (0.002 degrees of latitude) and still 45 m apart.
    first = ClinicFactory(name="Harbor Ketamine Clinic")
    second = ClinicFactory(name="Harbor Ketamine Clinic PC")
    LocationFactory(clinic=first, latitude=45.51998, longitude=LNG)
    LocationFactory(clinic=second, latitude=45.52038, longitude=LNG)

    assert len(find_duplicates()) == 1


def test_archived_clinics_are_not_flagged():
    ClinicFactory(name="Alpha", npi="1234567893")
    ClinicFactory(name="Beta", npi="1234567893", status=Clinic.Status.ARCHIVED)

    assert find_duplicates() == []


def test_pairs_with_more_reasons_come_first():
    a = ClinicFactory(name="Harbor Ketamine", npi="1234567893")
    b = ClinicFactory(name="Harbor Ketamine", npi="1234567893")
    ClinicFactory(name="Zeta", npi="1245319599")
    ClinicFactory(name="Eta", npi="1245319599")
    LocationFactory(clinic=a, address_line1="1 Main St", latitude=LAT, longitude=LNG)
    LocationFactory(clinic=b, address_line1="1 Main Street", latitude=LAT, longitude=LNG)

    found = find_duplicates()

    assert [pair.first.name for pair in found] == ["Harbor Ketamine", "Zeta"]
    assert found[0].reasons == [
        "same NPI 1234567893",
        "same name and address (1 main st, 97205)",
        "0 m apart with similar names",
    ]


# Merge -----------------------------------------------------------------------------------------


def make_pair():
    body = ProfessionalBody.objects.first()
    kept = ClinicFactory(name="Harbor Ketamine Clinic", website="", npi="")
    merged = ClinicFactory(
        name="Harbour Ketamine",
        npi="1234567893",
        email="hello@harbour.example",
        import_source="partner",
        import_ref="c-9",
    )
    merged.memberships.add(body)
    kept_location = LocationFactory(clinic=kept, import_ref="l-1")
    # The merged clinic's sites are elsewhere (same sites fold into one: test_merge_folding.py).
    elsewhere = {"city": "Salem", "postal_code": "97301", "latitude": 44.94, "longitude": -123.03}
    location = LocationFactory(
        clinic=merged, import_ref="l-1", address_line1="9 Other St", **elsewhere
    )
    other_location = LocationFactory(
        clinic=merged, import_ref="l-2", **{**elsewhere, "latitude": 44.95}
    )
    location.conditions.set([condition("ptsd")])
    OfferingFactory(location=location)
    ClinicianFactory(clinic=merged, name="Dr. Ada")
    owner = UserFactory(username="owner")
    both = UserFactory(username="both")
    StaffMembership.objects.create(user=owner, clinic=merged, role=StaffMembership.Role.OWNER)
    StaffMembership.objects.create(user=both, clinic=merged)
    StaffMembership.objects.create(user=both, clinic=kept)
    Report.objects.create(clinic=merged, problem=Report.Problem.PHONE, details="Wrong number")
    ClaimRequest.objects.create(
        clinic=merged, name="Ada", role="Director", work_email="ada@harbour.example"
    )
    return kept, merged, kept_location, location, other_location


def test_merge_moves_everything_and_archives_the_merged_clinic(django_user_model):
    kept, merged, kept_location, location, other_location = make_pair()
    moderator = django_user_model.objects.create(username="mod")

    result = clinic_merge(source=merged, target=kept, user=moderator)

    kept.refresh_from_db()
    merged.refresh_from_db()
    assert merged.status == Clinic.Status.ARCHIVED
    assert set(kept.locations.all()) == {kept_location, location, other_location}
    assert Offering.objects.get().location.clinic == kept
    assert [c.name for c in kept.clinicians.all()] == ["Dr. Ada"]
    assert {m.user.username for m in kept.staff_memberships.all()} == {"owner", "both"}
    assert StaffMembership.objects.count() == 2  # the shared member is not doubled
    assert kept.reports.get().details == "Wrong number"
    assert kept.claim_requests.get().name == "Ada"
    assert list(kept.memberships.all()) == list(ProfessionalBody.objects.all()[:1])
    # Blank fields of the kept clinic are filled; the import identity follows the listing.
    assert (kept.npi, kept.email) == ("1234567893", "hello@harbour.example")
    assert kept.website.startswith("https://clinic")
    assert (kept.import_source, kept.import_ref) == ("partner", "c-9")
    assert (merged.import_source, merged.import_ref) == ("", "")
    # Two locations with the same source id cannot share a clinic: the moved one loses it.
    location.refresh_from_db()
    assert location.import_ref == ""
    other_location.refresh_from_db()
    assert other_location.import_ref == "l-2"
    # Nothing points at the merged clinic any more, whatever the relation.
    for relation in Clinic._meta.related_objects:
        if relation.related_model is Clinic:
            continue
        if relation.many_to_many:
            continue
        manager = relation.related_model._base_manager
        assert not manager.filter(**{relation.field.name: merged}).exists(), relation
    assert "Merged Harbour Ketamine into Harbor Ketamine Clinic: moved" in str(result)


def test_merge_is_recorded_in_history(django_user_model):
    kept, merged, _, location, _ = make_pair()
    moderator = django_user_model.objects.create(username="mod")

    clinic_merge(source=merged, target=kept, user=moderator)

    reason = (
        f"Merged clinic Harbour Ketamine (#{merged.pk}) into Harbor Ketamine Clinic (#{kept.pk})"
    )
    record = kept.history.first()
    assert record.history_change_reason == reason
    assert record.history_user == moderator
    archived = merged.history.first()
    assert archived.status == Clinic.Status.ARCHIVED
    assert archived.history_change_reason == f"Merged into Harbor Ketamine Clinic (#{kept.pk})"
    # The merged clinic's earlier history survives, and each moved row has a record.
    assert merged.history.count() >= 2
    moved = location.history.first()
    assert (moved.clinic_id, moved.history_change_reason) == (kept.pk, reason)
    assert [c.condition.slug for c in moved.conditions.all()] == ["ptsd"]
    assert location.history.last().clinic_id == merged.pk
    assert Clinician.history.filter(history_change_reason=reason, clinic_id=kept.pk).exists()
    assert StaffMembership.history.filter(
        history_type="-", history_change_reason=reason, clinic_id=merged.pk, user__username="both"
    ).exists()


def test_reimporting_the_merged_clinics_source_updates_the_kept_clinic(tmp_path):
    from tests.test_import import row, to_csv

    import_clinics(to_csv(row()), source_name="partner")
    kept = ClinicFactory(name="Harbor Ketamine Clinic")
    LocationFactory(clinic=kept)
    clinic_merge(source=Clinic.objects.get(import_ref="c-1"), target=kept)

    report = import_clinics(to_csv(row()), source_name="partner")

    # The kept clinic is matched (its clinic-level columns follow the source again).
    assert (report.clinics.created, report.clinics.updated) == (0, 1)
    # The same site was folded into the kept location, which answers to the source's id.
    assert report.locations.created == 0
    assert kept.locations.count() == 1
    assert Clinic.objects.exclude(status=Clinic.Status.ARCHIVED).count() == 1


def test_merge_refuses_what_it_cannot_do():
    clinic = ClinicFactory()
    archived = ClinicFactory(status=Clinic.Status.ARCHIVED)

    with pytest.raises(MergeError, match="two different clinics"):
        clinic_merge(source=clinic, target=clinic)
    with pytest.raises(MergeError, match="archived"):
        clinic_merge(source=clinic, target=archived)


@pytest.mark.skipif(
    not any(f.name == "draft_of" for f in Clinic._meta.get_fields()),
    reason="working copies come with the moderation issue",
)
def test_merge_refuses_a_clinic_with_changes_waiting_for_review():
    clinic = ClinicFactory()
    other = ClinicFactory()
    ClinicFactory(draft_of=clinic, status=Clinic.Status.PENDING)

    with pytest.raises(MergeError, match="changes waiting for review"):
        clinic_merge(source=clinic, target=other)
    assert Location.objects.count() == 0


# Admin -----------------------------------------------------------------------------------------


def test_admin_lists_possible_duplicates(admin_client):
    ClinicFactory(name="Alpha", npi="1234567893")
    ClinicFactory(name="Beta", npi="1234567893")

    response = admin_client.get(reverse("admin:clinics_clinic_duplicates"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Alpha" in text and "Beta" in text and "same NPI 1234567893" in text


def test_admin_merge_confirms_then_merges(admin_client, admin_user):
    kept = ClinicFactory(name="Kept")
    merged = ClinicFactory(name="Merged")
    LocationFactory(clinic=merged)
    url = reverse("admin:clinics_clinic_merge")

    page = admin_client.get(url, {"source": merged.pk, "target": kept.pk})
    assert page.status_code == 200
    assert "Merge Merged into Kept" in page.content.decode()
    assert Location.objects.get().clinic == merged

    response = admin_client.post(url, {"source": merged.pk, "target": kept.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:clinics_clinic_change", args=[kept.pk])
    assert Location.objects.get().clinic == kept
    assert kept.history.first().history_user == admin_user


def test_admin_merge_shows_why_it_cannot(admin_client):
    clinic = ClinicFactory()

    response = admin_client.post(
        reverse("admin:clinics_clinic_merge"),
        {"source": clinic.pk, "target": clinic.pk},
        follow=True,
    )

    assert "Choose two different clinics." in response.content.decode()


def test_admin_merge_action_needs_exactly_two(admin_client):
    first, second, third = ClinicFactory(), ClinicFactory(), ClinicFactory()
    changelist = reverse("admin:clinics_clinic_changelist")

    response = admin_client.post(
        changelist, {"action": "merge_two_selected", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('admin:clinics_clinic_merge')}?source={second.pk}&target={first.pk}"
    )

    response = admin_client.post(
        changelist,
        {"action": "merge_two_selected", "_selected_action": [first.pk, second.pk, third.pk]},
        follow=True,
    )
    assert "Select exactly two clinics to merge." in response.content.decode()
