"""A new facility from the prisoner and transfer forms (no JavaScript needed), and languages
chosen by name (issue 13 item 7)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from conftest import AuthActions, csrf_token, inline_scripts, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from letters.extensions import db
from letters.language_names import UnknownLanguages, parse_language_names
from letters.models import AuditEntry, Facility, Prisoner

NEW = "/manage/prisoners/new"

# The Vladimir penal colony, as a coordinator types it into the sub-form (prefixed names).
MELEKHOVO = {
    "facility-name": "ФКУ ИК-6 УФСИН России по Владимирской области",
    "facility-street_address": "ул. Ленина, 1",
    "facility-city": "пос. Мелехово",
    "facility-country_area": "Владимирская область",
    "facility-postal_code": "601966",
    "facility-country_code": "RU",
    "facility-facility_name_first": "",
    "facility-allows_photos": "yes",
    "facility-allows_cards": "",
    "facility-allows_paper": "",
    "facility-allows_envelopes": "",
    "facility-allows_stamps": "",
    "facility-restrictions": "No stickers.",
}


def prisoner_fields(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "family_name": "Кулик",
        "given_names": "Анна",
        "patronymic": "Сергеевна",
        "latin_name": "Anna Kulik",
        "gender": "female",
        "birth": "1990",
        "prisoner_number": "",
        "unit": "отряд 3",
        "status": "sentenced",
        "release_date": "",
        "languages": ["ru"],
        "other_languages": "Georgian",
        "language_notes": "",
        "interests": "Poetry and chess",
        "bio": "A librarian from Vladimir.",
        "is_listed": "y",
        "envelope_name": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post(client: FlaskClient, path: str, data: dict[str, Any], **headers: str) -> Any:
    token = csrf_token(client, path)
    return client.post(path, data={**data, "csrf_token": token}, headers=headers)


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def field_block(html: str, field_id: str) -> str:
    """The markup of one field: from its label to the next field."""
    return html.split(f'for="{field_id}"', 1)[1].split('<div class="field', 1)[0]


# --- a new facility with a new prisoner -------------------------------------------------------


def test_the_form_offers_a_new_facility_without_javascript(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    html = client.get(NEW).get_data(as_text=True)

    assert '<option value="new">A new facility (fill in below)</option>' in html
    assert "<summary>Add a new facility</summary>" in html
    assert 'name="facility-name"' in html
    assert 'name="facility-postal_code"' in html
    # One CSRF token, the prisoner form's: the sub-form adds none of its own.
    form = html.split(f'<form method="post" action="{NEW}"', 1)[1].split("</form>", 1)[0]
    assert form.count('name="csrf_token"') == 1
    # The script only opens the sub-form; it is a file, as the CSP requires.
    assert "/static/new_facility.js" in html
    assert inline_scripts(html) == []


def test_a_prisoner_and_a_new_facility_are_added_in_one_submit(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    response = post(client, NEW, {**prisoner_fields(facility_id="new"), **MELEKHOVO})

    assert response.status_code == 302, response.get_data(as_text=True)
    prisoner = db.session.scalars(select(Prisoner)).one()
    facility = db.session.scalars(select(Facility)).one()
    assert prisoner.facility_id == facility.id
    assert (facility.name, facility.city, facility.postal_code) == (
        "ФКУ ИК-6 УФСИН России по Владимирской области",
        "пос. Мелехово",
        "601966",
    )
    assert facility.allows_photos is True
    assert facility.restrictions == "No stickers."
    assert [e.facility_id for e in prisoner.address_history] == [facility.id]
    assert prisoner.languages == "ru ka"
    # The audit trail has both, by the coordinator who added them.
    created = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "created", AuditEntry.entity != "account")
    ).all()
    assert sorted((e.entity, e.entity_id) for e in created) == [
        ("facility", facility.id),
        ("prisoner", prisoner.id),
    ]
    assert all(e.actor == "account" and e.account_id is not None for e in created)
    edit = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Кулик Анне Сергеевне, 1990 г.р." in edit  # the envelope address, dative
    assert "пос. Мелехово" in edit


def test_an_error_in_the_facility_keeps_everything_typed_and_stores_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    response = post(
        client,
        NEW,
        {
            **prisoner_fields(facility_id="new", languages=["ru", "en"]),
            **MELEKHOVO,
            "facility-postal_code": "6019",
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Postal code “6019” is not valid" in field_block(html, "facility-postal_code")
    assert (count(Prisoner), count(Facility)) == (0, 0)
    # The prisoner part, as typed.
    for typed in ("Кулик", "Сергеевна", "Anna Kulik", "отряд 3", "Georgian", "Poetry and chess"):
        assert f'value="{typed}"' in html or f"{typed}</textarea>" in html, typed
    assert "A librarian from Vladimir." in html
    assert 'checked id="languages-0" name="languages" type="checkbox" value="ru"' in html
    assert 'checked id="languages-3" name="languages" type="checkbox" value="en"' in html
    assert '<option selected value="female">' in html
    assert '<option selected value="new">' in html
    # The facility part, as typed, shown open.
    assert 'value="пос. Мелехово"' in html
    assert 'value="6019"' in html
    assert '<option selected value="yes">Allowed</option>' in html
    assert 'data-value="new" open>' in html


def test_an_error_in_the_prisoner_stores_no_facility_and_shows_both_parts_errors(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    response = post(
        client,
        NEW,
        {
            **prisoner_fields(facility_id="new", family_name=""),
            **MELEKHOVO,
            "facility-country_area": "Владимирская обл.",
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Family name is required." in field_block(html, "family_name")
    # One submit shows every problem: the facility's region is checked too.
    assert "Did you mean “Владимирская область”" in field_block(html, "facility-country_area")
    assert (count(Prisoner), count(Facility)) == (0, 0)
    assert 'value="Анна"' in html
    assert 'value="ФКУ ИК-6 УФСИН России по Владимирской области"' in html


def test_a_valid_facility_is_not_stored_while_the_prisoner_part_is_wrong(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    response = post(client, NEW, {**prisoner_fields(facility_id="new", birth="soon"), **MELEKHOVO})

    assert response.status_code == 200
    assert "is not a date" in field_block(response.get_data(as_text=True), "birth")
    db.session.commit()  # what the request left in the session would be stored now
    assert (count(Prisoner), count(Facility)) == (0, 0)


def test_a_failure_while_storing_leaves_neither_the_facility_nor_the_prisoner(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    token = csrf_token(client, NEW)

    def refuse(*args: Any) -> None:
        raise RuntimeError("the database refused the prisoner")

    # The facility row is written first (the prisoner refers to it); the prisoner's then fails.
    event.listen(Prisoner, "before_insert", refuse)
    try:
        with pytest.raises(RuntimeError, match="refused the prisoner"):
            client.post(
                NEW, data={**prisoner_fields(facility_id="new"), **MELEKHOVO, "csrf_token": token}
            )
    finally:
        event.remove(Prisoner, "before_insert", refuse)

    db.session.rollback()
    assert (count(Prisoner), count(Facility)) == (0, 0)


def test_a_new_facility_typed_but_not_chosen_is_not_dropped_silently(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    response = post(client, NEW, {**prisoner_fields(facility_id=""), **MELEKHOVO})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A new facility is filled in below" in field_block(html, "facility_id")
    assert (count(Prisoner), count(Facility)) == (0, 0)
    assert 'value="пос. Мелехово"' in html


def test_a_new_facility_that_exists_already_is_refused(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    make_facility(
        name=MELEKHOVO["facility-name"],
        street_address=MELEKHOVO["facility-street_address"],
        city=MELEKHOVO["facility-city"],
        country_area=MELEKHOVO["facility-country_area"],
        postal_code=MELEKHOVO["facility-postal_code"],
    )
    db.session.commit()

    response = post(client, NEW, {**prisoner_fields(facility_id="new"), **MELEKHOVO})

    assert response.status_code == 200
    assert "exists already" in field_block(response.get_data(as_text=True), "facility-name")
    assert (count(Prisoner), count(Facility)) == (0, 1)


def test_an_existing_facility_is_still_chosen_and_the_sub_form_ignored_when_empty(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    penza = make_facility()
    db.session.commit()

    response = post(client, NEW, prisoner_fields(facility_id=str(penza.id)))

    assert response.status_code == 302
    assert db.session.scalars(select(Prisoner)).one().facility_id == penza.id
    assert count(Facility) == 1


# --- a transfer to a new facility -------------------------------------------------------------


def test_a_transfer_to_a_new_facility_creates_it_and_keeps_the_old_address(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    old_id = prisoner.facility_id
    db.session.commit()
    path = f"/manage/prisoners/{prisoner.id}/transfer"
    assert '<option value="new">A new facility (fill in below)</option>' in client.get(
        path
    ).get_data(as_text=True)

    response = post(
        client,
        path,
        {"facility_id": "new", "on": "2024-05-06", "unit": "отряд 7", "note": "Étap", **MELEKHOVO},
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    new = db.session.scalars(select(Facility).where(Facility.id != old_id)).one()
    assert new.city == "пос. Мелехово"
    assert prisoner.facility_id == new.id
    assert prisoner.unit == "отряд 7"
    old_stay, new_stay = prisoner.address_history
    assert (old_stay.facility_id, old_stay.ended_on) == (old_id, date(2024, 5, 6))
    assert (new_stay.facility_id, new_stay.started_on, new_stay.note) == (
        new.id,
        date(2024, 5, 6),
        "Étap",
    )
    assert "ул. Ленина, 1" in new_stay.address_text
    # Audited as usual: the facility created, the prisoner moved, both part of the transfer.
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity.in_(("facility", "prisoner")))
    ).all()
    kinds = sorted((e.entity, e.action, e.context) for e in entries if e.context == "transfer")
    assert kinds == [("facility", "created", "transfer"), ("prisoner", "changed", "transfer")]


def test_a_transfer_with_a_bad_new_facility_changes_nothing_and_keeps_what_was_typed(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    old_id = prisoner.facility_id
    db.session.commit()
    path = f"/manage/prisoners/{prisoner.id}/transfer"

    response = post(
        client,
        path,
        {
            "facility_id": "new",
            "on": "2024-05-06",
            "unit": "отряд 7",
            "note": "Étap took three weeks.",
            **MELEKHOVO,
            "facility-country_code": "",
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Country is required." in field_block(html, "facility-country_code")
    for typed in ('value="2024-05-06"', 'value="отряд 7"', "Étap took three weeks."):
        assert typed in html
    assert 'value="пос. Мелехово"' in html
    db.session.expire_all()
    assert prisoner.facility_id == old_id
    assert len(prisoner.address_history) == 1
    assert count(Facility) == 1


def test_a_transfer_to_a_new_facility_still_refuses_a_future_date(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    db.session.commit()
    path = f"/manage/prisoners/{prisoner.id}/transfer"

    response = post(client, path, {"facility_id": "new", "on": "2999-01-01", **MELEKHOVO})

    assert response.status_code == 200
    assert "the date is in the future" in response.get_data(as_text=True)
    assert count(Facility) == 1


# --- languages by name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("Russian", ["ru"]),
        ("русский", ["ru"]),
        ("ru", ["ru"]),
        ("Georgian", ["ka"]),
        ("грузинский; English", ["ka", "en"]),
        ("ქართული", ["ka"]),  # a language's name in itself
        (" RU , belarusian ", ["ru", "be"]),
        ("ru en", ["ru", "en"]),  # codes as stored and exported
        ("English; en; Russian", ["en", "ru"]),  # named twice: once, where first named
    ],
)
def test_language_names_and_codes_resolve_to_codes_in_the_order_typed(
    typed: str, codes: list[str]
) -> None:
    assert parse_language_names(typed, ("en", "ru")) == codes


def test_unknown_language_names_are_each_named() -> None:
    with pytest.raises(UnknownLanguages) as raised:
        parse_language_names("Russian; Klingon; xx", ("en",))
    assert raised.value.words == ["Klingon", "xx"]


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize(
    ("ticked", "typed", "stored"),
    [
        (["ru"], "Georgian", "ru ka"),
        (["ru"], "грузинский", "ru ka"),
        ([], "Russian; English", "ru en"),
        ([], "русский, ka", "ru ka"),
        (["be", "en"], "", "be en"),
    ],
)
def test_the_form_stores_codes_for_languages_ticked_or_named(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    language: str,
    ticked: list[str],
    typed: str,
    stored: str,
) -> None:
    auth.create_and_login()

    response = post(
        client,
        NEW,
        prisoner_fields(facility_id="", languages=ticked, other_languages=typed),
        **{"Accept-Language": language},
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalars(select(Prisoner)).one().languages == stored


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Other languages: no language is called “Klingon”, “Elvish”."),
        ("ru", "Другие языки: нет языка с названием «Klingon», «Elvish»."),
    ],
)
def test_an_unknown_language_name_is_an_error_on_its_field_naming_the_word(
    app: Flask, client: FlaskClient, auth: AuthActions, language: str, message: str
) -> None:
    auth.create_and_login()

    response = post(
        client,
        NEW,
        prisoner_fields(facility_id="", other_languages="Russian; Klingon; Elvish"),
        **{"Accept-Language": language},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in field_block(html, "other_languages")
    assert 'value="Russian; Klingon; Elvish"' in html
    assert count(Prisoner) == 0


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["Russian", "Belarusian", "Ukrainian", "English", "German"]),
        ("ru", ["Русский", "Белорусский", "Украинский", "Английский", "Немецкий"]),
    ],
)
def test_languages_are_offered_by_name_in_the_visitors_language(
    app: Flask, client: FlaskClient, auth: AuthActions, language: str, labels: list[str]
) -> None:
    auth.create_and_login()
    make_prisoner(languages="hy")  # a language someone in the registry reads is offered too
    db.session.commit()

    html = client.get(NEW, headers={"Accept-Language": language}).get_data(as_text=True)

    checkboxes = html.split('<fieldset class="checkboxes" id="languages">', 1)[1]
    checkboxes = checkboxes.split("</fieldset>", 1)[0]
    for label in labels:
        assert f">{label}</label>" in checkboxes, label
    assert 'value="hy"' in checkboxes
    assert "<legend>" in checkboxes


def test_editing_shows_the_languages_ticked_in_their_order_and_keeps_it(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner(languages="en ka ru")
    db.session.commit()
    path = f"/manage/prisoners/{prisoner.id}/edit"

    html = client.get(path).get_data(as_text=True)

    ticked = [part.split('"', 1)[0] for part in html.split('checked id="languages-')[1:]]
    assert ticked == ["0", "1", "2"]  # the prisoner's own, first and in their order
    assert 'id="languages-0" name="languages" type="checkbox" value="en"' in html
    assert 'id="languages-1" name="languages" type="checkbox" value="ka"' in html

    # Saved unchanged (the browser sends the ticks in page order): the order stays.
    response = post(client, path, prisoner_fields(languages=["en", "ka", "ru"], other_languages=""))
    assert response.status_code == 302
    db.session.expire_all()
    assert prisoner.languages == "en ka ru"
