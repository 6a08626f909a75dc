"""Owners invite editors by email and remove people at /manage/ (issue 17).

Can/cannot pairs for each rule, the attacker's moves (an editor's forged POST, another
clinic's listing or membership, a reused, expired or changed invitation link), the emails,
and the history moderators read.
"""

import re

import pytest
from django.core import mail, signing
from django.test import override_settings
from django.urls import reverse

from clinics.models import StaffInvitation, StaffMembership
from tests.builders import UserFactory, make_listing, make_moderator, make_staff

pytestmark = pytest.mark.django_db

OWNER, EDITOR = StaffMembership.Role.OWNER, StaffMembership.Role.EDITOR
LINK = re.compile(r"http://testserver(/manage/invitations/[^/\s]+/)")


@pytest.fixture
def listing():
    return make_listing(name="Cascade Ketamine", slug="cascade")


@pytest.fixture
def owner(listing):
    return make_staff(listing, role=OWNER, email="owner@cascade.example")


@pytest.fixture
def other():
    """Clinic B, with an owner and an editor of its own."""
    clinic = make_listing(name="Other Clinic", slug="other")
    make_staff(clinic, role=OWNER, email="owner@other.example")
    make_staff(clinic, role=EDITOR, email="editor@other.example")
    return clinic


@pytest.fixture
def signed_in_owner(client, owner):
    client.force_login(owner)
    return owner


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"


def people_url(clinic):
    return reverse("manage:people", args=[clinic.slug])


def invite(client, clinic, email, capture):
    with capture(execute=True):
        return client.post(people_url(clinic), {"email": email})


def link_in(message):
    return LINK.search(message.body).group(1)


def test_an_owner_invites_an_editor_who_sets_a_password_and_edits_only_that_clinic(
    client, signed_in_owner, listing, other, django_capture_on_commit_callbacks
):
    response = invite(
        client, listing, "New.Editor@Cascade.example", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    invitation = StaffInvitation.objects.get(clinic=listing)
    assert invitation.email == "new.editor@cascade.example" and invitation.is_open
    [message] = mail.outbox
    assert message.to == ["new.editor@cascade.example"]
    assert "Cascade Ketamine" in message.subject
    page = client.get(people_url(listing)).text
    assert "new.editor@cascade.example" in page and "Invitations not accepted yet" in page

    client.logout()
    path = link_in(message)
    page = client.get(path)
    assert page.status_code == 200 and "Choose a password" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            path, {"new_password1": "ketamine-door-42", "new_password2": "ketamine-door-42"}
        )
    assert response.status_code == 302 and response.url == reverse(
        "manage:clinic", args=["cascade"]
    )
    membership = StaffMembership.objects.get(user__email="new.editor@cascade.example")
    assert (membership.clinic, membership.role) == (listing, EDITOR)
    invitation.refresh_from_db()
    assert invitation.accepted_by == membership.user and not invitation.is_open
    # Signed in now, an editor of this clinic only; the owners were told.
    assert client.get(reverse("manage:clinic", args=["cascade"])).status_code == 200
    assert client.get(reverse("manage:clinic", args=["other"])).status_code == 404
    assert mail.outbox[-1].to == ["owner@cascade.example"]
    assert "new.editor@cascade.example" in mail.outbox[-1].subject
    # The password works for signing in.
    client.logout()
    assert client.login(username=membership.user.username, password="ketamine-door-42")


def test_a_signed_in_person_accepts_with_one_button(
    client, signed_in_owner, listing, django_capture_on_commit_callbacks
):
    person = UserFactory(email="dr.lee@example.org")
    person.set_password("pw-of-dr-lee-9")
    person.save()
    invite(client, listing, "dr.lee@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])

    client.logout()
    page = client.get(path)  # an account exists: sign in first, then back here
    assert "Sign in to accept" in page.text
    assert f"?next={path}" in page.text
    assert not StaffMembership.objects.filter(user=person).exists()

    client.force_login(person)
    page = client.get(path)
    assert page.status_code == 200 and "Accept the invitation" in page.text
    assert not StaffMembership.objects.filter(user=person).exists()  # opening is not accepting
    client.post(path)
    assert StaffMembership.objects.get(user=person).role == EDITOR


def test_signed_in_as_somebody_else_the_invitation_is_refused(
    client, signed_in_owner, listing, django_capture_on_commit_callbacks
):
    invite(client, listing, "invited@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    intruder = UserFactory(email="intruder@example.org")
    client.force_login(intruder)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 403
        assert "This invitation was sent to invited@example.org" in response.text
    assert not StaffMembership.objects.filter(user=intruder).exists()


def test_a_reused_invitation_link_is_refused_in_words(
    client, signed_in_owner, listing, django_capture_on_commit_callbacks
):
    invite(client, listing, "once@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    client.logout()
    data = {"new_password1": "ketamine-door-42", "new_password2": "ketamine-door-42"}
    client.post(path, data)
    client.logout()
    for response in (client.get(path), client.post(path, data)):
        assert response.status_code == 410
        assert "already been accepted" in response.text
    assert StaffMembership.objects.filter(user__email="once@example.org").count() == 1


def test_an_expired_or_changed_invitation_link_is_refused(
    client, signed_in_owner, listing, django_capture_on_commit_callbacks
):
    invite(client, listing, "late@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    client.logout()
    with override_settings(STAFF_INVITATION_VALID_DAYS=0):
        response = client.get(path)
    assert response.status_code == 410 and "This invitation has expired" in response.text

    token = path.split("/")[-2]
    for forged in (
        token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        "nonsense",
        token[:10],
    ):
        response = client.get(reverse("manage:invitation", args=[forged]))
        assert response.status_code == 400
        assert "This link is not valid" in response.text
    # Signed by someone else with the right shape: still refused.
    payload = {"i": StaffInvitation.objects.get().pk, "e": "late@example.org"}
    foreign = signing.dumps(payload, key="not-our-secret", salt="clinics.staff-invitation")
    assert client.get(reverse("manage:invitation", args=[foreign])).status_code == 400
    assert not StaffMembership.objects.filter(user__email="late@example.org").exists()


def test_a_withdrawn_invitation_no_longer_works(
    client, signed_in_owner, listing, django_capture_on_commit_callbacks
):
    invite(client, listing, "maybe@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    invitation = StaffInvitation.objects.get()
    client.post(reverse("manage:withdraw_invitation", args=[listing.slug, invitation.pk]))
    assert not StaffInvitation.objects.exists()
    client.logout()
    response = client.get(path)
    assert response.status_code == 410 and "withdrawn" in response.text


def test_inviting_a_member_says_so_and_inviting_again_resends(
    client, signed_in_owner, listing, django_capture_on_commit_callbacks
):
    make_staff(listing, email="already@cascade.example")
    response = invite(
        client, listing, "Already@cascade.example", django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert "already@cascade.example can already edit this listing" in response.text
    assert not StaffInvitation.objects.exists() and not mail.outbox

    invite(client, listing, "twice@example.org", django_capture_on_commit_callbacks)
    response = invite(client, listing, "twice@example.org", django_capture_on_commit_callbacks)
    assert StaffInvitation.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["twice@example.org"], ["twice@example.org"]]
    assert "was already invited; we sent the invitation again" in client.get(response.url).text


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b@c.example", "x" * 300 + "@a.example"])
def test_a_bad_address_is_refused_next_to_the_field(client, signed_in_owner, listing, email):
    response = client.post(people_url(listing), {"email": email})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.text
    assert not StaffInvitation.objects.exists()


def test_editors_see_the_people_but_cannot_invite_or_remove(
    client, listing, owner, django_capture_on_commit_callbacks
):
    editor = make_staff(listing, role=EDITOR, email="editor@cascade.example")
    client.force_login(editor)
    page = client.get(people_url(listing))
    assert page.status_code == 200
    assert "owner@cascade.example" in page.text and "Invite an editor" not in page.text

    response = invite(client, listing, "friend@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert not StaffInvitation.objects.exists() and not mail.outbox

    owners = StaffMembership.objects.get(user=owner)
    remove = reverse("manage:remove_person", args=[listing.slug, owners.pk])
    assert client.get(remove).status_code == 403
    assert client.post(remove).status_code == 403
    assert StaffMembership.objects.filter(pk=owners.pk).exists()

    invitation = StaffInvitation.objects.create(clinic=listing, email="x@example.org")
    withdraw = reverse("manage:withdraw_invitation", args=[listing.slug, invitation.pk])
    assert client.post(withdraw).status_code == 403
    assert StaffInvitation.objects.filter(pk=invitation.pk).exists()


def test_an_owner_removes_an_editor_who_is_told(
    client, signed_in_owner, listing, django_capture_on_commit_callbacks
):
    editor = make_staff(listing, role=EDITOR, email="leaving@cascade.example")
    membership = StaffMembership.objects.get(user=editor)
    remove = reverse("manage:remove_person", args=[listing.slug, membership.pk])
    page = client.get(remove)
    assert page.status_code == 200 and "Remove leaving@cascade.example" in page.text
    assert StaffMembership.objects.filter(pk=membership.pk).exists()  # GET asks only
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove)
    assert response.status_code == 302
    assert not StaffMembership.objects.filter(pk=membership.pk).exists()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "leaving@cascade.example",
        "owner@cascade.example",
    ]
    client.force_login(editor)
    assert client.get(reverse("manage:clinic", args=[listing.slug])).status_code == 404


def test_the_last_owner_cannot_leave_but_one_of_two_can(client, signed_in_owner, listing):
    mine = StaffMembership.objects.get(user=signed_in_owner)
    leave = reverse("manage:remove_person", args=[listing.slug, mine.pk])
    response = client.post(leave)
    assert response.status_code == 400
    assert "only owner of this listing" in response.text
    assert StaffMembership.objects.filter(pk=mine.pk).exists()

    make_staff(listing, role=OWNER, email="second@cascade.example")
    response = client.post(leave)
    assert response.status_code == 302 and response.url == reverse("manage:home")
    assert not StaffMembership.objects.filter(pk=mine.pk).exists()


def test_staff_of_clinic_a_get_404_for_everything_of_clinic_b(
    client, signed_in_owner, listing, other, django_capture_on_commit_callbacks
):
    theirs = StaffMembership.objects.get(clinic=other, role=EDITOR)
    invitation = StaffInvitation.objects.create(clinic=other, email="b@example.org")
    assert client.get(people_url(other)).status_code == 404
    assert (
        invite(client, other, "spy@example.org", django_capture_on_commit_callbacks).status_code
        == 404
    )
    for url in (
        reverse("manage:remove_person", args=[other.slug, theirs.pk]),
        # B's membership or invitation under A's own listing: forged ids are 404 too.
        reverse("manage:remove_person", args=[listing.slug, theirs.pk]),
        reverse("manage:remove_person", args=[listing.slug, 999999]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    for slug in (other.slug, listing.slug):
        url = reverse("manage:withdraw_invitation", args=[slug, invitation.pk])
        assert client.post(url).status_code == 404
    assert StaffMembership.objects.filter(pk=theirs.pk).exists()
    assert StaffInvitation.objects.filter(pk=invitation.pk).exists()
    assert StaffInvitation.objects.filter(clinic=other).count() == 1 and not mail.outbox


def test_anonymous_visitors_are_sent_to_sign_in(client, listing, owner):
    response = client.get(people_url(listing))
    assert response.status_code == 302 and response.url.startswith(reverse("manage:login"))
    assert client.post(people_url(listing), {"email": "a@example.org"}).status_code == 302
    assert not StaffInvitation.objects.exists()


def test_moderators_see_invitations_acceptances_and_removals_in_the_history(
    client, signed_in_owner, listing, django_capture_on_commit_callbacks
):
    invite(client, listing, "joiner@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    client.logout()
    client.post(path, {"new_password1": "ketamine-door-42", "new_password2": "ketamine-door-42"})
    joined = StaffMembership.objects.get(user__email="joiner@example.org")
    client.force_login(signed_in_owner)
    client.post(reverse("manage:remove_person", args=[listing.slug, joined.pk]))

    client.force_login(make_moderator())
    page = client.get(reverse("moderation:history", args=[listing.pk])).text
    section = page.split("Who can edit the listing")[1]
    assert "Invitation sent to joiner@example.org" in section
    assert "joiner@example.org accepted the invitation" in section
    assert "joiner@example.org can edit the listing, as editor" in section
    assert "joiner@example.org removed (was editor)" in section
    removal = next(row for row in section.split("<tr>") if "removed (was editor)" in row)
    assert "Removed by an owner" in removal and signed_in_owner.username in removal
    assert section.index("removed (was editor)") < section.index(
        "Invitation sent to"
    )  # newest first


def test_the_people_page_runs_a_constant_number_of_queries(
    client, signed_in_owner, listing, django_assert_max_num_queries
):
    def count():
        with django_assert_max_num_queries(9) as context:
            assert client.get(people_url(listing)).status_code == 200
        return len(context.captured_queries)

    few = count()
    for number in range(5):
        make_staff(listing, email=f"editor{number}@cascade.example")
        StaffInvitation.objects.create(clinic=listing, email=f"invited{number}@example.org")
    assert count() == few
