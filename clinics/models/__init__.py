"""The data, in one app labelled `clinics`: reference data, clinics, locations, staff, reports."""

from clinics.models.changes import ChangeAuthor, record_change_author
from clinics.models.clinic import (
    MODERATE_PERMISSION,
    STAFF_EDITABLE_STATUSES,
    Clinic,
    Clinician,
    ClinicQuerySet,
    is_moderator,
    psychotherapy_q,
    published_q,
)
from clinics.models.details import clinic_prefetches, location_prefetches, locations_prefetch
from clinics.models.location import (
    GEOCODED_FIELDS,
    MASK_FIELDS,
    Location,
    LocationQuerySet,
    Offering,
    OpeningHours,
    PayerAcceptance,
    location_masks,
    price_label,
)
from clinics.models.masks import refresh_masks, refresh_masks_of_location
from clinics.models.moderation import (
    ClaimRequest,
    DuplicateDismissal,
    ModerationClaim,
    Report,
)
from clinics.models.reference import (
    Condition,
    Language,
    MaskBit,
    Payer,
    PaymentOption,
    ProfessionalBody,
    ReferenceData,
    TreatmentRoute,
)
from clinics.models.staff import CLINIC_STAFF_GROUP, MODERATOR_GROUP, StaffMembership
from clinics.models.summaries import (
    AcceptedPayer,
    LocationSummary,
    OfferedRoute,
    RowsOfLocation,
    attach_summaries,
    with_summary,
)

__all__ = [
    "CLINIC_STAFF_GROUP",
    "MODERATOR_GROUP",
    "GEOCODED_FIELDS",
    "MASK_FIELDS",
    "MODERATE_PERMISSION",
    "STAFF_EDITABLE_STATUSES",
    "AcceptedPayer",
    "ChangeAuthor",
    "ClaimRequest",
    "Clinic",
    "ClinicQuerySet",
    "Clinician",
    "Condition",
    "DuplicateDismissal",
    "Language",
    "Location",
    "LocationQuerySet",
    "LocationSummary",
    "MaskBit",
    "ModerationClaim",
    "OfferedRoute",
    "Offering",
    "OpeningHours",
    "Payer",
    "PayerAcceptance",
    "PaymentOption",
    "ProfessionalBody",
    "ReferenceData",
    "Report",
    "RowsOfLocation",
    "StaffMembership",
    "TreatmentRoute",
    "attach_summaries",
    "is_moderator",
    "location_masks",
    "clinic_prefetches",
    "location_prefetches",
    "locations_prefetch",
    "price_label",
    "psychotherapy_q",
    "published_q",
    "record_change_author",
    "refresh_masks",
    "refresh_masks_of_location",
    "with_summary",
]
