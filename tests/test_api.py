"""The read-only JSON API for group websites: listed prisoners only, counts, CORS, pagination."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

from conftest import count_statements, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient

from letters.extensions import db
from letters.models import LetterSent, Prisoner, Status


def _add(**fields: Any) -> Prisoner:
    prisoner = make_prisoner(**fields)
    db.session.commit()
    return prisoner


def _log(prisoner_id: int, letters: int, days_ago: int) -> None:
    """A row recorded yesterday (public counts stop there) for a letter sent ``days_ago``."""
    db.session.add(
        LetterSent(
            prisoner_id=prisoner_id,
            letters=letters,
            sent_on=date.today() - timedelta(days=days_ago),
            recorded_on=date.today() - timedelta(days=1),
        )
    )
    db.session.commit()


def test_prisoner_shows_names_languages_status_and_address(app: Flask, client: FlaskClient) -> None:
    prisoner_id = _add(languages="ru en", status=Status.SENTENCED).id

    response = client.get(f"/api/v1/prisoners/{prisoner_id}")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["id"] == prisoner_id
    assert data["name"] == {
        "display": "Дмитрий Дмитриевич Пчелинцев (Dmitry Pchelintsev)",
        "family_name": "Пчелинцев",
        "given_names": "Дмитрий",
        "patronymic": "Дмитриевич",
        "latin_name": "Dmitry Pchelintsev",
    }
    assert data["languages"] == [
        {"code": "ru", "name": "Russian"},
        {"code": "en", "name": "English"},
    ]
    assert data["status"] == "sentenced"
    assert data["address"]["posted_from"] is None
    assert data["address"]["needs_checking"] is False
    # Posted from abroad: the dative name with the year of birth, the country line last.
    assert data["address"]["lines"][0] == "Пчелинцеву Дмитрию Дмитриевичу, 1992 г.р."
    assert data["address"]["lines"][-1] == "RUSSIA"


def test_address_lines_are_exactly_those_of_the_public_profile(
    app: Flask, client: FlaskClient
) -> None:
    prisoner_id = _add().id

    for query in ("", "?from=RU"):
        lines = client.get(f"/api/v1/prisoners/{prisoner_id}{query}").get_json()["address"]["lines"]
        page = client.get(f"/prisoners/{prisoner_id}{query}").get_data(as_text=True)
        match = re.search(r'<pre class="address" data-posted="\w+">(.*?)</pre>', page, re.S)
        assert match, "no address on the public profile"
        assert lines == html.unescape(match.group(1)).split("\n")
    # Posted within Russia: no country line.
    assert "RUSSIA" not in lines


def test_prisoner_without_facility_has_no_address(app: Flask, client: FlaskClient) -> None:
    prisoner = _add()
    prisoner.facility = None
    db.session.commit()
    prisoner_id = prisoner.id

    assert client.get(f"/api/v1/prisoners/{prisoner_id}").get_json()["address"] is None


def test_no_coordinator_only_data_is_published(app: Flask, client: FlaskClient) -> None:
    facility = make_facility(transit_notes="SECRET-TRANSIT: étap via Chelyabinsk")
    prisoner = make_prisoner(
        facility, envelope_name_confirmed=True, language_notes="SECRET-LANG", bio="bio"
    )
    db.session.commit()
    prisoner_id = prisoner.id

    body = client.get(f"/api/v1/prisoners/{prisoner_id}").get_data(as_text=True)
    listing = client.get("/api/v1/prisoners").get_data(as_text=True)
    for text in (body, listing):
        assert "SECRET" not in text
        assert "confirmed" not in text
        assert "is_listed" not in text
        assert "transit" not in text


def test_birthday_is_day_and_month_without_the_year(app: Flask, client: FlaskClient) -> None:
    born = _add(birth_date=date(1992, 3, 14)).id
    year_only = _add(family_name="Иванов", birth_year=1985).id

    response = client.get(f"/api/v1/prisoners/{born}")
    data = response.get_json()
    assert data["birthday"] == {"month": 3, "day": 14}
    # The year prints on Russian envelopes and crosses to following groups (docs/feed.md) as
    # a field of its own; the year is never put together with the day and month.
    assert data["birth_year"] == 1992
    assert "1992-03-14" not in response.get_data(as_text=True)
    assert client.get(f"/api/v1/prisoners/{year_only}").get_json()["birthday"] is None


def test_unlisted_prisoner_is_404_and_absent_from_the_list(app: Flask, client: FlaskClient) -> None:
    listed = _add(family_name="Аксёнов").id
    hidden = _add(family_name="Скрытый", is_listed=False).id

    response = client.get(f"/api/v1/prisoners/{hidden}")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json() == client.get("/api/v1/prisoners/999999").get_json()

    data = client.get("/api/v1/prisoners").get_json()
    assert [p["id"] for p in data["prisoners"]] == [listed]
    assert data["total"] == 1


def test_counts_sum_letters_and_the_last_30_days_excludes_older_rows(
    app: Flask, client: FlaskClient
) -> None:
    prisoner_id = _add().id
    other_id = _add(family_name="Другой").id
    _log(prisoner_id, letters=12, days_ago=0)  # an evening: twelve letters, one row
    _log(prisoner_id, letters=1, days_ago=29)  # the oldest day still counted as recent
    _log(prisoner_id, letters=5, days_ago=30)  # a day too old for "last 30 days"
    _log(prisoner_id, letters=2, days_ago=400)
    _log(other_id, letters=7, days_ago=1)

    data = client.get(f"/api/v1/prisoners/{prisoner_id}").get_json()
    assert (data["letters_sent"], data["letters_last_30_days"]) == (20, 13)

    listing = {p["id"]: p for p in client.get("/api/v1/prisoners").get_json()["prisoners"]}
    assert (listing[prisoner_id]["letters_sent"], listing[prisoner_id]["letters_last_30_days"]) == (
        20,
        13,
    )
    assert (listing[other_id]["letters_sent"], listing[other_id]["letters_last_30_days"]) == (7, 7)


def test_counts_move_only_when_the_day_turns(app: Flask, client: FlaskClient) -> None:
    """A program polling the API cannot time a click: letters recorded today count tomorrow."""
    prisoner_id = _add().id
    _log(prisoner_id, letters=2, days_ago=1)
    db.session.add(LetterSent(prisoner_id=prisoner_id, letters=5, sent_on=date.today()))
    db.session.commit()
    one = client.get(f"/api/v1/prisoners/{prisoner_id}").get_json()
    assert (one["letters_sent"], one["letters_last_30_days"]) == (2, 2)
    listing = client.get("/api/v1/prisoners").get_json()["prisoners"]
    assert [(p["letters_sent"], p["letters_last_30_days"]) for p in listing] == [(2, 2)]


def test_prisoner_without_letters_counts_zero(app: Flask, client: FlaskClient) -> None:
    prisoner_id = _add().id

    data = client.get(f"/api/v1/prisoners/{prisoner_id}").get_json()
    assert (data["letters_sent"], data["letters_last_30_days"]) == (0, 0)


def test_get_allows_any_origin_and_is_briefly_cacheable(app: Flask, client: FlaskClient) -> None:
    prisoner_id = _add().id

    for path in ("/api/v1/prisoners", f"/api/v1/prisoners/{prisoner_id}"):
        response = client.get(path, headers={"Origin": "https://group.example"})
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert response.headers["Content-Type"] == "application/json"


def test_preflight_is_answered(client: FlaskClient) -> None:
    response = client.options(
        "/api/v1/prisoners",
        headers={"Origin": "https://group.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


def test_writing_is_not_allowed(client: FlaskClient) -> None:
    assert client.post("/api/v1/prisoners").status_code == 405


def test_bad_from_is_a_400_json_error(app: Flask, client: FlaskClient) -> None:
    prisoner_id = _add().id

    for path in ("/api/v1/prisoners", f"/api/v1/prisoners/{prisoner_id}"):
        for value in ("XX", "Germany", "1", "DEU"):
            response = client.get(f"{path}?from={value}")
            assert response.status_code == 400, (path, value)
            assert response.mimetype == "application/json"
            assert "from" in response.get_json()["error"]
    # Lower case is a country code too.
    data = client.get(f"/api/v1/prisoners/{prisoner_id}?from=de").get_json()
    assert data["address"]["posted_from"] == "DE"


def test_list_is_by_name_and_paginated(app: Flask, client: FlaskClient) -> None:
    names = ["Яковлев", "Бабушкин", "Волков", "Андреев", "Гусев"]
    facility = make_facility()
    for name in names:
        make_prisoner(facility, family_name=name)
    db.session.commit()

    first = client.get("/api/v1/prisoners?per_page=2").get_json()
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 5, 3)
    assert [p["name"]["family_name"] for p in first["prisoners"]] == ["Андреев", "Бабушкин"]
    last = client.get("/api/v1/prisoners?per_page=2&page=3").get_json()
    assert [p["name"]["family_name"] for p in last["prisoners"]] == ["Яковлев"]
    beyond = client.get("/api/v1/prisoners?per_page=2&page=4").get_json()
    assert (beyond["prisoners"], beyond["total"]) == ([], 5)

    everyone = client.get("/api/v1/prisoners").get_json()
    assert [p["name"]["family_name"] for p in everyone["prisoners"]] == sorted(names)


def test_bad_pagination_is_a_400_json_error(client: FlaskClient) -> None:
    for query in ("per_page=101", "per_page=0", "page=0", "page=x", "per_page=-5"):
        response = client.get(f"/api/v1/prisoners?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["error"]
    assert client.get("/api/v1/prisoners?per_page=100").status_code == 200


def test_list_runs_the_same_number_of_queries_for_3_and_30_prisoners(
    app: Flask, client: FlaskClient
) -> None:
    def statements_for_listing(how_many: int) -> int:
        db.session.query(LetterSent).delete()
        db.session.query(Prisoner).delete()
        facility = make_facility()
        for n in range(how_many):
            prisoner = make_prisoner(facility, family_name=f"Узник {n:02}")
            yesterday = date.today() - timedelta(days=1)
            db.session.add(
                LetterSent(prisoner_id=prisoner.id, sent_on=yesterday, recorded_on=yesterday)
            )
        db.session.commit()
        with count_statements() as statements:
            data = client.get("/api/v1/prisoners?per_page=100").get_json()
        assert len(data["prisoners"]) == how_many
        assert all(p["letters_sent"] == 1 for p in data["prisoners"])
        return len(statements)

    assert statements_for_listing(3) == statements_for_listing(30)
