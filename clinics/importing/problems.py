"""The problem file (issue 18.3): every refused or warned row, to fix and import again.

`import_clinics --report FILE.csv` and the admin import page write the rows that had errors
or warnings, as they were in the file (the file's own columns, in the import format), with
one more column, `errors`: whether the row was imported, then each message with its line
number, separated by ` | ` (one line per row, so a spreadsheet's row numbers stay true). A person fixes the rows and imports the file again with the same source; rows that
were imported update in place, and the `errors` column is ignored on import.
"""

import io
from collections import defaultdict

from clinics.importing.columns import ERRORS_COLUMN, write_rows


def problem_rows(report):
    """The header, then [values..., errors] for each line with problems, in file order."""
    columns = [c for c in report.columns if c != ERRORS_COLUMN]
    keep = [i for i, c in enumerate(report.columns) if c != ERRORS_COLUMN]
    messages = defaultdict(lambda: ([], []))
    for error in report.errors:
        messages[error.line][0].append(str(error))
    for warning in report.warnings:
        messages[warning.line][1].append(str(warning))
    yield [*columns, ERRORS_COLUMN]
    for line in sorted(report.rows):
        values = report.rows[line]
        cells = [values[i].replace("\x00", "") if i < len(values) else "" for i in keep]
        errors, warnings = messages[line]
        if errors:
            status = "not imported"
        elif report.written:
            status = "imported with warnings"
        else:
            status = "warnings (nothing was written)"
        yield [*cells, " | ".join([status, *errors, *warnings])]


def write_problem_file(report, output):
    """Write the problem file to a text file object; returns the number of rows written.

    Like an export, cells that a spreadsheet would run as formulas get a leading apostrophe."""
    return write_rows(output, problem_rows(report))


def problem_file_text(report):
    out = io.StringIO()
    write_problem_file(report, out)
    return out.getvalue()
