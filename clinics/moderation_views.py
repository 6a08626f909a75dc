"""Pages of issue 4: report and claim a listing, list a new clinic, the moderation queue.

Views parse a form, call a function of clinics/moderation.py and render. Moderation pages are
for moderators only; anyone else signed in gets a 404, as if the page did not exist.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from clinics import access, moderation
from clinics.forms import ClaimDecisionForm, ClaimForm, ListClinicForm, ReasonForm, ReportForm
from clinics.models import ClaimRequest, Clinic, Report

# --- rate limiting (per client, in the cache; no third-party service) ----------------------


def client_id(request):
    """The client's address. Behind a proxy, the proxy must set REMOTE_ADDR (e.g. gunicorn
    --forwarded-allow-ips) rather than us trusting a header anybody can send."""
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limited(request, scope):
    """Count one submission; True when the client exceeded the limit for this scope."""
    limit = getattr(settings, "PUBLIC_FORM_RATE_LIMIT", 5)
    period = getattr(settings, "PUBLIC_FORM_RATE_PERIOD_SECONDS", 3600)
    key = f"ratelimit:{scope}:{client_id(request)}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count > limit


RATE_LIMIT_MESSAGE = "You have sent several forms in a short time. Please try again in an hour."


def _public_form(request, *, form_class, scope, template, context, on_valid):
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        if rate_limited(request, scope):
            form.is_valid()
            form.add_error(None, RATE_LIMIT_MESSAGE)
            status = 429
        elif form.is_valid():
            return on_valid(form)
        else:
            status = 400
    return render(request, template, {**context, "form": form}, status=status)


# --- public pages ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_listing(request, slug):
    clinic = get_object_or_404(Clinic.objects.published(), slug=slug)

    def on_valid(form):
        moderation.report_submit(
            clinic=clinic,
            problem=form.cleaned_data["problem"],
            details=form.cleaned_data["details"],
            email=form.cleaned_data["email"],
        )
        return render(request, "moderation/thanks.html", {"clinic": clinic, "kind": "report"})

    return _public_form(
        request,
        form_class=ReportForm,
        scope="report",
        template="moderation/report_form.html",
        context={"clinic": clinic},
        on_valid=on_valid,
    )


@require_http_methods(["GET", "POST"])
def claim_listing(request, slug):
    clinic = get_object_or_404(Clinic.objects.published(), slug=slug)

    def on_valid(form):
        data = form.cleaned_data
        moderation.claim_request_submit(
            clinic=clinic,
            name=data["name"],
            role=data["role"],
            work_email=data["work_email"],
            npi=data["npi"],
        )
        return render(request, "moderation/thanks.html", {"clinic": clinic, "kind": "claim"})

    return _public_form(
        request,
        form_class=ClaimForm,
        scope="claim",
        template="moderation/claim_form.html",
        context={"clinic": clinic},
        on_valid=on_valid,
    )


@require_http_methods(["GET", "POST"])
def list_your_clinic(request):
    def on_valid(form):
        data = form.cleaned_data
        clinic = moderation.clinic_propose(
            clinic_fields={
                "name": data["clinic_name"],
                "website": data["website"],
                "phone": data["phone"],
                "npi": data["npi"],
            },
            location_fields={
                name: data[name] for name in ["address_line1", "city", "state", "postal_code"]
            },
            requester={name: data[name] for name in ["name", "role", "work_email", "npi"]},
        )
        return render(request, "moderation/thanks.html", {"clinic": clinic, "kind": "new"})

    return _public_form(
        request,
        form_class=ListClinicForm,
        scope="list",
        template="moderation/list_your_clinic.html",
        context={},
        on_valid=on_valid,
    )


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
    context = {
        "clinics": Clinic.objects.awaiting_review()
        .select_related("draft_of", "review_claimed_by")
        .order_by("updated_at"),
        "reports": Report.objects.filter(resolved_at__isnull=True).select_related(
            "clinic", "claimed_by"
        ),
        "claims": ClaimRequest.objects.filter(status=ClaimRequest.Status.PENDING).select_related(
            "clinic", "claimed_by"
        ),
        "stale": Clinic.objects.published().filter(flagged_stale_at__isnull=False)[:50],
    }
    return render(request, "moderation/queue.html", context)


def _base_url(request):
    return request.build_absolute_uri("/").rstrip("/")


@moderator_required
@require_http_methods(["GET", "POST"])
def review_clinic(request, pk):
    clinic = access.get_moderation_clinic_or_404(request.user, pk=pk)
    reason_form = ReasonForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "claim":
                if not moderation.moderation_claim(item=clinic, moderator=request.user):
                    messages.error(request, f"{clinic.review_claimed_by} is reviewing this.")
                return redirect("moderation:clinic", pk=clinic.pk)
            if action == "release":
                moderation.moderation_release(item=clinic, moderator=request.user)
                return redirect("moderation:clinic", pk=clinic.pk)
            if action == "approve":
                published = moderation.clinic_approve(clinic=clinic, reviewer=request.user)
                messages.success(request, f"Approved: {published.name} is live.")
                return redirect("moderation:queue")
            if action == "reject" and reason_form.is_valid():
                moderation.clinic_reject(
                    clinic=clinic, reviewer=request.user, reason=reason_form.cleaned_data["reason"]
                )
                messages.success(request, "Rejected; the staff were emailed the reason.")
                return redirect("moderation:queue")
            if action == "verify":
                moderation.clinic_verify(clinic=clinic, moderator=request.user)
                messages.success(request, f"{clinic.name} marked verified today.")
                return redirect("moderation:clinic", pk=clinic.pk)
        except moderation.ModerationError as error:
            messages.error(request, str(error))
            return redirect("moderation:clinic", pk=clinic.pk)
    context = {
        "clinic": clinic,
        "diff": moderation.listing_diff(clinic) if clinic.status == Clinic.Status.PENDING else [],
        "reason_form": reason_form,
        "claimed_by_other": clinic.review_claimed_by_id
        and clinic.review_claimed_by_id != request.user.pk,
    }
    status = 400 if reason_form.is_bound else 200
    return render(request, "moderation/review_clinic.html", context, status=status)


@moderator_required
@require_http_methods(["GET", "POST"])
def clinic_history(request, pk):
    clinic = access.get_moderation_clinic_or_404(request.user, pk=pk)
    change_sets = moderation.listing_history(clinic)
    if request.method == "POST":
        point = request.POST.get("point", "")
        change_set = next((c for c in change_sets if c["key"] == point), None)
        if change_set is None:
            raise Http404("No such version.")
        try:
            moderation.clinic_revert(clinic=clinic, as_of=change_set["as_of"], user=request.user)
        except moderation.ModerationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The listing was reverted; the revert is in the history.")
        return redirect("moderation:history", pk=clinic.pk)
    versions = change_sets
    return render(request, "moderation/history.html", {"clinic": clinic, "versions": versions})


@moderator_required
@require_http_methods(["GET", "POST"])
def review_report(request, pk):
    report = get_object_or_404(Report.objects.select_related("clinic", "claimed_by"), pk=pk)
    form = ReasonForm(request.POST if request.POST.get("action") == "resolve" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "claim":
                if not moderation.moderation_claim(item=report, moderator=request.user):
                    messages.error(request, f"{report.claimed_by} is working on this report.")
                return redirect("moderation:report", pk=report.pk)
            if action == "resolve" and form.is_valid():
                moderation.report_resolve(
                    report=report, moderator=request.user, note=form.cleaned_data["reason"]
                )
                messages.success(request, "Report resolved.")
                return redirect("moderation:queue")
        except moderation.ModerationError as error:
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
                if not moderation.moderation_claim(item=claim, moderator=request.user):
                    messages.error(request, f"{claim.claimed_by} is working on this claim.")
                return redirect("moderation:claim", pk=claim.pk)
            if form.is_valid():
                if form.cleaned_data["decision"] == ClaimRequest.Status.APPROVED:
                    moderation.claim_request_approve(
                        claim=claim, moderator=request.user, base_url=_base_url(request)
                    )
                    messages.success(request, f"{claim.work_email} now manages the listing.")
                else:
                    moderation.claim_request_reject(
                        claim=claim, moderator=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, "Claim rejected; the requester was emailed.")
                return redirect("moderation:queue")
        except moderation.ModerationError as error:
            messages.error(request, str(error))
            return redirect("moderation:claim", pk=claim.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "moderation/review_claim.html", {"claim": claim, "form": form}, status=status
    )
