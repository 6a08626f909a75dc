"""Make a person staff of a clinic: python manage.py add_clinic_staff EMAIL CLINIC_SLUG."""

import os

from django.core.management.base import BaseCommand, CommandError

from clinics import moderation
from clinics.models import Clinic, StaffMembership


class Command(BaseCommand):
    help = (
        "Make the person with this email staff of a clinic, creating the user if needed. "
        "New users get a password-setting link, never a default password."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("clinic_slug")
        parser.add_argument("--role", choices=StaffMembership.Role.values, default="editor")
        parser.add_argument(
            "--base-url",
            default=os.environ.get("SITE_URL", "http://localhost:8000"),
            help="Where the site runs, for the link (default: $SITE_URL or localhost).",
        )

    def handle(self, *args, email, clinic_slug, role, base_url, **options):
        try:
            clinic = Clinic.objects.get(slug=clinic_slug, draft_of__isnull=True)
        except Clinic.DoesNotExist:
            raise CommandError(f"No clinic with the slug {clinic_slug!r}.") from None
        membership, link = moderation.staff_add(
            email=email, clinic=clinic, role=role, base_url=base_url.rstrip("/")
        )
        self.stdout.write(f"{membership.user.email} is {role} of {clinic.name}.")
        if link:
            self.stdout.write(f"Password-setting link (send it to them): {link}")
