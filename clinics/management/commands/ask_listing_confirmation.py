"""Ask clinic staff "Is your listing still right?": python manage.py ask_listing_confirmation."""

from django.conf import settings
from django.core.management.base import BaseCommand

from clinics import moderation


class Command(BaseCommand):
    help = (
        "Email the staff of each published listing, once every LISTING_CONFIRM_INTERVAL_DAYS, "
        'a one-click "Everything is still right" link and a link to correct the listing. '
        "Run it daily; a listing asked within the interval is skipped."
    )

    def handle(self, *args, **options):
        asked = moderation.ask_listing_confirmation()
        for clinic in asked:
            self.stdout.write(f"Asked {clinic.slug}")
        self.stdout.write(
            f"{len(asked)} listing(s) asked (every {settings.LISTING_CONFIRM_INTERVAL_DAYS} days)."
        )
