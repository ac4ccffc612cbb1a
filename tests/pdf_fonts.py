"""Which fonts a PDF lists without embedding them (what ``pdffonts`` shows as ``emb no``).

A font that is only named, such as one of the standard 14 (Helvetica, Times…), is drawn with
whatever the printer or viewer substitutes, and preflight checks flag the file. Every font in
every page's resources, and in the resources of every form the page uses, must carry its
program (``/FontFile``, ``/FontFile2`` or ``/FontFile3``).
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

FONT_PROGRAMS = ("/FontFile", "/FontFile2", "/FontFile3")


def _descriptor(font: Any) -> Any:
    if "/FontDescriptor" in font:
        return font["/FontDescriptor"].get_object()
    if "/DescendantFonts" in font:  # Type0 (composite) fonts keep it on their descendant
        return _descriptor(font["/DescendantFonts"][0].get_object())
    return None


def _fonts_in(resources: Any, seen: set[int], found: dict[str, bool]) -> None:
    resources = resources.get_object() if resources is not None else None
    if not resources or id(resources) in seen:
        return
    seen.add(id(resources))
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        descriptor = _descriptor(font)
        embedded = descriptor is not None and any(key in descriptor for key in FONT_PROGRAMS)
        found[str(font.get("/BaseFont"))] = found.get(str(font.get("/BaseFont")), True) and embedded
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            _fonts_in(xobject.get("/Resources"), seen, found)


def fonts(data: bytes) -> dict[str, bool]:
    """Every font the PDF lists → whether its program is embedded."""
    found: dict[str, bool] = {}
    seen: set[int] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        _fonts_in(page.get("/Resources"), seen, found)
    return found


def assert_every_font_embedded(data: bytes) -> None:
    listed = fonts(data)
    assert listed, "no font at all: the check would prove nothing"
    missing = sorted(name for name, embedded in listed.items() if not embedded)
    assert not missing, f"fonts listed but not embedded: {missing}"
