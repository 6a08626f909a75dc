"""Benchmark of the CSV import on SQLite or PostgreSQL (a script, not a test; issues 5, 16).

    uv run python bench/import_benchmark.py             # 100,000 rows into SQLite
    uv run python bench/import_benchmark.py --rows 20000 --keep
    uv run python bench/import_benchmark.py --postgres postgres://postgres@127.0.0.1:5432/import_bench

Generates a file in the import format (docs/import-format.md) with fictional clinics
at real ZIP centroids: one to four locations each, half with coordinates and half geocoded from
the ZIP, phones in mixed formats, one to three routes with prices, conditions, payers, payment
options and languages. It migrates a fresh SQLite database in a temporary directory and times:
the first import (everything created, with history), the same file again (nothing changes) and
a dry run. Nothing touches the project's own database: with `--postgres` the named database
is dropped and created afresh first.
"""

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ROUTES = ["iv", "im", "lozenge", "esketamine"]
PRICES = {"iv": (350, 800), "im": (200, 500), "lozenge": (100, 300), "esketamine": (0, 900)}
CONDITIONS = [
    "treatment-resistant-depression",
    "depression",
    "anxiety",
    "ptsd",
    "ocd",
    "chronic-pain",
    "substance-use",
]
PAYERS = ["aetna", "cigna", "unitedhealthcare", "medicare", "blue-cross-blue-shield", "tricare"]
PAYMENT = ["self-pay", "superbill", "financing", "sliding-scale"]
PHONE_FORMATS = ["({a}) {b}-{c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "+1 {a} {b} {c}", "1{a}{b}{c}"]
NAMES = ["Harbor", "Summit", "Prairie", "Cedar", "Lakeside", "Riverbend", "Northstar", "Mesa"]
KINDS = ["Ketamine Clinic", "Infusion Center", "Wellness", "Psychiatry", "Mental Health"]


def generate(path, rows, seed=5):
    """Write `rows` location rows; returns the number of clinics."""
    from clinics import geo
    from clinics.importing import header

    rng = random.Random(seed)
    from clinics.validators import US_STATES

    zips = sorted(item for item in geo.zip_index().items() if item[1][3] in US_STATES)
    columns = header(ROUTES)
    clinic_count = 0
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        while written < rows:
            clinic_count += 1
            name = f"{rng.choice(NAMES)} {rng.choice(KINDS)} {clinic_count}"
            clinic = {
                "clinic_id": f"c-{clinic_count}",
                "clinic_name": name,
                "website": f"clinic{clinic_count}.example.org",
                "email": f"hello@clinic{clinic_count}.example.org",
                "psychotherapy": rng.choice(["yes", "no", "Y", ""]),
                "telehealth": rng.choice(["yes", "no", "TRUE", "0"]),
                "accepting": rng.choice(["yes", "no", "1"]),
            }
            for number in range(1, rng.randint(1, 4) + 1):
                if written >= rows:
                    break
                zip_code, (lat, lng, city, state) = rng.choice(zips)
                routes = rng.sample(ROUTES, rng.randint(1, 3))
                row = {
                    **clinic,
                    "location_id": f"l-{number}",
                    "address_line1": f"{rng.randint(1, 9999)} Example Ave",
                    "city": city,
                    "state": state,
                    "postal_code": zip_code,
                    "phone": rng.choice(PHONE_FORMATS).format(
                        a=rng.choice(["503", "212", "415", "512", "617"]),
                        b=rng.randint(200, 999),
                        c=f"{rng.randint(0, 9999):04d}",
                    ),
                    "routes": ";".join(routes),
                    "conditions": ";".join(rng.sample(CONDITIONS, rng.randint(1, 3))),
                    "insurance": ";".join(rng.sample(PAYERS, rng.randint(0, 2))),
                    "payment": ";".join(rng.sample(PAYMENT, rng.randint(1, 2))),
                    "languages": rng.choice(["en", "en;es", "en;zh", ""]),
                }
                if rng.random() < 0.5:
                    row["latitude"] = f"{lat + rng.uniform(-0.02, 0.02):.5f}"
                    row["longitude"] = f"{lng + rng.uniform(-0.02, 0.02):.5f}"
                for slug in routes:
                    low, high = PRICES[slug]
                    price = rng.randrange(low, high, 50)
                    row[f"price_{slug}"] = (
                        f"{price}" if rng.random() < 0.5 else f"{price}-{price + 200}"
                    )
                writer.writerow(row)
                written += 1
    return clinic_count


def timed(label, function):
    start, cpu = time.perf_counter(), time.process_time()
    report = function()
    seconds = time.perf_counter() - start
    # CPU time of this process too: the wall clock depends on what else the machine runs.
    print(f"{label}: {seconds:.1f} s ({time.process_time() - cpu:.1f} s CPU in Python)")
    for line in report.summary():
        print(f"  {line}")
    if report.errors:
        print(f"  first errors: {[str(e) for e in report.errors[:5]]}")
    return seconds


def recreate(url):
    """Drop and create the database `url` names (on the server it names)."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the CSV and the database")
    parser.add_argument(
        "--postgres", metavar="URL", help="a PostgreSQL database to drop, create and import into"
    )
    parser.add_argument("--json", type=Path, help="write the timings to this file")
    parser.add_argument(
        "--no-dry-run", action="store_true", help="skip the dry run (make bench: time is short)"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="import-bench-"))
    if args.postgres:
        recreate(args.postgres)
        os.environ["DATABASE_URL"] = args.postgres
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    # Production-like settings: DEBUG off, so Django does not keep every query in memory.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("SITE_URL", "http://localhost")  # required with DEBUG off
    # A one-off command, like manage.py import_clinics: no statement limit (settings.py).
    os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from clinics.importing import import_clinics

    call_command("migrate", verbosity=0)
    path = workdir / "clinics.csv"
    start = time.perf_counter()
    clinics = generate(path, args.rows)
    print(
        f"generated {args.rows:,} rows ({clinics:,} clinics) in "
        f"{time.perf_counter() - start:.1f} s: {path}"
    )

    first = timed("first import", lambda: import_clinics(path, source_name="bench"))
    again = timed("same file again", lambda: import_clinics(path, source_name="bench"))
    dry = None
    if not args.no_dry_run:
        dry = timed("dry run", lambda: import_clinics(path, source_name="bench", dry_run=True))
    print(f"{args.rows / first:,.0f} rows/s on the first import")
    if args.json:
        database = "postgresql" if args.postgres else "sqlite"
        timings = {"rows": args.rows, "database": database, "first_import_s": round(first, 1)}
        timings |= {"same_file_again_s": round(again, 1), "dry_run_s": dry and round(dry, 1)}
        args.json.write_text(json.dumps(timings, indent=2))
    if args.keep:
        print(f"kept {workdir}")
    else:
        for child in workdir.iterdir():
            child.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
