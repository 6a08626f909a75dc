"""What an import did (or, in a dry run or after errors, would have done), line by line."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str
    where: str = ""  # what to call the line instead (an HSDS record), if anything

    def __str__(self):
        return f"{self.where or f'line {self.line}'}: {self.column}: {self.message}"


@dataclass(frozen=True)
class RowWarning(RowError):
    """A problem that keeps its row: the value was left out or changed, and the row imported."""


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    geocoded: int = 0

    def __str__(self):
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.invalid} invalid"
        )


@dataclass
class ImportReport:
    """What an import did (or, in a dry run or after errors, would have done)."""

    source: str
    dry_run: bool = False
    skip_invalid: bool = False
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    clinics: Tally = field(default_factory=Tally)
    locations: Tally = field(default_factory=Tally)
    written: bool = False
    # How the caller names the option that writes the valid rows (the admin page has its own).
    skip_invalid_name: str = "--skip-invalid"
    columns: list = field(default_factory=list)  # the file's header
    rows: dict = field(default_factory=dict)  # line -> values, for the lines with problems

    def keep_rows(self, table):
        """Keep the header and the rows with problems, for the problem file (problems.py)."""
        lines = {problem.line for problem in (*self.errors, *self.warnings)} - {0, 1}
        self.columns = list(table.columns)
        self.rows = {line: values for line, values in table.rows if line in lines}

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        if self.written:
            outcome = "Imported"
        elif self.dry_run and (self.ok or self.skip_invalid):
            outcome = "Dry run, nothing written"
        else:
            outcome = f"Nothing written: fix the errors above, or use {self.skip_invalid_name}"
        return [
            f"{outcome} (source {self.source!r}).",
            f"clinics: {self.clinics}",
            f"locations: {self.locations}, {self.locations.geocoded} geocoded",
            f"problems: {counted(self.errors, 'error')}, {counted(self.warnings, 'warning')}",
        ]

    def lines(self):
        """The whole report, errors first, as a person reads it."""
        return [str(e) for e in self.errors] + [str(w) for w in self.warnings] + self.summary()

    def __str__(self):
        return "\n".join(self.lines())


def counted(problems, kind):
    """ "3 errors on 2 lines", "1 warning on 1 line", "0 errors"."""
    if not problems:
        return f"0 {kind}s"
    lines = len({problem.line for problem in problems})
    return (
        f"{len(problems)} {kind}{'s' if len(problems) != 1 else ''} on {lines} "
        f"line{'s' if lines != 1 else ''}"
    )
