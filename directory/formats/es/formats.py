"""Spanish as written in the United States (issue 20): Django's `es` formats are Spain's,
with a decimal comma ("12,5 millas"); US Spanish, like Mexico's (Django's `es_MX`), writes a
decimal point and groups thousands with a comma, as prices and distances on English pages do.
Numbers inside data attributes and JSON never depend on this (they are not localized)."""

from django.conf.locale.es_MX.formats import *  # noqa: F403
