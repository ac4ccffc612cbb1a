"""Letter sheets, read back from the PDF as a person (or a censor) would read them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pdfplumber
import pytest
from pdfplumber.page import Page

from letters.printing import sheets as sheets_module
from letters.printing.data import LetterSheet
from letters.printing.sheets import count_pages, render_letter_sheets

MM = 72 / 25.4  # points per millimetre
PAPER_MM = {"A4": (210, 297), "LETTER": (215.9, 279.4)}
TOLERANCE_MM = 0.5

NAME = "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р."
NUMBER = "A1234BC"
RUSSIAN = (
    "Здравствуйте, Дмитрий!\n"
    "\n"
    "Меня зовут Анна, я живу в Берлине. Пишу вам впервые.\n"
    "\n"
    "Надеюсь, письмо застанет вас в добром здравии. Расскажите, что вы сейчас читаете?\n"
    "\n"
    "С теплом,\n"
    "Анна."
)


@pytest.fixture
def canvases(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every canvas the sheets renderer starts, recorded (and still created)."""
    started: list[object] = []
    real = sheets_module.new_canvas

    def recording(*args: Any, **kwargs: Any) -> Any:
        started.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(sheets_module, "new_canvas", recording)
    return started


def long_text(paragraphs: int) -> str:
    """Numbered paragraphs of several lines each, so losing or repeating a line shows."""
    return "\n\n".join(
        " ".join(f"слово{p}-{w}" for w in range(60)) + f" конец абзаца {p}."
        for p in range(paragraphs)
    )


@contextmanager
def rendered(sheets: list[LetterSheet], size: str = "A4") -> Iterator[list[Page]]:
    out = io.BytesIO()
    count = render_letter_sheets(sheets, size, out)
    with pdfplumber.open(io.BytesIO(out.getvalue())) as pdf:
        assert len(pdf.pages) == count
        yield list(pdf.pages)


def body_text(page: Page) -> str:
    """The page's text below the header."""
    return page.crop((0, 20 * MM, page.width, page.height)).extract_text()


def header_text(page: Page) -> str:
    return page.crop((0, 0, page.width, 20 * MM)).extract_text()


def assert_chars_inside(page: Page) -> None:
    for char in page.chars:
        assert 0 <= char["x0"] <= char["x1"] <= page.width, char["text"]
        assert 0 <= char["top"] <= char["bottom"] <= page.height, char["text"]


def fold_ticks(page: Page) -> tuple[list[float], list[float]]:
    """Positions (mm, from the top or left edge) of the short ticks drawn at the page edges."""
    edge = 13 * MM  # the ticks end 12 mm in (sheets.TICK_TO)
    across = sorted(
        line["top"] / MM
        for line in page.lines
        if line["top"] == line["bottom"] and (line["x1"] <= edge or line["x0"] >= page.width - edge)
    )
    down = sorted(
        line["x0"] / MM
        for line in page.lines
        if line["x0"] == line["x1"]
        and (line["bottom"] <= edge or line["top"] >= page.height - edge)
    )
    return across, down


def rules(page: Page) -> list[dict]:
    """The long horizontal lines ruled for handwriting."""
    return [
        line
        for line in page.lines
        if line["top"] == line["bottom"] and line["x1"] - line["x0"] > 100 * MM
    ]


@pytest.mark.parametrize("size", ["A4", "LETTER"])
def test_every_page_has_the_size_of_its_format(size: str) -> None:
    sheets = [LetterSheet(NAME, text=long_text(20), reply_sheet=True), LetterSheet(NAME)]
    with rendered(sheets, size) as pages:
        assert len(pages) > 3
        width_mm, height_mm = PAPER_MM[size]
        for page in pages:
            assert page.width / MM == pytest.approx(width_mm, abs=TOLERANCE_MM)
            assert page.height / MM == pytest.approx(height_mm, abs=TOLERANCE_MM)


def test_long_text_spreads_over_pages_each_with_name_number_and_page_n_of_m() -> None:
    text = long_text(25)
    with rendered([LetterSheet(NAME, NUMBER, text)]) as pages:
        assert len(pages) >= 3
        for number, page in enumerate(pages, start=1):
            header = header_text(page)
            assert NAME in header
            assert NUMBER in header
            assert f"page {number} of {len(pages)}" in header
        # Every word arrives once, in order: nothing lost or repeated at a page break.
        words = " ".join(body_text(page) for page in pages).split()
        assert words == text.split()


@pytest.mark.parametrize("size", ["A4", "LETTER"])
@pytest.mark.parametrize("paragraphs", [0, 1, 6, 7, 8, 13, 14, 15, 40])
@pytest.mark.parametrize("reply_sheet", [False, True])
def test_count_pages_agrees_with_the_rendered_pdf(
    size: str, paragraphs: int, reply_sheet: bool
) -> None:
    sheet = LetterSheet(NAME, text=long_text(paragraphs), reply_sheet=reply_sheet)
    with rendered([sheet], size) as pages:
        assert count_pages(sheet, size) == len(pages)


@pytest.mark.parametrize("size", ["A4", "LETTER"])
@pytest.mark.parametrize("lines", [38, 39, 40, 41, 42, 43, 44, 78, 79, 85, 86])
@pytest.mark.parametrize("separator", ["\n", "\n\n"])
def test_count_pages_agrees_at_page_breaks(size: str, lines: int, separator: str) -> None:
    # Short lines walk the page break one line at a time; with blank lines between them, a
    # blank line also falls on the break (39 lines on Letter), where it must not open a page.
    text = separator.join(f"Строка {n}" for n in range((lines + 1) // len(separator)))
    sheet = LetterSheet(NAME, text=text)
    with rendered([sheet], size) as pages:
        assert count_pages(sheet, size) == len(pages)
        words = " ".join(body_text(page) for page in pages).split()
        assert words == text.split()
        for page in pages:
            assert body_text(page).strip(), "no page is left without text"


@pytest.mark.parametrize("ruled_pages", [1, 3])
def test_count_pages_of_ruled_sheets(ruled_pages: int) -> None:
    sheet = LetterSheet(NAME, ruled_pages=ruled_pages, reply_sheet=True)
    with rendered([sheet]) as pages:
        assert count_pages(sheet, "A4") == len(pages) == ruled_pages + 1


def test_cyrillic_text_is_extracted_exactly_with_its_line_breaks() -> None:
    with rendered([LetterSheet(NAME, NUMBER, RUSSIAN)]) as pages:
        (page,) = pages
        expected = [line for line in RUSSIAN.splitlines() if line]
        assert body_text(page).splitlines() == expected
        assert f"{NAME} · no. {NUMBER}" in header_text(page)


def test_every_character_stays_inside_the_page() -> None:
    sheets = [
        LetterSheet("Ж" * 300, "9" * 80, long_text(10) + "\n\n" + "Щ" * 500, fold_for="C6"),
        LetterSheet(NAME, NUMBER, reply_sheet=True),
    ]
    for size in PAPER_MM:
        with rendered(sheets, size) as pages:
            for page in pages:
                assert_chars_inside(page)


def test_a_long_name_never_runs_into_the_page_number() -> None:
    with rendered([LetterSheet("Ж" * 300, "9" * 80, "Привет")]) as pages:
        (page,) = pages
        words = page.crop((0, 0, page.width, 20 * MM)).extract_words()
        page_word = next(word for word in words if word["text"] == "page")
        name_chars = [char for char in page.chars if char["text"] in "Ж9…"]
        assert name_chars
        assert max(char["x1"] for char in name_chars) < page_word["x0"]


@pytest.mark.parametrize(
    ("size", "envelope", "across", "down"),
    [
        ("A4", "DL", [297 / 3, 297 * 2 / 3], []),
        ("LETTER", "US10", [279.4 / 3, 279.4 * 2 / 3], []),
        ("A4", "C5", [297 / 2], []),
        # C6: in half across, then in half the other way (twice across would be too wide).
        ("A4", "C6", [297 / 2], [210 / 2]),
        ("A4", "C4", [], []),
        ("A4", None, [], []),
    ],
)
def test_fold_marks_sit_where_the_sheet_is_folded_for_its_envelope(
    size: str, envelope: str | None, across: list[float], down: list[float]
) -> None:
    sheet = LetterSheet(NAME, NUMBER, long_text(12), fold_for=envelope)
    with rendered([sheet], size) as pages:
        assert len(pages) > 1
        for page in pages:
            ticks_across, ticks_down = fold_ticks(page)
            # One tick at each edge per fold.
            assert ticks_across == pytest.approx(sorted(across + across), abs=TOLERANCE_MM)
            assert ticks_down == pytest.approx(sorted(down + down), abs=TOLERANCE_MM)
            # Outside the text area: no character is drawn level with a tick at the edges.
            for char in page.chars:
                assert 12 * MM < char["x0"] <= char["x1"] < page.width - 12 * MM


def test_ruled_lines_for_handwriting_when_there_is_no_text() -> None:
    with rendered([LetterSheet(NAME, NUMBER, ruled_pages=2)], "LETTER") as pages:
        assert len(pages) == 2
        for number, page in enumerate(pages, start=1):
            assert len(rules(page)) >= 20
            assert f"page {number} of 2" in header_text(page)
            assert body_text(page) == ""


def test_typed_text_has_no_ruled_lines() -> None:
    with rendered([LetterSheet(NAME, text=RUSSIAN)]) as pages:
        assert rules(pages[0]) == []


def test_reply_sheet_follows_the_letter_and_is_not_counted_as_a_letter_page() -> None:
    with rendered([LetterSheet(NAME, NUMBER, long_text(9), reply_sheet=True)]) as pages:
        *letter, reply = pages
        assert len(letter) >= 2
        assert f"page {len(letter)} of {len(letter)}" in header_text(letter[-1])
        assert "A blank sheet for your reply is enclosed." in letter[-1].extract_text()
        assert "enclosed" not in letter[0].extract_text()
        # The reply sheet still carries the name and number: the censor separates pages.
        assert NAME in header_text(reply)
        assert NUMBER in header_text(reply)
        assert "Paper for your reply" in header_text(reply)
        assert "page" not in header_text(reply)
        assert len(rules(reply)) >= 20


def test_no_reply_sheet_unless_asked() -> None:
    with rendered([LetterSheet(NAME, text=RUSSIAN)]) as pages:
        assert len(pages) == 1
        assert "reply" not in pages[0].extract_text()


def test_markup_in_user_text_is_printed_literally() -> None:
    markup = '<img src="http://127.0.0.1:1/x.png"/> <b>bold</b> &amp; <font size=40>x</font>'
    with rendered([LetterSheet(f"<i>{NAME}</i>", "<br/>", markup)]) as pages:
        (page,) = pages
        assert body_text(page) == markup
        assert f"<i>{NAME}</i> · no. <br/>" in header_text(page)


def test_an_empty_letter_still_prints_one_page_with_its_header() -> None:
    sheet = LetterSheet(NAME, NUMBER, text="\n\n  \n")
    with rendered([sheet]) as pages:
        assert len(pages) == count_pages(sheet, "A4") == 1
        assert "page 1 of 1" in header_text(pages[0])


def test_several_sheets_number_their_pages_separately() -> None:
    sheets = [LetterSheet("Anna", text=long_text(5)), LetterSheet("Boris", ruled_pages=1)]
    with rendered(sheets) as pages:
        assert [header_text(page) for page in pages] == [
            "Anna page 1 of 2",
            "Anna page 2 of 2",
            "Boris page 1 of 1",
        ]


def test_size_is_case_insensitive() -> None:
    assert count_pages(LetterSheet(NAME), "letter") == count_pages(LetterSheet(NAME), "LETTER")


@pytest.mark.parametrize(
    ("sheet", "size"),
    [
        (LetterSheet(NAME), "A5"),
        (LetterSheet(NAME, fold_for="B4"), "A4"),
        (LetterSheet(NAME, ruled_pages=0), "A4"),
    ],
)
def test_unknown_choices_are_refused_before_anything_is_written(
    sheet: LetterSheet, size: str, canvases: list[object]
) -> None:
    out = io.BytesIO()
    with pytest.raises(ValueError, match="A4|B4|ruled_pages"):
        render_letter_sheets([sheet], size, out)
    # Refused before a canvas exists, so not one page was started (ReportLab writes no
    # bytes before save(), so an empty output would prove nothing).
    assert canvases == []


def test_runs_of_blank_lines_become_one_paragraph_break() -> None:
    leading = 12 * 1.4  # the typed text's size and leading, in points
    with rendered([LetterSheet(NAME, text="\r\n\nРаз\r\n \r\n\t\r\n\r\nДва\nТри\n\n")]) as pages:
        (page,) = pages
        words = page.crop((0, 20 * MM, page.width, page.height)).extract_words()
        assert [word["text"] for word in words] == ["Раз", "Два", "Три"]
        first, second, third = (word["top"] for word in words)
        assert second - first == pytest.approx(2 * leading, abs=0.5)  # one blank line
        assert third - second == pytest.approx(leading, abs=0.5)  # a kept line break
        assert 25 * MM <= first < 25 * MM + leading  # no blank line opens the page


@pytest.mark.parametrize(
    ("language", "header", "page", "enclosed", "reply"),
    [
        (
            "de",
            "Max Muster · Nr. A1234",
            "Seite 1 von 2",
            "Ein leeres Blatt für Ihre Antwort liegt bei.",
            "Papier für Ihre Antwort",
        ),
        (
            "ru",
            "Max Muster · № A1234",
            "стр. 1 из 2",
            "Прилагается чистый лист для вашего ответа.",
            "Бумага для вашего ответа",
        ),
        (
            "en",
            "Max Muster · no. A1234",
            "page 1 of 2",
            "A blank sheet for your reply is enclosed.",
            "Paper for your reply",
        ),
        # No captions in Spanish: English, not the interface's language nor a mix.
        (
            "es",
            "Max Muster · no. A1234",
            "page 1 of 2",
            "A blank sheet for your reply is enclosed.",
            "Paper for your reply",
        ),
        (
            None,
            "Max Muster · no. A1234",
            "page 1 of 2",
            "A blank sheet for your reply is enclosed.",
            "Paper for your reply",
        ),
    ],
)
def test_the_words_around_the_letter_are_in_the_readers_language_else_english(
    language: str | None, header: str, page: str, enclosed: str, reply: str
) -> None:
    sheet = LetterSheet("Max Muster", "A1234", ruled_pages=2, reply_sheet=True, language=language)
    with rendered([sheet]) as pages:
        first, last, reply_page = (" ".join(p.extract_text().split()) for p in pages)
    assert header in first
    assert page in first
    assert enclosed in last
    assert enclosed not in first
    assert reply in reply_page
