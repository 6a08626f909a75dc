"""A clinician who treats patients at a clinic, with the credential patients can check."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinics.models.changes import ChangeAuthor
from clinics.models.clinic import Clinic, published_q
from clinics.validators import npi_registry_url, validate_npi, validate_single_line


class ClinicianQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q("clinic__"))


class Clinician(models.Model):
    """A clinician who treats patients at a clinic, with the credential patients can check."""

    class Credential(models.TextChoices):
        MD = "MD", _("MD (physician)")
        DO = "DO", _("DO (osteopathic physician)")
        CRNA = "CRNA", _("CRNA (nurse anesthetist)")
        NP = "NP", _("NP (nurse practitioner)")
        PMHNP = "PMHNP", _("PMHNP (psychiatric nurse practitioner)")
        PA = "PA", _("PA (physician assistant)")
        RN = "RN", _("RN (registered nurse)")
        PHD = "PhD", _("PhD (psychologist)")
        PSYD = "PsyD", _("PsyD (psychologist)")
        LCSW = "LCSW", _("LCSW (clinical social worker)")
        LPC = "LPC", _("LPC (professional counselor)")
        LMFT = "LMFT", _("LMFT (marriage and family therapist)")
        OTHER = "other", _("Other")

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="clinicians")
    name = models.CharField(_("name"), max_length=150, validators=[validate_single_line])
    credential = models.CharField(_("credential"), max_length=10, choices=Credential)
    specialty = models.CharField(
        _("specialty"),
        max_length=120,
        blank=True,
        validators=[validate_single_line],
        help_text=_("e.g. psychiatry, anesthesiology, pain medicine"),
    )
    npi = models.CharField(
        _("NPI"),
        max_length=10,
        blank=True,
        validators=[validate_npi],
        db_index=True,
        help_text=_("The clinician's individual (type 1) NPI."),
    )
    role = models.CharField(
        _("role"),
        max_length=120,
        blank=True,
        validators=[validate_single_line],
        help_text=_('e.g. "Medical director"'),
    )

    history = HistoricalRecords(bases=[ChangeAuthor])
    objects = ClinicianQuerySet.as_manager()

    class Meta:
        ordering = ["clinic", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(npi="") | Q(npi__regex=r"^[12][0-9]{9}$"), name="clinician_npi_format"
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.credential}"

    @property
    def npi_registry_url(self):
        return npi_registry_url(self.npi)
