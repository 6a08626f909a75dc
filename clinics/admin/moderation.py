"""Admins of moderation records: staff memberships and invitations, reports, claim requests."""

from django.contrib import admin

from clinics.admin.scoping import ReadOnlyHistoryAdmin
from clinics.models import ClaimRequest, Report, StaffInvitation, StaffMembership


@admin.register(StaffMembership)
class StaffMembershipAdmin(ReadOnlyHistoryAdmin):
    list_display = ["user", "clinic", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "clinic"]
    search_fields = ["user__email", "user__username", "clinic__name"]
    autocomplete_fields = ["user", "clinic"]
    fields = ["user", "clinic", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(StaffInvitation)
class StaffInvitationAdmin(ReadOnlyHistoryAdmin):
    """Invitations owners sent at /manage/ (issue 17): moderators read them and their history."""

    list_display = ["email", "clinic", "invited_by", "created_at", "accepted_at"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["clinic", "invited_by"]
    search_fields = ["email", "clinic__name"]
    fields = ["clinic", "email", "invited_by", "created_at", "accepted_at", "accepted_by"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # owners invite at /manage/, which signs and emails the link

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["clinic", "problem", "created_at", "resolved_at"]
    list_filter = ["problem", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["clinic"]
    search_fields = ["clinic__name", "details", "email"]
    autocomplete_fields = ["clinic"]
    fields = [
        "clinic",
        "problem",
        "details",
        "email",
        ("created_at", "language"),
        ("claimed_by", "claimed_at"),
        ("resolved_by", "resolved_at"),
        "resolution_note",
    ]
    readonly_fields = [
        *("created_at", "language", "claimed_by", "claimed_at", "resolved_by", "resolved_at"),
    ]


@admin.register(ClaimRequest)
class ClaimRequestAdmin(admin.ModelAdmin):
    list_display = ["clinic", "name", "work_email", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["clinic"]
    search_fields = ["clinic__name", "name", "work_email", "npi"]
    autocomplete_fields = ["clinic"]
    fields = [
        "clinic",
        "name",
        "role",
        "work_email",
        "npi",
        "status",
        ("created_at", "language"),
        ("claimed_by", "claimed_at"),
        ("decided_by", "decided_at"),
        "decision_note",
    ]
    readonly_fields = [
        *("created_at", "language", "claimed_by", "claimed_at", "decided_by", "decided_at"),
    ]
