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


def in_language(path, code):
    """A path of this site (query kept) in language `code`: "/es/search/?near=97205" for
    "/search/?near=97205"; unchanged when it is no page of both languages. The path is read in
    the language of its own address, whatever language is active."""
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        return translate_url(path, code)


def alternates(request):
    """This page in every language, [Alternate], the current one marked; [] for a page that
    exists in one language only (the APIs, the admin, an address that is not a page)."""
    full_path = request.get_full_path()
    paths = {code: in_language(full_path, code) for code, _ in settings.LANGUAGES}
    if len(set(paths.values())) < len(paths):
        return []
    current = translation.get_language()
    return [
        Alternate(
            code=code,
            name=name,
            path=paths[code],
            url=absolute_url(in_language(request.path, code)),
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
