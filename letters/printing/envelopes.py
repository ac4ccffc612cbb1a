"""Envelopes (DL, C6, C5, C4, US #10), landscape."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas

from .data import Envelope
from .formats import EnvelopeFormat


def draw_envelope(canvas: Canvas, envelope: Envelope, fmt: EnvelopeFormat) -> None:
    """Draw one envelope as the current page and end the page."""
    raise NotImplementedError


def render_envelopes(envelopes: Iterable[Envelope], size: str, out: BinaryIO) -> int:
    """Write one page per envelope to ``out``; returns the number of pages."""
    raise NotImplementedError
