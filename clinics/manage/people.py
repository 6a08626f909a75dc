"""/manage/clinics/<slug>/people/: who keeps a listing; owners invite and remove (issue 17).

Every person who keeps the listing sees who else does; only its owners invite an editor by
email, withdraw an open invitation or remove a person (the domain rules are in
clinics.moderation.invitations). An editor's forged POST is refused with 403; a membership
or invitation of another clinic is the same 404 as a missing one. The invitation link
(/manage/invitations/<token>/) works signed in, or for a new account by choosing a password.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clinics.access import get_managed_listing_or_404
from clinics.manage.accounts import refused_link, signed_in
from clinics.models import StaffInvitation, StaffMembership
from clinics.moderation import (
    LinkRefused,
    ModerationError,
    NotOwner,
    invitation_from_token,
    staff_invitation_accept,
    staff_invitation_accept_new,
    staff_invitation_withdraw,
    staff_invite,
    staff_remove,
)
from clinics.moderation.invitations import OWNER, check_invitee

# The session of a person who accepts by choosing a password; django-axes is for sign-ins.
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address of the person to invite"),
        max_length=254,
        help_text=gettext_lazy(
            "They get an email with a link that works for a limited time, and become an "
            "editor of this listing only: they edit it and submit changes for review, but "
            "cannot invite or remove people."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class People:
    """The people page's data: members (owners first), open invitations, who is asking."""

    def __init__(self, listing, user):
        self.members = list(
            listing.staff_memberships.select_related("user").order_by("-role", "user__email")
        )
        self.me = next(m for m in self.members if m.user_id == user.pk)
        self.is_owner = self.me.role == OWNER
        self.owners = [m for m in self.members if m.role == OWNER]
        self.invitations = (
            list(listing.staff_invitations.filter(accepted_at__isnull=True).order_by("email"))
            if self.is_owner
            else []
        )

    def removable(self, membership):
        return self.is_owner and not (membership.role == OWNER and len(self.owners) == 1)


def _page(request, listing, *, form=None, status=200, refused=None):
    people = People(listing, request.user)
    for membership in people.members:
        membership.removable = people.removable(membership)
    context = {
        "clinic": listing,
        "people": people,
        "form": form or InviteForm(),
        "refused": refused,
    }
    return render(request, "manage/people.html", context, status=status)


def _not_owner(request, listing):
    message = _("Only the owners of this listing invite and remove people.")
    return _page(request, listing, status=403, refused=message)


@signed_in
def people(request, slug):
    listing = get_managed_listing_or_404(request.user, slug=slug)
    if request.method != "POST":
        return _page(request, listing)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, listing, form=form, status=400)
    try:
        invitation, sent_again = staff_invite(
            clinic=listing, email=form.cleaned_data["email"], by=request.user
        )
    except NotOwner:
        return _not_owner(request, listing)
    except ModerationError as error:
        form.add_error("email", str(error))
        return _page(request, listing, form=form, status=400)
    if sent_again:
        messages.info(
            request,
            _("%(email)s was already invited; we sent the invitation again.")
            % {"email": invitation.email},
        )
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("manage:people", slug=listing.slug)


@signed_in
def remove_person(request, slug, pk):
    listing = get_managed_listing_or_404(request.user, slug=slug)
    membership = get_object_or_404(
        StaffMembership.objects.select_related("user"), pk=pk, clinic=listing
    )
    people = People(listing, request.user)
    if not people.is_owner:
        return _not_owner(request, listing)
    if request.method != "POST":
        context = {"clinic": listing, "membership": membership, "yourself": membership == people.me}
        return render(request, "manage/remove_person.html", context)
    try:
        staff_remove(membership=membership, by=request.user)
    except NotOwner:
        return _not_owner(request, listing)
    except ModerationError as error:
        return _page(request, listing, status=400, refused=str(error))
    if membership.user_id == request.user.pk:
        messages.success(request, _("You no longer keep %(clinic)s.") % {"clinic": listing.name})
        return redirect("manage:home")
    messages.success(
        request,
        _("%(email)s can no longer edit the listing; we emailed them and the owners.")
        % {"email": membership.user.email or membership.user.get_username()},
    )
    return redirect("manage:people", slug=listing.slug)


@signed_in
@require_POST
def withdraw_invitation(request, slug, pk):
    listing = get_managed_listing_or_404(request.user, slug=slug)
    invitation = get_object_or_404(StaffInvitation, pk=pk, clinic=listing)
    try:
        staff_invitation_withdraw(invitation=invitation, by=request.user)
    except NotOwner:
        return _not_owner(request, listing)
    except ModerationError as error:
        return _page(request, listing, status=400, refused=str(error))
    messages.success(
        request, _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("manage:people", slug=listing.slug)


def invitation(request, token):
    """Accept an invitation: signed in as the invitee, or by choosing a password (new)."""
    try:
        invited = invitation_from_token(token)
    except LinkRefused as refusal:
        return refused_link(request, refusal)
    context = {"invitation": invited, "clinic": invited.clinic}
    if request.user.is_authenticated:
        try:
            check_invitee(invited, request.user)
        except ModerationError as error:
            return render(
                request, "manage/invitation.html", {**context, "refused": str(error)}, status=403
            )
        if request.method != "POST":
            return render(request, "manage/invitation.html", context)
        return _accepted(request, invited, lambda: staff_invitation_accept(
            invitation=invited, user=request.user
        ))  # fmt: skip
    account = get_user_model().objects.filter(email__iexact=invited.email).order_by("pk").first()
    if account is not None and not account.is_active:
        refused = _("This account is closed. Write to the moderators if it should not be.")
        return render(request, "manage/invitation.html", {**context, "refused": refused}, 403)
    if account is not None and account.has_usable_password():
        sign_in = f"{reverse('manage:login')}?next={request.path}"
        return render(request, "manage/invitation.html", {**context, "sign_in": sign_in})
    newcomer = account or get_user_model()(email=invited.email, username=invited.email)
    form = SetPasswordForm(newcomer, data=request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if form.is_bound else 200
        return render(request, "manage/invitation.html", {**context, "form": form}, status=status)
    return _accepted(request, invited, lambda: staff_invitation_accept_new(
        invitation=invited, password=form.cleaned_data["new_password1"]
    ), sign_in=True)  # fmt: skip


def _accepted(request, invited, accept, *, sign_in=False):
    try:
        membership = accept()
    except ModerationError as error:
        return refused_link(request, LinkRefused(str(error), status=409))
    if sign_in:
        login(request, membership.user, backend=PASSWORD_BACKEND)
    messages.success(
        request,
        _("Welcome: you now keep the listing of %(clinic)s, as an editor.")
        % {"clinic": invited.clinic.name},
    )
    return redirect("manage:clinic", slug=invited.clinic.slug)
