"""Fill a database with N synthetic published locations for the scale benchmark.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100k uv run python bench/generate.py 100000

Locations sit around real ZIP centroids (so they cluster like the population) with a few
miles of jitter; about 1.3 locations per clinic; each offers one to three routes with prices,
about 60% accept one to four payers, each treats one to four conditions, takes one to three
payment options and speaks English (a fifth also Spanish, some another language), so the
facet counts read through tables of a realistic size. Rows are written with bulk_create in batches (no
history, no geocoding: this is load, not listings). `--cluster` physically orders the
location table by latitude afterwards (PostgreSQL CLUSTER; docs/geo-search.md §7).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from clinics import geo  # noqa: E402
from clinics.models import (  # noqa: E402
    Clinic,
    Condition,
    Language,
    Location,
    Offering,
    Payer,
    PayerAcceptance,
    PaymentOption,
    TreatmentRoute,
    refresh_masks,
)

BATCH = 5000


def generate(count, seed=1):
    rng = random.Random(seed)
    zips = sorted(geo.zip_index().items())
    routes = list(TreatmentRoute.objects.order_by("sort_order"))
    payers = list(Payer.objects.all())
    conditions = list(Condition.objects.all())
    payment_options = list(PaymentOption.objects.all())
    english = Language.objects.get(code="en")
    spanish = Language.objects.get(code="es")
    others = list(Language.objects.filter(code__in=["zh", "vi", "ko", "ru", "fr", "ar"]))
    made = 0
    clinic_number = 0
    started = time.perf_counter()
    while made < count:
        size = min(BATCH, count - made)
        with transaction.atomic():
            clinics = []
            for _ in range(max(1, int(size / 1.3))):
                clinic_number += 1
                clinics.append(
                    Clinic(
                        name=f"Bench Clinic {clinic_number}",
                        slug=f"bench-clinic-{clinic_number}",
                        status=Clinic.Status.PUBLISHED,
                        offers_kap=rng.random() < 0.4,
                        offers_telehealth=rng.random() < 0.4,
                        accepting_new_patients=rng.random() < 0.85,
                    )
                )
            Clinic.objects.bulk_create(clinics)
            locations = []
            for index in range(size):
                _, (lat, lng, city, state) = rng.choice(zips)
                locations.append(
                    Location(
                        clinic=clinics[index % len(clinics)],
                        address_line1=f"{rng.randrange(1, 9999)} Bench St",
                        city=city.title(),
                        state=state,
                        postal_code="00000",
                        latitude=max(-90, min(90, lat + rng.gauss(0, 0.04))),
                        longitude=max(-180, min(180, lng + rng.gauss(0, 0.05))),
                        coordinates_source=Location.CoordinatesSource.SUPPLIED,
                    )
                )
            Location.objects.bulk_create(locations)
            offerings, acceptances = [], []
            for location in locations:
                for route in rng.sample(routes, rng.choice([1, 1, 2, 3])):
                    low = rng.randrange(0, 800, 5)
                    offerings.append(
                        Offering(
                            location=location,
                            route=route,
                            price_min_usd=low,
                            price_max_usd=low + 200,
                        )
                    )
                if rng.random() < 0.6:
                    for payer in rng.sample(payers, rng.randrange(1, 5)):
                        acceptances.append(PayerAcceptance(location=location, payer=payer))
            Offering.objects.bulk_create(offerings)
            PayerAcceptance.objects.bulk_create(acceptances)
            treats, pays, speaks = [], [], []
            for location in locations:
                for condition in rng.sample(conditions, min(len(conditions), rng.randrange(1, 5))):
                    treats.append(
                        Location.conditions.through(location=location, condition=condition)
                    )
                for option in rng.sample(payment_options, rng.randrange(1, 4)):
                    pays.append(
                        Location.payment_options.through(location=location, paymentoption=option)
                    )
                spoken = [english] + ([spanish] if rng.random() < 0.2 else [])
                if rng.random() < 0.05:
                    spoken.append(rng.choice(others))
                for language in spoken:
                    speaks.append(Location.languages.through(location=location, language=language))
            Location.conditions.through.objects.bulk_create(treats)
            Location.payment_options.through.objects.bulk_create(pays)
            Location.languages.through.objects.bulk_create(speaks)
            refresh_masks([location.pk for location in locations])
        made += size
        print(f"\r{made:,} / {count:,} locations ({time.perf_counter() - started:.0f} s)", end="")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cluster", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if Location.objects.exists():
        sys.exit("The database already has locations; use an empty database.")
    generate(args.count, args.seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if args.cluster:
                cursor.execute("CLUSTER clinics_location USING location_lat_lng")
            cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    main()
