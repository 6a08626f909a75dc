"""Who hears about what, and the emails moderation sends (issue 15.5).

Every email goes through clinics.mail.send_email (sent by a task after the transaction
commits, never inside the request); links are absolute, built from SITE_URL. Moderators hear
about new listings, changes, reports and requests to manage a listing as they come, or once
a day in a digest, or not at all (ModeratorPreference). People who write to the moderators
(reporters, claimants, people who list a clinic) get a receipt, in the language of the page
they wrote from (`language`); what moderators and staff read is in the default language.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinics.mail import absolute_url, send_email, written_in
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
    """Email the listing's staff (composed by the caller inside `written_in()`)."""
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
    """Email the moderators who want each new item (compose inside `written_in()`)."""
    body = "\n\n".join(
        [
            *lines,
            absolute_url(path),
            _("Moderation queue: %(url)s") % {"url": absolute_url(reverse("moderation:queue"))},
        ]
    )
    send_email(to=moderator_emails(), subject=subject, body=body)


def notify_moderators(*, clinic):
    """A listing or a change to one waits for review."""
    name = clinic.draft_of.name if clinic.draft_of_id else clinic.name
    with written_in():
        if clinic.draft_of_id:
            subject = _("Waiting for review: Changes to %(name)s") % {"name": name}
            line = _("Changes to %(name)s is waiting in the moderation queue.") % {"name": name}
        else:
            subject = _("Waiting for review: New listing: %(name)s") % {"name": name}
            line = _("New listing: %(name)s is waiting in the moderation queue.") % {"name": name}
        _tell_moderators(subject, [line], reverse("moderation:clinic", args=[clinic.pk]))


def notify_report(report, *, language=None):
    """A visitor reported wrong information; the reporter gets a receipt in `language`."""
    name = report.clinic.name
    with written_in():
        problem = report.get_problem_display()
        _tell_moderators(
            _("New report: %(problem)s on %(name)s") % {"problem": problem, "name": name},
            [
                _("Someone reported that the listing of %(name)s is wrong (%(problem)s):")
                % {"name": name, "problem": problem},
                report.details,
            ],
            reverse("moderation:report", args=[report.pk]),
        )
    with written_in(language):
        send_email(
            to=[report.email],
            subject=_("We received your report about %(name)s") % {"name": name},
            body=_(
                "Thank you for telling us about %(name)s. A moderator will check the listing "
                "and correct it if needed; we will write to you again when they have.\n\n"
                "The listing: %(url)s"
            )
            % {"name": name, "url": absolute_url(report.clinic.get_absolute_url())},
            language=language,
        )


def notify_claim(claim, *, with_listing=False, language=None):
    """Someone asks to manage a listing; they get a receipt in `language`.

    A request sent with a new listing (list your clinic) is one decision with it: the
    moderators hear about the listing, and the sender gets one receipt for both.
    """
    name = claim.clinic.name
    if not with_listing:
        with written_in():
            _tell_moderators(
                _("New request to manage %(name)s") % {"name": name},
                [
                    _("%(person)s (%(role)s, %(email)s) asks to manage the listing of %(name)s.")
                    % {
                        "person": claim.name,
                        "role": claim.role,
                        "email": claim.work_email,
                        "name": name,
                    }
                ],
                reverse("moderation:claim", args=[claim.pk]),
            )
    with written_in(language):
        if with_listing:
            subject = _("We received your listing of %(name)s") % {"name": name}
            body = _(
                "Thank you: a moderator will review your listing of %(name)s. Once a moderator "
                "approves the listing, patients can find it and we will email you a link to set "
                "your password and complete it."
            ) % {"name": name}
        else:
            subject = _("We received your request to manage %(name)s") % {"name": name}
            body = _(
                "Thank you: a moderator will review your request to manage %(name)s. We check "
                "who you are before giving access, and will email you the decision."
            ) % {"name": name}
        send_email(to=[claim.work_email], subject=subject, body=body, language=language)


def what_you_can_do(clinic, link):
    """What a person given access to a listing can do now, and how to sign in."""
    sign_in = absolute_url(reverse("manage:home"))  # the clinic staff pages (issue 17)
    values = {"link": link, "sign_in": sign_in, "name": clinic.name}
    if link:
        text = _(
            "Set your password with this link (it works once):\n%(link)s\n\n"
            "Then sign in at %(sign_in)s to complete the listing of %(name)s: treatment routes "
            "and prices, insurance, opening hours and clinicians. A moderator reviews each "
            "change before patients see it."
        )
    else:
        text = _(
            "Sign in with your existing account at %(sign_in)s to complete the listing of "
            "%(name)s: treatment routes and prices, insurance, opening hours and clinicians. "
            "A moderator reviews each change before patients see it."
        )
    return text % values


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


def _send_digest(email, waiting, new, since):
    body = _(
        "Waiting now: %(listings)s listing(s) or change(s), %(reports)s report(s), "
        "%(claims)s request(s) to manage a listing.\nNew since %(since)s: %(new_listings)s, "
        "%(new_reports)s, %(new_claims)s.\n\n%(url)s"
    ) % {
        **waiting,
        "since": f"{since:%Y-%m-%d %H:%M}",
        "new_listings": new["listings"],
        "new_reports": new["reports"],
        "new_claims": new["claims"],
        "url": absolute_url(reverse("moderation:queue")),
    }
    subject = _("Moderation: %(waiting)s waiting, %(new)s new") % {
        "waiting": sum(waiting.values()),
        "new": sum(new.values()),
    }
    send_email(to=[email], subject=subject, body=body)


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
            with written_in():
                _send_digest(preference.user.email, waiting, new, since)
            sent.append(preference.user.email)
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at"])
    return sent
