"""Make a person a moderator: python manage.py add_moderator EMAIL."""

import os

from django.core.management.base import BaseCommand

from clinics import moderation


class Command(BaseCommand):
    help = (
        "Make the person with this email a moderator, creating the user if needed. "
        "New users get a password-setting link, never a default password."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--base-url",
            default=os.environ.get("SITE_URL", "http://localhost:8000"),
            help="Where the site runs, for the link (default: $SITE_URL or localhost).",
        )

    def handle(self, *args, email, base_url, **options):
        user, link = moderation.moderator_add(email=email, base_url=base_url.rstrip("/"))
        self.stdout.write(f"{user.email} is a moderator.")
        if link:
            self.stdout.write(f"Password-setting link (send it to them): {link}")
