"""`export_clinics FILE.csv`: write every listing in the import format."""

from django.core.management.base import BaseCommand

from clinics.importing import export_clinics
from clinics.opendata.downloads import write_export


class Command(BaseCommand):
    help = "Export clinics and locations as CSV in the import format ('-' for standard output)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file to write, or - for standard output")
        parser.add_argument(
            "--format",
            choices=["csv", "hsds", "fhir"],
            default="csv",
            help="csv: every listing in the import format (default); hsds: published listings "
            "as Open Referral HSDS 3.0 JSON; fhir: published listings as a FHIR R4 Bundle",
        )

    def handle(self, *args, file, **options):
        if options.get("format", "csv") != "csv":  # open data (issue 8)
            if file == "-":
                write_export(options["format"], self.stdout)
                return
            with open(file, "w", encoding="utf-8") as output:
                count = write_export(options["format"], output)
            self.stderr.write(f"Wrote {count} record(s) to {file}.")
            return
        if file == "-":
            export_clinics(self.stdout)
            return
        with open(file, "w", encoding="utf-8", newline="") as output:
            count = export_clinics(output)
        self.stderr.write(f"Wrote {count} location(s) to {file}.")
