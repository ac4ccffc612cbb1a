"""One way to start a PDF, so every document embeds every font it lists and says nothing about
who printed it.

User text only ever reaches ReportLab through ``Canvas.drawString`` and friends, which print
characters as they are. ReportLab's ``Paragraph`` parses markup (``<img src=…>`` would make the
server fetch a URL or read a local file); where one is needed, pass the text through
``xml.sax.saxutils.escape`` first.
"""

from __future__ import annotations

from typing import BinaryIO

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from .fonts import REGULAR, register_fonts

# Compressed page streams stay binary instead of ASCII85 text: about a tenth smaller and faster
# (measured with bench/envelopes.py). Every PDF here is served as a download, never pasted.
rl_config.useA85 = 0


def new_canvas(out: BinaryIO, title: str, pagesize: tuple[float, float]) -> Canvas:
    """A canvas writing to ``out``: compressed pages, reproducible bytes, no author or dates."""
    register_fonts()
    # ReportLab's default initial font is Helvetica, one of the standard 14 that are never
    # embedded: every page would list it (unused) and preflight checks would flag the PDF.
    # A TrueType initial font is embedded, and only where a character uses it.
    canvas = Canvas(out, pagesize=pagesize, pageCompression=1, invariant=1, initialFontName=REGULAR)
    canvas.setTitle(title)
    canvas.setAuthor("")
    canvas.setCreator("letters")
    return canvas
