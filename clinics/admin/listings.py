"""Admins of the listings: clinics with their locations and clinicians, locations with offerings."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from clinics import access, moderation, phones
from clinics.admin.bulk import ClinicBulkAdminMixin
from clinics.admin.scoping import ClinicScopedAdminMixin, ReadOnlyHistoryAdmin
from clinics.models import (
    Clinic,
    Clinician,
    Location,
    Offering,
    OpeningHours,
    PayerAcceptance,
    StaffMembership,
)


class PhoneForm(forms.ModelForm):
    """Staff and moderators may type the extension into the phone field (`503-555-0101 x12`)
    or into its own field; either way it is stored in `phone_extension` (clinics.phones)."""

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("phone") or ""
        try:
            phone = phones.parse_phone(text)
        except phones.PhoneProblem:
            return cleaned  # the phone field's own validation names the problem
        if phone.extension:
            given = cleaned.get("phone_extension") or ""
            if given and given != phone.extension:
                self.add_error(
                    "phone_extension",
                    f"The phone number says extension {phone.extension}; give one extension.",
                )
                return cleaned
            cleaned["phone"], cleaned["phone_extension"] = phone.number, phone.extension
        return cleaned


class StatedSelect(forms.NullBooleanSelect):
    """Yes / No / Not stated for a fact the clinic may not have given (issue 14.3)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "Not stated"), ("true", "Yes"), ("false", "No")]


class LocationInline(admin.StackedInline):
    model = Location
    form = PhoneForm
    extra = 0
    show_change_link = True
    fields = [
        "name",
        ("address_line1", "address_line2"),
        ("city", "state", "postal_code", "country"),
        ("latitude", "longitude", "coordinates_source"),
        ("phone", "phone_extension"),
        "accessibility",
        "conditions",
        "payment_options",
        "languages",
        "draft_of",
    ]
    readonly_fields = ["coordinates_source", "draft_of"]
    autocomplete_fields = ["conditions", "payment_options", "languages"]


class ClinicianInline(admin.TabularInline):
    model = Clinician
    extra = 0
    fields = ["name", "credential", "specialty", "npi", "role"]


@admin.register(Clinic)
class ClinicAdmin(ClinicBulkAdminMixin, ClinicScopedAdminMixin, ReadOnlyHistoryAdmin):
    clinic_lookup = ""
    form = PhoneForm
    # Explicit, because the location count annotation (GROUP BY) drops Meta.ordering.
    ordering = ["name", "id"]
    # What only moderators set: clinic staff see these fields read-only.
    staff_readonly_fields = [
        "status",
        "verified_at",
        "draft_of",
        "review_note",
        "review_claimed_by",
        "review_claimed_at",
        "flagged_stale_at",
    ]
    list_display = [
        "name",
        "status",
        "location_count",
        "npi",
        "accepting_new_patients",
        "verified_at",
        "updated_at",
    ]
    list_filter = [
        "status",
        "accepting_new_patients",
        "offers_kap",
        "offers_telehealth",
        "rems_certified",
        "locations__state",
    ]
    search_fields = ["name", "slug", "npi", "locations__city", "locations__postal_code"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "created_at",
        "updated_at",
        "staff_confirmed_on",
        "confirmation_asked_at",
        "import_source",
        "import_ref",
        "draft_of",
        "review_claimed_by",
        "review_claimed_at",
        "accepting_as_of",
        "next_appointment_as_of",
    ]
    autocomplete_fields = ["memberships"]
    date_hierarchy = "updated_at"
    inlines = [LocationInline, ClinicianInline]

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "status",
                    "verified_at",
                    "description",
                    "description_language",
                ]
            },
        ),
        ("Contact", {"fields": ["website", ("phone", "phone_extension"), "email", "booking_url"]}),
        (
            "How to start",
            {
                "fields": [
                    (
                        "starts_by_phone",
                        "starts_by_text",
                        "starts_by_web_form",
                        "starts_by_online_booking",
                    ),
                    ("referral_required", "psychiatric_evaluation_required"),
                    ("accepting_new_patients", "accepting_as_of"),
                    ("next_appointment_on", "next_appointment_call", "next_appointment_as_of"),
                ]
            },
        ),
        ("Credentials", {"fields": ["npi", "memberships"]}),
        (
            "Psychotherapy",
            {"fields": [("offers_kap", "works_with_own_therapist", "offers_integration")]},
        ),
        ("Telehealth", {"fields": [("offers_telehealth", "offers_at_home"), "telehealth_states"]}),
        (
            "Safety",
            {
                "fields": [
                    ("medical_screening", "vital_sign_monitoring", "clinician_on_site"),
                    ("observation_minutes", "driver_required", "rems_certified"),
                ]
            },
        ),
        (
            "Moderation",
            {
                "fields": [
                    "draft_of",
                    "review_note",
                    ("review_claimed_by", "review_claimed_at"),
                    "flagged_stale_at",
                    ("staff_confirmed_on", "confirmation_asked_at"),
                ]
            },
        ),
        ("Record", {"fields": ["import_source", "import_ref", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(location_total=Count("locations"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in Clinic.STATED_FACTS:
            kwargs["widget"] = StatedSelect
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_urls(self):
        withdraw = self.admin_site.admin_view(self.withdraw_view)
        return [
            path("<path:object_id>/withdraw/", withdraw, name="clinics_clinic_withdraw"),
            *super().get_urls(),
        ]

    def withdraw_view(self, request, object_id):
        """Staff take a pending listing back from review to edit it again (issue 12.2)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        clinic = self.get_object(request, unquote(object_id))
        if clinic is None:
            raise Http404("No such clinic.")
        try:
            moderation.clinic_withdraw(clinic=clinic, user=request.user)
        except moderation.ModerationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                "Withdrawn from review: edit the listing, then submit it again.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:clinics_clinic_change", args=[clinic.pk]))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not access.is_moderator(request.user):
            # The slug stays editable: a working copy's slug is never published, and a new
            # listing's slug is checked by the moderator who approves it.
            fields += [name for name in self.staff_readonly_fields if name not in fields]
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Staff never change a published listing: they edit its working copy (issue 4).
        if not access.is_moderator(request.user):
            clinic = self.get_object(request, object_id)
            if clinic is not None and clinic.status == Clinic.Status.PUBLISHED:
                copy = moderation.clinic_start_edit(clinic=clinic, user=request.user)
                self.message_user(
                    request,
                    "You are editing a working copy. Patients keep seeing the published "
                    "listing until a moderator approves your changes.",
                    messages.INFO,
                )
                return HttpResponseRedirect(reverse("admin:clinics_clinic_change", args=[copy.pk]))
        extra_context = {**(extra_context or {}), "show_submit_for_review": True}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        is_staff_add = not change and not access.is_moderator(request.user)
        if is_staff_add:
            obj.status = Clinic.Status.PENDING  # new listings by staff wait for review
        super().save_model(request, obj, form, change)
        if is_staff_add:
            StaffMembership.objects.get_or_create(
                user=request.user, clinic=obj, defaults={"role": StaffMembership.Role.OWNER}
            )

    def _submit_if_asked(self, request, obj):
        if "_submit_for_review" in request.POST and obj.status != Clinic.Status.PENDING:
            try:
                moderation.clinic_submit(clinic=obj, user=request.user)
            except moderation.ModerationError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, "Submitted for review.", messages.SUCCESS)

    def response_change(self, request, obj):
        self._submit_if_asked(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        self._submit_if_asked(request, obj)
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description="locations", ordering="location_total")
    def location_count(self, clinic):
        return clinic.location_total


class OfferingInline(admin.TabularInline):
    model = Offering
    extra = 0
    fields = [
        "route",
        "price_min_usd",
        "price_max_usd",
        "series_price_usd",
        "session_minutes",
        "notes",
        "prices_as_of",
    ]
    readonly_fields = ["prices_as_of"]  # set by approval, imports and checks (issue 14.4)


class PayerAcceptanceInline(admin.TabularInline):
    model = PayerAcceptance
    extra = 0
    autocomplete_fields = ["payer"]
    fields = ["payer", "route"]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ["weekday", "opens", "closes"]


@admin.register(Location)
class LocationAdmin(ClinicScopedAdminMixin, ReadOnlyHistoryAdmin):
    list_display = ["__str__", "clinic_link", "city", "state", "postal_code", "coordinates_source"]
    list_filter = ["state", "coordinates_source", "clinic__status"]
    search_fields = ["name", "address_line1", "city", "postal_code", "clinic__name"]
    list_select_related = ["clinic"]
    autocomplete_fields = ["clinic", "conditions", "payment_options", "languages"]
    readonly_fields = ["coordinates_source", "import_ref", "draft_of", "created_at", "updated_at"]
    inlines = [OfferingInline, PayerAcceptanceInline, OpeningHoursInline]
    form = PhoneForm
    fieldsets = [
        (None, {"fields": ["clinic", "name"]}),
        (
            "Address",
            {
                "fields": [
                    ("address_line1", "address_line2"),
                    ("city", "state", "postal_code", "country"),
                ]
            },
        ),
        ("Coordinates", {"fields": [("latitude", "longitude"), "coordinates_source"]}),
        (
            "Details",
            {
                "fields": [
                    ("phone", "phone_extension"),
                    "accessibility",
                    "conditions",
                    "payment_options",
                    "languages",
                ]
            },
        ),
        ("Record", {"fields": ["import_ref", "draft_of", "created_at", "updated_at"]}),
    ]

    @admin.display(description="clinic", ordering="clinic__name")
    def clinic_link(self, location):
        url = reverse("admin:clinics_clinic_change", args=[location.clinic_id])
        return format_html('<a href="{}">{}</a>', url, location.clinic.name)
