"""CSV in and out: the import format (docs/import-format.md), checked line by line, and export."""

from clinics.importing.columns import header
from clinics.importing.export import export_clinics, export_rows
from clinics.importing.importer import import_clinics
from clinics.importing.report import ImportReport, RowError
from clinics.importing.rows import read_csv

__all__ = [
    "ImportReport",
    "RowError",
    "export_clinics",
    "export_rows",
    "header",
    "import_clinics",
    "read_csv",
]
