"""CSV in and out: the import format (docs/import-format.md), checked line by line, and export."""

from clinics.importing.cells import (
    ValueProblem,
    check_site_near_zip,
    check_zip_in_state,
    parse_npi,
    parse_phone,
    parse_postal_code,
    parse_url,
)
from clinics.importing.columns import header
from clinics.importing.export import export_clinics, export_rows
from clinics.importing.importer import import_clinics
from clinics.importing.problems import problem_file_text, write_problem_file
from clinics.importing.reading import read_csv
from clinics.importing.report import ImportReport, RowError

__all__ = [
    "ImportReport",
    "RowError",
    "ValueProblem",
    "check_site_near_zip",
    "check_zip_in_state",
    "export_clinics",
    "export_rows",
    "header",
    "import_clinics",
    "parse_npi",
    "parse_phone",
    "parse_postal_code",
    "parse_url",
    "problem_file_text",
    "read_csv",
    "write_problem_file",
]
