"""CSV that spreadsheets open safely: no cell runs as a formula, and the file reads back as
written. Shared by every CSV export (the prisoner list, the letter log) and the import."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import TextIO

# Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = frozenset("=+-@\t\r\0")


def protect_cell(value: str) -> str:
    """Make a cell inert in spreadsheets: prefix ``'`` where it could start a formula.

    A value that already starts with ``'`` before such a character gets one more, so that
    ``unprotect_cell`` gives back exactly what was stored.
    """
    if value[:1] in FORMULA_STARTS or (
        value.startswith("'") and value.lstrip("'")[:1] in FORMULA_STARTS
    ):
        return "'" + value
    return value


def unprotect_cell(value: str) -> str:
    """Undo ``protect_cell``: drop one ``'`` only where ``protect_cell`` would have added it."""
    if value.startswith("'") and value.lstrip("'")[:1] in FORMULA_STARTS:
        return value[1:]
    return value


def write_protected(
    stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[str]], *, bom: bool = False
) -> int:
    """Write ``header`` and ``rows`` as CSV to ``stream``, every cell through ``protect_cell``
    (a name starting with ``=`` must not run as a formula in a spreadsheet); returns the rows.

    Open a file with ``newline=""``: rows end in CRLF (RFC 4180) and cells keep their own line
    breaks. ``bom`` starts the file with a byte-order mark, which Excel needs to read UTF-8.
    """
    if bom:
        stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(header)
    count = 0
    for cells in rows:
        writer.writerow([protect_cell(cell) for cell in cells])
        count += 1
    return count
