"""The letter-writing evening pack: cards, envelopes and labels in paper runs (one PDF per
paper, in a zip) to print."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

import pdfplumber
import pytest
from pdfplumber.page import Page
from pypdf import PdfReader

from letters.printing import pack as pack_module
from letters.printing.data import Envelope, EveningPack, Handout, PrisonerCard
from letters.printing.formats import ENVELOPES, LABEL_SHEETS
from letters.printing.pack import RUNS, pack_run, paper_runs, render_pack_zip

MM = 72 / 25.4
TOLERANCE_MM = 0.5

RUSSIAN_ADDRESS = (
    "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.",
    "ФКУ СИЗО-1 УФСИН России по Пензенской области",
    "ул. Каракозова, 30",
    "г. Пенза",
    "Пензенская область",
    "440039",
    "RUSSIA",
)
US_ADDRESS = ("JOHN DOE 12345-678", "FCI DUBLIN", "PO BOX 1000", "DUBLIN CA 94568-1000")

RUSSIAN_CARD = PrisonerCard(
    name="Дмитрий Пчелинцев",
    address_lines=RUSSIAN_ADDRESS,
    bio="Антифашист из Пензы. Любит книги по истории и шахматы.",
    languages=("Russian",),
    allowances=(("Photos", "allowed"), ("Blank paper", "allowed")),
    restrictions="Letters only in Russian.",
)
US_CARD = PrisonerCard(
    name="John Doe",
    address_lines=US_ADDRESS,
    bio="Writes poetry.",
    languages=("English", "Spanish"),
    allowances=(("Photos", "up to 3, 4×6 in"), ("Blank paper", "not allowed")),
)
RUSSIAN_ENVELOPE = Envelope(RUSSIAN_ADDRESS, "RU", "DE", postal_code="440039")
US_ENVELOPE = Envelope(US_ADDRESS, "US", "DE")


@pytest.fixture
def canvases(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every canvas the pack renderer starts, recorded (and still created)."""
    started: list[object] = []
    real = pack_module.new_canvas

    def recording(*args: Any, **kwargs: Any) -> Any:
        started.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(pack_module, "new_canvas", recording)
    return started


def evening(**changes: Any) -> EveningPack:
    pack = EveningPack(
        cards=(RUSSIAN_CARD, US_CARD),
        envelopes=(RUSSIAN_ENVELOPE, RUSSIAN_ENVELOPE, US_ENVELOPE, US_ENVELOPE),
        envelope_size="DL",
        labels=(RUSSIAN_ADDRESS, US_ADDRESS),
        label_sheet="L7160",
        start_at_label=1,
        card_sheet="A4",
    )
    return replace(pack, **changes)


@contextmanager
def rendered(pack: EveningPack) -> Iterator[list[Page]]:
    """Every page of the pack's paper runs, in printing order (cards, envelopes, labels)."""
    with ExitStack() as stack:
        pages: list[Page] = []
        for run in paper_runs(pack):
            out = io.BytesIO()
            count = run.render(out)
            pdf = stack.enter_context(pdfplumber.open(io.BytesIO(out.getvalue())))
            assert len(pdf.pages) == count
            pages.extend(pdf.pages)
        yield pages


def size_mm(page: Page) -> tuple[float, float]:
    return page.width / MM, page.height / MM


def assert_size(page: Page, width_mm: float, height_mm: float) -> None:
    width, height = size_mm(page)
    assert width == pytest.approx(width_mm, abs=TOLERANCE_MM)
    assert height == pytest.approx(height_mm, abs=TOLERANCE_MM)


def assert_chars_inside(page: Page) -> None:
    for char in page.chars:
        assert 0 <= char["x0"] <= char["x1"] <= page.width, char["text"]
        assert 0 <= char["top"] <= char["bottom"] <= page.height, char["text"]


def test_pack_holds_cards_then_envelopes_then_labels_each_on_its_paper() -> None:
    with rendered(evening()) as pages:
        assert len(pages) == 2 + 4 + 1
        cards, envelopes, labels = pages[:2], pages[2:6], pages[6:]
        for page in cards + labels:
            assert_size(page, 210, 297)
        dl = ENVELOPES["DL"]
        for page in envelopes:
            assert_size(page, dl.width_mm, dl.height_mm)  # landscape
        assert "Дмитрий Пчелинцев" in cards[0].extract_text()
        assert "John Doe" in cards[1].extract_text()
        assert "FCI DUBLIN" in envelopes[3].extract_text()
        assert "Пензенская область" in labels[0].extract_text()
        for page in pages:
            assert_chars_inside(page)


@pytest.mark.parametrize(
    ("labels", "start_at", "label_pages"), [(2, 1, 1), (21, 1, 1), (22, 1, 2), (2, 21, 2)]
)
def test_page_count_is_cards_plus_envelopes_plus_label_sheets(
    labels: int, start_at: int, label_pages: int
) -> None:
    pack = evening(labels=(US_ADDRESS,) * labels, start_at_label=start_at)
    with rendered(pack) as pages:
        assert len(pages) == len(pack.cards) + len(pack.envelopes) + label_pages


def test_us_letter_pack_with_us10_envelopes_and_5160_labels() -> None:
    # The Russian address does not fit a 1-inch 5160 label at 8 pt (test_print_labels).
    pack = evening(
        envelopes=(US_ENVELOPE,),
        envelope_size="US10",
        labels=(US_ADDRESS,),
        label_sheet="5160",
        card_sheet="LETTER",
    )
    with rendered(pack) as pages:
        card, _other_card, envelope, labels = pages
        assert_size(card, 215.9, 279.4)
        assert_size(envelope, 241.3, 104.8)
        assert_size(labels, 215.9, 279.4)


def test_card_shows_name_address_languages_allowances_restrictions_and_bio_in_cyrillic() -> None:
    with rendered(evening()) as pages:
        lines = pages[0].extract_text().splitlines()
        assert lines[0] == "Дмитрий Пчелинцев"
        # The address exactly as it is printed on the envelope, line by line, in order.
        start = lines.index(RUSSIAN_ADDRESS[0])
        assert tuple(lines[start : start + len(RUSSIAN_ADDRESS)]) == RUSSIAN_ADDRESS
        text = "\n".join(lines)
        for expected in (
            "Languages",
            "Russian",
            "The facility allows",
            "Photos: allowed",
            "Blank paper: allowed",
            "Restrictions",
            "Letters only in Russian.",
            "About",
            "Антифашист из Пензы. Любит книги по истории и шахматы.",
        ):
            assert expected in text


def test_card_name_is_printed_large() -> None:
    with rendered(evening()) as pages:
        name_chars = [c for c in pages[0].chars if c["top"] < 40 * MM]
        assert min(char["size"] for char in name_chars) >= 22
        body = [c for c in pages[0].chars if c["text"] == "П" and c["top"] > 40 * MM]
        assert body
        assert min(char["size"] for char in body) >= 13  # large print, not 10 pt


def test_a_long_bio_is_cut_with_an_ellipsis_and_nothing_leaves_the_card() -> None:
    long_card = replace(
        RUSSIAN_CARD,
        name="Жжжжжж " * 8,
        address_lines=(*RUSSIAN_ADDRESS, "Шшшш " * 20),
        bio="Любит книги по истории и шахматы. " * 400,
        restrictions="Нельзя. " * 200,
        allowances=tuple((f"Пункт {n}", "можно") for n in range(40)),
    )
    with rendered(evening(cards=(long_card,))) as pages:
        card = pages[0]
        assert_chars_inside(card)
        text = card.extract_text()
        assert text.rstrip().endswith("…")
        margin = 20 * MM - 0.5 * MM
        for char in card.chars:
            assert margin <= char["x0"] <= char["x1"] <= card.width - margin
            assert margin <= char["top"] <= char["bottom"] <= card.height - margin


def test_markup_on_a_card_is_printed_literally() -> None:
    markup = '<img src="http://127.0.0.1:1/x.png"/>'
    card = replace(US_CARD, name=f"<b>{US_CARD.name}</b>", bio=markup, restrictions="<br/>&amp;")
    with rendered(evening(cards=(card,), envelopes=())) as pages:
        text = pages[0].extract_text()
        assert f"<b>{US_CARD.name}</b>" in text
        assert markup in text
        assert "<br/>&amp;" in text


def test_empty_sections_are_left_out() -> None:
    bare = PrisonerCard(name="Jane Doe", address_lines=("JANE DOE", "HMP BRIXTON"))
    with rendered(evening(cards=(bare,), envelopes=(), labels=())) as pages:
        (page,) = pages
        text = page.extract_text()
        for heading in ("Languages", "The facility allows", "Restrictions", "About"):
            assert heading not in text
        assert "HMP BRIXTON" in text


@pytest.mark.parametrize(
    "changes",
    [
        {"start_at_label": 22},
        {"start_at_label": 0},
        {"label_sheet": "L7163"},
        {"envelope_size": "B4"},
        {"card_sheet": "A5"},
    ],
)
def test_bad_choices_are_refused_before_anything_is_written(
    changes: dict[str, Any], canvases: list[object]
) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies with the choice
        paper_runs(evening(**changes))  # what the page and the CLI call before rendering
    # Refused before a canvas exists, so not one page was started (ReportLab writes no
    # bytes before save(), so an empty output would prove nothing).
    assert canvases == []


def test_labels_start_at_the_first_free_label() -> None:
    spec = LABEL_SHEETS["L7160"]
    with rendered(evening(start_at_label=4)) as pages:
        labels = pages[-1]
        # Label 4 is the first of the second row.
        top = (spec.top_margin_mm + spec.row_pitch_mm) * MM
        bottom = top + spec.label_height_mm * MM
        left = spec.left_margin_mm * MM
        inside = labels.within_bbox((left, top, left + spec.label_width_mm * MM, bottom))
        # The name line wraps (after "Дмитриевичу,") rather than shrinking below 10 pt.
        assert " ".join(inside.extract_text().splitlines()[:2]) == RUSSIAN_ADDRESS[0]
        first_row = labels.crop((0, 0, labels.width, top))
        assert first_row.chars == []


# --- paper runs -------------------------------------------------------------------------------

HANDOUT = Handout(
    language="ru",
    language_name="Russian",
    summary_title="Before you write",
    summary=("• Keep it short and warm.",),
    template=("Здравствуйте!",),
    meaning=("Hello!",),
)


def zipped(pack: EveningPack) -> dict[str, bytes]:
    out = io.BytesIO()
    names = render_pack_zip(pack, out, today=date(2026, 2, 5))
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.namelist() == names
        for entry in archive.infolist():
            assert entry.date_time == (2026, 2, 5, 0, 0, 0)  # the day, never the time of day
        return {name: archive.read(name) for name in names}


def media_boxes_mm(data: bytes) -> list[tuple[float, float]]:
    return [
        (float(page.mediabox.width) / MM, float(page.mediabox.height) / MM)
        for page in PdfReader(io.BytesIO(data)).pages
    ]


@pytest.mark.parametrize(
    ("changes", "files"),
    [
        (
            {},
            {
                "0-handout-ru-A4.pdf": (1, (210, 297)),
                "1-cards-A4.pdf": (2, (210, 297)),
                "2-envelopes-DL.pdf": (4, (220, 110)),
                "3-labels-L7160-A4.pdf": (1, (210, 297)),
            },
        ),
        (
            {
                "envelope_size": "US10",
                # Cards on Letter, labels on A4: a pack built by hand (the services put both
                # on one paper); 5160 labels cannot hold these Russian addresses at 8 pt.
                "label_sheet": "L7160",
                "card_sheet": "LETTER",
                "label_outlines": True,
                "handouts": (HANDOUT, replace(HANDOUT, language="en", meaning=())),
            },
            {
                "0-handout-ru-Letter.pdf": (1, (215.9, 279.4)),
                "0-handout-en-Letter.pdf": (1, (215.9, 279.4)),
                "1-cards-Letter.pdf": (2, (215.9, 279.4)),
                "2-envelopes-US10.pdf": (4, (241.3, 104.8)),
                "3-labels-L7160-A4-outlines.pdf": (1, (210, 297)),
            },
        ),
        (
            {"envelopes": (), "handouts": ()},
            {"1-cards-A4.pdf": (2, (210, 297)), "3-labels-L7160-A4.pdf": (1, (210, 297))},
        ),
    ],
)
def test_the_zip_holds_one_pdf_per_paper_run_each_named_for_its_paper(
    changes: dict[str, Any], files: dict[str, tuple[int, tuple[float, float]]]
) -> None:
    pdfs = zipped(evening(**{"handouts": (HANDOUT,), **changes}))

    assert list(pdfs) == list(files)
    for name, (pages, paper) in files.items():
        boxes = media_boxes_mm(pdfs[name])
        assert len(boxes) == pages, name
        for box in boxes:
            assert box == pytest.approx(paper, abs=TOLERANCE_MM), name


def test_each_run_alone_is_the_file_the_zip_holds() -> None:
    pack = evening(handouts=(HANDOUT,))
    pdfs = zipped(pack)
    for kind in RUNS[1:]:
        run = pack_run(pack, kind)
        assert run is not None
        out = io.BytesIO()
        run.render(out)
        assert out.getvalue() == pdfs[run.filename]  # reproducible bytes, the same PDF


def test_an_empty_run_is_none_and_an_unknown_one_an_error() -> None:
    assert pack_run(evening(envelopes=()), "envelopes") is None
    assert pack_run(evening(), "handouts") is None
    with pytest.raises(ValueError, match="unknown paper run 'posters'"):
        pack_run(evening(), "posters")


@pytest.mark.parametrize(
    "changes",
    [
        {"start_at_label": 22},
        {"label_sheet": "L7163"},
        {"envelope_size": "B4"},
        {"card_sheet": "A5"},
        {"handouts": (HANDOUT, HANDOUT)},
    ],
)
def test_a_zip_that_cannot_print_is_refused_before_a_page_is_drawn(
    changes: dict[str, Any], canvases: list[object]
) -> None:
    out = io.BytesIO()
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies with the choice
        render_pack_zip(evening(**changes), out)
    assert out.getvalue() == b""
