"""Links sent by email that act without a password: signed, expiring, refused in words.

An owner's invitation (clinics.moderation.invitations) and the monthly "Everything is still
right" (clinics.moderation.confirming) carry their ids in a token made by django.core.signing
with SECRET_KEY and a salt of their own, so one kind of link is never accepted as the other.
A token cut short or changed, or one past its age, is refused with a message the person can
act on and a 4xx status, never a 500.
"""

import datetime

from django.core import signing
from django.utils.translation import gettext as _


class LinkRefused(Exception):
    """A link that cannot be followed; `message` says why and what to do, `status` the 4xx."""

    def __init__(self, message, *, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def sign(payload, *, salt):
    """A URL-safe token of `payload` (a small dict), dated now."""
    return signing.dumps(payload, salt=salt, compress=False)


def unsign(token, *, salt, max_age, expired_message, invalid_message=None):
    """The payload of `token` if it is genuine and younger than `max_age` (a timedelta).

    Raises LinkRefused: 410 for an expired link, 400 for anything not signed by us.
    """
    try:
        payload = signing.loads(str(token), salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkRefused(expired_message, status=410) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkRefused(
            invalid_message
            or _(
                "This link is not valid: it may have been cut short or changed when it was "
                "copied. Open it again from the email, whole."
            )
        ) from None
    if not isinstance(payload, dict):
        raise LinkRefused(invalid_message or _("This link is not valid."))
    return payload


def days(number):
    return datetime.timedelta(days=int(number))
