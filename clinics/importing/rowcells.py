"""One CSV row as cleaned cells, with the problems found in it so far.

Before any column is parsed, every cell is checked for what no column may hold: a NUL or
another control character (PostgreSQL cannot store a NUL; mail headers break on the rest)
and more than MAX_CELL characters. Such a cell is an error of its line, and the parsers
never see it, so one bad cell gives one message.

A placeholder (`N/A`, `none`, `-`, `TBD`, `http://`, `0000000000`: cells.is_placeholder) is
read as blank with a warning, and the row is kept; in a required column it is an error.
"""

from clinics.importing.cells import ValueProblem, clean, is_placeholder
from clinics.importing.report import RowError, RowWarning
from clinics.validators import TEXT_WHITE_SPACE, control_character_in, control_character_name

# Far more than any column needs (names are at most 200 characters); a longer cell is a
# broken file, not data.
MAX_CELL = 10_000


def cell_problem(value):
    """Why a raw cell cannot be read at all, or ""."""
    if len(value) > MAX_CELL:
        return f"{len(value)} characters; a cell holds at most {MAX_CELL}"
    # The one rule of clinics.validators; tabs and line breaks are white space, which `clean`
    # collapses (every column of the import is one line).
    if character := control_character_in(value, allowed=TEXT_WHITE_SPACE):
        return f"contains {control_character_name(character)}; remove it"
    return ""


class Row:
    """One CSV row as {column: cleaned text}, with the problems found in it so far."""

    def __init__(self, line, columns, values, *, required=(), ignored=()):
        self.line = line
        self.errors = []
        self.warnings = []
        self.bad = set()  # columns whose cell could not be read; parsers skip them
        self.values = {}
        for i, column in enumerate(columns):
            raw = values[i] if i < len(values) else ""
            text = ""
            if column in ignored:
                pass
            elif problem := cell_problem(raw):
                self.problem(column, problem)
                self.bad.add(column)
            elif is_placeholder(raw):
                text = clean(raw)
                if column in required:
                    self.problem(column, f"{text!r} is a placeholder; required")
                    self.bad.add(column)
                else:
                    self.warn(column, f"{text!r} is a placeholder; left blank")
                text = ""
            else:
                text = clean(raw)
            self.values[column] = text

    def get(self, column):
        return self.values.get(column, "")

    def problem(self, column, message):
        self.errors.append(RowError(self.line, column, message))

    def warn(self, column, message):
        self.warnings.append(RowWarning(self.line, column, message))

    def attempt(self, column, parse, *args):
        """The parsed cell, or None after recording why it cannot be parsed."""
        if column in self.bad:
            return None
        try:
            return parse(self.get(column), *args)
        except ValueProblem as error:
            self.problem(column, str(error))
            return None
