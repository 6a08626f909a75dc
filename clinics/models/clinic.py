"""A clinic (the organisation patients contact) and who may see or change it; its clinicians
are in clinics.models.clinician.

A Clinic has one or more Locations (clinics.models.location). What the public sees is one rule,
`published()`; who may see and change a listing in the admin is another, `managed_by()` and
`editable_by()` (issue 4; clinics/access.py adds the object checks built on them).
"""

import datetime
import functools
import operator

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinics.models.changes import ChangeAuthor
from clinics.models.reference import ProfessionalBody
from clinics.phones import EXTENSION_MAX_DIGITS, PhoneNumber, extension_validator
from clinics.validators import (
    npi_registry_url,
    parse_state_list,
    phone_validator,
    validate_npi,
    validate_single_line,
    validate_state_list,
)

MODERATE_PERMISSION = "clinics.moderate_clinic"


def is_moderator(user):
    """Moderators and superusers: the `clinics.moderate_clinic` permission (the Moderator group)."""
    return bool(user and user.is_active and user.has_perm(MODERATE_PERMISSION))


def published_q(path=""):
    """What the public sees, as a condition on the clinic at `path` ("", "clinic__", ...).

    The one definition of "published": a listing a moderator approved. Working copies and
    new listings waiting for review never are (issue 4).
    """
    return Q(**{f"{path}status": Clinic.Status.PUBLISHED})


def psychotherapy_q(path=""):
    """Offers psychotherapy (Clinic.PSYCHOTHERAPY_FIELDS), for the clinic at `path`."""
    return functools.reduce(
        operator.or_, (Q(**{f"{path}{name}": True}) for name in Clinic.PSYCHOTHERAPY_FIELDS)
    )


# A listing neither verified by a moderator nor confirmed by its staff for this long "may be
# outdated" (issue 14.5, issue 17). One rule, read at request time from the dates:
# Clinic.is_stale for the pages, ClinicQuerySet.stale() for the moderators' queue and the
# emails of flag_stale_listings; no flag has to be set.
STALE_AFTER = datetime.timedelta(days=365)
# The dates that keep a listing fresh: a moderator's verification, the staff's confirmation.
FRESH_DATES = ("verified_at", "staff_confirmed_on")


def stale_cutoff(now=None):
    """(date, moment) before which a verification, or a never-verified listing's creation, is
    too old."""
    moment = (now or timezone.now()) - STALE_AFTER
    return timezone.localdate(moment), moment


class ClinicQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q())

    def serving(self, state):
        """Published clinics whose telehealth or at-home programme serves this state (USPS
        code), wherever they are: the `serves` search and the "N programmes serve" notes."""
        listed = rf"(^|[^A-Za-z]){state.upper()}([^A-Za-z]|$)"
        return self.published().filter(
            Q(offers_telehealth=True) | Q(offers_at_home=True),
            telehealth_states__iregex=listed,
        )

    def listings(self):
        """Clinics as the directory lists them: without moderation working copies (issue 4)."""
        return self.filter(draft_of__isnull=True)

    def managed_by(self, user):
        """Clinics this user may see in the admin: every one for moderators; for clinic staff
        their own and the working copies of them; none for anybody else."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if is_moderator(user):
            return self
        ids = user.clinic_memberships.values("clinic_id")
        return self.filter(Q(pk__in=ids) | Q(draft_of__in=ids))

    def editable_by(self, user):
        """Clinics this user may change now: staff only what the public cannot see yet."""
        queryset = self.managed_by(user)
        if is_moderator(user):
            return queryset
        return queryset.filter(status__in=STAFF_EDITABLE_STATUSES)

    def awaiting_review(self):
        return self.filter(status=Clinic.Status.PENDING)

    def stale(self, now=None):
        """Listings that may be outdated (STALE_AFTER): the rule of Clinic.is_stale in SQL."""
        day, moment = stale_cutoff(now)
        old = [Q(**{f"{name}__lt": day}) | Q(**{f"{name}__isnull": True}) for name in FRESH_DATES]
        dated = functools.reduce(operator.or_, (Q(**{f"{n}__isnull": False}) for n in FRESH_DATES))
        return self.filter(*old).filter(dated | Q(created_at__lt=moment))


class Clinic(models.Model):
    """An organisation that provides ketamine treatment, as patients see it in the directory."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What patients should know, in plain words.")
    )
    # The clinic's own words are shown as written, never translated; pages say which language
    # they are in when it is not the page's (issue 20).
    description_language = models.CharField(
        _("language of the description"),
        max_length=8,
        choices=[("en", _("English")), ("es", _("Spanish"))],
        default="en",
        help_text=_("The language the description is written in."),
    )
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    phone_extension = models.CharField(
        _("extension"),
        max_length=EXTENSION_MAX_DIGITS,
        blank=True,
        validators=[extension_validator],
        help_text=_("Digits only, e.g. 1001."),
    )
    email = models.EmailField(_("email"), blank=True)
    booking_url = models.URLField(
        _("booking url"), blank=True, help_text=_("Where patients book online, if they can.")
    )

    # How to start.
    starts_by_phone = models.BooleanField(_("Start by phone call"), default=True)
    starts_by_text = models.BooleanField(_("Start by text message"), default=False)
    starts_by_web_form = models.BooleanField(_("Start with a web form"), default=False)
    starts_by_online_booking = models.BooleanField(_("Start by booking online"), default=False)
    # Facts a clinic may not have stated are yes / no / not stated (None), never a default
    # nobody gave (issue 14.3): Clinic.STATED_FACTS lists them.
    referral_required = models.BooleanField(
        _("referral required"),
        null=True,
        blank=True,
        help_text=_(
            "A referral from another clinician is needed before a first visit. "
            "Leave as not stated unless the clinic said."
        ),
    )
    psychiatric_evaluation_required = models.BooleanField(
        _("psychiatric evaluation required"),
        null=True,
        blank=True,
        help_text=_("A prior psychiatric evaluation is needed before treatment."),
    )

    npi = models.CharField(
        _("organisation NPI"),
        max_length=10,
        blank=True,
        validators=[validate_npi],
        db_index=True,
        help_text=_("The clinic's 10-digit type 2 NPI, as listed in NPPES."),
    )
    accepting_new_patients = models.BooleanField(_("accepting new patients"), null=True, blank=True)
    accepting_as_of = models.DateField(
        _("accepting new patients: as of"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When whether the clinic takes new patients was last set or confirmed: an "
            "approved change, an import, or a moderator's check (issue 14.4)."
        ),
    )

    # Quick updates (issue 17.4): staff set these at /manage/ and they are live at once,
    # without review, because they go stale fastest and carry little risk.
    next_appointment_on = models.DateField(
        _("next available appointment"),
        null=True,
        blank=True,
        help_text=_(
            "The first day a new patient can be seen. Blank with 'call' unset: not stated."
        ),
    )
    next_appointment_call = models.BooleanField(
        _("call for the next available appointment"),
        default=False,
        help_text=_("Patients should call to hear when they can be seen."),
    )
    next_appointment_as_of = models.DateField(
        _("next available appointment: as of"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the clinic last set or confirmed its next available appointment."),
    )

    # Psychotherapy.
    offers_kap = models.BooleanField(
        _("ketamine-assisted psychotherapy in house"),
        null=True,
        blank=True,
        help_text=_("A licensed therapist is part of the sessions at the clinic."),
    )
    works_with_own_therapist = models.BooleanField(
        _("works with the patient's own therapist"), null=True, blank=True
    )
    offers_integration = models.BooleanField(_("integration sessions"), null=True, blank=True)

    # Telehealth.
    offers_telehealth = models.BooleanField(
        _("telehealth consultations"),
        default=False,
        help_text=_("First consultations can be remote."),
    )
    offers_at_home = models.BooleanField(
        _("at-home programme"),
        default=False,
        help_text=_("Supervised at-home treatment (usually lozenges) with remote check-ins."),
    )
    telehealth_states = models.CharField(
        _("telehealth states"),
        max_length=250,
        blank=True,
        validators=[validate_state_list],
        help_text=_("States served by telehealth or at-home care, as USPS codes: CA, NV, OR."),
    )

    # Safety.
    medical_screening = models.BooleanField(
        _("medical screening before treatment"),
        null=True,
        blank=True,
        help_text=_("Medical history, blood pressure and medication review before a first dose."),
    )
    vital_sign_monitoring = models.BooleanField(
        _("vital signs monitored during sessions"), null=True, blank=True
    )
    clinician_on_site = models.BooleanField(
        _("clinician on site during sessions"),
        null=True,
        blank=True,
        help_text=_("A licensed prescriber or nurse is present while patients are dosed."),
    )
    observation_minutes = models.PositiveSmallIntegerField(
        _("post-dose observation (minutes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(600)],
        help_text=_("How long patients are observed after a dose. Esketamine requires 120."),
    )
    driver_required = models.BooleanField(
        _("driver required"),
        null=True,
        blank=True,
        help_text=_("Patients may not drive until the next day after a session."),
    )
    rems_certified = models.BooleanField(
        _("esketamine REMS-certified"),
        null=True,
        blank=True,
        help_text=_("Certified under the Spravato REMS programme to give esketamine."),
    )
    memberships = models.ManyToManyField(
        ProfessionalBody, verbose_name=_("memberships"), blank=True, related_name="clinics"
    )

    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    verified_at = models.DateField(
        null=True, blank=True, help_text=_("When a moderator last confirmed the listing.")
    )
    import_source = models.CharField(
        max_length=60,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Which import created this (the --source name)."),
    )
    import_ref = models.CharField(
        max_length=100,
        blank=True,
        validators=[validate_single_line],
        help_text=_("The source's own id for the clinic."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Moderation (issue 4). A staff edit of a published listing happens on a working copy: a
    # second Clinic row that points at the published one and never shows to the public.
    draft_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="working_copy",
        help_text=_("The published listing this working copy proposes changes to."),
    )
    draft_base = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "In a working copy: the published listing as it was when the copy was made "
            "(clinics.moderation.state), so approval applies only what the staff changed."
        ),
    )
    review_note = models.TextField(
        blank=True, help_text=_("The moderator's reason for the last decision, sent to the staff.")
    )
    review_claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The moderator reviewing this listing now, so two do not work on it at once."),
    )
    review_claimed_at = models.DateTimeField(null=True, blank=True)
    flagged_stale_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "When the staff were emailed that the listing went 12 months without "
            "verification (flag_stale_listings), so they are emailed once. Patients see "
            '"may be outdated" from the verification date itself, flagged or not.'
        ),
    )

    # The monthly "Is your listing still right?" (issue 17, clinics.moderation.confirming).
    staff_confirmed_on = models.DateField(
        "confirmed by the clinic on",
        null=True,
        blank=True,
        help_text='The last day the clinic\'s staff said "Everything is still right". '
        'Like a moderator\'s verification, it keeps the listing from reading "may be outdated".',
    )
    confirmation_asked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text='When the staff were last emailed "Is your listing still right?", so they are '
        "asked once per LISTING_CONFIRM_INTERVAL_DAYS.",
    )

    history = HistoricalRecords(
        m2m_fields=[memberships], excluded_fields=["draft_base"], bases=[ChangeAuthor]
    )
    objects = ClinicQuerySet.as_manager()

    # Psychotherapy integration (DOMAIN.md) is any of these three kinds. The search filter,
    # the API, the pages and the import's `psychotherapy` column all read this one rule.
    PSYCHOTHERAPY_FIELDS = ("offers_kap", "works_with_own_therapist", "offers_integration")
    # Facts a clinic states or not (issue 14.3): yes, no, or None for "not stated by the
    # clinic". Pages, the APIs, the import and the review page's flags read this list; a
    # filter on one of them matches an explicit answer only.
    STATED_FACTS = (
        "accepting_new_patients",
        "referral_required",
        "psychiatric_evaluation_required",
        *PSYCHOTHERAPY_FIELDS,
        "medical_screening",
        "vital_sign_monitoring",
        "clinician_on_site",
        "driver_required",
        "rems_certified",
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["status", "name"])]
        permissions = [
            ("moderate_clinic", "Can approve, reject, verify and revert listings"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "pending", "published", "rejected", "archived"]),
                name="clinic_status_valid",
            ),
            models.UniqueConstraint(
                fields=["import_source", "import_ref"],
                condition=~Q(import_ref=""),
                name="clinic_unique_import_ref",
            ),
            models.CheckConstraint(
                condition=Q(npi="") | Q(npi__regex=r"^[12][0-9]{9}$"), name="clinic_npi_format"
            ),
            models.CheckConstraint(
                condition=Q(next_appointment_on__isnull=True) | Q(next_appointment_call=False),
                name="clinic_next_appointment_date_or_call",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        before, after = _clinic_url_around_slug(get_script_prefix(), get_language())
        return f"{before}{self.slug}{after}"

    @property
    def phone_number(self):
        """The clinic's phone with its extension (clinics.phones: shown, dialled)."""
        return PhoneNumber(self.phone, self.phone_extension)

    @property
    def telehealth_state_list(self):
        return parse_state_list(self.telehealth_states)

    @property
    def offers_psychotherapy(self):
        """True when any kind is offered, False when the clinic said no to every kind, None
        (not stated) otherwise."""
        answers = [getattr(self, name) for name in self.PSYCHOTHERAPY_FIELDS]
        if any(answers):
            return True
        return None if None in answers else False

    def unstated_facts(self):
        """The names of the facts (STATED_FACTS) the clinic has not stated, for a moderator."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.STATED_FACTS
            if getattr(self, name) is None
        ]

    @property
    def next_appointment(self):
        """The next available appointment as patients read it: a date (today or later),
        "call", or None when not stated (a date gone by is no longer an answer)."""
        if self.next_appointment_call:
            return "call"
        if self.next_appointment_on and self.next_appointment_on >= timezone.localdate():
            return self.next_appointment_on
        return None

    @property
    def offers_remote_care(self):
        return self.offers_telehealth or self.offers_at_home

    @property
    def is_stale(self):
        """True when patients should read the listing as "may be outdated": neither verified
        by a moderator nor confirmed by its staff for STALE_AFTER (neither ever: created that
        long ago). Computed now, from the dates, so it holds on every page at once without a
        scheduled command."""
        day, moment = stale_cutoff()
        dates = [getattr(self, name) for name in FRESH_DATES if getattr(self, name)]
        if dates:
            return max(dates) < day
        return self.created_at is not None and self.created_at < moment

    @property
    def is_working_copy(self):
        return self.draft_of_id is not None

    @property
    def npi_registry_url(self):
        return npi_registry_url(self.npi)


# The states in which clinic staff may change a listing; published and archived rows change
# only through clinic_approve (or a moderator). A listing waiting for review is frozen, so
# the moderator approves what they reviewed (issue 12.2): staff withdraw it to edit again.
STAFF_EDITABLE_STATUSES = [Clinic.Status.DRAFT, Clinic.Status.REJECTED]


@functools.lru_cache(maxsize=8)
def _clinic_url_around_slug(script_prefix, language):
    """The clinic page's URL before and after the slug, reversed once per script prefix and
    language (/es/clinics/... in Spanish; issue 20).

    reverse() for every result was a tenth of a search's Python time (bench/run.py); a slug
    is ASCII letters, digits and hyphens, which reverse() would leave as they are.
    """
    placeholder = "clinic-slug"
    before, after = reverse("clinics:detail", kwargs={"slug": placeholder}).split(placeholder)
    return before, after
