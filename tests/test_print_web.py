"""Printing from the web: an envelope and a letter sheet from a prisoner's page, a writer's own
return address that is printed and forgotten, the coordinators' evening pack and the group's
settings. Every PDF is opened and read back as a person would read it."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from browser import live_server, page, screenshot
from conftest import AuthActions, app_context, csrf_token, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from pdfplumber.page import Page
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.http import parse_options_header

from letters.extensions import db
from letters.models import GroupSettings, Role
from letters.printing import services
from letters.settings.services import group_settings, save_group_settings

__all__ = ["live_server", "page"]  # fixtures for the browser tests at the end

MM = 72 / 25.4  # points per millimetre
TOLERANCE_MM = 0.5

PENZA_FROM_ABROAD = [
    "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.",
    "ФКУ СИЗО-1 УФСИН России по Пензенской области",
    "ул. Каракозова, 30",
    "г. Пенза",
    "Пензенская область",
    "440039",
    "RUSSIA",
]
HEADER_NAME = "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р."
GROUP_ADDRESS = "Solidarity Group Berlin\nPostfach 12 34\n10115 Berlin"
# A home address with markup in it: it must print literally and then be gone.
HOME_ADDRESS = "Anna Zeugin <b>bold</b>\nGeheimweg 7\n12049 Berlin"


# --- helpers ----------------------------------------------------------------------------------


@contextmanager
def opened(data: bytes) -> Iterator[list[Page]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        yield list(pdf.pages)


def page_lines(data: bytes) -> list[list[str]]:
    """Every page's text, line by line, top to bottom."""
    with opened(data) as pages:
        return [(page.extract_text() or "").splitlines() for page in pages]


def page_count(data: bytes) -> int:
    with opened(data) as pages:
        return len(pages)


def without_russian_labels(lines: list[str]) -> list[str]:
    """Envelopes posted inside Russia print «От кого / Откуда / Кому / Куда» beside the first
    lines of each block; the address is what follows them."""
    return [re.sub(r"^(От кого|Откуда|Кому|Куда) ", "", line) for line in lines]


def assert_in_order(lines: list[str], expected: list[str]) -> None:
    """Each expected line is a whole line of ``lines``, in this order."""
    positions = [lines.index(line) for line in expected]  # ValueError names a missing line
    assert positions == sorted(positions), lines


def assert_in_order_wrapped(lines: list[str], expected: list[str]) -> None:
    """Each expected line is in ``lines`` read as one text (a line may wrap), in this order."""
    text = " ".join(lines)
    positions = [text.index(line) for line in expected]  # ValueError names a missing line
    assert positions == sorted(positions), lines


def assert_pdf_download(response: object, filename: str) -> None:
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.mimetype == "application/pdf"  # type: ignore[attr-defined]
    disposition = response.headers["Content-Disposition"]  # type: ignore[attr-defined]
    assert parse_options_header(disposition) == ("attachment", {"filename": filename})
    assert response.headers["Cache-Control"] == "no-store"  # type: ignore[attr-defined]
    assert response.data.startswith(b"%PDF-")  # type: ignore[attr-defined]


def html_text(response: object) -> str:
    return unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def set_group(
    app: Flask,
    return_address: str = GROUP_ADDRESS,
    home_country: str = "DE",  # where GROUP_ADDRESS is
    group_name: str = "Solidarity Group",
) -> None:
    with app_context(app):  # also for the browser tests below, which hold no context
        save_group_settings(group_name, return_address, home_country)
        db.session.commit()


def everything_stored(app: Flask) -> str:
    """Every value of every row of every table, as one text to search."""
    return "\n".join(
        repr(tuple(row))
        for table in db.metadata.sorted_tables
        for row in db.session.execute(select(table))
    )


@pytest.fixture
def pchelintsev(app: Flask) -> int:
    with app_context(app):  # also for the browser tests below, which hold no context
        prisoner = make_prisoner(make_facility(allows_paper=True))
        db.session.commit()
        return prisoner.id


@pytest.fixture
def coordinator(auth: AuthActions) -> str:
    return auth.create_and_login()


@pytest.fixture
def admin(auth: AuthActions) -> str:
    """The group's settings are an admin's."""
    return auth.create_and_login("admin@example.org", Role.ADMIN)


# --- envelope: GET ----------------------------------------------------------------------------


def test_the_envelope_is_a_pdf_download_that_no_cache_keeps(
    client: FlaskClient, pchelintsev: int
) -> None:
    response = client.get(f"/prisoners/{pchelintsev}/envelope.pdf?size=C5&from=DE")

    assert_pdf_download(response, f"envelope-C5-{pchelintsev}.pdf")


@pytest.mark.parametrize(
    ("size", "width_mm", "height_mm"),
    [
        ("DL", 220, 110),
        ("C6", 162, 114),
        ("C5", 229, 162),
        ("C4", 324, 229),
        ("US10", 241.3, 104.8),
    ],
)
def test_each_envelope_size_prints_on_its_own_page_size_landscape(
    client: FlaskClient, pchelintsev: int, size: str, width_mm: float, height_mm: float
) -> None:
    response = client.get(f"/prisoners/{pchelintsev}/envelope.pdf", query_string={"size": size})

    assert_pdf_download(response, f"envelope-{size}-{pchelintsev}.pdf")
    with opened(response.data) as pages:
        assert len(pages) == 1
        assert pages[0].width / MM == pytest.approx(width_mm, abs=TOLERANCE_MM)
        assert pages[0].height / MM == pytest.approx(height_mm, abs=TOLERANCE_MM)


def test_the_default_envelope_is_dl(client: FlaskClient, pchelintsev: int) -> None:
    response = client.get(f"/prisoners/{pchelintsev}/envelope.pdf")

    assert_pdf_download(response, f"envelope-DL-{pchelintsev}.pdf")
    with opened(response.data) as pages:
        assert pages[0].width / MM == pytest.approx(220, abs=TOLERANCE_MM)


def test_the_recipient_lines_print_in_order_with_the_dative_name_and_year(
    client: FlaskClient, pchelintsev: int
) -> None:
    response = client.get(f"/prisoners/{pchelintsev}/envelope.pdf?from=DE&return=none")

    [lines] = page_lines(response.data)
    assert_in_order(lines, PENZA_FROM_ABROAD)
    assert HEADER_NAME in lines  # Cyrillic extracted exactly, as one line


def test_posted_inside_russia_there_is_no_country_line(
    client: FlaskClient, pchelintsev: int
) -> None:
    response = client.get(f"/prisoners/{pchelintsev}/envelope.pdf?from=ru")

    text = "\n".join(page_lines(response.data)[0])
    assert HEADER_NAME in text
    assert "440039" in text
    assert "RUSSIA" not in text


def test_without_from_the_groups_home_country_applies_and_empty_means_abroad(
    app: Flask, client: FlaskClient, pchelintsev: int
) -> None:
    set_group(app, home_country="RU")

    default = "\n".join(page_lines(client.get(f"/prisoners/{pchelintsev}/envelope.pdf").data)[0])
    abroad = page_lines(client.get(f"/prisoners/{pchelintsev}/envelope.pdf?from=").data)[0]

    assert "RUSSIA" not in default
    assert abroad[-1] == "RUSSIA"


def test_the_groups_return_address_prints_by_default_and_not_with_return_none(
    app: Flask, client: FlaskClient, pchelintsev: int
) -> None:
    set_group(app)

    default = page_lines(client.get(f"/prisoners/{pchelintsev}/envelope.pdf?from=DE").data)[0]
    group = page_lines(
        client.get(f"/prisoners/{pchelintsev}/envelope.pdf?from=DE&return=group").data
    )[0]
    none = page_lines(
        client.get(f"/prisoners/{pchelintsev}/envelope.pdf?from=DE&return=none").data
    )[0]

    for lines in (default, group):
        assert_in_order(lines, GROUP_ADDRESS.splitlines())
        # The sender reads first: top-left, above the recipient.
        assert lines.index("10115 Berlin") < lines.index(HEADER_NAME)
    assert not set(GROUP_ADDRESS.splitlines()) & set(none)
    assert_in_order(none, PENZA_FROM_ABROAD)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("size=B5", "Unknown envelope size “B5”: use one of DL, C6, C5, C4, US10."),
        ("from=XX", "Posted from: no country is called “XX”"),
        ("from=Narnia", "Posted from: no country is called “Narnia”"),
        ("return=Geheimweg 7", "A return address of your own is typed into the form"),
    ],
)
def test_a_bad_choice_in_the_url_is_a_400_that_says_what_is_wrong(
    client: FlaskClient, pchelintsev: int, query: str, message: str
) -> None:
    response = client.get(f"/prisoners/{pchelintsev}/envelope.pdf?{query}")

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert message in html_text(response)


def test_an_unlisted_or_unknown_prisoner_has_no_envelope(app: Flask, client: FlaskClient) -> None:
    hidden = make_prisoner(is_listed=False).id
    db.session.commit()

    assert client.get(f"/prisoners/{hidden}/envelope.pdf").status_code == 404
    assert client.get(f"/prisoners/{hidden}/envelope.pdf?return=own").status_code == 404
    assert client.get("/prisoners/999999/envelope.pdf").status_code == 404


def test_without_a_facility_there_is_no_envelope_and_the_page_says_why(
    app: Flask, client: FlaskClient
) -> None:
    prisoner = make_prisoner()
    prisoner.facility = None
    db.session.commit()
    prisoner_id = prisoner.id

    # Said at once, and again before anyone types a return address for nothing.
    for query in ("", "?return=own"):
        response = client.get(f"/prisoners/{prisoner_id}/envelope.pdf{query}")

        assert response.status_code == 404
        assert "Where Дмитрий Дмитриевич Пчелинцев (Dmitry Pchelintsev) is held is not known" in (
            html_text(response)
        )


# --- envelope: the writer's own return address ------------------------------------------------


def own_address_page(client: FlaskClient, prisoner_id: int, query: str = "") -> str:
    return f"/prisoners/{prisoner_id}/envelope.pdf?return=own{query}"


def test_choosing_my_own_address_shows_the_warning_first_and_prints_nothing(
    client: FlaskClient, pchelintsev: int
) -> None:
    response = client.get(own_address_page(client, pchelintsev, "&size=C5&from=DE"))

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = html_text(response)
    assert "The prison reads the envelope, and in Russia so does the security service." in html
    assert "A group address or a proxy address" in html
    assert 'method="post"' in html
    assert f'action="/prisoners/{pchelintsev}/envelope.pdf"' in html
    # The choices made on the profile carry over.
    assert '<option selected value="C5">' in html
    assert 'id="own-from" list="countries" name="from" type="text" value="Germany (DE)"' in html


def test_my_own_return_address_needs_a_csrf_token(
    app: Flask, client: FlaskClient, pchelintsev: int
) -> None:
    response = client.post(
        f"/prisoners/{pchelintsev}/envelope.pdf",
        data={
            "size": "DL",
            "from": "DE",
            "return_address": HOME_ADDRESS,
            "confirm_home_address": "y",
        },
    )

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Geheimweg" not in everything_stored(app)


def test_my_own_return_address_is_refused_without_the_confirmation(
    client: FlaskClient, pchelintsev: int
) -> None:
    token = csrf_token(client, own_address_page(client, pchelintsev))

    response = client.post(
        f"/prisoners/{pchelintsev}/envelope.pdf",
        data={"csrf_token": token, "size": "DL", "from": "DE", "return_address": HOME_ADDRESS},
    )

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    html = html_text(response)
    assert "Confirm that you have read the warning." in html
    assert "The prison reads the envelope" in html


def test_a_return_address_too_long_for_the_envelope_is_refused(
    client: FlaskClient, pchelintsev: int
) -> None:
    token = csrf_token(client, own_address_page(client, pchelintsev))

    response = client.post(
        f"/prisoners/{pchelintsev}/envelope.pdf",
        data={
            "csrf_token": token,
            "return_address": "\n".join(f"line {n}" for n in range(7)),
            "confirm_home_address": "y",
        },
    )

    assert response.status_code == 400
    assert "at most 6 lines" in html_text(response)


def test_my_own_return_address_prints_literally_and_is_neither_stored_nor_logged(
    app: Flask, client: FlaskClient, pchelintsev: int, caplog: pytest.LogCaptureFixture
) -> None:
    set_group(app)
    caplog.set_level(logging.DEBUG)
    token = csrf_token(client, own_address_page(client, pchelintsev))

    response = client.post(
        f"/prisoners/{pchelintsev}/envelope.pdf",
        data={
            "csrf_token": token,
            "size": "C6",
            "from": "DE",
            "return_address": HOME_ADDRESS.replace("\n", "\r\n"),  # as a browser sends it
            "return_country": "DE",
            "confirm_home_address": "y",
        },
    )

    logged = caplog.text  # before reading the PDF back, which logs its own parsing
    assert_pdf_download(response, f"envelope-C6-{pchelintsev}.pdf")
    [lines] = page_lines(response.data)
    # A C6 is narrow: long lines wrap (rather than shrink below 10 pt), so read the text whole.
    assert_in_order_wrapped(lines, [*HOME_ADDRESS.splitlines(), "GERMANY", *PENZA_FROM_ABROAD])
    assert "Solidarity Group Berlin" not in lines  # instead of the group's, not as well
    with client.session_transaction() as session:
        remembered = repr(dict(session))
    for trace in ("Geheimweg", "Zeugin"):
        assert trace not in everything_stored(app)
        assert trace not in logged
        assert trace not in remembered  # not in the session cookie either
        assert trace not in str(response.headers)


# --- letter sheet -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "width_mm", "height_mm"), [("A4", 210, 297), ("LETTER", 215.9, 279.4)]
)
def test_the_letter_sheet_has_the_header_on_every_page(
    client: FlaskClient, pchelintsev: int, size: str, width_mm: float, height_mm: float
) -> None:
    response = client.get(f"/prisoners/{pchelintsev}/sheet.pdf?size={size}&pages=3")

    assert_pdf_download(response, f"letter-sheet-{size}-{pchelintsev}.pdf")
    with opened(response.data) as pages:
        assert len(pages) == 3
        for number, page in enumerate(pages, start=1):
            assert page.width / MM == pytest.approx(width_mm, abs=TOLERANCE_MM)
            assert page.height / MM == pytest.approx(height_mm, abs=TOLERANCE_MM)
            text = page.extract_text()
            assert HEADER_NAME in text
            # In Russian for a Russian prison, whatever the writer's interface language.
            assert f"стр. {number} из 3" in text


@pytest.mark.parametrize(
    ("languages", "page", "enclosed", "reply"),
    [
        ("de", "Seite 1 von 1", "Ein leeres Blatt für Ihre Antwort liegt bei.", "Papier für Ihre"),
        ("en", "page 1 of 1", "A blank sheet for your reply is enclosed.", "Paper for your"),
        ("es", "page 1 of 1", "A blank sheet for your reply is enclosed.", "Paper for your"),
        ("es de", "Seite 1 von 1", "Ein leeres Blatt für Ihre Antwort liegt bei.", "Papier für"),
        ("ru", "стр. 1 из 1", "Прилагается чистый лист для вашего ответа.", "Бумага для"),
        ("", "page 1 of 1", "A blank sheet for your reply is enclosed.", "Paper for your"),
    ],
)
def test_the_letter_sheet_to_a_prison_outside_russia_and_belarus_speaks_the_readers_language(
    app: Flask, client: FlaskClient, languages: str, page: str, enclosed: str, reply: str
) -> None:
    """German for a German reader, English where there are no captions in their language (no
    Spanish ones), the first language they read that has captions (Spanish, then German)."""
    us = make_prisoner(
        make_facility(
            name="FCI Dublin",
            street_address="5701 8th St",
            city="Dublin",
            country_area="CA",
            postal_code="94568",
            country_code="US",
            allows_paper=True,
        ),
        prisoner_number="12345-678",
        languages=languages,
    ).id
    db.session.commit()
    # The writer's interface is Russian: the words on the sheet are for the reader, not for them.
    response = client.get(f"/prisoners/{us}/sheet.pdf?reply=1", headers={"Accept-Language": "ru"})
    with opened(response.data) as pages:
        letter, reply_sheet = (" ".join(p.extract_text().split()) for p in pages)
    assert page in letter
    assert enclosed in letter
    assert reply in reply_sheet


def test_the_reply_sheet_comes_only_when_asked_and_the_prison_allows_paper(
    app: Flask, client: FlaskClient, pchelintsev: int
) -> None:
    no_paper = make_prisoner(make_facility(name="ФКУ ИК-7", allows_paper=False)).id
    unknown = make_prisoner(make_facility(name="ФКУ ИК-8", allows_paper=None)).id
    db.session.commit()

    def pages(prisoner_id: int, query: str) -> int:
        return page_count(client.get(f"/prisoners/{prisoner_id}/sheet.pdf{query}").data)

    assert pages(pchelintsev, "") == 1
    assert pages(pchelintsev, "?reply=1") == 2
    assert pages(no_paper, "?reply=1") == 1
    assert pages(unknown, "?reply=1") == 1
    last = page_lines(client.get(f"/prisoners/{pchelintsev}/sheet.pdf?reply=1").data)[-1]
    assert HEADER_NAME in "\n".join(last)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("size=A5", "Unknown paper size “A5”: use one of A4, LETTER."),
        ("fold=B4", "Unknown envelope size “B4”"),
        ("pages=50", "Between 1 and 10 ruled pages."),
    ],
)
def test_a_bad_sheet_choice_is_a_400_that_says_what_is_wrong(
    client: FlaskClient, pchelintsev: int, query: str, message: str
) -> None:
    response = client.get(f"/prisoners/{pchelintsev}/sheet.pdf?{query}")

    assert response.status_code == 400
    assert message in html_text(response)


def test_an_unlisted_prisoner_has_no_letter_sheet(app: Flask, client: FlaskClient) -> None:
    hidden = make_prisoner(is_listed=False).id
    db.session.commit()

    assert client.get(f"/prisoners/{hidden}/sheet.pdf").status_code == 404


# --- the prisoner's page ----------------------------------------------------------------------


def test_the_profile_offers_envelope_and_sheet_with_plain_get_forms(
    app: Flask, client: FlaskClient, pchelintsev: int
) -> None:
    set_group(app, home_country="DE")

    html = html_text(client.get(f"/prisoners/{pchelintsev}"))

    assert f'<form method="get" action="/prisoners/{pchelintsev}/envelope.pdf">' in html
    assert f'<form method="get" action="/prisoners/{pchelintsev}/sheet.pdf">' in html
    assert "Print envelope" in html
    assert "Print letter sheet" in html
    assert 'name="size"' in html
    # The group's home country is chosen until the browser remembers another.
    assert (
        'id="envelope-from" list="countries" name="from" type="text" value="Germany (DE)"' in html
    )
    assert "Solidarity Group Berlin" in html  # what "the group's address" means
    assert 'value="own"' in html  # my own address: leads to the warning first
    assert 'name="reply"' in html  # the prison allows paper
    # The browser remembers the choices through a script served here, never inline.
    assert '<script src="/static/print.js" defer></script>' in html
    assert 'data-remember="envelope-size"' in html
    assert '<script src="/static/posted_from.js" defer></script>' in html
    assert 'data-posted-from="default"' in html


def test_print_js_keeps_the_choices_in_the_browser_only(client: FlaskClient) -> None:
    with client.get("/static/print.js") as response:
        script = response.get_data(as_text=True)

    assert "localStorage" in script
    for leak in ("fetch(", "XMLHttpRequest", "http://", "https://", "document.cookie"):
        assert leak not in script


def test_without_a_facility_the_profile_offers_the_sheet_but_no_envelope(
    app: Flask, client: FlaskClient
) -> None:
    prisoner = make_prisoner()
    prisoner.facility = None
    db.session.commit()
    prisoner_id = prisoner.id

    html = html_text(client.get(f"/prisoners/{prisoner_id}"))

    assert "An envelope can be printed once it is known where they are held." in html
    assert "/envelope.pdf" not in html
    assert f"/prisoners/{prisoner_id}/sheet.pdf" in html


# --- coordinators: the evening pack -----------------------------------------------------------


def pack_form(client: FlaskClient, prisoner_ids: list[int], **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf_token(client, "/manage/print/pack"),
        "prisoner_ids": [str(i) for i in prisoner_ids],
        "envelopes": "1",
        "size": "DL",
        "from": "DE",
        "return_choice": "group",
        "label_sheet": "L7160",
        "start_at": "1",
    }
    data.update({name: str(value) for name, value in fields.items()})
    return data


@pytest.fixture
def evening(app: Flask) -> list[int]:
    """Three listed prisoners with a facility, one unlisted, one whose facility is unknown."""
    penza = make_facility()
    ids = [
        make_prisoner(penza).id,
        make_prisoner(penza, family_name="Кулик", given_names="Анна", patronymic="").id,
        make_prisoner(penza, family_name="Черных", given_names="Иван", patronymic="").id,
    ]
    make_prisoner(penza, family_name="Скрытый", is_listed=False)
    nowhere = make_prisoner(family_name="Безадресный")
    nowhere.facility = None
    db.session.commit()
    return ids


@pytest.mark.usefixtures("coordinator")
def test_the_pack_page_offers_every_listed_prisoner_with_a_facility_ticked(
    client: FlaskClient, evening: list[int]
) -> None:
    html = html_text(client.get("/manage/print/pack"))

    for prisoner_id in evening:
        assert re.search(
            rf'<input checked id="prisoner_ids-\d+" name="prisoner_ids" '
            rf'type="checkbox" value="{prisoner_id}">',
            html,
        ), prisoner_id
    assert "Скрытый" not in html
    assert "Безадресный" not in html


def unzip(data: bytes) -> dict[str, bytes]:
    """The files in a zip, by name, in the order they were written."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def page_sizes_mm(data: bytes) -> list[tuple[float, float]]:
    """Each page's media box in millimetres (pypdf: what a printer is told the paper is)."""
    reader = PdfReader(io.BytesIO(data))
    return [
        (round(float(p.mediabox.width) / MM, 1), round(float(p.mediabox.height) / MM, 1))
        for p in reader.pages
    ]


@pytest.mark.usefixtures("coordinator")
@pytest.mark.parametrize(
    ("envelopes", "label_sheet", "start_at", "files"),
    [
        (
            2,
            "L7160",
            1,
            {
                "0-handout-ru-A4.pdf": (1, (210, 297)),
                "1-cards-A4.pdf": (3, (210, 297)),
                "2-envelopes-DL.pdf": (6, (220, 110)),
                "3-labels-L7160-A4.pdf": (1, (210, 297)),
            },
        ),
        (
            1,
            "L7160",
            21,
            {
                "0-handout-ru-A4.pdf": (1, (210, 297)),
                "1-cards-A4.pdf": (3, (210, 297)),
                "2-envelopes-DL.pdf": (3, (220, 110)),
                "3-labels-L7160-A4.pdf": (2, (210, 297)),
            },
        ),
        # 5160 labels cannot hold these Russian addresses at 8 pt: see
        # test_the_pack_is_refused_naming_everyone_whose_label_would_print_too_small.
        (
            0,
            "L7160",
            20,
            {
                "0-handout-ru-A4.pdf": (1, (210, 297)),
                "1-cards-A4.pdf": (3, (210, 297)),
                "3-labels-L7160-A4.pdf": (2, (210, 297)),
            },
        ),
    ],
)
def test_the_pack_is_a_zip_of_one_pdf_per_paper_each_named_for_its_paper(
    client: FlaskClient,
    evening: list[int],
    envelopes: int,
    label_sheet: str,
    start_at: int,
    files: dict[str, tuple[int, tuple[float, float]]],
) -> None:
    response = client.post(
        "/manage/print/pack",
        data=pack_form(
            client, evening, envelopes=envelopes, label_sheet=label_sheet, start_at=start_at
        ),
    )

    assert response.status_code == 200, html_text(response)
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    kind, options = parse_options_header(response.headers["Content-Disposition"])
    assert kind == "attachment"
    assert re.fullmatch(r"evening-pack-\d{4}-\d\d-\d\d\.zip", options["filename"])
    pdfs = unzip(response.data)
    assert list(pdfs) == list(files)  # in the order they are printed
    for name, (pages, paper) in files.items():
        sizes = page_sizes_mm(pdfs[name])
        assert len(sizes) == pages, name
        for size in sizes:  # one paper a file
            assert size == pytest.approx(paper, abs=TOLERANCE_MM), name
    if envelopes:
        # Prisoners by name (Кулик, Пчелинцев, Черных), each one's envelopes together.
        with opened(pdfs["2-envelopes-DL.pdf"]) as pages:
            for page in pages[envelopes : 2 * envelopes]:
                assert_in_order(page.extract_text().splitlines(), PENZA_FROM_ABROAD)


@pytest.mark.usefixtures("coordinator")
@pytest.mark.parametrize(
    ("run", "filename", "pages"),
    [
        ("handouts", "0-handouts-A4.pdf", 1),
        ("cards", "1-cards-A4.pdf", 3),
        ("envelopes", "2-envelopes-DL.pdf", 6),
        ("labels", "3-labels-L7160-A4.pdf", 1),
    ],
)
def test_each_paper_run_downloads_on_its_own(
    client: FlaskClient, evening: list[int], run: str, filename: str, pages: int
) -> None:
    response = client.post(
        "/manage/print/pack", data=pack_form(client, evening, envelopes=2, run=run)
    )

    assert_pdf_download(response, filename)
    assert page_count(response.data) == pages


@pytest.mark.usefixtures("coordinator")
def test_the_pack_page_offers_the_zip_each_run_and_the_outline_option_off(
    client: FlaskClient, evening: list[int]
) -> None:
    html = html_text(client.get("/manage/print/pack"))

    for run in ("all", "handouts", "cards", "envelopes", "labels"):
        assert f'name="run" value="{run}"' in html
    assert html.index('value="all"') < html.index('value="handouts"')  # Enter gets the zip
    assert re.search(r'<input id="outlines" name="outlines" type="checkbox" value="y">', html)


@pytest.mark.usefixtures("coordinator")
def test_a_run_with_nothing_to_print_says_so(client: FlaskClient, evening: list[int]) -> None:
    response = client.post(
        "/manage/print/pack", data=pack_form(client, evening, envelopes=0, run="envelopes")
    )

    assert response.status_code == 400
    assert "Nothing in this pack prints on that paper." in html_text(response)
    assert "3-labels-L7160-A4.pdf" in html_text(response)


@pytest.mark.usefixtures("coordinator")
def test_the_outline_option_makes_a_test_print_of_the_labels(
    client: FlaskClient, evening: list[int]
) -> None:
    plain = client.post("/manage/print/pack", data=pack_form(client, evening, run="labels"))
    data = pack_form(client, evening, run="labels", outlines="y")
    outlined = client.post("/manage/print/pack", data=data)

    assert_pdf_download(plain, "3-labels-L7160-A4.pdf")
    assert_pdf_download(outlined, "3-labels-L7160-A4-outlines.pdf")
    with opened(plain.data) as pages:
        assert not pages[0].curves
        assert not pages[0].rects
    with opened(outlined.data) as pages:
        # A rounded rectangle per label used (three prisoners), nothing for the free ones.
        assert len(pages[0].curves) + len(pages[0].rects) == 3


@pytest.mark.usefixtures("coordinator")
def test_the_pack_prints_only_the_prisoners_left_ticked(
    client: FlaskClient, evening: list[int]
) -> None:
    data = pack_form(client, evening[:1], envelopes=2)
    pdfs = unzip(client.post("/manage/print/pack", data=data).data)

    assert [page_count(pdf) for pdf in pdfs.values()] == [1, 1, 2, 1]
    with opened(pdfs["1-cards-A4.pdf"]) as pages:
        assert "Пчелинцев" in pages[0].extract_text()


@pytest.mark.usefixtures("coordinator")
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prisoner_ids": []}, "Choose at least one prisoner."),
        ({"start_at": 22}, "A L7160 sheet has labels 1 to 21"),
        ({"envelopes": 21}, "Between 0 and 20 envelopes per prisoner."),
    ],
)
def test_a_pack_that_cannot_print_says_why(
    client: FlaskClient, evening: list[int], fields: dict[str, object], message: str
) -> None:
    data = pack_form(client, evening)
    data.update(fields)

    response = client.post("/manage/print/pack", data=data)

    assert response.mimetype == "text/html"
    assert message in html_text(response)


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_pack(
    app: Flask, client: FlaskClient, evening: list[int]
) -> None:
    app.config["WTF_CSRF_ENABLED"] = False  # so the refusal is the login gate's
    for response in (
        client.get("/manage/print/pack"),
        client.post("/manage/print/pack", data={"prisoner_ids": [str(evening[0])]}),
    ):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


# --- coordinators: the group's settings -------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_saved_settings_are_used_by_the_next_envelope(
    app: Flask, client: FlaskClient, pchelintsev: int
) -> None:
    response = client.post(
        "/manage/settings",
        data={
            "csrf_token": csrf_token(client, "/manage/settings"),
            "group_name": "Solidarity Group",
            "return_address": "Solidarity Group Berlin\r\n\r\nPostfach 12 34\r\n10115 Berlin\r\n",
            "home_country": "RU",
        },
    )

    assert response.status_code == 302
    assert "The group&#39;s settings were saved." in client.get("/manage/settings").get_data(
        as_text=True
    )
    settings = group_settings()
    assert settings.return_address == GROUP_ADDRESS  # blank line dropped, LF only
    assert settings.home_country == "RU"
    lines = page_lines(client.get(f"/prisoners/{pchelintsev}/envelope.pdf").data)[0]
    assert "RUSSIA" not in lines  # posted from the group's home country, Russia
    assert_in_order(
        without_russian_labels(lines), [*GROUP_ADDRESS.splitlines(), HEADER_NAME, "440039"]
    )


@pytest.mark.usefixtures("admin")
def test_settings_refuse_a_return_address_that_does_not_fit(
    app: Flask, client: FlaskClient
) -> None:
    response = client.post(
        "/manage/settings",
        data={
            "csrf_token": csrf_token(client, "/manage/settings"),
            "group_name": "Solidarity Group",
            "return_address": "x" * 101,
            "home_country": "XX",
        },
    )

    assert response.status_code == 200
    html = html_text(response)
    assert "Each line of a return address has at most 100 characters." in html
    assert "Not a valid choice" in html
    assert db.session.get(GroupSettings, 1) is None  # nothing saved


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_settings(
    app: Flask, client: FlaskClient
) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    for response in (
        client.get("/manage/settings"),
        client.post("/manage/settings", data={"group_name": "Taken over"}),
    ):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert "Taken over" not in everything_stored(app)


@pytest.mark.usefixtures("coordinator")
def test_a_coordinator_may_not_change_the_settings(app: Flask, client: FlaskClient) -> None:
    token = csrf_token(client, "/manage/prisoners")
    assert client.get("/manage/settings").status_code == 403
    response = client.post("/manage/settings", data={"csrf_token": token, "group_name": "Taken"})
    assert response.status_code == 403
    assert db.session.get(GroupSettings, 1) is None


@pytest.mark.usefixtures("coordinator")
def test_coordinators_find_the_print_pack_in_the_menu(client: FlaskClient) -> None:
    html = client.get("/manage/prisoners").get_data(as_text=True)

    assert 'href="/manage/print/pack"' in html
    assert 'href="/manage/settings"' not in html  # an admin's page


@pytest.mark.usefixtures("admin")
def test_admins_find_the_settings_in_the_menu(client: FlaskClient) -> None:
    html = client.get("/manage/prisoners").get_data(as_text=True)

    assert 'href="/manage/print/pack"' in html
    assert 'href="/manage/settings"' in html


# --- in a real browser ------------------------------------------------------------------------
# A live server in other threads: real commits, and the database restored afterwards.


@pytest.mark.commits
def test_the_browser_remembers_size_and_country_and_one_click_downloads_the_envelope(
    app: Flask, page: Any, pchelintsev: int
) -> None:
    set_group(app)
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(f"/prisoners/{pchelintsev}")
    page.select_option("#envelope-size", "C5")
    page.fill("#envelope-from", "Germany (DE)")
    page.press("#envelope-from", "Tab")  # the choice is made when the box is left
    page.reload()

    # Remembered in this browser (localStorage), not by the server.
    assert page.input_value("#envelope-size") == "C5"
    assert page.input_value("#envelope-from") == "Germany (DE)"
    with page.expect_download() as download_info:
        page.click("text=Print envelope")
    download = download_info.value
    assert download.suggested_filename == f"envelope-C5-{pchelintsev}.pdf"
    [lines] = page_lines(Path(download.path()).read_bytes())
    assert_in_order(lines, [*GROUP_ADDRESS.splitlines(), *PENZA_FROM_ABROAD])
    screenshot(page, "print-01-profile")
    assert console_errors == []  # no script blocked by the Content-Security-Policy
    assert page.requested_hosts == {"127.0.0.1"}  # type: ignore[attr-defined]


@pytest.mark.commits
def test_in_a_browser_my_own_address_needs_the_confirmation(
    app: Flask, page: Any, pchelintsev: int
) -> None:
    page.goto(f"/prisoners/{pchelintsev}")
    page.check("#envelope-return-2")
    page.click("text=Print envelope")
    assert "The prison reads the envelope" in page.inner_text("main")
    page.fill("textarea[name=return_address]", HOME_ADDRESS)
    screenshot(page, "print-02-own-return-address")

    own_page = page.url
    page.click("main button[type=submit]")  # without ticking the confirmation
    # The browser itself refuses (the server refuses too: see the tests above).
    assert page.eval_on_selector("#own-confirm", "box => box.validity.valueMissing")
    assert page.url == own_page

    page.check("#own-confirm")
    page.fill("#own-return-country", "Germany (DE)")  # posted from abroad: it goes abroad
    with page.expect_download() as download_info:
        page.click("main button[type=submit]")
    [lines] = page_lines(Path(download_info.value.path()).read_bytes())
    assert_in_order(lines, [*HOME_ADDRESS.splitlines(), "GERMANY"])


# --- the name and number in a letter page's header ---------------------------------------------


@pytest.mark.parametrize(
    ("facility", "prisoner", "expected"),
    [
        # Russia prints the year of birth, never the number: a number "199" is not in
        # "1992 г.р." for this purpose and must still reach the header.
        ({}, {"prisoner_number": "199"}, ("Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р.", "199")),
        # The US prints the number on the name line, so the header does not repeat it.
        (
            {
                "name": "FCI Dublin",
                "street_address": "5701 8th St. - Camp Parks",
                "city": "Dublin",
                "country_area": "CA",
                "postal_code": "94568",
                "country_code": "US",
            },
            {
                "family_name": "Doe",
                "given_names": "John",
                "patronymic": "",
                "latin_name": "",
                "prisoner_number": "12345-678",
            },
            ("John Doe 12345-678", ""),
        ),
    ],
)
def test_the_page_header_gives_the_number_only_where_the_name_line_does_not(
    ctx: None, facility: dict[str, str], prisoner: dict[str, str], expected: tuple[str, str]
) -> None:
    someone = make_prisoner(make_facility(**facility), **prisoner)
    assert services.header_name(someone) == expected


# --- the sender's country on international mail -----------------------------------------------


def test_the_groups_return_address_ends_with_its_country_on_mail_abroad_only(
    app: Flask, client: FlaskClient, pchelintsev: int
) -> None:
    set_group(app, home_country="DE")
    jva = make_prisoner(
        make_facility(
            name="JVA Rosdorf",
            street_address="Am Großen Sieke 8",
            city="Rosdorf",
            country_area="",
            postal_code="37124",
            country_code="DE",
        ),
        family_name="Weber",
        given_names="Lena",
        patronymic="",
        latin_name="",
    )
    db.session.commit()

    for posted_from in ("DE", ""):  # from Germany, and from somewhere abroad
        [lines] = page_lines(
            client.get(f"/prisoners/{pchelintsev}/envelope.pdf?from={posted_from}").data
        )
        assert_in_order(lines, [*GROUP_ADDRESS.splitlines(), "GERMANY", *PENZA_FROM_ABROAD])
    # Posted inside Germany to a German prison: no country line for either block.
    [lines] = page_lines(client.get(f"/prisoners/{jva.id}/envelope.pdf?from=DE").data)
    assert_in_order(lines, GROUP_ADDRESS.splitlines())
    assert "GERMANY" not in lines
    # Posted inside Russia to a Russian prison: none either, though the address is in Berlin.
    [lines] = page_lines(client.get(f"/prisoners/{pchelintsev}/envelope.pdf?from=RU").data)
    assert "GERMANY" not in lines
    assert "RUSSIA" not in lines


def test_a_return_address_in_russia_gets_the_same_country_line_as_a_recipient_there(
    app: Flask, client: FlaskClient
) -> None:
    set_group(app, "Петровой Ольге\nул. Ленина, д. 1\nг. Москва\n123456", home_country="RU")
    jane = make_prisoner(
        make_facility(
            name="FCI Dublin",
            street_address="5701 8th St. - Camp Parks",
            city="Dublin",
            country_area="CA",
            postal_code="94568",
            country_code="US",
        ),
        family_name="Roe",
        given_names="Jane",
        patronymic="",
        latin_name="Jane Roe",
        prisoner_number="12345-678",
    )
    db.session.commit()

    [lines] = page_lines(client.get(f"/prisoners/{jane.id}/envelope.pdf?from=RU&size=C5").data)

    assert_in_order(lines, ["г. Москва", "123456", "RUSSIA", "JANE ROE 12345-678"])


def test_a_typed_country_line_is_not_repeated(
    app: Flask, client: FlaskClient, pchelintsev: int
) -> None:
    set_group(app, GROUP_ADDRESS + "\nDeutschland", home_country="DE")

    [lines] = page_lines(client.get(f"/prisoners/{pchelintsev}/envelope.pdf?from=DE").data)

    assert_in_order(lines, [*GROUP_ADDRESS.splitlines(), "Deutschland", *PENZA_FROM_ABROAD])
    assert "GERMANY" not in lines


def test_the_own_address_form_asks_for_its_country_preset_to_where_it_is_posted_from(
    client: FlaskClient, pchelintsev: int
) -> None:
    html = client.get(own_address_page(client, pchelintsev, "&from=DE")).get_data(as_text=True)

    assert "Country of your return address" in html
    preset = 'id="own-return-country" list="countries" name="return_country" type="text" '
    assert preset + 'value="Germany (DE)"' in html


def own_address(client: FlaskClient, prisoner_id: int, **fields: str) -> Any:
    token = csrf_token(client, own_address_page(client, prisoner_id))
    data = {
        "csrf_token": token,
        "size": "DL",
        "from": "DE",
        "return_address": HOME_ADDRESS,
        "confirm_home_address": "y",
        **fields,
    }
    return client.post(f"/prisoners/{prisoner_id}/envelope.pdf", data=data)


def test_my_own_address_ends_with_the_country_i_choose(
    client: FlaskClient, pchelintsev: int
) -> None:
    response = own_address(client, pchelintsev, return_country="AT")

    [lines] = page_lines(response.data)
    assert_in_order(lines, [*HOME_ADDRESS.splitlines(), "AUSTRIA", *PENZA_FROM_ABROAD])


def test_my_own_address_going_abroad_without_a_country_is_refused_on_the_country_field(
    app: Flask, client: FlaskClient, pchelintsev: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = own_address(client, pchelintsev, return_country="")

    assert response.status_code == 400
    html = html_text(response)
    error = html.split('for="own-return-country"', 1)[1].split('<div class="field', 1)[0]
    assert "This letter goes abroad: choose the country of your return address" in error
    assert "Geheimweg" not in caplog.text
    assert "Geheimweg" not in everything_stored(app)


def test_my_own_address_needs_no_country_inside_one_country_or_when_typed(
    client: FlaskClient, pchelintsev: int
) -> None:
    # Posted inside Russia to a Russian prison: the country would be noise.
    response = own_address(client, pchelintsev, **{"from": "RU", "return_country": ""})
    assert response.status_code == 200
    assert "GERMANY" not in page_lines(response.data)[0]
    # Typed as the last line of the address: printed as typed, once.
    response = own_address(
        client, pchelintsev, return_address=HOME_ADDRESS + "\nGermany", return_country=""
    )
    assert response.status_code == 200
    [lines] = page_lines(response.data)
    assert_in_order(lines, [*HOME_ADDRESS.splitlines(), "Germany", *PENZA_FROM_ABROAD])


def test_an_unknown_country_for_my_own_address_is_named(
    client: FlaskClient, pchelintsev: int
) -> None:
    response = own_address(client, pchelintsev, return_country="XX")

    assert response.status_code == 400
    assert "Country of your return address: no country is called “XX”" in html_text(response)


@pytest.mark.usefixtures("coordinator")
def test_the_pack_envelopes_end_the_groups_address_with_its_country(
    app: Flask, client: FlaskClient, evening: list[int]
) -> None:
    set_group(app, home_country="DE")

    response = client.post("/manage/print/pack", data=pack_form(client, evening[:1]))

    assert response.mimetype == "application/zip"
    [envelope] = page_lines(unzip(response.data)["2-envelopes-DL.pdf"])
    assert_in_order(envelope, [*GROUP_ADDRESS.splitlines(), "GERMANY", *PENZA_FROM_ABROAD])


@pytest.mark.usefixtures("admin")
def test_settings_refuse_a_return_address_without_a_country_and_say_why(
    app: Flask, client: FlaskClient
) -> None:
    response = client.post(
        "/manage/settings",
        data={
            "csrf_token": csrf_token(client, "/manage/settings"),
            "group_name": "Solidarity Group",
            "return_address": GROUP_ADDRESS,
            "home_country": "",
        },
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    error = unescape(html.split('for="home_country"', 1)[1].split('<div class="field', 1)[0])
    assert "Choose the home country" in error
    assert "cannot be delivered cannot come back" in error
    assert "how the group learns that an address is stale" in error
    assert db.session.get(GroupSettings, 1) is None  # nothing saved


@pytest.mark.usefixtures("admin")
@pytest.mark.parametrize(
    ("return_address", "home_country"),
    [(GROUP_ADDRESS, "DE"), (GROUP_ADDRESS + "\nGERMANY", ""), ("", "")],
)
def test_settings_take_a_return_address_with_a_country_or_none_at_all(
    app: Flask, client: FlaskClient, return_address: str, home_country: str
) -> None:
    response = client.post(
        "/manage/settings",
        data={
            "csrf_token": csrf_token(client, "/manage/settings"),
            "group_name": "Solidarity Group",
            "return_address": return_address,
            "home_country": home_country,
        },
    )

    assert response.status_code == 302
    assert group_settings().home_country == home_country


@pytest.mark.usefixtures("admin")
def test_settings_stored_without_a_country_warn_on_every_visit(
    app: Flask, client: FlaskClient
) -> None:
    # As stored before the country was asked for.
    db.session.add(
        GroupSettings(id=1, group_name="G", return_address=GROUP_ADDRESS, home_country="")
    )
    db.session.commit()

    html = html_text(client.get("/manage/settings"))

    above_the_form = html.split("<h1>", 1)[1].split('action="/manage/settings"', 1)[0]
    assert "Choose the home country" in above_the_form
