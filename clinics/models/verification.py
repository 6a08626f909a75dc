"""What was confirmed about a listing, when, how and by whom (issue 15.10; design decision 3).

A Verification is one fact of a listing (its phone, website, NPI, REMS certification,
prices, address or opening hours) confirmed on a date: by a moderator (with how: "called;
the clinic answered"), by the clinic (its staff changed or confirmed it and a moderator
approved), or by an import of a named source. Each expires after VERIFICATION_VALID_DAYS
(365 by default; VERIFICATION_VALID_DAYS_BY_FACT may shorten one fact, say prices), and the
badge patients see names only the facts whose confirmation is current.
`Clinic.verified_at` stays "the last date a moderator verified the listing".
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from clinics.models.clinic import Clinic
from clinics.validators import validate_single_line

SOURCE_MODERATOR = "moderator"
SOURCE_CLINIC = "clinic"
IMPORT_PREFIX = "import:"


class Verification(models.Model):
    """One fact of a listing confirmed on a date, how, and by whom."""

    class Fact(models.TextChoices):
        PHONE = "phone", _("phone")
        WEBSITE = "website", _("website")
        NPI = "npi", _("NPI")
        REMS = "rems", _("REMS certification")
        PRICES = "prices", _("prices")
        ADDRESS = "address", _("address")
        HOURS = "hours", _("opening hours")
        ACCEPTING = "accepting", _("accepting new patients")

    # What a moderator usually did to confirm each fact; the checklist starts from these.
    # Stored as written (English); read through the catalogue where shown (method_label).
    DEFAULT_METHODS = {
        Fact.PHONE: gettext_noop("called the number; the clinic answered"),
        Fact.WEBSITE: gettext_noop("website checked"),
        Fact.NPI: gettext_noop("looked up in the NPI registry (NPPES)"),
        Fact.REMS: gettext_noop("REMS certification confirmed"),
        Fact.PRICES: gettext_noop("prices confirmed with the clinic"),
        Fact.ADDRESS: gettext_noop("address checked"),
        Fact.HOURS: gettext_noop("opening hours confirmed"),
        Fact.ACCEPTING: gettext_noop("asked the clinic whether it takes new patients"),
    }

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="verifications")
    fact = models.CharField(max_length=20, choices=Fact)
    confirmed_on = models.DateField()
    method = models.CharField(
        _("how"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_('How it was confirmed: "website checked".'),
    )
    source = models.CharField(
        max_length=80,
        help_text=_('"moderator", "clinic", or "import:<source name>" for an import.'),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clinic", "fact", "-confirmed_on", "-id"]
        indexes = [models.Index(fields=["clinic", "fact", "confirmed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    fact__in=[
                        "phone",
                        "website",
                        "npi",
                        "rems",
                        "prices",
                        "address",
                        "hours",
                        "accepting",
                    ]  # fmt: skip
                ),
                name="verification_fact_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=[SOURCE_MODERATOR, SOURCE_CLINIC])
                | Q(source__startswith=IMPORT_PREFIX),
                name="verification_source_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_fact_display()} of {self.clinic} confirmed on {self.confirmed_on}"

    @property
    def method_label(self):
        """How it was confirmed, in the page's language when it is one of DEFAULT_METHODS."""
        return gettext(self.method) if self.method else self.method

    @property
    def source_label(self):
        """Who confirmed it, as patients read it."""
        if self.source == SOURCE_MODERATOR:
            return gettext("a moderator")
        if self.source == SOURCE_CLINIC:
            return gettext("the clinic")
        return gettext("the import of %(source)s") % {
            "source": self.source.removeprefix(IMPORT_PREFIX)
        }

    @property
    def valid_days(self):
        return valid_days(self.fact)

    @property
    def expires_on(self):
        return self.confirmed_on + datetime.timedelta(days=self.valid_days)

    def is_current(self, today=None):
        return (today or timezone.localdate()) < self.expires_on


def valid_days(fact):
    """How long a confirmation of `fact` holds (settings; 365 days unless told otherwise)."""
    by_fact = getattr(settings, "VERIFICATION_VALID_DAYS_BY_FACT", {}) or {}
    return int(by_fact.get(fact, getattr(settings, "VERIFICATION_VALID_DAYS", 365)))


@dataclass
class FactCheck:
    """The latest confirmation of one fact of a listing, and whether it is still current."""

    fact: str
    label: str
    verification: Verification
    current: bool


def latest_checks(clinic, today=None):
    """The latest confirmation of each fact ever confirmed, in the order of Verification.Fact.

    Reads `clinic.verifications.all()`, so a prefetch (clinic_prefetches) serves it.
    """
    latest = {}
    for verification in clinic.verifications.all():
        best = latest.get(verification.fact)
        if best is None or (verification.confirmed_on, verification.pk) > (
            best.confirmed_on,
            best.pk,
        ):
            latest[verification.fact] = verification
    return [
        FactCheck(fact, label, latest[fact], latest[fact].is_current(today))
        for fact, label in Verification.Fact.choices
        if fact in latest
    ]


def verified_facts(clinic, today=None):
    """Labels of the facts a moderator confirmed and whose confirmation is current."""
    return [
        check.label
        for check in latest_checks(clinic, today)
        if check.current and check.verification.source == SOURCE_MODERATOR
    ]


def verifications_from_import(clinics, *, source_name, facts, on=None):
    """Record that an import of `source_name` stated `facts` of these clinics (bulk)."""
    on = on or timezone.localdate()
    Verification.objects.bulk_create(
        Verification(
            clinic=clinic,
            fact=fact,
            confirmed_on=on,
            source=f"{IMPORT_PREFIX}{source_name}"[:80],
            method="stated in the imported file",
        )
        for clinic in clinics
        for fact in facts
    )
