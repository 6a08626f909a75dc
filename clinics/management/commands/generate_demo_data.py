import time

from django.core.management.base import BaseCommand

from clinics import demo
from clinics.models import Clinic


class Command(BaseCommand):
    help = "Create fictional demo clinics at real US ZIP centroids (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--clinics", type=int, default=320, help="How many clinics (min 51).")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when clinics already exist."
        )

    def handle(self, *args, clinics, seed, if_empty, verbosity=1, **options):
        if if_empty and Clinic.objects.exists():
            self.stdout.write("Clinics already exist; demo data not loaded.")
            return
        started = time.monotonic()
        # Each step says what it wrote, so a first `make run` is never silent (-v 0: quiet).
        progress = self.stdout.write if verbosity >= 1 else None
        created, locations = demo.generate(clinics=clinics, seed=seed, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created} demo clinics with {locations} locations "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
