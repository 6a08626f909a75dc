"""Open data (issue 8): HSDS 3.0 and FHIR R4 APIs, the OpenAPI description, bulk downloads."""
