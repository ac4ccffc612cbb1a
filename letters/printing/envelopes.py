"""Envelopes (DL, C6, C5, C4, US #10), landscape.

One page per envelope, drawn from plain data (``data.Envelope``). The geometry is a set of pure
functions returning rectangles in points (origin bottom-left, as in PDF), so tests, the
evening pack and anyone checking a layout can ask where things go without drawing:

- ``stamp_area``: top-right, kept clear (the 40 × 25 mm stamp field of GOST R 51506-99 with a
  margin); nothing is ever drawn there.
- ``return_box``: top-left, the sender's address (nothing when there is none).
- ``recipient_box``: on letter-size mail (DL, C6, US #10) the lower right half, for US
  destinations inside the USPS read area and out of the barcode clear zone
  (docs/addressing.md#united-states, Publication 28); on flats (C5, C4) a zone centred on the
  envelope below the stamp field, where the block is centred (a flat has no read strip).
- ``index_stencil_area``: bottom-left, the six-cell postal-index stencil, only on envelopes
  posted inside Russia, which also get the «Кому / Куда / От кого / Откуда» labels.

Sizes (``check_envelope`` answers before anything is drawn): the recipient block is fitted by
``layout.fit_lines`` from its design size down to ``recipient_floor`` (10 pt on letter-size
mail, 12 pt on flats); the return block is never larger than the recipient block and never
below ``RETURN_FLOOR``. A block that cannot fit raises ``layout.DoesNotFit``.

User text reaches ReportLab only through ``Canvas.drawString`` (via ``layout.draw_lines``), which
prints characters as they are: a name containing ``<img src=…>`` is printed, never fetched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import BinaryIO

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .data import Envelope
from .fonts import REGULAR, text_width
from .formats import ENVELOPES, EnvelopeFormat
from .layout import LEADING, DoesNotFit, FittedText, draw_lines, fit_lines, wrap
from .pdf import new_canvas

# --- dimensions -------------------------------------------------------------------------------

# Home printers leave 3–6 mm unprinted and envelopes feed askew; 10 mm keeps every character on
# the paper with room to spare.
EDGE = 10 * mm
GAP = 5 * mm  # between zones, so no block ever touches another

# GOST R 51506-99: a stamp field of at least 40 × 25 mm in the top-right corner. The clear zone
# is the field plus a margin on every side, room for a postmark overlapping the stamp.
STAMP_FIELD_WIDTH = 40 * mm
STAMP_FIELD_HEIGHT = 25 * mm
STAMP_MARGIN = 5 * mm

# USPS read area (docs/addressing.md#united-states): the whole address 15.9–69.9 mm above the
# bottom edge, 12.7 mm from either side; the bottom 15.9 mm × 120.7 mm at the right is the
# barcode clear zone.
USPS_READ_BOTTOM = 15.9 * mm
USPS_READ_TOP = 69.9 * mm
USPS_SIDE = 12.7 * mm
USPS_BARCODE_WIDTH = 120.7 * mm
USPS_BARCODE_HEIGHT = 15.9 * mm
USPS_SAFETY = 1 * mm  # stay this far inside the read area: printers shift by a millimetre

# The return address never reaches down into the USPS read area (OCR would take it for the
# destination) and never takes more than this from the top.
RETURN_MAX_HEIGHT = 40 * mm

# USPS letter-size mail is at most 6-1/8 × 11-1/2 inches; anything larger is a flat, addressed
# in the middle, with no read strip or barcode clear zone (Publication 28, DMM 101).
LETTER_MAX_HEIGHT_MM = 155.6
LETTER_MAX_WIDTH_MM = 292.1
FLAT_BLOCK_WIDTH = 0.6  # a centred block on a flat takes at most this share of the width

RECIPIENT_LEFT = 0.45  # the recipient block starts a little left of the middle
RECIPIENT_TOP = 0.6  # …and stays in the lower part of the envelope

# pdfplumber and most viewers put a glyph's box from baseline + descent to baseline + descent
# + size; PT Sans' descent is 0.276 em, which reaches 0.076 em below the last line's leading.
# Fitting into a box this much shorter keeps every glyph inside it.
DESCENT_ALLOWANCE = 0.1  # × the largest font size

LABEL_SIZE = 8.0
LABEL_GAP = 2 * mm
BLANK_ROW = 7 * mm  # handwriting rows when a Russian envelope has no printed return address
LABEL_GREY = 0.35
RULE_GREY = 0.6
RULE_WIDTH = 0.3

# Russian envelope labels are part of the Russian Post form, not of the interface: they are
# printed in Russian whatever language the writer reads, so they are not translated.
RECIPIENT_LABELS = ("Кому", "Куда")
SENDER_LABELS = ("От кого", "Откуда")

# The postal-index stencil (кодовый штамп, GOST R 51506-99 appendix Д): a start mark (a bar over
# a thinner bar) then six digit cells, each under a black bar. Each digit is drawn on a
# nine-segment template: the outline of two stacked squares and one diagonal in each, running
# from the upper right to the lower left. The cell sizes below are ours, chosen to look like
# the printed stencils; the standard's own dimensions were not at hand.
CELL_WIDTH = 5 * mm
CELL_HEIGHT = 10 * mm
CELL_PITCH = 8 * mm
BAR_HEIGHT = 1.5 * mm
BAR_GAP = 1.5 * mm  # between a bar and its cell
MARK_THIN_HEIGHT = 0.75 * mm
MARK_THIN_GAP = 1 * mm
STENCIL_DIGITS = 6
DIGIT_STROKE = 1.6  # points: a felt pen's stroke, bold over the thin grey template
TEMPLATE_STROKE = 0.4
FORM_BLEED = 2 * mm
STENCIL_FORM = "Idx"  # short: every page names the forms it uses, uncompressed

# Segment ends on a cell one unit wide and two high, y upwards.
_TL, _TR, _ML, _MR, _BL, _BR = (0, 2), (1, 2), (0, 1), (1, 1), (0, 0), (1, 0)
SEGMENTS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "top": (_TL, _TR),
    "middle": (_ML, _MR),
    "bottom": (_BL, _BR),
    "upper_left": (_ML, _TL),
    "upper_right": (_MR, _TR),
    "lower_left": (_BL, _ML),
    "lower_right": (_BR, _MR),
    "upper_diagonal": (_ML, _TR),
    "lower_diagonal": (_BL, _MR),
}
# How each digit is traced, after the sample printed on the back of Russian envelopes (from
# that sample, not from the standard's text: check against appendix Д when it is at hand).
DIGIT_SEGMENTS: dict[str, tuple[str, ...]] = {
    "0": ("top", "upper_right", "lower_right", "bottom", "lower_left", "upper_left"),
    "1": ("upper_diagonal", "upper_right", "lower_right"),
    "2": ("top", "upper_right", "lower_diagonal", "bottom"),
    "3": ("top", "upper_diagonal", "middle", "lower_diagonal"),
    "4": ("upper_left", "middle", "upper_right", "lower_right"),
    "5": ("top", "upper_left", "middle", "lower_right", "bottom"),
    "6": ("upper_diagonal", "lower_left", "bottom", "lower_right", "middle"),
    "7": ("top", "upper_diagonal", "lower_left"),
    "8": ("top", "upper_left", "upper_right", "middle", "lower_left", "lower_right", "bottom"),
    "9": ("top", "upper_left", "upper_right", "middle", "lower_diagonal"),
}


@dataclass(frozen=True)
class Rect:
    """A rectangle in points, origin bottom-left (PDF coordinates)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height

    def contains(
        self,
        x0: float,
        y0: float,
        x1: float | None = None,
        y1: float | None = None,
        *,
        tolerance: float = 0.01,
    ) -> bool:
        """Whether the point (x0, y0), or the box (x0, y0)–(x1, y1), lies inside.

        The tolerance absorbs rounding in the PDF's decimal coordinates.
        """
        x1 = x0 if x1 is None else x1
        y1 = y0 if y1 is None else y1
        return (
            self.x - tolerance <= min(x0, x1)
            and max(x0, x1) <= self.right + tolerance
            and self.y - tolerance <= min(y0, y1)
            and max(y0, y1) <= self.top + tolerance
        )

    def overlaps(
        self, x0: float, y0: float, x1: float, y1: float, *, tolerance: float = 0.01
    ) -> bool:
        """Whether the box (x0, y0)–(x1, y1) shares any area with this rectangle."""
        return (
            min(x0, x1) < self.right - tolerance
            and max(x0, x1) > self.x + tolerance
            and min(y0, y1) < self.top - tolerance
            and max(y0, y1) > self.y + tolerance
        )


# --- geometry ---------------------------------------------------------------------------------


def envelope_format(size: str) -> EnvelopeFormat:
    """The format for a code such as ``"DL"`` or ``"us10"``; ``ValueError`` names the choices."""
    try:
        return ENVELOPES[size.upper()]
    except KeyError:
        choices = ", ".join(ENVELOPES)
        raise ValueError(f"Unknown envelope size {size!r}; choose one of {choices}") from None


def page_rect(fmt: EnvelopeFormat) -> Rect:
    width, height = fmt.size
    return Rect(0, 0, width, height)


def stamp_area(fmt: EnvelopeFormat) -> Rect:
    """The top-right zone kept clear: the stamp field with its margin on every side."""
    width, height = fmt.size
    clear_width = STAMP_FIELD_WIDTH + 2 * STAMP_MARGIN
    clear_height = STAMP_FIELD_HEIGHT + 2 * STAMP_MARGIN
    return Rect(width - clear_width, height - clear_height, clear_width, clear_height)


def usps_read_area(fmt: EnvelopeFormat) -> Rect:
    """Where USPS machines look for the address: 15.9–69.9 mm up, 12.7 mm from the sides."""
    width, _height = fmt.size
    return Rect(
        USPS_SIDE, USPS_READ_BOTTOM, width - 2 * USPS_SIDE, USPS_READ_TOP - USPS_READ_BOTTOM
    )


def usps_barcode_zone(fmt: EnvelopeFormat) -> Rect:
    """The bottom-right strip USPS prints its barcode into: nothing of ours goes there."""
    width, _height = fmt.size
    return Rect(width - USPS_BARCODE_WIDTH, 0, USPS_BARCODE_WIDTH, USPS_BARCODE_HEIGHT)


def index_stencil_area(fmt: EnvelopeFormat) -> Rect:
    """The postal-index stencil, bottom-left: the start mark and six digit cells under bars.

    The same place on every format (it is anchored to the bottom-left corner), which lets one
    drawing of the template serve every page.
    """
    del fmt  # the stencil does not move with the format; kept for a uniform signature
    width = STENCIL_DIGITS * CELL_PITCH + CELL_WIDTH
    height = CELL_HEIGHT + BAR_GAP + BAR_HEIGHT
    return Rect(EDGE, EDGE, width, height)


def is_posted_inside_russia(envelope: Envelope) -> bool:
    """Russian envelope furniture (labels, stencil) belongs on mail posted inside Russia only."""
    return (envelope.posted_from or "").upper() == "RU" and (
        envelope.destination_country.upper() == "RU"
    )


def return_box(fmt: EnvelopeFormat) -> Rect:
    """The top-left zone for the sender's address (labels included, on Russian envelopes).

    Left of the recipient block and the stamp area, and never below the top of the USPS read
    area, so a machine cannot mistake it for the destination.
    """
    width, height = fmt.size
    top = height - EDGE
    bottom = max(top - RETURN_MAX_HEIGHT, USPS_READ_TOP + USPS_SAFETY)
    right = min(width * RECIPIENT_LEFT, stamp_area(fmt).x) - GAP
    return Rect(EDGE, bottom, right - EDGE, top - bottom)


def is_letter_size(fmt: EnvelopeFormat) -> bool:
    """Letter-size mail (DL, C6, US #10) as USPS counts it; C5 and C4 are flats."""
    return fmt.height_mm <= LETTER_MAX_HEIGHT_MM and fmt.width_mm <= LETTER_MAX_WIDTH_MM


def is_centred(envelope: Envelope, fmt: EnvelopeFormat) -> bool:
    """Whether the recipient block sits in the middle of the envelope: on flats, except on the
    Russian form (GOST R 51506-99 puts «Кому / Куда» bottom right on every size)."""
    return not is_letter_size(fmt) and not is_posted_inside_russia(envelope)


def recipient_box(envelope: Envelope, fmt: EnvelopeFormat) -> Rect:
    """The zone for the recipient block (labels included, on Russian envelopes).

    On letter-size mail, the lower right half, below the stamp area and right of the index
    stencil. For US destinations it is cut down to the USPS read area, which also keeps it out
    of the barcode clear zone (that zone lies wholly below the read area). On a flat
    (``is_centred``), a zone centred on the envelope, below the stamp area and the return
    block: the block is drawn in its middle.
    """
    width, height = fmt.size
    if is_centred(envelope, fmt):
        top = min(stamp_area(fmt).y, return_box(fmt).y) - GAP
        bottom = max(EDGE, height - top)
        zone_width = min(width - 2 * EDGE, FLAT_BLOCK_WIDTH * width)
        return Rect((width - zone_width) / 2, bottom, zone_width, top - bottom)
    left = width * RECIPIENT_LEFT
    right = width - EDGE
    bottom = EDGE
    top = min(stamp_area(fmt).y, height * RECIPIENT_TOP)
    if is_posted_inside_russia(envelope):
        left = max(left, index_stencil_area(fmt).right + GAP)
    if envelope.destination_country.upper() == "US" and is_letter_size(fmt):
        read = usps_read_area(fmt)
        left = max(left, read.x + USPS_SAFETY)
        right = min(right, read.right - USPS_SAFETY)
        bottom = max(bottom, read.y + USPS_SAFETY)
        top = min(top, read.top - USPS_SAFETY)
    return Rect(left, bottom, right - left, top - bottom)


def recipient_max_size(fmt: EnvelopeFormat) -> float:
    """The design size of the address: C5 and C4 have room for a larger, easier-read one."""
    return 12.0 if is_letter_size(fmt) else 14.0


def recipient_floor(fmt: EnvelopeFormat) -> float:
    """The smallest recipient block the post reads reliably: 10 pt on letter-size mail, 12 pt
    on flats (docs/addressing.md#paper)."""
    return 10.0 if is_letter_size(fmt) else 12.0


RETURN_MAX_SIZE = 10.0  # the sender's address is secondary: smaller than the recipient's
RETURN_FLOOR = 7.0  # …but a postman still has to read it to send the letter back
RECIPIENT = "recipient address"  # ``DoesNotFit.what`` for each block
RETURN = "return address"


@dataclass(frozen=True)
class EnvelopeFit:
    """How an envelope's blocks fit: the recipient lines printed and their fitted text, and
    the size the return block starts from (never above the recipient's)."""

    recipient: FittedText
    recipient_lines: tuple[str, ...]
    return_max_size: float


def check_envelope(envelope: Envelope, fmt: EnvelopeFormat) -> EnvelopeFit:
    """Fit both blocks of ``envelope`` without drawing; raises ``DoesNotFit`` for the first
    block that does not fit at its floor.

    The recipient's full lines are tried first, then ``short_recipient_lines`` (the facility's
    short name) if there are any. The return block gives way first: it starts at the size the
    recipient block reached, and only its own floor stops it.
    """
    russian = is_posted_inside_russia(envelope)
    labels = RECIPIENT_LABELS if russian else None
    zone = recipient_box(envelope, fmt)
    lines = envelope.recipient_lines
    try:
        recipient = _fit_zone(lines, zone, recipient_max_size(fmt), recipient_floor(fmt), labels)
    except DoesNotFit:
        if not envelope.short_recipient_lines:
            raise
        lines = envelope.short_recipient_lines
        recipient = _fit_zone(lines, zone, recipient_max_size(fmt), recipient_floor(fmt), labels)
    return_max = min(RETURN_MAX_SIZE, recipient.font_size)
    if envelope.return_lines and any(line.strip() for line in envelope.return_lines):
        _fit_zone(
            envelope.return_lines,
            return_box(fmt),
            return_max,
            RETURN_FLOOR,
            SENDER_LABELS if russian else None,
            what=RETURN,
        )
    return EnvelopeFit(recipient, lines, return_max)


def _text_zone(zone: Rect, labels: tuple[str, str] | None) -> Rect:
    """``zone`` less the column the Russian form's labels take on its left."""
    if not labels:
        return zone
    label_width = _label_column(labels)
    return Rect(zone.x + label_width, zone.y, zone.width - label_width, zone.height)


@lru_cache(maxsize=4)
def _label_column(labels: tuple[str, str]) -> float:
    return max(text_width(label, LABEL_SIZE) for label in labels) + LABEL_GAP


def _fit_zone(
    lines: Sequence[str],
    zone: Rect,
    max_size: float,
    floor: float,
    labels: tuple[str, str] | None,
    *,
    what: str = RECIPIENT,
) -> FittedText:
    text_zone = _text_zone(zone, labels)
    return _fit_cached(
        tuple(lines),
        text_zone.width,
        text_zone.height - DESCENT_ALLOWANCE * max_size,
        max_size,
        floor,
        what,
    )


@lru_cache(maxsize=256)
def _fit_cached(
    lines: tuple[str, ...], width: float, height: float, max_size: float, floor: float, what: str
) -> FittedText:
    # A batch repeats blocks (N envelopes per prisoner, one return address for all): fit each
    # once. ``DoesNotFit`` is raised again on every call (exceptions are not cached).
    return fit_lines(lines, width, height, max_size=max_size, floor=floor, what=what)


# --- drawing ----------------------------------------------------------------------------------


def draw_envelope(canvas: Canvas, envelope: Envelope, fmt: EnvelopeFormat) -> None:
    """Draw one envelope as the current page (its size set to ``fmt``) and end the page.

    The canvas keeps ``fmt``'s page size afterwards: a caller that goes on to draw other pages
    (the evening pack) sets its own size first.
    """
    fit = check_envelope(envelope, fmt)
    canvas.setPageSize(fmt.size)
    russian = is_posted_inside_russia(envelope)
    if envelope.return_lines or russian:
        _draw_return_block(
            canvas,
            envelope.return_lines,
            return_box(fmt),
            russian=russian,
            max_size=fit.return_max_size,
        )
    _draw_block(
        canvas,
        fit.recipient_lines,
        recipient_box(envelope, fmt),
        fitted=fit.recipient,
        labels=RECIPIENT_LABELS if russian else None,
        centred=True,
        across=is_centred(envelope, fmt),
    )
    if russian:
        _draw_index_stencil(canvas, envelope.postal_code, index_stencil_area(fmt))
    canvas.showPage()


def render_envelopes(envelopes: Iterable[Envelope], size: str, out: BinaryIO) -> int:
    """Write one page per envelope to ``out``; returns the number of pages.

    Envelopes are taken from the iterable one at a time and drawn at once, so a generator of
    thousands is never collected into a list. (ReportLab itself keeps each finished page's
    drawing commands until ``save`` writes the file: a few kilobytes a page, measured in
    ``bench/README.md``.) ``size`` is a key of ``formats.ENVELOPES``, in any case; an unknown
    size raises ``ValueError`` before anything is written; an envelope whose blocks do not fit
    raises ``layout.DoesNotFit`` (callers check with ``check_envelope`` first).
    """
    fmt = envelope_format(size)
    canvas = new_canvas(out, _("Envelopes"), fmt.size)
    pages = 0
    for envelope in envelopes:
        draw_envelope(canvas, envelope, fmt)
        pages += 1
    if not pages:
        # A PDF needs a page; an empty one says "nothing to print" better than an error would.
        canvas.showPage()
    canvas.save()
    return pages


def _draw_block(
    canvas: Canvas,
    lines: Sequence[str],
    zone: Rect,
    *,
    fitted: FittedText | None,
    labels: tuple[str, str] | None,
    centred: bool,
    across: bool = False,
) -> None:
    """Draw ``fitted`` (``lines`` as ``check_envelope`` fitted them) in ``zone``, centred
    vertically when ``centred`` and also across when ``across``, the lines left-aligned.

    With ``labels`` (a Russian envelope), the first label sits by the first address line and the
    second by the line after it, with a rule under every line to write on, as on the printed
    Russian form; text then starts right of the labels. With labels and no lines, the rows are
    left blank for handwriting.
    """
    text_zone = _text_zone(zone, labels)
    if fitted is None or not any(line.strip() for line in lines):
        if labels:
            _draw_blank_rows(canvas, labels, zone, text_zone)
        return
    block_height = fitted.height + DESCENT_ALLOWANCE * fitted.font_size
    top = text_zone.top
    if centred:
        top = text_zone.y + (text_zone.height + block_height) / 2
    x = text_zone.x
    if across:
        x += max(0.0, (text_zone.width - fitted.width()) / 2)
    draw_lines(canvas, fitted, x, top)
    if labels:
        _draw_form_lines(
            canvas,
            labels,
            zone,
            text_zone,
            top=top,
            font_size=fitted.font_size,
            rows=len(fitted.lines),
            second_row=_rows_of_first_line(lines, fitted, text_zone.width),
        )


def _draw_form_lines(
    canvas: Canvas,
    labels: tuple[str, str],
    zone: Rect,
    text_zone: Rect,
    *,
    top: float,
    font_size: float,
    rows: int,
    second_row: int,
) -> None:
    """The Russian form around a printed block: a rule under each row, the labels beside.

    They depend only on the block's shape (rows, size, where it starts), which repeats from
    envelope to envelope in a batch, so they are drawn once per shape as a form and placed by
    reference.
    """
    key = repr((labels, zone, text_zone.x, round(top, 3), font_size, rows, second_row))
    name = f"Lab{hashlib.blake2s(key.encode(), digest_size=8).hexdigest()}"

    def draw() -> None:
        leading = font_size * LEADING
        first_baseline = top - font_size
        baselines = [first_baseline - row * leading for row in range(rows)]
        _draw_rules(canvas, text_zone, [b - 0.22 * font_size for b in baselines])
        _draw_labels(
            canvas,
            zone.x,
            labels,
            (first_baseline, first_baseline - second_row * leading),
            floor=zone.y,
            # Never larger than the text it labels: a label taller than a shrunken first row
            # would poke out above the zone.
            size=min(LABEL_SIZE, font_size),
        )

    _place_form(canvas, name, zone, draw)


def _draw_return_block(
    canvas: Canvas, lines: tuple[str, ...], zone: Rect, *, russian: bool, max_size: float
) -> None:
    """The sender's block, drawn once per document and placed on every page that repeats it.

    A batch of envelopes nearly always carries one return address (the group's), so the
    second and later envelopes cost a reference instead of a fitted, drawn block. The form's
    name is a digest of everything that shapes the drawing; another address gets another form.
    """
    key = repr((lines, zone, russian, max_size)).encode()
    name = f"Ret{hashlib.blake2s(key, digest_size=8).hexdigest()}"
    labels = SENDER_LABELS if russian else None

    def draw() -> None:
        fitted = None
        if any(line.strip() for line in lines):
            fitted = _fit_zone(lines, zone, max_size, RETURN_FLOOR, labels, what=RETURN)
        _draw_block(canvas, lines, zone, fitted=fitted, labels=labels, centred=False)

    _place_form(canvas, name, zone, draw)


def _rows_of_first_line(lines: Sequence[str], fitted: FittedText, width: float) -> int:
    """How many printed rows the first address line took (the second label goes after them)."""
    given = tuple(line for line in lines if line.strip())
    if fitted.lines == given or not given:
        return 1
    return max(1, len(wrap(given[0], width, fitted.font_size, fitted.font)))


def _draw_blank_rows(canvas: Canvas, labels: tuple[str, str], zone: Rect, text_zone: Rect) -> None:
    """Labelled rows to write a sender's address by hand (a Russian envelope left unprinted)."""
    rows = max(2, min(3, int(zone.height // BLANK_ROW)))
    baselines = [zone.top - (row + 1) * BLANK_ROW for row in range(rows)]
    _draw_rules(canvas, text_zone, baselines)
    _draw_labels(
        canvas, zone.x, labels, (baselines[0], baselines[1]), floor=zone.y, size=LABEL_SIZE
    )


def _draw_labels(
    canvas: Canvas,
    x: float,
    labels: tuple[str, str],
    baselines: tuple[float, float],
    *,
    floor: float,
    size: float,
) -> None:
    canvas.setFillGray(LABEL_GREY)
    canvas.setFont(REGULAR, size)
    # A label whose row would fall out of the zone (a one-line block filling it) is left out
    # rather than drawn over something else.
    for label, baseline in zip(labels, baselines, strict=True):
        if baseline - 0.3 * size >= floor:
            canvas.drawString(x, baseline, label)
    canvas.setFillGray(0)


def _draw_rules(canvas: Canvas, zone: Rect, heights: Sequence[float]) -> None:
    """Thin grey lines to write on across ``zone``, as the Russian form prints them."""
    canvas.setStrokeGray(RULE_GREY)
    canvas.setLineWidth(RULE_WIDTH)
    canvas.lines([(zone.x, y, zone.right, y) for y in heights if y >= zone.y])
    canvas.setStrokeGray(0)


def _draw_index_stencil(canvas: Canvas, postal_code: str, area: Rect) -> None:
    """The six-cell stencil with the index traced in it, as a writer would by hand.

    The template (bars, start mark, dotted outlines) is the same on every page, and so is each
    digit in each cell, so each is drawn once per document as a form and placed by reference:
    a few bytes and microseconds a page instead of a kilobyte of path. A code that is not six
    digits leaves the cells empty for the writer: a wrong stencil would misroute the letter.
    """
    _place_form(canvas, STENCIL_FORM, area, lambda: _draw_stencil_template(canvas, area))
    digits = postal_code.strip()
    if len(digits) != STENCIL_DIGITS or not digits.isdigit():
        return
    for cell, digit in enumerate(digits):
        _place_form(
            canvas,
            f"{STENCIL_FORM}{cell}{digit}",
            area,
            partial(_draw_stencil_digit, canvas, area, cell, digit),
        )


def _place_form(canvas: Canvas, name: str, area: Rect, draw: Callable[[], None]) -> None:
    """Place the form ``name`` on the page, drawing it first if this document lacks it.

    A form clips to its box; the box is ``area`` grown by ``FORM_BLEED`` so that a round pen
    cap or a glyph's overhang at the edge of a zone is not cut off.
    """
    if not canvas.hasForm(name):
        canvas.beginForm(
            name,
            area.x - FORM_BLEED,
            area.y - FORM_BLEED,
            area.right + FORM_BLEED,
            area.top + FORM_BLEED,
        )
        draw()
        canvas.endForm()
    canvas.doForm(name)


def _cell_x(area: Rect, cell: int) -> float:
    return area.x + (cell + 1) * CELL_PITCH  # the start mark takes the first pitch


def _draw_stencil_digit(canvas: Canvas, area: Rect, cell: int, digit: str) -> None:
    canvas.setLineWidth(DIGIT_STROKE)
    canvas.setLineCap(1)  # round: strokes meet at the corners like a pen's
    canvas.setLineJoin(1)
    path = canvas.beginPath()
    x = _cell_x(area, cell)
    for name in DIGIT_SEGMENTS[digit]:
        (ax, ay), (bx, by) = SEGMENTS[name]
        path.moveTo(x + ax * CELL_WIDTH, area.y + ay * CELL_HEIGHT / 2)
        path.lineTo(x + bx * CELL_WIDTH, area.y + by * CELL_HEIGHT / 2)
    canvas.drawPath(path, stroke=1, fill=0)


def _draw_stencil_template(canvas: Canvas, area: Rect) -> None:
    """The empty stencil: start mark, the bar over each cell, dotted nine-segment outlines."""
    bar_y = area.y + CELL_HEIGHT + BAR_GAP
    canvas.setFillGray(0)
    # The start mark: a bar over a thinner bar, left of the first cell.
    canvas.rect(area.x, bar_y, CELL_WIDTH, BAR_HEIGHT, stroke=0, fill=1)
    canvas.rect(
        area.x,
        bar_y - MARK_THIN_GAP - MARK_THIN_HEIGHT,
        CELL_WIDTH,
        MARK_THIN_HEIGHT,
        stroke=0,
        fill=1,
    )
    canvas.setStrokeGray(RULE_GREY)
    canvas.setLineWidth(TEMPLATE_STROKE)
    canvas.setDash(0.8, 0.8)
    path = canvas.beginPath()
    for cell in range(STENCIL_DIGITS):
        x = _cell_x(area, cell)
        canvas.rect(x, bar_y, CELL_WIDTH, BAR_HEIGHT, stroke=0, fill=1)
        for (ax, ay), (bx, by) in SEGMENTS.values():
            path.moveTo(x + ax * CELL_WIDTH, area.y + ay * CELL_HEIGHT / 2)
            path.lineTo(x + bx * CELL_WIDTH, area.y + by * CELL_HEIGHT / 2)
    canvas.drawPath(path, stroke=1, fill=0)
