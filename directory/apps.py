from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """The project itself: settings, URLs, middleware, and what must run at start-up."""

    name = "directory"
    verbose_name = "Directory site"

    def ready(self):
        from directory import sessions  # noqa: F401  (connects the sign-in receiver)
