"""CSV that spreadsheets open safely: no cell runs as a formula, and the file reads back as
written. Shared by every CSV export (the prisoner list, the letter log) and the import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
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


def csv_chunks(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    bom: bool = False,
    rows_per_chunk: int = 1000,
    protected: bool = False,
) -> Iterator[str]:
    """``header`` and ``rows`` as CSV text, a chunk of ``rows_per_chunk`` rows at a time, every
    cell through ``protect_cell`` (a name starting with ``=`` must not run as a formula in a
    spreadsheet).

    A download streams these as the rows come from the database, so a letter log of a million
    rows never sits whole in memory. Rows end in CRLF (RFC 4180) and cells keep their own line
    breaks. ``bom`` starts the text with a byte-order mark, which Excel needs to read UTF-8.

    ``protected``: the caller has already put every cell through ``protect_cell`` (the letter
    log protects each distinct name once, not once per row: at a million rows, protecting
    seven cells a row was a third of the export's time). Each chunk is then written whole.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    writer.writerow(header)
    cells = iter(rows) if protected else ([protect_cell(c) for c in row] for row in rows)
    while chunk := list(islice(cells, rows_per_chunk)):
        writer.writerows(chunk)
        if len(chunk) < rows_per_chunk:
            break  # the last rows: they leave with the final chunk below
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def write_protected(
    stream: TextIO,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    bom: bool = False,
    protected: bool = False,
) -> int:
    """Write ``csv_chunks`` of ``header`` and ``rows`` to ``stream`` (a file opened with
    ``newline=""``); returns the number of rows. ``protected``: as for ``csv_chunks``."""
    counted = 0

    def counting() -> Iterator[Sequence[str]]:
        nonlocal counted
        for cells in rows:
            counted += 1
            yield cells

    for chunk in csv_chunks(header, counting(), bom=bom, protected=protected):
        stream.write(chunk)
    return counted
