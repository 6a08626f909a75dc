"""Why a moderation action cannot happen: the message is shown to the person who tried."""


class ModerationError(Exception):
    """An action that does not fit the listing's state; the message is shown to the user."""
