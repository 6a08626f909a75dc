"""The moderator pages (issue 4): the queue, reviewing a listing, its history, reports, claims.

Views parse a form, call a function of the moderation package and render. These pages are
for moderators only; anyone else signed in gets a 404, as if the page did not exist.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinics import access
from clinics.models import ClaimRequest, Clinic, Report, latest_checks
from clinics.moderation import claims, history, registry, reports, revert, stale, workflow
from clinics.moderation.errors import ModerationError
from clinics.moderation.flags import listing_flags
from clinics.moderation.forms import ClaimDecisionForm, DigestForm, ReasonForm, VerificationForm
from clinics.moderation.notifications import preferences_of
from clinics.moderation.queue import moderation_claim, moderation_release

# --- moderator pages ------------------------------------------------------------------------


def moderator_required(view):
    """Anonymous people are asked to sign in; signed-in non-moderators get a 404."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not access.is_moderator(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper


@moderator_required
def queue(request):
    """Everything waiting for a moderator, oldest first, with the counts of each kind."""
    waiting = Clinic.objects.awaiting_review().select_related("draft_of", "review_claimed_by")
    new = list(waiting.filter(draft_of__isnull=True).order_by("updated_at", "pk"))
    changes = list(waiting.filter(draft_of__isnull=False).order_by("updated_at", "pk"))
    reports = list(
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("clinic", "claimed_by")
        .order_by("created_at", "pk")
    )
    claims = list(
        ClaimRequest.objects.filter(status=ClaimRequest.Status.PENDING)
        .select_related("clinic", "claimed_by")
        .order_by("created_at", "pk")
    )
    stale_all = stale.stale_listings().order_by(
        F("verified_at").asc(nulls_first=True), "created_at", "pk"
    )
    stale_count = stale_all.count()
    context = {
        "new_listings": new,
        "changes": changes,
        "clinics": new + changes,
        "reports": reports,
        "claims": claims,
        "stale": list(stale_all[:STALE_SHOWN]),
        "counts": {
            "new": len(new),
            "changes": len(changes),
            "reports": len(reports),
            "claims": len(claims),
            "stale": stale_count,
        },
        "digest_form": DigestForm(instance=preferences_of(request.user)),
    }
    return render(request, "moderation/queue.html", context)


STALE_SHOWN = 50


@moderator_required
@require_http_methods(["POST"])
def email_preference(request):
    form = DigestForm(request.POST, instance=preferences_of(request.user))
    if form.is_valid():
        form.save()
        messages.success(
            request, _("Emails: %(choice)s.") % {"choice": form.instance.get_email_display()}
        )
    else:
        messages.error(request, _("Choose how you want to hear about new work."))
    return redirect("moderation:queue")


CHOICE_PREFIX = "conflict:"


def _conflict_choices(data):
    """{conflict id: "published" or "staff"} from the approve form's radio buttons."""
    return {
        name.removeprefix(CHOICE_PREFIX): value
        for name, value in data.items()
        if name.startswith(CHOICE_PREFIX)
    }


@moderator_required
@require_http_methods(["GET", "POST"])
def review_clinic(request, pk):
    clinic = access.get_moderation_clinic_or_404(request.user, pk=pk)
    reason_form = ReasonForm(request.POST if request.POST.get("action") == "reject" else None)
    verify_form = VerificationForm(request.POST if request.POST.get("action") == "verify" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "claim":
                if not moderation_claim(item=clinic, moderator=request.user):
                    messages.error(
                        request,
                        _("%(moderator)s is reviewing this.")
                        % {"moderator": clinic.review_claimed_by},
                    )
                return redirect("moderation:clinic", pk=clinic.pk)
            if action == "release":
                moderation_release(item=clinic, moderator=request.user)
                return redirect("moderation:clinic", pk=clinic.pk)
            if action == "approve":
                published = workflow.clinic_approve(
                    clinic=clinic,
                    reviewer=request.user,
                    seen_version=request.POST.get("version", ""),
                    choices=_conflict_choices(request.POST),
                    approve_claims=request.POST.getlist("approve_claim"),
                )
                messages.success(
                    request, _("Approved: %(name)s is live.") % {"name": published.name}
                )
                return redirect("moderation:queue")
            if action == "reject" and reason_form.is_valid():
                workflow.clinic_reject(
                    clinic=clinic,
                    reviewer=request.user,
                    reason=reason_form.cleaned_data["reason"],
                    seen_version=request.POST.get("version", ""),
                )
                messages.success(request, _("Rejected; the staff were emailed the reason."))
                return redirect("moderation:queue")
            if action == "verify" and verify_form.is_valid():
                workflow.clinic_verify(
                    clinic=clinic, moderator=request.user, checks=verify_form.checks()
                )
                messages.success(
                    request,
                    _("%(name)s: verification recorded for today.") % {"name": clinic.name},
                )
                return redirect("moderation:clinic", pk=clinic.pk)
        except ModerationError as error:
            messages.error(request, str(error))
            return redirect("moderation:clinic", pk=clinic.pk)
    review = workflow.review_of(clinic) if clinic.status == Clinic.Status.PENDING else {}
    context = {
        "clinic": clinic,
        "review": review,
        "diff": review.get("changes", []),
        "version": review.get("version", ""),
        "flags": listing_flags(clinic),
        "verify_form": verify_form,
        "checks": latest_checks(clinic),
        "registry": registry.registry_checks(clinic),
        "registry_online": settings.NPI_REGISTRY_ONLINE,
        "claims": (
            clinic.claim_requests.filter(status=ClaimRequest.Status.PENDING)
            if not clinic.draft_of_id
            else []
        ),
        "reason_form": reason_form,
        "claimed_by_other": clinic.review_claimed_by_id
        and clinic.review_claimed_by_id != request.user.pk,
    }
    status = 400 if reason_form.is_bound or verify_form.is_bound else 200
    return render(request, "moderation/review_clinic.html", context, status=status)


@moderator_required
@require_http_methods(["GET"])
def clinic_history(request, pk):
    clinic = access.get_moderation_clinic_or_404(request.user, pk=pk)
    context = {
        "clinic": clinic,
        "versions": history.listing_history(clinic),
        "staff_access": history.staff_access_history(clinic),
    }
    return render(request, "moderation/history.html", context)


@moderator_required
@require_http_methods(["GET", "POST"])
def clinic_revert(request, pk):
    """Revert to a change set of the history: shows what will change, then does it."""
    clinic = access.get_moderation_clinic_or_404(request.user, pk=pk)
    point = request.POST.get("point") or request.GET.get("point", "")
    change_set = next((c for c in history.listing_history(clinic) if c["key"] == point), None)
    if change_set is None:
        raise Http404("No such version.")
    try:
        if request.method == "POST":
            plan = revert.clinic_revert(
                clinic=clinic,
                as_of=change_set["as_of"],
                user=request.user,
                seen_version=request.POST.get("version", ""),
            )
            messages.success(request, _("The listing was reverted; the revert is in the history."))
            for line in plan.kept:
                messages.info(request, line)
            return redirect("moderation:history", pk=clinic.pk)
        plan = revert.revert_plan(clinic=clinic, as_of=change_set["as_of"])
    except ModerationError as error:
        messages.error(request, str(error))
        return redirect("moderation:history", pk=clinic.pk)
    context = {"clinic": clinic, "change_set": change_set, "plan": plan, "changes": plan.changes()}
    return render(request, "moderation/revert.html", context)


@moderator_required
@require_http_methods(["GET", "POST"])
def review_report(request, pk):
    report = get_object_or_404(Report.objects.select_related("clinic", "claimed_by"), pk=pk)
    form = ReasonForm(request.POST if request.POST.get("action") == "resolve" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "claim":
                if not moderation_claim(item=report, moderator=request.user):
                    messages.error(
                        request,
                        _("%(moderator)s is working on this report.")
                        % {"moderator": report.claimed_by},
                    )
                return redirect("moderation:report", pk=report.pk)
            if action == "resolve" and form.is_valid():
                reports.report_resolve(
                    report=report, moderator=request.user, note=form.cleaned_data["reason"]
                )
                messages.success(request, _("Report resolved."))
                return redirect("moderation:queue")
        except ModerationError as error:
            messages.error(request, str(error))
            return redirect("moderation:report", pk=report.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "moderation/review_report.html", {"report": report, "form": form}, status=status
    )


@moderator_required
@require_http_methods(["GET", "POST"])
def review_claim(request, pk):
    claim = get_object_or_404(
        ClaimRequest.objects.select_related("clinic", "claimed_by").prefetch_related(
            Prefetch("clinic__clinicians")
        ),
        pk=pk,
    )
    form = ClaimDecisionForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "claim":
                if not moderation_claim(item=claim, moderator=request.user):
                    messages.error(
                        request,
                        _("%(moderator)s is working on this claim.")
                        % {"moderator": claim.claimed_by},
                    )
                return redirect("moderation:claim", pk=claim.pk)
            if form.is_valid():
                if form.cleaned_data["decision"] == ClaimRequest.Status.APPROVED:
                    claims.claim_request_approve(claim=claim, moderator=request.user)
                    messages.success(
                        request,
                        _("%(email)s now manages the listing.") % {"email": claim.work_email},
                    )
                else:
                    claims.claim_request_reject(
                        claim=claim, moderator=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Claim rejected; the requester was emailed."))
                return redirect("moderation:queue")
        except ModerationError as error:
            messages.error(request, str(error))
            return redirect("moderation:claim", pk=claim.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "moderation/review_claim.html", {"claim": claim, "form": form}, status=status
    )
