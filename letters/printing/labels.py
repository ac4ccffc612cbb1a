"""Address labels on sheets of sticky labels (Avery L7160 on A4, Avery 5160 on US Letter).

Positions come from the sheet's specification in ``formats.LABEL_SHEETS``, measured as the
maker publishes them; a generator walks the grid and starts a new page when a sheet is full
(the pattern of indico's badge printing).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .formats import LABEL_SHEETS, SHEETS, LabelSheet
from .layout import FittedText, draw_lines, fit_lines
from .pdf import new_canvas

# Inside each label: printers feed paper a millimetre or so off, and text touching a label's
# edge ends up on the neighbour. Less above and below than at the sides: an Avery 5160 is
# 25.4 mm tall, and six address lines at 8 pt need 21 mm of it.
PADDING = 3 * mm
PADDING_Y = 2 * mm
MAX_SIZE = 11
# Sorting machines and clerks need characters of about 2 mm (USPS OCR guidance): 8 pt. A block
# that does not fit at 8 pt is refused (``layout.DoesNotFit``), never printed smaller.
FLOOR_SIZE = 8
LABEL = "address label"  # ``DoesNotFit.what``

# Outlines are for a test print on plain paper held against a sheet of labels; on the labels
# themselves they would print as stray lines, so they are off unless asked for.
OUTLINE_GREY = 0.85

Rect = tuple[float, float, float, float]  # x, y (bottom), width, height, in points


def label_sheet(code: str) -> LabelSheet:
    """The label sheet called ``code`` ("L7160", "5160"), or a clear error."""
    try:
        return LABEL_SHEETS[code.upper()]
    except KeyError:
        known = ", ".join(LABEL_SHEETS)
        raise ValueError(f"unknown label sheet {code!r}; expected one of {known}") from None


def check_start_at(spec: LabelSheet, start_at: int) -> None:
    """Refuse a starting label that is not on the sheet (labels count from 1, row by row)."""
    if not 1 <= start_at <= spec.per_sheet:
        raise ValueError(
            f"start at label must be between 1 and {spec.per_sheet} on a {spec.code} sheet,"
            f" got {start_at}"
        )


def label_rect(spec: LabelSheet, position: int) -> Rect:
    """The rectangle of label ``position`` (0-based, row by row) on its page, in points."""
    column, row = position % spec.columns, position // spec.columns
    page_height = SHEETS[spec.sheet].size[1]
    width, height = spec.label_width_mm * mm, spec.label_height_mm * mm
    x = (spec.left_margin_mm + column * spec.column_pitch_mm) * mm
    top = (spec.top_margin_mm + row * spec.row_pitch_mm) * mm
    return x, page_height - top - height, width, height


def _label_rects(canvas: Canvas, spec: LabelSheet, start_at: int) -> Iterator[tuple[int, Rect]]:
    """Yield (page number, label rectangle) forever, ending a page when its sheet is full.

    Only the first sheet starts at ``start_at``: that is the part-used one.
    """
    page_size = SHEETS[spec.sheet].size
    first = start_at - 1
    page = 1
    while True:
        canvas.setPageSize(page_size)
        for position in range(first, spec.per_sheet):
            yield page, label_rect(spec, position)
        canvas.showPage()
        first = 0
        page += 1


def draw_labels(
    canvas: Canvas,
    blocks: Iterable[Sequence[str]],
    sheet: str,
    start_at: int = 1,
    *,
    outlines: bool = False,
) -> int:
    """Draw one address block per label on ``canvas``; returns the number of pages drawn.

    Labels are filled row by row; ``start_at`` (1-based) skips the labels already used on the
    first sheet. Each block is fitted inside its label (wrapped, then shrunk down to
    ``FLOOR_SIZE``), left-aligned and centred vertically; a block that does not fit raises
    ``layout.DoesNotFit`` (callers check each with ``fit_label`` first). Every page is ended;
    an empty ``blocks`` draws nothing and returns 0.
    """
    spec = label_sheet(sheet)
    check_start_at(spec, start_at)
    rects = _label_rects(canvas, spec, start_at)
    pages = 0
    for block in blocks:
        pages, (x, y, width, height) = next(rects)
        if outlines:
            _draw_outline(canvas, spec, x, y, width, height)
        fitted = fit_label(block, spec.code)
        top = y + (height + fitted.height) / 2  # centred vertically
        draw_lines(canvas, fitted, x + PADDING, top)
    if pages:
        canvas.showPage()  # the last sheet, full or not, is ended here, not by the generator
    return pages


def fit_label(block: Sequence[str], sheet: str) -> FittedText:
    """``block`` fitted to one label of ``sheet``; raises ``layout.DoesNotFit`` below 8 pt."""
    spec = label_sheet(sheet)
    return fit_lines(
        list(block),
        spec.label_width_mm * mm - 2 * PADDING,
        spec.label_height_mm * mm - 2 * PADDING_Y,
        max_size=MAX_SIZE,
        floor=FLOOR_SIZE,
        what=LABEL,
    )


def render_labels(
    blocks: Iterable[Sequence[str]],
    sheet: str,
    start_at: int,
    out: BinaryIO,
    *,
    outlines: bool = False,
) -> int:
    """Write the address labels to ``out`` as one PDF; returns the number of pages.

    With no blocks, 0 is returned and the PDF holds one blank page (a PDF reader may refuse
    one without pages).
    """
    spec = label_sheet(sheet)
    check_start_at(spec, start_at)  # before a byte is written
    canvas = new_canvas(out, _("Address labels"), SHEETS[spec.sheet].size)
    pages = draw_labels(canvas, blocks, spec.code, start_at, outlines=outlines)
    if not pages:
        canvas.showPage()
    canvas.save()
    return pages


def _draw_outline(
    canvas: Canvas, spec: LabelSheet, x: float, y: float, width: float, height: float
) -> None:
    canvas.saveState()
    canvas.setStrokeGray(OUTLINE_GREY)
    canvas.setLineWidth(0.25)
    canvas.roundRect(x, y, width, height, spec.corner_radius_mm * mm, stroke=1, fill=0)
    canvas.restoreState()
