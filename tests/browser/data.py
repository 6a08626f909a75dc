"""The listings every browser test starts from (issue 7).

The deterministic demo data (`generate_demo_data --clinics 60 --seed 1`, one or more clinics in
every state) plus a cluster of 24 fictional clinics within 20 miles of ZIP 97205 (Portland, OR),
so that a ZIP search there has two pages of results and filters that narrow them.
"""

import datetime

from django.core.management import call_command

from clinics.models import Clinic
from tests.factories import (
    ClinicFactory,
    LocationFactory,
    OfferingFactory,
    OpeningHoursFactory,
    PayerAcceptanceFactory,
    condition,
    language,
    payer,
    payment_option,
    route,
)
from tests.listings import point_at

SEARCH_ZIP = "97205"
CLUSTER_SIZE = 24


def cluster_name(number):
    return f"Demo Willamette Ketamine {number:02d}"


def build_browser_listings():
    call_command("generate_demo_data", clinics=60, seed=1, verbosity=0)
    for number in range(1, CLUSTER_SIZE + 1):
        clinic = ClinicFactory(
            name=cluster_name(number),
            slug=f"demo-willamette-ketamine-{number:02d}",
            website=f"https://willamette-{number:02d}.example.org",
            phone=f"+1 503 555 01{number:02d}",
            description="A fictional clinic of the browser-test data set.",
            accepting_new_patients=number % 4 != 0,
            offers_kap=number % 2 == 0,
            offers_telehealth=number % 3 == 0,
            verified_at=datetime.date(2026, 10, 1) if number % 5 else None,
            status=Clinic.Status.PUBLISHED,
        )
        latitude, longitude = point_at(0.6 * number, bearing=(47 * number) % 360)
        location = LocationFactory(
            clinic=clinic,
            name="",
            address_line1=f"{100 + number} SW Example Street",
            latitude=latitude,
            longitude=longitude,
        )
        # Every third clinic offers esketamine (covered by Aetna); the others IV infusions.
        if number % 3 == 0:
            OfferingFactory(location=location, route=route("esketamine"), price_min_usd=0,
                            price_max_usd=60)  # fmt: skip
            PayerAcceptanceFactory(location=location, payer=payer("aetna"))
        else:
            OfferingFactory(location=location, route=route("iv"), price_min_usd=380 + 5 * number,
                            price_max_usd=600 + 5 * number)  # fmt: skip
        location.payment_options.add(payment_option("self-pay"))
        location.conditions.add(condition("treatment-resistant-depression"))
        location.languages.add(language("en"))
        if number % 4 == 1:
            location.languages.add(language("es"))
        OpeningHoursFactory(location=location)
