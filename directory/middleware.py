"""Cross-cutting HTTP concerns: request ids for the logs, the Permissions-Policy header, the
client's address, the visitor's language, and 503 pages while the database is unavailable."""

import re
import uuid

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation

from clinics import languages
from directory.client import client_ip
from directory.errors import DATABASE_UNAVAILABLE, database_unavailable
from directory.logs import request_id_var

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Geolocation only for our own pages ("use my location"); everything else off.
PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


class RequestIdMiddleware:
    """Tag each request with an id (the proxy's X-Request-ID, or a new one) for logs and replies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class ClientIpMiddleware:
    """Set `request.client_ip`: the one answer to "who is this client?" (directory/client.py).

    Code in clinics/ reads the attribute instead of importing directory.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_ip = client_ip(request)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that finds the database down or too slow answers 503 with Retry-After, in the
    format of its URL (JSON, FHIR or HTML), instead of a bare 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable(request, exception)
        return None


class PreferredLanguageMiddleware:
    """A visitor who chose Spanish, or whose browser asks for it first, is sent from a page's
    English address to its Spanish one (issue 20). English addresses stay English for
    everyone else (crawlers, links, a visitor who chose English); only GET and HEAD of pages
    that exist in both languages move. After LocaleMiddleware, which reads the prefix."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and not translation.get_language_from_path(
            request.path_info
        ):
            wanted = languages.preferred(request)
            if wanted != settings.LANGUAGE_CODE:
                full_path = request.get_full_path()
                target = languages.in_language(full_path, wanted)
                if target != full_path:
                    response = HttpResponseRedirect(target)
                    response["Vary"] = "Accept-Language, Cookie"
                    return response
        return self.get_response(request)
