"""Who hears about what, and the emails moderation sends (issue 15.5).

Every email goes through clinics.mail.send_email (sent by a task after the transaction
commits, never inside the request); links are absolute, built from SITE_URL. Moderators hear
about new listings, changes, reports and requests to manage a listing as they come, or once
a day in a digest, or not at all (ModeratorPreference). People who write to the moderators
(reporters, claimants, people who list a clinic) get a receipt.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clinics.mail import absolute_url, send_email
from clinics.models import MODERATOR_GROUP, ClaimRequest, Clinic, ModeratorPreference, Report

EACH = ModeratorPreference.Email.EACH
DAILY = ModeratorPreference.Email.DAILY


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
    send_email(to=staff_emails(clinic), subject=subject, body=body)


def moderators():
    User = get_user_model()
    return User.objects.filter(is_active=True, groups__name=MODERATOR_GROUP).exclude(email="")


def moderator_emails(frequency=EACH):
    """Moderators who want emails as things come (the default), or in the daily digest."""
    chosen = Q(moderator_preference__email=frequency)
    if frequency == EACH:
        chosen |= Q(moderator_preference__isnull=True)
    return list(moderators().filter(chosen).values_list("email", flat=True).distinct())


def preferences_of(user):
    return ModeratorPreference.objects.filter(user=user).first() or ModeratorPreference(user=user)


def _tell_moderators(subject, lines, path):
    body = "\n\n".join(
        [
            *lines,
            absolute_url(path),
            "Moderation queue: " + absolute_url(reverse("moderation:queue")),
        ]
    )
    send_email(to=moderator_emails(), subject=subject, body=body)


def notify_moderators(*, clinic):
    """A listing or a change to one waits for review."""
    name = clinic.draft_of.name if clinic.draft_of_id else clinic.name
    kind = "Changes to" if clinic.draft_of_id else "New listing:"
    _tell_moderators(
        f"Waiting for review: {kind} {name}",
        [f"{kind} {name} is waiting in the moderation queue."],
        reverse("moderation:clinic", args=[clinic.pk]),
    )


def notify_report(report):
    """A visitor reported wrong information; the reporter gets a receipt."""
    name = report.clinic.name
    _tell_moderators(
        f"New report: {report.get_problem_display()} on {name}",
        [
            f"Someone reported that the listing of {name} is wrong ({report.get_problem_display()}):",
            report.details,
        ],
        reverse("moderation:report", args=[report.pk]),
    )
    send_email(
        to=[report.email],
        subject=f"We received your report about {name}",
        body=(
            f"Thank you for telling us about {name}. A moderator will check the listing and "
            "correct it if needed; we will write to you again when they have.\n\n"
            f"The listing: {absolute_url(report.clinic.get_absolute_url())}"
        ),
    )


def notify_claim(claim, *, with_listing=False):
    """Someone asks to manage a listing; they get a receipt.

    A request sent with a new listing (list your clinic) is one decision with it: the
    moderators hear about the listing, and the sender gets one receipt for both.
    """
    name = claim.clinic.name
    if not with_listing:
        _tell_moderators(
            f"New request to manage {name}",
            [
                f"{claim.name} ({claim.role}, {claim.work_email}) asks to manage the listing of {name}."
            ],
            reverse("moderation:claim", args=[claim.pk]),
        )
    what = f"your listing of {name}" if with_listing else f"your request to manage {name}"
    then = (
        "Once a moderator approves the listing, patients can find it and we will email you a "
        "link to set your password and complete it."
        if with_listing
        else "We check who you are before giving access, and will email you the decision."
    )
    send_email(
        to=[claim.work_email],
        subject=f"We received {what}",
        body=f"Thank you: a moderator will review {what}. {then}",
    )


def what_you_can_do(clinic, link):
    """What a person given access to a listing can do now, and how to sign in."""
    sign_in = absolute_url(reverse("manage:home"))  # the clinic staff pages (issue 17)
    first = (
        f"Set your password with this link (it works once):\n{link}\n\nThen sign in at {sign_in}"
        if link
        else f"Sign in with your existing account at {sign_in}"
    )
    return (
        f"{first} to complete the listing of {clinic.name}: treatment routes and prices, "
        "insurance, opening hours and clinicians. A moderator reviews each change before "
        "patients see it."
    )


# --- the daily digest ---------------------------------------------------------------------


def _waiting_since(since):
    pending = Clinic.objects.awaiting_review()
    return {
        "listings": pending.filter(updated_at__gt=since).count(),
        "reports": Report.objects.filter(resolved_at__isnull=True, created_at__gt=since).count(),
        "claims": ClaimRequest.objects.filter(
            status=ClaimRequest.Status.PENDING, created_at__gt=since
        ).count(),
    }


def _waiting_now():
    return {
        "listings": Clinic.objects.awaiting_review().count(),
        "reports": Report.objects.filter(resolved_at__isnull=True).count(),
        "claims": ClaimRequest.objects.filter(status=ClaimRequest.Status.PENDING).count(),
    }


def send_digests(*, now=None):
    """One email per moderator who chose the daily digest, when anything is waiting.

    Run daily (manage.py send_moderator_digest). Returns the addresses written to.
    """
    now = now or timezone.now()
    waiting = _waiting_now()
    sent = []
    for preference in ModeratorPreference.objects.filter(
        email=DAILY, user__in=moderators()
    ).select_related("user"):
        since = preference.last_digest_at or now - datetime.timedelta(days=1)
        if any(waiting.values()):
            new = _waiting_since(since)
            send_email(
                to=[preference.user.email],
                subject=f"Moderation: {sum(waiting.values())} waiting, {sum(new.values())} new",
                body=(
                    f"Waiting now: {waiting['listings']} listing(s) or change(s), "
                    f"{waiting['reports']} report(s), {waiting['claims']} request(s) to manage "
                    f"a listing.\nNew since {since:%Y-%m-%d %H:%M}: {new['listings']}, "
                    f"{new['reports']}, {new['claims']}.\n\n"
                    f"{absolute_url(reverse('moderation:queue'))}"
                ),
            )
            sent.append(preference.user.email)
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at"])
    return sent
