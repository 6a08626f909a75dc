"""The public moderation pages (issue 4): report a listing, claim it, list a new clinic.

The forms resist spam without third-party services: a honeypot field and a signed,
single-use token (forms.py), and a per-client rate limit (limits.py). Both are kept in the
shared cache, so they hold across every worker and host; the client is `request.client_ip`,
the address found behind PROXY_COUNT proxies (docs/security.md).
"""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from clinics.models import Clinic
from clinics.moderation import claims, limits, reports, workflow
from clinics.moderation.forms import ClaimForm, ListClinicForm, ReportForm

RATE_LIMIT_MESSAGE = _("You have sent several forms in a short time. Please try again in an hour.")


def client_address(request):
    """The client, as the project's middleware found it (directory/client.py)."""
    return getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR", "")


def _public_form(request, *, form_class, scope, template, context, on_valid):
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        if limits.rate_limited(client_address(request), scope):
            form.is_valid()
            form.add_error(None, RATE_LIMIT_MESSAGE)
            status = 429
        elif form.is_valid() and form.use_token():
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
            language=get_language(),
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
            language=get_language(),
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
            language=get_language(),
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
