"""The one set of test data builders: import everything from here (`from tests.builders import ...`).

- factories: one row each (ClinicFactory, LocationFactory, ...; route("iv"), payer("aetna")).
- listings: `add_location` (a location with its offerings, payers, hours and the rest, given
  as plain data), `make_listing` (a complete published listing), `make_staff`,
  `make_moderator`, and places around ORIGIN (`point_at`).
- datasets: what a whole module starts from (search, open data, the browser tests).
- posts: POST data from a rendered form or admin page.

Data that a module's tests only read is built once per module with the `module_db` fixture
(tests/conftest.py), like Django's setUpTestData.
"""

from tests.builders.datasets import (
    CLUSTER_SIZE,
    SEARCH_ZIP,
    Listings,
    OpenDataListings,
    add_published_clinics,
    build_browser_listings,
    build_open_data_listings,
    build_search_listings,
    cluster_name,
)
from tests.builders.factories import (
    ClinicFactory,
    ClinicianFactory,
    LocationFactory,
    OfferingFactory,
    OpeningHoursFactory,
    PayerAcceptanceFactory,
    UserFactory,
    condition,
    language,
    payer,
    payment_option,
    route,
)
from tests.builders.listings import (
    ORIGIN,
    SPHERE_KM,
    add_location,
    make_listing,
    make_location,
    make_moderator,
    make_staff,
    miles_between,
    offer,
    point_at,
)
from tests.builders.posts import admin_change_data, form_data, management_form, page_form_data

__all__ = [
    "CLUSTER_SIZE",
    "ORIGIN",
    "SEARCH_ZIP",
    "SPHERE_KM",
    "ClinicFactory",
    "ClinicianFactory",
    "Listings",
    "LocationFactory",
    "OfferingFactory",
    "OpenDataListings",
    "OpeningHoursFactory",
    "PayerAcceptanceFactory",
    "UserFactory",
    "add_location",
    "add_published_clinics",
    "admin_change_data",
    "build_browser_listings",
    "build_open_data_listings",
    "build_search_listings",
    "cluster_name",
    "condition",
    "form_data",
    "language",
    "make_listing",
    "make_location",
    "make_moderator",
    "make_staff",
    "management_form",
    "miles_between",
    "offer",
    "page_form_data",
    "payer",
    "payment_option",
    "point_at",
    "route",
]
