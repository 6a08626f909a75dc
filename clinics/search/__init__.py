"""Search: the one FilterSet behind /search/ and /api/v1/locations/, its facets and pages."""

from clinics.search.facets import Facet, unfaceted_options
from clinics.search.fields import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_RADIUS_MILES,
    MAX_PAGE_SIZE,
    MAX_RADIUS_MILES,
)
from clinics.search.filters import LocationFilter

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_RADIUS_MILES",
    "MAX_PAGE_SIZE",
    "MAX_RADIUS_MILES",
    "Facet",
    "LocationFilter",
    "unfaceted_options",
]
