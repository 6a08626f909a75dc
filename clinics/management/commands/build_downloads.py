"""`build_downloads`: build the bulk download files now (for a schedule, e.g. hourly cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from clinics.opendata.downloads import build_all


class Command(BaseCommand):
    help = (
        "Build the bulk downloads (CSV, HSDS JSON, FHIR Bundle) of the published directory for "
        "the current data version; files already built for it are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", ""),
            help="the site's address, for absolute links in the files (https://example.org)",
        )

    def handle(self, *args, base_url, **options):
        for path in build_all(base_url=base_url):
            self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
