"""Envelope PDFs, opened as a reader would: page sizes, the address as printed, and where every
character lands (on the page, out of the stamp field, inside the USPS read area).

Pure: envelopes are built by hand or with ``letters.addressing.recipient_block``; no app, no
database.
"""

from __future__ import annotations

import io
import math
import socket
import urllib.request
from collections.abc import Iterator
from typing import Any

import pdfplumber
import pytest
from domain_addresses import (
    FCI_DUBLIN,
    GOMEL_IK4,
    HMP_BRIXTON,
    JVA_ROSDORF,
    PA_SCANNING_CENTRE,
    PCHELINTSEV,
    PENZA_SIZO,
)
from pypdf import PdfReader
from reportlab.lib.units import mm

from letters.addressing import PostalAddress, Recipient, recipient_block
from letters.printing import envelopes
from letters.printing.data import Envelope
from letters.printing.envelopes import (
    CELL_HEIGHT,
    CELL_PITCH,
    CELL_WIDTH,
    DIGIT_STROKE,
    SEGMENTS,
    Rect,
    envelope_format,
    index_stencil_area,
    page_rect,
    recipient_box,
    render_envelopes,
    return_box,
    stamp_area,
    usps_barcode_zone,
    usps_read_area,
)
from letters.printing.formats import ENVELOPES
from letters.printing.layout import DoesNotFit

SIZES_MM = {
    "DL": (220, 110),
    "C6": (162, 114),
    "C5": (229, 162),
    "C4": (324, 229),
    "US10": (241.3, 104.8),
}
LETTER_SIZES = ["DL", "C6", "US10"]  # USPS letter-size mail; C5 and C4 are flats
PT_SANS_DESCENT = 0.276  # em; pdfminer puts a glyph's box from baseline + descent

JOHN_DOE = Recipient("Doe", "John", prisoner_number="12345-678")
JANE_ROE = Recipient(
    "Roe", "Jane", latin_name="Jane Roe", prisoner_number="QN1234", unit="SCI Muncy"
)
ALEX_SMITH = Recipient("Smith", "Alex", prisoner_number="A1234BC")
LENA_WEBER = Recipient("Weber", "Lena")
KALESNIKAVA = Recipient("Колесникова", "Мария", "Александровна", birth_year=1982)

GROUP_ADDRESS = ("Soli-Gruppe Briefe", "Postfach 12 34", "10999 Berlin", "GERMANY")
MOSCOW_SENDER = ("Петровой Ольге Ивановне", "ул. Ленина, д. 1, кв. 2", "г. Москва", "123456")

# The cases of docs/addressing.md#worked-examples: (recipient, facility, country the letter is
# posted from).
CASES: dict[str, tuple[Recipient, PostalAddress, str]] = {
    "penza-sizo-inside-russia": (PCHELINTSEV, PENZA_SIZO, "RU"),
    "penza-sizo-from-germany": (PCHELINTSEV, PENZA_SIZO, "DE"),
    "us-federal-from-germany": (JOHN_DOE, FCI_DUBLIN, "DE"),
    "us-federal-inside-the-us": (JOHN_DOE, FCI_DUBLIN, "US"),
    "pennsylvania-scanning-centre": (JANE_ROE, PA_SCANNING_CENTRE, "US"),
    "uk-hmp-from-germany": (ALEX_SMITH, HMP_BRIXTON, "DE"),
    "german-jva-inside-germany": (LENA_WEBER, JVA_ROSDORF, "DE"),
    "belarus-from-germany": (KALESNIKAVA, GOMEL_IK4, "DE"),
}
LABELS = ("Кому", "Куда", "От кого", "Откуда")
LONG_LINE = ("Длинная улица " * 15)[:200]  # wraps at spaces
LONG_WORD = "Ж" * 100 + "W" * 100
assert len(LONG_LINE) == len(LONG_WORD) == 200


def envelope_for(
    recipient: Recipient,
    address: PostalAddress,
    posted_from: str,
    return_lines: tuple[str, ...] = GROUP_ADDRESS,
) -> Envelope:
    """As the print service builds it: the recipient block from the addressing functions."""
    return Envelope(
        recipient_lines=recipient_block(recipient, address, posted_from).lines,
        destination_country=address.country_code,
        posted_from=posted_from,
        return_lines=return_lines,
        postal_code=address.postal_code,
    )


def render(items: list[Envelope], size: str = "DL") -> bytes:
    out = io.BytesIO()
    assert render_envelopes(items, size, out) == len(items)
    return out.getvalue()


def pages(data: bytes) -> Iterator[Any]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        yield from pdf.pages


def one_page(envelope: Envelope, size: str = "DL") -> Any:
    [page] = list(pages(render([envelope], size)))
    return page


def inside(rect: Rect, obj: dict[str, Any]) -> bool:
    return rect.contains(obj["x0"], obj["y0"], obj["x1"], obj["y1"])


def touches(rect: Rect, obj: dict[str, Any]) -> bool:
    # A zero-width rule or a point still counts: grow it by a hair before asking.
    return rect.overlaps(obj["x0"] - 0.05, obj["y0"] - 0.05, obj["x1"] + 0.05, obj["y1"] + 0.05)


def rows(chars: list[dict[str, Any]]) -> list[str]:
    """Printed lines, top to bottom: characters grouped by their baseline, read left to right.

    Grouping by baseline rather than by the box top keeps an 8 pt label and the 12 pt line it
    labels on one row; a gap wider than a millimetre (label to text) reads as a space.
    """
    by_baseline: list[tuple[float, list[dict[str, Any]]]] = []
    for char in sorted(chars, key=lambda c: -(c["y0"] + PT_SANS_DESCENT * c["size"])):
        baseline = char["y0"] + PT_SANS_DESCENT * char["size"]
        if by_baseline and abs(by_baseline[-1][0] - baseline) < 1:
            by_baseline[-1][1].append(char)
        else:
            by_baseline.append((baseline, [char]))
    lines = []
    for _baseline, row in by_baseline:
        text = ""
        previous: dict[str, Any] | None = None
        for char in sorted(row, key=lambda c: c["x0"]):
            if previous is not None and char["x0"] - previous["x1"] > 1 * mm:
                text += " "
            text += char["text"]
            previous = char
        lines.append(text)
    return lines


def rows_in(page: Any, rect: Rect) -> list[str]:
    return rows([c for c in page.chars if inside(rect, c)])


def graphics(page: Any) -> list[dict[str, Any]]:
    return [*page.lines, *page.rects, *page.curves]


def decode_stencil(page: Any, fmt_code: str = "DL") -> str:
    """Read the index back from the stencil's bold strokes, segment by segment."""
    area = index_stencil_area(ENVELOPES[fmt_code])
    by_cell: dict[int, set[str]] = {}
    names = {frozenset(ends): name for name, ends in SEGMENTS.items()}
    for line in page.lines:
        if abs(line["linewidth"] - DIGIT_STROKE) > 0.01:
            continue
        (ax, atop), (bx, btop) = line["pts"]
        ay, by = page.height - atop, page.height - btop
        cell = math.floor((min(ax, bx) - area.x + 1 * mm) / CELL_PITCH) - 1
        left = area.x + (cell + 1) * CELL_PITCH

        def unit(x: float, y: float, left: float = left) -> tuple[int, int]:
            return round((x - left) / CELL_WIDTH), round((y - area.y) / (CELL_HEIGHT / 2))

        by_cell.setdefault(cell, set()).add(names[frozenset((unit(ax, ay), unit(bx, by)))])
    digits = {digit: set(segments) for digit, segments in envelopes.DIGIT_SEGMENTS.items()}
    return "".join(
        next(d for d, segs in digits.items() if segs == by_cell[cell]) for cell in sorted(by_cell)
    )


# --- paper ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES_MM))
def test_every_envelope_is_a_landscape_page_of_its_format(size: str) -> None:
    width_mm, height_mm = SIZES_MM[size]
    items = [
        envelope_for(*CASES[case])
        for case in ("penza-sizo-inside-russia", "uk-hmp-from-germany", "us-federal-from-germany")
    ]
    printed = list(pages(render(items, size)))
    assert len(printed) == 3
    for page in printed:
        assert page.width / mm == pytest.approx(width_mm, abs=0.5)
        assert page.height / mm == pytest.approx(height_mm, abs=0.5)
        assert page.width > page.height


def test_size_code_is_case_insensitive_and_unknown_sizes_are_refused() -> None:
    assert envelope_format("us10") is ENVELOPES["US10"]
    with pytest.raises(ValueError, match="DL, C6, C5, C4, US10"):
        render_envelopes([], "A4", io.BytesIO())


def test_an_empty_batch_is_still_a_pdf() -> None:
    out = io.BytesIO()
    assert render_envelopes(iter(()), "DL", out) == 0
    assert len(PdfReader(io.BytesIO(out.getvalue())).pages) == 1


# --- the address as printed -------------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES_MM))
@pytest.mark.parametrize("case", list(CASES))
def test_recipient_lines_print_in_order_exactly(case: str, size: str) -> None:
    envelope = envelope_for(*CASES[case])
    page = one_page(envelope, size)
    printed = rows_in(page, recipient_box(envelope, ENVELOPES[size]))
    if envelope.posted_from == "RU" and envelope.destination_country == "RU":
        # The Russian form's labels sit by the name and by the first line of the address.
        assert printed[0].startswith("Кому ")
        assert "Куда " in printed[1] or "Куда " in printed[2]
        printed = [row.replace("Кому ", "").replace("Куда ", "") for row in printed]
    # A line too long for the block is wrapped (never two lines run together): each line
    # starts a row and is read back whole from its rows.
    assert unwrap(printed, envelope.recipient_lines) == list(envelope.recipient_lines)


def unwrap(printed: list[str], lines: tuple[str, ...]) -> list[str]:
    """The printed rows joined back into ``lines``' lines (a row only ever holds one line)."""
    rebuilt: list[str] = []
    remaining = list(printed)
    for line in lines:
        text = remaining.pop(0)
        while text != line and remaining and len(text) < len(line):
            text += " " + remaining.pop(0)
        rebuilt.append(text)
    assert not remaining
    return rebuilt


def test_cyrillic_comes_back_exactly_because_the_font_is_embedded_with_a_unicode_map() -> None:
    envelope = envelope_for(*CASES["penza-sizo-from-germany"])
    data = render([envelope])
    page = one_page(envelope)
    assert "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р." in rows_in(
        page, recipient_box(envelope, ENVELOPES["DL"])
    )
    assert {c["fontname"].split("+")[-1] for c in page.chars} == {"PTSans-Regular"}
    reader = PdfReader(io.BytesIO(data))
    resources: Any = reader.pages[0]["/Resources"]
    fonts = [ref.get_object() for ref in resources["/Font"].values()]
    pt_sans = [font for font in fonts if "PTSans" in font["/BaseFont"]]
    assert pt_sans == fonts  # no other font is listed (tests/test_print_fonts.py: all embedded)
    for font in pt_sans:
        assert "/ToUnicode" in font
        descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0]["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()  # the TrueType program itself


def test_return_address_prints_top_left() -> None:
    envelope = envelope_for(*CASES["uk-hmp-from-germany"])
    page = one_page(envelope)
    assert rows_in(page, return_box(ENVELOPES["DL"])) == list(GROUP_ADDRESS)


def test_no_return_address_leaves_the_top_left_empty() -> None:
    envelope = envelope_for(*CASES["uk-hmp-from-germany"], return_lines=())
    page = one_page(envelope)
    zone = return_box(ENVELOPES["DL"])
    assert not [c for c in page.chars if touches(zone, c)]
    assert not [g for g in graphics(page) if touches(zone, g)]


def test_russian_envelope_without_return_address_keeps_blank_labelled_rows_to_write_on() -> None:
    envelope = envelope_for(*CASES["penza-sizo-inside-russia"], return_lines=())
    page = one_page(envelope)
    zone = return_box(ENVELOPES["DL"])
    assert rows_in(page, zone) == ["От кого", "Откуда"]
    assert len([g for g in page.lines if inside(zone, g)]) == 3


# --- staying on the envelope ------------------------------------------------------------------

DESTINATIONS = {
    "inside-russia": (PCHELINTSEV, PENZA_SIZO, "RU"),
    "russia-from-abroad": (PCHELINTSEV, PENZA_SIZO, "DE"),
    "united-states": (JOHN_DOE, FCI_DUBLIN, "DE"),
}


@pytest.mark.parametrize("size", list(SIZES_MM))
@pytest.mark.parametrize("destination", list(DESTINATIONS))
def test_a_200_character_line_stays_on_the_envelope_and_out_of_the_stamp_area(
    size: str, destination: str
) -> None:
    fmt = ENVELOPES[size]
    long_text = LONG_LINE
    recipient, address, posted_from = DESTINATIONS[destination]
    address = PostalAddress(**{**address.__dict__, "street_address": long_text})
    envelope = envelope_for(
        recipient, address, posted_from, return_lines=(long_text[:100], *GROUP_ADDRESS)
    )
    page = one_page(envelope, size)
    assert page.chars
    for char in page.chars:
        assert inside(page_rect(fmt), char), char
        assert not touches(stamp_area(fmt), char), char
    assert not [g for g in graphics(page) if touches(stamp_area(fmt), g)]

    recipient_chars = [c for c in page.chars if inside(recipient_box(envelope, fmt), c)]
    return_chars = [c for c in page.chars if inside(return_box(fmt), c)]
    assert len(recipient_chars) + len(return_chars) == len(page.chars)
    # Wrapped, not cut: every word of the address is still there, in order.
    printed = "".join(rows(recipient_chars)).replace(" ", "")
    for line in envelope.recipient_lines:
        if line.upper() == long_text.upper():
            assert long_text.replace(" ", "").upper() in printed.upper()
        else:
            assert line.replace(" ", "") in printed.replace("Кому", "").replace("Куда", "")


@pytest.mark.parametrize("size", list(SIZES_MM))
@pytest.mark.parametrize("destination", list(DESTINATIONS))
def test_an_address_too_long_for_its_floor_is_refused_not_cut_or_shrunk(
    size: str, destination: str
) -> None:
    fmt = ENVELOPES[size]
    _recipient, address, posted_from = DESTINATIONS[destination]
    lines = tuple(f"Строка {number} " + "адреса " * 8 for number in range(80))
    envelope = Envelope(lines, address.country_code, posted_from, (), address.postal_code)
    with pytest.raises(DoesNotFit) as refused:
        render_envelopes([envelope], size, io.BytesIO())
    assert refused.value.what == envelopes.RECIPIENT
    assert refused.value.floor == envelopes.recipient_floor(fmt)
    # A word wider than the block at its floor is refused too: it is never broken mid-word.
    word = Envelope((LONG_WORD, "г. Москва"), address.country_code, posted_from)
    with pytest.raises(DoesNotFit):
        envelopes.check_envelope(word, fmt)


@pytest.mark.parametrize("size", list(SIZES_MM))
def test_a_return_address_too_long_for_its_floor_is_refused(size: str) -> None:
    long_return = tuple(f"Строка {number} " + "адреса " * 8 for number in range(20))
    envelope = envelope_for(*CASES["uk-hmp-from-germany"], return_lines=long_return)
    with pytest.raises(DoesNotFit) as refused:
        envelopes.check_envelope(envelope, ENVELOPES[size])
    assert refused.value.what == envelopes.RETURN
    assert refused.value.floor == envelopes.RETURN_FLOOR


@pytest.mark.parametrize("size", LETTER_SIZES)
@pytest.mark.parametrize("case", ["us-federal-from-germany", "pennsylvania-scanning-centre"])
def test_us_address_lies_in_the_read_area_and_out_of_the_barcode_zone(size: str, case: str) -> None:
    fmt = ENVELOPES[size]
    recipient, address, posted_from = CASES[case]
    long_unit = Recipient(**{**recipient.__dict__, "unit": "UNIT " + " ".join(["BLOCK"] * 15)})
    for envelope in (
        envelope_for(recipient, address, posted_from),
        envelope_for(long_unit, address, posted_from),
    ):
        page = one_page(envelope, size)
        recipient_chars = [c for c in page.chars if inside(recipient_box(envelope, fmt), c)]
        assert rows(recipient_chars)[0].startswith(envelope.recipient_lines[0][:10])
        for char in recipient_chars:
            assert inside(usps_read_area(fmt), char), char
        barcode = usps_barcode_zone(fmt)
        assert not [c for c in page.chars if touches(barcode, c)]
        assert not [g for g in graphics(page) if touches(barcode, g)]
        # The return address stays above the read area, where OCR cannot take it for the
        # destination.
        for char in page.chars:
            if char not in recipient_chars:
                assert char["y0"] >= usps_read_area(fmt).top


# --- Russian envelopes ------------------------------------------------------------------------


def test_envelope_posted_inside_russia_has_the_labels_and_the_index_stencil() -> None:
    envelope = envelope_for(*CASES["penza-sizo-inside-russia"], return_lines=MOSCOW_SENDER)
    page = one_page(envelope)
    text = "\n".join(rows(page.chars))
    for label in LABELS:
        assert label in text
    assert rows_in(page, return_box(ENVELOPES["DL"]))[:2] == [
        "От кого Петровой Ольге Ивановне",
        "Откуда ул. Ленина, д. 1, кв. 2",
    ]
    assert decode_stencil(page) == "440039"
    # The index also stays as text in the address, for people and for the OCR.
    assert "440039" in rows_in(page, recipient_box(envelope, ENVELOPES["DL"]))
    # The start mark (a bar over a thinner bar) and a bar over each of the six cells.
    stencil = index_stencil_area(ENVELOPES["DL"])
    assert len([r for r in page.rects if r["fill"] and inside(stencil, r)]) == 8


@pytest.mark.parametrize("size", list(SIZES_MM))
def test_stencil_traces_every_digit_in_its_cell(size: str) -> None:
    for code in ("012345", "678990"):
        envelope = Envelope(("Иванову Ивану", "г. Москва", code), "RU", "RU", postal_code=code)
        assert decode_stencil(one_page(envelope, size), size) == code


def test_a_code_that_is_not_six_digits_leaves_the_stencil_empty_for_the_writer() -> None:
    envelope = Envelope(("Иванову Ивану", "г. Москва", "44003"), "RU", "RU", postal_code="44003")
    page = one_page(envelope)
    assert not [line for line in page.lines if line["linewidth"] == pytest.approx(DIGIT_STROKE)]
    assert [line for line in page.lines if inside(index_stencil_area(ENVELOPES["DL"]), line)]


@pytest.mark.parametrize(
    "case",
    [
        "penza-sizo-from-germany",  # to Russia, from abroad
        "belarus-from-germany",
        "us-federal-inside-the-us",
    ],
)
def test_envelopes_not_posted_inside_russia_have_no_labels_and_no_stencil(case: str) -> None:
    envelope = envelope_for(*CASES[case])
    page = one_page(envelope)
    words = {w["text"] for w in page.extract_words()}
    assert not words & {"Кому", "Куда", "кого", "Откуда"}
    assert not [g for g in graphics(page) if touches(index_stencil_area(ENVELOPES["DL"]), g)]


def test_posted_from_russia_to_belarus_is_not_domestic() -> None:
    envelope = envelope_for(KALESNIKAVA, GOMEL_IK4, "RU")
    assert not envelopes.is_posted_inside_russia(envelope)
    assert "Кому" not in one_page(envelope).extract_text()


# --- user text is printed, never interpreted --------------------------------------------------


def test_markup_in_user_text_prints_literally_and_nothing_is_fetched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError("the renderer tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    image = '<img src="http://127.0.0.1:1/x.png"/>'
    font = '<font color="red" size="40">Anna</font> &amp; <b>Bob</b>'
    envelope = Envelope(
        recipient_lines=(f"Ivan {image} Ivanov", "HMP Brixton", "Jebb Avenue", "LONDON"),
        destination_country="GB",
        posted_from="DE",
        return_lines=(font, "Postfach 1"),
    )
    page = one_page(envelope)
    assert rows_in(page, recipient_box(envelope, ENVELOPES["DL"]))[0] == f"Ivan {image} Ivanov"
    # Wrapped at its spaces like any line, and otherwise printed as typed.
    assert " ".join(rows_in(page, return_box(ENVELOPES["DL"]))).startswith(font)
    assert not page.images
    assert attempts == []


# --- how the file is made ---------------------------------------------------------------------


def test_same_envelopes_give_the_same_bytes() -> None:
    items = [envelope_for(*case) for case in CASES.values()]
    assert render(items) == render(items)


def test_envelopes_are_drawn_as_they_arrive_not_collected_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: list[Envelope] = []
    draw = envelopes.draw_envelope

    def recording(canvas: Any, envelope: Envelope, fmt: Any) -> None:
        drawn.append(envelope)
        draw(canvas, envelope, fmt)

    monkeypatch.setattr(envelopes, "draw_envelope", recording)
    template = envelope_for(*CASES["uk-hmp-from-germany"])

    def batch() -> Iterator[Envelope]:
        for number in range(5):
            assert len(drawn) == number  # the previous envelope is on paper already
            yield template

    assert render_envelopes(batch(), "DL", io.BytesIO()) == 5


# --- geometry ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES_MM))
@pytest.mark.parametrize("case", list(CASES))
def test_zones_stay_on_the_page_and_apart(size: str, case: str) -> None:
    fmt = ENVELOPES[size]
    envelope = envelope_for(*CASES[case])
    page, stamp = page_rect(fmt), stamp_area(fmt)
    sender, addressee = return_box(fmt), recipient_box(envelope, fmt)
    stencil = index_stencil_area(fmt)
    assert stamp.width >= 40 * mm
    assert stamp.height >= 25 * mm
    assert stamp.right == pytest.approx(page.right)
    assert stamp.top == pytest.approx(page.top)
    for zone in (stamp, sender, addressee, stencil):
        assert page.contains(zone.x, zone.y, zone.right, zone.top)
        assert zone.width > 20 * mm
        assert zone.height > 10 * mm
    zones = [stamp, sender, addressee, stencil]
    for index, first in enumerate(zones):
        for second in zones[index + 1 :]:
            assert not first.overlaps(second.x, second.y, second.right, second.top)
    if envelope.destination_country == "US" and size in LETTER_SIZES:
        read = usps_read_area(fmt)
        assert read.contains(addressee.x, addressee.y, addressee.right, addressee.top)
