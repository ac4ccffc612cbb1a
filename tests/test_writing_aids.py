"""The writing aids follow the reader: templates, phrasebook and the "Russian first letter"
suggestion in the languages the prisoner reads first; template titles that say occasion and
language; /write-next that says why and offers someone else; birthday links that open the
birthday template."""

from __future__ import annotations

import html as html_module
import json
import re
from datetime import date, timedelta

from conftest import make_person, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from test_writing import seed_writing_aids

from letters.extensions import db
from letters.models import LetterSent, LetterTemplate, Occasion
from letters.writing import services
from letters.writing.forms import template_choices


def write_page(client: FlaskClient, prisoner_id: int, query: str = "", **headers: str) -> str:
    response = client.get(f"/prisoners/{prisoner_id}/write{query}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def main_picker(html: str) -> str:
    """The template form's select (the reader's languages), without the other languages."""
    match = re.search(r'<select[^>]*id="template-id".*?</select>', html, re.S)
    assert match is not None
    return match.group(0)


def other_languages(html: str) -> str:
    match = re.search(r'<details id="other-templates".*?</details>', html, re.S)
    return match.group(0) if match else ""


def option_labels(fragment: str) -> list[str]:
    return [
        html_module.unescape(label)
        for label in re.findall(r"<option[^>]*>([^<]*)</option>", fragment)
    ]


def script_config(html: str) -> dict[str, object]:
    match = re.search(r"data-config='([^']*)'", html)
    assert match is not None
    config: dict[str, object] = json.loads(html_module.unescape(match.group(1)))
    return config


# --- the reader's languages first --------------------------------------------------------------


def test_an_english_reader_is_offered_english_templates_and_no_russian_suggestion(
    client: FlaskClient,
) -> None:
    seed_writing_aids()
    prisoner = make_prisoner(languages="en", family_name="Rivera")
    db.session.commit()
    html = write_page(client, prisoner.id)
    picker = option_labels(main_picker(html))
    assert picker[0] == "First letter — English"
    assert all(label.endswith("— English") for label in picker)
    # Russian and German wait behind "Show other languages".
    others = other_languages(html)
    assert "Show other languages" in others
    assert "First letter — Russian" in option_labels(others)
    assert "First letter — German" in option_labels(others)
    # No "use the Russian first letter" button, in the page or in what the script is told.
    assert 'id="use-bilingual"' not in html
    assert script_config(html)["bilingual_template_id"] is None
    # The Russian phrasebook is folded away as another language.
    assert re.search(r'<details class="phrasebook" id="phrasebook">', html)
    assert "Show other languages: a phrasebook of short Russian phrases" in html


def test_a_russian_reader_gets_russian_aids_open_and_the_russian_suggestion(
    client: FlaskClient,
) -> None:
    seed_writing_aids()
    prisoner = make_prisoner()  # reads Russian
    db.session.commit()
    html = write_page(client, prisoner.id)
    assert option_labels(main_picker(html))[0] == "First letter — Russian"
    assert "First letter — English" in option_labels(other_languages(html))
    assert 'id="use-bilingual"' in html
    assert script_config(html)["bilingual_template_id"] is not None
    assert re.search(r'<details class="phrasebook" id="phrasebook" open>', html)


def test_a_reader_of_unknown_languages_gets_every_template_in_one_picker(
    client: FlaskClient,
) -> None:
    seed_writing_aids()
    prisoner = make_prisoner(languages="")
    db.session.commit()
    html = write_page(client, prisoner.id)
    assert len(option_labels(main_picker(html))) == 15
    assert other_languages(html) == ""
    assert option_labels(main_picker(html))[0] == "First letter — Russian"
    assert 'id="use-bilingual"' in html  # Russian is the safe guess for a Russian prison


def test_a_template_from_the_other_languages_can_be_used_without_javascript(
    app: Flask, client: FlaskClient
) -> None:
    seed_writing_aids()
    prisoner = make_prisoner(languages="en")
    db.session.commit()
    html = write_page(client, prisoner.id)
    others = other_languages(html)
    russian = re.search(r'<option value="(\d+)">First letter — Russian</option>', others)
    assert russian is not None
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', others)
    assert token is not None
    response = client.post(
        f"/prisoners/{prisoner.id}/write",
        data={"csrf_token": token.group(1), "template_id": russian.group(1), "size": "A4"},
    )
    assert response.status_code == 200
    assert "Здравствуйте" in response.get_data(as_text=True)


# --- titles ------------------------------------------------------------------------------------


def test_template_titles_say_occasion_and_language_without_repeating_themselves(
    client: FlaskClient,
) -> None:
    seed_writing_aids()
    prisoner = make_prisoner(languages="")
    db.session.commit()
    labels = option_labels(main_picker(write_page(client, prisoner.id)))
    assert "Holiday card — Russian" in labels
    assert "After a verdict — German" in labels
    assert not [label for label in labels if ":" in label]


def test_template_titles_are_translated(client: FlaskClient) -> None:
    seed_writing_aids()
    prisoner = make_prisoner()
    db.session.commit()
    html = write_page(client, prisoner.id, **{"Accept-Language": "ru"})
    labels = option_labels(main_picker(html))
    assert labels[0] == "Первое письмо — русский"
    assert not [label for label in labels if "First letter" in label]


def test_two_templates_for_one_occasion_and_language_are_told_apart_by_title(
    app: Flask, ctx: None
) -> None:
    one = LetterTemplate(id=1, occasion=Occasion.OTHER, language="ru", title="Warm words", body="")
    two = LetterTemplate(id=2, occasion=Occasion.OTHER, language="ru", title="Spring", body="")
    lone = LetterTemplate(id=3, occasion=Occasion.BIRTHDAY, language="ru", title="Card", body="")
    with app.test_request_context():
        labels = [c.label for c in template_choices([one, two, lone])["Russian"]]
    assert labels == [
        "Other — Russian (Warm words)",
        "Other — Russian (Spring)",
        "Birthday — Russian",
    ]


# --- birthdays ---------------------------------------------------------------------------------


def test_the_occasion_in_the_url_preselects_its_template(client: FlaskClient) -> None:
    seed_writing_aids()
    prisoner = make_prisoner()
    db.session.commit()
    picker = main_picker(write_page(client, prisoner.id, "?occasion=birthday"))
    selected = re.findall(r"<option selected[^>]*>([^<]*)</option>", picker)
    assert selected == ["Birthday — Russian"]
    # An unknown occasion is no error: the first template stays first.
    picker = main_picker(write_page(client, prisoner.id, "?occasion=nonsense"))
    assert "<option selected" not in picker


def test_write_a_card_on_the_birthdays_page_opens_the_birthday_template(
    client: FlaskClient,
) -> None:
    soon = date.today() + timedelta(days=3)
    prisoner = make_prisoner(birth_date=soon.replace(year=1990))
    db.session.commit()
    html = client.get("/birthdays").get_data(as_text=True)
    assert f'href="/prisoners/{prisoner.id}/write?occasion=birthday"' in html


# --- /write-next -------------------------------------------------------------------------------


def test_write_next_says_why_it_chose_someone_never_written_to(client: FlaskClient) -> None:
    prisoner = make_person("Forgotten")
    db.session.commit()
    response = client.get("/write-next", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "A Forgotten has never had a letter from this group." in html
    assert f'href="/write-next?previous={prisoner.id}"' in html
    # Reached directly, the page gives no reason (nobody chose them for the visitor).
    assert "has never had a letter" not in write_page(client, prisoner.id)


def test_write_next_says_how_long_since_the_last_letter(client: FlaskClient) -> None:
    prisoner = make_person("Waiting")
    day = date.today() - timedelta(days=94)
    db.session.add(LetterSent(prisoner_id=prisoner.id, sent_on=day, letters=1, recorded_on=day))
    db.session.commit()
    html = write_page(client, prisoner.id, "?suggested=1")
    assert "A Waiting has had no letter for 94 days." in html


def test_someone_else_is_never_the_person_just_shown(client: FlaskClient) -> None:
    first = make_person("First")
    second = make_person("Second")
    db.session.commit()
    for _ in range(20):
        response = client.get(f"/write-next?previous={first.id}")
        assert response.headers["Location"] == f"/prisoners/{second.id}/write?suggested=1"


def test_someone_else_when_there_is_nobody_else_goes_to_the_list(client: FlaskClient) -> None:
    only = make_person("Only")
    db.session.commit()
    response = client.get(f"/write-next?previous={only.id}")
    assert response.headers["Location"] == "/prisoners"


def test_why_suggested_counts_days_in_the_visitors_language(app: Flask) -> None:
    today = date(2026, 11, 29)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert (
            services.why_suggested("Anna", date(2026, 11, 28), today)
            == "Anna has had no letter for 1 day."
        )
        assert services.why_suggested("Anna", None, today) == (
            "Anna has never had a letter from this group."
        )
