"""The checks that catch what censors stop (letters.writing.checks): Latin words in a letter to
a reader of Russian, blanks left unfilled, both gender forms left side by side. The browser
runs the same patterns (tests/test_browser_checks.py); here, the rules themselves."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from letters.drafting.placeholders import BLANK, gendered_word
from letters.writing import checks
from letters.writing.services import CYRILLIC_LANGUAGES


def check(text: str, reads: list[str] | None = None) -> checks.Findings:
    return checks.check_letter(text, ["ru"] if reads is None else reads, CYRILLIC_LANGUAGES)


def test_latin_words_in_a_russian_letter_are_named() -> None:
    found = check("Здравствуйте! Меня зовут Anna, я из города Berlin. Привет от Anna.")
    assert found.latin_words == ["Anna", "Berlin"]
    assert found


def test_latin_words_are_fine_to_a_reader_of_a_latin_language() -> None:
    assert not check("Dear Dmitry, greetings from Berlin.", ["ru", "en"])
    assert not check("Hallo aus Berlin!", ["de"])


def test_nobody_is_told_about_latin_words_when_the_languages_are_unknown() -> None:
    # The language check already says "nobody has recorded…"; naming every word adds nothing.
    assert not check("Hello from Berlin", [])


def test_a_whole_english_paragraph_names_only_the_first_words() -> None:
    found = check("Привет!\n\n" + "one two three four five six seven eight nine ten " * 3)
    assert len(found.latin_words) == checks.MAX_WORDS_NAMED


def test_blanks_the_templates_leave_and_any_run_of_underscores_are_found() -> None:
    assert check(f"Меня зовут {BLANK}.").blanks == 1
    assert check("Город: ___ , улица: ______").blanks == 2
    assert not check("Слово_с_подчёркиванием и __ два")


@pytest.mark.parametrize(
    ("masculine", "feminine"), [("рад", "рада"), ("один", "одна"), ("должен", "должна")]
)
def test_both_gender_forms_as_the_templates_print_them_are_found(
    masculine: str, feminine: str
) -> None:
    both = gendered_word(masculine, feminine, None)
    assert check(f"Буду {both} ответу.").gender_forms == [both]
    assert not check(f"Буду {gendered_word(masculine, feminine, 'female')} ответу.")


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        ("Я рад(а) и (а) ещё", ["рад(а)", "(а)"]),
        ("Ты Один/одна?", ["Один/одна"]),
        ("Сам(а) знаешь", ["Сам(а)"]),
    ],
)
def test_gender_forms_in_any_case(text: str, forms: list[str]) -> None:
    assert check(text).gender_forms == forms


@pytest.mark.parametrize(
    "text", ["чай и/или кофе", "60 км/ч", "(см. выше)", "мама (Анна) пишет", "Привет (с) 2025"]
)
def test_slashes_and_brackets_that_are_not_gender_forms_pass(text: str) -> None:
    assert check(text).gender_forms == []


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Berlin", "Берлин"),
        ("Anna", "Анна"),
        ("Schmidt", "Шмидт"),
        ("Zhukov", "Жуков"),
        ("Yulia", "Юлиа"),
        ("sasha", "саша"),
    ],
)
def test_transliteration_suggests_a_cyrillic_spelling(latin: str, cyrillic: str) -> None:
    assert checks.transliterate(latin) == cyrillic


def test_the_rules_are_patterns_both_python_and_the_browser_read() -> None:
    rules = checks.rules(["ru"], CYRILLIC_LANGUAGES)
    for key in ("latin_word", "blank", "gender_form"):
        re.compile(rules[key])
        # Nothing only Python understands: no named groups, no inline flags, no \\A or \\Z.
        assert not re.search(r"\(\?P|\(\?[aiLmsux]|\\[AZ]", rules[key]), key
    assert checks.rules(["en"], CYRILLIC_LANGUAGES)["latin_word"] is None
    spellings = [latin for latin, _ in rules["transliteration"]]
    assert spellings == sorted(spellings, key=len, reverse=True)


def test_findings_are_said_with_the_words_and_their_suggestions(app: Flask) -> None:
    with app.test_request_context():
        said = checks.say(
            check(f"Привет от Anna из Berlin! Я рад(а). {BLANK}"),
            checks.messages("Дмитрий", "Russian"),
        )
    assert len(said) == 3
    assert "“Anna”, “Berlin”" in said[0]
    assert "Anna → Анна, Berlin → Берлин" in said[0]
    assert "Дмитрий reads only Russian" in said[0]
    assert "blanks" in said[1]
    assert "“рад(а)”" in said[2]
