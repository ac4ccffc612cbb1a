"""Address labels, checked against the label sheet's published specification."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pdfplumber
import pytest
from pdfplumber.page import Page

from letters.printing import labels as labels_module
from letters.printing.formats import LABEL_SHEETS, LabelSheet
from letters.printing.labels import render_labels

MM = 72 / 25.4
PAPER_MM = {"L7160": (210, 297), "5160": (215.9, 279.4)}
TOLERANCE = 0.5 * MM

RUSSIAN_BLOCK = (
    "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.",
    "ФКУ СИЗО-1 УФСИН России по Пензенской области",
    "ул. Каракозова, 30",
    "г. Пенза",
    "Пензенская область",
    "440039",
)


@pytest.fixture
def canvases(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every canvas the labels renderer starts, recorded (and still created)."""
    started: list[object] = []
    real = labels_module.new_canvas

    def recording(*args: Any, **kwargs: Any) -> Any:
        started.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(labels_module, "new_canvas", recording)
    return started


def numbered_blocks(count: int) -> list[tuple[str, ...]]:
    """Address blocks whose first line names the block: "L007"."""
    return [(f"L{n:03d}", f"PO BOX {n}", "DUBLIN CA 94568") for n in range(count)]


@contextmanager
def rendered(
    blocks: Sequence[Sequence[str]], sheet: str, start_at: int = 1, *, outlines: bool = False
) -> Iterator[list[Page]]:
    out = io.BytesIO()
    count = render_labels(blocks, sheet, start_at, out, outlines=outlines)
    with pdfplumber.open(io.BytesIO(out.getvalue())) as pdf:
        assert len(pdf.pages) == count
        yield list(pdf.pages)


def label_box(spec: LabelSheet, position: int) -> tuple[float, float, float, float]:
    """Label ``position`` (0-based, row by row) as (x0, top, x1, bottom) in points from the
    top-left corner, worked out here from the specification alone."""
    row, column = divmod(position, spec.columns)
    left = (spec.left_margin_mm + column * spec.column_pitch_mm) * MM
    top = (spec.top_margin_mm + row * spec.row_pitch_mm) * MM
    return left, top, left + spec.label_width_mm * MM, top + spec.label_height_mm * MM


def in_label(page: Page, spec: LabelSheet, position: int) -> Page:
    """What is drawn wholly inside label ``position`` (give or take half a millimetre)."""
    x0, top, x1, bottom = label_box(spec, position)
    return page.within_bbox(
        (max(0, x0 - TOLERANCE), max(0, top - TOLERANCE), x1 + TOLERANCE, bottom + TOLERANCE)
    )


def text_in_label(page: Page, spec: LabelSheet, position: int) -> str:
    return in_label(page, spec, position).extract_text()


def chars_in_some_label(page: Page, spec: LabelSheet) -> int:
    return sum(len(in_label(page, spec, p).chars) for p in range(spec.per_sheet))


@pytest.mark.parametrize("sheet", ["L7160", "5160"])
def test_each_address_lands_inside_its_label(sheet: str) -> None:
    spec = LABEL_SHEETS[sheet]
    blocks = numbered_blocks(spec.per_sheet)
    with rendered(blocks, sheet) as pages:
        (page,) = pages
        width_mm, height_mm = PAPER_MM[sheet]
        assert page.width / MM == pytest.approx(width_mm, abs=0.5)
        assert page.height / MM == pytest.approx(height_mm, abs=0.5)
        for position, block in enumerate(blocks):
            assert text_in_label(page, spec, position).splitlines() == list(block)
            # Aligned, not merely inside: 3 mm in from the label's left edge, and centred
            # between its top and bottom.
            chars = in_label(page, spec, position).chars
            x0, top, _x1, bottom = label_box(spec, position)
            assert min(c["x0"] for c in chars) == pytest.approx(x0 + 3 * MM, abs=TOLERANCE)
            text_middle = (min(c["top"] for c in chars) + max(c["bottom"] for c in chars)) / 2
            assert text_middle == pytest.approx((top + bottom) / 2, abs=1.5 * MM)
        assert chars_in_some_label(page, spec) == len(page.chars)


@pytest.mark.parametrize(
    ("sheet", "count", "pages"),
    [("L7160", 21, 1), ("L7160", 22, 2), ("L7160", 42, 2), ("5160", 30, 1), ("5160", 31, 2)],
)
def test_a_new_page_starts_when_a_sheet_is_full(sheet: str, count: int, pages: int) -> None:
    with rendered(numbered_blocks(count), sheet) as rendered_pages:
        assert len(rendered_pages) == pages


def test_start_at_skips_used_labels_on_the_first_sheet_only() -> None:
    spec = LABEL_SHEETS["L7160"]
    blocks = numbered_blocks(20)
    with rendered(blocks, "L7160", start_at=5) as pages:
        first, second = pages
        for position in range(4):
            assert text_in_label(first, spec, position) == ""
        for n, position in enumerate(range(4, 21)):  # labels 5 to 21 of the first sheet
            assert text_in_label(first, spec, position).startswith(f"L{n:03d}\n")
        for n, position in enumerate(range(3), start=17):  # the second sheet starts at 1
            assert text_in_label(second, spec, position).startswith(f"L{n:03d}\n")
        assert text_in_label(second, spec, 3) == ""


def test_starting_at_the_last_label_uses_one_label_then_a_fresh_sheet() -> None:
    spec = LABEL_SHEETS["5160"]
    with rendered(numbered_blocks(2), "5160", start_at=30) as pages:
        first, second = pages
        assert text_in_label(first, spec, 29).startswith("L000")
        assert text_in_label(second, spec, 0).startswith("L001")


@pytest.mark.parametrize(("sheet", "start_at"), [("L7160", 0), ("L7160", 22), ("5160", 31)])
def test_start_at_outside_the_sheet_is_refused(
    sheet: str, start_at: int, canvases: list[object]
) -> None:
    out = io.BytesIO()
    with pytest.raises(ValueError, match="between 1 and"):
        render_labels(numbered_blocks(3), sheet, start_at, out)
    # Refused before a canvas exists, so not one page was started (ReportLab writes no
    # bytes before save(), so an empty output would prove nothing).
    assert canvases == []


def test_unknown_label_sheet_is_refused() -> None:
    with pytest.raises(ValueError, match="L7160"):
        render_labels(numbered_blocks(3), "L7163", 1, io.BytesIO())


@pytest.mark.parametrize("sheet", ["L7160", "5160"])
def test_long_lines_wrap_inside_their_label(sheet: str) -> None:
    spec = LABEL_SHEETS[sheet]
    long_line = " ".join(["Каракозова"] * 18)[:120]
    blocks = [(f"L{n:03d}", long_line, "г. Пенза") for n in range(spec.columns + 1)]
    with rendered(blocks, sheet) as pages:
        (page,) = pages
        assert chars_in_some_label(page, spec) == len(page.chars)
        for position in range(len(blocks)):
            assert text_in_label(page, spec, position).startswith(f"L{position:03d}")


def test_cyrillic_address_is_extracted_exactly() -> None:
    sheet = "L7160"
    with rendered([RUSSIAN_BLOCK], sheet) as pages:
        text = text_in_label(pages[0], LABEL_SHEETS[sheet], 0)
        # A long line may be wrapped, never altered.
        assert text.replace("\n", " ") == " ".join(RUSSIAN_BLOCK)


def test_markup_in_an_address_is_printed_literally() -> None:
    block = ('<img src="http://127.0.0.1:1/x.png"/>', "<b>HMP</b> &amp; Brixton")
    with rendered([block], "L7160") as pages:
        # Wrapped at its spaces rather than shrunk, otherwise exactly as typed.
        assert text_in_label(pages[0], LABEL_SHEETS["L7160"], 0).replace("\n", " ") == " ".join(
            block
        )


def test_no_outlines_unless_asked_for_a_test_print() -> None:
    with rendered(numbered_blocks(3), "L7160") as pages:
        page = pages[0]
        assert page.lines == page.rects == page.curves == []
    with rendered(numbered_blocks(3), "L7160", outlines=True) as pages:
        page = pages[0]
        assert len(page.rects) + len(page.curves) == 3


def test_no_addresses_print_nothing() -> None:
    out = io.BytesIO()
    assert render_labels([], "5160", 7, out) == 0
    with pdfplumber.open(io.BytesIO(out.getvalue())) as pdf:
        # One blank page: PDF readers expect at least one.
        assert [page.chars for page in pdf.pages] == [[]]
