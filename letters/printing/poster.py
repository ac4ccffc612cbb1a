"""A campaign's poster (A3 or A4) and flyer (two A5 on an A4 sheet, to cut): the call on a wall.

What it holds, top to bottom: the title and dates, a few lines of the call, the featured
people with their envelope addresses exactly as the envelope prints them, then the donation
reference and a QR code to the call page. It is read from two metres, so every size has a floor
(``PosterFormat``): the whole poster shrinks step by step, title, text and addresses together,
down to their floors; the people who still do not fit go on to a second page (and a third…),
each with the title and the QR code, never smaller. A title that does not fit in four lines at
its floor, or an address wider than its column, is refused with a message naming it.

The QR code is drawn with segno's module matrix as filled rectangles on the canvas: vector, so
it stays sharp at any size, and no image library or remote service is involved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import segno
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .fonts import BOLD, REGULAR
from .layout import ELLIPSIS, LEADING, SIZE_STEP, DoesNotFit, fit_lines, wrap
from .pdf import new_canvas

# The most lines a title may take; beyond that it is a paragraph, not a title.
TITLE_LINES = 4
QUIET_ZONE = 4  # modules of white around a QR code, as the standard asks
GAP = 5 * mm  # between columns and between blocks
CUT_MARK_GREY = 0.6
SHRINK_STEP = 0.05  # of the design sizes, each time the poster is too full


@dataclass(frozen=True)
class PosterFormat:
    """A poster or flyer: its sheet, how many copies a sheet holds, and its type sizes (pt).

    Each size has a design value and a floor. A3's title floor (48 pt) is what reads from two
    metres; A4 is A3 scaled by 1/√2 (as the paper is), rounded; the flyer is read in the hand.
    """

    code: str
    sheet_mm: tuple[float, float]  # width, height
    copies: int  # side by side on one sheet (the flyer: two A5 on a landscape A4)
    margin_mm: float
    columns: int  # of addresses
    qr_mm: float
    call_lines: int  # the most lines of the call printed
    title: tuple[float, float]  # (design, floor)
    body: tuple[float, float]
    address: tuple[float, float]

    @property
    def sheet(self) -> tuple[float, float]:
        return self.sheet_mm[0] * mm, self.sheet_mm[1] * mm

    @property
    def box(self) -> tuple[float, float]:
        """Width and height of one copy, inside its margins (points)."""
        width, height = self.sheet
        return width / self.copies - 2 * self.margin_mm * mm, height - 2 * self.margin_mm * mm


POSTER_FORMATS: dict[str, PosterFormat] = {
    "A3": PosterFormat(
        "A3", (297, 420), 1, 15, 3, 60, 6, title=(72, 48), body=(26, 18), address=(18, 14)
    ),
    "A4": PosterFormat(
        "A4", (210, 297), 1, 12, 2, 45, 6, title=(51, 34), body=(18, 13), address=(13, 10)
    ),
    "FLYER": PosterFormat(
        "FLYER", (297, 210), 2, 10, 2, 32, 4, title=(32, 22), body=(12, 10), address=(10, 8)
    ),
}
DEFAULT_POSTER_SIZE = "A3"
POSTER_SIZES = ("A3", "A4")  # the flyer has its own address


@dataclass(frozen=True)
class PosterPerson:
    name: str  # as the interface shows it, for a refusal's message
    address_lines: tuple[str, ...]  # the recipient block as the envelope prints it


@dataclass(frozen=True)
class Poster:
    """Everything a poster prints, in its language (the words around it are translated by
    the caller's locale: render inside ``force_locale``)."""

    title: str
    dates: str = ""
    call: tuple[str, ...] = ()  # the call as plain paragraphs
    people: tuple[PosterPerson, ...] = ()
    payment_reference: str = ""
    link: str | None = None  # the call page's absolute address; None: no QR code


class PosterDoesNotFit(ValueError):
    """Something on the poster cannot print at its floor: one message per thing, naming it."""

    def __init__(self, messages: Sequence[LazyString]) -> None:
        super().__init__("refused")
        # Lazy: the poster is laid out in its own language, the refusal is read in the
        # coordinator's (``str()`` them outside ``force_locale``).
        self.messages = list(messages)

    def __str__(self) -> str:
        return "\n".join(str(message) for message in self.messages)


@dataclass(frozen=True)
class Sizes:
    title: float
    body: float
    address: float


@dataclass(frozen=True)
class _Block:
    """A strip of a copy: its height and how to draw it from its top-left corner."""

    height: float
    draw: Callable[[Canvas, float, float], None]  # (canvas, x, top)


@dataclass(frozen=True)
class _Page:
    top: tuple[_Block, ...]
    rows: tuple[_Block, ...]  # of addresses
    footer: _Block


def format_name(fmt: PosterFormat) -> LazyString:
    if fmt.code == "FLYER":
        return _l("flyer")
    return _l("%(size)s poster", size=fmt.code)


# --- the text ---------------------------------------------------------------------------------


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def excerpt(paragraphs: Sequence[str], width: float, size: float, most: int) -> list[str]:
    """The call's first lines: whole if it takes ``most`` lines or fewer, else cut after the
    last sentence that fits (with "…" after it when that fits too), else after the last word
    that fits, ending in "…"."""
    text = " ".join(" ".join(paragraph.split()) for paragraph in paragraphs if paragraph.strip())
    lines = wrap(text, width, size) if text else []
    if len(lines) <= most:
        return lines
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{kept} {sentence}".strip()
        if len(wrap(candidate, width, size)) > most:
            break
        kept = candidate
    if kept:
        with_ellipsis = wrap(f"{kept} {ELLIPSIS}", width, size)
        return with_ellipsis if len(with_ellipsis) <= most else wrap(kept, width, size)
    words = text.split()
    while words:
        words.pop()
        cut = wrap(" ".join(words).rstrip(",;:—–-") + ELLIPSIS, width, size)
        if len(cut) <= most:
            return cut
    return []


# --- laying out one copy ----------------------------------------------------------------------


def _text_block(lines: Sequence[str], size: float, font: str = REGULAR, after: float = 0) -> _Block:
    def draw(canvas: Canvas, x: float, top: float) -> None:
        canvas.setFont(font, size)
        y = top - size
        for line in lines:
            canvas.drawString(x, y, line)  # characters as they are, never markup
            y -= size * LEADING

    return _Block(len(lines) * size * LEADING + after, draw)


def _space(height: float) -> _Block:
    return _Block(height, lambda canvas, x, top: None)


def _title(
    poster: Poster, fmt: PosterFormat, width: float, sizes: Sizes
) -> tuple[list[str], float]:
    """The title's lines and size: the largest size up to ``sizes.title`` at which it takes at
    most ``TITLE_LINES`` lines; ``PosterDoesNotFit`` when it does not at its floor."""
    size = sizes.title
    while size >= fmt.title[1] - 1e-9:
        lines = wrap(poster.title, width, size, BOLD)
        if len(lines) <= TITLE_LINES:
            return lines, size
        size -= SIZE_STEP
    raise PosterDoesNotFit(
        [
            _l(
                "The title “%(title)s” does not fit on the %(format)s in %(count)s lines "
                "at %(floor)s pt or larger. Shorten the call's title.",
                title=poster.title,
                format=format_name(fmt),
                count=TITLE_LINES,
                floor=f"{fmt.title[1]:g}",
            )
        ]
    )


def _address_lines(person: PosterPerson, width: float, size: float) -> list[str]:
    fitted = fit_lines(person.address_lines, width, 1e6, what="address", max_size=size, floor=size)
    return list(fitted.lines)


def _columns(fmt: PosterFormat, width: float) -> float:
    return (width - (fmt.columns - 1) * GAP) / fmt.columns


def _address_rows(poster: Poster, fmt: PosterFormat, width: float, size: float) -> list[_Block]:
    """The people, ``fmt.columns`` to a row, each block as wide as its column."""
    column = _columns(fmt, width)
    blocks: list[list[str]] = []
    problems: list[LazyString] = []
    for person in poster.people:
        try:
            blocks.append(_address_lines(person, column, size))
        except DoesNotFit:
            problems.append(
                _l(
                    "The address of %(name)s does not fit a column of the %(format)s at "
                    "%(floor)s pt or larger: a word or number in it is too long.",
                    name=person.name,
                    format=format_name(fmt),
                    floor=f"{fmt.address[1]:g}",
                )
            )
    if problems:
        raise PosterDoesNotFit(problems)
    rows = []
    for start in range(0, len(blocks), fmt.columns):
        rows.append(_address_row(blocks[start : start + fmt.columns], column, size))
    return rows


def _address_row(blocks: list[list[str]], column: float, size: float) -> _Block:
    def draw(canvas: Canvas, x: float, top: float) -> None:
        canvas.setFont(REGULAR, size)
        for index, lines in enumerate(blocks):
            left = x + index * (column + GAP)
            y = top - size
            for line in lines:
                canvas.drawString(left, y, line)
                y -= size * LEADING

    tallest = max(len(lines) for lines in blocks)
    return _Block(tallest * size * LEADING + GAP, draw)


def _footer(poster: Poster, fmt: PosterFormat, width: float, sizes: Sizes) -> _Block:
    """The donation reference and the link on the left, the QR code on the right."""
    qr_side = fmt.qr_mm * mm if poster.link else 0.0
    left_width = width - (qr_side + GAP if qr_side else 0)
    parts: list[tuple[list[str], float, str]] = []  # (lines, size, font)
    if poster.payment_reference:
        parts.append(
            (wrap(_("Donate with the reference"), left_width, sizes.body, BOLD), sizes.body, BOLD)
        )
        reference_size = sizes.body * 1.5
        parts.append(
            (wrap(poster.payment_reference, left_width, reference_size, BOLD), reference_size, BOLD)
        )
        parts.append(
            (
                wrap(
                    _(
                        "Write it on your transfer, so that the money reaches this campaign. "
                        "How to give: on the call's page."
                    ),
                    left_width,
                    sizes.address,
                ),
                sizes.address,
                REGULAR,
            )
        )
    if poster.link:
        parts.append(
            (wrap(_("The whole call:"), left_width, sizes.address, BOLD), sizes.address, BOLD)
        )
        parts.append((wrap(poster.link, left_width, sizes.address), sizes.address, REGULAR))
    text_height = sum(len(lines) * size * LEADING for lines, size, _font in parts)
    height = max(text_height, qr_side)

    def draw(canvas: Canvas, x: float, top: float) -> None:
        y_top = top
        for lines, size, font in parts:
            _text_block(lines, size, font).draw(canvas, x, y_top)
            y_top -= len(lines) * size * LEADING
        if poster.link:
            draw_qr(canvas, poster.link, x + width - qr_side, top - qr_side, qr_side)

    return _Block(height, draw)


def _top(poster: Poster, fmt: PosterFormat, width: float, sizes: Sizes) -> list[_Block]:
    title, title_size = _title(poster, fmt, width, sizes)
    blocks = [_text_block(title, title_size, BOLD, after=GAP / 2)]
    if poster.dates:
        blocks.append(_text_block(wrap(poster.dates, width, sizes.body, BOLD), sizes.body, BOLD))
    lines = excerpt(poster.call, width, sizes.body, fmt.call_lines)
    if lines:
        blocks.append(_space(GAP / 2))
        blocks.append(_text_block(lines, sizes.body))
    if poster.people:
        blocks.append(_space(GAP))
        heading = _("Write to them: a letter on paper, by post, to the address as it is here.")
        blocks.append(
            _text_block(wrap(heading, width, sizes.body, BOLD), sizes.body, BOLD, after=GAP / 2)
        )
    return blocks


def _continued(poster: Poster, width: float, sizes: Sizes, page: int) -> list[_Block]:
    heading = _("%(title)s — continued (page %(page)s)", title=poster.title, page=page)
    return [_text_block(wrap(heading, width, sizes.body, BOLD), sizes.body, BOLD, after=GAP)]


def sizes_at(fmt: PosterFormat, scale: float) -> Sizes:
    return Sizes(
        title=max(fmt.title[1], round(fmt.title[0] * scale * 2) / 2),
        body=max(fmt.body[1], round(fmt.body[0] * scale * 2) / 2),
        address=max(fmt.address[1], round(fmt.address[0] * scale * 2) / 2),
    )


def _height(blocks: Sequence[_Block]) -> float:
    return sum(block.height for block in blocks)


def lay_out(poster: Poster, fmt: PosterFormat) -> list[_Page]:
    """The pages of one copy: at the largest scale where everything fits one page, else at
    the floors with the people spread over as many pages as they need."""
    width, height = fmt.box
    scale = 1.0
    while True:
        sizes = sizes_at(fmt, scale)
        top = _top(poster, fmt, width, sizes)
        rows = _address_rows(poster, fmt, width, sizes.address)
        footer = _footer(poster, fmt, width, sizes)
        if _height(top) + _height(rows) + footer.height <= height + 1e-6:
            return [_Page(tuple(top), tuple(rows), footer)]
        if sizes == sizes_at(fmt, 0):
            break
        scale -= SHRINK_STEP
    if _height(top) + footer.height > height:
        raise PosterDoesNotFit(
            [
                _l(
                    "The title, the call and the donation do not fit on the %(format)s at "
                    "%(floor)s pt or larger. Shorten the call's title.",
                    format=format_name(fmt),
                    floor=f"{fmt.body[1]:g}",
                )
            ]
        )
    return _paginate(poster, fmt, sizes, top, rows, footer)


def _paginate(
    poster: Poster,
    fmt: PosterFormat,
    sizes: Sizes,
    top: list[_Block],
    rows: list[_Block],
    footer: _Block,
) -> list[_Page]:
    width, height = fmt.box
    pages: list[_Page] = []
    current_top: list[_Block] = top
    current_rows: list[_Block] = []
    for index, row in enumerate(rows):
        room = height - _height(current_top) - footer.height - _height(current_rows)
        if row.height > room + 1e-6 and (current_rows or current_top is top):
            pages.append(_Page(tuple(current_top), tuple(current_rows), footer))
            current_top = _continued(poster, width, sizes, len(pages) + 1)
            current_rows = []
            room = height - _height(current_top) - footer.height
        if row.height > room + 1e-6:
            first = index * fmt.columns
            names = ", ".join(p.name for p in poster.people[first : first + fmt.columns])
            raise PosterDoesNotFit(
                [
                    _l(
                        "The addresses of %(names)s do not fit on one page of the %(format)s "
                        "at %(floor)s pt or larger.",
                        names=names,
                        format=format_name(fmt),
                        floor=f"{fmt.address[1]:g}",
                    )
                ]
            )
        current_rows.append(row)
    pages.append(_Page(tuple(current_top), tuple(current_rows), footer))
    return pages


# --- drawing ----------------------------------------------------------------------------------


def draw_qr(canvas: Canvas, data: str, x: float, y: float, side: float) -> None:
    """``data`` as a QR code filling the square at (``x``, ``y``) (bottom left) of ``side``
    points, its quiet zone included: dark modules as filled rectangles, one per horizontal run,
    in one path."""
    code = segno.make(data, error="m", micro=False)
    matrix = [list(row) for row in code.matrix]
    count = len(matrix) + 2 * QUIET_ZONE
    module = side / count
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + side - (row_index + QUIET_ZONE) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            left = x + (start + QUIET_ZONE) * module
            path.rect(left, top - module, (column - start) * module, module)
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)


def _draw_page(canvas: Canvas, page: _Page, fmt: PosterFormat, x: float, y: float) -> None:
    """One copy's page in the box whose bottom-left corner is (``x``, ``y``)."""
    _width, height = fmt.box
    top = y + height
    for block in (*page.top, *page.rows):
        block.draw(canvas, x, top)
        top -= block.height
    page.footer.draw(canvas, x, y + page.footer.height)


def _draw_cut_mark(canvas: Canvas, fmt: PosterFormat) -> None:
    """A dashed line between the copies, kept off the printer's unprintable edge."""
    width, height = fmt.sheet
    canvas.setStrokeGray(CUT_MARK_GREY)
    canvas.setLineWidth(0.5)
    canvas.setDash(3, 3)
    for copy in range(1, fmt.copies):
        x = width * copy / fmt.copies
        canvas.line(x, 8 * mm, x, height - 8 * mm)
    canvas.setDash()
    canvas.setStrokeGray(0)


def render_poster(poster: Poster, size: str, out: BinaryIO) -> int:
    """Write the poster in ``size`` ("A3", "A4" or "FLYER") to ``out``; returns the number of
    pages. Raises ``PosterDoesNotFit`` (before writing anything) for what cannot print at its
    floor."""
    fmt = POSTER_FORMATS[size.upper()]
    pages = lay_out(poster, fmt)
    canvas = new_canvas(out, poster.title, fmt.sheet)
    copy_width = fmt.sheet[0] / fmt.copies
    for page in pages:
        for copy in range(fmt.copies):
            left = copy * copy_width + fmt.margin_mm * mm
            _draw_page(canvas, page, fmt, left, fmt.margin_mm * mm)
        if fmt.copies > 1:
            _draw_cut_mark(canvas, fmt)
        canvas.showPage()
    canvas.save()
    return len(pages)
