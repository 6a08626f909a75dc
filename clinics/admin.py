"""The Django admin: where moderators and site administrators keep the directory."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from clinics.models import (
    Clinic,
    Clinician,
    Condition,
    Language,
    Location,
    Offering,
    OpeningHours,
    Payer,
    PayerAcceptance,
    PaymentOption,
    ProfessionalBody,
    TreatmentRoute,
)


@admin.register(TreatmentRoute)
class TreatmentRouteAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "fda_approved", "sort_order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "evidence", "sort_order"]
    list_filter = ["evidence"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Payer)
class PayerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PaymentOption)
class PaymentOptionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(ProfessionalBody)
class ProfessionalBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "url"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class LocationInline(admin.StackedInline):
    model = Location
    extra = 0
    show_change_link = True
    fields = [
        "name",
        ("address_line1", "address_line2"),
        ("city", "state", "postal_code", "country"),
        ("latitude", "longitude", "coordinates_source"),
        "phone",
        "accessibility",
        "conditions",
        "payment_options",
        "languages",
    ]
    readonly_fields = ["coordinates_source"]
    autocomplete_fields = ["conditions", "payment_options", "languages"]


class ClinicianInline(admin.TabularInline):
    model = Clinician
    extra = 0
    fields = ["name", "credential", "specialty", "npi", "role"]


@admin.register(Clinic)
class ClinicAdmin(SimpleHistoryAdmin):
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
    readonly_fields = ["created_at", "updated_at", "import_source", "import_ref"]
    autocomplete_fields = ["memberships"]
    date_hierarchy = "updated_at"
    inlines = [LocationInline, ClinicianInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "verified_at", "description"]}),
        ("Contact", {"fields": ["website", "phone", "email", "booking_url"]}),
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
                    "accepting_new_patients",
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
        ("Record", {"fields": ["import_source", "import_ref", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(location_total=Count("locations"))

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
    ]


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
class LocationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "clinic_link", "city", "state", "postal_code", "coordinates_source"]
    list_filter = ["state", "coordinates_source", "clinic__status"]
    search_fields = ["name", "address_line1", "city", "postal_code", "clinic__name"]
    list_select_related = ["clinic"]
    autocomplete_fields = ["clinic", "conditions", "payment_options", "languages"]
    readonly_fields = ["coordinates_source", "import_ref", "created_at", "updated_at"]
    inlines = [OfferingInline, PayerAcceptanceInline, OpeningHoursInline]
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
            {"fields": ["phone", "accessibility", "conditions", "payment_options", "languages"]},
        ),
        ("Record", {"fields": ["import_ref", "created_at", "updated_at"]}),
    ]

    @admin.display(description="clinic", ordering="clinic__name")
    def clinic_link(self, location):
        url = reverse("admin:clinics_clinic_change", args=[location.clinic_id])
        return format_html('<a href="{}">{}</a>', url, location.clinic.name)
