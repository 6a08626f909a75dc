"""The open data over HTTP: the HSDS API, the FHIR endpoints, the API description, downloads."""
