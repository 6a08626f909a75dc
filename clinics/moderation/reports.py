"""Reports that something on a listing is wrong, and what the moderator did about them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinics.mail import email_language, send_email, written_in
from clinics.models import Report
from clinics.moderation.errors import ModerationError
from clinics.moderation.notifications import notify_report


@transaction.atomic
def report_submit(*, clinic, problem, details, email="", language=None):
    """A visitor's report: the moderators hear of it, the reporter gets a receipt (in
    `language`, the one of the page the report was sent from)."""
    report = Report.objects.create(
        clinic=clinic,
        problem=problem,
        details=details,
        email=email,
        language=email_language(language),
    )
    notify_report(report, language=language)
    return report


@transaction.atomic
def report_resolve(*, report, moderator, note):
    note = (note or "").strip()
    if not note:
        raise ModerationError(_("Say what was done about the report."))
    if report.claimed_by_id and report.claimed_by_id != moderator.pk:
        raise ModerationError(
            _("%(moderator)s is working on this report.") % {"moderator": report.claimed_by}
        )
    report.resolved_at = timezone.now()
    report.resolved_by = moderator
    report.resolution_note = note
    report.claimed_by = None
    report.claimed_at = None
    report.save()
    if report.email:
        # In the language of the page the report was sent from.
        with written_in(report.language):
            send_email(
                to=[report.email],
                subject=_("Your report about %(name)s") % {"name": report.clinic.name},
                body=_("Thank you for your report. A moderator looked at it:\n\n%(note)s")
                % {"note": note},
                language=report.language,
            )
    return report
