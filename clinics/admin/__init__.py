"""The Django admin (moderators, site administrators, clinic staff); importing it registers all."""

from clinics.admin import listings, moderation, reference
from clinics.admin.scoping import ClinicScopedAdminMixin, ReadOnlyHistoryAdmin

__all__ = ["ClinicScopedAdminMixin", "ReadOnlyHistoryAdmin", "listings", "moderation", "reference"]
