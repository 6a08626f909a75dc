"""Shorter sessions for moderators (issue 12, item 16).

A moderator's session can publish listings and revert history, so it ends after
MODERATOR_SESSION_SECONDS (8 hours by default) instead of Django's two weeks. Set at sign-in,
for every way of signing in (the admin's form, a password reset, `force_login` in tests).
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

# Named by string so that directory never imports clinics' access rules.
MODERATE_PERMISSION = "clinics.moderate_clinic"


@receiver(user_logged_in, dispatch_uid="directory.sessions.moderator_session_expiry")
def moderator_session_expiry(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if user.is_active and user.has_perm(MODERATE_PERMISSION):
        request.session.set_expiry(settings.MODERATOR_SESSION_SECONDS)
