"""Error answers that need no database: 404, 500, and 503 while the database is down or too slow
(issue 12, item 12).

Each answers in the format of its URL: `{"errors": ...}` JSON under /api/, a FHIR
OperationOutcome under /fhir/, and elsewhere an HTML page with the site's header, the 988 crisis
line and a way back home. Pages render without a request context (as Django's own 500 view
does), so no session, user or message lookup can touch the database; the only values they read
come from settings through clinics.context_processors.directory, which makes no query.
"""

import json
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

from clinics.context_processors import directory as page_settings

logger = logging.getLogger(__name__)

# What a database that refuses, drops or stalls connections (or cancels a statement at
# DB_STATEMENT_TIMEOUT_MS) raises through Django.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30

MESSAGES = {
    404: "There is nothing at this address. It may have moved, or the listing may be gone.",
    500: "Something went wrong on our side. Please try again.",
    503: "The directory is unavailable for a moment. Please try again in a minute.",
}
API_ERROR_KEYS = {404: "path", 500: "service", 503: "service"}
FHIR_ISSUE_CODES = {404: "not-found", 500: "exception", 503: "transient"}

# If even the template fails, this still gives the crisis line and a way home.
FALLBACK_HTML = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>{message}</title>'
    '<p>In crisis or thinking about suicide? Call or text <a href="tel:988">988</a> '
    "(Suicide &amp; Crisis Lifeline, US, 24/7), or call 911 in an emergency.</p>"
    '<h1>{message}</h1><p><a href="/">Go to the home page</a></p></html>'
)


def error_response(request, status):
    message = MESSAGES[status]
    if request.path.startswith("/api/"):
        response = JsonResponse({"errors": {API_ERROR_KEYS[status]: [message]}}, status=status)
    elif request.path.startswith("/fhir/"):
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [
                {"severity": "error", "code": FHIR_ISSUE_CODES[status], "diagnostics": message}
            ],
        }
        response = HttpResponse(
            json.dumps(outcome), status=status, content_type="application/fhir+json"
        )
    else:
        response = HttpResponse(_page(status, message), status=status)
    if status >= 500:
        response["Cache-Control"] = "no-store"
    return response


def _page(status, message):
    try:
        return loader.render_to_string(
            f"{status}.html", {**page_settings(None), "message": message}
        )
    except Exception:  # an error page must never fail in turn
        logger.exception("the %s page failed to render", status)
        return FALLBACK_HTML.format(message=message)


def database_unavailable(request, exception):
    """503 with Retry-After: the database refused, dropped or stalled this request."""
    logger.error(
        "database unavailable for %s: %s: %s", request.path, type(exception).__name__, exception
    )
    response = error_response(request, 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def page_not_found(request, exception=None):
    """handler404."""
    return error_response(request, 404)


def server_error(request):
    """handler500: a database error raised outside a view (in a middleware, say) is still a 503."""
    exception = sys.exception()
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return database_unavailable(request, exception)
    return error_response(request, 500)
