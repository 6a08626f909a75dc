"""How a change reaches the public (issue 4): edit, submit, approve, reject, verify.

Every action is keyword-only and runs in one transaction. Staff never write to a published
listing. The first edit creates a *working copy* (a Clinic row with `draft_of` pointing at
the published one, status draft, its own slug), copied with its locations, offerings,
insurance, hours and clinicians. Staff edit the copy and submit it (pending).
`clinic_approve` writes the copy's content onto the published listing, keeping the published
locations' ids (matched through `Location.draft_of`), and deletes the copy. A new listing has
no copy: it is pending itself and approval publishes it.

A pending listing is frozen for its staff (issue 12.2): they withdraw it to edit again. The
review page shows a version (`review_version`) and the decision carries it back; a listing
that changed in between is refused, so what is approved is what the moderator reviewed.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clinics.mail import absolute_url, send_email, written_in
from clinics.models import ClaimRequest, Clinic, Location, Offering, Verification
from clinics.models.verification import SOURCE_CLINIC, SOURCE_MODERATOR
from clinics.moderation.claims import claim_request_approve, claim_request_submit
from clinics.moderation.copying import Writer, apply_state, noted
from clinics.moderation.diff import EMPTY, Describer
from clinics.moderation.errors import ModerationError
from clinics.moderation.notifications import notify_moderators, notify_staff, what_you_can_do
from clinics.moderation.onboarding import password_setting_link
from clinics.moderation.queue import check_claim
from clinics.moderation.state import (
    facts_changed,
    fingerprint,
    listing_state,
    renew_fact_dates,
)
from clinics.moderation.threeway import staff_merge


def _working_copy_slug(clinic):
    base = f"{clinic.slug[:180]}--draft"
    n = 1
    while Clinic.objects.filter(slug=f"{base}-{n}").exists():
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def clinic_start_edit(*, clinic, user):
    """The working copy staff edit instead of the published listing (created on first edit)."""
    if clinic.draft_of_id:
        return clinic
    if clinic.status != Clinic.Status.PUBLISHED:
        return clinic  # a new or archived listing is edited in place
    # Lock the published row so two first edits at once make one copy, not an error.
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    existing = Clinic.objects.filter(draft_of=clinic).first()
    if existing:
        return existing
    base = listing_state(clinic)
    copy = Clinic(
        draft_of=clinic,
        slug=_working_copy_slug(clinic),
        status=Clinic.Status.DRAFT,
        draft_base=base,
    )
    return apply_state(copy, base, writer=Writer(user, "Working copy started"))


@transaction.atomic
def clinic_submit(*, clinic, user):
    """Staff ask a moderator to publish their changes (or their new listing)."""
    if clinic.status == Clinic.Status.PENDING:
        return clinic
    if clinic.status not in (Clinic.Status.DRAFT, Clinic.Status.REJECTED):
        raise ModerationError(_("Only a draft or a rejected listing can be submitted for review."))
    clinic.status = Clinic.Status.PENDING
    noted(clinic, user, "Submitted for review").save()
    notify_moderators(clinic=clinic)
    return clinic


@transaction.atomic
def clinic_withdraw(*, clinic, user):
    """Staff take their listing back from review to edit it again (it is frozen while pending)."""
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    if clinic.status != Clinic.Status.PENDING:
        raise ModerationError(_("Only a listing waiting for review can be withdrawn."))
    clinic.status = Clinic.Status.DRAFT
    clinic.review_claimed_by = None
    clinic.review_claimed_at = None
    noted(clinic, user, "Withdrawn from review to edit").save()
    return clinic


def review_version(clinic):
    """What the moderator reviews, as a short digest: the listing and what it would change.

    The approve and reject forms carry it; `check_version` refuses a decision when anything
    under the listing (or the published listing it edits) changed since.
    """
    states = [clinic.status, listing_state(clinic)]
    if clinic.draft_of_id:
        states.append(listing_state(clinic.draft_of))
    return fingerprint(*states)


def check_version(clinic, seen_version):
    if seen_version is not None and seen_version != review_version(clinic):
        raise ModerationError(
            _("The listing changed since you opened it. Review the changes again before deciding.")
        )


def _unique_slug(name):
    base = slugify(name)[:180] or "clinic"
    slug, n = base, 1
    while Clinic.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def clinic_propose(*, clinic_fields, location_fields, requester, language=None):
    """A new listing from the public "list your clinic" form: pending, with one location.

    The sender's details become a claim request, so approving it gives them access; their
    receipt is in `language`, the one of the page they sent the form from.
    """
    clinic = Clinic(
        **clinic_fields, slug=_unique_slug(clinic_fields["name"]), status=Clinic.Status.PENDING
    )
    noted(clinic, None, "Proposed through the list-your-clinic form").save()
    location = Location(clinic=clinic, **location_fields)
    noted(location, None, "Proposed through the list-your-clinic form").save()
    claim_request_submit(clinic=clinic, **requester, with_listing=True, language=language)
    notify_moderators(clinic=clinic)
    return clinic


def review_of(clinic, choices=None):
    """What the review page shows: the staff's changes, conflicts to decide, the version."""
    describer = Describer()
    review = {"version": review_version(clinic), "conflicts": [], "published_changes": []}
    if not clinic.draft_of_id:
        review["changes"] = describer.changes(EMPTY, listing_state(clinic))
        return review
    merge = staff_merge(clinic, choices)
    states = (merge.published, merge.staff, merge.base)
    review["changes"] = describer.changes(merge.base, merge.staff)
    review["published_changes"] = describer.changes(merge.base, merge.published)
    review["conflicts"] = describer.conflict_rows(merge.conflicts, *states)
    return review


def submitter(clinic):
    """The staff member who sent the listing for review (None for a public proposal)."""
    record = clinic.history.filter(history_change_reason="Submitted for review").first()
    return record.history_user if record else None


@transaction.atomic
def clinic_approve(*, clinic, reviewer, seen_version=None, choices=None, approve_claims=()):
    """Publish a pending listing or a pending working copy; returns the published clinic.

    `seen_version` is the review_version the moderator saw; a listing changed since is refused.
    Only what the staff changed is applied (clinics.moderation.threeway); for each conflict
    `choices` says whose value to keep ("published" or "staff"), and none may be left out.
    For a new listing, `approve_claims` (ids) are its pending claims approved with it.
    """
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    if clinic.status != Clinic.Status.PENDING:
        raise ModerationError(_("Only a listing waiting for review can be approved."))
    check_claim(clinic, reviewer)
    check_version(clinic, seen_version)
    if clinic.draft_of_id:
        published = Clinic.objects.select_for_update().get(pk=clinic.draft_of_id)
        merge = staff_merge(clinic, choices)
        if merge.undecided(choices):
            raise ModerationError(
                _(
                    "The published listing changed since this copy was started, and both changed "
                    "the same things: choose which value to keep for each conflict."
                )
            )
        check_has_route(merge.merged)
        renew_fact_dates(merge.merged, merge.base, merge.staff, timezone.localdate())
        published.review_note = ""
        published.review_claimed_by = None
        published.review_claimed_at = None
        author = submitter(clinic)
        writer = Writer(reviewer, f"Approved changes (reviewed by {reviewer})", author)
        apply_state(published, merge.merged, writer=writer)
        _confirmed_by_clinic(published, facts_changed(merge.base, merge.staff), reviewer)
        # Location.draft_of on the copy pointed at published rows; the copy goes now.
        noted(clinic, reviewer, "Working copy approved and removed").delete()
    else:
        state = listing_state(clinic)
        check_has_route(state)
        renew_fact_dates(state, EMPTY, state, timezone.localdate())
        published = clinic
        published.status = Clinic.Status.PUBLISHED
        published.review_note = ""
        published.review_claimed_by = None
        published.review_claimed_at = None
        writer = Writer(reviewer, f"Approved by {reviewer}", submitter(clinic))
        apply_state(published, state, writer=writer)
        _confirmed_by_clinic(published, facts_changed(EMPTY, state), reviewer)
        _announce_new_listing(published, reviewer, approve_claims)
        return published
    with written_in():
        notify_staff(
            clinic=published,
            subject=_("Your changes to %(name)s are live") % {"name": published.name},
            body=_("A moderator approved the changes to %(name)s. Patients now see them.")
            % {"name": published.name},
        )
    return published


def check_has_route(state):
    """A listing no search by route could find, with no price to show, is not published."""
    if not any(location["offerings"] for location in state["locations"].values()):
        raise ModerationError(
            _(
                "This listing offers no treatment route, so it cannot be published: add at least "
                "one route (IV, IM, lozenge or esketamine) to a location first, in the admin."
            )
        )


def _confirmed_by_clinic(clinic, facts, reviewer):
    """Facts the clinic stated in an approved change count as confirmed by the clinic today."""
    Verification.objects.bulk_create(
        Verification(
            clinic=clinic,
            fact=fact,
            confirmed_on=timezone.localdate(),
            method=f"stated by the clinic; approved by {reviewer}"[:200],
            source=SOURCE_CLINIC,
        )
        for fact in facts
    )


def _announce_new_listing(clinic, reviewer, approve_claims):
    """A new listing is published; its sender's claim is decided in the same step (15.6).

    Each claimant approved now gets one email: the listing is live, and how to manage it
    (the password link). A claimant not approved yet hears the listing is live and that
    their request is still being checked; staff who added the listing hear it is live.
    Claimants read it in the language of the page they wrote from; staff in the default one.
    """
    staff = list(
        clinic.staff_memberships.exclude(user__email="").values_list("user__email", flat=True)
    )
    with written_in():
        send_email(to=staff, subject=_published(clinic), body=_live(clinic))
    chosen = {str(pk) for pk in approve_claims or ()}
    for claim in clinic.claim_requests.filter(status=ClaimRequest.Status.PENDING):
        if str(claim.pk) not in chosen:
            with written_in(claim.language):
                still = _(
                    "Your request to manage it is still being checked; we will email you when "
                    "it is decided."
                )
                send_email(
                    to=[claim.work_email],
                    subject=_published(clinic),
                    body=f"{_live(clinic)}\n\n{still}",
                    language=claim.language,
                )
            continue
        user = claim_request_approve(claim=claim, moderator=reviewer, notify=False).user
        link = "" if user.has_usable_password() else password_setting_link(user)
        with written_in(claim.language):
            send_email(
                to=[claim.work_email],
                subject=_("%(name)s is published, and you can now manage it")
                % {"name": clinic.name},
                body=f"{_live(clinic)}\n\n{what_you_can_do(clinic, link)}",
                language=claim.language,
            )


def _published(clinic):
    return _("%(name)s is published") % {"name": clinic.name}


def _live(clinic):
    return _(
        "A moderator approved the listing of %(name)s: patients can now find it at %(url)s."
    ) % {"name": clinic.name, "url": absolute_url(clinic.get_absolute_url())}


@transaction.atomic
def clinic_reject(*, clinic, reviewer, reason, seen_version=None):
    """Send a pending listing back to its staff with the moderator's reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("Give the staff a reason for the rejection."))
    clinic = Clinic.objects.select_for_update().get(pk=clinic.pk)
    if clinic.status != Clinic.Status.PENDING:
        raise ModerationError(_("Only a listing waiting for review can be rejected."))
    check_claim(clinic, reviewer)
    check_version(clinic, seen_version)
    clinic.status = Clinic.Status.REJECTED
    clinic.review_note = reason
    clinic.review_claimed_by = None
    clinic.review_claimed_at = None
    noted(clinic, reviewer, f"Rejected by {reviewer}").save()
    name = clinic.draft_of.name if clinic.draft_of_id else clinic.name
    with written_in():
        notify_staff(
            clinic=clinic,
            subject=_("Your changes to %(name)s were not approved") % {"name": name},
            body=_(
                "A moderator did not approve the changes to %(name)s.\n\nReason: %(reason)s\n\n"
                "Patients still see the last approved version. You can correct the listing at "
                "%(manage)s and submit it again."
            )
            % {"name": name, "reason": reason, "manage": absolute_url(reverse("manage:home"))},
        )
    return clinic


@transaction.atomic
def clinic_verify(*, clinic, moderator, checks=None):
    """A moderator confirmed facts of the listing today (issue 15.10): {fact: how}.

    Each fact gets a Verification (source moderator, today); the listing's `verified_at` is
    today, and patients stop seeing "may be outdated". Without checks, nothing is recorded.
    """
    checks = {fact: (how or "").strip() for fact, how in (checks or {}).items()}
    unknown = set(checks) - set(Verification.Fact.values)
    if not checks or unknown:
        raise ModerationError(_("Tick what you confirmed, and how."))
    today = timezone.localdate()
    Verification.objects.bulk_create(
        Verification(
            clinic=clinic,
            fact=fact,
            confirmed_on=today,
            method=how[:200] or Verification.DEFAULT_METHODS[fact],
            source=SOURCE_MODERATOR,
            confirmed_by=moderator,
        )
        for fact, how in checks.items()
    )
    clinic.verified_at = today
    clinic.flagged_stale_at = None
    # The history records its reasons in the default language, whoever reads the page.
    with translation.override(settings.LANGUAGE_CODE):
        labels = ", ".join(str(Verification.Fact(fact).label) for fact in checks)
    # A confirmed fact that carries a date is dated today (issue 14.4).
    if Verification.Fact.ACCEPTING in checks and clinic.accepting_new_patients is not None:
        clinic.accepting_as_of = today
    if Verification.Fact.PRICES in checks:
        for offering in Offering.objects.filter(location__clinic=clinic):
            if offering.has_price:
                offering.prices_as_of = today
                noted(offering, moderator, f"Verified: {labels}").save()
    noted(clinic, moderator, f"Verified: {labels}").save()
    return clinic
