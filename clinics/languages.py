"""The languages the directory speaks (issue 20): English at the site's root, Spanish under
/es/ (docs/translation.md). One page, one address per language; the query is kept, so a
search switches language without being lost.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from clinics.mail import absolute_url


@dataclass(frozen=True)
class Alternate:
    code: str
    name: str
    path: str  # this page in that language, its query kept: where the switch leads
    url: str  # its absolute address without the query: the hreflang alternate
    current: bool


def alternates(request):
    """This page in every language, [Alternate], the current one marked; [] for a page that
    exists in one language only (the APIs, the admin, an address that is not a page)."""
    full_path = request.get_full_path()
    paths = {code: translate_url(full_path, code) for code, _ in settings.LANGUAGES}
    if len(set(paths.values())) < len(paths):
        return []
    current = translation.get_language()
    return [
        Alternate(
            code=code,
            name=name,
            path=paths[code],
            url=absolute_url(translate_url(request.path, code)),
            current=code == current,
        )
        for code, name in settings.LANGUAGES
    ]


def supported(code):
    """`code` when the directory speaks it, else None."""
    return code if code in dict(settings.LANGUAGES) else None


def preferred(request):
    """The language this visitor chose (the cookie) or, before any choice, the one their
    browser asks for first among ours (Accept-Language); the default otherwise."""
    return translation.get_language_from_request(request, check_path=False)
