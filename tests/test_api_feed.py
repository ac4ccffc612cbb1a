"""The publishing side of the list feed (docs/feed.md, issue 16): what a following group reads
from ``/api/v1/prisoners`` (new keys, ``?updated_since=``, tombstones), ETags, and
``/api/v1/letters`` (letters per listed person per day, when the group publishes them)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conftest import AuthActions, count_statements, csrf_token, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from letters.extensions import db
from letters.models import (
    AuditEntry,
    Facility,
    Gender,
    GroupSettings,
    LetterSent,
    Prisoner,
    Role,
    Source,
    SourceLetterDay,
    Status,
)
from letters.prisoners.services import transfer_prisoner

# The keys every v1 client already reads, which keep their meaning.
OLD_KEYS = {
    "id",
    "name",
    "address",
    "languages",
    "birthday",
    "status",
    "letters_sent",
    "letters_last_30_days",
}
NEW_KEYS = {
    "listed",
    "updated_at",
    "gender",
    "birth_year",
    "prisoner_number",
    "unit",
    "facility",
    "address_since",
    "release_date",
}
# A day long past, so that "changed since" is decided by the days a test sets, never by the
# clock (no test depends on when it runs).
LONG_AGO = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)


def _date_back(
    prisoner_ids: list[int] | None = None,
    facility_ids: list[int] | None = None,
    when: datetime = LONG_AGO,
) -> None:
    """Set ``updated_at`` as the rows' last change (Core updates: no onupdate of their own)."""
    if prisoner_ids:
        db.session.execute(
            update(Prisoner).where(Prisoner.id.in_(prisoner_ids)).values(updated_at=when)
        )
    if facility_ids:
        db.session.execute(
            update(Facility).where(Facility.id.in_(facility_ids)).values(updated_at=when)
        )
    db.session.commit()
    db.session.expire_all()


def _utc_day(moment: datetime) -> str:
    """The UTC day of a stored timestamp (SQLite gives it back without its zone)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.date().isoformat()


def _feed(client: FlaskClient, query: str = "") -> dict[str, Any]:
    response = client.get(f"/api/v1/prisoners{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    data: dict[str, Any] = response.get_json()
    return data


def _publish_letters(on: bool = True) -> None:
    settings = db.session.get(GroupSettings, 1) or GroupSettings(id=1)
    settings.publish_letter_days = on
    db.session.add(settings)
    db.session.commit()


def _yesterday() -> date:
    return date.today() - timedelta(days=1)


def _log(
    prisoner_id: int, sent_on: date, letters: int = 1, recorded_on: date | None = None
) -> None:
    db.session.add(
        LetterSent(
            prisoner_id=prisoner_id,
            sent_on=sent_on,
            letters=letters,
            recorded_on=recorded_on or _yesterday(),
        )
    )


# --- the new keys --------------------------------------------------------------------------------


def test_a_listed_item_has_the_new_keys_and_the_old_ones_as_before(
    app: Flask, client: FlaskClient
) -> None:
    old_home = make_facility()
    facility = make_facility(
        name="JVA Tegel",
        label_name="JVA Tegel",
        street_address="Seidelstraße 39",
        city="Berlin",
        postal_code="13507",
        country_area="",
        country_code="DE",
        facility_name_first=True,
        name_line_format="{name}/{number}",
        allows_photos=True,
        allows_cards=False,
        restrictions="No stickers.",
    )
    prisoner = make_prisoner(
        old_home,
        gender=Gender.FEMALE,
        birth_date=date(1990, 8, 7),
        prisoner_number="A-123",
        status=Status.SENTENCED,
        release_date=date(2029, 5, 1),
        languages="de ru",
    )
    transfer_prisoner(prisoner, facility, on=date(2026, 11, 20), unit="Haus 2")
    db.session.commit()
    _log(prisoner.id, _yesterday(), letters=3)
    db.session.commit()
    prisoner_id, facility_id = prisoner.id, facility.id
    updated = max(prisoner.updated_at, facility.updated_at)

    one = client.get(f"/api/v1/prisoners/{prisoner_id}").get_json()
    (listed,) = _feed(client)["prisoners"]
    (changed,) = _feed(client, "?updated_since=2020-01-01")["prisoners"]
    assert one == listed == changed
    assert set(one) == OLD_KEYS | NEW_KEYS
    assert one["listed"] is True
    assert one["updated_at"] == _utc_day(updated)
    assert one["gender"] == "female"
    assert one["birth_year"] == 1990
    assert one["birthday"] == {"month": 8, "day": 7}
    assert one["prisoner_number"] == "A-123"
    assert one["unit"] == "Haus 2"
    assert one["address_since"] == "2026-11-20"
    assert one["release_date"] == "2029-05-01"
    assert one["facility"] == {
        "id": facility_id,
        "name": "JVA Tegel",
        "label_name": "JVA Tegel",
        "street_address": "Seidelstraße 39",
        "city": "Berlin",
        "city_area": "",
        "country_area": "",
        "postal_code": "13507",
        "country_code": "DE",
        "facility_name_first": True,
        "name_line_format": "{name}/{number}",
        "mail_rules": {
            "photos": True,
            "cards": False,
            "paper": None,
            "envelopes": None,
            "stamps": None,
            "restrictions": "No stickers.",
        },
    }
    # The old keys, as v1 gave them.
    assert one["name"]["family_name"] == "Пчелинцев"
    assert one["languages"] == [{"code": "de", "name": "German"}, {"code": "ru", "name": "Russian"}]
    assert one["status"] == "sentenced"
    assert (one["letters_sent"], one["letters_last_30_days"]) == (3, 3)
    assert one["address"]["posted_from"] is None
    assert one["address"]["lines"][-1] == "GERMANY"
    assert one["address"]["needs_checking"] is False


def test_a_person_without_facility_stay_gender_or_release_date_has_nulls(
    app: Flask, client: FlaskClient
) -> None:
    prisoner = make_prisoner(birth_year=None)
    prisoner.facility = None
    db.session.commit()

    data = client.get(f"/api/v1/prisoners/{prisoner.id}").get_json()
    for key in ("facility", "address_since", "gender", "birth_year", "release_date", "address"):
        assert data[key] is None, key
    # Placed before the stay's day was known: an open stay without a day is no date either.
    placed = make_prisoner(family_name="Иванов")
    db.session.commit()
    assert client.get(f"/api/v1/prisoners/{placed.id}").get_json()["address_since"] is None


def test_the_full_date_of_birth_never_crosses(app: Flask, client: FlaskClient) -> None:
    prisoner_id = make_prisoner(birth_date=date(1987, 4, 23)).id
    db.session.commit()

    for path in (
        f"/api/v1/prisoners/{prisoner_id}",
        "/api/v1/prisoners",
        "/api/v1/prisoners?updated_since=2000-01-01",
    ):
        text = client.get(path).get_data(as_text=True)
        assert "1987-04-23" not in text, path
        assert "birth_date" not in text, path
        assert '"birth_year":1987' in text.replace(" ", ""), path
        assert '"birthday":{"day":23,"month":4}' in text.replace(" ", ""), path


SENTINEL = "SENTINEL-PRIVATE"


def test_private_fields_never_cross(app: Flask, client: FlaskClient) -> None:
    facility = make_facility(transit_notes=f"{SENTINEL}-transit")
    prisoner = make_prisoner(
        facility,
        language_notes=f"{SENTINEL}-language-notes",
        interests=f"{SENTINEL}-interests",
        envelope_name=f"{SENTINEL}-envelope",
        envelope_name_confirmed=True,
    )
    db.session.commit()
    transfer_prisoner(prisoner, facility, on=date(2026, 11, 20), note=f"{SENTINEL}-history-note")
    hidden = make_prisoner(
        facility, family_name=f"{SENTINEL}-unlisted-name", is_listed=False, bio=SENTINEL
    )
    db.session.commit()
    prisoner_id, hidden_id = prisoner.id, hidden.id

    responses = {
        "one": client.get(f"/api/v1/prisoners/{prisoner_id}"),
        "list": client.get("/api/v1/prisoners"),
        "changed": client.get("/api/v1/prisoners?updated_since=2000-01-01"),
    }
    for name, response in responses.items():
        data = response.get_json()
        items = data.get("prisoners", [data])
        assert hidden_id not in [p["id"] for p in items if p["listed"]], name
        # The envelope name as it prints is part of the address lines, exactly as on the public
        # profile (test_api); outside them neither the override nor its confirmation crosses.
        for item in items:
            item.pop("address", None)
        text = json.dumps(data, ensure_ascii=False)
        assert SENTINEL not in text, name
        assert "confirmed" not in text, name
        assert "transit" not in text, name
        assert "envelope_name" not in text, name
        assert "note" not in text, name


# --- ?updated_since= ---------------------------------------------------------------------------


def test_updated_since_includes_the_whole_day_named_and_nothing_before(
    app: Flask, client: FlaskClient
) -> None:
    facility = make_facility()
    before = make_prisoner(facility, family_name="Раньше").id
    at_midnight = make_prisoner(facility, family_name="Аполночь").id
    late = make_prisoner(facility, family_name="Поздно").id
    db.session.commit()
    _date_back([before, at_midnight, late], [facility.id])
    day = datetime(2026, 11, 20, tzinfo=UTC)
    _date_back([before], when=day - timedelta(microseconds=1))
    _date_back([at_midnight], when=day)
    _date_back([late], when=day + timedelta(hours=23, minutes=59, seconds=59))

    data = _feed(client, "?updated_since=2026-11-20")
    # By id, not by name, so a follower's pages do not shift as names change.
    assert [p["id"] for p in data["prisoners"]] == sorted([at_midnight, late])
    assert [p["updated_at"] for p in data["prisoners"]] == ["2026-11-20", "2026-11-20"]
    assert (data["total"], data["pages"]) == (2, 1)
    assert [p["id"] for p in _feed(client, "?updated_since=2026-11-19")["prisoners"]] == sorted(
        [before, at_midnight, late]
    )
    assert _feed(client, "?updated_since=2026-11-21")["prisoners"] == []
    # Without it, the listing is as before: every listed person, by name.
    assert [p["id"] for p in _feed(client)["prisoners"]] == [at_midnight, late, before]


def test_updated_since_is_ordered_by_id_and_paginated(app: Flask, client: FlaskClient) -> None:
    facility = make_facility()
    ids = [make_prisoner(facility, family_name=name).id for name in ("Яшин", "Бобров", "Авдеев")]
    db.session.commit()

    first = _feed(client, "?updated_since=2000-01-01&per_page=2")
    second = _feed(client, "?updated_since=2000-01-01&per_page=2&page=2")
    assert [p["id"] for p in first["prisoners"] + second["prisoners"]] == sorted(ids)
    assert (first["total"], first["pages"]) == (3, 2)


def test_a_facility_edit_brings_its_prisoners_into_the_feed(
    app: Flask, client: FlaskClient
) -> None:
    edited = make_facility()
    other = make_facility()
    held = [make_prisoner(edited, family_name=name).id for name in ("Первый", "Второй")]
    elsewhere = make_prisoner(other, family_name="Третий").id
    db.session.commit()
    _date_back([*held, elsewhere], [edited.id, other.id])
    assert _feed(client, "?updated_since=2020-01-02")["prisoners"] == []

    facility = db.session.get(Facility, edited.id)
    assert facility is not None
    facility.street_address = "ул. Каракозова, 32"
    db.session.commit()
    changed_day = _utc_day(facility.updated_at)

    data = _feed(client, "?updated_since=2020-01-02")
    assert [p["id"] for p in data["prisoners"]] == sorted(held)
    for item in data["prisoners"]:
        # The person's own row did not change; the day is their facility's.
        assert item["updated_at"] == changed_day
        assert item["facility"]["street_address"] == "ул. Каракозова, 32"


def test_an_unlisted_person_is_a_bare_tombstone_only_with_updated_since(
    app: Flask, client: FlaskClient
) -> None:
    facility = make_facility()
    stays = make_prisoner(facility, family_name="Остаётся").id
    leaves = make_prisoner(facility, family_name="Уходит", gender=Gender.MALE).id
    db.session.commit()
    _date_back([stays, leaves], [facility.id])
    _date_back([leaves], when=datetime(2026, 11, 25, 8, 30, tzinfo=UTC))
    # Unlisting: the one change since the day the follower asks for.
    db.session.execute(update(Prisoner).where(Prisoner.id == leaves).values(is_listed=False))
    db.session.commit()
    _date_back([leaves], when=datetime(2026, 11, 25, 8, 30, tzinfo=UTC))

    data = _feed(client, "?updated_since=2026-11-20")
    assert data["prisoners"] == [{"id": leaves, "listed": False, "updated_at": "2026-11-25"}]
    assert data["total"] == 1
    # Without updated_since: listed people only, no tombstones, as v1 always was.
    listing = _feed(client)
    assert [p["id"] for p in listing["prisoners"]] == [stays]
    assert all(p["listed"] for p in listing["prisoners"])
    # And no single record for them either.
    assert client.get(f"/api/v1/prisoners/{leaves}").status_code == 404


def test_a_never_listed_person_changed_since_the_day_is_a_tombstone_too(
    app: Flask, client: FlaskClient
) -> None:
    """A person entered unlisted is not told apart from one unlisted later (nothing records
    that a person was once listed): both are a bare tombstone, an id and a day, which a
    follower that never saw the id ignores. Their name and facility never cross."""
    never = make_prisoner(family_name="Никогда", is_listed=False)
    db.session.commit()

    data = _feed(client, "?updated_since=2000-01-01")
    (item,) = data["prisoners"]
    assert set(item) == {"id", "listed", "updated_at"}
    assert (item["id"], item["listed"]) == (never.id, False)
    assert "Никогда" not in client.get("/api/v1/prisoners?updated_since=2000-01-01").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "value",
    ["2026-13-01", "2026-02-30", "yesterday", "20261130", "2026-W48-1", "2026-11-30T00:00", " "],
)
def test_a_malformed_updated_since_is_a_400_naming_it(client: FlaskClient, value: str) -> None:
    response = client.get("/api/v1/prisoners", query_string={"updated_since": value})
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert "“updated_since”" in response.get_json()["error"]


def test_an_empty_updated_since_is_the_plain_listing(app: Flask, client: FlaskClient) -> None:
    make_prisoner(is_listed=False)
    listed = make_prisoner(family_name="Видимый").id
    db.session.commit()

    assert [p["id"] for p in _feed(client, "?updated_since=")["prisoners"]] == [listed]


def test_the_changed_listing_runs_the_same_number_of_queries_for_3_and_30_people(
    app: Flask, client: FlaskClient
) -> None:
    def statements_for(how_many: int) -> int:
        db.session.query(LetterSent).delete()
        db.session.query(Prisoner).delete()
        for n in range(how_many):
            # Each at a facility of their own, moved there on a day: facilities and stays must
            # come in bulk, not one query each.
            prisoner = make_prisoner(family_name=f"Узник {n:02}", is_listed=n % 3 != 0)
            transfer_prisoner(prisoner, make_facility(), on=date(2026, 11, 1 + n % 28))
            _log(prisoner.id, _yesterday())
        db.session.commit()
        with count_statements() as statements:
            data = _feed(client, "?updated_since=2000-01-01&per_page=100")
        assert len(data["prisoners"]) == how_many
        listed = [p for p in data["prisoners"] if p["listed"]]
        assert listed
        assert all(p["address_since"] and p["facility"] for p in listed)
        assert all(p["letters_sent"] == 1 for p in listed)
        return len(statements)

    assert statements_for(3) == statements_for(30)


# --- ETag ---------------------------------------------------------------------------------------


def test_each_response_has_an_etag_and_if_none_match_gets_a_bare_304(
    app: Flask, client: FlaskClient
) -> None:
    prisoner_id = make_prisoner().id
    _log(prisoner_id, _yesterday())
    db.session.commit()
    _publish_letters()

    for path in (
        "/api/v1/prisoners",
        "/api/v1/prisoners?updated_since=2000-01-01",
        f"/api/v1/prisoners/{prisoner_id}",
        "/api/v1/letters?since=2000-01-01",
    ):
        first = client.get(path)
        assert first.status_code == 200, path
        etag = first.headers["ETag"]
        assert etag, path

        again = client.get(path, headers={"If-None-Match": etag, "Origin": "https://g.example"})
        assert again.status_code == 304, path
        assert again.get_data() == b"", path
        assert again.headers["ETag"] == etag, path
        # A cache or a page's script still gets what the 200 said about caching and CORS.
        assert again.headers["Cache-Control"] == "public, max-age=60", path
        assert again.headers["Access-Control-Allow-Origin"] == "*", path
        assert again.headers["Access-Control-Expose-Headers"] == "ETag", path

        other = client.get(path, headers={"If-None-Match": '"not-this-one"'})
        assert other.status_code == 200, path
        assert other.get_json() == first.get_json(), path
        assert other.headers["Access-Control-Expose-Headers"] == "ETag", path


def test_a_page_script_may_ask_with_if_none_match(client: FlaskClient) -> None:
    response = client.options(
        "/api/v1/prisoners",
        headers={
            "Origin": "https://group.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 200
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "if-none-match" in [name.strip() for name in allowed.split(",")]


def test_the_etag_changes_with_the_body(app: Flask, client: FlaskClient) -> None:
    prisoner = make_prisoner()
    db.session.commit()
    path = f"/api/v1/prisoners/{prisoner.id}"
    before = client.get(path).headers["ETag"]

    prisoner.unit = "Отряд 3"
    db.session.commit()

    response = client.get(path, headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response.get_json()["unit"] == "Отряд 3"
    assert response.headers["ETag"] != before


# --- /api/v1/letters ---------------------------------------------------------------------------


def test_letters_per_day_are_404_until_the_group_publishes_them(
    app: Flask, client: FlaskClient
) -> None:
    prisoner_id = make_prisoner().id
    _log(prisoner_id, _yesterday())
    db.session.commit()

    for query in ("?since=2000-01-01", "", "?since=nonsense"):
        response = client.get(f"/api/v1/letters{query}")
        assert response.status_code == 404, query
        assert response.mimetype == "application/json"
        assert response.get_json()["error"]
    _publish_letters(False)
    assert client.get("/api/v1/letters?since=2000-01-01").status_code == 404

    _publish_letters()
    assert client.get("/api/v1/letters?since=2000-01-01").status_code == 200


def test_letters_per_day_sum_each_listed_persons_days_recorded_before_today(
    app: Flask, client: FlaskClient
) -> None:
    facility = make_facility()
    first = make_prisoner(facility, family_name="Яковлев").id
    second = make_prisoner(facility, family_name="Андреев").id
    hidden = make_prisoner(facility, family_name="Скрытый", is_listed=False).id
    db.session.commit()
    day1, day2 = date(2026, 9, 1), date(2026, 9, 2)
    _log(first, day2, letters=2)
    _log(first, day1, letters=12)  # an evening: twelve letters in one row
    _log(first, day1, letters=1)
    _log(first, day2, letters=4, recorded_on=date.today())  # counts tomorrow, not now
    _log(first, date(2026, 8, 31), letters=9)  # before "since"
    _log(second, day1, letters=3)
    _log(hidden, day1, letters=5)
    # What a followed group published is never republished as this group's own.
    source = Source(base_url="https://other.example", name="Other")
    db.session.add(source)
    db.session.flush()
    db.session.add(SourceLetterDay(source_id=source.id, remote_id=second, sent_on=day2, letters=50))
    db.session.commit()
    _publish_letters()

    response = client.get("/api/v1/letters?since=2026-09-01")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.get_json() == {
        "days": [
            {"id": first, "sent_on": "2026-09-01", "letters": 13},
            {"id": first, "sent_on": "2026-09-02", "letters": 2},
            {"id": second, "sent_on": "2026-09-01", "letters": 3},
        ],
        "since": "2026-09-01",
        "page": 1,
        "per_page": 100,
        "total": 2,  # listed people
        "pages": 1,
    }
    # Counts only: nothing about who wrote, recorded or how.
    text = response.get_data(as_text=True)
    for word in ("user", "via", "campaign", "recorded"):
        assert word not in text
    assert client.get("/api/v1/letters?since=2026-09-02").get_json()["days"] == [
        {"id": first, "sent_on": "2026-09-02", "letters": 2}
    ]


def test_letters_per_day_are_paginated_by_people_each_page_holding_all_their_days(
    app: Flask, client: FlaskClient
) -> None:
    facility = make_facility()
    people = [make_prisoner(facility, family_name=f"Узник {n}").id for n in range(3)]
    hidden = make_prisoner(facility, family_name="Скрытый", is_listed=False).id
    for n, prisoner_id in enumerate(people):
        for day in range(n + 1):  # 1, 2 and 3 days
            _log(prisoner_id, date(2026, 10, 1 + day), letters=n + 1)
    _log(hidden, date(2026, 10, 1))
    db.session.commit()
    _publish_letters()

    pages = [
        client.get(f"/api/v1/letters?since=2026-01-01&per_page=2&page={n}").get_json()
        for n in (1, 2, 3)
    ]
    assert [[(d["id"], d["letters"]) for d in page["days"]] for page in pages] == [
        [(people[0], 1), (people[1], 2), (people[1], 2)],
        [(people[2], 3)] * 3,
        [],
    ]
    # People are counted (the listed ones), not days: a page is every day of its people.
    assert {(p["total"], p["pages"], p["per_page"]) for p in pages} == {(3, 2, 2)}
    assert [p["page"] for p in pages] == [1, 2, 3]
    assert client.get("/api/v1/letters?since=2026-01-01&per_page=1000").status_code == 200


def test_letters_per_day_refuse_a_missing_or_bad_since_and_bad_paging(
    app: Flask, client: FlaskClient
) -> None:
    _publish_letters()
    for query in ("", "?since=", "?since=2026-9-1", "?since=yesterday", "?since=2026-02-30"):
        response = client.get(f"/api/v1/letters{query}")
        assert response.status_code == 400, query
        assert response.mimetype == "application/json"
        assert "“since”" in response.get_json()["error"], query
    for name, value in (("per_page", "0"), ("per_page", "1001"), ("page", "0"), ("page", "x")):
        response = client.get(f"/api/v1/letters?since=2026-01-01&{name}={value}")
        assert response.status_code == 400, (name, value)
        assert f"“{name}”" in response.get_json()["error"]


def test_letters_per_day_cost_the_same_queries_whatever_the_page_size(
    app: Flask, client: FlaskClient
) -> None:
    facility = make_facility()
    for n in range(12):
        prisoner_id = make_prisoner(facility, family_name=f"Узник {n:02}").id
        for day in range(1, 6):
            _log(prisoner_id, date(2026, 10, day))
    db.session.commit()
    _publish_letters()

    def statements_for(per_page: int) -> int:
        with count_statements() as statements:
            data = client.get(f"/api/v1/letters?since=2026-01-01&per_page={per_page}").get_json()
        assert len(data["days"]) == min(per_page, 12) * 5
        return len(statements)

    assert statements_for(1) == statements_for(1000)


# --- the setting ----------------------------------------------------------------------------


def test_an_admin_turns_publishing_letters_per_day_on_and_off(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login("admin@example.org", Role.ADMIN)
    page = client.get("/manage/settings").get_data(as_text=True)
    assert "Publish letters per day for groups that follow this list" in page
    assert "never who wrote them" in page
    data = {"group_name": "ABC", "return_address": "", "home_country": ""}
    token = csrf_token(client, "/manage/settings")

    response = client.post(
        "/manage/settings", data={**data, "publish_letter_days": "y", "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get("/api/v1/letters?since=2026-01-01").status_code == 200

    client.post("/manage/settings", data={**data, "csrf_token": token})
    assert client.get("/api/v1/letters?since=2026-01-01").status_code == 404
    # Who turned it on and off is in the audit trail, like any other setting.
    audited = [
        dict((name, (old, new)) for name, old, new in json.loads(entry.changes))
        for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "settings").order_by(AuditEntry.id)
        )
    ]
    assert [e["publish_letter_days"] for e in audited if "publish_letter_days" in e] == [
        ("", "true"),  # the first save creates the settings row
        ("true", "false"),
    ]
