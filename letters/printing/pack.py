"""The letter-writing evening pack: one PDF with a large-print card per prisoner, the
envelopes, and the address labels, each part on its own paper size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .data import EveningPack, PrisonerCard
from .envelopes import draw_envelope, envelope_format
from .fonts import BOLD, REGULAR
from .formats import SheetFormat
from .labels import check_start_at, draw_labels, label_sheet
from .layout import FittedText, draw_lines, fit_lines
from .pdf import new_canvas
from .sheets import sheet_format

# Cards are read across a table, often in poor light and by older writers: large print.
CARD_MARGIN = 20 * mm
NAME_HEIGHT = 32 * mm
NAME_SIZES = (34, 22, 14)  # max, min, floor (see layout.fit_lines)
BODY_SIZES = (16, 16, 12)  # prose wraps at full size before it shrinks
# A long bio is cut (with "…") rather than shrunk out of large print: the card is a prompt,
# the writer can read the rest on the prisoner's page.
BIO_SIZES = (16, 16, 14)
ADDRESS_SIZES = (18, 13, 9)  # address lines stay whole as long as they can
HEADING_SIZE = 12
HEADING_GREY = 0.3
GAP = 6 * mm  # between sections


@dataclass(frozen=True)
class _Section:
    heading: str
    lines: tuple[str, ...]
    sizes: tuple[float, float, float]
    cap: float  # the most of the page it may take, so later sections keep some room


def render_evening_pack(pack: EveningPack, out: BinaryIO) -> int:
    """Write the evening pack to ``out`` as one PDF; returns the number of pages.

    Pages in order: a card per prisoner (``pack.card_sheet``), the envelopes
    (``pack.envelope_size``), then the labels (``pack.label_sheet`` from
    ``pack.start_at_label``). Every choice is checked before anything is written. An empty pack
    returns 0 and holds one blank page.
    """
    card_format = sheet_format(pack.card_sheet)
    envelope_fmt = envelope_format(pack.envelope_size)
    labels = label_sheet(pack.label_sheet)
    check_start_at(labels, pack.start_at_label)

    canvas = new_canvas(out, _("Letter-writing evening"), card_format.size)
    pages = 0
    for card in pack.cards:
        draw_card(canvas, card, card_format)
        pages += 1
    for envelope in pack.envelopes:
        draw_envelope(canvas, envelope, envelope_fmt)
        pages += 1
    pages += draw_labels(canvas, pack.labels, labels.code, pack.start_at_label)
    if not pages:
        canvas.showPage()  # an empty pack: one blank page, as PDF readers expect a page
    canvas.save()
    return pages


def draw_card(canvas: Canvas, card: PrisonerCard, fmt: SheetFormat) -> None:
    """Draw one large-print prisoner card as a page of its own, and end the page.

    Sections are laid out top-down, each fitted into what is left of the page (and at most
    its own share of it), so nothing leaves the page: a long bio, last, wraps and is cut with
    "…".
    """
    canvas.setPageSize(fmt.size)
    canvas.setFillGray(0)
    width, height = fmt.size
    text_width = width - 2 * CARD_MARGIN
    top = height - CARD_MARGIN
    bottom = CARD_MARGIN

    name = _fit([card.name], text_width, NAME_HEIGHT, NAME_SIZES, BOLD)
    draw_lines(canvas, name, CARD_MARGIN, top)
    top -= name.height + GAP / 2
    canvas.setLineWidth(0.75)
    canvas.line(CARD_MARGIN, top, width - CARD_MARGIN, top)
    top -= GAP

    for section in _sections(card, height):
        if not any(line.strip() for line in section.lines):
            continue
        heading_height = HEADING_SIZE * 1.2 + 1 * mm
        room = min(section.cap, top - bottom - heading_height)
        if room < section.sizes[2] * 1.2:
            break  # not even one line at the smallest size: stop rather than spill
        canvas.saveState()
        canvas.setFillGray(HEADING_GREY)
        canvas.setFont(BOLD, HEADING_SIZE)
        canvas.drawString(CARD_MARGIN, top - HEADING_SIZE, section.heading)
        canvas.restoreState()
        top -= heading_height
        body = _fit(section.lines, text_width, room, section.sizes)
        draw_lines(canvas, body, CARD_MARGIN, top)
        top -= body.height + GAP
    canvas.showPage()


def _sections(card: PrisonerCard, page_height: float) -> list[_Section]:
    allowances = tuple(
        _("%(what)s: %(status)s", what=what, status=status) for what, status in card.allowances
    )
    return [
        _Section(_("Address"), card.address_lines, ADDRESS_SIZES, 0.28 * page_height),
        _Section(_("Languages"), (", ".join(card.languages),), BODY_SIZES, 0.1 * page_height),
        _Section(_("The facility allows"), allowances, BODY_SIZES, 0.22 * page_height),
        _Section(_("Restrictions"), _paragraphs(card.restrictions), BODY_SIZES, 0.18 * page_height),
        _Section(_("About"), _paragraphs(card.bio), BIO_SIZES, page_height),
    ]


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(line for line in text.replace("\r\n", "\n").split("\n") if line.strip())


def _fit(
    lines: Sequence[str],
    width: float,
    height: float,
    sizes: tuple[float, float, float],
    font: str = REGULAR,
) -> FittedText:
    max_size, min_size, floor_size = sizes
    return fit_lines(
        lines, width, height, font=font, max_size=max_size, min_size=min_size, floor_size=floor_size
    )
