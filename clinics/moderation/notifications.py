"""Who hears about a listing, and the emails moderation sends."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse

from clinics.models import MODERATOR_GROUP, ClaimRequest


def send(*, to, subject, body):
    recipients = sorted({address for address in to if address})
    if recipients:
        send_mail(
            subject=subject,
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )


def staff_emails(clinic):
    """Who hears about a listing: its staff, or for a listing never published, its requester."""
    published = clinic.draft_of if clinic.draft_of_id else clinic
    emails = list(
        published.staff_memberships.exclude(user__email="").values_list("user__email", flat=True)
    )
    if not emails:
        emails = list(
            published.claim_requests.filter(status=ClaimRequest.Status.PENDING).values_list(
                "work_email", flat=True
            )
        )
    return emails


def notify_staff(*, clinic, subject, body):
    send(to=staff_emails(clinic), subject=subject, body=body)


def moderator_emails():
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, groups__name=MODERATOR_GROUP)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def notify_moderators(*, clinic):
    name = clinic.draft_of.name if clinic.draft_of_id else clinic.name
    kind = "Changes to" if clinic.draft_of_id else "New listing:"
    send(
        to=moderator_emails(),
        subject=f"Waiting for review: {kind} {name}",
        body=f"{kind} {name} is waiting in the moderation queue.\n\n"
        f"{reverse('moderation:clinic', args=[clinic.pk])}",
    )
