"""What every admin of listings shares: scoping to the clinics a user keeps, read-only history,
and the "view on site" link scoped the same way.

Moderators and superusers see everything. Clinic staff see only their own clinics and what
is under them, and change only what the public cannot see yet (the rules are
Clinic.objects.managed_by / editable_by, with clinics/access.py).
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404, HttpResponseNotAllowed
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from clinics import access
from clinics.models import Clinic


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History pages show past versions; nobody saves through them (issue 12).

    django-simple-history's history form saves a POST for anyone who may view the history,
    which let clinic staff change a published listing without moderation. Reverting belongs
    to /moderation/, which restores the whole listing and records who did it.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().history_form_view(request, object_id, version_id, extra_context)


class ClinicScopedAdminMixin:
    """Scopes an admin to the clinics the signed-in user keeps (issue 4).

    Moderators and superusers see everything. Clinic staff see only their own clinics and
    what is under them (the changelist, the change pages, foreign-key and autocomplete
    choices), and change only what the public cannot see yet; the rules are in
    clinics/access.py. A URL or a POST carrying another clinic's id finds nothing.
    """

    clinic_lookup = "clinic"  # the path from this model to its Clinic; "" for Clinic itself

    def _clinic_of(self, obj):
        return getattr(obj, self.clinic_lookup) if self.clinic_lookup else obj

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.is_moderator(request.user):
            return queryset
        lookup = f"{self.clinic_lookup}__in" if self.clinic_lookup else "pk__in"
        return queryset.filter(**{lookup: access.clinics_managed_by(request.user).values("pk")})

    def _may_edit(self, request, obj):
        if obj is None or access.is_moderator(request.user):
            return True
        return access.can_edit_clinic(request.user, self._clinic_of(obj))

    def _may_view(self, request, obj):
        if obj is None or access.is_moderator(request.user):
            return True
        clinic = self._clinic_of(obj)
        return access.clinics_managed_by(request.user).filter(pk=clinic.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._may_view(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def _get_or_404(self, request, object_id):
        if not access.is_moderator(request.user) and self.get_object(request, object_id) is None:
            raise Http404("No such object.")

    # django-simple-history's pages look objects up outside get_queryset: scope them too.
    def history_view(self, request, object_id, extra_context=None):
        self._get_or_404(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._get_or_404(request, unquote(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Clinic and not access.is_moderator(request.user):
            kwargs["queryset"] = access.clinics_editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Autocomplete for a clinic foreign key offers only clinics the user may change.
        if (
            self.model is Clinic
            and request.path == reverse("admin:autocomplete")
            and not access.is_moderator(request.user)
        ):
            queryset = queryset.filter(pk__in=access.clinics_editable_by(request.user).values("pk"))
        return queryset, may_have_duplicates


def view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" link, `/admin/r/<content type>/<id>/`, scoped (issue 12.15).

    Django's own (contenttypes' `shortcut`) redirects any staff member to the public address
    of any object, which named other clinics' unpublished listings and let staff probe ids.
    Here the object is looked up through its admin, as every admin page does: what the user
    may not see in the admin answers 404, like a missing object, and so does a model without
    an admin.
    """
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        model_admin = admin.site.get_model_admin(model)
    except (ContentType.DoesNotExist, NotRegistered):
        raise Http404("No such object.") from None
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404("No such object.")
    return shortcut(request, content_type_id, object_id)
