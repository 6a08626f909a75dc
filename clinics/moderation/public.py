"""The public moderation pages (issue 4): report a listing, claim it, list a new clinic.

The forms resist spam without third-party services: a honeypot field and a signed
timestamp (forms.py), and a per-client rate limit kept in the cache (below).
"""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from clinics.models import Clinic
from clinics.moderation import claims, reports, workflow
from clinics.moderation.forms import ClaimForm, ListClinicForm, ReportForm

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
        reports.report_submit(
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
        claims.claim_request_submit(
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
        clinic = workflow.clinic_propose(
            clinic_fields={
                "name": data["clinic_name"],
                "website": data["website"],
                "phone": data["phone"].number,
                "phone_extension": data["phone"].extension,
                "npi": data["npi"],
            },
            location_fields={
                name: data[name]
                for name in ["address_line1", "address_line2", "city", "state", "postal_code"]
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
