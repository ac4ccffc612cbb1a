"""Writing aids kept by coordinators: letter templates, the phrasebook, words to avoid, and
their seed."""

from __future__ import annotations

from datetime import date
from itertools import product
from typing import Any

import pytest
from conftest import AuthActions, csrf_token, inline_scripts, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, insert, select

from letters.drafting import services
from letters.drafting.placeholders import LetterContext, fill, unknown_placeholders
from letters.extensions import db
from letters.models import AvoidTerm, LetterTemplate, Occasion, Phrase
from letters.validation import max_length

SEED_REVISION = "a2_seed_writing_aids"
BEFORE_SEED = "a1_seed_guidelines"

TEMPLATE = {
    "occasion": "first_letter",
    "language": "ru",
    "title": "Короткое письмо",
    "body": "Здравствуйте, {prisoner_first_name}!\r\nБуду {writer:рад|рада} ответу.",
    "translation": "Hello, {prisoner_first_name}!\r\nI would be glad of a reply.",
    "position": "0",
}
PHRASE = {"russian": "Берегите себя.", "english": "Take care.", "german": "", "position": "0"}
AVOID = {"words": "война; Войны; war", "reason": "The censor stops it.", "position": "0"}


@pytest.fixture(autouse=True)
def no_writing_aids(request: pytest.FixtureRequest, ctx: None) -> None:
    """Start each test without templates, phrases or avoid terms (a new install has the seed;
    the deletion is committed inside the test's transaction, which is rolled back). Tests of
    the seed keep it (``seeded``)."""
    if "seeded" in request.fixturenames:
        return
    for model in (LetterTemplate, Phrase, AvoidTerm):
        db.session.execute(delete(model))
    db.session.commit()


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def post(client: FlaskClient, path: str, data: dict[str, str], form_page: str = "") -> Any:
    token = csrf_token(client, form_page or path)
    return client.post(path, data={**data, "csrf_token": token})


def add_template(**fields: Any) -> LetterTemplate:
    values = {
        "occasion": "first_letter",
        "language": "ru",
        "title": "Письмо",
        "body": "Здравствуйте, {prisoner_first_name}!",
    }
    values.update(fields)
    template = services.save_template(None, services.TemplateData(**values))
    db.session.commit()
    return template


# --- letter templates on the web --------------------------------------------------------------


def test_coordinator_adds_a_template(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    response = post(client, "/manage/templates/new", TEMPLATE)
    assert response.status_code == 302
    template = db.session.scalars(select(LetterTemplate)).one()
    assert response.headers["Location"].endswith(f"/manage/templates/{template.id}/edit")
    assert template.occasion == Occasion.FIRST_LETTER
    assert template.language == "ru"
    # Browsers send CRLF; letters keep LF.
    assert template.body == "Здравствуйте, {prisoner_first_name}!\nБуду {writer:рад|рада} ответу."
    assert template.translation.startswith("Hello, {prisoner_first_name}!\n")
    listing = client.get("/manage/templates").get_data(as_text=True)
    assert "Короткое письмо" in listing
    assert "First letter" in listing


@pytest.mark.parametrize(
    ("field", "text", "named"),
    [
        ("body", "Здравствуйте, {prisoner_nmae}!", "{prisoner_nmae}"),
        ("body", "Буду {writer:рад} ответу.", "{writer:рад}"),
        ("body", "Здравствуйте, {prisoner_first_name!", "{prisoner_first_name!"),
        ("translation", "Hello, {first_name}!", "{first_name}"),
        ("body", "Empty braces {} and a stray }", "{}, }"),
    ],
)
def test_a_template_with_an_unknown_placeholder_is_refused_and_nothing_is_stored(
    app: Flask, client: FlaskClient, auth: AuthActions, field: str, text: str, named: str
) -> None:
    auth.create_and_login()
    response = post(client, "/manage/templates/new", {**TEMPLATE, field: text})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Unknown placeholder(s): " + named in html
    assert 'aria-invalid="true"' in html
    assert count(LetterTemplate) == 0


def test_editing_a_template_into_an_unknown_placeholder_keeps_the_saved_text(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    template_id = add_template().id
    path = f"/manage/templates/{template_id}/edit"
    response = post(client, path, {**TEMPLATE, "body": "Привет, {name}!"})
    assert response.status_code == 200
    assert "Unknown placeholder(s): {name}" in response.get_data(as_text=True)
    template = db.session.get(LetterTemplate, template_id)
    assert template is not None
    assert template.body == "Здравствуйте, {prisoner_first_name}!"
    assert template.title == "Письмо"


def test_coordinator_edits_a_template(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    template_id = add_template().id
    path = f"/manage/templates/{template_id}/edit"
    response = post(client, path, {**TEMPLATE, "occasion": "birthday", "language": "DE "})
    assert response.status_code == 302
    template = db.session.get(LetterTemplate, template_id)
    assert template is not None
    assert (template.occasion, template.language) == (Occasion.BIRTHDAY, "de")


def test_the_edit_page_shows_the_placeholders_and_a_preview(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    template_id = add_template(
        body="Здравствуйте, {prisoner_name_patronymic}!\nБуду {writer:рад|рада} ответу.\n"
        "{writer_name}, {writer_city}",
        translation="Hello, {prisoner_first_name}! {writer_name}, {writer_city}",
    ).id
    html = client.get(f"/manage/templates/{template_id}/edit").get_data(as_text=True)
    for name in ("{prisoner_first_name}", "{prisoner_name_patronymic}", "{writer:рад|рада}"):
        assert f"<code>{name}</code>" in html
    assert "the polite Russian way to address someone" in html
    # The example: Anna in Berlin (a woman) writes to Дмитрий Дмитриевич (a man).
    assert "Здравствуйте, Дмитрий Дмитриевич!\nБуду рада ответу.\nАнна, Берлин" in html
    assert "Hello, Dmitry! Anna, Berlin" in html
    assert inline_scripts(html) == []
    assert "style=" not in html


def test_preview_shows_unsaved_text_and_saves_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    data = {**TEMPLATE, "body": "Вы не {prisoner:один|одна}.", "action": "preview"}
    response = post(client, "/manage/templates/new", data)
    assert response.status_code == 200
    assert "Вы не один." in response.get_data(as_text=True)
    assert count(LetterTemplate) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "x" * 201, "Too long: 201 characters, at most 200."),
        ("title", "", "Title is required."),
        ("body", "я" * 5001, "Too long: 5001 characters, at most 5000."),
        ("body", "   ", "Text is required."),
        ("language", "russian", "is not a two-letter language code"),
        ("occasion", "wedding", "Not a valid choice"),
        ("position", "-1", "A number from 0 to 100000."),
    ],
)
def test_template_fields_are_checked_with_clear_messages(
    app: Flask, client: FlaskClient, auth: AuthActions, field: str, value: str, message: str
) -> None:
    auth.create_and_login()
    response = post(client, "/manage/templates/new", {**TEMPLATE, field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(LetterTemplate) == 0


def test_coordinator_deletes_a_template(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    template_id = add_template().id
    path = f"/manage/templates/{template_id}/delete"
    response = post(client, path, {}, form_page=f"/manage/templates/{template_id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/manage/templates")
    assert count(LetterTemplate) == 0


# --- letter templates in the service ----------------------------------------------------------


def test_the_service_refuses_an_unknown_placeholder_and_stores_nothing(ctx: None) -> None:
    bad = services.TemplateData("first_letter", "ru", "Письмо", "Привет, {prisoner_name}!")
    with pytest.raises(services.InvalidData) as refused:
        services.save_template(None, bad)
    assert "{prisoner_name}" in refused.value.errors["body"][0]
    db.session.commit()
    assert count(LetterTemplate) == 0


def test_the_service_leaves_an_existing_template_alone_when_it_refuses(ctx: None) -> None:
    template = add_template()
    bad = services.TemplateData("birthday", "en", "New", "{writer:рад|рада|радо}", "{x}")
    with pytest.raises(services.InvalidData) as refused:
        services.save_template(template, bad)
    assert set(refused.value.errors) == {"body", "translation"}
    db.session.commit()
    db.session.expire_all()
    assert (template.title, template.language, template.occasion) == (
        "Письмо",
        "ru",
        "first_letter",
    )


def test_templates_come_by_occasion_then_position_and_filter_by_language(ctx: None) -> None:
    add_template(occasion="on_release", language="en", title="e")
    add_template(occasion="first_letter", language="ru", title="b", position=5)
    add_template(occasion="first_letter", language="ru", title="a", position=1)
    add_template(occasion="birthday", language="ru", title="c")
    assert [t.title for t in services.templates_for()] == ["a", "b", "c", "e"]
    assert [t.title for t in services.templates_for("RU")] == ["a", "b", "c"]
    assert sorted({t.language for t in services.templates_for()}) == ["en", "ru"]


def test_the_bilingual_template_is_the_russian_first_letter_with_a_translation(
    ctx: None,
) -> None:
    add_template(title="without")
    assert services.bilingual_template() is None
    add_template(title="with", translation="Hello!")
    template = services.bilingual_template()
    assert template is not None
    assert template.title == "with"


# --- phrasebook -------------------------------------------------------------------------------


def test_coordinator_adds_edits_and_deletes_a_phrase(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    assert post(client, "/manage/phrases", PHRASE).status_code == 302
    phrase = db.session.scalars(select(Phrase)).one()
    assert (phrase.russian, phrase.english, phrase.german) == (
        "Берегите себя.",
        "Take care.",
        "",
    )
    phrase_id = phrase.id
    assert "Берегите себя." in client.get("/manage/phrases").get_data(as_text=True)

    edit = f"/manage/phrases/{phrase_id}/edit"
    response = post(client, edit, {**PHRASE, "german": "Passen Sie auf sich auf."})
    assert response.status_code == 302
    assert db.session.scalars(select(Phrase.german)).one() == "Passen Sie auf sich auf."

    response = post(client, f"/manage/phrases/{phrase_id}/delete", {}, form_page="/manage/phrases")
    assert response.status_code == 302
    assert count(Phrase) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("russian", "", "Russian is required."),
        ("english", "", "English is required."),
        ("russian", "я" * 301, "Too long: 301 characters, at most 300."),
        ("german", "x" * 301, "Too long: 301 characters, at most 300."),
    ],
)
def test_phrase_fields_are_checked(
    app: Flask, client: FlaskClient, auth: AuthActions, field: str, value: str, message: str
) -> None:
    auth.create_and_login()
    response = post(client, "/manage/phrases", {**PHRASE, field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(Phrase) == 0


# --- words and topics to avoid ----------------------------------------------------------------


def test_coordinator_adds_edits_and_deletes_an_avoid_entry(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    response = post(client, "/manage/avoid", {**AVOID, "words": " война ;Войны; ;war;война"})
    assert response.status_code == 302
    term = db.session.scalars(select(AvoidTerm)).one()
    assert term.words == "война; Войны; war"
    term_id = term.id

    edit = f"/manage/avoid/{term_id}/edit"
    assert post(client, edit, {**AVOID, "reason": "Another reason."}).status_code == 302
    assert db.session.scalars(select(AvoidTerm.reason)).one() == "Another reason."

    response = post(client, f"/manage/avoid/{term_id}/delete", {}, form_page="/manage/avoid")
    assert response.status_code == 302
    assert count(AvoidTerm) == 0


def test_a_topic_needs_a_reason_but_no_words(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    assert post(client, "/manage/avoid", {**AVOID, "words": ""}).status_code == 302
    assert "(a topic: reason only)" in client.get("/manage/avoid").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reason", "", "Reason is required."),
        ("words", "война, войны", "Separate the words with “;”, not with commas."),
        ("words", "я" * 2001, "Too long: 2001 characters, at most 2000."),
        ("reason", "x" * 2001, "Too long: 2001 characters, at most 2000."),
    ],
)
def test_avoid_fields_are_checked(
    app: Flask, client: FlaskClient, auth: AuthActions, field: str, value: str, message: str
) -> None:
    auth.create_and_login()
    response = post(client, "/manage/avoid", {**AVOID, field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(AvoidTerm) == 0


def test_avoid_rules_are_lowercased_forms_with_their_reason(ctx: None) -> None:
    services.save_avoid_term(None, services.AvoidTermData("Война; СВО; политзаключённый", "R1"))
    services.save_avoid_term(None, services.AvoidTermData("", "A topic."))
    db.session.commit()
    assert services.avoid_rules() == [
        {"words": ["война", "сво", "политзаключённый", "политзаключенный"], "reason": "R1"},
        {"words": [], "reason": "A topic."},
    ]


def test_find_avoided_matches_whole_words_and_phrases(ctx: None) -> None:
    services.save_avoid_term(None, services.AvoidTermData("война; мне вас жаль", "R1"))
    services.save_avoid_term(None, services.AvoidTermData("сво", "R2"))
    db.session.commit()
    assert services.find_avoided("Как дела? Погода свободная.") == []  # "сво" inside a word
    assert services.find_avoided("ВОЙНА. Мне\nвас жаль.") == [
        {"words": ["война", "мне вас жаль"], "reason": "R1"}
    ]
    assert services.find_avoided("про СВО") == [{"words": ["сво"], "reason": "R2"}]


# --- access and CSRF --------------------------------------------------------------------------


def _seed_one_of_each() -> dict[str, int]:
    template = add_template()
    phrase = services.save_phrase(None, services.PhraseData("Привет.", "Hi."))
    term = services.save_avoid_term(None, services.AvoidTermData("война", "Reason."))
    db.session.commit()
    return {"template": template.id, "phrase": phrase.id, "term": term.id}


POSTS = [
    ("/manage/templates/new", TEMPLATE),
    ("/manage/templates/{template}/edit", {**TEMPLATE, "title": "Changed"}),
    ("/manage/templates/{template}/delete", {}),
    ("/manage/phrases", PHRASE),
    ("/manage/phrases/{phrase}/edit", {**PHRASE, "english": "Changed"}),
    ("/manage/phrases/{phrase}/delete", {}),
    ("/manage/avoid", AVOID),
    ("/manage/avoid/{term}/edit", {**AVOID, "reason": "Changed"}),
    ("/manage/avoid/{term}/delete", {}),
]


def _snapshot() -> list[Any]:
    return [
        sorted((t.title, t.body) for t in db.session.scalars(select(LetterTemplate))),
        sorted((p.russian, p.english) for p in db.session.scalars(select(Phrase))),
        sorted((a.words, a.reason) for a in db.session.scalars(select(AvoidTerm))),
    ]


@pytest.mark.parametrize(("path", "data"), POSTS, ids=[p for p, _ in POSTS])
def test_posts_without_a_csrf_token_are_refused_and_write_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, path: str, data: dict[str, str]
) -> None:
    auth.create_and_login()
    ids = _seed_one_of_each()
    before = _snapshot()
    response = client.post(path.format(**ids), data=data)
    assert response.status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize(("path", "data"), POSTS, ids=[p for p, _ in POSTS])
def test_anonymous_visitors_cannot_change_writing_aids(
    app: Flask, client: FlaskClient, path: str, data: dict[str, str]
) -> None:
    app.config["WTF_CSRF_ENABLED"] = False  # so the refusal proves the role gate
    ids = _seed_one_of_each()
    before = _snapshot()
    response = client.post(path.format(**ids), data=data)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert _snapshot() == before


PAGES = [
    "/manage/templates",
    "/manage/templates/new",
    "/manage/templates/{template}/edit",
    "/manage/phrases",
    "/manage/phrases/{phrase}/edit",
    "/manage/avoid",
    "/manage/avoid/{term}/edit",
]


def test_coordinator_pages_open_for_coordinators_only(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    ids = _seed_one_of_each()
    for page in PAGES:
        response = client.get(page.format(**ids))
        assert response.status_code == 302, page
        assert "/login" in response.headers["Location"], page
    auth.create_and_login()
    for page in PAGES:
        response = client.get(page.format(**ids))
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert inline_scripts(html) == [], page
        assert "style=" not in html, page


def test_missing_rows_are_404(client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    for page in (
        "/manage/templates/999/edit",
        "/manage/phrases/999/edit",
        "/manage/avoid/999/edit",
    ):
        assert client.get(page).status_code == 404


# --- the seed ---------------------------------------------------------------------------------


@pytest.fixture
def seeded(ctx: None) -> None:
    """The seed exactly as the migration wrote it: every test starts from a new install, and
    this one keeps it (see ``no_writing_aids``)."""


def test_the_seed_has_every_occasion_in_russian_english_and_german(seeded: None) -> None:
    templates = services.templates_for()
    assert len(templates) == 15
    pairs = {(t.occasion, t.language) for t in templates}
    seeded_occasions = [o for o in Occasion if o != Occasion.OTHER]
    assert pairs == set(product(seeded_occasions, ["ru", "en", "de"]))
    for template in templates:
        assert template.title.strip()
        if template.language != "en":
            assert template.translation.strip(), template.title
            # Line by line, so the meaning can sit beside the text.
            body_lines = template.body.splitlines()
            assert len(template.translation.splitlines()) == len(body_lines), template.title
        assert 5 <= len([line for line in template.body.splitlines() if line.strip()]) <= 12
    assert sorted({t.language for t in templates}) == ["de", "en", "ru"]
    bilingual = services.bilingual_template()
    assert bilingual is not None
    assert bilingual.language == "ru"
    assert bilingual.occasion == Occasion.FIRST_LETTER


def test_russian_templates_use_both_gendered_forms(seeded: None) -> None:
    for template in services.templates_for("ru"):
        assert "{writer:" in template.body, template.title
    assert "{prisoner:один|одна}" in services.bilingual_template().body  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("patronymic", "given", "expected"),
    [("Дмитриевич", "Дмитрий", "вы не один"), ("Дмитриевна", "Дарья", "вы не одна")],
)
def test_every_seeded_template_fills_for_a_man_and_a_woman(
    seeded: None, patronymic: str, given: str, expected: str
) -> None:
    prisoner = make_prisoner(given_names=given, patronymic=patronymic, latin_name="")
    context = LetterContext.for_prisoner(prisoner, "Анна", "Берлин", "female", date(2025, 1, 1))
    for template in services.templates_for():
        for text in (template.body, template.translation):
            assert unknown_placeholders(text) == [], template.title
            filled = fill(text, context)
            assert "{" not in filled, template.title
            assert "}" not in filled, template.title
    first = services.bilingual_template()
    assert first is not None
    letter = fill(first.body, context)
    assert expected in letter
    assert f"Здравствуйте, {given}!" in letter
    assert "Буду рада ответу" in letter


def test_the_seeded_texts_do_not_trip_the_seeded_avoid_list(seeded: None) -> None:
    for template in services.templates_for():
        for text in (template.body, template.translation):
            assert services.find_avoided(text) == [], template.title
    for phrase in services.phrasebook():
        assert services.find_avoided(phrase.russian) == [], phrase.russian


def test_the_seeded_phrasebook_has_all_three_languages(seeded: None) -> None:
    phrases = services.phrasebook()
    assert len(phrases) >= 25
    for phrase in phrases:
        assert phrase.russian.strip()
        assert phrase.english.strip(), phrase.russian
        assert phrase.german.strip(), phrase.russian
        assert len(phrase.russian) <= max_length(Phrase.russian)
    russian = {p.russian for p in phrases}
    # The safe phrases of docs/addressing.md#writing-to-a-prisoner, and both forms where
    # grammar follows gender.
    assert {"Пишу вам впервые.", "Вы не один.", "Вы не одна."} <= russian
    assert "Если будете отвечать, пишите, пожалуйста, печатными буквами." in russian
    assert "Простите, пожалуйста, мои ошибки." in russian


def test_the_seeded_avoid_list_has_reasons_and_russian_words(seeded: None) -> None:
    rules = services.avoid_rules()
    assert len(rules) >= 10
    for rule in rules:
        assert len(rule["reason"]) > 40
        assert rule["words"] == [w.lower() for w in rule["words"]]
    words = {word for rule in rules for word in rule["words"]}
    for word in ("война", "сво", "акция", "протест", "лгбт", "бедный", "несчастный", "побег"):
        assert word in words
    assert services.find_avoided("Мне так жаль, бедный вы мой.")


def migrate_to(revision: str, down: bool = False) -> None:
    # SQLite: every transaction takes the write lock at BEGIN, so ours must end before
    # Alembic's connection writes.
    db.session.remove()
    (downgrade if down else upgrade)(revision=revision)


def test_the_seed_downgrades_and_upgrades_cleanly(bare_app: Flask) -> None:
    with bare_app.app_context():  # on a database of its own: the shared one stays at head
        migrate_to("head")
        migrate_to(BEFORE_SEED, down=True)
        assert count(LetterTemplate) == count(Phrase) == count(AvoidTerm) == 0
        # A coordinator's own row survives the downgrade. Written as a plain row: this old
        # schema has no audit trail yet, which an edit through the app would write to.
        db.session.execute(
            insert(LetterTemplate.__table__).values(language="ru", title="Ours", body="Текст")
        )
        db.session.commit()
        migrate_to(SEED_REVISION)
        assert count(LetterTemplate) == 16
        migrate_to(BEFORE_SEED, down=True)
        assert [t.title for t in services.templates_for()] == ["Ours"]
        assert count(Phrase) == count(AvoidTerm) == 0
        migrate_to("head")
        assert count(LetterTemplate) == 16
        assert count(Phrase) >= 25
        assert count(AvoidTerm) >= 10
