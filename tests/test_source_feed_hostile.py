"""A followed source that answers badly, by accident or on purpose (docs/feed.md, "Following"):
each answer comes from a real HTTP server on 127.0.0.1. A feed refused as a whole writes
nothing but the attempt and its reason; a bad item is refused alone, naming its field."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from letters.extensions import db
from letters.models import Source, SourceChange, SourceLetterDay
from letters.sources import fetch
from letters.sources.fetch import SourceError, SourceNotFound, get_json, normalise_base_url
from letters.sources.items import ItemError, parse_item
from letters.sources.sync import sync_source
from tests.source_server import Answer, FakeSource, endless, item, json_answer, paged

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def feed() -> Iterator[FakeSource]:
    with FakeSource() as server:
        yield server


@pytest.fixture
def source(feed: FakeSource) -> Source:
    source = Source(base_url=feed.url, name="ABC Penza")
    db.session.add(source)
    db.session.commit()  # as a followed source is: a sync's rollback must not take it along
    return source


def written(source: Source) -> int:
    """Rows a sync may write for the source besides its own attempt."""
    changes = select(func.count()).where(SourceChange.source_id == source.id)
    days = select(func.count()).where(SourceLetterDay.source_id == source.id)
    return (db.session.scalar(changes) or 0) + (db.session.scalar(days) or 0)


def assert_refused_whole(source: Source, report: Any, words: str) -> None:
    assert words in report.error
    assert source.last_error == report.error
    assert source.last_attempt_on == date.today()
    assert source.last_success_on is None
    assert source.synced_through is None
    assert written(source) == 0


# --- the address ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://abc-berlin.example/", "https://abc-berlin.example"),
        ("  HTTPS://ABC.example:8443/letters/ ", "https://abc.example:8443/letters"),
        ("http://127.0.0.1:5001", "http://127.0.0.1:5001"),
        ("http://127.8.9.10/", "http://127.8.9.10"),
        ("http://[::1]:5001/", "http://[::1]:5001"),
        ("http://localhost:5001", "http://localhost:5001"),
    ],
)
def test_an_address_is_normalised(text: str, expected: str) -> None:
    assert normalise_base_url(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("http://abc.example", "https://"),  # plain http beyond this machine
        ("http://10.0.0.1", "https://"),
        ("http://169.254.169.254", "https://"),
        ("ftp://abc.example", "https://"),
        ("abc.example", "https://"),
        ("javascript:alert(1)", "https://"),
        ("https://user:secret@abc.example", "password"),
        ("https://abc.example/?page=2", "“?…”"),
        ("https://abc.example/#top", "“?…”"),
        ("https://abc.example:99999", "port"),
        ("https://abc.example/a b", "spaces"),
        ("", "Enter"),
        ("https://" + "a" * 600 + ".example", "too long"),
    ],
)
def test_an_address_is_refused_with_a_reason(text: str, words: str) -> None:
    with pytest.raises(SourceError, match=words) as caught:
        normalise_base_url(text)
    assert isinstance(caught.value, ValueError)


# --- answers refused as a whole ------------------------------------------------------------------


def test_an_html_page_is_not_the_feed(feed: FakeSource, source: Source) -> None:
    feed.answer = lambda path, query: Answer(
        200, {"Content-Type": "text/html; charset=utf-8"}, [b"<!doctype html><p>Welcome"]
    )

    report = sync_source(source)

    assert_refused_whole(source, report, "HTML page, not the feed; is the address right?")


def test_json_that_does_not_parse_is_refused(feed: FakeSource, source: Source) -> None:
    feed.answer = lambda path, query: Answer(body=[b'{"prisoners": [{"id": 7,'])

    assert_refused_whole(source, sync_source(source), "not valid JSON")


def test_another_content_type_is_refused(feed: FakeSource, source: Source) -> None:
    feed.answer = lambda path, query: Answer(
        200, {"Content-Type": "text/plain"}, [json.dumps(paged("prisoners", [], 1, 100)).encode()]
    )

    assert_refused_whole(source, sync_source(source), "“text/plain”, not JSON")


def test_a_hundred_megabytes_stop_at_the_limit(feed: FakeSource, source: Source) -> None:
    feed.answer = lambda path, query: Answer(body=endless())

    report = sync_source(source)

    assert_refused_whole(source, report, "larger than 5.0 MB")
    # The follower hung up at the limit instead of reading on (the kernel's buffers let the
    # server write a little past it before it notices).
    assert feed.done.wait(10)
    assert feed.sent < 30 * 1024 * 1024


def test_a_compressed_bomb_counts_what_it_becomes(feed: FakeSource, source: Source) -> None:
    # 50 MB of spaces are about 50 kB gzipped: the limit counts the bytes unpacked.
    def bomb() -> Iterator[bytes]:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip format
        yield packer.compress(b'{"prisoners": [')
        block = b" " * (1024 * 1024)
        for _megabyte in range(50):
            yield packer.compress(block)
        yield packer.compress(b'], "pages": 1}') + packer.flush()

    feed.answer = lambda path, query: Answer(
        200, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, bomb()
    )

    assert_refused_whole(source, sync_source(source), "larger than 5.0 MB")


def test_a_lower_limit_is_counted_on_the_bytes_read(
    feed: FakeSource, source: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "MAX_BYTES", 1000)
    body = json.dumps(paged("prisoners", [item(n) for n in range(1, 4)], 1, 100)).encode()
    # No Content-Length at all: only counting while reading can catch it.
    feed.answer = lambda path, query: Answer(body=[body[:500], body[500:]])

    assert_refused_whole(source, sync_source(source), "larger than")


def test_a_content_length_lying_small_is_not_believed(feed: FakeSource, source: Source) -> None:
    body = json.dumps(paged("prisoners", [item(7)], 1, 100)).encode()
    feed.answer = lambda path, query: Answer(
        200, {"Content-Type": "application/json", "Content-Length": "10"}, [body]
    )

    report = sync_source(source)

    # Read as far as the server said: ten bytes of a JSON document are not a feed.
    assert_refused_whole(source, report, "not valid JSON")


def test_a_redirect_is_refused_naming_where_it_pointed(source: Source) -> None:
    with FakeSource() as elsewhere, FakeSource() as feed:
        source.base_url = feed.url
        target = elsewhere.url + "/internal"
        feed.answer = lambda path, query: Answer(302, {"Location": target}, [])

        report = sync_source(source)

        assert_refused_whole(source, report, target)
        assert "redirect" in report.error
        assert elsewhere.requests == []


def test_a_server_error_is_refused_with_its_message(feed: FakeSource, source: Source) -> None:
    feed.answer = lambda path, query: json_answer(
        {"error": "“updated_since” must be a day, YYYY-MM-DD."}, status=400
    )

    report = sync_source(source)

    assert_refused_whole(source, report, "(400)")
    assert "“updated_since” must be a day" in report.error


def test_a_server_error_message_is_stored_tamed(feed: FakeSource, source: Source) -> None:
    # Its words go into Source.last_error: no line breaks, NUL or lone surrogates (which
    # PostgreSQL refuses), and not a novel.
    message = "bad\nrequest\x00 \ud800 " + "x" * 5000
    feed.answer = lambda path, query: Answer(
        400, {"Content-Type": "application/json"}, [json.dumps({"error": message}).encode()]
    )

    report = sync_source(source)

    assert_refused_whole(source, report, "(400): bad request")
    assert len(report.error) < 500
    db.session.flush()  # storable


def test_the_follower_says_what_it_wants_and_who_it_is(feed: FakeSource) -> None:
    get_json(feed.url + "/api/v1/prisoners", {"per_page": 100})

    (headers,) = feed.headers
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith("letters/")


def test_a_404_is_told_apart(feed: FakeSource) -> None:
    with pytest.raises(SourceNotFound):
        get_json(feed.url + "/api/v1/letters", {"since": "2026-01-01"})


def test_an_unreachable_source_is_refused(source: Source) -> None:
    with FakeSource() as gone:
        url = gone.url
    source.base_url = url  # its port closed now

    assert_refused_whole(source, sync_source(source), "Could not reach the source")


def test_a_source_that_does_not_answer_in_time(
    feed: FakeSource, source: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "TIMEOUT", (0.5, 0.5))

    def slow(path: str, query: dict[str, str]) -> Answer:
        feed.release.wait(30)  # until the test ends
        return json_answer(paged("prisoners", [], 1, 100))

    feed.answer = slow

    assert_refused_whole(source, sync_source(source), "did not answer in time")


def test_a_trickle_does_not_hold_the_sync(
    feed: FakeSource, source: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each byte comes well within the read timeout; the whole answer's deadline stops it.
    monkeypatch.setattr(fetch, "DEADLINE", 0.5)

    def trickle() -> Iterator[bytes]:
        yield b"["
        while not feed.release.wait(0.05):
            yield b" "

    feed.answer = lambda path, query: Answer(body=trickle())

    assert_refused_whole(source, sync_source(source), "took longer than 0.5 seconds")


def test_a_page_failing_midway_writes_nothing(feed: FakeSource, source: Source) -> None:
    feed.people = [item(n) for n in range(1, 151)]
    contract = feed.contract

    def second_page_broken(path: str, query: dict[str, str]) -> Answer:
        if query.get("page") == "2":
            return json_answer({"error": "Internal error."}, status=500)
        return contract(path, query)

    feed.answer = second_page_broken

    report = sync_source(source)

    assert_refused_whole(source, report, "(500)")
    assert report.new_people == 0


@pytest.mark.parametrize(
    ("envelope", "words"),
    [
        ([], "not the feed"),
        ({"prisoners": {"7": {}}, "pages": 1}, "not the feed"),
        ({"prisoners": [], "pages": "1"}, "page count"),
        ({"prisoners": [], "pages": True}, "page count"),
        ({"prisoners": [], "pages": 1001}, "1001 pages"),
        ({"prisoners": [], "pages": 1, "page": 2}, "another page"),
        ({"prisoners": [{}] * 101, "pages": 1}, "more than the 100 items"),
    ],
)
def test_a_malformed_envelope_is_refused(
    feed: FakeSource, source: Source, envelope: Any, words: str
) -> None:
    feed.answer = lambda path, query: json_answer(envelope)

    assert_refused_whole(source, sync_source(source), words)


def test_a_page_repeated_whatever_is_asked_is_refused(feed: FakeSource, source: Source) -> None:
    # A server ignoring ?page= would hand out page 1 a thousand times.
    page_one = {**paged("prisoners", [item(n) for n in range(1, 101)], 1, 100), "pages": 3}
    feed.answer = lambda path, query: json_answer(page_one)

    assert_refused_whole(source, sync_source(source), "another page")


# --- items refused alone -------------------------------------------------------------------------


def refused_fields(report: Any) -> dict[int | str, str]:
    return {remote_id: field for remote_id, field, _message in report.refused}


def test_markup_in_a_name_refuses_that_item_only(feed: FakeSource, source: Source) -> None:
    feed.people = [
        item(7, family_name="<script>alert(1)</script>"),
        item(8, given_names='Дмитрий <img src=x onerror="alert(1)">'),
        item(9, unit="<b>отряд</b>"),
        item(10, facility={**item(1)["facility"], "name": "СИЗО-1</a><a href=//evil>"}),
        item(11, latin_name="Smith <3"),  # not a tag
        item(12),
    ]

    report = sync_source(source)

    assert refused_fields(report) == {
        7: "name.family_name",
        8: "name.given_names",
        9: "unit",
        10: "facility.name",
    }
    assert all("markup" in message for _id, _field, message in report.refused)
    assert report.new_people == 2
    assert "4 items refused" in source.last_error


@pytest.mark.parametrize("country", ["XX", "Narnia", "", "R"])
def test_an_unknown_country_refuses_the_item_naming_it(
    feed: FakeSource, source: Source, country: str
) -> None:
    feed.people = [item(7, facility={**item(1)["facility"], "country_code": country}), item(8)]

    report = sync_source(source)

    ((remote_id, field, message),) = report.refused
    assert (remote_id, field) == (7, "facility.country_code")
    assert country.upper() in message
    assert report.new_people == 1


def test_an_invalid_address_refuses_the_item(feed: FakeSource, source: Source) -> None:
    facility = {**item(1)["facility"], "postal_code": "ABCDEF"}
    feed.people = [item(7, facility=facility)]

    report = sync_source(source)

    assert refused_fields(report) == {7: "facility.postal_code"}
    assert "ABCDEF" in report.refused[0][2]


def test_colliding_ids_refuse_every_item_with_that_id(feed: FakeSource, source: Source) -> None:
    feed.people = [item(7), item(8), item(7, family_name="Иванов"), item(9)]

    report = sync_source(source)

    assert report.refused == [
        (7, "id", "id 7 appears twice in the feed"),
        (7, "id", "id 7 appears twice in the feed"),
    ]
    assert report.new_people == 2
    offered = db.session.scalars(
        select(SourceChange.remote_id).where(SourceChange.source_id == source.id)
    ).all()
    assert sorted(offered) == [8, 9]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": "7"}, "id"),
        ({"id": True}, "id"),
        ({"id": 0}, "id"),
        ({"id": -3}, "id"),
        ({"id": 2**64}, "id"),
        ({"id": 7.0}, "id"),
        ({"name": ["Пчелинцев"]}, "name"),
        ({"family_name": ["Пчелинцев"]}, "name.family_name"),
        ({"family_name": {"ru": "Пчелинцев"}}, "name.family_name"),
        ({"family_name": ""}, "name.family_name"),
        ({"given_names": None}, "name.given_names"),
        ({"patronymic": 12}, "name.patronymic"),
        ({"family_name": "Пчелинцев\nИванов"}, "name.family_name"),
        ({"family_name": "П" * 201}, "name.family_name"),
        ({"family_name": "Пчел\ud800инцев"}, "name.family_name"),
        ({"latin_name": "Dmitry\x00"}, "name.latin_name"),
        ({"gender": "other"}, "gender"),
        ({"gender": ["male"]}, "gender"),
        ({"status": "on holiday"}, "status"),
        ({"status": None}, "status"),
        ({"status": {"value": "sentenced"}}, "status"),
        ({"birth_year": "1992"}, "birth_year"),
        ({"birth_year": 1850}, "birth_year"),
        ({"birth_year": False}, "birth_year"),
        ({"birthday": {"month": 2, "day": 30}}, "birthday"),
        ({"birthday": {"month": "8", "day": 7}}, "birthday.month"),
        ({"birthday": [8, 7]}, "birthday"),
        ({"release_date": "next spring"}, "release_date"),
        ({"release_date": 20300101}, "release_date"),
        ({"address_since": "2026-13-01"}, "address_since"),
        ({"updated_at": "2999-01-01"}, "updated_at"),
        ({"updated_at": ["2026-11-30"]}, "updated_at"),
        ({"languages": "ru"}, "languages"),
        ({"languages": [{"code": "xx", "name": "?"}]}, "languages"),
        ({"languages": [{"code": ["ru"]}]}, "languages"),
        ({"languages": [{"name": "Russian"}]}, "languages"),
        ({"unit": 3}, "unit"),
        ({"prisoner_number": "A" * 101}, "prisoner_number"),
        ({"facility": "СИЗО-1"}, "facility"),
        ({"facility": {"name": "x"}}, "facility.id"),
        ({"listed": "yes"}, "listed"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_naming_the_field(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ItemError) as caught:
        parse_item(item(7, **changes))
    assert caught.value.field == field
    assert caught.value.message


@pytest.mark.parametrize(
    ("facility", "field"),
    [
        ({"mail_rules": {"photos": "yes"}}, "facility.mail_rules.photos"),
        ({"mail_rules": ["photos"]}, "facility.mail_rules"),
        ({"mail_rules": {"restrictions": "<iframe src=x>"}}, "facility.mail_rules.restrictions"),
        ({"facility_name_first": "no"}, "facility.facility_name_first"),
        ({"name_line_format": "{name} {evil}"}, "facility.name_line_format"),
        ({"name": ""}, "facility.name"),
        ({"id": None}, "facility.id"),
        ({"street_address": "ул. Каракозова, 30\x00"}, "facility.street_address"),
        ({"mail_rules": {"restrictions": "\udfff"}}, "facility.mail_rules.restrictions"),
    ],
)
def test_a_bad_facility_value_is_refused_naming_the_field(
    facility: dict[str, Any], field: str
) -> None:
    with pytest.raises(ItemError) as caught:
        parse_item(item(7, facility={**item(1)["facility"], **facility}))
    assert caught.value.field == field


def test_items_that_are_not_objects_are_refused_by_position(
    feed: FakeSource, source: Source
) -> None:
    feed.people = [item(7), None, [1, 2], "x", 8, item(9)]

    report = sync_source(source)

    assert [remote_id for remote_id, _field, _message in report.refused] == ["#2", "#3", "#4", "#5"]
    assert report.new_people == 2


def test_unknown_keys_are_ignored() -> None:
    record = parse_item(item(7, shoe_size=44, name={**item(7)["name"], "nickname": "Dima"}))

    assert "shoe_size" not in record
    assert record["family_name"] == "Пчелинцев"


def test_a_feed_older_than_updated_at_and_listed_is_read() -> None:
    old = item(7)
    del old["updated_at"], old["listed"]

    record = parse_item(old)

    assert record["updated_at"] is None
