"""The people who keep listings: clinic staff (a membership of a clinic) and moderators.

Both are Django groups, created by migration 0004 with their permissions.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinics.models.clinic import Clinic

MODERATOR_GROUP = "Moderator"
CLINIC_STAFF_GROUP = "Clinic staff"


class StaffMembership(models.Model):
    """A person who keeps a clinic's listing, as its owner (main contact) or an editor.

    Both roles edit the listing alike; only owners invite editors and remove people
    (clinics.moderation.invitations). The first person approved for a clinic becomes its
    owner. Named apart from `Clinic.memberships`, which are professional bodies such as ASKP3.
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        EDITOR = "editor", _("Editor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_memberships"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff_memberships")
    role = models.CharField(max_length=10, choices=Role, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["clinic", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="staff_membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "editor"]), name="staff_membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) at {self.clinic}"


class StaffInvitation(models.Model):
    """An owner's invitation to a person, by email, to keep a clinic's listing as an editor.

    The email carries a signed link that expires (STAFF_INVITATION_VALID_DAYS); following it
    and accepting makes the person an editor of this clinic only, once. Its history (who
    invited, who accepted, who withdrew it) is what moderators see of it.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff_invitations")
    email = models.EmailField(help_text="Where the invitation was sent; who may accept it.")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["clinic", "-created_at"]
        constraints = [
            # One open invitation per person and clinic: inviting again sends it again.
            models.UniqueConstraint(
                fields=["clinic", "email"],
                condition=Q(accepted_at__isnull=True),
                name="staff_invitation_one_open",
            ),
        ]

    def __str__(self):
        return f"Invitation of {self.email} to {self.clinic}"

    @property
    def is_open(self):
        return self.accepted_at is None


class ModeratorPreference(models.Model):
    """How a moderator hears about new work (issue 15.5): each item, a daily digest, or not."""

    class Email(models.TextChoices):
        EACH = "each", _("An email for each new listing, change, report or request")
        DAILY = "daily", _("One email a day with what is waiting")
        NONE = "none", _("No emails; I check the queue myself")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_preference"
    )
    email = models.CharField(
        _("emails about new work"), max_length=10, choices=Email, default=Email.EACH
    )
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(email__in=["each", "daily", "none"]),
                name="moderator_preference_email_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_email_display()}"
