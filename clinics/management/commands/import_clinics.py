"""`import_clinics FILE.csv`: load clinics from a CSV (docs/import-format.md)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinics.importing import import_clinics


class Command(BaseCommand):
    help = "Import clinics and locations from a CSV file in the directory's import format."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file to import")
        parser.add_argument(
            "--source",
            help="name of the data source; re-imports with the same source update in place "
            "(default: the file name without extension)",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate, write nothing")
        parser.add_argument("--publish", action="store_true", help="publish new clinics")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid rows, report the rest"
        )

    def handle(self, *args, file, source, dry_run, publish, skip_invalid, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        progress = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            def progress(rows):
                return tqdm(rows, desc="rows", unit="row", file=sys.stderr)

        try:
            report = import_clinics(
                path,
                source_name=source or path.stem[:60],
                dry_run=dry_run,
                publish=publish,
                skip_invalid=skip_invalid,
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s) in {file}", returncode=1)
