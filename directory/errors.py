"""Error answers that need no database: 400, 403 (and a refused form: CSRF_FAILURE_VIEW), 404,
500, and 503 while the database is down or too slow (issue 12, item 12; issue 14, item 9).

Each answers in the format of its URL: `{"errors": ...}` JSON under /api/, a FHIR
OperationOutcome under /fhir/ (both in English, like the APIs), and elsewhere an HTML page in
the page's language (issue 20) with the site's header, the 988 crisis
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
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinics.context_processors import directory as page_settings

logger = logging.getLogger(__name__)

# What a database that refuses, drops or stalls connections (or cancels a statement at
# DB_STATEMENT_TIMEOUT_MS) raises through Django.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30

MESSAGES = {
    400: gettext_lazy(
        "Your browser sent something this site could not read. Go back and try again."
    ),
    403: gettext_lazy("You don't have permission to see this page."),
    404: gettext_lazy(
        "There is nothing at this address. It may have moved, or the listing may be gone."
    ),
    500: gettext_lazy("Something went wrong on our side. Please try again."),
    503: gettext_lazy("The directory is unavailable for a moment. Please try again in a minute."),
}
API_ERROR_KEYS = {400: "request", 403: "permission", 404: "path", 500: "service", 503: "service"}
FHIR_ISSUE_CODES = {
    400: "invalid",
    403: "forbidden",
    404: "not-found",
    500: "exception",
    503: "transient",
}
# A form sent without its CSRF token or cookie: usually a page left open for hours, or cookies
# turned off. The patient should know nothing was sent and how to send it again.
CSRF_MESSAGE = gettext_lazy(
    "Nothing was saved: the page was open too long, or your browser did not send this site's "
    "cookie. Go back to the form, reload it and send it again (cookies must be allowed for "
    "this site)."
)

# If even the template fails, this still gives the crisis line and a way home.
FALLBACK_HTML = (
    '<!doctype html><html lang="{language}"><meta charset="utf-8"><title>{message}</title>'
    "<p>{crisis}</p>"
    '<h1>{message}</h1><p><a href="/">{home}</a></p></html>'
)


def error_response(request, status, message=None, **page):
    message = message or MESSAGES[status]
    if request.path.startswith(("/api/", "/fhir/")):
        with translation.override("en"):  # the APIs answer in English
            message = str(message)
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
        response = HttpResponse(_page(status, message, **page), status=status)
    if status >= 500:
        response["Cache-Control"] = "no-store"
    return response


def _page(status, message, **page):
    try:
        return loader.render_to_string(
            f"{status}.html", {**page_settings(None), "message": message, **page}
        )
    except Exception:  # an error page must never fail in turn
        logger.exception("the %s page failed to render", status)
        crisis = _(
            "In crisis or thinking about suicide? Call or text %(line)s (Suicide &amp; Crisis "
            "Lifeline, US, 24/7), or call 911 in an emergency."
        ) % {"line": '<a href="tel:988">988</a>'}
        return FALLBACK_HTML.format(
            language=translation.get_language() or "en",
            message=message,
            crisis=crisis,
            home=_("Go to the home page"),
        )


def database_unavailable(request, exception):
    """503 with Retry-After: the database refused, dropped or stalled this request."""
    logger.error(
        "database unavailable for %s: %s: %s", request.path, type(exception).__name__, exception
    )
    response = error_response(request, 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request, exception=None):
    """handler400: a request Django refused (a bad Host header, an upload too big, ...)."""
    return error_response(request, 400)


def permission_denied(request, exception=None):
    """handler403."""
    return error_response(request, 403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form refused for its missing or stale token, with a way back to it."""
    logger.info("CSRF failure on %s: %s", request.path, reason)
    return error_response(
        request,
        403,
        CSRF_MESSAGE,
        heading=_("This form could not be sent"),
        back_url="/" + request.path.lstrip("/"),  # never "//host": that would leave the site
        back_label=_("Back to the form"),
    )


def page_not_found(request, exception=None):
    """handler404."""
    return error_response(request, 404)


def server_error(request):
    """handler500: a database error raised outside a view (in a middleware, say) is still a 503."""
    exception = sys.exception()
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return database_unavailable(request, exception)
    return error_response(request, 500)
