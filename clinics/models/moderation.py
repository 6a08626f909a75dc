"""What the public sends the moderators: reports of wrong listings and requests to manage one."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clinics.models.clinic import Clinic
from clinics.validators import validate_npi, validate_single_line


class ModerationClaim(models.Model):
    """Shared moderation state: which moderator is working on an item, so two do not."""

    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The moderator working on this now."),
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The language of the page it was sent from: the sender's replies are written in it
    # (issue 20).
    language = models.CharField(
        _("language"), max_length=8, default=settings.LANGUAGE_CODE, editable=False
    )

    class Meta:
        abstract = True


class Report(ModerationClaim):
    """A visitor's report that something on a listing is wrong; waits for a moderator."""

    class Problem(models.TextChoices):
        PHONE = "phone", _("Phone number")
        ADDRESS = "address", _("Address")
        PRICES = "prices", _("Prices")
        INSURANCE = "insurance", _("Insurance")
        CLOSED = "closed", _("The clinic has closed")
        OTHER = "other", _("Something else")

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="reports")
    problem = models.CharField(_("what is wrong"), max_length=20, choices=Problem)
    details = models.TextField(max_length=2000)
    email = models.EmailField(
        blank=True, help_text=_("Given by the reporter if they want a reply.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution_note = models.TextField(blank=True, help_text=_("What the moderator did about it."))

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self):
        return f"{self.get_problem_display()} on {self.clinic}"

    @property
    def is_open(self):
        return self.resolved_at is None


class ClaimRequest(ModerationClaim):
    """A clinic representative asking to manage an existing listing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="claim_requests")
    name = models.CharField(max_length=150, validators=[validate_single_line])
    role = models.CharField(
        _("role at the clinic"), max_length=120, validators=[validate_single_line]
    )
    work_email = models.EmailField()
    npi = models.CharField(
        _("NPI"),
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text=_("The clinic's organisation NPI, or your own."),
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="claim_request_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name} for {self.clinic}"

    @property
    def email_domain(self):
        return self.work_email.rsplit("@", 1)[-1].lower()

    @property
    def email_matches_website(self):
        """Evidence for the moderator: the work email is on the clinic website's domain."""
        host = (urlsplit(self.clinic.website).hostname or "").lower().removeprefix("www.")
        domain = self.email_domain.removeprefix("www.")
        return bool(host) and (domain == host or domain.endswith("." + host))

    @property
    def npi_matches(self):
        """Evidence for the moderator: the NPI given is the clinic's or one of its clinicians'."""
        if not self.npi:
            return False
        return self.npi == self.clinic.npi or self.clinic.clinicians.filter(npi=self.npi).exists()


class DuplicateDismissal(models.Model):
    """Two clinics a moderator checked and found to be different (issue 15.3).

    The possible-duplicates list leaves the pair out from then on. `first` is the clinic with
    the smaller id, so a pair is stored once.
    """

    first = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dismissed_at = models.DateTimeField()
    note = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Why they are different."),
    )

    class Meta:
        ordering = ["-dismissed_at"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_dismissal_unique"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="duplicate_dismissal_ordered"
            ),
        ]

    def __str__(self):
        return f"#{self.first_id} and #{self.second_id} are not duplicates"
