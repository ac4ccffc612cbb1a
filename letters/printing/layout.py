"""Fitting text into a box: shrink first, then wrap, never spill.

Used for every block whose size the printer cannot choose: the address on an envelope or a
label, a name on a card. An address line is worth more whole than large, so the font shrinks
until every line fits; only then are lines wrapped (a 200-character line still has to land
inside the envelope and out of the stamp field).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from .fonts import REGULAR, text_width

LEADING = 1.2  # line height as a multiple of the font size
SIZE_STEP = 0.5


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


def fit_lines(
    lines: Sequence[str],
    width: float,
    height: float,
    *,
    font: str = REGULAR,
    max_size: float = 12,
    min_size: float = 7,
    floor_size: float = 4,
) -> FittedText:
    """The largest size at which ``lines`` fit a ``width`` × ``height`` box (in points).

    1. From ``max_size`` down to ``min_size``: the lines as they are, if each fits the width.
    2. Then, from ``min_size`` down to ``floor_size``: the lines wrapped to the width.
    3. If even that is too tall, the text at ``floor_size`` is cut to the box with "…": the
       box is a hard limit (an envelope's edge, the stamp field).
    """
    lines = [line for line in lines if line.strip()]
    size = max_size
    while size >= min_size:
        if (
            all(text_width(line, size, font) <= width for line in lines)
            and len(lines) * size * LEADING <= height
        ):
            return FittedText(tuple(lines), font, size)
        size -= SIZE_STEP
    size = min_size
    while size >= floor_size:
        wrapped = [part for line in lines for part in wrap(line, width, size, font)]
        if len(wrapped) * size * LEADING <= height:
            return FittedText(tuple(wrapped), font, size)
        size -= SIZE_STEP
    size = floor_size
    wrapped = [part for line in lines for part in wrap(line, width, size, font)]
    room = max(1, int(height // (size * LEADING)))
    if len(wrapped) > room:
        wrapped = wrapped[:room]
        wrapped[-1] = _with_ellipsis(wrapped[-1], width, size, font)
    return FittedText(tuple(wrapped), font, size)


def wrap(line: str, width: float, size: float, font: str = REGULAR) -> list[str]:
    """Break ``line`` at spaces to fit ``width``; a word longer than the width is broken too."""
    out: list[str] = []
    current = ""
    for word in line.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, font) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
            current = ""
        while text_width(word, size, font) > width:
            cut = _longest_prefix(word, width, size, font)
            out.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        out.append(current)
    return out


def _longest_prefix(word: str, width: float, size: float, font: str) -> int:
    cut = 1
    while cut < len(word) and text_width(word[: cut + 1], size, font) <= width:
        cut += 1
    return cut


def _with_ellipsis(line: str, width: float, size: float, font: str) -> str:
    while line and text_width(line + "…", size, font) > width:
        line = line[:-1]
    return line + "…"


def draw_lines(canvas: Canvas, text: FittedText, x: float, top: float) -> None:
    """Draw fitted lines left-aligned from ``x``, the first line's top at ``top``.

    ``drawString`` prints characters as they are: no markup in user text is ever interpreted.
    """
    canvas.setFont(text.font, text.font_size)
    y = top - text.font_size  # baseline of the first line
    for line in text.lines:
        canvas.drawString(x, y, line)
        y -= text.leading
