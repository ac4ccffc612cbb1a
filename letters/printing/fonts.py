"""PT Sans, embedded in every PDF: Latin, accented Latin and Cyrillic print everywhere.

ReportLab's built-in Helvetica has no Cyrillic. PT Sans was made for Russian and ships as a
Python dependency (``fontpkg-pt-sans``), so no system font is needed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fontpkg_pt_sans
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "PTSans"
BOLD = "PTSans-Bold"

_FILES = {
    REGULAR: "PT_Sans-Web-Regular.ttf",
    BOLD: "PT_Sans-Web-Bold.ttf",
}


@cache
def register_fonts() -> None:
    """Register the fonts with ReportLab once per process (idempotent)."""
    folder = Path(fontpkg_pt_sans.__file__).parent / "files"
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)


def text_width(text: str, size: float, font: str = REGULAR) -> float:
    register_fonts()
    return float(pdfmetrics.stringWidth(text, font, size))
