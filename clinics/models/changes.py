"""Who a recorded change belongs to (issue 15.8), beside simple-history's who-wrote-it.

A moderator's approval writes a staff member's changes onto the published listing: the
history record's `history_user` is the moderator who approved, `history_author` the staff
member who made the change. Saves set it through `obj._history_author`
(clinics.moderation.copying.noted); `record_change_author` copies it onto the record.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAuthor(models.Model):
    """The base of the listing models' history records: adds `history_author`."""

    history_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member whose change a moderator approved (history_user)."),
    )

    class Meta:
        abstract = True


def record_change_author(sender, instance, history_instance, **kwargs):
    """pre_create_historical_record receiver (apps.py): the author the save was noted with."""
    author = getattr(instance, "_history_author", None)
    if author is not None and hasattr(history_instance, "history_author_id"):
        history_instance.history_author = author
