"""`import_clinics FILE.csv`: load clinics from a CSV (docs/import-format.md)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinics.importing import import_clinics, write_problem_file


class Command(BaseCommand):
    help = "Import clinics and locations from a CSV file in the directory's import format."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV (or HSDS JSON) file to import")
        parser.add_argument(
            "--format",
            choices=["csv", "hsds"],
            default="csv",
            help="csv: the import format (default); hsds: an HSDS 3.0 JSON export of another "
            "directory, read with the same checks",
        )
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
        parser.add_argument(
            "--report",
            metavar="FILE.csv",
            help="write every refused or warned row here, in the import format with an "
            "`errors` column, to fix and import again (with the same --source)",
        )

    def handle(self, *args, file, source, dry_run, publish, skip_invalid, report, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        problem_path = Path(report) if report else None
        if problem_path and problem_path.resolve() == path.resolve():
            raise CommandError("--report must name another file than the one imported")
        progress = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            def progress(rows):
                return tqdm(rows, desc="rows", unit="row", file=sys.stderr)

        try:
            outcome = import_clinics(
                path,
                source_name=source or path.stem[:60],
                dry_run=dry_run,
                publish=publish,
                skip_invalid=skip_invalid,
                progress=progress,
                file_format=options["format"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in outcome.lines():
            self.stdout.write(line)
        if problem_path:
            with open(problem_path, "w", encoding="utf-8", newline="") as handle:
                count = write_problem_file(outcome, handle)
            self.stdout.write(
                f"Report: {count} row(s) with problems in {problem_path}; fix them and import "
                f"it again with --source {outcome.source}"
                if count
                else f"Report: no row with problems; {problem_path} has the header only"
            )
        if not outcome.ok:
            raise CommandError(f"{len(outcome.errors)} error(s) in {file}", returncode=1)
