"""The directory's data: clinics, their locations, what they offer, and reference data.

A Clinic is the organisation patients contact; it has one or more Locations (sites). What a
site offers is recorded per location, because chains differ between sites: the routes and
prices (Offering), the payers in network (PayerAcceptance), payment options, conditions
treated and languages spoken. Reference data (routes, conditions, payers, payment options,
languages) comes from data migrations; its slugs are part of the import format and the API.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from simple_history.models import HistoricalRecords

from clinics import caching, geo
from clinics.validators import (
    US_STATES,
    parse_state_list,
    validate_npi,
    validate_postal_code,
    validate_state_list,
)

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-.]{7,25}$", "Enter a phone number such as +1 503 555 0101."
)


class ReferenceData(models.Model):
    """Shared shape of a reference table: a stable slug and a display name."""

    slug = models.SlugField(
        max_length=60, unique=True, help_text="Stable identifier used in URLs, the API and imports."
    )
    name = models.CharField(max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def display_order(self):
        """The key of Meta.ordering, for sorting instances already in memory."""
        return (self.sort_order, self.name)


class MaskBit(models.Model):
    """A reference option with its own bit in the location masks (Location.route_mask and
    Location.payer_mask), so a search filters on the location row itself.

    A mask is a bigint: bits 0 to 62 keep it positive, so at most 63 options fit.
    """

    MAX_OPTIONS = 63

    bit = models.PositiveSmallIntegerField(
        unique=True,
        editable=False,
        help_text="This option's bit in the location masks; given on creation.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.bit is None:
            self.bit = self.free_bit()
            if self.bit is None:
                raise ValidationError(self.too_many_message())
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self._state.adding and self.bit is None and self.free_bit() is None:
            raise ValidationError(self.too_many_message())

    @classmethod
    def free_bit(cls):
        taken = set(cls._default_manager.values_list("bit", flat=True))
        return next((bit for bit in range(cls.MAX_OPTIONS) if bit not in taken), None)

    def too_many_message(self):
        plural = self._meta.verbose_name_plural
        return (
            f"The directory holds at most {self.MAX_OPTIONS} {plural}; merge or remove one first."
        )


class TreatmentRoute(MaskBit, ReferenceData):
    """How ketamine is given: IV infusion, IM injection, lozenge, esketamine nasal spray."""

    description = models.TextField(help_text="What it is, in plain language.")
    session = models.TextField(
        blank=True, help_text="How long a session lasts and what it involves."
    )
    typical_protocol = models.TextField(blank=True)
    payment_reality = models.TextField(
        blank=True, help_text="How patients usually pay: self-pay, superbills, insurance."
    )
    fda_approved = models.BooleanField(
        default=False, help_text="Only esketamine is FDA-approved for mental health."
    )

    class Meta(ReferenceData.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(bit__lt=63), name="route_bit_fits_a_bigint")
        ]


class Condition(ReferenceData):
    """A condition clinics treat with ketamine; evidence strength differs between them."""

    class Evidence(models.TextChoices):
        STRONG = "strong", "Strong evidence"
        MODERATE = "moderate", "Moderate evidence"
        EMERGING = "emerging", "Emerging evidence"
        RESEARCH = "research", "Research only"

    description = models.TextField(blank=True)
    evidence = models.CharField(max_length=20, choices=Evidence, default=Evidence.EMERGING)

    class Meta(ReferenceData.Meta):
        pass


class Payer(MaskBit, ReferenceData):
    """An insurer or public programme a location can be in network with."""

    class Meta(ReferenceData.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(bit__lt=63), name="payer_bit_fits_a_bigint")
        ]


class PaymentOption(ReferenceData):
    """A way to pay besides in-network insurance: self-pay, superbill, financing, sliding scale."""

    description = models.TextField(blank=True)

    class Meta(ReferenceData.Meta):
        pass


class Language(models.Model):
    """A language staff speak, by ISO 639-1 code."""

    code = models.CharField(
        max_length=2, unique=True, validators=[RegexValidator(r"^[a-z]{2}$")], help_text="ISO 639-1"
    )
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def display_order(self):
        return self.name


class ProfessionalBody(ReferenceData):
    """A professional society a clinic belongs to, such as ASKP3."""

    url = models.URLField(blank=True)

    class Meta(ReferenceData.Meta):
        verbose_name_plural = "professional bodies"


class ClinicQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Clinic.Status.PUBLISHED)

    def editable_by(self, user):
        """Clinics this user may change; the rules live in clinics/access.py (issue 4)."""
        from clinics import access

        return access.clinics_editable_by(user, self)

    def managed_by(self, user):
        """Clinics this user may see in the admin (their own, published or not)."""
        from clinics import access

        return access.clinics_managed_by(user, self)

    def awaiting_review(self):
        return self.filter(status=Clinic.Status.PENDING)


class Clinic(models.Model):
    """An organisation that provides ketamine treatment, as patients see it in the directory."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending review"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(
        blank=True, help_text="What patients should know, in plain words."
    )
    website = models.URLField(blank=True)
    phone = models.CharField(max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(blank=True)
    booking_url = models.URLField(blank=True, help_text="Where patients book online, if they can.")

    # How to start.
    starts_by_phone = models.BooleanField("Start by phone call", default=True)
    starts_by_text = models.BooleanField("Start by text message", default=False)
    starts_by_web_form = models.BooleanField("Start with a web form", default=False)
    starts_by_online_booking = models.BooleanField("Start by booking online", default=False)
    referral_required = models.BooleanField(
        default=False, help_text="A referral from another clinician is needed before a first visit."
    )
    psychiatric_evaluation_required = models.BooleanField(
        default=False, help_text="A prior psychiatric evaluation is needed before treatment."
    )

    npi = models.CharField(
        "organisation NPI",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        db_index=True,
        help_text="The clinic's 10-digit type 2 NPI, as listed in NPPES.",
    )
    accepting_new_patients = models.BooleanField(default=True)

    # Psychotherapy.
    offers_kap = models.BooleanField(
        "ketamine-assisted psychotherapy in house",
        default=False,
        help_text="A licensed therapist is part of the sessions at the clinic.",
    )
    works_with_own_therapist = models.BooleanField(
        "works with the patient's own therapist", default=False
    )
    offers_integration = models.BooleanField("integration sessions", default=False)

    # Telehealth.
    offers_telehealth = models.BooleanField(
        "telehealth consultations", default=False, help_text="First consultations can be remote."
    )
    offers_at_home = models.BooleanField(
        "at-home programme",
        default=False,
        help_text="Supervised at-home treatment (usually lozenges) with remote check-ins.",
    )
    telehealth_states = models.CharField(
        max_length=250,
        blank=True,
        validators=[validate_state_list],
        help_text="States served by telehealth or at-home care, as USPS codes: CA, NV, OR.",
    )

    # Safety.
    medical_screening = models.BooleanField(
        "medical screening before treatment",
        default=False,
        help_text="Medical history, blood pressure and medication review before a first dose.",
    )
    vital_sign_monitoring = models.BooleanField(
        "vital signs monitored during sessions", default=False
    )
    clinician_on_site = models.BooleanField(
        "clinician on site during sessions",
        default=False,
        help_text="A licensed prescriber or nurse is present while patients are dosed.",
    )
    observation_minutes = models.PositiveSmallIntegerField(
        "post-dose observation (minutes)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(600)],
        help_text="How long patients are observed after a dose. Esketamine requires 120.",
    )
    driver_required = models.BooleanField(
        default=True, help_text="Patients may not drive until the next day after a session."
    )
    rems_certified = models.BooleanField(
        "esketamine REMS-certified",
        default=False,
        help_text="Certified under the Spravato REMS programme to give esketamine.",
    )
    memberships = models.ManyToManyField(ProfessionalBody, blank=True, related_name="clinics")

    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    verified_at = models.DateField(
        null=True, blank=True, help_text="When a moderator last confirmed the listing."
    )
    import_source = models.CharField(
        max_length=60, blank=True, help_text="Which import created this (the --source name)."
    )
    import_ref = models.CharField(
        max_length=100, blank=True, help_text="The source's own id for the clinic."
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
        help_text="The published listing this working copy proposes changes to.",
    )
    review_note = models.TextField(
        blank=True, help_text="The moderator's reason for the last decision, sent to the staff."
    )
    review_claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The moderator reviewing this listing now, so two do not work on it at once.",
    )
    review_claimed_at = models.DateTimeField(null=True, blank=True)
    flagged_stale_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the listing went 12 months without verification; patients see "
        '"may be outdated" until a moderator verifies it again.',
    )

    history = HistoricalRecords(m2m_fields=[memberships])
    objects = ClinicQuerySet.as_manager()

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
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        before, after = _clinic_url_around_slug(get_script_prefix())
        return f"{before}{self.slug}{after}"

    @property
    def telehealth_state_list(self):
        return parse_state_list(self.telehealth_states)

    @property
    def offers_psychotherapy(self):
        return self.offers_kap or self.works_with_own_therapist or self.offers_integration

    @property
    def offers_remote_care(self):
        return self.offers_telehealth or self.offers_at_home

    @property
    def is_stale(self):
        """True when patients should read the listing as "may be outdated"."""
        return self.flagged_stale_at is not None

    @property
    def is_working_copy(self):
        return self.draft_of_id is not None


@functools.lru_cache(maxsize=8)
def _clinic_url_around_slug(script_prefix):
    """The clinic page's URL before and after the slug, reversed once per script prefix.

    reverse() for every result was a tenth of a search's Python time (bench/run.py); a slug
    is ASCII letters, digits and hyphens, which reverse() would leave as they are.
    """
    placeholder = "clinic-slug"
    before, after = reverse("clinics:detail", kwargs={"slug": placeholder}).split(placeholder)
    return before, after


# Derived from offerings and acceptances on every write (refresh_masks); not content.
MASK_FIELDS = ["route_mask", "payer_mask"]

# The address fields a geocoded position depends on.
GEOCODED_FIELDS = ("address_line1", "city", "state", "postal_code")


class LocationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(clinic__status=Clinic.Status.PUBLISHED)

    def with_summary(self):
        """Annotate what a search result shows of each location; attach_summaries() reads it.

        Routes with prices, payers, conditions, payment options and languages come back as
        short lists of ids in the same query as the locations, instead of five prefetch
        queries that cost more than the search itself (README, "Scale benchmark"). The names
        behind the ids come from reference data held in memory (caching.reference_options).
        PostgreSQL evaluates the subqueries only for the rows of the page (EXPLAIN: loops=20).
        """
        return self.annotate(
            summary_offerings=RowsOfLocation(Offering, "route", "price_min_usd", "price_max_usd"),
            summary_payers=RowsOfLocation(PayerAcceptance, "payer", "route"),
            summary_conditions=RowsOfLocation(Location.conditions.through, "condition"),
            summary_payment=RowsOfLocation(Location.payment_options.through, "paymentoption"),
            summary_languages=RowsOfLocation(Location.languages.through, "language"),
        )


class RowsOfLocation(models.Func):
    """The `fields` of every row of `model` for the outer location, as text: "1:450:650,2::".

    A correlated subquery written as one SQL template. Composing it from a QuerySet gave the
    same SQL, but resolving and compiling five of them was a tenth of a search request
    (bench/run.py under py-spy). Items are joined by commas, values by colons; NULL is empty.
    """

    output_field = models.TextField()

    def __init__(self, model, *fields):
        super().__init__(models.F("pk"))
        self.model, self.fields = model, fields

    def as_sql(self, compiler, connection, aggregate="STRING_AGG", **extra_context):
        location_id, params = compiler.compile(self.source_expressions[0])
        quote, meta = connection.ops.quote_name, self.model._meta
        item = " || ':' || ".join(
            f"COALESCE(CAST({quote(meta.get_field(name).column)} AS TEXT), '')"
            for name in self.fields
        )
        location_column = quote(meta.get_field("location").column)
        sql = (
            f"(SELECT {aggregate}({item}, ',') FROM {quote(meta.db_table)}"
            f" WHERE {location_column} = {location_id})"
        )
        return sql, params

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, aggregate="GROUP_CONCAT", **extra_context)


@dataclass(frozen=True, slots=True)
class OfferedRoute:
    """A route and its prices as a search result shows them (a light Offering)."""

    route: "TreatmentRoute"
    price_min_usd: int | None
    price_max_usd: int | None

    @property
    def price_label(self):
        return price_label(self.price_min_usd, self.price_max_usd)


@dataclass(frozen=True, slots=True)
class AcceptedPayer:
    """A payer in network, for one route or (route None) for every route."""

    payer: "Payer"
    route: "TreatmentRoute | None"


@dataclass(frozen=True)
class LocationSummary:
    """What a search result shows of a location, in display order."""

    offerings: list  # OfferedRoute
    payer_acceptances: list  # AcceptedPayer
    conditions: list
    payment_options: list
    languages: list


def attach_summaries(locations):
    """Set `location.summary` from what `LocationQuerySet.with_summary()` annotated."""
    version = caching.listings_version()

    def reference(model):
        return caching.reference_options(model, "pk", version=version)

    routes, payers = reference(TreatmentRoute), reference(Payer)
    conditions, payment, languages = (
        reference(Condition),
        reference(PaymentOption),
        reference(Language),
    )

    def items(text):
        if not text:
            return []
        return [[int(v) if v else None for v in item.split(":")] for item in text.split(",")]

    def in_order(by_id, text):
        options = (by_id[pk] for (pk,) in items(text))
        return sorted(options, key=lambda option: option.display_order())

    for location in locations:
        offerings = [
            OfferedRoute(routes[route], low, high)
            for route, low, high in items(location.summary_offerings)
        ]
        acceptances = [
            AcceptedPayer(payers[payer], routes.get(route))
            for payer, route in items(location.summary_payers)
        ]
        location.summary = LocationSummary(
            offerings=sorted(offerings, key=lambda offering: offering.route.display_order()),
            payer_acceptances=sorted(
                acceptances,
                key=lambda acceptance: (
                    acceptance.payer.display_order(),
                    acceptance.route.display_order() if acceptance.route else (),
                ),
            ),
            conditions=in_order(conditions, location.summary_conditions),
            payment_options=in_order(payment, location.summary_payment),
            languages=in_order(languages, location.summary_languages),
        )


class Location(models.Model):
    """A site where a clinic sees patients. Search results are locations."""

    class CoordinatesSource(models.TextChoices):
        SUPPLIED = "supplied", "Supplied"
        ZIP = "zip", "Geocoded from ZIP code"
        ADDRESS = "address", "Geocoded from address"
        MISSING = "missing", "Not known"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(
        max_length=120,
        blank=True,
        help_text='Optional, when a clinic has several: "Midtown office".',
    )
    address_line1 = models.CharField("address line 1", max_length=200)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(
        max_length=2, choices=sorted(US_STATES.items()), help_text="Two-letter USPS code."
    )
    postal_code = models.CharField(
        "ZIP code",
        max_length=10,
        validators=[validate_postal_code],
        help_text="12345 or 12345-6789",
    )
    country = models.CharField(max_length=2, default="US", help_text="ISO 3166-1 alpha-2")
    latitude = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="Leave both coordinates blank to geocode the address on save.",
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    coordinates_source = models.CharField(
        max_length=10, choices=CoordinatesSource, default=CoordinatesSource.MISSING, editable=False
    )
    phone = models.CharField(max_length=30, blank=True, validators=[phone_validator])
    accessibility = models.TextField(
        "accessibility notes",
        blank=True,
        help_text="Step-free entrance, elevator, parking, public transport, hearing loop...",
    )
    conditions = models.ManyToManyField(Condition, blank=True, related_name="locations")
    payment_options = models.ManyToManyField(PaymentOption, blank=True, related_name="locations")
    languages = models.ManyToManyField(Language, blank=True, related_name="locations")
    import_ref = models.CharField(max_length=100, blank=True)
    # The route and insurance filters test a bit of these instead of probing the offerings
    # and acceptances of every nearby location (../shared/notes/geo-search.md, section 7).
    route_mask = models.BigIntegerField(
        default=0,
        editable=False,
        help_text="One bit per route offered here (TreatmentRoute.bit); see refresh_masks().",
    )
    payer_mask = models.BigIntegerField(
        default=0,
        editable=False,
        help_text="One bit per payer accepted here (Payer.bit); see refresh_masks().",
    )
    draft_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="working_copies",
        editable=False,
        help_text="In a working copy: the published location this one edits, so its id stays.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[conditions, payment_options, languages], excluded_fields=MASK_FIELDS
    )
    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["clinic", "id"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_lat_lng")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_coordinates_both_or_neither",
            ),
            models.UniqueConstraint(
                fields=["clinic", "import_ref"],
                condition=~Q(import_ref=""),
                name="location_unique_import_ref",
            ),
        ]

    def __str__(self):
        return self.name or f"{self.address_line1}, {self.city}"

    def save(self, *args, **kwargs):
        # Geocode a location saved without coordinates (issue 3); the geo module decides how.
        self._forget_coordinates_of_old_address()
        geo.fill_coordinates(self)
        # An instance loaded before its offerings changed must not write back stale masks.
        if self.pk is not None:
            self.route_mask, self.payer_mask = location_masks([self.pk])[self.pk]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.clinic.get_absolute_url()}#loc-{self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        location = super().from_db(db, field_names, values, **kwargs)
        # Remember where the saved row was, to notice an address that moves (save()).
        location._saved_place = {
            name: getattr(location, name)
            for name in (*GEOCODED_FIELDS, "latitude", "longitude")
            if name in field_names
        }
        return location

    def _forget_coordinates_of_old_address(self):
        """Coordinates we geocoded follow the address: when it changes, geocode it again.

        Supplied coordinates are kept, and so are coordinates changed in the same edit.
        """
        saved = getattr(self, "_saved_place", None)
        geocoded = {self.CoordinatesSource.ZIP, self.CoordinatesSource.ADDRESS}
        if (
            not saved
            or len(saved) < len(GEOCODED_FIELDS) + 2
            or self.coordinates_source not in geocoded
        ):
            return
        moved = any(getattr(self, name) != saved[name] for name in GEOCODED_FIELDS)
        kept = (self.latitude, self.longitude) == (saved["latitude"], saved["longitude"])
        if moved and kept:
            self.latitude = self.longitude = None

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def label(self):
        return f"{self.city}, {self.state} {self.postal_code}"


class OpeningHours(models.Model):
    """One opening period of a location on one day of the week."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, "Monday"
        TUESDAY = 2, "Tuesday"
        WEDNESDAY = 3, "Wednesday"
        THURSDAY = 4, "Thursday"
        FRIDAY = 5, "Friday"
        SATURDAY = 6, "Saturday"
        SUNDAY = 7, "Sunday"

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    opens = models.TimeField()
    closes = models.TimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["location", "weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")), name="hours_closes_after_opens"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="hours_weekday_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Offering(models.Model):
    """A treatment route offered at a location, with its price per session in US dollars."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="offerings")
    route = models.ForeignKey(TreatmentRoute, on_delete=models.PROTECT, related_name="offerings")
    price_min_usd = models.PositiveIntegerField(
        "lowest price per session (USD)",
        null=True,
        blank=True,
        help_text="Leave blank when prices are given only on request. 0 when insurance pays in full.",
    )
    price_max_usd = models.PositiveIntegerField(
        "highest price per session (USD)", null=True, blank=True
    )
    series_price_usd = models.PositiveIntegerField(
        "price of a typical series (USD)",
        null=True,
        blank=True,
        help_text="For example six IV infusions over two to three weeks.",
    )
    session_minutes = models.PositiveSmallIntegerField(
        "session length (minutes)", null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["location", "route__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["location", "route"], name="offering_unique_route"),
            models.CheckConstraint(
                condition=Q(price_min_usd__isnull=True) | Q(price_min_usd__gte=0),
                name="offering_price_min_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(price_max_usd__isnull=True) | Q(price_max_usd__gte=0),
                name="offering_price_max_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(price_max_usd__isnull=True)
                | (
                    Q(price_min_usd__isnull=False) & Q(price_min_usd__lte=models.F("price_max_usd"))
                ),
                name="offering_price_min_lte_max",
            ),
            models.CheckConstraint(
                condition=Q(series_price_usd__isnull=True) | Q(series_price_usd__gte=0),
                name="offering_series_price_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["route", "price_min_usd"])]

    def __str__(self):
        return f"{self.route} at {self.location}"

    @property
    def price_label(self):
        return price_label(self.price_min_usd, self.price_max_usd)


def location_masks(location_ids):
    """{location id: (route mask, payer mask)}, from the Offering and PayerAcceptance rows."""
    masks = {location_id: [0, 0] for location_id in location_ids}
    ids = list(masks)
    for start in range(0, len(ids), MASK_BATCH):
        batch = ids[start : start + MASK_BATCH]
        for index, rows in enumerate(
            [
                Offering.objects.filter(location_id__in=batch).values_list(
                    "location_id", "route__bit"
                ),
                PayerAcceptance.objects.filter(location_id__in=batch).values_list(
                    "location_id", "payer__bit"
                ),
            ]
        ):
            for location_id, bit in rows:
                masks[location_id][index] |= 1 << bit
    return {location_id: tuple(pair) for location_id, pair in masks.items()}


def refresh_masks(location_ids):
    """Store Location.route_mask and payer_mask again: after any write to offerings or payers.

    Offering and PayerAcceptance saves and deletes call it through signals (apps.py), and
    Location.save() recomputes its own; bulk writes that bypass signals (imports, the
    benchmark generator) call it themselves. tests/conftest.py checks them after every test.
    """
    by_masks = {}
    for location_id, masks in location_masks(set(location_ids)).items():
        by_masks.setdefault(masks, []).append(location_id)
    for (route_mask, payer_mask), ids in by_masks.items():
        for start in range(0, len(ids), MASK_BATCH):
            Location.objects.filter(pk__in=ids[start : start + MASK_BATCH]).update(
                route_mask=route_mask, payer_mask=payer_mask
            )


MASK_BATCH = 5000


def price_label(low, high):
    """A price per session as patients read it."""
    if low is None:
        return "Price on request"
    if high in (None, low):
        return f"${low:,}"
    return f"${low:,}–${high:,}"


class PayerAcceptance(models.Model):
    """A payer a location is in network with, for all routes or for one route."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="payer_acceptances"
    )
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="acceptances")
    route = models.ForeignKey(
        TreatmentRoute,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payer_acceptances",
        help_text="Leave blank when the payer covers every route offered here. "
        "Esketamine is often covered when IV is not.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["location", "payer__name"]
        verbose_name = "insurance accepted"
        verbose_name_plural = "insurance accepted"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "payer", "route"], name="payer_acceptance_unique_route"
            ),
            models.UniqueConstraint(
                fields=["location", "payer"],
                condition=Q(route__isnull=True),
                name="payer_acceptance_unique_all_routes",
            ),
        ]
        indexes = [models.Index(fields=["payer", "location"])]

    def __str__(self):
        return f"{self.payer} ({self.route or 'all routes'})"


class Clinician(models.Model):
    """A clinician who treats patients at a clinic, with the credential patients can check."""

    class Credential(models.TextChoices):
        MD = "MD", "MD (physician)"
        DO = "DO", "DO (osteopathic physician)"
        CRNA = "CRNA", "CRNA (nurse anesthetist)"
        NP = "NP", "NP (nurse practitioner)"
        PMHNP = "PMHNP", "PMHNP (psychiatric nurse practitioner)"
        PA = "PA", "PA (physician assistant)"
        RN = "RN", "RN (registered nurse)"
        PHD = "PhD", "PhD (psychologist)"
        PSYD = "PsyD", "PsyD (psychologist)"
        LCSW = "LCSW", "LCSW (clinical social worker)"
        LPC = "LPC", "LPC (professional counselor)"
        LMFT = "LMFT", "LMFT (marriage and family therapist)"
        OTHER = "other", "Other"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="clinicians")
    name = models.CharField(max_length=150)
    credential = models.CharField(max_length=10, choices=Credential)
    specialty = models.CharField(
        max_length=120, blank=True, help_text="e.g. psychiatry, anesthesiology, pain medicine"
    )
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        db_index=True,
        help_text="The clinician's individual (type 1) NPI.",
    )
    role = models.CharField(max_length=120, blank=True, help_text='e.g. "Medical director"')

    history = HistoricalRecords()

    class Meta:
        ordering = ["clinic", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(npi="") | Q(npi__regex=r"^[12][0-9]{9}$"), name="clinician_npi_format"
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.credential}"


class ModerationClaim(models.Model):
    """Shared moderation state: which moderator is working on an item, so two do not."""

    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The moderator working on this now.",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class StaffMembership(models.Model):
    """A person who keeps a clinic's listing, as its owner (main contact) or an editor.

    Both roles edit the listing alike; the first person approved for a clinic becomes its
    owner. Named apart from `Clinic.memberships`, which are professional bodies such as ASKP3.
    """

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"

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


class Report(ModerationClaim):
    """A visitor's report that something on a listing is wrong; waits for a moderator."""

    class Problem(models.TextChoices):
        PHONE = "phone", "Phone number"
        ADDRESS = "address", "Address"
        PRICES = "prices", "Prices"
        INSURANCE = "insurance", "Insurance"
        CLOSED = "closed", "The clinic has closed"
        OTHER = "other", "Something else"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="reports")
    problem = models.CharField("what is wrong", max_length=20, choices=Problem)
    details = models.TextField(max_length=2000)
    email = models.EmailField(blank=True, help_text="Given by the reporter if they want a reply.")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution_note = models.TextField(blank=True, help_text="What the moderator did about it.")

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
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="claim_requests")
    name = models.CharField(max_length=150)
    role = models.CharField("role at the clinic", max_length=120)
    work_email = models.EmailField()
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text="The clinic's organisation NPI, or your own.",
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
        from urllib.parse import urlsplit

        host = (urlsplit(self.clinic.website).hostname or "").lower().removeprefix("www.")
        domain = self.email_domain.removeprefix("www.")
        return bool(host) and (domain == host or domain.endswith("." + host))

    @property
    def npi_matches(self):
        """Evidence for the moderator: the NPI given is the clinic's or one of its clinicians'."""
        if not self.npi:
            return False
        return self.npi == self.clinic.npi or self.clinic.clinicians.filter(npi=self.npi).exists()


def location_prefetches():
    """All a clinic page or an export shows of its locations, one query per relation.

    Search results read a shorter summary in their own query (LocationQuerySet.with_summary).
    """
    return [
        models.Prefetch(
            "offerings",
            queryset=Offering.objects.select_related("route").order_by(
                "route__sort_order", "route__name"
            ),
        ),
        models.Prefetch(
            "payer_acceptances",
            queryset=PayerAcceptance.objects.select_related("payer", "route").order_by(
                "payer__sort_order", "payer__name", "route__sort_order"
            ),
        ),
        "conditions",
        "payment_options",
        "languages",
        models.Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
    ]
