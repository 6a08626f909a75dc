"""The /manage/ pages (issue 17): the listings a person keeps, and keeping them.

Views are thin: they find the listing (clinics.access: another clinic's page is the same 404
as a missing one), call a domain function and render. Every page needs a signed-in person;
anonymous visitors are sent to /manage/login/.
"""

import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clinics.access import get_managed_listing_or_404, is_moderator
from clinics.clinic_page import clinic_page_context
from clinics.manage.accounts import signed_in
from clinics.manage.editing import as_published, check_editable, editing_of, listing_edit
from clinics.manage.forms import QuickUpdateForm
from clinics.manage.listing_forms import ListingForms
from clinics.manage.listings import managed_listing, managed_listings
from clinics.manage.quick import clinic_quick_update
from clinics.models import Clinic, clinic_prefetches
from clinics.moderation import ModerationError, clinic_submit, clinic_withdraw, listing_state

# A field of a location's forms: "loc123-city", "locnew45-offerings-0-route" (forms.location_prefix).
LOCATION_FIELD = re.compile(r"^(loc(?:new)?\d+)-")


@signed_in
def home(request):
    context = {
        "listings": managed_listings(request.user),
        "is_moderator": is_moderator(request.user),
    }
    return render(request, "manage/home.html", context)


def _listing(request, slug):
    """The listing at /manage/clinics/<slug>/ if this person keeps it; 404 for anything else."""
    return get_managed_listing_or_404(request.user, slug=slug)


def _fetched(clinic):
    """The listing with everything its page shows, in one query per relation."""
    return Clinic.objects.prefetch_related(*clinic_prefetches()).get(pk=clinic.pk)


def _page(request, clinic, forms=None, status=200, refused=None, quick=None):
    item = managed_listing(clinic)
    editing = _fetched(item.editing)
    state = listing_state(editing)
    forms = forms or ListingForms(editing, state)
    context = {
        "item": item,
        "clinic": clinic,
        "editing": editing,
        "forms": forms,
        "frozen": item.state == "pending",
        "refused": refused,
        "quick": quick or QuickUpdateForm.for_clinic(clinic),
    }
    return render(request, "manage/clinic.html", context, status=status)


def _foreign_locations(request, forms):
    """True when the POST carries location forms that are not this listing's (forged)."""
    mine = {loc.prefix for loc in forms.locations}
    sent = {match.group(1) for name in request.POST if (match := LOCATION_FIELD.match(name))}
    return bool(sent - mine)


@signed_in
def clinic(request, slug):
    listing = _listing(request, slug)
    if request.method != "POST":
        return _page(request, listing)
    editing = _fetched(editing_of(listing))
    forms = ListingForms(editing, listing_state(editing), data=request.POST)
    if _foreign_locations(request, forms):
        raise Http404(_("No such location."))
    try:
        check_editable(editing)
    except ModerationError as error:
        return _page(request, listing, status=403, refused=str(error))
    if not forms.is_valid():
        return _page(request, listing, forms=forms, status=400)
    try:
        saved = listing_edit(clinic=listing, user=request.user, state=forms.new_state())
    except ModerationError as error:
        return _page(request, listing, status=403, refused=str(error))
    if saved is None:
        messages.info(request, _("Nothing changed, so nothing was saved."))
    else:
        messages.success(
            request,
            _(
                "Saved as a draft. Patients do not see it until a moderator approves it: "
                "preview it, then submit it for review."
            ),
        )
    return redirect("manage:clinic", slug=listing.slug)


@signed_in
@require_POST
def withdraw(request, slug):
    listing = _listing(request, slug)
    try:
        clinic_withdraw(clinic=editing_of(listing), user=request.user)
    except ModerationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Withdrawn from review: edit the listing and submit it again."))
    return redirect("manage:clinic", slug=listing.slug)


@signed_in
@require_POST
def submit(request, slug):
    listing = _listing(request, slug)
    editing = editing_of(listing)
    if editing.pk == listing.pk and listing.status == Clinic.Status.PUBLISHED:
        messages.info(request, _("Nothing to submit: change something on the listing first."))
        return redirect("manage:clinic", slug=listing.slug)
    try:
        clinic_submit(clinic=editing, user=request.user)
    except ModerationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Submitted for review. A moderator checks it, usually within two working days; "
                "we email you the decision. Until then patients see the last approved version."
            ),
        )
    return redirect("manage:home")


@signed_in
def preview(request, slug):
    listing = _listing(request, slug)
    editing = _fetched(editing_of(listing))
    context = clinic_page_context(as_published(editing, listing), verified_by=listing)
    context.update({"preview_of": listing, "item": managed_listing(listing)})
    return render(request, "manage/preview.html", context)


@signed_in
@require_POST
def quick_update(request, slug):
    listing = _listing(request, slug)
    form = QuickUpdateForm.for_clinic(listing, data=request.POST)
    if not form.is_valid():
        return _page(request, listing, status=400, quick=form)
    try:
        clinic_quick_update(
            clinic=listing,
            user=request.user,
            accepting=form.cleaned_data["accepting"],
            next_appointment=form.next_appointment,
        )
    except ModerationError as error:
        return _page(request, listing, status=403, refused=str(error))
    messages.success(request, _("Updated: patients see it now, dated today."))
    return redirect("manage:clinic", slug=listing.slug)
