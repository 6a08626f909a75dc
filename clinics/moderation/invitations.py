"""Who keeps a listing, decided by its owners (issue 17): invite editors by email, remove people.

- An owner invites an email address: a StaffInvitation, and an email with a signed link that
  expires after STAFF_INVITATION_VALID_DAYS (clinics.moderation.signed_links). Inviting an
  address again while the invitation is open sends it again; inviting a member says so.
- Accepting it, signed in with that address or by choosing a password for a new account,
  makes the person an editor of that clinic only, once; the owners are told.
- An owner removes a person (an editor, another owner, or themselves while another owner
  stays); the person and the owners are told. Owners also withdraw open invitations.

Editors do none of this. Every step is saved with who did it and why, so django-simple-
history records it (StaffInvitation, StaffMembership), and moderators read it on the
listing's history page (clinics.moderation.history.staff_access_history).
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinics.mail import absolute_url, send_email, written_in
from clinics.models import CLINIC_STAFF_GROUP, StaffInvitation, StaffMembership
from clinics.moderation.copying import noted
from clinics.moderation.errors import ModerationError
from clinics.moderation.onboarding import user_for_email
from clinics.moderation.signed_links import LinkRefused, days, sign, unsign

OWNER = StaffMembership.Role.OWNER
EDITOR = StaffMembership.Role.EDITOR
SALT = "clinics.staff-invitation"
INVITED, ACCEPTED, WITHDRAWN = "Invited as an editor", "Accepted the invitation", "Withdrawn"
REMOVED = "Removed by an owner"


class NotOwner(ModerationError):
    """Only the clinic's owners invite and remove people."""


def is_owner(user, clinic):
    return StaffMembership.objects.filter(user=user, clinic=clinic, role=OWNER).exists()


def _check_owner(user, clinic):
    if not (user.is_active and is_owner(user, clinic)):
        raise NotOwner(_("Only the owners of this listing invite and remove people."))


def owner_emails(clinic):
    return list(
        clinic.staff_memberships.filter(role=OWNER, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def valid_for():
    return days(settings.STAFF_INVITATION_VALID_DAYS)


def invitation_link(invitation):
    token = sign({"i": invitation.pk, "e": invitation.email}, salt=SALT)
    return absolute_url(reverse("manage:invitation", args=[token]))


def invitation_from_token(token):
    """The open StaffInvitation the token names, or LinkRefused saying why not."""
    payload = unsign(
        token,
        salt=SALT,
        max_age=valid_for(),
        expired_message=_(
            "This invitation has expired: invitations work for %(days)d days. Ask the "
            "clinic's owner to invite you again."
        )
        % {"days": settings.STAFF_INVITATION_VALID_DAYS},
    )
    invitation = (
        StaffInvitation.objects.select_related("clinic")
        .filter(pk=payload.get("i"), email=payload.get("e"))
        .first()
        if isinstance(payload.get("i"), int)
        else None
    )
    if invitation is None:
        raise LinkRefused(
            _("This invitation was withdrawn. Ask the clinic's owner to invite you again."),
            status=410,
        )
    if not invitation.is_open:
        raise LinkRefused(
            _("This invitation has already been accepted. Sign in to keep the listing."),
            status=410,
        )
    return invitation


@transaction.atomic
def staff_invite(*, clinic, email, by):
    """Invite `email` to keep `clinic` as an editor; returns (invitation, sent_again)."""
    _check_owner(by, clinic)
    email = email.strip().lower()
    if clinic.staff_memberships.filter(user__email__iexact=email).exists():
        raise ModerationError(
            _("%(email)s can already edit this listing: there is nobody to invite.")
            % {"email": email}
        )
    invitation = (
        StaffInvitation.objects.select_for_update()
        .filter(clinic=clinic, email=email, accepted_at__isnull=True)
        .first()
    )
    sent_again = invitation is not None
    if invitation is None:
        invitation = StaffInvitation(clinic=clinic, email=email, invited_by=by)
        noted(invitation, by, INVITED).save()
    inviter = by.get_full_name() or by.email or by.get_username()
    until = timezone.localdate() + valid_for()
    with written_in():
        send_email(
            to=[email],
            subject=_("%(who)s invites you to keep the listing of %(clinic)s")
            % {"who": inviter, "clinic": clinic.name},
            body=_(
                "%(who)s, an owner of the listing of %(clinic)s in the Ketamine Provider "
                "Directory, invites you to keep it with them as an editor: to correct its facts, "
                "prices, insurance and hours, which a moderator checks before patients see them.\n\n"
                "To accept, follow this link by %(until)s:\n%(link)s\n\n"
                "If you have no account yet, you choose a password there. If you did not expect "
                "this email, ignore it: nothing happens unless the link is followed."
            )
            % {
                "who": inviter,
                "clinic": clinic.name,
                "until": f"{until:%B} {until.day}, {until.year}",
                "link": invitation_link(invitation),
            },
        )
    return invitation, sent_again


def check_invitee(invitation, user):
    if (user.email or "").strip().lower() != invitation.email:
        raise ModerationError(
            _(
                "This invitation was sent to %(invited)s, and you are signed in as %(you)s. "
                "Sign out, then follow the link again and sign in as %(invited)s."
            )
            % {"invited": invitation.email, "you": user.email or user.get_username()}
        )


@transaction.atomic
def staff_invitation_accept(*, invitation, user):
    """Make `user` (the invitee) an editor of the invitation's clinic; returns the membership."""
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ModerationError(_("This invitation has already been accepted."))
    check_invitee(invitation, user)
    clinic = invitation.clinic
    membership = StaffMembership.objects.filter(user=user, clinic=clinic).first()
    if membership is None:
        membership = StaffMembership(user=user, clinic=clinic, role=EDITOR)
        noted(membership, user, ACCEPTED).save()
    user.groups.add(Group.objects.get(name=CLINIC_STAFF_GROUP))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    noted(invitation, user, ACCEPTED).save()
    with written_in():
        send_email(
            to=owner_emails(clinic),
            subject=_("%(email)s now keeps the listing of %(clinic)s")
            % {"email": invitation.email, "clinic": clinic.name},
            body=_(
                "%(email)s accepted your invitation and can now edit the listing of %(clinic)s "
                "as an editor. Who can edit it: %(link)s"
            )
            % {"email": invitation.email, "clinic": clinic.name, "link": people_url(clinic)},
        )
    return membership


@transaction.atomic
def staff_invitation_accept_new(*, invitation, password):
    """Accept for a person without a password yet: their account gets `password` (checked by
    the form); returns the membership. Anyone with a password signs in first instead."""
    user = user_for_email(invitation.email)
    if user.has_usable_password():
        raise ModerationError(
            _("An account with this email address exists: sign in to accept the invitation.")
        )
    user.set_password(password)
    user.save(update_fields=["password"])
    return staff_invitation_accept(invitation=invitation, user=user)


@transaction.atomic
def staff_invitation_withdraw(*, invitation, by):
    _check_owner(by, invitation.clinic)
    invitation = StaffInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if invitation is None or not invitation.is_open:
        raise ModerationError(_("This invitation is no longer open."))
    noted(invitation, by, WITHDRAWN).delete()


@transaction.atomic
def staff_remove(*, membership, by):
    """Take `membership`'s person off the listing; the last owner cannot be removed."""
    clinic = membership.clinic
    members = list(StaffMembership.objects.select_for_update().filter(clinic=clinic))
    _check_owner(by, clinic)
    membership = next((m for m in members if m.pk == membership.pk), None)
    if membership is None:
        raise ModerationError(_("This person no longer keeps the listing."))
    owners = [m for m in members if m.role == OWNER]
    if membership.role == OWNER and len(owners) == 1:
        raise ModerationError(
            _(
                "You are the only owner of this listing, so you cannot remove yourself: a "
                "listing needs an owner. Ask the moderators to make another person owner first."
            )
        )
    person = membership.user
    noted(membership, by, REMOVED).delete()
    remover = by.email or by.get_username()
    with written_in():
        send_email(
            to=[person.email],
            subject=_("You no longer keep the listing of %(clinic)s") % {"clinic": clinic.name},
            body=_(
                "%(who)s, an owner, removed you from the people who keep the listing of "
                "%(clinic)s, so you can no longer edit it. If this is a mistake, write to them."
            )
            % {"who": remover, "clinic": clinic.name},
        )
    with written_in():
        send_email(
            to=[email for email in owner_emails(clinic) if email.lower() != person.email.lower()],
            subject=_("%(email)s no longer keeps the listing of %(clinic)s")
            % {"email": person.email or person.get_username(), "clinic": clinic.name},
            body=_(
                "%(who)s removed %(email)s from the listing of %(clinic)s. Who can edit it: %(link)s"
            )
            % {
                "who": remover,
                "email": person.email or person.get_username(),
                "clinic": clinic.name,
                "link": people_url(clinic),
            },
        )


def people_url(clinic):
    return absolute_url(reverse("manage:people", args=[clinic.slug]))
