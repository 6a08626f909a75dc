"""The OpenAPI 3.1 description of /api/v1/ and /fhir/ (search part generated from the FilterSet)."""

from clinics.opendata.openapi.document import description

__all__ = ["description"]
