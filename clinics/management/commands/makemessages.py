"""Django's makemessages with this project's defaults (issue 20; docs/translation.md): the
virtualenv, tests and generated files are not searched for strings, lines are not wrapped
and references name the file only, so a catalogue changes only where its strings do."""

from django.core.management.commands import makemessages

IGNORED = [".venv", "tests", "staticfiles", "node_modules", "bench", "screenshots", "downloads"]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        options["no_wrap"] = True
        options["add_location"] = "file"
        return super().handle(*args, **options)
