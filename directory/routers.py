"""Send anonymous reads to a PostgreSQL read replica when DATABASE_REPLICA_URL is set.

Patients' searches (anonymous GET requests) read from the replica. Everything else — writes,
form posts, and every request by a signed-in user (staff, moderators) — uses the primary, so
people who change data see their change at once despite replication lag.
"""

import contextvars

from django.conf import settings

use_primary = contextvars.ContextVar("use_primary", default=True)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # The shared cache table (rate-limit counters, single-use tokens) is read where it is
        # written: a replica's lag would let a counter or a spent token look fresh.
        if model._meta.app_label == "django_cache":
            return "default"
        return "default" if use_primary.get() else "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaRoutingMiddleware:
    """Allow replica reads only for anonymous GET and HEAD requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous_read = request.method in ("GET", "HEAD") and not (
            request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.path.startswith("/admin/")
        )
        token = use_primary.set(not anonymous_read)
        try:
            return self.get_response(request)
        finally:
            use_primary.reset(token)
