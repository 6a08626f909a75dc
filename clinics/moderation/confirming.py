"""The monthly "Is your listing still right?" (issue 17): one click keeps a listing fresh.

Every LISTING_CONFIRM_INTERVAL_DAYS, `ask_listing_confirmation` (manage.py
ask_listing_confirmation, run daily like flag_stale_listings) emails each staff member of each
published listing a link of their own, signed for them and that clinic and working for one
interval. Following it shows a page with one button, "Everything is still right"; only that
POST confirms (a link scanner that opens the link confirms nothing). `listing_confirm` then,
without review (nothing changes but dates):
- dates the listing confirmed by the clinic today (Clinic.staff_confirmed_on), which keeps it
  from "may be outdated" like a moderator's verification (Clinic.is_stale, FRESH_DATES);
- dates today the facts that carry their own date (issue 14.4): accepting new patients, the
  next available appointment when one is stated, and the prices of each priced offering;
- records it in the listing's history, with who confirmed it.
A moderator's verification (`verified_at`, the verified facts) is left as it was: the badge
still says what a moderator checked and when. A working copy waiting for review keeps the new
dates on approval, which takes from the published listing what the staff did not change.
A listing nobody confirms drifts to "may be outdated" STALE_AFTER after its last date.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinics.mail import absolute_url, send_email, written_in
from clinics.models import Clinic, Offering, StaffMembership
from clinics.moderation.copying import noted
from clinics.moderation.signed_links import LinkRefused, days, sign, unsign

SALT = "clinics.listing-confirmation"
CONFIRMED = "Confirmed by clinic staff: everything is still right"


def interval():
    return days(settings.LISTING_CONFIRM_INTERVAL_DAYS)


def confirmation_link(*, clinic, user):
    token = sign({"c": clinic.pk, "u": user.pk}, salt=SALT)
    return absolute_url(reverse("manage:confirm", args=[token]))


def confirmation_from_token(token):
    """(clinic, user) the token was signed for, if the user still keeps that published
    listing; LinkRefused saying why not."""
    payload = unsign(
        token,
        salt=SALT,
        max_age=interval(),
        expired_message=_(
            "This link has expired: each one works for %(days)d days, until the next email "
            "asks again. Sign in to confirm or correct the listing."
        )
        % {"days": settings.LISTING_CONFIRM_INTERVAL_DAYS},
    )
    clinic_id, user_id = payload.get("c"), payload.get("u")
    if not (isinstance(clinic_id, int) and isinstance(user_id, int)):
        raise LinkRefused(_("This link is not valid."))
    membership = (
        StaffMembership.objects.select_related("clinic", "user")
        .filter(clinic_id=clinic_id, user_id=user_id, user__is_active=True)
        .first()
    )
    if membership is None:
        raise LinkRefused(
            _(
                "You no longer keep this listing, so this link cannot confirm it. If you "
                "should, ask the clinic's owner to invite you again."
            ),
            status=403,
        )
    if membership.clinic.status != Clinic.Status.PUBLISHED:
        raise LinkRefused(
            _("This listing is not in the directory now, so there is nothing to confirm."),
            status=410,
        )
    return membership.clinic, membership.user


def listings_due(now=None):
    """Published listings with staff whose staff were not asked within the interval."""
    now = now or timezone.now()
    return (
        Clinic.objects.published()
        .listings()
        .filter(pk__in=StaffMembership.objects.values("clinic_id"))
        .filter(
            Q(confirmation_asked_at__isnull=True) | Q(confirmation_asked_at__lte=now - interval())
        )
    )


@transaction.atomic
def ask_listing_confirmation(*, now=None):
    """Email the staff of each listing due (once per interval); returns those clinics."""
    now = now or timezone.now()
    due = list(listings_due(now).select_for_update(skip_locked=True).order_by("pk"))
    Clinic.objects.filter(pk__in=[clinic.pk for clinic in due]).update(confirmation_asked_at=now)
    members = (
        StaffMembership.objects.filter(clinic__in=due, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "clinic")
    )
    until = timezone.localdate(now) + interval()
    for membership in members:
        _ask(membership.clinic, membership.user, until)
    return due


def _ask(clinic, user, until):
    with written_in():
        send_email(
            to=[user.email],
            subject=_("Is your listing still right? %(clinic)s") % {"clinic": clinic.name},
            body=_(
                "Patients read the listing of %(clinic)s in the Ketamine Provider Directory:\n"
                "%(public)s\n\n"
                "If everything in it is still right (prices, insurance, hours, accepting new "
                "patients), say so with one click; this link works until %(until)s:\n%(link)s\n\n"
                "If something changed, correct it here (a moderator checks changes before "
                "patients see them; accepting new patients and the next appointment change at "
                "once):\n%(manage)s\n\n"
                'A listing nobody confirms is shown to patients as "may be outdated" a year '
                "after it was last verified or confirmed. We ask every %(days)d days."
            )
            % {
                "clinic": clinic.name,
                "public": absolute_url(clinic.get_absolute_url()),
                "until": f"{until:%B} {until.day}, {until.year}",
                "link": confirmation_link(clinic=clinic, user=user),
                "manage": absolute_url(reverse("manage:clinic", args=[clinic.slug])),
                "days": settings.LISTING_CONFIRM_INTERVAL_DAYS,
            },
        )


def renewed_facts(clinic, offerings):
    """What "Everything is still right" dates today, in words, for the confirm page."""
    facts = [_("the listing as a whole (it will not read “may be outdated”)")]
    if clinic.accepting_new_patients is not None:
        facts.append(_("whether you accept new patients"))
    if clinic.next_appointment is not None:
        facts.append(_("the next available appointment"))
    priced = [offering for offering in offerings if offering.has_price]
    if priced:
        facts.append(_("the prices of %(count)d treatment route(s)") % {"count": len(priced)})
    return facts


@transaction.atomic
def listing_confirm(*, clinic, user, today=None):
    """The staff member `user` says the published `clinic` is still right: date it today."""
    today = today or timezone.localdate()
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    clinic.staff_confirmed_on = today
    clinic.flagged_stale_at = None
    if clinic.accepting_new_patients is not None:
        clinic.accepting_as_of = today
    if clinic.next_appointment is not None:
        clinic.next_appointment_as_of = today
    for offering in Offering.objects.filter(location__clinic=clinic):
        if offering.has_price and offering.prices_as_of != today:
            offering.prices_as_of = today
            noted(offering, user, CONFIRMED).save()
    noted(clinic, user, CONFIRMED).save()
    return clinic


def confirmed_recently(clinic, today=None):
    """The day the staff last confirmed, if within the interval (the page says so)."""
    today = today or timezone.localdate()
    on = clinic.staff_confirmed_on
    if on and today - on < datetime.timedelta(days=settings.LISTING_CONFIRM_INTERVAL_DAYS):
        return on
    return None
