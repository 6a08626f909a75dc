"""Moderators' bulk tools in the Clinic admin (issue 5): CSV import and export, duplicates, merge.

`ClinicBulkAdminMixin` adds to the Clinic changelist:
- `import/`: upload a CSV; the same code path and line-by-line report as `import_clinics`;
- an "Export selected clinics as CSV" action, in the import format;
- `duplicates/`: the possible duplicates of clinics.moderation.find_duplicates, each pair
  with "not duplicates" (`duplicates/dismiss/`, issue 15.3) so it is not suggested again;
- `merge/?source=<id>&target=<id>`: confirm and merge two clinics, also reached with the
  "Merge two selected clinics" action; the page shows the locations of the same site that
  become one, and their conflicts to decide.
Only moderators (the `moderate_clinic` permission, or superusers) see or reach any of it.
"""

import secrets
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.admin.options import ActionLocation
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode

from clinics import access
from clinics.importing import export_clinics, import_clinics, problem_file_text
from clinics.models import Clinic
from clinics.moderation import (
    MergeError,
    clinic_merge,
    duplicate_dismiss,
    find_duplicates,
    plan_folds,
)

FOLD_CHOICE_PREFIX = "fold:"
# The problem file of an admin import waits this long in the shared cache for its download.
PROBLEM_FILE_SECONDS = 3600


class ClinicImportForm(forms.Form):
    file = forms.FileField(
        label="File", help_text="A CSV in the import format (one row per location), or HSDS JSON."
    )
    file_format = forms.ChoiceField(
        label="Format",
        choices=[("csv", "CSV (the import format)"), ("hsds", "HSDS 3.0 JSON")],
        initial="csv",
    )
    source = forms.SlugField(
        required=False,
        max_length=60,
        help_text="Name of the data source; importing again with the same source updates "
        "the same clinics. Defaults to the file name.",
    )
    dry_run = forms.BooleanField(
        label="Check only", required=False, help_text="Check the file, write nothing."
    )
    publish = forms.BooleanField(
        label="Publish new clinics", required=False, help_text="New clinics go live at once."
    )
    skip_invalid = forms.BooleanField(
        label="Import the valid rows",
        required=False,
        help_text="Write the rows without errors and list the others; without it, any error "
        "means nothing is written.",
    )


class ClinicBulkAdminMixin:
    def _require_moderator(self, request):
        if not access.is_moderator(request.user):
            raise PermissionDenied

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_csv_view), name=f"{prefix}_import"),
            path(
                "import/problems/<str:token>/",
                wrap(self.import_problems_view),
                name=f"{prefix}_import_problems",
            ),
            path("duplicates/", wrap(self.duplicates_view), name=f"{prefix}_duplicates"),
            path(
                "duplicates/dismiss/",
                wrap(self.dismiss_duplicate_view),
                name=f"{prefix}_dismiss_duplicate",
            ),
            path("merge/", wrap(self.merge_view), name=f"{prefix}_merge"),
            *super().get_urls(),
        ]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if action_location == ActionLocation.CHANGE_LIST and access.is_moderator(request.user):
            for name in ("export_as_csv", "merge_two_selected"):
                actions[name] = self.get_action(name)
        return actions

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **extra,
        }

    # Import ----------------------------------------------------------------------------

    def import_csv_view(self, request):
        self._require_moderator(request)
        report = None
        posted = request.method == "POST"
        form = ClinicImportForm(request.POST, request.FILES) if posted else ClinicImportForm()
        if posted and form.is_valid():
            upload = form.cleaned_data["file"]
            report = import_clinics(
                upload.read(),
                source_name=form.cleaned_data["source"] or Path(upload.name).stem[:60] or "csv",
                dry_run=form.cleaned_data["dry_run"],
                publish=form.cleaned_data["publish"],
                skip_invalid=form.cleaned_data["skip_invalid"],
                user=request.user,
                file_format=form.cleaned_data["file_format"],
            )
            report.skip_invalid_name = f"“{form.fields['skip_invalid'].label}”"
            level = messages.SUCCESS if report.ok else messages.ERROR
            self.message_user(request, " ".join(report.summary()), level)
        context = self._context(
            request,
            "Import clinics from CSV",
            form=form,
            report=report,
            problem_file_url=self._keep_problem_file(request, report) if report else None,
        )
        return TemplateResponse(request, "admin/clinics/clinic/import_csv.html", context)

    def _keep_problem_file(self, request, report):
        """The download URL of the import's problem file, kept for its moderator; None if no
        row had problems."""
        if not report.rows:
            return None
        token = secrets.token_urlsafe(16)
        name = f"{report.source}-problems.csv"
        value = (request.user.pk, name, problem_file_text(report))
        caches["shared"].set(f"import-problems:{token}", value, PROBLEM_FILE_SECONDS)
        return reverse("admin:clinics_clinic_import_problems", args=[token])

    def import_problems_view(self, request, token):
        """The problem file of an import this moderator ran in the last hour."""
        self._require_moderator(request)
        kept = caches["shared"].get(f"import-problems:{token}")
        if kept is None or kept[0] != request.user.pk:
            raise Http404("This report has expired; import the file again to get a new one.")
        _, name, text = kept
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    # Export ----------------------------------------------------------------------------

    def export_as_csv(self, request, queryset):
        self._require_moderator(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"clinics-{timezone.now():%Y%m%d-%H%M}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        selected = Clinic.objects.listings().filter(pk__in=queryset.values("pk"))
        export_clinics(response, selected)
        return response

    export_as_csv.short_description = "Export selected clinics as CSV"
    export_as_csv.allowed_permissions = ("view",)

    # Duplicates and merge ---------------------------------------------------------------

    def duplicates_view(self, request):
        self._require_moderator(request)
        pairs = find_duplicates()
        merge_url = reverse("admin:clinics_clinic_merge")
        rows = [
            {
                "pair": pair,
                "merge_first": f"{merge_url}?{urlencode({'source': pair.second.pk, 'target': pair.first.pk})}",
                "merge_second": f"{merge_url}?{urlencode({'source': pair.first.pk, 'target': pair.second.pk})}",
            }
            for pair in pairs
        ]
        context = self._context(request, "Possible duplicate clinics", rows=rows)
        return TemplateResponse(request, "admin/clinics/clinic/duplicates.html", context)

    def dismiss_duplicate_view(self, request):
        """A moderator says two clinics are not duplicates (POST first, second)."""
        self._require_moderator(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            ids = sorted({int(request.POST.get("first", "")), int(request.POST.get("second", ""))})
        except ValueError:
            ids = []
        clinics = list(Clinic.objects.listings().filter(pk__in=ids))
        if len(ids) != 2 or len(clinics) != 2:
            raise Http404("No such pair of clinics.")
        duplicate_dismiss(first=clinics[0], second=clinics[1], moderator=request.user)
        self.message_user(
            request,
            f"{clinics[0].name} and {clinics[1].name} are marked as not duplicates.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:clinics_clinic_duplicates"))

    def merge_two_selected(self, request, queryset):
        self._require_moderator(request)
        chosen = list(queryset.order_by("pk").values_list("pk", flat=True)[:3])
        if len(chosen) != 2:
            self.message_user(request, "Select exactly two clinics to merge.", messages.WARNING)
            return None
        target, source = chosen
        url = reverse("admin:clinics_clinic_merge")
        return HttpResponseRedirect(f"{url}?{urlencode({'source': source, 'target': target})}")

    merge_two_selected.short_description = "Merge two selected clinics"
    merge_two_selected.allowed_permissions = ("change",)

    def merge_view(self, request):
        self._require_moderator(request)
        data = request.POST if request.method == "POST" else request.GET
        try:
            source_pk, target_pk = int(data.get("source", "")), int(data.get("target", ""))
        except ValueError:
            self.message_user(request, "Choose two clinics to merge.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:clinics_clinic_duplicates"))
        clinics = Clinic.objects.listings().annotate(
            location_total=Count("locations", distinct=True),
            clinician_total=Count("clinicians", distinct=True),
        )
        source = get_object_or_404(clinics, pk=source_pk)
        target = get_object_or_404(clinics, pk=target_pk)
        if request.method == "POST":
            choices = {
                name.removeprefix(FOLD_CHOICE_PREFIX): value
                for name, value in request.POST.items()
                if name.startswith(FOLD_CHOICE_PREFIX)
            }
            try:
                result = clinic_merge(
                    source=source, target=target, user=request.user, choices=choices
                )
            except MergeError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, str(result), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:clinics_clinic_change", args=[target.pk])
                )
        swap = f"{reverse('admin:clinics_clinic_merge')}?{urlencode({'source': target.pk, 'target': source.pk})}"
        context = self._context(
            request,
            "Merge two clinics",
            source=source,
            target=target,
            swap_url=swap,
            folds=plan_folds(source, target),
        )
        return TemplateResponse(request, "admin/clinics/clinic/merge.html", context)
