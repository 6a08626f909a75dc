"""Who may see and change which listing (issue 4). Every object check goes through here.

Three kinds of signed-in people:
- superusers and moderators (the "Moderator" group, permission `clinics.moderate_clinic`)
  see and change every listing, approve, reject, verify and revert;
- clinic staff (a StaffMembership on a clinic) see their own clinics and change only what the
  public cannot see yet: a working copy of their published listing, or a new listing waiting
  for review. A published listing itself changes only when a moderator approves;
- everybody else sees published listings only.

The rules themselves are two queryset methods, `Clinic.objects.managed_by(user)` and
`editable_by(user)`, and `is_moderator(user)`, all in clinics/models/clinic.py beside the
permission they read; this module builds the object checks on them.

"Missing" and "not yours" look the same: the helpers raise Http404 for both, like Zulip's
`access_stream_by_id`, so ids cannot be probed.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from clinics.models import STAFF_EDITABLE_STATUSES, Clinic, Location, is_moderator

__all__ = [
    "STAFF_EDITABLE_STATUSES",
    "can_edit_clinic",
    "clinics_editable_by",
    "clinics_managed_by",
    "get_clinic_for_user_or_404",
    "get_managed_listing_or_404",
    "get_moderation_clinic_or_404",
    "is_moderator",
    "is_staff_of",
    "locations_editable_by",
    "locations_managed_by",
]


def clinics_managed_by(user, queryset=None):
    """Clinics the user may see in the staff admin: their own, and working copies of them."""
    return (Clinic.objects.all() if queryset is None else queryset).managed_by(user)


def clinics_editable_by(user, queryset=None):
    """Clinics the user may change now."""
    return (Clinic.objects.all() if queryset is None else queryset).editable_by(user)


def locations_editable_by(user, queryset=None):
    queryset = Location.objects.all() if queryset is None else queryset
    return queryset.filter(clinic__in=clinics_editable_by(user).values("pk"))


def locations_managed_by(user, queryset=None):
    queryset = Location.objects.all() if queryset is None else queryset
    return queryset.filter(clinic__in=clinics_managed_by(user).values("pk"))


def is_staff_of(user, clinic):
    """True when the user keeps this clinic (or the published listing it is a copy of)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    clinic_id = clinic.draft_of_id or clinic.pk
    return user.clinic_memberships.filter(clinic_id=clinic_id).exists()


def can_edit_clinic(user, clinic):
    return clinics_editable_by(user).filter(pk=clinic.pk).exists()


def get_clinic_for_user_or_404(user, *, pk=None, slug=None, for_edit=False):
    """The clinic with this id or slug if the user may see it (or edit it), else Http404."""
    if pk is None and slug is None:
        raise ValueError("Give pk or slug.")
    queryset = clinics_editable_by(user) if for_edit else clinics_managed_by(user)
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    try:
        return queryset.get(**lookup)
    except (Clinic.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such clinic.")) from None


def get_moderation_clinic_or_404(user, *, pk):
    """A clinic for the moderation pages: moderators only, 404 for everybody else."""
    if not is_moderator(user):
        raise Http404(_("No such clinic."))
    try:
        return Clinic.objects.get(pk=pk)
    except (Clinic.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such clinic.")) from None


def get_managed_listing_or_404(user, *, slug):
    """A listing for the /manage/ pages (issue 17): one this person keeps as clinic staff.

    Never a working copy (its pages are the listing's), and only the person's own clinics,
    moderators included: they moderate in /moderation/. Anything else is the same 404.
    """
    try:
        return (
            clinics_managed_by(user)
            .listings()
            .filter(staff_memberships__user=user)
            .select_related("working_copy")
            .get(slug=slug)
        )
    except (Clinic.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such clinic.")) from None
