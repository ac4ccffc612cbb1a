"""Following a source (docs/feed.md, "Following"): a sync reads the feed from a real HTTP server
on 127.0.0.1 and proposes what the source changed — new people, transfers, statuses, names,
languages, unlistings — never overwriting a local edit; and stores the letters per day."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from letters.extensions import db
from letters.models import (
    ChangeKind,
    Prisoner,
    Source,
    SourceChange,
    SourceLetterDay,
    SourceLink,
    Status,
)
from letters.sources.items import parse_item
from letters.sources.records import GROUPS, local_record, same_in_group
from letters.sources.services import unreachable_sources
from letters.sources.sync import propose_differences, sync_source
from tests.conftest import count_statements, make_facility, make_prisoner
from tests.source_server import PENZA, VLADIMIR, Answer, FakeSource, days_ago, item, tombstone

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


def changes(source: Source, kind: ChangeKind | None = None) -> list[SourceChange]:
    query = select(SourceChange).where(SourceChange.source_id == source.id)
    if kind is not None:
        query = query.where(SourceChange.kind == kind)
    return list(db.session.scalars(query.order_by(SourceChange.remote_id, SourceChange.kind)))


def linked(source: Source, remote_id: int, **fields: Any) -> Prisoner:
    """A local person linked to the source's ``remote_id``, who agreed with the source's
    ``item(remote_id)`` when linked (the link's ``seen`` is that item)."""
    prisoner = make_prisoner(**fields)
    link = SourceLink(source=source, remote_id=remote_id, prisoner=prisoner)
    db.session.add(link)
    propose_differences(link, parse_item(item(remote_id)))
    db.session.flush()
    return prisoner


# --- new people -----------------------------------------------------------------------------------


def test_first_sync_offers_every_listed_person(feed: FakeSource, source: Source) -> None:
    feed.people = [
        item(7, updated_at=days_ago(3)),
        item(8, family_name="Иванов"),
        item(9, facility=VLADIMIR),
    ]

    report = sync_source(source)

    assert report.ok
    assert report.new_people == 3
    assert report.refused == []
    offers = changes(source, ChangeKind.NEW_PERSON)
    assert [c.remote_id for c in offers] == [7, 8, 9]
    assert all(c.prisoner_id is None and not c.dismissed for c in offers)
    record = json.loads(offers[1].new)
    assert record["family_name"] == "Иванов"
    assert record["languages"] == ["ru"]
    assert record["facility"]["postal_code"] == "440039"
    # The first read asks for every listed person, in the feed's largest pages.
    assert feed.requests[0] == ("/api/v1/prisoners", {"page": "1", "per_page": "100"})
    assert source.synced_through == date.today() - timedelta(days=3)
    assert source.last_success_on == source.last_attempt_on == date.today()
    assert source.last_error == ""


def test_every_page_is_read(feed: FakeSource, source: Source) -> None:
    feed.people = [item(n) for n in range(1, 151)]

    report = sync_source(source)

    assert report.new_people == 150
    assert [q["page"] for path, q in feed.requests if path.endswith("prisoners")] == ["1", "2"]


def test_incremental_sync_asks_for_changes_since_the_last_day_read(
    feed: FakeSource, source: Source
) -> None:
    source.synced_through = date.today() - timedelta(days=20)
    feed.people = [item(7, updated_at=days_ago(2))]

    sync_source(source)

    path, query = feed.requests[0]
    assert query["updated_since"] == (date.today() - timedelta(days=20)).isoformat()
    assert source.synced_through == date.today() - timedelta(days=2)


def test_nothing_new_keeps_the_day_read_through(feed: FakeSource, source: Source) -> None:
    source.synced_through = date.today() - timedelta(days=20)

    report = sync_source(source)

    assert report.ok
    assert source.synced_through == date.today() - timedelta(days=20)


def test_an_offer_is_kept_current_not_repeated(feed: FakeSource, source: Source) -> None:
    feed.people = [item(7)]
    sync_source(source)
    feed.people = [item(7, family_name="Пчелинцевъ")]

    report = sync_source(source)

    assert report.new_people == 0
    (offer,) = changes(source)
    assert json.loads(offer.new)["family_name"] == "Пчелинцевъ"


def test_a_dismissed_offer_is_not_offered_again(feed: FakeSource, source: Source) -> None:
    feed.people = [item(7)]
    sync_source(source)
    (offer,) = changes(source)
    offer.dismissed = True
    feed.people = [item(7, unit="отряд 2")]

    report = sync_source(source)

    assert report.new_people == 0
    (offer,) = changes(source)
    assert offer.dismissed
    assert json.loads(offer.new)["unit"] == "отряд 2"


# --- linked people ------------------------------------------------------------------------------


def test_changes_at_the_source_are_proposed_old_to_new(feed: FakeSource, source: Source) -> None:
    prisoner = linked(source, 7)
    assert changes(source) == []  # linked while agreeing: nothing to review
    feed.people = [
        item(
            7,
            facility=VLADIMIR,
            unit="отряд 3",
            status="sentenced",
            release_date="2031-05-01",
            family_name="Пчелинцева",
            gender="female",
            languages=[{"code": "ru", "name": "Russian"}, {"code": "en", "name": "English"}],
        )
    ]

    report = sync_source(source)

    assert report.changes == 4
    proposed = {c.kind: c for c in changes(source)}
    assert set(proposed) == {
        ChangeKind.TRANSFER,
        ChangeKind.STATUS,
        ChangeKind.NAME,
        ChangeKind.LANGUAGES,
    }
    assert all(c.prisoner_id == prisoner.id for c in proposed.values())
    transfer = proposed[ChangeKind.TRANSFER]
    assert json.loads(transfer.old)["facility"]["postal_code"] == "440039"
    assert json.loads(transfer.new)["facility"]["postal_code"] == "601966"
    assert json.loads(transfer.new)["unit"] == "отряд 3"
    assert json.loads(proposed[ChangeKind.STATUS].old) == {
        "status": "pre_trial",
        "release_date": None,
    }
    assert json.loads(proposed[ChangeKind.STATUS].new) == {
        "status": "sentenced",
        "release_date": "2031-05-01",
    }
    name = json.loads(proposed[ChangeKind.NAME].new)
    assert name["family_name"] == "Пчелинцева"
    assert name["gender"] == "female"
    assert json.loads(proposed[ChangeKind.LANGUAGES].old) == {"languages": ["ru"]}
    assert json.loads(proposed[ChangeKind.LANGUAGES].new) == {"languages": ["ru", "en"]}
    # Proposed only: the local person is as they were until a coordinator accepts.
    db.session.refresh(prisoner)
    assert prisoner.facility.postal_code == "440039"
    assert prisoner.family_name == "Пчелинцев"
    assert prisoner.status is Status.PRE_TRIAL
    # The link moved on: the same feed again proposes nothing new.
    link = db.session.scalar(select(SourceLink).where(SourceLink.prisoner_id == prisoner.id))
    assert json.loads(link.seen)["facility"]["postal_code"] == "601966"


def test_a_local_edit_alone_proposes_nothing_and_is_kept(feed: FakeSource, source: Source) -> None:
    prisoner = linked(source, 7)
    prisoner.family_name = "Пчелинцев-Иванов"
    prisoner.facility = make_facility(
        name="ФКУ ИК-6 УФСИН России по Владимирской области",
        street_address="ул. Энергетиков, 1",
        city="пос. Мелехово",
        country_area="Владимирская область",
        postal_code="601966",
    )
    feed.people = [item(7)]  # the source says what it said when linked

    report = sync_source(source)

    assert report.ok
    assert report.changes == 0
    assert changes(source) == []
    db.session.refresh(prisoner)
    assert prisoner.family_name == "Пчелинцев-Иванов"
    assert prisoner.facility.postal_code == "601966"


def test_nothing_is_proposed_where_the_local_person_already_agrees(
    feed: FakeSource, source: Source
) -> None:
    prisoner = linked(source, 7)
    prisoner.status = Status.RELEASED
    feed.people = [item(7, status="released")]

    report = sync_source(source)

    assert report.changes == 0
    assert changes(source) == []


def test_a_pending_change_the_local_person_caught_up_with_is_dropped(
    feed: FakeSource, source: Source
) -> None:
    prisoner = linked(source, 7)
    feed.people = [item(7, status="sentenced")]
    sync_source(source)
    assert [c.kind for c in changes(source)] == [ChangeKind.STATUS]
    # A coordinator sets it by hand; then the source corrects a date in the same group.
    prisoner.status = Status.SENTENCED
    prisoner.release_date = date(2030, 1, 1)
    feed.people = [item(7, status="sentenced", release_date="2030-01-01")]

    sync_source(source)

    assert changes(source) == []


def test_a_pending_change_is_brought_up_to_date(feed: FakeSource, source: Source) -> None:
    linked(source, 7)
    feed.people = [item(7, status="sentenced")]
    sync_source(source)
    feed.people = [item(7, status="released")]

    sync_source(source)

    (change,) = changes(source)
    assert json.loads(change.new)["status"] == "released"
    assert json.loads(change.old)["status"] == "pre_trial"


def test_linking_by_hand_proposes_where_the_two_differ(source: Source) -> None:
    prisoner = make_prisoner(unit="отряд 1")
    link = SourceLink(source=source, remote_id=7, prisoner=prisoner)
    db.session.add(link)

    proposed = propose_differences(link, parse_item(item(7, status="sentenced")))

    # The unit differs (a transfer group), and the status; the name and languages agree.
    assert sorted(c.kind for c in proposed) == [ChangeKind.STATUS, ChangeKind.TRANSFER]
    assert json.loads(link.seen)["status"] == "sentenced"
    db.session.flush()
    assert len(changes(source)) == 2


# --- tombstones --------------------------------------------------------------------------------


def test_a_tombstone_for_a_linked_person_proposes_unlisting(
    feed: FakeSource, source: Source
) -> None:
    prisoner = linked(source, 7)
    feed.people = [tombstone(7)]

    report = sync_source(source)

    assert report.tombstones == 1
    (change,) = changes(source)
    assert change.kind is ChangeKind.UNLISTED
    assert change.prisoner_id == prisoner.id
    assert prisoner.is_listed  # until a coordinator accepts

    # Listed there again before anyone looked: the unlisting no longer holds.
    feed.people = [item(7)]
    sync_source(source)
    assert changes(source) == []


def test_a_tombstone_for_someone_unlisted_here_proposes_nothing(
    feed: FakeSource, source: Source
) -> None:
    linked(source, 7, is_listed=False)
    feed.people = [tombstone(7)]

    sync_source(source)

    assert changes(source) == []


def test_a_tombstone_drops_an_offer_but_keeps_a_dismissal(feed: FakeSource, source: Source) -> None:
    feed.people = [item(7), item(8)]
    sync_source(source)
    changes(source)[1].dismissed = True
    feed.people = [tombstone(7), tombstone(8)]

    report = sync_source(source)

    assert report.tombstones == 2
    (kept,) = changes(source)
    assert kept.remote_id == 8
    assert kept.dismissed


def test_refused_items_are_named_in_the_last_error(feed: FakeSource, source: Source) -> None:
    feed.people = [item(7), item(8, status="on holiday"), "not an item"]

    report = sync_source(source)

    assert report.new_people == 1
    assert [(r[0], r[1]) for r in report.refused] == [(8, "status"), ("#3", "")]
    assert "2 items refused" in source.last_error
    assert "id 8 (status)" in source.last_error
    assert source.last_success_on == date.today()


def test_a_sync_losing_a_race_keeps_nothing_but_the_attempt(
    feed: FakeSource, source: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    from letters.sources import sync

    feed.people = [item(7), item(8)]
    apply = sync._apply

    def racing(source: Source, *args: Any) -> None:
        apply(source, *args)
        # What another sync of the same source would have committed meanwhile.
        db.session.add(SourceChange(source_id=source.id, remote_id=7, kind=ChangeKind.NEW_PERSON))

    monkeypatch.setattr(sync, "_apply", racing)

    report = sync_source(source)

    assert "at the same time" in report.error
    assert report.new_people == 0
    assert changes(source) == []
    assert source.last_attempt_on == date.today()
    assert source.last_success_on is None


# --- letters per day ----------------------------------------------------------------------------


def test_letter_days_are_stored_then_replaced_from_the_lookback_on(
    feed: FakeSource, source: Source
) -> None:
    today = date.today()
    old, recent = today - timedelta(days=200), today - timedelta(days=10)
    feed.letter_days = [
        {"id": 7, "sent_on": old.isoformat(), "letters": 3},
        {"id": 7, "sent_on": recent.isoformat(), "letters": 2},
        {"id": 8, "sent_on": recent.isoformat(), "letters": 1},
    ]

    report = sync_source(source)

    assert report.letter_days == 3
    assert source.last_error == ""
    letters_request = [q for path, q in feed.requests if path == "/api/v1/letters"][0]
    assert letters_request["since"] == "2000-01-01"  # everything, on the first sync

    # The next sync reads again from 90 days before the last success: the old day stays,
    # the recent ones are replaced by what the source says now.
    feed.letter_days = [{"id": 7, "sent_on": recent.isoformat(), "letters": 5}]
    feed.requests.clear()
    sync_source(source)

    since = [q for path, q in feed.requests if path == "/api/v1/letters"][0]["since"]
    assert since == (today - timedelta(days=90)).isoformat()
    stored = db.session.execute(
        select(SourceLetterDay.remote_id, SourceLetterDay.sent_on, SourceLetterDay.letters)
        .where(SourceLetterDay.source_id == source.id)
        .order_by(SourceLetterDay.sent_on, SourceLetterDay.remote_id)
    ).all()
    assert [tuple(row) for row in stored] == [(7, old, 3), (7, recent, 5)]


def test_bad_letter_days_are_refused_alone(feed: FakeSource, source: Source) -> None:
    tomorrow = date.today() + timedelta(days=1)
    good = {"id": 7, "sent_on": days_ago(3), "letters": 2}
    feed.letter_days = [
        good,
        {"id": 8, "sent_on": tomorrow.isoformat(), "letters": 1},
        {"id": 9, "sent_on": days_ago(3), "letters": 100_001},
        {"id": 10, "sent_on": "yesterday", "letters": 1},
        {"id": True, "sent_on": days_ago(3), "letters": 1},
        {"id": 11, "sent_on": days_ago(4), "letters": 1},
        {"id": 11, "sent_on": days_ago(4), "letters": 2},  # the same day twice
    ]

    report = sync_source(source)

    assert report.letter_days == 1
    assert report.letter_days_refused == 6
    assert "6 days of letters refused" in source.last_error


def test_a_source_not_publishing_letters_is_not_an_error(feed: FakeSource, source: Source) -> None:
    feed.people = [item(7)]
    feed.letter_days = None  # 404

    report = sync_source(source)

    assert report.ok
    assert report.letters_error == ""
    assert source.last_error == ""
    assert "/api/v1/letters" in feed.paths()


def test_letters_are_not_read_when_turned_off(feed: FakeSource, source: Source) -> None:
    source.read_letters = False
    feed.letter_days = [{"id": 7, "sent_on": days_ago(3), "letters": 2}]

    sync_source(source)

    assert "/api/v1/letters" not in feed.paths()


def test_letters_failing_do_not_undo_the_people(feed: FakeSource, source: Source) -> None:
    feed.people = [item(7)]
    contract = feed.contract

    def letters_broken(path: str, query: dict[str, str]) -> Any:
        if path == "/api/v1/letters":
            return Answer(200, {"Content-Type": "text/html"}, [b"<html></html>"])
        return contract(path, query)

    feed.answer = letters_broken

    report = sync_source(source)

    assert report.ok
    assert report.new_people == 1
    assert "HTML page" in report.letters_error
    assert source.last_error.startswith("Letters per day not read")
    assert source.last_success_on == date.today()
    assert len(changes(source)) == 1


# --- the dashboard's flag -----------------------------------------------------------------------


def test_sources_not_read_for_a_week_are_unreachable(app: Any) -> None:
    today = date(2026, 11, 30)
    fresh = Source(base_url="https://a.example", name="A", added_on=today - timedelta(days=30))
    fresh.last_success_on = today - timedelta(days=7)
    stale = Source(base_url="https://b.example", name="B", added_on=today - timedelta(days=30))
    stale.last_success_on = today - timedelta(days=8)
    never = Source(base_url="https://c.example", name="C", added_on=today - timedelta(days=8))
    new = Source(base_url="https://d.example", name="D", added_on=today - timedelta(days=7))
    db.session.add_all([fresh, stale, never, new])
    db.session.flush()

    assert [s.name for s in unreachable_sources(today)] == ["B", "C"]


def test_penza_item_matches_the_local_factory(app: Any) -> None:
    # The tests above rely on item() describing make_prisoner()'s person exactly.
    record = parse_item(item(7))
    local = local_record(make_prisoner())
    assert all(same_in_group(local, record, group) for group in GROUPS)
    assert PENZA["postal_code"] == record["facility"]["postal_code"]


def test_a_sync_reads_no_more_for_more_people(feed: FakeSource, source: Source) -> None:
    def run(remote_ids: range) -> int:
        for remote_id in remote_ids:
            linked(source, remote_id)
        feed.people = [item(n, status="sentenced") for n in remote_ids]
        feed.people += [item(n + 1000) for n in remote_ids]  # offered as new
        with count_statements() as statements:
            report = sync_source(source)
        assert report.changes == len(remote_ids)
        # Reads only: SQLite's driver inserts the proposals one statement each, whatever the
        # code does (PostgreSQL's batches them); what must not grow is a query per person.
        return sum(1 for sql in statements if sql.lstrip().upper().startswith("SELECT"))

    assert run(range(1, 3)) == run(range(10, 16))
