"""Reference data: treatment routes, conditions, payers, payment options, languages, bodies.

It comes from data migrations; its slugs are part of the import format and the API. Routes and
payers each own a bit of the location masks (MaskBit), so a search filters on the location row.

Names and texts are stored in English, the words of the migrations, and read in the page's
language through the translation catalogue (`label`, `translated()`; issue 20):
clinics/reference_text.py lists them for makemessages, and a test keeps it in step with the
data. Language names come from the Unicode CLDR (Babel) instead of 184 catalogue entries.
"""

import functools

from babel import Locale, UnknownLocaleError
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from clinics.validators import validate_single_line


class ReferenceData(models.Model):
    """Shared shape of a reference table: a stable slug and a display name."""

    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text=_("Stable identifier used in URLs, the API and imports."),
    )
    name = models.CharField(max_length=120, validators=[validate_single_line])
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The name in the active language (the API and the admin read `name`, in English)."""
        return gettext(self.name) if self.name else ""

    def translated(self, field):
        """A text field's value in the active language: "description", "session", ..."""
        value = getattr(self, field)
        return gettext(value) if value else value

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
        help_text=_("This option's bit in the location masks; given on creation."),
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
        return gettext(
            "The directory holds at most %(count)s %(options)s; merge or remove one first."
        ) % {
            "count": self.MAX_OPTIONS,
            "options": self._meta.verbose_name_plural,
        }


class TreatmentRoute(MaskBit, ReferenceData):
    """How ketamine is given: IV infusion, IM injection, lozenge, esketamine nasal spray."""

    description = models.TextField(help_text=_("What it is, in plain language."))
    session = models.TextField(
        blank=True, help_text=_("How long a session lasts and what it involves.")
    )
    typical_protocol = models.TextField(blank=True)
    payment_reality = models.TextField(
        blank=True, help_text=_("How patients usually pay: self-pay, superbills, insurance.")
    )
    fda_approved = models.BooleanField(
        default=False, help_text=_("Only esketamine is FDA-approved for mental health.")
    )

    class Meta(ReferenceData.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(bit__lt=63), name="route_bit_fits_a_bigint")
        ]

    @property
    def short_name(self):
        """The name's first word, for lists that name routes often: "IV", "Esketamine"."""
        return self.name.split()[0]

    @property
    def short_label(self):
        """short_name in the active language."""
        return pgettext("short name of a treatment route", self.short_name)


class Condition(ReferenceData):
    """A condition clinics treat with ketamine; evidence strength differs between them."""

    class Evidence(models.TextChoices):
        STRONG = "strong", _("Strong evidence")
        MODERATE = "moderate", _("Moderate evidence")
        EMERGING = "emerging", _("Emerging evidence")
        RESEARCH = "research", _("Research only")

    description = models.TextField(blank=True)
    evidence = models.CharField(max_length=20, choices=Evidence, default=Evidence.EMERGING)
    evidence_summary = models.TextField(
        blank=True,
        help_text=_("What the research shows, in plain words, for the condition's guide page."),
    )
    evidence_sources = models.TextField(
        blank=True,
        help_text=_(
            "The studies and guidelines the summary rests on, one citation per line "
            "(authors, title, journal, year). Each is linked to a PubMed search for it."
        ),
    )

    class Meta(ReferenceData.Meta):
        pass

    @property
    def sources(self):
        """The citations of evidence_sources, one per non-empty line."""
        return [line.strip() for line in self.evidence_sources.splitlines() if line.strip()]


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
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[a-z]{2}$")],
        help_text=_("ISO 639-1"),
    )
    name = models.CharField(max_length=80, validators=[validate_single_line])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The language's name in the active language: our English name, else the CLDR's."""
        active = translation.get_language() or "en"
        if active == "en":
            return self.name
        local = _cldr_language_names(active).get(self.code)
        return local[:1].upper() + local[1:] if local else self.name

    def display_order(self):
        return self.name


class ProfessionalBody(ReferenceData):
    """A professional society a clinic belongs to, such as ASKP3."""

    url = models.URLField(blank=True)

    class Meta(ReferenceData.Meta):
        verbose_name_plural = _("professional bodies")


@functools.lru_cache(maxsize=8)
def _cldr_language_names(language):
    """{ISO 639-1 code: name} in `language`, from the CLDR (parsed once per language)."""
    try:
        return dict(Locale.parse(language).languages)
    except (ValueError, UnknownLocaleError):
        return {}
