"""The Russian catalogue: complete, compiled, placeholders intact, and actually used.

After changing a user-facing string, refresh the catalogue:

    flask --app app translate update
    (translate the new or fuzzy entries in letters/translations/ru/LC_MESSAGES/messages.po)
    flask --app app translate compile
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from conftest import make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from letters import ROOT
from letters.extensions import db
from letters.models import GuidelineSection

TRANSLATIONS = ROOT / "letters" / "translations"
RU_PO = TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.po"
RU_MO = TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.mo"

# %(name)s, %(count)d, %s, %%; {name}, {writer:рад|рада}, and the escaped braces {{ and }}.
PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"\{\{|\}\}|\{[^{}]*\}")


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def messages(catalog: Catalog) -> dict[tuple[str, ...], tuple[str, ...]]:
    """msgid → translation for every real entry (the header has an empty msgid); plural ids and
    forms as tuples (read_mo gives lists, read_po tuples)."""
    return {ids_of(message): strings_of(message) for message in catalog if message.id}


def placeholders(text: str) -> set[str]:
    return set(PERCENT.findall(text)) | set(BRACES.findall(text))


def ids_of(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def strings_of(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, tuple | list) else (string,)


def extracted_msgids() -> Iterator[tuple[str | tuple[str, ...], str | None, str]]:
    """What ``pybabel extract -F babel.cfg -k _l -k lazy_pgettext:1c,2`` finds in the code:
    (msgid, context, where)."""
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_pgettext": DEFAULT_KEYWORDS["pgettext"]}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        yield message, context, f"{filename}:{lineno}"


@pytest.fixture(scope="module")
def ru() -> Catalog:
    return read_catalog(RU_PO)


# --- the files ----------------------------------------------------------------------------------


def test_the_committed_mo_matches_the_po(ru: Catalog, tmp_path: Path) -> None:
    fresh = tmp_path / "messages.mo"
    with fresh.open("wb") as file:
        write_mo(file, ru)
    with fresh.open("rb") as file:
        expected = read_mo(file)
    with RU_MO.open("rb") as file:
        committed = read_mo(file)

    # A stale .mo shows old or missing Russian text: run `flask --app app translate compile`.
    assert messages(committed) == messages(expected)
    assert committed.plural_forms == expected.plural_forms


def test_every_string_in_the_code_has_a_russian_translation(ru: Catalog) -> None:
    untranslated = []
    for msgid, context, where in extracted_msgids():
        message = ru.get(msgid, context=context)
        if message is None:
            untranslated.append(f"{where}: not in the catalogue: {msgid!r}")
        elif message.fuzzy:
            untranslated.append(f"{where}: fuzzy: {msgid!r}")
        elif not all(strings_of(message)):
            untranslated.append(f"{where}: empty translation: {msgid!r}")

    assert untranslated == []


def test_the_catalogue_has_no_fuzzy_or_empty_entries(ru: Catalog) -> None:
    assert not ru.fuzzy, "the header is marked fuzzy: pybabel compile would skip the catalogue"
    unfinished = [m.id for m in ru if m.id and (m.fuzzy or not all(strings_of(m)))]
    assert unfinished == []
    assert ru.num_plurals == 3  # one, few, many: 1 письмо, 2 письма, 5 писем


def test_translations_keep_every_placeholder(ru: Catalog) -> None:
    changed = {}
    for message in ru:
        if not message.id:
            continue
        wanted = set().union(*(placeholders(msgid) for msgid in ids_of(message)))
        for translation in strings_of(message):
            found = placeholders(translation)
            if found != wanted:
                changed[translation] = (sorted(wanted), sorted(found))

    assert changed == {}
    # Babel's own check: python-format placeholders agree in name and type.
    assert [(message.id, errors) for message, errors in ru.check()] == []


def test_the_placeholder_check_notices_a_lost_placeholder() -> None:
    assert placeholders("%(name)s was added.") == {"%(name)s"}
    assert placeholders("Добавлено.") == set()
    assert placeholders("{{ or }}, {name}/{number}, {writer:рад|рада}") == {
        "{{",
        "}}",
        "{name}",
        "{number}",
        "{writer:рад|рада}",
    }
    assert placeholders("At least %(count)d characters") != placeholders("%(count)s символов")


# --- the pages ----------------------------------------------------------------------------------


@pytest.fixture
def prisoner_id(app: Flask) -> int:
    """A listed prisoner, and one guideline section in English and Russian."""
    prisoner = make_prisoner()
    db.session.execute(delete(GuidelineSection))  # a fresh database holds the seeded ones
    for language, title in (("en", "Your first letter"), ("ru", "Первое письмо")):
        db.session.add(
            GuidelineSection(slug="first-letter", language=language, title=title, body="…")
        )
    db.session.commit()
    return prisoner.id


def page(client: FlaskClient, path: str, language: str) -> str:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


# For each page: a few pieces of Russian UI text, and the English they translate.
PAGES = {
    "/prisoners": [
        ("Напишите политзаключённому", "Write to a political prisoner"),
        ("Письма заключённым", "Letters to prisoners"),
        ("Памятка", "Guidelines"),
        ("Найти", "Search"),
    ],
    "/prisoners/{id}": [
        ("Написать письмо", "Write a letter"),
        ("Что можно вложить в письмо", "What the prison allows in a letter"),
        ("Лист для письма", "Letter sheet"),
        ("Я отправил(а)", "I sent it"),
        ("Откуда вы отправляете", "I am posting from"),
    ],
    "/guidelines": [
        ("Как писать заключённым: памятка", "Writing to a prisoner: guidelines"),
        ("Содержание", "Contents"),
        ("К содержанию", "Back to contents"),
    ],
    "/login": [
        ("Вход для координаторов.", "For coordinators."),
        ("Электронная почта", "E-mail address"),
        ("Пароль", "Password"),
    ],
}


@pytest.mark.parametrize("path", PAGES)
def test_pages_speak_russian_to_russian_readers(
    client: FlaskClient, prisoner_id: int, path: str
) -> None:
    html = page(client, path.format(id=prisoner_id), "ru-RU,ru;q=0.9,en;q=0.5")

    assert '<html lang="ru">' in html
    for russian, english in PAGES[path]:
        assert russian in html
        assert english not in html


@pytest.mark.parametrize("path", PAGES)
def test_pages_speak_english_to_english_readers(
    client: FlaskClient, prisoner_id: int, path: str
) -> None:
    html = page(client, path.format(id=prisoner_id), "en-GB,en;q=0.9")

    assert '<html lang="en">' in html
    for russian, english in PAGES[path]:
        assert english in html
        assert russian not in html


def test_a_plural_follows_russian_rules(app: Flask) -> None:
    from flask_babel import ngettext

    with app.test_request_context(headers={"Accept-Language": "ru"}):
        said = [ngettext("%(num)s prisoner", "%(num)s prisoners", n) for n in (1, 3, 5, 21)]

    assert said == [
        "1 заключённый",
        "3 заключённых",
        "5 заключённых",
        "21 заключённый",
    ]
