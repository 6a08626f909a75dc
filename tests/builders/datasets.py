"""Named data sets: the listings a whole test module (or the browser tests) starts from."""

import datetime
from dataclasses import dataclass

from django.core.management import call_command

from clinics.models import Clinic, Location
from tests.builders.factories import ClinicFactory, ClinicianFactory
from tests.builders.listings import add_location

# Search ------------------------------------------------------------------------------------


@dataclass
class Listings:
    by_name: dict

    def names(self, ids):
        names_by_id = {location.pk: name for name, location in self.by_name.items()}
        return [names_by_id[pk] for pk in ids]

    def __getitem__(self, name):
        return self.by_name[name]


def near(name, miles, bearing=0.0, **clinic_values):
    """A new clinic called "<name> Clinic", for an unnamed location `miles` from ORIGIN."""
    return {
        "clinic": ClinicFactory(name=f"{name} Clinic", **clinic_values),
        "name": "",
        "miles": miles,
        "bearing": bearing,
    }


def build_search_listings():
    """Published: Alpha (1 mi), Bridge (5), Cascade (12), Delta (40), Evergreen (145 mi).

    Each differs from the others in a known way, so a filter's expected result can be written
    down by name. Unpublished clinics sit right at the origin and offer everything, so any
    leak would show up in every search.
    """
    by_name = {}
    by_name["Alpha"] = add_location(
        **near(
            "Alpha",
            1,
            offers_kap=True,
            accepting_new_patients=True,
            verified_at=datetime.date(2026, 10, 1),
        ),
        routes={"iv": (400, 600), "esketamine": (0, 50)},
        payers=[("aetna", "esketamine")],
        payment_options=["self-pay", "superbill"],
        conditions=["treatment-resistant-depression", "ptsd"],
        languages=["en", "es"],
    )
    by_name["Bridge"] = add_location(
        **near(
            "Bridge",
            5,
            bearing=90,
            offers_telehealth=True,
            accepting_new_patients=False,
            verified_at=datetime.date(2026, 9, 1),
        ),
        routes={"im": (300, 300)},
        payers=["cigna"],
        payment_options=["financing"],
        conditions=["anxiety"],
        languages=["en"],
    )
    by_name["Cascade"] = add_location(
        **near(
            "Cascade",
            12,
            bearing=180,
            offers_at_home=True,
            offers_integration=True,
            accepting_new_patients=True,
            verified_at=None,
        ),
        routes={"lozenge": (150, 200), "iv": (700, 900)},
        payment_options=["sliding-scale"],
        conditions=["chronic-pain", "ptsd"],
        languages=["es"],
    )
    by_name["Delta"] = add_location(
        **near(
            "Delta",
            40,
            bearing=270,
            works_with_own_therapist=True,
            accepting_new_patients=True,
            verified_at=datetime.date(2026, 11, 1),
        ),
        routes={"esketamine": (None, None)},  # price on request
        payers=["aetna", "medicare"],
        conditions=["treatment-resistant-depression"],
        languages=["en"],
    )
    by_name["Evergreen"] = add_location(
        **near(
            "Evergreen",
            145,
            accepting_new_patients=True,
            verified_at=datetime.date(2025, 1, 1),
        ),
        routes={"iv": (500, 500)},
        payment_options=["self-pay"],
    )
    for status in Clinic.Status:
        if status == Clinic.Status.PUBLISHED:
            continue
        by_name[f"Hidden {status.value}"] = add_location(
            **near(
                f"Hidden {status.label}",
                0.1,
                status=status,
                offers_kap=True,
                offers_telehealth=True,
                accepting_new_patients=True,
                verified_at=datetime.date(2026, 11, 20),
            ),
            routes=dict.fromkeys(["iv", "im", "lozenge", "esketamine"], (1, 1)),
            payers=["aetna", "cigna"],
            payment_options=["self-pay", "financing"],
            conditions=["ptsd", "anxiety"],
            languages=["en", "es"],
        )
    return Listings(by_name=by_name)


# Open data ---------------------------------------------------------------------------------


@dataclass
class OpenDataListings:
    rich: Clinic
    plain: Clinic
    draft: Clinic
    archived: Clinic


def build_open_data_listings():
    """One rich published clinic, one plain one, and unpublished clinics that must never
    appear in any export (issue 8)."""
    rich = ClinicFactory(
        name="Cascade Ketamine Center",
        slug="cascade-ketamine-center",
        description="IV and esketamine in two Portland offices.",
        email="hello@cascade.example.org",
        npi="1234567893",
        verified_at=datetime.date(2026, 10, 2),
        rems_certified=True,
        referral_required=True,
    )
    add_location(
        rich,
        name="Downtown",
        phone="+1 503 555 0111",
        accessibility="Step-free entrance and an elevator.",
        routes={"iv": {"series_price_usd": 2700}, "esketamine": (0, None)},
        payers=[("aetna", "esketamine")],
        conditions=["ptsd", "treatment-resistant-depression"],
        payment_options=["self-pay", "superbill"],
        languages=["en", "es"],
        hours=[(1, "09:00", "17:00"), (6, "10:00", "14:00")],
    )
    add_location(
        rich,
        name="Eastside",
        latitude=45.52,
        longitude=-122.6,
        routes={"iv": (500, 700), "lozenge": (None, None)},
        payers=["cigna"],
        conditions=["anxiety"],
    )
    ClinicianFactory(clinic=rich, name="Dr. Ada Reyes", credential="MD", specialty="psychiatry")
    ClinicianFactory(
        clinic=rich, name="Sam Ortiz", credential="CRNA", specialty="anesthesia", npi=""
    )

    plain = ClinicFactory(name="Bridge Clinic", slug="bridge-clinic", phone="")
    plain_location = add_location(plain, routes=["iv"])
    # Saving geocodes from the ZIP; an update leaves the coordinates unknown.
    Location.objects.filter(pk=plain_location.pk).update(latitude=None, longitude=None)

    draft = ClinicFactory(name="Draft Hidden Clinic", status=Clinic.Status.DRAFT)
    add_location(draft, routes=["iv"])
    archived = ClinicFactory(name="Archived Hidden Clinic", status=Clinic.Status.ARCHIVED)
    add_location(archived, routes=["iv"])
    return OpenDataListings(rich=rich, plain=plain, draft=draft, archived=archived)


def add_published_clinics(count):
    """More published clinics with a location and two offerings each, for query counts."""
    for n in range(count):
        clinic = ClinicFactory(name=f"Extra Clinic {n:03}")
        add_location(
            clinic,
            routes=["iv", "im"],
            payers=["aetna"],
            hours=[(1, "09:00", "17:00")],
            conditions=["ptsd"],
            languages=["en"],
        )
        ClinicianFactory(clinic=clinic)


# The browser tests -------------------------------------------------------------------------

SEARCH_ZIP = "97205"
CLUSTER_SIZE = 24


def cluster_name(number):
    return f"Demo Willamette Ketamine {number:02d}"


def build_browser_listings():
    """What every browser test starts from (issue 7).

    The deterministic demo data (`generate_demo_data --clinics 60 --seed 1`, one or more
    clinics in every state) plus a cluster of 24 fictional clinics within 20 miles of ZIP
    97205 (Portland, OR), so that a ZIP search there has two pages of results and filters
    that narrow them.
    """
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
        # Every third clinic offers esketamine (covered by Aetna); the others IV infusions.
        if number % 3 == 0:
            offered = {"routes": {"esketamine": (0, 60)}, "payers": ["aetna"]}
        else:
            offered = {"routes": {"iv": (380 + 5 * number, 600 + 5 * number)}}
        add_location(
            clinic,
            name="",
            address_line1=f"{100 + number} SW Example Street",
            miles=0.6 * number,
            bearing=(47 * number) % 360,
            payment_options=["self-pay"],
            conditions=["treatment-resistant-depression"],
            languages=["en", "es"] if number % 4 == 1 else ["en"],
            hours=[(1, "09:00", "17:00")],
            **offered,
        )
