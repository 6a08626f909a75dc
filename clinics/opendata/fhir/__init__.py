"""FHIR R4 after Da Vinci PDex Plan-Net: the published directory as resources, and /fhir/."""

from clinics.opendata.fhir.queries import write_bundle
from clinics.opendata.fhir.resources import RESOURCE_TYPES

__all__ = ["RESOURCE_TYPES", "write_bundle"]
