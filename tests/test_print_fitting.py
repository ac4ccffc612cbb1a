"""Wrap first, shrink last, never below a floor (issue 12, items 1 and 2).

The fitting routine on its own, then every output read back with pdfplumber: the size of every
character, where the blocks sit, and the refusal (naming the prisoner) when a block cannot fit.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from conftest import csrf_token, make_facility, make_prisoner
from domain_addresses import (
    FCI_DUBLIN,
    GOMEL_IK4,
    HMP_BRIXTON,
    JVA_ROSDORF,
    PA_SCANNING_CENTRE,
    PCHELINTSEV,
    PENZA_SIZO,
)
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from reportlab.lib.units import mm

from letters.addressing import PostalAddress, Recipient, recipient_block
from letters.extensions import db
from letters.printing import envelopes
from letters.printing.data import Envelope, LetterSheet, PrisonerCard
from letters.printing.envelopes import (
    Rect,
    is_letter_size,
    recipient_box,
    render_envelopes,
    return_box,
    stamp_area,
    usps_read_area,
)
from letters.printing.formats import ENVELOPES, LABEL_SHEETS, SHEETS
from letters.printing.labels import fit_label, render_labels
from letters.printing.layout import NBSP, DoesNotFit, FittedText, draw_lines, fit_lines, units
from letters.printing.pack import check_card, draw_card
from letters.printing.pdf import new_canvas
from letters.printing.sheets import render_letter_sheets

LETTER_SIZES = ("DL", "C6", "US10")
FLATS = ("C5", "C4")
EDGE_MIN = 5 * mm
TOLERANCE = 0.05  # points: rounding in the PDF's decimal coordinates

# The long-name set of issue 12: a 180-character Russian colony name, a hyphenated double
# surname, a 9-line US federal address, a 6-line return address.
COLONY_NAME = (
    "Федеральное казённое учреждение «Исправительная колония № 6 особого режима» "
    "Управления Федеральной службы исполнения наказаний по Владимирской области"
)
LONG_COLONY = PostalAddress(
    facility_name=COLONY_NAME,
    country_code="RU",
    street_address="ул. Новая, д. 1",
    city="г. Мелехово",
    country_area="Владимирская область",
    postal_code="601966",
)
DOUBLE_SURNAME = Recipient(
    family_name="Римская-Корсакова",
    given_names="Анна-Мария",
    patronymic="Александровна",
    gender="female",
    birth_year=1987,
)
US_NINE_LINES = (
    "JOHN DOE 12345-678",
    "UNIT B-2 HOUSING BLOCK WEST",
    "FEDERAL CORRECTIONAL INSTITUTION",
    "DUBLIN CAMP PARKS",
    "ATTN MAIL ROOM",
    "5701 8TH ST",
    "BUILDING 4",
    "PO BOX 1000",
    "DUBLIN CA 94568-1000",
)
SIX_LINE_RETURN = (
    "Soli-Gruppe Briefe an Gefangene",
    "c/o Buchladen Schwarze Risse",
    "Gneisenaustraße 2a",
    "Hinterhaus, 3. Stock",
    "10961 Berlin",
    "GERMANY",
)
GROUP_ADDRESS = ("Soli-Gruppe Briefe", "Postfach 12 34", "10999 Berlin", "GERMANY")

DOMAIN_CASES: dict[str, tuple[Recipient, PostalAddress, str | None]] = {
    "penza-inside-russia": (PCHELINTSEV, PENZA_SIZO, "RU"),
    "penza-from-germany": (PCHELINTSEV, PENZA_SIZO, "DE"),
    "penza-from-abroad": (PCHELINTSEV, PENZA_SIZO, None),
    "us-federal-from-germany": (
        Recipient("Doe", "John", prisoner_number="12345-678"),
        FCI_DUBLIN,
        "DE",
    ),
    "us-federal-inside-the-us": (
        Recipient("Doe", "John", prisoner_number="12345-678"),
        FCI_DUBLIN,
        "US",
    ),
    "pennsylvania": (
        Recipient("Roe", "Jane", prisoner_number="QN1234", unit="SCI Muncy"),
        PA_SCANNING_CENTRE,
        "US",
    ),
    "uk-from-germany": (Recipient("Smith", "Alex", prisoner_number="A1234BC"), HMP_BRIXTON, "DE"),
    "jva-inside-germany": (Recipient("Weber", "Lena"), JVA_ROSDORF, "DE"),
    "belarus-from-germany": (
        Recipient("Колесникова", "Мария", "Александровна", birth_year=1982),
        GOMEL_IK4,
        "DE",
    ),
    "long-colony-inside-russia": (DOUBLE_SURNAME, LONG_COLONY, "RU"),
    "long-colony-from-germany": (DOUBLE_SURNAME, LONG_COLONY, "DE"),
}


def envelope_for(case: str, return_lines: tuple[str, ...] = GROUP_ADDRESS) -> Envelope:
    recipient, address, posted_from = DOMAIN_CASES[case]
    return Envelope(
        recipient_lines=recipient_block(recipient, address, posted_from).lines,
        destination_country=address.country_code,
        posted_from=posted_from,
        return_lines=return_lines,
        postal_code=address.postal_code,
    )


@contextmanager
def opened(data: bytes) -> Iterator[list[Any]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        yield list(pdf.pages)


def envelope_page(envelope: Envelope, size: str) -> Any:
    out = io.BytesIO()
    render_envelopes([envelope], size, out)
    pdf = pdfplumber.open(io.BytesIO(out.getvalue()))
    return pdf.pages[0]


def chars_in(page: Any, rect: Rect) -> list[dict[str, Any]]:
    return [c for c in page.chars if rect.contains(c["x0"], c["y0"], c["x1"], c["y1"])]


def baselines(chars: list[dict[str, Any]]) -> set[float]:
    return {round(c["y0"], 0) for c in chars}


def assert_inside_by(page: Any, margin: float) -> None:
    """Every character and every drawn mark lies at least ``margin`` inside the page."""
    marks = [*page.chars, *page.lines, *page.rects, *page.curves]
    assert marks
    for mark in marks:
        assert mark["x0"] >= margin - TOLERANCE, mark
        assert mark["x1"] <= page.width - margin + TOLERANCE, mark
        assert mark["top"] >= margin - TOLERANCE, mark
        assert mark["bottom"] <= page.height - margin + TOLERANCE, mark


# --- the routine ------------------------------------------------------------------------------


def test_a_line_too_wide_is_wrapped_at_the_design_size_before_anything_shrinks() -> None:
    line = "ФКУ ИК-6 УФСИН России по Владимирской области " * 3
    fitted = fit_lines([line], 200, 400, max_size=12, floor=10)
    assert fitted.font_size == 12
    assert len(fitted.lines) > 1
    assert " ".join(fitted.lines) == line.strip()


def test_the_size_steps_down_only_when_the_wrapped_block_is_too_tall() -> None:
    lines = ["Строка адреса"] * 6
    fitted = fit_lines(lines, 300, 6 * 11 * 1.2, max_size=12, floor=10)
    assert fitted.font_size == 11
    assert fitted.lines == tuple(lines)


def test_a_block_that_does_not_fit_at_its_floor_is_refused_never_shrunk_below_it() -> None:
    lines = ["Строка адреса"] * 20
    with pytest.raises(DoesNotFit) as refused:
        fit_lines(lines, 300, 100, max_size=12, floor=10, what="recipient address")
    assert refused.value.floor == 10
    assert refused.value.what == "recipient address"
    assert "10 pt" in str(refused.value)


def test_a_word_wider_than_the_box_at_the_floor_is_refused_not_broken() -> None:
    with pytest.raises(DoesNotFit):
        fit_lines(["Ж" * 80], 100, 500, max_size=12, floor=8)


def test_prose_may_be_cut_with_an_ellipsis_at_its_floor_when_asked() -> None:
    fitted = fit_lines(["слово " * 400], 300, 100, max_size=16, floor=16, cut=True)
    assert fitted.font_size == 16
    assert fitted.lines[-1].endswith("…")
    assert fitted.height <= 100


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Пчелинцеву Дмитрию Дмитриевичу, 1987 г.р.", "1987 г.р."),
        ("Иванову Ивану, 1987 г. р.", "1987 г. р."),
        ("ул. Каракозова, д. 30, корп. 2, кв. 5", "д. 30,"),
        ("ул. Каракозова, д. 30, корп. 2, кв. 5", "корп. 2,"),
        ("ул. Каракозова, д. 30, корп. 2, кв. 5", "ул. Каракозова,"),
        ("г. Пенза", "г. Пенза"),
        ("Пензенская обл.", "Пензенская обл."),
        ("5701 8th St. Apt 12 Unit 7", "Apt 12"),
        ("Cell # 12 No. 5", "Cell # 12"),
        ("Box # 12", "Box # 12"),
        ("write # 12", "# 12"),
        ("Jebb Avenue London SW2 5XF", "SW2 5XF"),
        ("St. Petersburg, FL 33733-1234", "FL 33733-1234"),
        ("PO Box 33028", "PO Box 33028"),
        ("Name\u00a0A1234BC stays", "Name A1234BC"),
    ],
)
def test_non_breaking_units_are_never_split_at_any_width(text: str, unit: str) -> None:
    assert unit.replace(" ", NBSP) in units(text)
    for width in range(10, 400, 7):
        for size in (8, 10, 12):
            try:
                fitted = fit_lines([text], width, 1000, max_size=size, floor=size)
            except DoesNotFit:
                continue
            assert any(unit in line for line in fitted.lines), (width, fitted.lines)


def test_the_year_of_birth_stays_with_its_letters_on_a_narrow_envelope() -> None:
    envelope = envelope_for("penza-from-germany")
    page = envelope_page(envelope, "C6")
    text = page.extract_text()
    assert "1992 г.р." in text
    assert not re.search(r"^г\.р\.", text, re.MULTILINE)


def test_a_no_break_space_prints_as_a_space(tmp_path: Path) -> None:
    out = io.BytesIO()
    canvas = new_canvas(out, "", (300, 100))
    draw_lines(canvas, FittedText((f"JOHN{NBSP}DOE",), "PTSans", 12), 10, 90)
    canvas.showPage()
    canvas.save()
    with opened(out.getvalue()) as (page,):
        assert page.extract_text() == "JOHN DOE"
        assert NBSP not in "".join(c["text"] for c in page.chars)


# --- envelopes: floors, recipient over return -------------------------------------------------


@pytest.mark.parametrize("size", list(ENVELOPES))
@pytest.mark.parametrize("case", list(DOMAIN_CASES))
def test_recipient_block_keeps_its_floor_and_is_never_smaller_than_the_return_block(
    case: str, size: str
) -> None:
    fmt = ENVELOPES[size]
    envelope = envelope_for(case, return_lines=SIX_LINE_RETURN)
    page = envelope_page(envelope, size)
    recipient = chars_in(page, recipient_box(envelope, fmt))
    sender = chars_in(page, return_box(fmt))
    floor = 10 if size in LETTER_SIZES else 12
    labels = {c["size"] for c in recipient if c["size"] == envelopes.LABEL_SIZE}
    address_sizes = {c["size"] for c in recipient} - labels
    assert address_sizes
    assert min(address_sizes) >= floor - 0.01
    sender_sizes = {c["size"] for c in sender} - {envelopes.LABEL_SIZE}
    assert sender_sizes
    assert max(sender_sizes) <= min(address_sizes) + 0.01
    assert min(sender_sizes) >= envelopes.RETURN_FLOOR - 0.01
    assert len(recipient) + len(sender) == len(page.chars)
    for char in page.chars:
        assert not stamp_area(fmt).overlaps(char["x0"], char["y0"], char["x1"], char["y1"])


def test_an_ordinary_russian_address_on_c6_is_larger_than_the_sender() -> None:
    envelope = envelope_for("penza-from-germany")
    page = envelope_page(envelope, "C6")
    recipient = chars_in(page, recipient_box(envelope, ENVELOPES["C6"]))
    assert min(c["size"] for c in recipient) >= 10
    sender = chars_in(page, return_box(ENVELOPES["C6"]))
    assert max(c["size"] for c in sender) <= min(c["size"] for c in recipient)


def test_a_long_colony_name_on_c4_wraps_and_stays_at_least_12_pt() -> None:
    envelope = envelope_for("long-colony-from-germany")
    page = envelope_page(envelope, "C4")
    recipient = chars_in(page, recipient_box(envelope, ENVELOPES["C4"]))
    assert min(c["size"] for c in recipient) >= 12
    # More printed rows than address lines: the 180-character name was wrapped, not shrunk.
    assert len(baselines(recipient)) > len(envelope.recipient_lines)
    assert COLONY_NAME.replace(" ", "") in "".join(c["text"] for c in recipient).replace(" ", "")


# --- envelopes: geometry per size -------------------------------------------------------------


def test_letter_size_is_dl_c6_and_us10_and_flats_are_c5_and_c4() -> None:
    assert [code for code, fmt in ENVELOPES.items() if is_letter_size(fmt)] == [
        "DL",
        "C6",
        "US10",
    ]


@pytest.mark.parametrize("size", FLATS)
@pytest.mark.parametrize(
    "case", ["us-federal-from-germany", "pennsylvania", "uk-from-germany", "penza-from-germany"]
)
def test_on_a_flat_the_recipient_block_is_centred_not_pinned_to_the_read_strip(
    case: str, size: str
) -> None:
    fmt = ENVELOPES[size]
    envelope = envelope_for(case)
    page = envelope_page(envelope, size)
    recipient = chars_in(page, recipient_box(envelope, fmt))
    assert len(recipient) == len(page.chars) - len(chars_in(page, return_box(fmt)))
    left = min(c["x0"] for c in recipient)
    right = max(c["x1"] for c in recipient)
    bottom = min(c["y0"] for c in recipient)
    top = max(c["y1"] for c in recipient)
    width, height = fmt.size
    assert (left + right) / 2 == pytest.approx(width / 2, abs=1 * mm)
    assert (bottom + top) / 2 == pytest.approx(height / 2, abs=2 * mm)
    # Nowhere near the letter-size read strip's top (69.9 mm): that strip is for letters.
    assert bottom > usps_read_area(fmt).top or size == "C5"
    assert not [
        c for c in page.chars if stamp_area(fmt).overlaps(c["x0"], c["y0"], c["x1"], c["y1"])
    ]


@pytest.mark.parametrize("size", LETTER_SIZES)
def test_us_mail_on_letter_size_stays_in_the_read_area(size: str) -> None:
    fmt = ENVELOPES[size]
    envelope = envelope_for("us-federal-from-germany")
    assert usps_read_area(fmt).contains(
        *(lambda r: (r.x, r.y, r.right, r.top))(recipient_box(envelope, fmt))
    )


def test_the_russian_form_keeps_its_place_bottom_right_on_a_flat() -> None:
    envelope = envelope_for("penza-inside-russia")
    fmt = ENVELOPES["C4"]
    assert not envelopes.is_centred(envelope, fmt)
    assert recipient_box(envelope, fmt).right == pytest.approx(fmt.size[0] - envelopes.EDGE)


def test_a_too_long_recipient_falls_back_to_the_facility_short_name() -> None:
    long = Envelope(("Иванову Ивану", "ФКУ " + "Ж" * 60, "г. Пенза"), "RU", "DE")
    with pytest.raises(DoesNotFit):
        envelopes.check_envelope(long, ENVELOPES["DL"])
    short = Envelope(
        long.recipient_lines,
        "RU",
        "DE",
        short_recipient_lines=("Иванову Ивану", "СИЗО-1", "г. Пенза"),
    )
    fit = envelopes.check_envelope(short, ENVELOPES["DL"])
    assert fit.recipient_lines == short.short_recipient_lines
    out = io.BytesIO()
    render_envelopes([short], "DL", out)
    with opened(out.getvalue()) as (page,):
        assert "СИЗО-1" in page.extract_text()


# --- every mark 5 mm inside the sheet ---------------------------------------------------------


@pytest.mark.parametrize("size", list(SHEETS))
@pytest.mark.parametrize("fold", list(ENVELOPES))
def test_fold_ticks_and_everything_on_a_letter_sheet_are_5_mm_inside(size: str, fold: str) -> None:
    out = io.BytesIO()
    sheet = LetterSheet(header_name="Иванову Ивану, 1987 г.р.", fold_for=fold, reply_sheet=True)
    render_letter_sheets([sheet], size, out)
    with opened(out.getvalue()) as pages:
        for page in pages:
            assert_inside_by(page, EDGE_MIN)


@pytest.mark.parametrize("size", list(ENVELOPES))
@pytest.mark.parametrize("case", ["penza-inside-russia", "us-federal-from-germany"])
def test_everything_on_an_envelope_is_5_mm_inside(case: str, size: str) -> None:
    assert_inside_by(envelope_page(envelope_for(case), size), EDGE_MIN)


@pytest.mark.parametrize("sheet", list(LABEL_SHEETS))
def test_label_text_is_5_mm_inside_the_sheet(sheet: str) -> None:
    spec = LABEL_SHEETS[sheet]
    out = io.BytesIO()
    render_labels([("JOHN DOE", "PO BOX 1000", "DUBLIN CA 94568")] * spec.per_sheet, sheet, 1, out)
    with opened(out.getvalue()) as (page,):
        assert_inside_by(page, EDGE_MIN)


# --- labels and cards -------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(DOMAIN_CASES))
def test_labels_print_at_8_pt_or_larger_or_are_refused(case: str) -> None:
    block = envelope_for(case).recipient_lines
    for sheet in LABEL_SHEETS:
        try:
            fitted = fit_label(block, sheet)
        except DoesNotFit:
            continue
        assert fitted.font_size >= 8
        out = io.BytesIO()
        render_labels([block], sheet, 1, out)
        with opened(out.getvalue()) as (page,):
            assert min(c["size"] for c in page.chars) >= 8


def test_an_ordinary_russian_address_fits_an_l7160_label_but_not_a_5160_at_8_pt() -> None:
    block = envelope_for("penza-from-germany").recipient_lines
    assert fit_label(block, "L7160").font_size >= 8
    with pytest.raises(DoesNotFit):
        fit_label(block, "5160")
    with pytest.raises(DoesNotFit):
        fit_label(US_NINE_LINES, "5160")


def test_everything_on_a_large_print_card_is_16_pt_and_the_name_24_pt() -> None:
    card = PrisonerCard(
        name="Анна-Мария Римская-Корсакова",
        address_lines=envelope_for("long-colony-from-germany").recipient_lines,
        bio="Любит книги по истории и шахматы. " * 60,
        languages=("Russian", "English"),
        allowances=(("Photos", "allowed"), ("Blank paper", "not allowed")),
        restrictions="Letters only in Russian.",
    )
    out = io.BytesIO()
    canvas = new_canvas(out, "", SHEETS["A4"].size)
    draw_card(canvas, card, SHEETS["A4"])
    canvas.save()
    with opened(out.getvalue()) as (page,):
        name = [c for c in page.chars if c["top"] < 40 * mm]
        assert min(c["size"] for c in name) >= 24 - 0.01
        assert min(c["size"] for c in page.chars) >= 16 - 0.01
        assert_inside_by(page, EDGE_MIN)


def test_a_card_whose_address_cannot_fit_at_16_pt_is_refused() -> None:
    card = PrisonerCard(name="Иван Иванов", address_lines=tuple(f"Строка {n}" for n in range(40)))
    with pytest.raises(DoesNotFit):
        check_card(card, SHEETS["A4"])


# --- refusals naming the prisoner -------------------------------------------------------------

UNPRINTABLE_NAME = "ФКУ " + "Ж" * 80  # one word wider than any envelope at its floor


@pytest.fixture
def unfit(app: Flask) -> int:
    """A listed prisoner whose facility name cannot print at a readable size."""
    prisoner = make_prisoner(make_facility(name=UNPRINTABLE_NAME))
    db.session.commit()
    return prisoner.id


def test_the_web_envelope_is_refused_with_422_naming_the_prisoner_and_the_fix(
    client: FlaskClient, unfit: int
) -> None:
    response = client.get(f"/prisoners/{unfit}/envelope.pdf?size=DL&from=DE&return=none")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Дмитрий Дмитриевич Пчелинцев" in html
    assert "short name for labels" in html
    assert "C5 or C4" in html


def test_with_a_short_name_for_labels_the_envelope_prints(
    app: Flask, client: FlaskClient, unfit: int
) -> None:
    from letters.models import Prisoner

    prisoner = db.session.get(Prisoner, unfit)
    assert prisoner is not None
    assert prisoner.facility is not None
    prisoner.facility.label_name = "СИЗО-1 Пенза"
    db.session.commit()
    response = client.get(f"/prisoners/{unfit}/envelope.pdf?size=DL&from=DE&return=none")
    assert response.status_code == 200
    with opened(response.data) as (page,):
        assert "СИЗО-1 Пенза" in page.extract_text()


def test_the_cli_refuses_a_batch_naming_everyone_and_writes_nothing(
    runner: FlaskCliRunner, tmp_path: Path, unfit: int
) -> None:
    other = make_prisoner(
        make_facility(name=UNPRINTABLE_NAME, postal_code="440000"),
        family_name="Кулик",
        given_names="Анна",
    )
    db.session.commit()
    out = tmp_path / "envelopes.pdf"
    result = runner.invoke(
        args=[
            "print",
            "envelopes",
            "--from",
            "DE",
            "--prisoner",
            str(unfit),
            "--prisoner",
            str(other.id),
            "--out",
            str(out),
        ]
    )
    assert result.exit_code != 0
    assert "Пчелинцев" in result.stderr
    assert "Кулик" in result.stderr
    assert "Nothing was written" in result.stderr
    assert not out.exists()
    assert not list(tmp_path.iterdir())


def test_the_pack_on_5160_labels_is_refused_naming_every_russian_address(
    client: FlaskClient, auth: Any, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    penza = make_facility()
    ids = [
        make_prisoner(penza).id,
        make_prisoner(penza, family_name="Кулик", given_names="Анна", patronymic="").id,
    ]
    db.session.commit()
    auth.create_and_login()
    response = client.post(
        "/manage/print/pack",
        data={
            "csrf_token": csrf_token(client, "/manage/print/pack"),
            "prisoner_ids": [str(i) for i in ids],
            "envelopes": "1",
            "size": "DL",
            "from": "DE",
            "return_choice": "none",
            "label_sheet": "5160",
            "start_at": "1",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Пчелинцев" in html
    assert "Кулик" in html
    assert "5160 label" in html

    out = tmp_path / "pack.zip"
    result = runner.invoke(
        args=["print", "pack", "--from", "DE", "--labels", "5160", "--out", str(out)]
    )
    assert result.exit_code != 0
    assert "Кулик" in result.stderr
    assert not out.exists()


def test_labels_in_the_pack_use_the_short_name_and_envelopes_the_full_one(
    client: FlaskClient, auth: Any
) -> None:
    penza = make_facility(label_name="СИЗО-1 г. Пенза")
    prisoner_id = make_prisoner(penza).id
    db.session.commit()
    auth.create_and_login()
    response = client.post(
        "/manage/print/pack",
        data={
            "csrf_token": csrf_token(client, "/manage/print/pack"),
            "prisoner_ids": [str(prisoner_id)],
            "envelopes": "1",
            "size": "DL",
            "from": "DE",
            "return_choice": "none",
            "label_sheet": "L7160",
            "start_at": "1",
        },
    )
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        envelopes = archive.read("2-envelopes-DL.pdf")
        labels = archive.read("3-labels-L7160-A4.pdf")
    with opened(envelopes) as pages:
        assert "СИЗО-1 УФСИН России" in pages[0].extract_text()
    with opened(labels) as pages:
        assert "СИЗО-1 г. Пенза" in pages[0].extract_text()
        assert "УФСИН" not in pages[0].extract_text()


def test_the_facility_form_keeps_a_short_name_for_labels(
    app: Flask, client: FlaskClient, auth: Any
) -> None:
    from test_facilities import PENZA, facilities

    auth.create_and_login()
    token = csrf_token(client, "/manage/facilities/new")
    response = client.post(
        "/manage/facilities/new",
        data={**PENZA, "label_name": "СИЗО-1 г. Пенза", "csrf_token": token},
    )
    assert response.status_code == 302
    (facility,) = facilities(app)
    assert facility.label_name == "СИЗО-1 г. Пенза"
    html = client.get(f"/manage/facilities/{facility.id}/edit").get_data(as_text=True)
    assert "Short name for labels" in html
    assert 'value="СИЗО-1 г. Пенза"' in html
