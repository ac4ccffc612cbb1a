"""Fitting text into a box: wrap first, shrink last, never below a floor.

One routine (``fit_lines``) for every block whose size the printer cannot choose: the address
on an envelope or a label, a name or a section on a card. At the design size, a line too wide
is wrapped at word boundaries; only when the wrapped block is too tall does the size step down,
half a point at a time, to the block's floor. A block that does not fit at its floor raises
``DoesNotFit``: a post office or a tired volunteer cannot read 5 pt, so the caller refuses that
output (naming the prisoner) rather than printing it tiny or cut.

Some runs of words never break across lines (``units``): "1987 г.р." (a year of birth left
without its "г.р." reads as something else), an abbreviation and what it abbreviates ("д. 30",
"ул. Каракозова", "Apt 4", "# 12"), a UK postcode ("SW2 5XF"), a US state and its ZIP ("FL
33733"). Anything else can be held together by joining it with a no-break space (U+00A0); it
prints as an ordinary space.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from .fonts import REGULAR, text_width

LEADING = 1.2  # line height as a multiple of the font size
SIZE_STEP = 0.5
NBSP = "\u00a0"
ELLIPSIS = "…"

# Abbreviations written before what they abbreviate ("д. 30", "ул. Ленина", "Apt 4").
_BEFORE = (
    r"(?:(?:д|дом|корп|к|стр|кв|г|ул|пр|просп|пер|пл|ш|наб|пос|п|с|дер|мкр|обл|No|Nr)\."
    r"|б-р|а/я|(?:Apt|Ste|Unit|Bldg|Cell|Box|P\.?\s?O\.?\s?Box)\.?)"
)
_NON_BREAKING = re.compile(
    "|".join(
        (
            r"\b\d{4}\s+г\.\s*р\.",  # year of birth: "1987 г.р."
            r"\b\d{4}\s+года\s+рождения\b",
            r"(?<![\w-])" + _BEFORE + r"\s+(?:#\s*)?\S+",  # "д. 30", "ул. Каракозова", "Cell # 4"
            r"#\s*\S+",  # "# 12"
            r"\S+\s+(?:обл|р-н|окр)\.?(?!\w)",  # "Пензенская обл.": here the abbreviation follows
            r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b",  # UK postcode "SW2 5XF"
            r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b",  # US state and ZIP "FL 33733-1234"
        )
    ),
    re.IGNORECASE,
)


class DoesNotFit(ValueError):
    """A block does not fit its box even at its smallest allowed size.

    ``what`` names the block for a message ("recipient address"); ``floor`` is that size.
    Callers who know whose block it was turn this into a message naming the prisoner.
    """

    def __init__(self, what: str, floor: float) -> None:
        super().__init__(f"The {what} does not fit at {floor:g} pt or larger")
        self.what = what
        self.floor = floor


@dataclass(frozen=True)
class FittedText:
    lines: tuple[str, ...]
    font: str
    font_size: float

    @property
    def leading(self) -> float:
        return self.font_size * LEADING

    @property
    def height(self) -> float:
        return self.leading * len(self.lines)

    def width(self) -> float:
        return max((text_width(line, self.font_size, self.font) for line in self.lines), default=0)


def units(line: str) -> list[str]:
    """``line`` cut at the spaces where it may break, each piece with its own spaces kept.

    Runs that must stay together (see the module's docstring) are one unit, their spaces
    turned into no-break spaces; runs already joined with U+00A0 stay joined.
    """
    marked = _NON_BREAKING.sub(lambda m: re.sub(r"\s+", NBSP, m.group(0)), line)
    return [unit for unit in re.split(r"[ \t\r\n\f\v]+", marked) if unit]


def fit_lines(
    lines: Sequence[str],
    width: float,
    height: float,
    *,
    what: str = "text",
    font: str = REGULAR,
    max_size: float = 12,
    floor: float = 7,
    cut: bool = False,
) -> FittedText:
    """The largest size from ``max_size`` down to ``floor`` at which ``lines`` fit a
    ``width`` × ``height`` box (in points), wrapped at word boundaries where they must be.

    Raises ``DoesNotFit`` when they do not fit even at ``floor``; with ``cut``, the text is
    instead cut to the box at ``floor`` and ends with "…" (for prose that is a prompt, such
    as a bio on a card, never for an address).
    """
    given = [line for line in lines if line.strip()]
    # Widths are linear in the size: measure once, at 1 pt. Most blocks fit whole at their
    # design size; only then is it worth cutting lines into units.
    if (
        len(given) * max_size * LEADING <= height + 1e-6
        and max((text_width(line, 1, font) for line in given), default=0) * max_size <= width + 1e-9
    ):
        return FittedText(tuple(line.replace(NBSP, " ") for line in given), font, max_size)
    space = text_width(" ", 1, font)
    measured = [[(unit, text_width(unit, 1, font)) for unit in units(line)] for line in given]
    size = max_size
    while size >= floor - 1e-9:
        wrapped = _wrap_measured(measured, width / size, space)
        if wrapped is not None and len(wrapped) * size * LEADING <= height + 1e-6:
            return FittedText(tuple(wrapped), font, size)
        size -= SIZE_STEP
    if not cut:
        raise DoesNotFit(what, floor)
    return _cut(measured, width, height, floor, font, space)


def _wrap_measured(
    lines: list[list[tuple[str, float]]], width: float, space: float
) -> list[str] | None:
    """Lines broken between units to ``width`` (at 1 pt); ``None`` if a unit alone is wider."""
    out: list[str] = []
    for line in lines:
        current: list[str] = []
        used = 0.0
        for unit, unit_width in line:
            if unit_width > width + 1e-9:
                return None
            extra = unit_width + (space if current else 0)
            if current and used + extra > width + 1e-9:
                out.append(" ".join(current))
                current, used = [unit], unit_width
            else:
                current.append(unit)
                used += extra
        if current:
            out.append(" ".join(current))
    return [line.replace(NBSP, " ") for line in out]


def _cut(
    measured: list[list[tuple[str, float]]],
    width: float,
    height: float,
    size: float,
    font: str,
    space: float,
) -> FittedText:
    """The text at ``size``, cut to as many lines as ``height`` holds, the last ending in "…".

    A unit wider than the box is broken where it has to be: this is prose, cut anyway.
    """
    room = max(1, int((height + 1e-6) // (size * LEADING)))
    split = [
        [piece for unit, w in line for piece in _pieces(unit, w, width / size, font)]
        for line in measured
    ]
    wrapped = _wrap_measured(split, width / size, space) or []
    if len(wrapped) > room:
        wrapped = wrapped[:room]
        last = wrapped[-1]
        while last and text_width(last + ELLIPSIS, size, font) > width:
            last = last[:-1]
        wrapped[-1] = last.rstrip() + ELLIPSIS
    return FittedText(tuple(wrapped), font, size)


def _pieces(unit: str, unit_width: float, width: float, font: str) -> list[tuple[str, float]]:
    """``unit`` (``unit_width`` wide at 1 pt) broken into pieces no wider than ``width``."""
    if unit_width <= width:
        return [(unit, unit_width)]
    pieces: list[tuple[str, float]] = []
    while unit:
        cut = 1
        while cut < len(unit) and text_width(unit[: cut + 1], 1, font) <= width:
            cut += 1
        pieces.append((unit[:cut], text_width(unit[:cut], 1, font)))
        unit = unit[cut:]
    return pieces


def wrap(line: str, width: float, size: float, font: str = REGULAR) -> list[str]:
    """Break ``line`` between units (see ``units``) to fit ``width`` at ``size``: for prose.

    A unit wider than the whole line (a long link) is broken where it must be, so typed text
    never runs past the margin.
    """
    space = text_width(" ", 1, font)
    measured = [
        piece
        for unit in units(line)
        for piece in _pieces(unit, text_width(unit, 1, font), width / size, font)
    ]
    return _wrap_measured([measured], width / size, space) or []


def draw_lines(canvas: Canvas, text: FittedText, x: float, top: float) -> None:
    """Draw fitted lines left-aligned from ``x``, the first line's top at ``top``.

    ``drawString`` prints characters as they are: no markup in user text is ever interpreted.
    A no-break space prints as a space.
    """
    canvas.setFont(text.font, text.font_size)
    y = top - text.font_size  # baseline of the first line
    for line in text.lines:
        canvas.drawString(x, y, line.replace(NBSP, " "))
        y -= text.leading
