"""The letter-writing evening pack, in paper runs: a PDF for each paper the printer is loaded
with, so a home printer never needs its paper changed in the middle of a job.

The runs, in the order a coordinator prints them, each named for the paper to load:
``0-handout-ru-A4.pdf`` (one per language the letters are written in), ``1-cards-A4.pdf`` (a
large-print card per prisoner), ``2-envelopes-DL.pdf`` and ``3-labels-L7160-A4.pdf``. One
download gives them all as a zip (``render_pack_zip``); the pack page also offers each run.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from io import BytesIO
from typing import BinaryIO

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .data import EveningPack, PrisonerCard
from .envelopes import envelope_format, render_envelopes
from .fonts import BOLD, REGULAR
from .formats import SheetFormat
from .handout import render_handouts
from .labels import check_start_at, label_sheet, render_labels
from .layout import FittedText, draw_lines, fit_lines
from .pdf import new_canvas
from .sheets import sheet_format

# Cards are read across a table, often in poor light and by older writers: large print, and
# nothing a writer reads below 16 pt (the name: 24 pt). (design size, floor) for layout.fit_lines.
CARD_MARGIN = 20 * mm
NAME_HEIGHT = 32 * mm
NAME_SIZES = (34, 24)
# Prose wraps at 16 pt and is cut (with "…") when its share of the card is full rather than
# shrunk out of large print: the card is a prompt, the rest is on the prisoner's page.
BODY_SIZES = (16, 16)
# The address must be whole: a card that cannot hold it at 16 pt is refused (DoesNotFit).
ADDRESS_SIZES = (18, 16)
HEADING_SIZE = 16
HEADING_GREY = 0.3
GAP = 6 * mm  # between sections


@dataclass(frozen=True)
class _Section:
    heading: str
    lines: tuple[str, ...]
    sizes: tuple[float, float]
    cap: float  # the most of the page it may take, so later sections keep some room
    cut: bool = True  # prose may be cut with "…"; the address may not (``DoesNotFit``)


# --- paper runs -------------------------------------------------------------------------------

#: The runs a coordinator can download one by one, in printing order.
RUNS = ("handouts", "cards", "envelopes", "labels")


@dataclass(frozen=True)
class PaperRun:
    """One PDF of the pack, all on one paper: its file name says which paper to load."""

    kind: str  # one of RUNS
    filename: str
    render: Callable[[BinaryIO], int]  # writes the PDF, returns its page count


def paper_name(sheet: str) -> str:
    """ "A4", "LETTER" → "A4", "Letter": the paper as it is sold, for file names."""
    return "Letter" if sheet.upper() == "LETTER" else sheet.upper()


def check_pack(pack: EveningPack) -> None:
    """Refuse a pack that cannot print (an unknown paper, size or label sheet, a starting label
    that is not on the sheet) before a byte of it is written."""
    sheet_format(pack.card_sheet)
    envelope_format(pack.envelope_size)
    check_start_at(label_sheet(pack.label_sheet), pack.start_at_label)
    languages = [handout.language for handout in pack.handouts]
    if len(set(languages)) != len(languages):
        # Two files of the same name in one zip: an unzip tool would keep one of them.
        raise ValueError(f"one handout per language, got {', '.join(languages)}")


def paper_runs(pack: EveningPack) -> list[PaperRun]:
    """The pack's PDFs, one per paper, in printing order; a run with nothing in it is left out.

    Handouts come one file per language (``0-handout-ru-A4.pdf``), so a group prints as many
    of each as it has writers for that language.
    """
    check_pack(pack)
    card_paper = paper_name(pack.card_sheet)
    runs = [
        PaperRun(
            "handouts",
            f"0-handout-{handout.language}-{card_paper}.pdf",
            partial(render_handouts, [handout], pack.card_sheet),
        )
        for handout in pack.handouts
    ]
    for kind in RUNS[1:]:
        run = pack_run(pack, kind)
        if run is not None:
            runs.append(run)
    return runs


def pack_run(pack: EveningPack, kind: str) -> PaperRun | None:
    """The run ``kind`` (one of ``RUNS``) as one PDF, or ``None`` when it would be empty.

    "handouts" is every language's handout in one PDF: they share the cards' paper.
    """
    check_pack(pack)
    card_paper = paper_name(pack.card_sheet)
    if kind == "handouts" and pack.handouts:
        return PaperRun(
            kind,
            f"0-handouts-{card_paper}.pdf",
            partial(render_handouts, pack.handouts, pack.card_sheet),
        )
    if kind == "cards" and pack.cards:
        return PaperRun(kind, f"1-cards-{card_paper}.pdf", partial(render_cards, pack))
    if kind == "envelopes" and pack.envelopes:
        return PaperRun(
            kind,
            f"2-envelopes-{pack.envelope_size}.pdf",
            partial(render_envelopes, pack.envelopes, pack.envelope_size),
        )
    if kind == "labels" and pack.labels:
        spec = label_sheet(pack.label_sheet)
        # A test print is named as one, so nobody feeds it a sheet of real labels by mistake.
        suffix = "-outlines" if pack.label_outlines else ""
        return PaperRun(
            kind,
            f"3-labels-{spec.code}-{paper_name(spec.sheet)}{suffix}.pdf",
            partial(
                render_labels,
                pack.labels,
                spec.code,
                pack.start_at_label,
                outlines=pack.label_outlines,
            ),
        )
    if kind not in RUNS:
        raise ValueError(f"unknown paper run {kind!r}; expected one of {', '.join(RUNS)}")
    return None


def render_pack_zip(pack: EveningPack, out: BinaryIO, today: date | None = None) -> list[str]:
    """Write every paper run of ``pack`` into a zip on ``out``; returns the file names.

    Each PDF is rendered into memory and added before the next starts: a pack is a few hundred
    pages at most (``services.MAX_ENVELOPES_PER_PRISONER``), a few megabytes. Entries carry the
    day, not the time of day.
    """
    runs = paper_runs(pack)
    day = today or date.today()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for run in runs:
            buffer = BytesIO()
            run.render(buffer)
            entry = zipfile.ZipInfo(run.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, buffer.getvalue())
    return [run.filename for run in runs]


def render_cards(pack: EveningPack, out: BinaryIO) -> int:
    """Write a large-print card per prisoner to ``out`` on ``pack.card_sheet``; returns the
    number of pages."""
    card_format = sheet_format(pack.card_sheet)
    canvas = new_canvas(out, _("Letter-writing evening"), card_format.size)
    for card in pack.cards:
        draw_card(canvas, card, card_format)
    if not pack.cards:
        canvas.showPage()
    canvas.save()
    return len(pack.cards)


def draw_card(canvas: Canvas, card: PrisonerCard, fmt: SheetFormat) -> None:
    """Draw one large-print prisoner card as a page of its own, and end the page.

    Sections are laid out top-down, each fitted into what is left of the page (and at most
    its own share of it), so nothing leaves the page: a long bio, last, wraps and is cut with
    "…". A name or an address that does not fit at its floor raises ``layout.DoesNotFit``
    (``check_card`` asks before anything is drawn).
    """
    canvas.setPageSize(fmt.size)
    canvas.setFillGray(0)
    width, height = fmt.size
    text_width = width - 2 * CARD_MARGIN
    top = height - CARD_MARGIN
    bottom = CARD_MARGIN

    name = _fit([card.name], text_width, NAME_HEIGHT, NAME_SIZES, BOLD, what=CARD_NAME)
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
        if room < section.sizes[1] * 1.2:
            break  # not even one line at the smallest size: stop rather than spill
        canvas.saveState()
        canvas.setFillGray(HEADING_GREY)
        canvas.setFont(BOLD, HEADING_SIZE)
        canvas.drawString(CARD_MARGIN, top - HEADING_SIZE, section.heading)
        canvas.restoreState()
        top -= heading_height
        body = _fit(section.lines, text_width, room, section.sizes, cut=section.cut)
        draw_lines(canvas, body, CARD_MARGIN, top)
        top -= body.height + GAP
    canvas.showPage()


def _sections(card: PrisonerCard, page_height: float) -> list[_Section]:
    allowances = tuple(
        _("%(what)s: %(status)s", what=what, status=status) for what, status in card.allowances
    )
    return [
        _Section(_("Address"), card.address_lines, ADDRESS_SIZES, 0.28 * page_height, cut=False),
        _Section(_("Languages"), (", ".join(card.languages),), BODY_SIZES, 0.1 * page_height),
        _Section(_("The facility allows"), allowances, BODY_SIZES, 0.22 * page_height),
        _Section(_("Restrictions"), _paragraphs(card.restrictions), BODY_SIZES, 0.18 * page_height),
        _Section(_("About"), _paragraphs(card.bio), BODY_SIZES, page_height),
    ]


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(line for line in text.replace("\r\n", "\n").split("\n") if line.strip())


def check_card(card: PrisonerCard, fmt: SheetFormat) -> None:
    """Raise ``layout.DoesNotFit`` if ``card``'s name or address cannot print at its floor.

    The card is laid out on a scratch canvas: the one layout is the one checked.
    """
    scratch = new_canvas(BytesIO(), "", fmt.size)
    draw_card(scratch, card, fmt)


CARD_NAME = "name on the card"  # ``DoesNotFit.what``
CARD_ADDRESS = "address on the card"


def _fit(
    lines: Sequence[str],
    width: float,
    height: float,
    sizes: tuple[float, float],
    font: str = REGULAR,
    *,
    what: str = CARD_ADDRESS,
    cut: bool = False,
) -> FittedText:
    max_size, floor = sizes
    return fit_lines(
        lines, width, height, font=font, max_size=max_size, floor=floor, what=what, cut=cut
    )
