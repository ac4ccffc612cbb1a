"""The writers' handout in the evening pack: one page per language the letters are written in,
with the "before you write" summary, the first-letter template beside its meaning, and a few
phrases, all from the seeded (and coordinator-edited) writing aids."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pdfplumber
import pytest
from conftest import make_facility, make_prisoner
from flask import Flask
from flask_babel import force_locale
from pdfplumber.page import Page
from pypdf import PdfReader

from letters.drafting.placeholders import BLANK
from letters.extensions import db
from letters.models import GuidelineSection, Prisoner
from letters.printing import services
from letters.printing.data import Handout
from letters.printing.handout import FLOOR_SIZE, MARGIN, render_handouts
from letters.printing.pack import render_pack_zip

MM = 72 / 25.4


def us_facility() -> object:
    return make_facility(
        name="FCI Dublin",
        street_address="5701 8th St",
        city="Dublin",
        country_area="CA",
        postal_code="94568",
        country_code="US",
    )


def german_facility() -> object:
    return make_facility(
        name="JVA Rosdorf",
        street_address="Am Großen Sieke 8",
        city="Rosdorf",
        country_area="",
        postal_code="37124",
        country_code="DE",
    )


def rendered_page(handout: Handout, sheet: str = "A4") -> tuple[Page, str]:
    out = io.BytesIO()
    assert render_handouts([handout], sheet, out) == 1
    pdf = pdfplumber.open(io.BytesIO(out.getvalue()))
    [page] = pdf.pages
    return page, " ".join((page.extract_text() or "").split())


def same_row(page: Page, left: str, right: str) -> bool:
    """Whether the line starting ``left`` and the line starting ``right`` share a baseline,
    the meaning in the right-hand column."""
    lines = page.extract_text_lines()
    tops = {round(line["top"]): line["text"] for line in lines if left in line["text"]}
    return any(right in text for text in tops.values()) and any(
        left in text and right in text for text in tops.values()
    )


def test_each_letter_language_gets_one_handout_in_the_order_the_prisoners_come(
    app: Flask,
) -> None:
    penza = make_facility()
    prisoners = [
        make_prisoner(penza),  # ru
        make_prisoner(penza, family_name="Кулик", languages="en ru"),  # in Russia: ru anyway
        make_prisoner(german_facility(), family_name="Muster", languages="de en"),
        make_prisoner(us_facility(), family_name="Doe", languages="en"),
        make_prisoner(us_facility(), family_name="Nobody", languages=""),  # adds none
    ]

    assert services.handout_languages(prisoners) == ["ru", "de", "en"]


def test_the_russian_handout_has_the_summary_the_template_beside_its_meaning_and_phrases(
    app: Flask,
) -> None:
    handout = services.handout_for("ru")

    assert handout.summary_title == "Before you write"
    assert handout.summary[0].startswith("• Keep it short and warm. Say who you are")
    assert "**" not in " ".join(handout.summary)  # Markdown is read, not printed
    assert f"Здравствуйте, {BLANK}!" in handout.template
    assert f"Hello, {BLANK}!" in handout.meaning
    assert "Хочу, чтобы вы знали: вы не один/одна, о вас помнят." in handout.template
    assert ("Желаю вам здоровья и сил.", "I wish you health and strength.") in handout.phrases
    assert 0 < len(handout.phrases) <= services.PHRASES_ON_HANDOUT

    page, text = rendered_page(handout)
    assert "Writing to someone who reads Russian" in text
    assert "Keep it short and warm." in text
    assert "A first letter in Russian" in text
    assert "What it means" in text
    assert same_row(page, "Пишу вам впервые.", "I am writing to you for the first time.")
    assert same_row(page, "Желаю вам здоровья и сил.", "I wish you health and strength.")


def test_the_german_handout_has_the_german_template_and_the_german_phrases(app: Flask) -> None:
    handout = services.handout_for("de")

    page, text = rendered_page(handout)
    assert "Writing to someone who reads German" in text
    assert same_row(page, "Ich schreibe Ihnen zum ersten Mal.", "first time.")
    assert "What it means" in text
    assert all(phrase and meaning for phrase, meaning in handout.phrases)
    assert handout.phrases  # the phrasebook's German column, with the English meaning


def test_the_english_handout_needs_no_meaning(app: Flask) -> None:
    handout = services.handout_for("en")

    assert handout.template
    assert not handout.meaning
    assert all(meaning == "" for _phrase, meaning in handout.phrases)
    _page, text = rendered_page(handout)
    assert "This is my first letter to you." in text
    assert "What it means" not in text


def test_a_language_without_a_template_says_so(app: Flask) -> None:
    handout = services.handout_for("es")

    assert not handout.template
    assert not handout.phrases
    _page, text = rendered_page(handout)
    assert "There is no first-letter template in Spanish yet." in text
    assert "Keep it short and warm." in text  # the summary is for every writer


def test_writers_reading_russian_get_the_summary_in_russian(app: Flask) -> None:
    with force_locale("ru"):
        german = services.handout_for("de")
        russian = services.handout_for("ru")

    assert german.summary_title == "Прежде чем писать"
    assert german.meaning  # the German template's English meaning: they do not read German
    assert not russian.meaning  # they read the Russian template itself
    assert all(meaning == "" for _phrase, meaning in russian.phrases)


def test_an_edited_summary_is_what_prints(app: Flask) -> None:
    section = db.session.scalars(
        db.select(GuidelineSection).filter_by(slug="before-you-write", language="en")
    ).one()
    section.body = "1. Write *today*.\n2. Post it [tomorrow](https://example.org)."
    db.session.flush()

    assert services.handout_for("ru").summary == ("1. Write today.", "2. Post it tomorrow.")


@pytest.mark.parametrize("sheet", ["A4", "LETTER"])
def test_a_handout_too_long_for_its_page_shrinks_to_the_floor_and_stays_on_one_page(
    app: Flask, sheet: str
) -> None:
    handout = services.handout_for("ru")
    long = replace(handout, summary=handout.summary * 6)

    page, _text = rendered_page(long, sheet)
    assert min(char["size"] for char in page.chars) >= FLOOR_SIZE - 0.01
    margin = MARGIN - 0.5
    for char in page.chars:
        assert margin <= char["x0"], char["text"]
        assert char["x1"] <= page.width - margin, char["text"]
        assert margin <= char["top"], char["text"]
        assert char["bottom"] <= page.height - margin, char["text"]


def test_the_seeded_handouts_fit_their_page_at_a_readable_size(app: Flask) -> None:
    for language in ("ru", "de", "en"):
        page, _text = rendered_page(services.handout_for(language), "LETTER")
        assert min(c["size"] for c in page.chars) >= 9.5, language


def test_the_pack_zip_holds_a_handout_per_language_each_one_page_of_the_cards_paper(
    app: Flask,
) -> None:
    prisoners: list[Prisoner] = [
        make_prisoner(),
        make_prisoner(german_facility(), family_name="Muster", languages="de"),
        make_prisoner(us_facility(), family_name="Doe", languages="en"),
    ]
    # L7160 (A4): 5160 labels are too small for a Russian address at 8 pt.
    pack = services.evening_pack_for(prisoners, 1, "DL", "DE", "L7160", 1, ())

    out = io.BytesIO()
    names = render_pack_zip(pack, out)

    assert names[:3] == [
        "0-handout-ru-A4.pdf",
        "0-handout-de-A4.pdf",
        "0-handout-en-A4.pdf",
    ]
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.namelist() == names
        for name in names[:3]:
            reader = PdfReader(io.BytesIO(archive.read(name)))
            [page] = reader.pages
            width, height = (float(v) / MM for v in (page.mediabox.width, page.mediabox.height))
            assert (width, height) == pytest.approx((210, 297), abs=0.5)
        german = archive.read("0-handout-de-A4.pdf")
    with pdfplumber.open(io.BytesIO(german)) as pdf:
        assert "Ich schreibe Ihnen zum ersten Mal." in pdf.pages[0].extract_text()
