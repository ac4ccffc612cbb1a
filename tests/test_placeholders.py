"""The placeholder registry on its own: no app, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from letters.drafting.placeholders import (
    BLANK,
    GENDERED_FORMS,
    PLACEHOLDERS,
    LetterContext,
    fill,
    gendered_word,
    is_latin_script,
    names,
    unknown_placeholders,
)
from letters.models import Gender, Prisoner

TODAY = date(2025, 2, 5)

DMITRY = LetterContext(
    prisoner_given_names="Дмитрий",
    prisoner_patronymic="Дмитриевич",
    prisoner_family_name="Пчелинцев",
    prisoner_latin_name="Dmitry Pchelintsev",
    prisoner_gender="male",
    writer_name="Анна",
    writer_city="Берлин",
    writer_gender="female",
    today=TODAY,
)
MARIA = replace(
    DMITRY,
    prisoner_given_names="Мария",
    prisoner_patronymic="Александровна",
    prisoner_family_name="Колесникова",
    prisoner_latin_name="Maria Kalesnikava",
    prisoner_gender="female",
)


def test_the_registry_holds_the_documented_placeholders_in_order() -> None:
    assert names()[:6] == [
        "prisoner_first_name",
        "prisoner_name_patronymic",
        "prisoner_full_name",
        "writer_name",
        "writer_city",
        "today",
    ]
    assert len(set(names())) == len(names())


@pytest.mark.parametrize("placeholder", PLACEHOLDERS, ids=lambda p: p.name)
@pytest.mark.parametrize("context", [DMITRY, MARIA], ids=["male", "female"])
@pytest.mark.parametrize("text", ["Привет, {}!", "Hello, {}!"], ids=["cyrillic", "latin"])
def test_every_placeholder_renders(placeholder, context, text) -> None:
    filled = fill(text.format(placeholder.token), context)
    assert "{" not in filled
    assert "}" not in filled
    assert filled != text.format("")
    assert str(placeholder.description).strip()


def test_descriptions_are_translatable_strings_for_the_help_table() -> None:
    for item in [*PLACEHOLDERS, *GENDERED_FORMS]:
        assert item.token.startswith("{")
        assert item.token.endswith("}")
        assert len(str(item.description)) > 20
    assert BLANK in str(PLACEHOLDERS[names().index("writer_name")].description)


def test_names_in_a_cyrillic_template() -> None:
    body = (
        "{prisoner_first_name} / {prisoner_name_patronymic} / {prisoner_full_name} / "
        "{writer_name} из {writer_city}, {today}"
    )
    assert fill(body, DMITRY) == (
        "Дмитрий / Дмитрий Дмитриевич / Дмитрий Дмитриевич Пчелинцев / Анна из Берлин, 05.02.2025"
    )


def test_a_latin_template_uses_the_latin_name_and_an_unambiguous_date() -> None:
    body = "Dear {prisoner_first_name} ({prisoner_full_name}), {today}"
    assert fill(body, DMITRY) == "Dear Dmitry (Dmitry Pchelintsev), 2025-02-05"


def test_a_latin_template_without_a_latin_name_falls_back_to_the_record() -> None:
    context = replace(DMITRY, prisoner_latin_name="")
    assert fill("Dear {prisoner_first_name},", context) == "Dear Дмитрий,"


def test_name_and_patronymic_without_a_patronymic_is_the_first_name() -> None:
    context = replace(DMITRY, prisoner_patronymic="")
    assert fill("Здравствуйте, {prisoner_name_patronymic}!", context) == "Здравствуйте, Дмитрий!"


def test_an_empty_writer_name_or_town_leaves_a_visible_blank() -> None:
    context = replace(DMITRY, writer_name="", writer_city="")
    assert fill("Меня зовут {writer_name}, город {writer_city}.", context) == (
        f"Меня зовут {BLANK}, город {BLANK}."
    )


@pytest.mark.parametrize(
    ("writer", "expected"),
    [("male", "Буду рад ответу."), ("female", "Буду рада ответу."), (None, "Буду рад(а) ответу.")],
)
def test_the_writer_form_follows_the_writer_gender(writer, expected) -> None:
    context = replace(DMITRY, writer_gender=writer)
    assert fill("Буду {writer:рад|рада} ответу.", context) == expected


@pytest.mark.parametrize(
    ("prisoner", "expected"),
    [("male", "Вы не один."), ("female", "Вы не одна."), (None, "Вы не один/одна.")],
)
def test_the_prisoner_form_follows_the_prisoner_gender(prisoner, expected) -> None:
    context = replace(DMITRY, prisoner_gender=prisoner)
    assert fill("Вы не {prisoner:один|одна}.", context) == expected


def test_unknown_gender_joins_a_suffix_in_parentheses_and_other_pairs_with_a_slash() -> None:
    assert gendered_word("решил", "решила", None) == "решил(а)"
    assert gendered_word("один", "одна", None) == "один/одна"
    assert gendered_word("Дорогой", "Дорогая", None) == "Дорогой/Дорогая"
    # German "Lieber|Liebe": the feminine is shorter, not a suffix; both forms in full.
    assert gendered_word("Lieber", "Liebe", None) == "Lieber/Liebe"


def test_both_roles_in_one_letter() -> None:
    body = "{writer:Рад|Рада}, что вы не {prisoner:один|одна}."
    assert fill(body, DMITRY) == "Рада, что вы не один."
    assert fill(body, replace(MARIA, writer_gender="male")) == "Рад, что вы не одна."


def _prisoner(**fields) -> Prisoner:
    values = {"family_name": "Пчелинцев", "given_names": "Дмитрий", "patronymic": "Дмитриевич"}
    values.update(fields)
    return Prisoner(**values)


def test_context_for_a_prisoner_infers_the_gender_from_the_patronymic() -> None:
    maria = _prisoner(family_name="Иванова", given_names="Мария", patronymic="Алексеевна")
    context = LetterContext.for_prisoner(maria, "Anna", "Berlin", "female", today=TODAY)
    assert context.prisoner_gender == "female"
    assert fill("Вы не {prisoner:один|одна}.", context) == "Вы не одна."
    assert LetterContext.for_prisoner(_prisoner()).prisoner_gender == "male"


def test_context_for_a_prisoner_prefers_the_recorded_gender() -> None:
    # «Саша Ким»: neither the name nor the surname tells; the record does.
    sasha = _prisoner(given_names="Саша", family_name="Ким", patronymic="", gender=Gender.FEMALE)
    assert LetterContext.for_prisoner(sasha).prisoner_gender == "female"


def test_context_for_a_prisoner_copies_names_writer_and_date() -> None:
    context = LetterContext.for_prisoner(
        _prisoner(latin_name="Dmitry Pchelintsev"), " Anna ", "Berlin", "female", today=TODAY
    )
    assert context.prisoner_given_names == "Дмитрий"
    assert context.prisoner_latin_name == "Dmitry Pchelintsev"
    assert (context.writer_name, context.writer_city, context.writer_gender) == (
        "Anna",
        "Berlin",
        "female",
    )
    assert context.today == TODAY
    assert LetterContext.for_prisoner(_prisoner()).today == date.today()


def test_an_unknown_writer_gender_value_counts_as_unknown() -> None:
    context = LetterContext.for_prisoner(_prisoner(), writer_gender="other")
    assert context.writer_gender is None
    assert fill("{writer:рад|рада}", context) == "рад(а)"


def test_unknown_and_malformed_placeholders_are_listed_once_in_order() -> None:
    body = (
        "{prisoner_name} {writer:рад} {writer:рад|} {writer:|рада} {writer:a|b|c} "
        "{friend:рад|рада} {prisoner_name} {Writer_Name} {} "
        "{writer:рад|рада} {prisoner:один|одна} {prisoner_first_name} {today}"
    )
    assert unknown_placeholders(body) == [
        "prisoner_name",
        "writer:рад",
        "writer:рад|",
        "writer:|рада",
        "writer:a|b|c",
        "friend:рад|рада",
        "Writer_Name",
        "",
    ]


def test_stray_braces_are_reported_and_printed_as_they_are() -> None:
    body = "Здравствуйте, {prisoner_first_name!\nДо встречи, {writer_name}}"
    assert unknown_placeholders(body) == ["{prisoner_first_name!", "}"]
    assert fill(body, DMITRY) == "Здравствуйте, {prisoner_first_name!\nДо встречи, Анна}"


def test_unknown_placeholders_print_as_written() -> None:
    assert fill("Привет, {prisoner_name}!", DMITRY) == "Привет, {prisoner_name}!"


def test_doubled_braces_print_single_braces() -> None:
    body = "{{prisoner_first_name}} — {{{writer_name}}} {{ }}"
    assert unknown_placeholders(body) == []
    assert fill(body, DMITRY) == "{prisoner_first_name} — {Анна} { }"


def test_a_valid_template_has_no_unknown_placeholders() -> None:
    body = "\n".join(p.token for p in PLACEHOLDERS) + "\n{writer:рад|рада} {prisoner:один|одна}"
    assert unknown_placeholders(body) == []


def test_script_is_judged_by_the_template_words_not_the_placeholders() -> None:
    assert is_latin_script("Dear {prisoner_first_name},")
    assert not is_latin_script("Дорогой {prisoner_first_name}!")
    assert not is_latin_script("{writer_name}")  # no words at all: Cyrillic by default
