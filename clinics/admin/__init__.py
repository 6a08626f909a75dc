"""The Django admin, where moderators and site administrators keep the directory.

Importing this package registers every admin: reference data, listings (with the bulk
import, export and merge tools), and the moderation records.
"""

from clinics.admin import listings, moderation, reference
from clinics.admin.scoping import ClinicScopedAdminMixin, ReadOnlyHistoryAdmin

__all__ = ["ClinicScopedAdminMixin", "ReadOnlyHistoryAdmin", "listings", "moderation", "reference"]
