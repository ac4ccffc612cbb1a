"""Every font in every PDF the app prints is embedded (``pdffonts`` would show no ``emb no``).

ReportLab starts every canvas with Helvetica, a standard-14 font that is named, never embedded:
unused, it was still listed on every page, and preflight checks flag such a file. Each kind of
output is rendered here (envelopes of every size, Russian form included; letter sheets; both
label sheets; the evening pack; the letter printed from the writing page) and every font listed
in its pages, and in the forms they use, must carry its program.
"""

from __future__ import annotations

import io

import pytest
from conftest import csrf_token, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from pdf_fonts import assert_every_font_embedded, fonts

from letters.extensions import db
from letters.printing.data import Envelope, EveningPack, LetterSheet, PrisonerCard
from letters.printing.envelopes import render_envelopes
from letters.printing.formats import ENVELOPES, LABEL_SHEETS, SHEETS
from letters.printing.labels import render_labels
from letters.printing.pack import paper_runs
from letters.printing.sheets import render_letter_sheets

RUSSIAN_ADDRESS = (
    "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.",
    "ФКУ СИЗО-1 УФСИН России по Пензенской области",
    "ул. Каракозова, 30",
    "г. Пенза",
    "440039",
)
US_ADDRESS = ("JOHN DOE 12345-678", "FCI DUBLIN", "PO BOX 1000", "DUBLIN CA 94568-1000")
RETURN = ("Soli-Gruppe Briefe", "Postfach 12 34", "10999 Berlin", "GERMANY")


@pytest.mark.parametrize("size", list(ENVELOPES))
def test_envelopes_embed_every_font(size: str) -> None:
    out = io.BytesIO()
    render_envelopes(
        [
            # Posted inside Russia: labels, rules and the postal-index stencil (a form).
            Envelope(RUSSIAN_ADDRESS, "RU", "RU", RETURN, postal_code="440039"),
            Envelope(RUSSIAN_ADDRESS, "RU", "RU", (), postal_code="440039"),
            Envelope(US_ADDRESS, "US", "DE", RETURN),
        ],
        size,
        out,
    )
    assert_every_font_embedded(out.getvalue())


def test_helvetica_is_gone_not_merely_unused() -> None:
    out = io.BytesIO()
    render_envelopes([Envelope(US_ADDRESS, "US", "US")], "US10", out)
    assert not any("Helvetica" in name for name in fonts(out.getvalue()))


@pytest.mark.parametrize("size", list(SHEETS))
def test_letter_sheets_embed_every_font(size: str) -> None:
    out = io.BytesIO()
    render_letter_sheets(
        [
            LetterSheet(
                "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.",
                text="Здравствуйте!\n" * 80,
                fold_for="DL",
                reply_sheet=True,
                language="ru",
            ),
            LetterSheet("JOHN DOE", "12345-678", text=None, ruled_pages=2, fold_for="US10"),
        ],
        size,
        out,
    )
    assert_every_font_embedded(out.getvalue())


@pytest.mark.parametrize("sheet", list(LABEL_SHEETS))
@pytest.mark.parametrize("outlines", [False, True])
def test_labels_embed_every_font(sheet: str, outlines: bool) -> None:
    out = io.BytesIO()
    render_labels([RUSSIAN_ADDRESS, US_ADDRESS] * 20, sheet, 3, out, outlines=outlines)
    assert_every_font_embedded(out.getvalue())


def test_the_evening_pack_embeds_every_font() -> None:
    card = PrisonerCard(
        name="Дмитрий Пчелинцев",
        address_lines=RUSSIAN_ADDRESS,
        bio="Антифашист из Пензы.",
        languages=("Russian",),
        allowances=(("Photos", "allowed"),),
        restrictions="Letters only in Russian.",
    )
    pack = EveningPack(
        cards=(card,),
        envelopes=(Envelope(RUSSIAN_ADDRESS, "RU", "RU", RETURN, postal_code="440039"),),
        envelope_size="C6",
        labels=(RUSSIAN_ADDRESS, US_ADDRESS),
        label_sheet="5160",
        start_at_label=2,
        card_sheet="LETTER",
    )
    runs = paper_runs(pack)
    assert [run.kind for run in runs] == ["cards", "envelopes", "labels"]
    for run in runs:
        out = io.BytesIO()
        run.render(out)
        assert_every_font_embedded(out.getvalue())


def test_the_letter_from_the_writing_page_embeds_every_font(
    app: Flask, client: FlaskClient
) -> None:
    prisoner = make_prisoner(facility=make_facility(allows_paper=True))
    db.session.commit()
    token = csrf_token(client, f"/prisoners/{prisoner.id}/write")
    response = client.post(
        f"/prisoners/{prisoner.id}/letter.pdf",
        data={
            "text": "Здравствуйте!",
            "size": "A4",
            "fold": "DL",
            "reply": "1",
            "csrf_token": token,
        },
    )
    assert response.status_code == 200, response.data[:500]
    assert_every_font_embedded(response.data)
