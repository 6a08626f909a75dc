"""Reading a file into rows: the encodings spreadsheets save, and CSV that Python cannot read.

UTF-8 (with or without a BOM), UTF-16 and UTF-32 (with a BOM, or UTF-16 recognised by its
zero bytes) and, when nothing else fits, Windows-1252. A cell of any size is read (the file is
in memory already); `cells` in rows.py refuses cells that are too long, line by line. A line
Python's csv module cannot parse is a line-numbered problem, never a traceback.
"""

import codecs
import csv
import io
import os
import re
from dataclasses import dataclass, field

from clinics.importing.cells import clean
from clinics.importing.columns import unprotect_cell
from clinics.importing.report import RowError

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


@dataclass
class Table:
    """A file as read: its header, its rows as (line number, values), what could not be read."""

    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    encoding: str = "utf-8"
    labels: dict = field(default_factory=dict)  # line -> what to call it instead (HSDS records)


def normalise_column(name):
    return re.sub(r"[\s-]+", "_", clean(name).lower())


def sniff_utf16(data):
    """ "utf-16-le" or "utf-16-be" for UTF-16 text without a BOM (ASCII in it has a zero byte
    beside every character), else None."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.4 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.4 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def decode(data):
    """(text, encoding name) of the bytes of a file."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").removeprefix("\ufeff"), encoding
    if encoding := sniff_utf16(data):
        return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Spreadsheet programs on Windows still save "CSV" as Windows-1252.
        return data.decode("cp1252", errors="replace"), "cp1252"


def read_table(source):
    """The file's Table; `source` is a path, bytes, text or a file object."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            return read_table(handle.read())
    if not isinstance(source, bytes):
        data = source.read()
        return read_table(data) if isinstance(data, bytes) else parse_text(data, "text")
    text, encoding = decode(source)
    return parse_text(text, encoding)


def parse_text(text, encoding):
    text = text.removeprefix("\ufeff")
    table = Table(encoding=encoding)
    # The csv module refuses a cell over 128 KiB with an exception; no cell is bigger than
    # the file, so that limit only turns a long cell into a traceback. Never lowered.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    header = None
    while True:
        # A row is numbered by the line it starts on (a quoted cell may hold line breaks).
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            table.errors.append(
                RowError(line, "row", f"cannot be read as CSV ({error}); check quotes")
            )
            continue
        if header is None:
            header = values
            continue
        if any(v.strip() for v in values):
            # The apostrophe that keeps a spreadsheet from running a cell (columns.py).
            table.rows.append((line, [unprotect_cell(v) for v in values]))
    table.columns = [normalise_column(c) for c in header or []]
    return table


def read_csv(source):
    """The header and the rows as (line number, values); `source` is a path, bytes or a file."""
    table = read_table(source)
    return table.columns, table.rows
