"""Email: the one way the app sends mail (issue 12, items 3 and 4).

`send_email(to=..., subject=..., body=...)` never sends inside the request. It enqueues a task
once the current transaction commits (nothing is sent about an action that was rolled back),
and a worker beside the web server sends it with Django's mail API. A mail server that fails
(SMTP error, connection refused, timeout) is tried again later with a growing wait, and each
failure is logged; none ever reaches the page that asked for the email.

An email is written in the language of the person it goes to, as far as the directory knows
it: compose it inside `written_in(language)` and pass the same code to `send_email`, which
carries it with the task and names it in the Content-Language header. A receipt for what a
visitor did on a Spanish page is in Spanish; everything else (moderators, clinic staff, whose
language the directory does not record) is in the default language.

Headers are built only from checked text: control characters (CR, LF, NUL, ...) and Unicode line
separators become spaces in the subject, and a recipient that is not one plain address is
dropped, so a clinic name with a line break can neither inject a header nor break an email.
"""

import logging
import smtplib
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation

from clinics.validators import CONTROL_CHARACTERS

logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = 200

# What a mail server that is down, unreachable or refusing looks like from smtplib.
MAIL_SERVER_ERRORS = (smtplib.SMTPException, OSError)


def header_text(value, *, limit=SUBJECT_MAX_LENGTH):
    """`value` as one line fit for a mail header: controls become spaces, runs of space one."""
    text = " ".join(CONTROL_CHARACTERS.sub(" ", str(value)).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def checked_recipients(addresses):
    """The plain, valid addresses among `addresses`, lower-cased, each once, sorted."""
    recipients = set()
    for address in addresses:
        address = str(address or "").strip()
        if not address:
            continue
        try:
            if CONTROL_CHARACTERS.search(address) or "," in address or "<" in address:
                raise ValidationError("not one plain address")
            validate_email(address)
        except ValidationError:
            logger.warning("email not sent to an invalid address %r", address[:100])
            continue
        recipients.add(address.lower())
    return sorted(recipients)


def absolute_url(path):
    """An absolute link (emails, the sitemap, canonical links): SITE_URL, never the Host header."""
    return settings.SITE_URL + "/" + str(path).lstrip("/")


def email_language(language=None):
    """`language` when the site speaks it (a code of LANGUAGES), else the default language."""
    try:
        return translation.get_supported_language_variant(language or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


@contextmanager
def written_in(language=None):
    """Compose an email inside this block: gettext speaks `language` (default: LANGUAGE_CODE)."""
    with translation.override(email_language(language)):
        yield


def send_email(*, to, subject, body, language=None):
    """Send `body` to the addresses in `to` once the current transaction commits.

    `language` is the one the email is written in (compose it inside `written_in(language)`;
    lazy translations in `subject` and `body` are rendered in it here). Outside a transaction
    the email is enqueued at once. Returns the checked recipients (an empty list when there
    was nobody valid to write to, and nothing is sent).
    """
    recipients = checked_recipients(to)
    if not recipients:
        return []
    language = email_language(language)
    with translation.override(language):
        message = {
            "to": recipients,
            "subject": header_text(subject),
            "body": str(body),
            "language": language,
        }
    # robust: a queue that cannot take the task (its database or Redis down) is logged and
    # the action that asked for the email still stands.
    transaction.on_commit(lambda: _enqueue(message, attempt=1), robust=True)
    return recipients


def _enqueue(message, *, attempt, delay_seconds=0):
    backend = deliver_email.get_backend()
    queued = deliver_email
    if delay_seconds and backend.supports_defer:
        queued = deliver_email.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    # A backend that cannot defer (the immediate one in tests) tries again at once.
    return queued.enqueue(message=message, attempt=attempt)


def retry_delay_seconds(attempt):
    """The wait after failed attempt number `attempt`: MAIL_RETRY_SECONDS, doubled each time."""
    return settings.MAIL_RETRY_SECONDS * 2 ** (attempt - 1)


@task
def deliver_email(*, message, attempt=1):
    """Send one email; on a mail-server failure, enqueue the next attempt or give up and log."""
    # Emails enqueued before issue 20 carry no language: they were written in English.
    language = email_language(message.get("language"))
    email = EmailMessage(
        subject=header_text(message["subject"]),
        body=message["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=checked_recipients(message["to"]),
        headers={"Content-Language": language},
    )
    try:
        email.send()
    except MAIL_SERVER_ERRORS as error:
        if attempt >= settings.MAIL_MAX_ATTEMPTS:
            logger.error(
                "email %r to %d recipient(s) not sent, giving up after %d attempts: %s: %s",
                email.subject, len(email.to), attempt, type(error).__name__, error,
            )  # fmt: skip
            raise
        delay = retry_delay_seconds(attempt)
        logger.warning(
            "email %r not sent (attempt %d of %d), trying again in %d s: %s: %s",
            email.subject, attempt, settings.MAIL_MAX_ATTEMPTS, delay, type(error).__name__, error,
        )  # fmt: skip
        _enqueue(message, attempt=attempt + 1, delay_seconds=delay)
        return "retrying"
    return "sent"
