"""The coordinators' registry: add, edit, transfer, unlist, search and filter prisoners."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from conftest import AuthActions, csrf_token, inline_scripts, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from letters.extensions import db
from letters.models import AddressHistoryEntry, Facility, Gender, Prisoner, Status
from letters.prisoners.services import facility_address_text

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def prisoner_form(**overrides: Any) -> dict[str, Any]:
    """What a browser sends for a filled-in prisoner form (unchecked boxes are left out)."""
    data: dict[str, Any] = {
        "family_name": "Пчелинцев",
        "given_names": "Дмитрий",
        "patronymic": "Дмитриевич",
        "latin_name": "Dmitry Pchelintsev",
        "gender": "male",
        "birth": "1992-03-14",
        "prisoner_number": "",
        "unit": "",
        "status": "sentenced",
        "release_date": "",
        "languages": ["ru"],
        "other_languages": "EN",
        "language_notes": "Reads English slowly.",
        "interests": "Chess, history",
        "bio": "An anarchist from Penza.",
        "is_listed": "y",
        "envelope_name": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def ids(app: Flask, **facility_fields: Any) -> tuple[int, int]:
    """A prisoner at a facility (the Penza defaults): their ids."""
    prisoner = make_prisoner(make_facility(**facility_fields))
    db.session.commit()
    return prisoner.id, prisoner.facility_id or 0


def count(app: Flask, model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


# --- adding and editing -----------------------------------------------------------------------


def test_coordinator_adds_a_prisoner_at_a_facility(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    facility_id = make_facility().id
    db.session.commit()
    token = csrf_token(client, "/manage/prisoners/new")

    response = client.post(
        "/manage/prisoners/new",
        data=prisoner_form(csrf_token=token, facility_id=str(facility_id)),
    )

    assert response.status_code == 302
    prisoner = db.session.scalars(select(Prisoner)).one()
    assert response.headers["Location"].endswith(f"/manage/prisoners/{prisoner.id}/edit")
    assert prisoner.family_name == "Пчелинцев"
    assert prisoner.gender == Gender.MALE
    assert (prisoner.birth_year, prisoner.birth_date) == (1992, date(1992, 3, 14))
    assert prisoner.languages == "ru en"
    assert prisoner.status == Status.SENTENCED
    assert prisoner.is_listed
    assert prisoner.facility_id == facility_id
    assert [e.facility_id for e in prisoner.address_history] == [facility_id]


def test_a_prisoner_can_be_added_before_anyone_knows_where_they_are(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    token = csrf_token(client, "/manage/prisoners/new")

    response = client.post(
        "/manage/prisoners/new", data=prisoner_form(csrf_token=token, facility_id="")
    )

    assert response.status_code == 302
    prisoner = db.session.scalars(select(Prisoner)).one()
    assert prisoner.facility is None
    assert prisoner.address_history == []
    edit = page(client, response.headers["Location"])
    assert "Set the facility" in edit


def test_invalid_prisoner_form_names_each_problem_and_stores_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    token = csrf_token(client, "/manage/prisoners/new")

    response = client.post(
        "/manage/prisoners/new",
        data=prisoner_form(
            csrf_token=token,
            facility_id="",
            family_name="  ",
            birth="14.03.1992",
            other_languages="ru; xx",
            release_date="soon",
            bio="x" * 5001,
        ),
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Family name is required." in html
    assert "is not a date: use YYYY-MM-DD or just the year" in html
    assert "Other languages: no language is called “xx”." in html
    assert "“soon” is not a date" in html
    assert "Too long: 5001 characters, at most 5000." in html
    assert count(app, Prisoner) == 0


def test_editing_a_prisoner_saves_every_field(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner_id, _facility_id = ids(app)
    path = f"/manage/prisoners/{prisoner_id}/edit"
    token = csrf_token(client, path)

    response = client.post(
        path,
        data=prisoner_form(
            csrf_token=token,
            family_name="Кулик",
            given_names="Анна",
            patronymic="Сергеевна",
            latin_name="Anna Kulik",
            gender="female",
            birth="1990",
            prisoner_number="A-1",
            unit="отряд 3",
            status="released",
            release_date="2030-01-02",
            languages="ru",
            other_languages="",
            language_notes="Only Russian.",
            interests="Poetry",
            bio="Biography",
            is_listed=None,  # unchecked
            envelope_name="Кулик Анне Сергеевне",
            envelope_name_confirmed="y",
        ),
    )

    assert response.status_code == 302
    prisoner = db.session.get(Prisoner, prisoner_id)
    assert prisoner is not None
    assert (prisoner.family_name, prisoner.given_names) == ("Кулик", "Анна")
    assert prisoner.gender == Gender.FEMALE
    assert (prisoner.birth_year, prisoner.birth_date) == (1990, None)
    assert prisoner.prisoner_number == "A-1"
    assert prisoner.unit == "отряд 3"
    assert prisoner.status == Status.RELEASED
    assert prisoner.release_date == date(2030, 1, 2)
    assert prisoner.languages == "ru"
    assert (prisoner.language_notes, prisoner.interests, prisoner.bio) == (
        "Only Russian.",
        "Poetry",
        "Biography",
    )
    assert not prisoner.is_listed
    assert prisoner.envelope_name == "Кулик Анне Сергеевне"
    assert prisoner.envelope_name_confirmed
    # Search follows the new name.
    assert "кулик" in prisoner.search_text


def test_edit_form_shows_the_stored_values(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner(birth_year=1992, languages="ru en", gender=Gender.MALE)
    db.session.commit()
    prisoner_id = prisoner.id

    html = page(client, f"/manage/prisoners/{prisoner_id}/edit")

    assert 'value="1992"' in html
    assert '<input checked id="languages-0" name="languages" type="checkbox" value="ru">' in html
    assert '<input checked id="languages-1" name="languages" type="checkbox" value="en">' in html
    assert '<option selected value="male">' in html


def test_the_facility_cannot_be_changed_through_the_edit_form(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner_id, facility_id = ids(app)
    other_id = make_facility(name="ФКУ ИК-2", postal_code="440000").id
    db.session.commit()
    path = f"/manage/prisoners/{prisoner_id}/edit"
    token = csrf_token(client, path)

    response = client.post(path, data=prisoner_form(csrf_token=token, facility_id=str(other_id)))

    assert response.status_code == 302
    prisoner = db.session.get(Prisoner, prisoner_id)
    assert prisoner is not None
    assert prisoner.facility_id == facility_id
    assert len(prisoner.address_history) == 1


def test_edit_page_shows_the_address_both_ways_with_warnings(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner(
        family_name="Кара-Мурза",
        given_names="Владимир",
        patronymic="Владимирович",
        latin_name="Vladimir Kara-Murza",
        birth_year=None,
    )
    db.session.commit()
    prisoner_id = prisoner.id

    html = page(client, f"/manage/prisoners/{prisoner_id}/edit")

    blocks = html.split('<pre class="address">')[1:3]
    domestic, abroad = (block.split("</pre>")[0] for block in blocks)
    # pytrovich declines this surname wrongly ("Каре-Мурзе"): hence the warning below.
    assert domestic.startswith("Кар")
    assert "RUSSIA" not in domestic
    assert abroad.rstrip().endswith("RUSSIA")
    assert "Year of birth missing" in html
    assert "Hyphenated surname: check the dative form" in html
    assert "Nobody has confirmed the name as it prints yet." in html


def test_envelope_name_override_prints_and_the_computed_name_stays_visible(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner(
        envelope_name="Пчелинцеву Д. Д.", envelope_name_confirmed=True, birth_year=1992
    )
    db.session.commit()
    prisoner_id = prisoner.id

    html = page(client, f"/manage/prisoners/{prisoner_id}/edit")

    assert '<pre class="address">Пчелинцеву Д. Д., 1992 г.р.' in html
    assert "Computed name, replaced by the override: Пчелинцеву Дмитрию Дмитриевичу" in html
    assert "Nobody has confirmed" not in html


# --- transfers --------------------------------------------------------------------------------


def test_transfer_moves_the_prisoner_and_keeps_the_old_address_with_dates(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner_id, old_id = ids(app)
    new_id = make_facility(
        name="ФКУ ИК-6 УФСИН России по Владимирской области",
        street_address="ул. Ленина, 1",
        city="пос. Мелехово",
        country_area="Владимирская область",
        postal_code="601966",
    ).id
    db.session.commit()
    path = f"/manage/prisoners/{prisoner_id}/transfer"
    form = page(client, path)
    assert f'value="{date.today().isoformat()}"' in form  # the date defaults to today
    assert f'<option value="{old_id}">' not in form  # not "transfer" to where they are

    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "facility_id": str(new_id),
            "on": "2024-05-06",
            "unit": "отряд 7",
            "note": "Étap took three weeks.",
        },
    )
    assert response.status_code == 302

    # The old facility's address is corrected later: the history must not follow.
    facility_path = f"/manage/facilities/{old_id}/edit"
    html = page(client, facility_path)
    assert "ул. Каракозова, 30" in html
    response = client.post(
        facility_path,
        data={
            "csrf_token": csrf_token(client, facility_path),
            "name": "ФКУ СИЗО-1 УФСИН России по Пензенской области",
            "street_address": "ул. Новая, 1",
            "city": "г. Пенза",
            "country_area": "Пензенская область",
            "postal_code": "440039",
            "country_code": "RU",
        },
    )
    assert response.status_code == 302

    prisoner = db.session.get(Prisoner, prisoner_id)
    assert prisoner is not None
    assert prisoner.facility_id == new_id
    assert prisoner.unit == "отряд 7"
    old, new = prisoner.address_history
    assert (old.facility_id, old.ended_on) == (old_id, date(2024, 5, 6))
    assert "ул. Каракозова, 30" in old.address_text
    assert (new.facility_id, new.started_on, new.ended_on) == (new_id, date(2024, 5, 6), None)
    assert new.note == "Étap took three weeks."

    html = page(client, f"/manage/prisoners/{prisoner_id}/edit")
    history = html.split("Address history")[1]
    assert "ул. Каракозова, 30" in history
    assert "ул. Новая, 1" not in history
    assert "2024-05-06" in history
    assert "ул. Ленина, 1" in history


@pytest.mark.parametrize(
    ("on", "message"),
    [
        ((date.today() + timedelta(days=2)).isoformat(), "the date is in the future"),
        ("", "Date of the transfer is required."),
        ("06.05.2024", "is not a date"),
    ],
)
def test_transfer_refuses_a_bad_date_and_changes_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, on: str, message: str
) -> None:
    auth.create_and_login()
    prisoner_id, old_id = ids(app)
    new_id = make_facility(name="ФКУ ИК-2", postal_code="440000").id
    db.session.commit()
    path = f"/manage/prisoners/{prisoner_id}/transfer"

    response = client.post(
        path, data={"csrf_token": csrf_token(client, path), "facility_id": str(new_id), "on": on}
    )

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    prisoner = db.session.get(Prisoner, prisoner_id)
    assert prisoner is not None
    assert prisoner.facility_id == old_id
    assert len(prisoner.address_history) == 1


def test_transfer_cannot_predate_the_current_stay(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner_id, _old_id = ids(app)
    second = make_facility(name="ФКУ ИК-2", postal_code="440000").id
    third = make_facility(name="ФКУ ИК-3", postal_code="440001").id
    db.session.commit()
    path = f"/manage/prisoners/{prisoner_id}/transfer"
    client.post(
        path,
        data={"csrf_token": csrf_token(client, path), "facility_id": second, "on": "2024-05-06"},
    )

    response = client.post(
        path,
        data={"csrf_token": csrf_token(client, path), "facility_id": third, "on": "2024-05-01"},
    )

    assert "The current stay began on 2024-05-06" in response.get_data(as_text=True)
    assert count(app, AddressHistoryEntry) == 2


# --- unlisting --------------------------------------------------------------------------------


def test_unlisting_hides_the_prisoner_and_relisting_shows_them_again(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner_id, _facility_id = ids(app)
    edit = f"/manage/prisoners/{prisoner_id}/edit"
    assert "Пчелинцев" in page(client, "/prisoners")

    response = client.post(
        f"/manage/prisoners/{prisoner_id}/unlist", data={"csrf_token": csrf_token(client, edit)}
    )

    assert response.status_code == 302
    assert "no longer listed publicly" in page(client, edit)
    assert "Пчелинцев" not in page(client, "/prisoners")
    assert client.get(f"/prisoners/{prisoner_id}").status_code == 404
    assert "Пчелинцев" in page(client, "/manage/prisoners")  # coordinators still see them

    client.post(
        f"/manage/prisoners/{prisoner_id}/relist", data={"csrf_token": csrf_token(client, edit)}
    )

    assert "listed publicly again" in page(client, edit)
    assert client.get(f"/prisoners/{prisoner_id}").status_code == 200


# --- the list: search, filters, pages ---------------------------------------------------------


@pytest.fixture
def three_prisoners(app: Flask) -> None:
    penza = make_facility()
    florida = make_facility(
        name="Smart Communications/PA DOC",
        street_address="PO Box 33028",
        city="St. Petersburg",
        country_area="FL",
        postal_code="33733",
        country_code="US",
    )
    make_prisoner(penza)
    make_prisoner(
        penza,
        family_name="Кулик",
        given_names="Анна",
        patronymic="Сергеевна",
        latin_name="Anna Kulik",
        languages="ru en",
        status=Status.SENTENCED,
    )
    make_prisoner(
        florida,
        family_name="Doe",
        given_names="John",
        patronymic="",
        latin_name="",
        languages="en",
        status=Status.SENTENCED,
        prisoner_number="AB1234",
    )
    db.session.commit()


def names_listed(html: str) -> set[str]:
    return {name for name in ("Пчелинцев", "Кулик", "Doe") if name in html.split("<table>")[-1]}


@pytest.mark.usefixtures("three_prisoners")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("пчелин", {"Пчелинцев"}),  # lower case finds a capitalised Cyrillic name
        ("ПЧЕЛИН", {"Пчелинцев"}),
        ("PCHEL", {"Пчелинцев"}),  # by the Latin transliteration
        ("анна кул", {"Кулик"}),  # every word must match
        ("doe", {"Doe"}),
        ("50%", set()),  # LIKE wildcards are taken literally
    ],
)
def test_search_finds_names_in_any_script_and_case(
    client: FlaskClient, auth: AuthActions, query: str, expected: set[str]
) -> None:
    auth.create_and_login()

    response = client.get("/manage/prisoners", query_string={"q": query})
    html = response.get_data(as_text=True)

    assert names_listed(html) == expected


@pytest.mark.usefixtures("three_prisoners")
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", {"Пчелинцев", "Кулик", "Doe"}),
        ("country=RU", {"Пчелинцев", "Кулик"}),
        ("country=US", {"Doe"}),
        ("status=sentenced", {"Кулик", "Doe"}),
        ("status=pre_trial", {"Пчелинцев"}),
        ("language=en", {"Кулик", "Doe"}),
        ("language=ru", {"Пчелинцев", "Кулик"}),
        ("country=RU&status=sentenced&language=en", {"Кулик"}),
        ("status=bogus", {"Пчелинцев", "Кулик", "Doe"}),  # an unknown value filters nothing
    ],
)
def test_each_filter_narrows_the_list(
    client: FlaskClient, auth: AuthActions, args: str, expected: set[str]
) -> None:
    auth.create_and_login()

    html = page(client, f"/manage/prisoners?{args}")

    assert names_listed(html) == expected
    assert 'class="error"' not in html  # a stale value filters less; it is no mistake


@pytest.mark.usefixtures("three_prisoners")
def test_filters_offer_the_countries_and_languages_in_use(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    html = page(client, "/manage/prisoners")

    assert '<option value="RU">Russia</option>' in html
    assert '<option value="US">United States</option>' in html
    assert '<option value="en">English</option>' in html
    assert '<option value="DE">' not in html


@pytest.mark.usefixtures("three_prisoners")
def test_the_list_is_paginated_and_pages_keep_the_filters(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    app.config["PAGE_SIZE"] = 1

    first = page(client, "/manage/prisoners?language=en")

    assert "Page 1 of 2" in first
    assert "language=en" in first.split('rel="next"')[0].rsplit("<a", 1)[1]
    second = page(client, "/manage/prisoners?language=en&page=2")
    assert "Page 2 of 2" in second
    assert names_listed(first) | names_listed(second) == {"Кулик", "Doe"}
    assert names_listed(first) != names_listed(second)


# --- safety -----------------------------------------------------------------------------------


def test_markup_in_every_prisoner_field_comes_back_escaped(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    facility_id = make_facility().id
    db.session.commit()
    token = csrf_token(client, "/manage/prisoners/new")
    text_fields = (
        "family_name",
        "given_names",
        "patronymic",
        "latin_name",
        "prisoner_number",
        "unit",
        "language_notes",
        "interests",
        "bio",
        "envelope_name",
    )
    response = client.post(
        "/manage/prisoners/new",
        data=prisoner_form(
            csrf_token=token,
            facility_id=str(facility_id),
            **{name: f"{name}{SCRIPT}" for name in text_fields},
        ),
    )
    assert response.status_code == 302
    prisoner_id = db.session.scalars(select(Prisoner.id)).one()

    for path in (
        f"/manage/prisoners/{prisoner_id}/edit",
        f"/manage/prisoners/{prisoner_id}/transfer",
        "/manage/prisoners",
        f"/manage/facilities/{facility_id}/edit",
        f"/prisoners/{prisoner_id}",
        "/prisoners",
    ):
        html = page(client, path)
        assert SCRIPT not in html, path
        assert inline_scripts(html) == [], path
        assert ESCAPED in html, path
    edit = page(client, f"/manage/prisoners/{prisoner_id}/edit")
    for name in text_fields:
        assert f"{name}{ESCAPED}" in edit, name


STATE_CHANGES = [
    ("/manage/prisoners/new", lambda ids: prisoner_form(facility_id=str(ids[1]))),
    ("/manage/prisoners/{0}/edit", lambda ids: prisoner_form(family_name="Иванов")),
    ("/manage/prisoners/{0}/transfer", lambda ids: {"facility_id": ids[2], "on": "2024-01-01"}),
    ("/manage/prisoners/{0}/unlist", lambda ids: {}),
]


@pytest.mark.parametrize(("path", "data"), STATE_CHANGES)
def test_posts_without_a_csrf_token_are_refused_and_write_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, path: str, data: Any
) -> None:
    auth.create_and_login()
    prisoner_id, facility_id = ids(app)
    other_id = make_facility(name="ФКУ ИК-2", postal_code="440000").id
    db.session.commit()
    key = (prisoner_id, facility_id, other_id)

    response = client.post(path.format(prisoner_id), data=data(key))

    assert response.status_code == 400
    prisoner = db.session.scalars(select(Prisoner)).one()
    assert (prisoner.family_name, prisoner.facility_id, prisoner.is_listed) == (
        "Пчелинцев",
        facility_id,
        True,
    )
    assert len(prisoner.address_history) == 1


@pytest.mark.parametrize("action", ["unlist", "relist"])
def test_listing_changes_refuse_get(
    app: Flask, client: FlaskClient, auth: AuthActions, action: str
) -> None:
    auth.create_and_login()
    prisoner_id, _facility_id = ids(app)

    assert client.get(f"/manage/prisoners/{prisoner_id}/{action}").status_code == 405


COORDINATOR_PAGES = [
    ("GET", "/manage/prisoners"),
    ("GET", "/manage/prisoners/new"),
    ("POST", "/manage/prisoners/new"),
    ("GET", "/manage/prisoners/{0}/edit"),
    ("POST", "/manage/prisoners/{0}/edit"),
    ("GET", "/manage/prisoners/{0}/transfer"),
    ("POST", "/manage/prisoners/{0}/transfer"),
    ("POST", "/manage/prisoners/{0}/unlist"),
    ("POST", "/manage/prisoners/{0}/relist"),
    ("GET", "/manage/facilities/"),
    ("GET", "/manage/facilities/new"),
    ("POST", "/manage/facilities/new"),
    ("GET", "/manage/facilities/{1}/edit"),
    ("POST", "/manage/facilities/{1}/edit"),
]


@pytest.mark.parametrize(("method", "path"), COORDINATOR_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(
    app: Flask, client: FlaskClient, method: str, path: str
) -> None:
    prisoner_id, facility_id = ids(app)
    # Logged out, the CSRF check would answer first for POSTs; this test is about the gate.
    app.config["WTF_CSRF_ENABLED"] = False

    response = client.open(path.format(prisoner_id, facility_id), method=method)

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert count(app, Facility) == 1


def test_the_frozen_address_keeps_every_line_of_the_facility(app: Flask) -> None:
    facility = make_facility(
        name="Wohnheim",
        street_address="Seidelstraße 39",
        city_area="Tegel",
        city="Berlin",
        postal_code="13507",
        country_code="DE",
        country_area="",
    )
    text = facility_address_text(facility)
    assert text.splitlines() == ["Wohnheim", "Seidelstraße 39", "Tegel", "13507 Berlin", "DE"]
