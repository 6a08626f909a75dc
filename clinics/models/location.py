"""A clinic's sites, and what each offers: routes with prices, payers, hours.

What a site offers is recorded per location, because chains differ between sites: the routes
and prices (Offering), the payers in network (PayerAcceptance), payment options, conditions
treated and languages spoken. Search results are locations.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinics import gazetteer, geo
from clinics.models.changes import ChangeAuthor
from clinics.models.clinic import Clinic, published_q
from clinics.models.reference import Condition, Language, Payer, PaymentOption, TreatmentRoute
from clinics.phones import EXTENSION_MAX_DIGITS, PhoneNumber, extension_validator
from clinics.validators import (
    US_STATES,
    phone_validator,
    validate_postal_code,
    validate_single_line,
)

# Derived from offerings and acceptances on every write (refresh_masks); not content.
MASK_FIELDS = ["route_mask", "payer_mask"]

# The address fields a geocoded position depends on.
GEOCODED_FIELDS = ("address_line1", "city", "state", "postal_code")


class LocationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q("clinic__"))


class Location(models.Model):
    """A site where a clinic sees patients. Search results are locations."""

    class CoordinatesSource(models.TextChoices):
        SUPPLIED = "supplied", _("Supplied")
        ZIP = "zip", _("Geocoded from ZIP code")
        ADDRESS = "address", _("Geocoded from address")
        MISSING = "missing", _("Not known")

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(
        _("name"),
        max_length=120,
        blank=True,
        validators=[validate_single_line],
        help_text=_('Optional, when a clinic has several: "Midtown office".'),
    )
    address_line1 = models.CharField(
        _("address line 1"), max_length=200, validators=[validate_single_line]
    )
    address_line2 = models.CharField(
        _("address line 2"), max_length=200, blank=True, validators=[validate_single_line]
    )
    city = models.CharField(_("city"), max_length=100, validators=[validate_single_line])
    state = models.CharField(
        _("state"),
        max_length=2,
        choices=sorted(US_STATES.items()),
        help_text=_("Two-letter USPS code."),
    )
    postal_code = models.CharField(
        _("ZIP code"),
        max_length=10,
        validators=[validate_postal_code],
        help_text=_("12345 or 12345-6789"),
    )
    country = models.CharField(max_length=2, default="US", help_text=_("ISO 3166-1 alpha-2"))
    latitude = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Leave both coordinates blank to geocode the address on save."),
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    coordinates_source = models.CharField(
        max_length=10, choices=CoordinatesSource, default=CoordinatesSource.MISSING, editable=False
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    phone_extension = models.CharField(
        _("extension"),
        max_length=EXTENSION_MAX_DIGITS,
        blank=True,
        validators=[extension_validator],
        help_text=_("Digits only, e.g. 1001."),
    )
    accessibility = models.TextField(
        _("accessibility notes"),
        blank=True,
        help_text=_("Step-free entrance, elevator, parking, public transport, hearing loop..."),
    )
    conditions = models.ManyToManyField(
        Condition, verbose_name=_("conditions"), blank=True, related_name="locations"
    )
    payment_options = models.ManyToManyField(
        PaymentOption, verbose_name=_("payment options"), blank=True, related_name="locations"
    )
    languages = models.ManyToManyField(
        Language, verbose_name=_("languages"), blank=True, related_name="locations"
    )
    import_ref = models.CharField(max_length=100, blank=True, validators=[validate_single_line])
    # The route and insurance filters test a bit of these instead of probing the offerings
    # and acceptances of every nearby location (docs/geo-search.md, section 7).
    route_mask = models.BigIntegerField(
        default=0,
        editable=False,
        help_text=_("One bit per route offered here (TreatmentRoute.bit); see refresh_masks()."),
    )
    payer_mask = models.BigIntegerField(
        default=0,
        editable=False,
        help_text=_("One bit per payer accepted here (Payer.bit); see refresh_masks()."),
    )
    draft_of = models.ForeignKey(
        "self",
        # Kept when the published location is deleted meanwhile: approval then knows the
        # copy's location stands for a removed one, not a new one (issue 15.2).
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="working_copies",
        editable=False,
        help_text=_("In a working copy: the published location this one edits, so its id stays."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[conditions, payment_options, languages],
        excluded_fields=MASK_FIELDS,
        bases=[ChangeAuthor],
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

    @property
    def phone_number(self):
        """This location's own phone with its extension (blank: the clinic's is used)."""
        return PhoneNumber(self.phone, self.phone_extension)

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
    def time_zone(self):
        """The IANA time zone of this site (from its ZIP code, else its state): its opening
        hours are local times there (issue 17)."""
        return gazetteer.time_zone_of(self.postal_code, self.state)

    @property
    def time_zone_name(self):
        return gazetteer.time_zone_name(self.time_zone)

    def week(self):
        """[(day name, [opening hours])] for Monday to Sunday: a day without hours is closed.

        Day names in the active language (Django's own: "Monday", "Lunes"). Reads
        `hours.all()`, so a prefetch serves it without a query."""
        periods = {}
        for period in self.hours.all():
            periods.setdefault(period.weekday, []).append(period)
        return [
            (str(capfirst(WEEKDAYS[day - 1])), sorted(periods.get(day, []), key=lambda p: p.opens))
            for day in OpeningHours.Weekday.values
        ]

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def label(self):
        return f"{self.city}, {self.state} {self.postal_code}"


class OpeningHours(models.Model):
    """One opening period of a location on one day of the week."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("Monday")
        TUESDAY = 2, _("Tuesday")
        WEDNESDAY = 3, _("Wednesday")
        THURSDAY = 4, _("Thursday")
        FRIDAY = 5, _("Friday")
        SATURDAY = 6, _("Saturday")
        SUNDAY = 7, _("Sunday")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    history = HistoricalRecords(bases=[ChangeAuthor])

    class Meta:
        ordering = ["location", "weekday", "opens"]
        verbose_name_plural = _("opening hours")
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


class OfferingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q("location__clinic__"))


class Offering(models.Model):
    """A treatment route offered at a location, with its price per session in US dollars."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="offerings")
    route = models.ForeignKey(
        TreatmentRoute, verbose_name=_("route"), on_delete=models.PROTECT, related_name="offerings"
    )
    price_min_usd = models.PositiveIntegerField(
        _("lowest price per session (USD)"),
        null=True,
        blank=True,
        help_text=_(
            "Leave blank when prices are given only on request. 0 when insurance pays in full."
        ),
    )
    price_max_usd = models.PositiveIntegerField(
        _("highest price per session (USD)"), null=True, blank=True
    )
    series_price_usd = models.PositiveIntegerField(
        _("price of a typical series (USD)"),
        null=True,
        blank=True,
        help_text=_("For example six IV infusions over two to three weeks."),
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    prices_as_of = models.DateField(
        _("prices: as of"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When these prices were last set or confirmed: an approved change, an "
            "import, or a moderator's check (issue 14.4)."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(bases=[ChangeAuthor])
    objects = OfferingQuerySet.as_manager()

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

    # What "the price" of an offering is: a change to one of these renews `prices_as_of`.
    PRICE_FIELDS = ("price_min_usd", "price_max_usd", "series_price_usd")

    @property
    def has_price(self):
        return any(getattr(self, name) is not None for name in self.PRICE_FIELDS)


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


MASK_BATCH = 5000


def dollars(amount):
    """An amount in US dollars as patients read it, in every language: "$1,200"."""
    return f"${amount:,}"


def price_label(low, high):
    """A price per session as patients read it."""
    if low is None:
        return gettext("Price on request")
    if high in (None, low):
        return dollars(low)
    return f"{dollars(low)}–{dollars(high)}"


def covering_q(routes, path=""):
    """Acceptances (at `path`) that put a payer in network for one of `routes`: those for
    one of them and those for every route. The one rule of insurance per route (issue 14.1):
    the search, its facet counts and the "IV: Aetna" lines (covers()) all follow it."""
    return Q(**{f"{path}route__in": routes}) | Q(**{f"{path}route__isnull": True})


def covers(acceptance_route, route):
    """covering_q for one acceptance in memory: its route (None: every route) covers `route`."""
    return acceptance_route is None or acceptance_route == route


class PayerAcceptance(models.Model):
    """A payer a location is in network with, for all routes or for one route."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="payer_acceptances"
    )
    payer = models.ForeignKey(
        Payer, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="acceptances"
    )
    route = models.ForeignKey(
        TreatmentRoute,
        verbose_name=_("route"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payer_acceptances",
        help_text=_(
            "Leave blank when the payer covers every route offered here. "
            "Esketamine is often covered when IV is not."
        ),
    )

    history = HistoricalRecords(bases=[ChangeAuthor])

    class Meta:
        ordering = ["location", "payer__name"]
        verbose_name = _("insurance accepted")
        verbose_name_plural = _("insurance accepted")
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
