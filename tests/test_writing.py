"""Writing a letter to a prisoner: the page without JavaScript, the printed letter, "I sent it".

The promise tested hardest: the letter's text reaches the server only to be printed, and is
found afterwards in no table, no log line and no cookie.
"""

from __future__ import annotations

import html as html_module
import http.cookiejar
import importlib.util
import io
import json
import logging
import re
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from browser import live_server
from conftest import app_context, csrf_token, inline_scripts, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, event, inspect, literal_column, select, table, update
from werkzeug.http import parse_options_header

from letters.drafting.placeholders import BLANK
from letters.extensions import db
from letters.letterlog.services import letters_sent_count, record_letter_sent
from letters.models import (
    AvoidTerm,
    Campaign,
    LetterSent,
    LetterTemplate,
    Occasion,
    Phrase,
    Prisoner,
    SentVia,
    User,
)
from letters.printing.data import LetterSheet
from letters.printing.fonts import text_width
from letters.printing.formats import SHEETS
from letters.printing.sheets import TEXT_LEADING, TEXT_SIZE, count_pages
from letters.writing import checks, services

__all__ = ["live_server"]

SEED = (
    Path(__file__).resolve().parent.parent / "migrations" / "versions" / "a2_seed_writing_aids.py"
)

RUSSIAN_FIRST = (
    "Здравствуйте, {prisoner_first_name}!\n\n"
    "Меня зовут {writer_name}, я из города {writer_city}.\n"
    "Буду {writer:рад|рада} ответу."
)
RUSSIAN_FIRST_MEANING = (
    "Hello, {prisoner_first_name}!\n\nMy name is {writer_name}, I am from {writer_city}.\n"
    "I would be glad of a reply."
)


# --- fixtures ---------------------------------------------------------------------------------


def clear_writing_aids() -> None:
    """Start from no templates, phrases or avoid terms: on a fresh database the migrations have
    just seeded them; after any other test the suite has wiped them."""
    for model in (LetterTemplate, Phrase, AvoidTerm):
        db.session.execute(delete(model))


def add_writing_aids() -> dict[str, Any]:
    """A Russian and an English first letter, two phrases, one thing to avoid."""
    clear_writing_aids()
    russian = LetterTemplate(
        occasion=Occasion.FIRST_LETTER,
        language="ru",
        title="Первое письмо",
        body=RUSSIAN_FIRST,
        translation=RUSSIAN_FIRST_MEANING,
    )
    english = LetterTemplate(
        occasion=Occasion.FIRST_LETTER,
        language="en",
        title="First letter",
        body="Dear {prisoner_first_name},\n\nI am {writer_name} from {writer_city}.",
    )
    birthday = LetterTemplate(
        occasion=Occasion.BIRTHDAY, language="ru", title="С днём рождения", body="С днём рождения!"
    )
    db.session.add_all(
        [
            english,
            birthday,
            russian,
            Phrase(russian="Желаю вам здоровья и сил.", english="I wish you health and strength."),
            Phrase(
                russian="Вы не один.", english="You are not alone.", german="Sie sind nicht allein."
            ),
            AvoidTerm(words="война; войны; war", reason="The censor stops letters about the war."),
        ]
    )
    db.session.flush()
    return {"russian": russian.id, "english": english.id, "birthday": birthday.id}


def seed_writing_aids() -> None:
    """The templates, phrasebook and avoid list as the migration seeds them (the suite wipes
    every table after each test, so a test that wants them puts them back)."""
    clear_writing_aids()
    spec = importlib.util.spec_from_file_location("a2_seed_writing_aids", SEED)
    assert spec is not None
    assert spec.loader is not None
    seed = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seed)
    for occasion, language, title, body, translation in seed.TEMPLATES:
        db.session.add(
            LetterTemplate(
                occasion=Occasion(occasion),
                language=language,
                title=title,
                body=body,
                translation=translation,
            )
        )
    for index, (russian, english, german) in enumerate(seed.PHRASES, start=1):
        db.session.add(Phrase(russian=russian, english=english, german=german, position=index))
    for index, (words, reason) in enumerate(seed.AVOID, start=1):
        db.session.add(AvoidTerm(words=words, reason=reason, position=index))
    db.session.flush()


@pytest.fixture
def prisoner_id(app: Flask) -> int:
    with app_context(app):  # also for the live-server test, which holds no context
        prisoner = make_prisoner()
        db.session.commit()
        return prisoner.id


@pytest.fixture
def aids(app: Flask) -> dict[str, Any]:
    ids = add_writing_aids()
    db.session.commit()
    return ids


def letters_sent_rows(app: Flask) -> list[LetterSent]:
    rows = list(db.session.scalars(select(LetterSent).order_by(LetterSent.id)))
    db.session.expunge_all()
    return rows


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def post_letter(client: FlaskClient, prisoner_id: int, text: str, **fields: str) -> Any:
    token = csrf_token(client, f"/prisoners/{prisoner_id}/write")
    data = {"text": text, "size": "A4", "fold": "DL", "csrf_token": token, **fields}
    return client.post(f"/prisoners/{prisoner_id}/letter.pdf", data=data)


def post_sent(client: FlaskClient, prisoner_id: int, **fields: str) -> Any:
    token = csrf_token(client, f"/prisoners/{prisoner_id}")
    return client.post(
        f"/prisoners/{prisoner_id}/sent", data={"csrf_token": token, "back": "profile", **fields}
    )


# --- the page ---------------------------------------------------------------------------------


def test_unlisted_and_missing_prisoners_have_no_writing_page(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    hidden = make_prisoner(family_name="Скрытый", is_listed=False)
    db.session.commit()
    hidden_id = hidden.id
    assert client.get(f"/prisoners/{hidden_id}/write").status_code == 404
    assert client.get(f"/prisoners/{prisoner_id + 1000}/write").status_code == 404
    app.config["WTF_CSRF_ENABLED"] = False  # the 404 must come from the prisoner, not the token
    for path in ("write", "write/template", "letter.pdf", "sent"):
        response = client.post(f"/prisoners/{hidden_id}/{path}", data={"text": "x"})
        assert response.status_code == 404, path
    assert letters_sent_rows(app) == []


def test_writing_page_shows_the_prisoner_the_templates_russian_first_and_the_phrasebook(
    app: Flask, client: FlaskClient, prisoner_id: int, aids: dict[str, Any]
) -> None:
    response = client.get(f"/prisoners/{prisoner_id}/write")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Дмитрий Дмитриевич Пчелинцев" in html
    assert "They read:" in html
    assert "Russian" in html
    assert "Before you write" in html
    assert 'href="/guidelines"' in html
    # A Russian reader is offered the Russian templates first, each language in its own group.
    groups = re.findall(r'<optgroup label="([^"]+)">', html)
    assert groups == ["Russian", "English"]
    first_option = re.search(r'<option value="(\d+)"', html)
    assert first_option is not None
    assert int(first_option.group(1)) == aids["russian"]
    # The phrasebook shows each phrase with its meaning; the insert buttons wait for the script.
    assert "Желаю вам здоровья и сил." in html
    assert "I wish you health and strength." in html
    assert "Sie sind nicht allein." in html
    assert re.search(r'<button type="button" class="secondary insert-phrase"[^>]* hidden>', html)
    # Envelope and "I sent it" are on the page too; no inline script anywhere.
    assert f'action="/prisoners/{prisoner_id}/envelope.pdf"' in html
    assert f'action="/prisoners/{prisoner_id}/sent"' in html
    assert inline_scripts(html) == []
    assert "Cache-Control" in response.headers


def test_script_is_configured_through_data_attributes_with_translated_messages(
    client: FlaskClient, prisoner_id: int, aids: dict[str, Any]
) -> None:
    html = client.get(f"/prisoners/{prisoner_id}/write").get_data(as_text=True)
    match = re.search(r"data-config='([^']*)'", html)
    assert match is not None
    config = json.loads(html_module.unescape(match.group(1)))
    assert config["reads"] == ["ru"]
    assert config["bilingual_template_id"] == aids["russian"]
    assert config["avoid_rules"] == [
        {"words": ["война", "войны", "war"], "reason": "The censor stops letters about the war."}
    ]
    assert (
        "held for translation or simply not delivered"
        in config["messages"]["latin_to_cyrillic_reader"]
    )
    assert config["messages"]["pages"]["1"] == "It will print on 1 page."
    assert config["messages"]["pages"]["3"] == "It will print on 3 pages."


def test_page_and_messages_follow_the_readers_language(
    client: FlaskClient, prisoner_id: int, aids: dict[str, Any]
) -> None:
    html = client.get(
        f"/prisoners/{prisoner_id}/write", headers={"Accept-Language": "ru"}
    ).get_data(as_text=True)
    assert '<html lang="ru">' in html
    # The script's own messages, not only the page around them, are in Russian.
    match = re.search(r"data-config='([^']*)'", html)
    assert match is not None
    messages = json.loads(html_module.unescape(match.group(1)))["messages"]
    assert messages["empty"] == "Пока ничего не написано."
    assert messages["pages"]["2"] == "Письмо займёт 2 страницы."
    assert messages["pages"]["5"] == "Письмо займёт 5 страниц."
    assert "20\xa0000" in messages["too_long"]  # Russian groups digits with a space, not ","


def test_each_insert_button_is_named_by_its_phrase_for_screen_readers(
    client: FlaskClient, prisoner_id: int, aids: dict[str, Any]
) -> None:
    html = client.get(f"/prisoners/{prisoner_id}/write").get_data(as_text=True)
    labels = re.findall(
        r'<button [^>]*class="secondary insert-phrase"[^>]*aria-label="([^"]*)"', html
    )
    assert sorted(html_module.unescape(label) for label in labels) == [
        "Insert «Вы не один.»",
        "Insert «Желаю вам здоровья и сил.»",
    ]


def test_without_javascript_a_chosen_template_opens_the_page_at_the_letter(
    client: FlaskClient, prisoner_id: int, aids: dict[str, Any]
) -> None:
    html = client.get(f"/prisoners/{prisoner_id}/write").get_data(as_text=True)
    for form_id in ("template-form", "other-template-form"):
        match = re.search(rf'<form method="post" action="([^"]*)" id="{form_id}">', html)
        assert match is not None, form_id
        assert match.group(1) == f"/prisoners/{prisoner_id}/write#letter"
    assert '<section id="letter">' in html


def test_choosing_a_template_without_javascript_fills_the_letter_for_the_writer(
    client: FlaskClient, prisoner_id: int, aids: dict[str, Any]
) -> None:
    token = csrf_token(client, f"/prisoners/{prisoner_id}/write")
    response = client.post(
        f"/prisoners/{prisoner_id}/write",
        data={
            "csrf_token": token,
            "template_id": str(aids["russian"]),
            "writer_name": "Анна",
            "writer_city": "Берлин",
            "writer_gender": "female",
            "size": "LETTER",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    textarea = re.search(r'<textarea id="letter-text"[^>]*>(.*?)</textarea>', html, re.S)
    assert textarea is not None
    letter = textarea.group(1)
    assert "Здравствуйте, Дмитрий!" in letter
    assert "Меня зовут Анна, я из города Берлин." in letter
    assert "Буду рада ответу." in letter  # the writer is a woman
    # The English meaning is shown beside it, filled the same way.
    assert "My name is Анна, I am from Берлин." in html
    assert re.search(r'<div id="translation" class="translation">', html)  # not hidden
    # The chosen paper is kept for printing.
    assert '<option selected value="LETTER">' in html
    # The writer's details came in the body; nothing of them is kept in the session.
    with client.session_transaction() as session:
        assert "Анна" not in repr(dict(session))


def test_without_a_gender_the_template_shows_both_forms_and_blank_lines_for_missing_details(
    client: FlaskClient, prisoner_id: int, aids: dict[str, Any]
) -> None:
    token = csrf_token(client, f"/prisoners/{prisoner_id}/write")
    html = client.post(
        f"/prisoners/{prisoner_id}/write",
        data={"csrf_token": token, "template_id": str(aids["russian"])},
    ).get_data(as_text=True)
    assert "Буду рад(а) ответу." in html
    assert f"Меня зовут {BLANK}" in html


def test_choosing_a_template_needs_the_csrf_token(
    client: FlaskClient, prisoner_id: int, aids: dict[str, Any]
) -> None:
    response = client.post(
        f"/prisoners/{prisoner_id}/write",
        data={"template_id": str(aids["russian"]), "writer_name": "Анна"},
    )
    assert response.status_code == 400
    assert "Анна" not in response.get_data(as_text=True)


def test_an_unknown_template_is_refused_with_a_message(
    client: FlaskClient, prisoner_id: int, aids: dict[str, Any]
) -> None:
    token = csrf_token(client, f"/prisoners/{prisoner_id}/write")
    response = client.post(
        f"/prisoners/{prisoner_id}/write", data={"csrf_token": token, "template_id": "999999"}
    )
    assert response.status_code == 422
    assert "Choose one of the templates in the list." in response.get_data(as_text=True)


def test_the_script_gets_the_same_filled_template_as_json(
    client: FlaskClient, prisoner_id: int, aids: dict[str, Any]
) -> None:
    token = csrf_token(client, f"/prisoners/{prisoner_id}/write")
    url = f"/prisoners/{prisoner_id}/write/template"
    body = {"template_id": aids["russian"], "writer_name": "Tom", "writer_gender": "male"}
    response = client.post(url, json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    data = response.get_json()
    assert data["language"] == "ru"
    assert "Меня зовут Tom" in data["text"]
    assert "Буду рад ответу." in data["text"]
    # The English meaning names them in Latin letters, as the record spells it.
    assert data["translation"].startswith("Hello, Dmitry!")
    # The same text as the form without JavaScript: one implementation.
    html = client.post(
        f"/prisoners/{prisoner_id}/write",
        data={
            "csrf_token": token,
            "template_id": str(aids["russian"]),
            "writer_name": "Tom",
            "writer_gender": "male",
        },
    ).get_data(as_text=True)
    textarea = re.search(r'<textarea id="letter-text"[^>]*>\r?\n?(.*?)</textarea>', html, re.S)
    assert textarea is not None
    assert html_module.unescape(textarea.group(1)) == data["text"]
    # Without the CSRF header, or with a bad choice, nothing is filled.
    assert client.post(url, json=body).status_code == 400
    bad = client.post(url, json={"template_id": "x"}, headers={"X-CSRFToken": token})
    assert bad.status_code == 400
    assert "templates in the list" in bad.get_json()["error"]
    not_json = client.post(url, json=[1, 2], headers={"X-CSRFToken": token})
    assert not_json.status_code == 400


# --- printing the letter ----------------------------------------------------------------------


def test_a_prisoner_whose_prison_is_unknown_still_gets_a_letter_but_no_envelope(
    app: Flask, client: FlaskClient
) -> None:
    prisoner = make_prisoner(languages="")
    prisoner.facility = None
    db.session.commit()
    prisoner_id = prisoner.id
    html = client.get(f"/prisoners/{prisoner_id}/write").get_data(as_text=True)
    assert "Nobody has recorded which languages they read." in html
    assert "An envelope can be printed once it is known where they are held." in html
    response = post_letter(client, prisoner_id, "Здравствуйте!")
    assert response.status_code == 200
    assert "Здравствуйте!" in pdf_text(response.data)


def test_letter_pdf_needs_the_csrf_token(app: Flask, client: FlaskClient, prisoner_id: int) -> None:
    response = client.post(
        f"/prisoners/{prisoner_id}/letter.pdf", data={"text": "Здравствуйте!", "size": "A4"}
    )
    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_letter_pdf_prints_the_text_exactly_with_cyrillic(
    client: FlaskClient, prisoner_id: int
) -> None:
    text = (
        "Здравствуйте, Дмитрий!\r\n\r\nПишу вам впервые. Желаю вам здоровья и сил — «ёлки», "
        "№ 5.\r\nС теплом, Анна"
    )
    response = post_letter(client, prisoner_id, text)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert parse_options_header(response.headers["Content-Disposition"]) == (
        "attachment",
        {"filename": f"letter-A4-{prisoner_id}.pdf"},
    )
    printed = pdf_text(response.data)
    assert "Здравствуйте, Дмитрий!" in printed
    assert "Пишу вам впервые. Желаю вам здоровья и сил — «ёлки», № 5." in printed
    assert "С теплом, Анна" in printed
    # The header names the prisoner as the envelope does, on every page.
    assert "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р." in printed


def test_letter_pdf_on_us_letter_with_markup_printed_literally(
    client: FlaskClient, prisoner_id: int
) -> None:
    # Latin letters to a reader of Russian: the checks ask first, "print anyway" prints.
    response = post_letter(
        client,
        prisoner_id,
        "Hello <b>friend</b> <img src='http://example.org/x'>",
        size="LETTER",
        print_anyway="y",
    )
    assert response.status_code == 200
    with pdfplumber.open(io.BytesIO(response.data)) as pdf:
        assert len(pdf.pages) == 1
        assert (round(pdf.pages[0].width), round(pdf.pages[0].height)) == (612, 792)
        assert "Hello <b>friend</b> <img src='http://example.org/x'>" in pdf.pages[0].extract_text()


def test_reply_sheet_is_added_only_where_the_prison_allows_paper(
    app: Flask, client: FlaskClient
) -> None:
    allows = make_prisoner(facility=make_facility(allows_paper=True))
    refuses = make_prisoner(
        facility=make_facility(name="ФКУ ИК-2", postal_code="440000"), family_name="Иванов"
    )
    db.session.commit()
    allows_id, refuses_id = allows.id, refuses.id
    for prisoner_id, pages in ((allows_id, 2), (refuses_id, 1)):
        response = post_letter(client, prisoner_id, "Привет!", reply="y")
        with pdfplumber.open(io.BytesIO(response.data)) as pdf:
            assert len(pdf.pages) == pages


@pytest.mark.parametrize("text", ["", "   \r\n\r\n  "])
def test_an_empty_letter_is_refused_with_a_clear_message(
    client: FlaskClient, prisoner_id: int, text: str
) -> None:
    response = post_letter(client, prisoner_id, text)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert "The letter is empty: write something first, then print." in response.get_data(
        as_text=True
    )


def test_a_letter_over_the_limit_is_refused_and_kept_in_the_form(
    client: FlaskClient, prisoner_id: int
) -> None:
    text = "Привет " * (services.MAX_LETTER_CHARS // 7 + 1)
    response = post_letter(client, prisoner_id, text)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "at most 20,000 can be printed at once" in html
    assert text.strip() in html  # nothing typed is lost
    # Line breaks count once, as the writer sees them, so a letter at the limit prints.
    at_limit = ("а" * 99 + "\r\n") * (services.MAX_LETTER_CHARS // 100)
    assert post_letter(client, prisoner_id, at_limit).status_code == 200


def test_the_letter_is_neither_stored_nor_logged(
    everything_logged: pytest.LogCaptureFixture,
    app: Flask,
    client: FlaskClient,
    prisoner_id: int,
    aids: dict[str, Any],
) -> None:
    caplog = everything_logged
    marker = "Маркер-письма-7f3a9c Unique-Letter-Marker-7f3a9c"
    writer = "Писатель-b41e"
    token = csrf_token(client, f"/prisoners/{prisoner_id}/write")
    filled = client.post(
        f"/prisoners/{prisoner_id}/write/template",
        json={"template_id": aids["russian"], "writer_name": writer},
        headers={"X-CSRFToken": token},
    )
    assert writer in filled.get_json()["text"]
    response = post_letter(client, prisoner_id, f"Здравствуйте!\n\n{marker}\n\n{writer}")
    assert response.status_code == 200
    refused = post_letter(client, prisoner_id, marker * 2000)  # too long: the form comes back
    assert refused.status_code == 422
    assert post_sent(client, prisoner_id).status_code == 302

    found = rows_containing([marker, "7f3a9c", writer])
    assert found == []
    assert "7f3a9c" not in caplog.text
    assert writer not in caplog.text
    assert any("INSERT INTO letters_sent" in r.getMessage() for r in caplog.records)
    with client.session_transaction() as session:
        assert "7f3a9c" not in repr(dict(session))
        assert writer not in repr(dict(session))


@pytest.mark.commits  # a live server in other threads: real commits, then a restore
def test_the_access_log_of_a_real_server_holds_no_letter(
    app: Flask, prisoner_id: int, live_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    log_everything(caplog)
    marker = "Access-Log-Marker-5d2e"
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    with opener.open(f"{live_server}/prisoners/{prisoner_id}/write") as page:
        html = page.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token is not None
    body = urllib.parse.urlencode(
        {
            "csrf_token": token.group(1),
            "text": marker,
            "size": "A4",
            "fold": "DL",
            "print_anyway": "y",
        }
    ).encode()
    with opener.open(f"{live_server}/prisoners/{prisoner_id}/letter.pdf", data=body) as pdf:
        assert pdf.headers["Content-Type"] == "application/pdf"
        printed = pdf.read()
    access = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any(f"POST /prisoners/{prisoner_id}/letter.pdf" in line for line in access), access
    assert "5d2e" not in caplog.text
    caplog.clear()  # before reading the PDF: pdfminer logs every token it parses at DEBUG
    assert marker in pdf_text(printed)


def log_everything(caplog: pytest.LogCaptureFixture) -> None:
    """DEBUG on the root logger and on every logger that sets its own level: SQLAlchemy's
    ("sqlalchemy" is WARN by default) then logs each statement with its parameters."""
    caplog.set_level(logging.DEBUG)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            caplog.set_level(logging.DEBUG, logger=name)


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """``log_everything``, set before ``app``: the test's database connection logs its
    statements only if logging was on when it was opened."""
    log_everything(caplog)
    return caplog


def rows_containing(needles: list[str]) -> list[tuple[str, str]]:
    """(table, row) for every row of every table in the database, as text, holding a needle."""
    found = []
    for name in inspect(db.session.connection()).get_table_names():
        for row in db.session.execute(select(literal_column("*")).select_from(table(name))):
            as_text = " ".join(str(value) for value in row)
            if any(needle in as_text for needle in needles):
                found.append((name, as_text))
    return found


# --- "I sent it" ------------------------------------------------------------------------------


def test_i_sent_it_inserts_one_row_per_press_without_identity(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    for _press in range(2):
        response = post_sent(client, prisoner_id)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/prisoners/{prisoner_id}#sent"
    rows = letters_sent_rows(app)
    assert len(rows) == 2
    for row in rows:
        assert row.prisoner_id == prisoner_id
        assert row.sent_on == date.today()
        assert row.letters == 1
        assert row.via == SentVia.WEB
        assert row.user_id is None
        assert row.campaign_id is None
        assert row.recorded_on == date.today()
    html = client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)
    # Counted from tomorrow (see test_a_public_count_moves_only_when_the_day_turns).
    assert "0 letters have been sent to them so far." in html
    assert "Your letter to Дмитрий Дмитриевич Пчелинцев" in html
    assert "shows in the count from tomorrow" in html


def test_an_anonymous_i_sent_it_keeps_no_time_of_day_anywhere_in_its_row(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    """Every column of the row, read back raw from the database: days and small numbers only.
    A time of day beside an ISP's connection log would say who wrote to whom."""
    assert post_sent(client, prisoner_id).status_code == 302
    columns = {c["name"] for c in inspect(db.session.connection()).get_columns("letters_sent")}
    assert columns == {
        "id",
        "prisoner_id",
        "sent_on",
        "letters",
        "campaign_id",
        "via",
        "user_id",
        "recorded_on",
    }
    raw = db.session.execute(select(literal_column("*")).select_from(table("letters_sent")))
    (row,) = raw.mappings().all()
    for name, value in row.items():
        assert not isinstance(value, datetime), name
        # SQLite hands back the text it stores: a day is ten characters, a time would be more.
        assert not re.search(r"\d\d:\d\d", str(value)), (name, value)
    assert str(row["recorded_on"])[:10] == str(row["sent_on"])[:10] == date.today().isoformat()


def test_the_insert_that_counts_a_letter_logs_no_time_of_day(
    everything_logged: pytest.LogCaptureFixture, client: FlaskClient, prisoner_id: int
) -> None:
    """With every statement logged (more than production ever logs), the insert carries days
    only, and the engine logs none of its parameters (``hide_parameters``)."""
    bound: list[str] = []

    def record(*args: Any) -> None:
        if "INSERT INTO letters_sent" in args[2]:
            bound.append(repr(args[3]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert post_sent(client, prisoner_id).status_code == 302
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    inserts = [r for r in everything_logged.records if "INSERT INTO letters_sent" in r.getMessage()]
    assert inserts
    # The parameters would follow the statement as their own log record.
    logged = everything_logged.records
    following = [logged[logged.index(r) + 1].getMessage() for r in inserts]
    assert all("parameters hidden" in line for line in following), following
    assert bound
    assert any("recorded_on" in line or date.today().isoformat() in line for line in bound)
    for line in bound:
        assert "datetime.datetime" not in line, line
        assert not re.search(r"\d\d:\d\d", line), line


def test_i_sent_it_needs_the_csrf_token_and_a_post(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    assert client.post(f"/prisoners/{prisoner_id}/sent").status_code == 400
    assert letters_sent_rows(app) == []


def test_a_coordinator_who_sends_is_recorded_by_account(
    app: Flask, client: FlaskClient, auth: Any, prisoner_id: int
) -> None:
    auth.create_and_login()
    assert post_sent(client, prisoner_id).status_code == 302
    user_id = db.session.scalar(select(User.id))
    assert [row.user_id for row in letters_sent_rows(app)] == [user_id]
    html = client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)
    assert "is counted, with your coordinator account." in html


def test_i_sent_it_from_the_writing_page_goes_back_there(
    client: FlaskClient, prisoner_id: int
) -> None:
    token = csrf_token(client, f"/prisoners/{prisoner_id}/write")
    response = client.post(
        f"/prisoners/{prisoner_id}/sent", data={"csrf_token": token, "back": "write"}
    )
    assert response.headers["Location"] == f"/prisoners/{prisoner_id}/write#sent"
    html = client.get(f"/prisoners/{prisoner_id}/write").get_data(as_text=True)
    assert "shows in the count from tomorrow" in html
    assert "0 letters have been sent to them so far." in html


def test_a_public_count_moves_only_when_the_day_turns(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    """Polling the profile cannot time a click: today's letters join the count tomorrow."""
    yesterday = date.today() - timedelta(days=1)
    db.session.add(
        LetterSent(prisoner_id=prisoner_id, sent_on=yesterday, letters=2, recorded_on=yesterday)
    )
    db.session.commit()
    before = client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)
    assert "2 letters have been sent to them so far." in before
    assert post_sent(client, prisoner_id).status_code == 302
    for path in (f"/prisoners/{prisoner_id}", f"/prisoners/{prisoner_id}/write"):
        html = client.get(path).get_data(as_text=True)
        assert "2 letters have been sent to them so far." in html, path
        assert 'data-letters-sent="2"' in html, path
    # The next day (the row as it will then be: recorded before today) it is counted.
    db.session.execute(update(LetterSent).values(recorded_on=yesterday))
    db.session.commit()
    html = client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)
    assert "3 letters have been sent to them so far." in html


def test_a_coordinator_sees_todays_letters_on_the_prisoners_own_page(
    app: Flask, client: FlaskClient, auth: Any, prisoner_id: int
) -> None:
    auth.create_and_login()
    record_letter_sent(db.session.get_one(Prisoner, prisoner_id), letters=3)
    db.session.commit()
    html = client.get(f"/manage/prisoners/{prisoner_id}/edit").get_data(as_text=True)
    assert "3 letters recorded so far." in html


def test_campaigns_running_today_are_offered_and_recorded(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    today = date.today()
    running = Campaign(
        name="Неделя солидарности",
        starts_on=today - timedelta(days=1),
        ends_on=today,
        report_published=True,
    )
    over = Campaign(
        name="Last year",
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=360),
    )
    db.session.add_all([running, over])
    db.session.commit()
    running_id, over_id = running.id, over.id
    html = client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)
    assert "Неделя солидарности" in html
    assert "Last year" not in html
    assert post_sent(client, prisoner_id, campaign_id=str(running_id)).status_code == 302
    refused = post_sent(client, prisoner_id, campaign_id=str(over_id))
    assert refused.status_code == 400
    assert "That campaign is not running today" in refused.get_data(as_text=True)
    assert [row.campaign_id for row in letters_sent_rows(app)] == [running_id]


def test_without_campaigns_the_form_has_no_campaign_choice(
    client: FlaskClient, prisoner_id: int
) -> None:
    html = client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)
    assert "I sent it" in html
    assert "sent-campaign" not in html


def test_i_sent_it_is_limited_per_network_address(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    app.config["SENT_RATE_LIMIT"] = "3 per hour"
    statuses = [post_sent(client, prisoner_id).status_code for _press in range(4)]
    assert statuses == [302, 302, 302, 429]
    refused = post_sent(client, prisoner_id)
    assert refused.status_code == 429
    assert "Many letters have been counted from your network" in refused.get_data(as_text=True)
    assert len(letters_sent_rows(app)) == 3
    # Another address is not held back by this one.
    other = client.post(
        f"/prisoners/{prisoner_id}/sent",
        data={"csrf_token": csrf_token(client, f"/prisoners/{prisoner_id}")},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert other.status_code == 302
    assert len(letters_sent_rows(app)) == 4


def test_the_default_limit_is_sixty_an_hour(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    app.config["WTF_CSRF_ENABLED"] = False  # 61 page loads for tokens would only slow this down
    url = f"/prisoners/{prisoner_id}/sent"
    statuses = [client.post(url).status_code for _press in range(61)]
    assert statuses == [302] * 60 + [429]
    assert len(letters_sent_rows(app)) == 60


@pytest.mark.parametrize("path", ["write/template", "letter.pdf", "sent"])
def test_post_only_routes_refuse_get(client: FlaskClient, prisoner_id: int, path: str) -> None:
    assert client.get(f"/prisoners/{prisoner_id}/{path}").status_code == 405


# --- the profile ------------------------------------------------------------------------------


def test_the_profile_links_to_the_writing_page_and_counts_letters(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    html = client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)
    assert f'href="/prisoners/{prisoner_id}/write"' in html
    assert "0 letters have been sent to them so far." in html
    assert 'data-letters-sent="0"' in html
    assert '<a href="/guidelines">Guidelines</a>' in html


# --- services ---------------------------------------------------------------------------------


def test_letters_sent_count_adds_up_the_rows(app: Flask, ctx: None) -> None:
    prisoner = make_prisoner()
    other = make_prisoner(family_name="Другой")
    record_letter_sent(prisoner)
    record_letter_sent(prisoner, letters=4, via=SentVia.EVENING)
    record_letter_sent(other)
    db.session.commit()
    assert letters_sent_count(prisoner.id) == 5
    assert letters_sent_count(other.id) == 1
    assert letters_sent_count(other.id + 100) == 0
    with pytest.raises(ValueError, match="at least 1"):
        record_letter_sent(prisoner, letters=0)


def test_current_campaigns_include_open_ended_ones(app: Flask, ctx: None) -> None:
    today = date(2026, 3, 10)
    db.session.add_all(
        [
            Campaign(name="open", starts_on=None, ends_on=None),
            Campaign(name="started", starts_on=date(2026, 3, 1)),
            Campaign(name="ends today", starts_on=date(2026, 3, 1), ends_on=today),
            Campaign(name="future", starts_on=date(2026, 3, 11)),
            Campaign(name="over", ends_on=date(2026, 3, 9)),
        ]
    )
    db.session.flush()
    names = {c.name for c in services.current_campaigns(today)}
    assert names == {"open", "started", "ends today"}


def test_visitors_are_offered_only_published_campaigns_running_today_by_their_dates(
    app: Flask, ctx: None
) -> None:
    today = date(2026, 3, 10)
    week = {"starts_on": date(2026, 3, 8), "ends_on": date(2026, 3, 14)}
    db.session.add_all(
        [
            Campaign(name="published week", report_published=True, **week),
            Campaign(name="unpublished week", report_published=False, **week),
            Campaign(name="published, open", report_published=True),
            Campaign(name="published, no end", report_published=True, starts_on=week["starts_on"]),
            Campaign(name="published, no start", report_published=True, ends_on=today),
            Campaign(
                name="published, over",
                report_published=True,
                starts_on=date(2026, 3, 1),
                ends_on=date(2026, 3, 9),
            ),
            Campaign(
                name="published, one day", report_published=True, starts_on=today, ends_on=today
            ),
        ]
    )
    db.session.flush()
    public = {c.name for c in services.public_campaigns(today)}
    assert public == {"published week", "published, one day"}
    assert {c.name for c in services.campaigns_offered(False, today)} == public
    # A coordinator still sees everything running, published or not.
    assert {c.name for c in services.campaigns_offered(True, today)} == {
        "published week",
        "unpublished week",
        "published, open",
        "published, no end",
        "published, no start",
        "published, one day",
    }


def unannounced_evening(prisoner_id: int, **fields: Any) -> Campaign:
    """An unpublished evening running today that chose the prisoner (it would be preselected)."""
    today = date.today()
    dates = {"starts_on": today - timedelta(days=1), "ends_on": today + timedelta(days=1)}
    evening = Campaign(name="Тайный вечер", **(dates | fields))
    evening.prisoners = [db.session.get_one(Prisoner, prisoner_id)]
    db.session.add(evening)
    db.session.commit()
    return evening


@pytest.mark.parametrize("fields", [{}, {"starts_on": None, "ends_on": None}])
@pytest.mark.parametrize("path", ["/prisoners/{id}", "/prisoners/{id}/write"])
def test_an_unannounced_evening_is_invisible_to_visitors(
    app: Flask, client: FlaskClient, prisoner_id: int, path: str, fields: dict[str, Any]
) -> None:
    evening = unannounced_evening(prisoner_id, **fields)
    evening_id = evening.id
    html = client.get(path.format(id=prisoner_id)).get_data(as_text=True)
    assert "Тайный вечер" not in html
    assert "sent-campaign" not in html  # no select at all: nothing public is running
    # Nor can a visitor count to it by its id: the same answer as for a campaign long over.
    refused = post_sent(client, prisoner_id, campaign_id=str(evening_id))
    assert refused.status_code == 400
    assert "Тайный вечер" not in refused.get_data(as_text=True)
    assert letters_sent_rows(app) == []


def test_an_open_ended_published_campaign_is_not_running_to_the_public(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    unannounced_evening(prisoner_id, report_published=True, ends_on=None)
    html = client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)
    assert "Тайный вечер" not in html


def test_a_coordinator_still_sees_the_unannounced_evening_preselected(
    app: Flask, client: FlaskClient, auth: Any, prisoner_id: int
) -> None:
    evening_id = unannounced_evening(prisoner_id).id
    auth.create_and_login()
    html = client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{evening_id}">Тайный вечер</option>', html), html
    assert post_sent(client, prisoner_id, campaign_id=str(evening_id)).status_code == 302
    assert [row.campaign_id for row in letters_sent_rows(app)] == [evening_id]


def test_seeded_templates_fill_without_leftover_placeholders(app: Flask, ctx: None) -> None:
    seed_writing_aids()
    prisoner = make_prisoner()
    aids = services.writing_aids(prisoner)
    assert aids.templates[0].language == "ru"
    assert aids.bilingual_template is not None
    for template in aids.templates:
        filled = services.fill_template(template, prisoner, "Anna", "Berlin", "female")
        assert "{" not in filled.text, template.title
        assert "}" not in filled.text, template.title
        assert "{" not in filled.translation, template.title


# --- the layout metrics the script counts pages with ------------------------------------------


def test_metrics_json_has_the_renderers_layout_and_the_fonts_widths(client: FlaskClient) -> None:
    response = client.get("/writing/metrics.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    etag = response.headers["ETag"]
    assert client.get("/writing/metrics.json", headers={"If-None-Match": etag}).status_code == 304
    metrics = response.get_json()
    assert metrics["font_size"] == TEXT_SIZE
    assert metrics["leading"] == TEXT_LEADING
    assert set(metrics["sizes"]) == set(SHEETS)
    # Widths in 1/1000 em: what reportlab measures, for every script a letter may be in. A
    # character the font lacks is measured (and counted) with its default width.
    widths, default = metrics["widths"], metrics["default_width"]
    blocks = {
        "Basic Latin": range(0x20, 0x7F),
        "Latin-1": range(0xA0, 0x100),
        "Latin Extended-A": range(0x100, 0x180),
        "Cyrillic": range(0x400, 0x500),
        "General Punctuation": range(0x2000, 0x2070),
        "Letterlike (№)": range(0x2100, 0x2150),
    }
    for block, code_points in blocks.items():
        for cp in code_points:
            expected = text_width(chr(cp), TEXT_SIZE)
            assert 0.001 * TEXT_SIZE * widths.get(str(cp), default) == expected, (block, hex(cp))
    assert all(str(ord(char)) in widths for char in "aZéßœŁЖжЁёЎўЇї—«»„“№")
    assert 0.001 * TEXT_SIZE * default == text_width("\U0001f600", TEXT_SIZE)
    assert 32 in metrics["whitespace"]
    assert 0xA0 in metrics["whitespace"]
    assert 10 in metrics["line_breaks"]
    assert 0x2028 in metrics["line_breaks"]


@pytest.mark.parametrize("size", list(SHEETS))
def test_metrics_lines_per_page_and_width_match_count_pages(client: FlaskClient, size: str) -> None:
    area = client.get("/writing/metrics.json").get_json()["sizes"][size]
    per_page = area["lines_per_page"]

    def pages(text: str) -> int:
        return count_pages(LetterSheet(header_name="X", text=text), size)

    # A line of "a" that just fits the text width stays one line; one more letter wraps.
    unit = text_width("a", TEXT_SIZE)
    fitting = int(area["text_width"] // unit)
    assert pages("\n".join(["a" * fitting] * per_page)) == 1
    assert pages("\n".join(["a" * fitting] * (per_page - 1) + ["a" * (fitting + 1)])) == 2
    assert pages("\n".join(["line"] * per_page)) == 1
    assert pages("\n".join(["line"] * (per_page + 1))) == 2


# --- the checks that catch what censors stop, without JavaScript -------------------------------

CENSORED = "Здравствуйте!\n\nПривет из Berlin от Anna. Буду рад(а) ответу.\n\nМой адрес: ________"


def test_without_javascript_print_letter_returns_the_page_with_what_the_checks_found(
    client: FlaskClient, prisoner_id: int
) -> None:
    response = post_letter(client, prisoner_id, CENSORED)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    findings = section(html, 'id="print-checks"')
    assert "hidden" not in findings.split(">", 1)[0]
    text = html_module.unescape(findings)
    assert "“Berlin”, “Anna”" in text
    assert "Berlin → Берлин, Anna → Анна" in text
    assert "blanks (“________”)" in text
    assert "“рад(а)”" in text
    # "Print anyway" is offered, and the letter waits in its form, as typed.
    anyway = section(html, 'id="print-anyway-field"')
    assert "hidden" not in anyway.split(">", 1)[0]
    assert 'name="print_anyway"' in anyway
    assert html_module.escape(CENSORED, quote=False) in html
    # The page comes back at the findings.
    assert f'action="/prisoners/{prisoner_id}/letter.pdf#print-checks"' in html


def test_print_anyway_prints_the_letter_as_it_is(client: FlaskClient, prisoner_id: int) -> None:
    response = post_letter(client, prisoner_id, CENSORED, print_anyway="y")
    assert response.mimetype == "application/pdf"
    assert "Привет из Berlin от Anna. Буду рад(а) ответу." in pdf_text(response.data)


def test_a_letter_the_checks_pass_prints_at_once(client: FlaskClient, prisoner_id: int) -> None:
    response = post_letter(client, prisoner_id, "Здравствуйте! Пишу вам из Берлина. Анна")
    assert response.mimetype == "application/pdf"


def test_the_page_without_findings_hides_print_anyway(
    client: FlaskClient, prisoner_id: int
) -> None:
    html = client.get(f"/prisoners/{prisoner_id}/write").get_data(as_text=True)
    assert section(html, 'id="print-checks"').split(">", 1)[0].endswith(" hidden")
    assert section(html, 'id="print-anyway-field"').split(">", 1)[0].endswith(" hidden")
    assert 'aria-live="polite"' in section(html, 'id="checks"').split(">", 1)[0]


def test_a_letter_sent_back_by_the_checks_is_neither_stored_nor_logged(
    everything_logged: pytest.LogCaptureFixture, app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    marker = "Checked-Marker-c9d1 рад(а)"
    response = post_letter(client, prisoner_id, f"Привет! {marker}")
    assert response.mimetype == "text/html"  # the checks found Latin words and a gender form
    assert "c9d1" in response.get_data(as_text=True)  # in the form of this one response only
    assert post_letter(client, prisoner_id, marker, print_anyway="y").mimetype == (
        "application/pdf"
    )
    assert rows_containing(["c9d1"]) == []
    assert "c9d1" not in everything_logged.text
    with client.session_transaction() as session:
        assert "c9d1" not in repr(dict(session))


def test_the_script_gets_the_same_rules_and_sentences_as_the_server(
    client: FlaskClient, prisoner_id: int
) -> None:
    html = client.get(f"/prisoners/{prisoner_id}/write").get_data(as_text=True)
    found = re.search(r"data-config='([^']*)'", html)
    assert found is not None
    config = json.loads(html_module.unescape(found.group(1)))
    assert config["checks"] == json.loads(
        json.dumps(checks.rules(["ru"], services.CYRILLIC_LANGUAGES))
    )
    assert "%(words)s" in config["check_messages"]["latin_words"]
    assert "%(suggestions)s" in config["check_messages"]["latin_words"]


def section(html: str, marker: str) -> str:
    """From the tag holding ``marker`` to the end of the page (the start tag first)."""
    start = html.index(marker)
    return html[html.rindex("<", 0, start) :]


# --- "I sent it" answers where it was pressed ---------------------------------------------------


def test_without_javascript_i_sent_it_answers_beside_the_button_which_is_replaced(
    client: FlaskClient, prisoner_id: int
) -> None:
    token = csrf_token(client, f"/prisoners/{prisoner_id}/write")
    response = client.post(
        f"/prisoners/{prisoner_id}/sent", data={"csrf_token": token, "back": "write"}
    )
    assert response.headers["Location"] == f"/prisoners/{prisoner_id}/write#sent"
    html = client.get(f"/prisoners/{prisoner_id}/write").get_data(as_text=True)
    sent = section(html, 'id="sent"')
    assert "shows in the count from tomorrow" in sent
    assert "shows in the count from tomorrow" not in html[: html.index('id="sent"')]
    assert re.search(r'<button type="button" id="i-sent-it" disabled>Counted — thank you<', sent)
    assert ">I sent it<" not in sent
    assert 'href="/write-next"' in sent
    assert "Write to someone else who needs a letter" in sent
    # The next view of the page is a fresh one: the button is back.
    again = client.get(f"/prisoners/{prisoner_id}/write").get_data(as_text=True)
    assert ">I sent it<" in again
    assert "shows in the count from tomorrow" not in again


def test_i_sent_it_asked_for_json_counts_and_answers_with_the_thanks(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    token = csrf_token(client, f"/prisoners/{prisoner_id}/write")
    response = client.post(
        f"/prisoners/{prisoner_id}/sent",
        data={"csrf_token": token, "back": "write"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert "is counted" in response.get_json()["message"]
    assert len(letters_sent_rows(app)) == 1
    # Nothing left flashed for the next page: the answer was given in place.
    html = client.get(f"/prisoners/{prisoner_id}/write").get_data(as_text=True)
    assert "is counted" not in html
    refused = client.post(
        f"/prisoners/{prisoner_id}/sent",
        data={"csrf_token": token, "campaign_id": "999999"},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 400
    assert "not running today" in refused.get_json()["error"]
