"""Letter sheets (A4, US Letter): the typed letter, or ruled lines for handwriting.

Every page carries the prisoner's name and number and "page n of m": the censor takes a letter
apart, and a page without a name may never reach its reader. So the pages are counted before
anything is drawn, and ``count_pages`` (shown while drafting) uses the same pagination as the
renderer: the number a writer is told is the number that prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .data import LetterSheet
from .fonts import BOLD, REGULAR
from .formats import ENVELOPES, SHEETS, SheetFormat
from .layout import draw_lines, fit_lines, wrap
from .pdf import new_canvas

# Typed text: a size most people read without glasses, and generous leading, because prisons
# often photocopy letters and tight lines blur together.
TEXT_SIZE = 12
TEXT_LEADING = 1.4
MARGIN_X = 25 * mm
TEXT_TOP = 25 * mm  # from the top edge: room for the header above it
TEXT_BOTTOM = 22 * mm  # from the bottom edge: room for the footer note below it

HEADER_SIZE = 8.5
HEADER_BASELINE = 15 * mm  # from the top edge
FOOTER_BASELINE = 12 * mm  # from the bottom edge
HEADER_GAP = 8 * mm  # between the name and "page n of m"
# With a C6 fold the name stops short of the centre, where the second fold mark sits.
CENTRE_GAP = 10 * mm

# Handwriting: about the spacing of wide-ruled paper, in a grey light enough not to fight with
# the ink but dark enough to survive a photocopier.
RULE_SPACING = 9 * mm
RULE_GREY = 0.6
RULE_WIDTH = 0.4

# Fold marks start 6 mm inside the edge (many printers leave 4–5 mm unprinted, and a mark
# lost there is no mark) and end well before the text, so they never cross a word.
TICK_FROM = 6 * mm  # ≥ 5 mm inside the sheet, with the stroke and a printer's shift
TICK_TO = 12 * mm
TICK_WIDTH = 0.5

# Where the sheet is folded to fit each envelope, as fractions of the sheet measured from the
# top edge (across) and from the left edge (down). A C6 takes an A4 folded in half, then in
# half again the other way: folding twice across would give 210 × 74 mm, too wide for C6's
# 162 mm, so the second fold halves the width.
FOLDS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "DL": ((1 / 3, 2 / 3), ()),
    "US10": ((1 / 3, 2 / 3), ()),
    "C5": ((1 / 2,), ()),
    "C6": ((1 / 2,), (1 / 2,)),
    "C4": ((), ()),
}
if set(FOLDS) != set(ENVELOPES):
    raise RuntimeError("every envelope format needs its fold marks in FOLDS")


@dataclass(frozen=True)
class Captions:
    """The words printed around a letter, in the language of the person who reads it."""

    page: str  # "page {n} of {m}"
    reply_sheet: str  # the header of the blank sheet for the reply
    reply_enclosed: str  # the footer of the last page when a reply sheet goes with it
    name_and_number: str  # "{name} · no. {number}" in the header


# The captions are addressed to the prisoner, not to whoever uses the site, so they are not in
# the interface's catalogues (which speak the languages coordinators read, and would need a
# German catalogue for these four lines alone). A language missing here prints in English; add
# one by adding its four lines.
CAPTIONS: dict[str, Captions] = {
    "en": Captions(
        page="page {n} of {m}",
        reply_sheet="Paper for your reply",
        reply_enclosed="A blank sheet for your reply is enclosed.",
        name_and_number="{name} · no. {number}",
    ),
    "de": Captions(
        page="Seite {n} von {m}",
        reply_sheet="Papier für Ihre Antwort",
        reply_enclosed="Ein leeres Blatt für Ihre Antwort liegt bei.",
        name_and_number="{name} · Nr. {number}",
    ),
    "ru": Captions(
        page="стр. {n} из {m}",
        reply_sheet="Бумага для вашего ответа",
        reply_enclosed="Прилагается чистый лист для вашего ответа.",
        name_and_number="{name} · № {number}",
    ),
}
FALLBACK_CAPTIONS = "en"


def captions(language: str | None) -> Captions:
    """The captions in ``language``, or in English when there are none in it."""
    return CAPTIONS.get((language or "").lower(), CAPTIONS[FALLBACK_CAPTIONS])


@dataclass(frozen=True)
class Page:
    """One printed page, decided before any drawing so "page n of m" knows m."""

    kind: str  # "text", "ruled" or "reply"
    lines: tuple[str, ...] = ()  # the typed lines, for "text" pages


def sheet_format(size: str) -> SheetFormat:
    """The sheet called ``size`` ("A4", "LETTER", in any case), or a clear error."""
    try:
        return SHEETS[size.upper()]
    except KeyError:
        known = ", ".join(SHEETS)
        raise ValueError(f"unknown sheet size {size!r}; expected one of {known}") from None


def paginate(sheet: LetterSheet, fmt: SheetFormat) -> list[Page]:
    """The pages ``sheet`` prints on, in order: the letter's pages, then the reply sheet."""
    if sheet.text is None:
        pages = [Page("ruled") for _page in range(_ruled_pages(sheet))]
    else:
        pages = [Page("text", lines) for lines in _text_pages(sheet.text, fmt)]
    if sheet.reply_sheet:
        pages.append(Page("reply"))
    return pages


def _ruled_pages(sheet: LetterSheet) -> int:
    if sheet.ruled_pages < 1:
        raise ValueError(f"ruled_pages must be at least 1, got {sheet.ruled_pages}")
    return sheet.ruled_pages


def check_sheet(sheet: LetterSheet) -> None:
    """Raise ``ValueError`` for a choice that cannot print (an unknown envelope to fold for,
    no ruled page), without laying out the text."""
    fold_marks(sheet.fold_for)
    if sheet.text is None:
        _ruled_pages(sheet)


def count_pages(sheet: LetterSheet, size: str) -> int:
    """How many pages ``sheet`` prints on at ``size``, reply sheet included."""
    return len(paginate(sheet, sheet_format(size)))


def draw_letter_sheet(canvas: Canvas, sheet: LetterSheet, fmt: SheetFormat) -> int:
    """Draw every page of ``sheet`` on ``canvas``, ending each page; returns the page count.

    The page size is set on every page, so letter sheets can share a PDF with other formats.
    The words around the letter are in ``sheet.language`` (``captions``).
    """
    words = captions(sheet.language)
    folds = fold_marks(sheet.fold_for)
    pages = paginate(sheet, fmt)
    # The reply sheet travels back to the writer: it is not a page of this letter and is not
    # counted in "page n of m". The last letter page says it was enclosed instead, so a reader
    # whose reply sheet was taken out knows it existed.
    letter_pages = sum(1 for page in pages if page.kind != "reply")
    centre_clear = bool(folds[1])
    width, height = fmt.size
    for number, page in enumerate(pages, start=1):
        canvas.setPageSize(fmt.size)
        canvas.setFillGray(0)  # dark ink: many prisons photocopy letters
        canvas.setStrokeGray(0)
        if page.kind == "reply":
            _draw_header(canvas, sheet, fmt, words.reply_sheet, centre_clear)
            _draw_rules(canvas, fmt)
        else:
            right = words.page.format(n=number, m=letter_pages)
            _draw_header(canvas, sheet, fmt, right, centre_clear)
            if page.kind == "ruled":
                _draw_rules(canvas, fmt)
            else:
                _draw_text(canvas, page.lines, height)
            if sheet.reply_sheet and number == letter_pages:
                _draw_footer(canvas, fmt, words.reply_enclosed)
        _draw_fold_marks(canvas, folds, width, height)
        canvas.showPage()
    return len(pages)


def render_letter_sheets(sheets: Iterable[LetterSheet], size: str, out: BinaryIO) -> int:
    """Write every page of every sheet to ``out`` as one PDF; returns the number of pages.

    ``size`` is "A4" or "LETTER". With no sheets, 0 is returned and the PDF holds one blank
    page: many readers refuse a PDF without pages (the envelopes do the same).
    """
    fmt = sheet_format(size)
    sheets = list(sheets)  # a handful of letters: checked all before the first page starts
    for sheet in sheets:
        check_sheet(sheet)
    canvas = new_canvas(out, _("Letter sheets"), fmt.size)
    pages = sum(draw_letter_sheet(canvas, sheet, fmt) for sheet in sheets)
    if not pages:
        canvas.showPage()
    canvas.save()
    return pages


def text_area(fmt: SheetFormat) -> tuple[float, int]:
    """The text width and how many typed lines fit on one page."""
    width, height = fmt.size
    lines_per_page = int((height - TEXT_TOP - TEXT_BOTTOM) // (TEXT_SIZE * TEXT_LEADING))
    return width - 2 * MARGIN_X, lines_per_page


def _text_pages(text: str, fmt: SheetFormat) -> list[tuple[str, ...]]:
    width, per_page = text_area(fmt)
    lines: list[str] = []
    # Paragraphs are separated by one blank line however many were typed; a single newline
    # inside a paragraph is kept (a signature, an address, a poem).
    after_blank = False
    for source_line in text.splitlines():
        if not source_line.strip():
            after_blank = bool(lines)
            continue
        if after_blank:
            lines.append("")
            after_blank = False
        lines.extend(wrap(source_line, width, TEXT_SIZE, REGULAR))
    pages: list[tuple[str, ...]] = []
    current: list[str] = []
    for line in lines:
        if not current and not line:
            continue  # a paragraph break falling on a page break: don't start a page blank
        current.append(line)
        if len(current) == per_page:
            pages.append(tuple(current))
            current = []
    if current or not pages:
        pages.append(tuple(current))  # an empty letter still prints one page with its header
    return pages


def _draw_header(
    canvas: Canvas, sheet: LetterSheet, fmt: SheetFormat, right: str, centre_clear: bool
) -> None:
    width, height = fmt.size
    # Two header lines tall, growing upward from the baseline: a long name shrinks, then
    # wraps, then is cut, and never runs into "page n of m" (nor, for C6, into the fold mark
    # at the centre of the top edge).
    box_height = 2 * HEADER_SIZE * 1.2
    page = fit_lines(
        [right], (width - 2 * MARGIN_X) / 2, box_height, max_size=HEADER_SIZE, floor=7, cut=True
    )
    canvas.setFont(page.font, page.font_size)
    y = height - HEADER_BASELINE + page.height - page.leading
    for line in page.lines:
        canvas.drawRightString(width - MARGIN_X, y, line)
        y -= page.leading

    who = sheet.header_name
    if sheet.prisoner_number:
        who = captions(sheet.language).name_and_number.format(
            name=sheet.header_name, number=sheet.prisoner_number
        )
    room = width - 2 * MARGIN_X - page.width() - HEADER_GAP
    if centre_clear:
        room = min(room, width / 2 - MARGIN_X - CENTRE_GAP)
    fitted = fit_lines(
        [who], room, box_height, font=BOLD, max_size=HEADER_SIZE + 0.5, floor=7, cut=True
    )
    top = height - HEADER_BASELINE + fitted.font_size + fitted.height - fitted.leading
    draw_lines(canvas, fitted, MARGIN_X, top)


def _draw_footer(canvas: Canvas, fmt: SheetFormat, note: str) -> None:
    width, _height = fmt.size
    half = (width - 2 * MARGIN_X) / 2 - CENTRE_GAP
    fitted = fit_lines([note], half, 2 * HEADER_SIZE * 1.2, max_size=HEADER_SIZE, floor=6, cut=True)
    draw_lines(canvas, fitted, MARGIN_X, FOOTER_BASELINE + fitted.font_size)


def _draw_text(canvas: Canvas, lines: tuple[str, ...], height: float) -> None:
    # drawString prints user text as characters: no markup is ever interpreted.
    canvas.setFont(REGULAR, TEXT_SIZE)
    leading = TEXT_SIZE * TEXT_LEADING
    y = height - TEXT_TOP - TEXT_SIZE
    for line in lines:
        if line:
            canvas.drawString(MARGIN_X, y, line)
        y -= leading


def _draw_rules(canvas: Canvas, fmt: SheetFormat) -> None:
    width, height = fmt.size
    canvas.saveState()
    canvas.setStrokeGray(RULE_GREY)
    canvas.setLineWidth(RULE_WIDTH)
    y = height - TEXT_TOP - RULE_SPACING
    while y >= TEXT_BOTTOM:
        canvas.line(MARGIN_X, y, width - MARGIN_X, y)
        y -= RULE_SPACING
    canvas.restoreState()


def fold_marks(fold_for: str | None) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Where to fold for the envelope ``fold_for``: fractions of the height (from the top)
    and of the width (from the left). No envelope, no marks."""
    if fold_for is None:
        return (), ()
    try:
        return FOLDS[fold_for.upper()]
    except KeyError:
        known = ", ".join(FOLDS)
        raise ValueError(f"unknown envelope {fold_for!r} to fold for; expected {known}") from None


def _draw_fold_marks(
    canvas: Canvas, folds: tuple[tuple[float, ...], tuple[float, ...]], width: float, height: float
) -> None:
    across, down = folds
    canvas.saveState()
    canvas.setLineWidth(TICK_WIDTH)
    for fraction in across:
        y = height * (1 - fraction)
        canvas.line(TICK_FROM, y, TICK_TO, y)
        canvas.line(width - TICK_TO, y, width - TICK_FROM, y)
    for fraction in down:
        x = width * fraction
        canvas.line(x, height - TICK_FROM, x, height - TICK_TO)
        canvas.line(x, TICK_FROM, x, TICK_TO)
    canvas.restoreState()
