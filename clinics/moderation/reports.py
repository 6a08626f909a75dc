"""Reports that something on a listing is wrong, and what the moderator did about them."""

from django.db import transaction
from django.utils import timezone

from clinics.mail import send_email
from clinics.models import Report
from clinics.moderation.errors import ModerationError
from clinics.moderation.notifications import notify_report


@transaction.atomic
def report_submit(*, clinic, problem, details, email=""):
    """A visitor's report: the moderators hear of it, the reporter gets a receipt."""
    report = Report.objects.create(clinic=clinic, problem=problem, details=details, email=email)
    notify_report(report)
    return report


@transaction.atomic
def report_resolve(*, report, moderator, note):
    note = (note or "").strip()
    if not note:
        raise ModerationError("Say what was done about the report.")
    if report.claimed_by_id and report.claimed_by_id != moderator.pk:
        raise ModerationError(f"{report.claimed_by} is working on this report.")
    report.resolved_at = timezone.now()
    report.resolved_by = moderator
    report.resolution_note = note
    report.claimed_by = None
    report.claimed_at = None
    report.save()
    if report.email:
        send_email(
            to=[report.email],
            subject=f"Your report about {report.clinic.name}",
            body=f"Thank you for your report. A moderator looked at it:\n\n{note}",
        )
    return report
