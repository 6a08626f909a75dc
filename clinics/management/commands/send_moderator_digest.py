"""Email the daily digest to moderators who chose it: python manage.py send_moderator_digest."""

from django.core.management.base import BaseCommand

from clinics.moderation.notifications import send_digests


class Command(BaseCommand):
    help = (
        "Email each moderator who chose the daily digest what is waiting in the moderation "
        "queue and what is new since the last digest. Run it once a day."
    )

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"{len(sent)} digest(s) sent.")
