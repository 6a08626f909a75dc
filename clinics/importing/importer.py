"""`import_clinics`: a CSV in the format of docs/import-format.md, checked, then written.

The import runs in three steps: `parse_rows` reads and checks every row (rows.py),
`write` matches and writes clinics and locations in bulk (writer.py), and the ImportReport
says line by line what happened. All or nothing unless `skip_invalid`; a dry run is a real
run in a transaction that is rolled back, so its counts are exactly a real run's.
"""

from dataclasses import replace

from django.db import IntegrityError, transaction

from clinics import caching, geo
from clinics.importing.duplicates import duplicate_warnings
from clinics.importing.hsds import read_hsds
from clinics.importing.reading import read_table
from clinics.importing.report import ImportReport, RowError
from clinics.importing.rows import ReferenceSlugs, parse_rows
from clinics.importing.writer import write
from clinics.models import Clinic


def import_clinics(
    source,
    *,
    source_name="csv",
    dry_run=False,
    publish=False,
    skip_invalid=False,
    user=None,
    progress=None,
    file_format="csv",
):
    """Import a CSV (path, text, bytes or file); returns an ImportReport.

    All-or-nothing unless `skip_invalid`; `dry_run` runs everything in a transaction that is
    rolled back, so the counts are exactly what a real run would report.
    `progress` wraps an iterable (tqdm) to show progress over the rows. `file_format` "hsds"
    reads an HSDS 3.0 JSON document instead of a CSV (hsds.py), checked the same way.
    """
    limit = Clinic._meta.get_field("import_source").max_length
    if not source_name or len(source_name) > limit:
        raise ValueError(f"the source name must be 1 to {limit} characters: {source_name!r}")
    report = ImportReport(source=source_name, dry_run=dry_run, skip_invalid=skip_invalid)
    reference = ReferenceSlugs()
    geo.zip_index()  # loaded once, before the progress bar starts
    table = read_hsds(source) if file_format == "hsds" else read_table(source)
    if not table.columns:
        report.errors.append(RowError(1, "header", "the file is empty; expected a header row"))
        return report
    parsed, errors, warnings = parse_rows(table.columns, table.rows, reference, progress=progress)
    valid = []
    for clinic in parsed:
        if clinic.invalid or not clinic.locations:
            report.clinics.invalid += 1
            errors += refused_with_their_clinic(clinic)
            continue
        valid.append(clinic)
    errors = sorted(table.errors + errors, key=lambda error: error.line)
    warnings += duplicate_warnings(valid, source_name)
    warnings = sorted(warnings, key=lambda warning: warning.line)
    if table.labels:
        errors = [replace(e, where=table.labels.get(e.line, "")) for e in errors]
        warnings = [replace(w, where=table.labels.get(w.line, "")) for w in warnings]
    report.errors.extend(errors)
    report.warnings.extend(warnings)
    report.keep_rows(table)
    report.locations.invalid += len({e.line for e in errors} - {0, 1})
    if errors and any(e.line == 1 for e in errors):
        return report
    if errors and not skip_invalid:
        return report
    try:
        with transaction.atomic():
            write(valid, reference, report, source_name=source_name, publish=publish, user=user)
            if dry_run:
                transaction.set_rollback(True)
            else:
                report.written = True
                # Rows were written in bulk, without model signals.
                transaction.on_commit(caching.listings_changed)
    except IntegrityError as error:
        report.written = False
        report.errors.append(RowError(0, "database", f"nothing written: {error}"))
    return report


def refused_with_their_clinic(clinic):
    """An error for each row that is fine itself but whose clinic has errors on other rows."""
    lines = ", ".join(str(line) for line in clinic.error_lines) or "another line"
    return [
        RowError(
            location.line,
            "clinic_id",
            f"not imported: clinic {clinic.ref} has errors on line {lines}; fix them and "
            "import this row with them",
        )
        for location in clinic.locations
    ]
