"""`export_clinics FILE.csv`: write every listing in the import format."""

from django.core.management.base import BaseCommand

from clinics.importers import export_clinics


class Command(BaseCommand):
    help = "Export clinics and locations as CSV in the import format ('-' for standard output)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file to write, or - for standard output")

    def handle(self, *args, file, **options):
        if file == "-":
            export_clinics(self.stdout)
            return
        with open(file, "w", encoding="utf-8", newline="") as output:
            count = export_clinics(output)
        self.stderr.write(f"Wrote {count} location(s) to {file}.")
