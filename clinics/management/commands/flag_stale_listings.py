"""Flag listings not verified in 12 months: python manage.py flag_stale_listings."""

import os

from django.core.management.base import BaseCommand

from clinics import moderation


class Command(BaseCommand):
    help = (
        "Flag published listings not verified in 12 months (patients see them as possibly "
        "outdated) and email their staff asking to confirm. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=os.environ.get("SITE_URL", "http://localhost:8000"),
            help="Where the site runs, for the link in the email.",
        )

    def handle(self, *args, base_url, **options):
        flagged = moderation.flag_stale_listings(base_url=base_url.rstrip("/"))
        for clinic in flagged:
            self.stdout.write(f"Flagged {clinic.slug}")
        self.stdout.write(f"{len(flagged)} listing(s) flagged.")
