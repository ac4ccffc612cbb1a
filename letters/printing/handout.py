"""The writers' handout for an evening: one page per language the letters are written in.

It is what a first-time writer at the table needs beside the prisoner's card: the "before you
write" summary, a first letter in the prisoner's language beside its meaning, and a few phrases.
The words around the content are in the writers' language (the interface's), the template and
phrases in the prisoner's. Everything is fitted to one page: the text is set as large as fits,
down to ``FLOOR_SIZE``; below that the page is cut (phrases last in the page, so they go first).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..drafting.placeholders import BLANK
from ..guidelines.markdown import BULLET
from .data import Handout
from .fonts import BOLD, REGULAR, text_width
from .formats import SheetFormat
from .layout import LEADING, SIZE_STEP, wrap
from .pdf import new_canvas
from .sheets import sheet_format

MARGIN = 18 * mm
COLUMN_GAP = 6 * mm
TITLE_SIZE = 18
# Read at a table by people of every age: as large as the page allows, never below 9 pt.
MAX_SIZE = 12
FLOOR_SIZE = 9
NOTE_GREY = 0.35
SECTION_GAP = 1.2  # space above a heading, in lines of body text
_LIST_MARKER = re.compile(rf"^(?:{re.escape(BULLET)}|\d+\. )")


@dataclass(frozen=True)
class _Row:
    """A strip of the page, full width: its height and how to draw it from its top."""

    height: float
    draw: Callable[[Canvas, float, float], None]  # (canvas, x, top)


def render_handouts(handouts: Iterable[Handout], sheet: str, out: BinaryIO) -> int:
    """Write one page per handout to ``out`` on ``sheet`` paper ("A4", "LETTER"); returns
    the number of pages (with none, 0 and one blank page, as the other renderers do)."""
    fmt = sheet_format(sheet)
    canvas = new_canvas(out, _("Before you write"), fmt.size)
    pages = 0
    for handout in handouts:
        draw_handout(canvas, handout, fmt)
        pages += 1
    if not pages:
        canvas.showPage()
    canvas.save()
    return pages


def draw_handout(canvas: Canvas, handout: Handout, fmt: SheetFormat) -> None:
    """Draw ``handout`` as one page of its own, and end the page."""
    canvas.setPageSize(fmt.size)
    width, height = fmt.size
    text_width = width - 2 * MARGIN
    room = height - 2 * MARGIN
    size = float(MAX_SIZE)
    rows = _rows(handout, text_width, size)
    while sum(row.height for row in rows) > room and size - SIZE_STEP >= FLOOR_SIZE:
        size -= SIZE_STEP
        rows = _rows(handout, text_width, size)
    top = height - MARGIN
    for row in rows:
        if top - row.height < MARGIN:
            break  # at the floor and still too long: the page ends rather than spill
        row.draw(canvas, MARGIN, top)
        top -= row.height
    canvas.showPage()


def _rows(handout: Handout, width: float, size: float) -> list[_Row]:
    rows = [
        *_text(
            _("Writing to someone who reads %(language)s", language=handout.language_name),
            width,
            TITLE_SIZE,
            BOLD,
        ),
    ]
    if handout.summary:
        rows += _heading(handout.summary_title or _("Before you write"), width, size)
        for paragraph in handout.summary:
            rows += _text(paragraph, width, size)
    rows += _heading(
        _("A first letter in %(language)s", language=handout.language_name), width, size
    )
    if handout.template:
        rows += _text(
            _(
                "Copy it by hand. Fill the blanks (%(blank)s) with the prisoner's first name from "
                "their card, and your own name and town. Where a word has two forms, keep the "
                "one that fits you or them.",
                blank=BLANK,
            ),
            width,
            max(size - 1, FLOOR_SIZE),
            grey=NOTE_GREY,
        )
        if handout.meaning:
            rows += _pairs([(handout.language_name, _("What it means"))], width, size, BOLD)
            rows += _pairs(_zip_lines(handout.template, handout.meaning), width, size)
        else:
            rows += [row for line in handout.template for row in _text(line, width, size)]
    else:
        rows += _text(
            _(
                "There is no first-letter template in %(language)s yet. Write a few short, warm "
                "lines of your own in %(language)s, and nothing about their case.",
                language=handout.language_name,
            ),
            width,
            size,
        )
    if handout.phrases:
        rows += _heading(_("A few phrases"), width, size)
        if any(meaning for _phrase, meaning in handout.phrases):
            rows += _pairs(handout.phrases, width, size)
        else:
            rows += [row for phrase, _m in handout.phrases for row in _text(phrase, width, size)]
    return rows


def _zip_lines(left: Sequence[str], right: Sequence[str]) -> list[tuple[str, str]]:
    """Line n of the template beside line n of its meaning (the seeded translations follow
    their template line by line); the shorter side is padded with nothing."""
    count = max(len(left), len(right))
    return [
        (left[i] if i < len(left) else "", right[i] if i < len(right) else "") for i in range(count)
    ]


def _heading(text: str, width: float, size: float) -> list[_Row]:
    gap = _Row(size * LEADING * SECTION_GAP, lambda canvas, x, top: None)
    return [gap, *_text(text, width, size + 2, BOLD)]


def _text(text: str, width: float, size: float, font: str = REGULAR, grey: float = 0) -> list[_Row]:
    """One row per wrapped line; an empty ``text`` is half a line of space (a paragraph
    break in a template). A list item ("• …", "2. …") hangs its lines under its first word."""
    if not text.strip():
        return [_Row(size * LEADING / 2, lambda canvas, x, top: None)]
    marker = _LIST_MARKER.match(text)
    if marker is None:
        return [_line_row(line, size, font, grey) for line in wrap(text, width, size, font)]
    indent = text_width(marker.group(0), size, font)
    lines = wrap(text[marker.end() :], width - indent, size, font)
    return [
        _line_row(marker.group(0) + lines[0], size, font, grey),
        *(_line_row(line, size, font, grey, indent) for line in lines[1:]),
    ]


def _line_row(line: str, size: float, font: str, grey: float, indent: float = 0) -> _Row:
    def draw(canvas: Canvas, x: float, top: float) -> None:
        canvas.setFillGray(grey)
        canvas.setFont(font, size)
        canvas.drawString(x + indent, top - size, line)  # characters as they are, never markup
        canvas.setFillGray(0)

    return _Row(size * LEADING, draw)


def _pairs(
    pairs: Sequence[tuple[str, str]], width: float, size: float, font: str = REGULAR
) -> list[_Row]:
    """Two columns, each pair on the same row: a line and its meaning side by side."""
    column = (width - COLUMN_GAP) / 2
    rows: list[_Row] = []
    for left, right in pairs:
        if not left.strip() and not right.strip():
            rows.append(_Row(size * LEADING / 2, lambda canvas, x, top: None))
            continue
        left_lines = wrap(left, column, size, font)
        right_lines = wrap(right, column, size, font)
        rows.append(_pair_row(left_lines, right_lines, column, size, font))
    return rows


def _pair_row(left: list[str], right: list[str], column: float, size: float, font: str) -> _Row:
    leading = size * LEADING

    def draw(canvas: Canvas, x: float, top: float) -> None:
        canvas.setFont(font, size)
        for offset, lines in ((0.0, left), (column + COLUMN_GAP, right)):
            canvas.setFillGray(0 if offset == 0 else NOTE_GREY)
            y = top - size
            for line in lines:
                canvas.drawString(x + offset, y, line)
                y -= leading
        canvas.setFillGray(0)

    return _Row(max(len(left), len(right), 1) * leading, draw)
