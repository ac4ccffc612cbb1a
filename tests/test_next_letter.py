"""Who needs a letter next: the order, its cost in queries, the weighted pick and /write-next."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from conftest import count_statements, make_facility, make_person
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from letters.extensions import db
from letters.letterlog import need as services
from letters.models import LetterSent, Prisoner, Status

TODAY = date(2025, 6, 15)


def sent(prisoner: Prisoner, days_ago: int, letters: int = 1) -> None:
    day = TODAY - timedelta(days=days_ago)
    db.session.add(
        LetterSent(prisoner_id=prisoner.id, sent_on=day, letters=letters, recorded_on=day)
    )


def by_need() -> list[str]:
    return [p.family_name for p in db.session.scalars(services.prisoners_by_need(today=TODAY))]


# --- the order --------------------------------------------------------------------------------


def test_no_letters_before_many(ctx: None) -> None:
    many = make_person("Many")
    make_person("None")
    one = make_person("One")
    for days in (1, 2, 3):
        sent(many, days)
    sent(one, 5)
    db.session.flush()
    assert by_need() == ["None", "One", "Many"]


def test_equal_counts_longest_silence_first(ctx: None) -> None:
    recent = make_person("Recent")
    older = make_person("Older")
    oldest = make_person("Oldest")
    sent(recent, 2)
    sent(older, 30)
    sent(oldest, 55)
    # Letters before the 60-day window count for "since the last letter" only.
    long_ago = make_person("LongAgo")
    sent(long_ago, 200, letters=12)
    db.session.flush()
    assert by_need() == ["LongAgo", "Oldest", "Older", "Recent"]


def test_an_evening_counts_all_its_letters(ctx: None) -> None:
    evening = make_person("Evening")
    single = make_person("Single")
    sent(evening, 10, letters=12)
    sent(single, 10)
    db.session.flush()
    assert by_need() == ["Single", "Evening"]


def test_unlisted_left_out_and_released_last(ctx: None) -> None:
    written = make_person("Written")
    sent(written, 1, letters=5)
    make_person("Hidden", is_listed=False)
    make_person("Released", status=Status.RELEASED)
    db.session.flush()
    assert by_need() == ["Written", "Released"]


def test_one_query_whatever_the_number_of_prisoners(ctx: None) -> None:
    facility = make_facility()

    def statements_for(count: int) -> int:
        db.session.query(LetterSent).delete()
        db.session.query(Prisoner).delete()
        for i in range(count):
            prisoner = make_person(f"P{i:02}", facility=facility)
            sent(prisoner, i % 70, letters=1 + i % 3)
        db.session.flush()
        db.session.expunge_all()
        with count_statements() as statements:
            rows = db.session.scalars(services.prisoners_by_need(today=TODAY)).all()
            candidates = services.pick_candidates(TODAY)
        assert len(rows) == count
        assert len(candidates) == count
        return len(statements)

    # For the list and for the pick: "is today summed?" (no: outside a request nothing makes
    # the summary), then the one query.
    assert statements_for(3) == statements_for(20) == 4


def test_public_list_orders_by_need_and_search_still_works(client: FlaskClient, app: Flask) -> None:
    busy = make_person("Busyova")
    make_person("Quietova")
    make_person("Other")
    # Written to yesterday, so the order holds whatever day the test runs.
    yesterday = date.today() - timedelta(days=1)
    db.session.add(
        LetterSent(prisoner_id=busy.id, sent_on=yesterday, letters=3, recorded_on=yesterday)
    )
    db.session.commit()
    html = client.get("/prisoners").get_data(as_text=True)
    assert html.index("Other") < html.index("Quietova") < html.index("Busyova")
    html = client.get("/prisoners?q=ova").get_data(as_text=True)
    assert "Other" not in html
    assert html.index("Quietova") < html.index("Busyova")
    assert "/write-next" in html
    assert "/birthdays" in html


def test_public_list_pages_count_only_listed_matches_in_need_order(
    client: FlaskClient, app: Flask
) -> None:
    app.config["PAGE_SIZE"] = 2
    names = ["Aova", "Bova", "Cova", "Dova", "Eova"]
    people = [make_person(name) for name in names]
    make_person("Hiddenova", is_listed=False)
    for days_ago, someone in enumerate(people):  # Aova written to most recently
        sent(someone, days_ago)
        sent(someone, days_ago)  # two rows each: the count must be of people, not rows
    db.session.commit()
    pages = [client.get(f"/prisoners?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    assert all(f"Page {n} of 3" in html for n, html in enumerate(pages, start=1))
    shown = [[name for name in names if name in html] for html in pages]
    assert shown == [["Dova", "Eova"], ["Bova", "Cova"], ["Aova"]]  # longest silence first
    assert all("Hiddenova" not in html for html in pages)
    searched = client.get("/prisoners?q=Dova").get_data(as_text=True)
    assert "Page 1 of" not in searched  # one match: no pager


def test_a_deep_page_sorts_ids_only_then_loads_its_prisoners(app: Flask) -> None:
    """The need ordering sorts narrow rows (an id and figures), not whole prisoners: at 10,000
    prisoners the last page's sort of whole rows spilled to disk."""
    people = [make_person(f"P{n:02d}") for n in range(7)]
    for days_ago, someone in enumerate(people):
        sent(someone, days_ago)
    db.session.flush()
    with app.test_request_context(), count_statements() as statements:
        page = services.page_by_need(select(Prisoner), per_page=3, page=3, public=False)
    assert [p.family_name for p in page.items] == ["P00"]  # the most recently written, last
    assert (page.page, page.pages, page.total) == (3, 3, 7)
    ordered = [sql for sql in statements if "ORDER BY" in sql]
    assert len(ordered) == 1
    assert ordered[0].startswith("SELECT prisoners.id \nFROM prisoners")


def test_letters_recorded_today_move_the_public_order_only_tomorrow(
    client: FlaskClient, app: Flask
) -> None:
    """Anyone can reload the list: an order that changed at a click would time it."""
    first = make_person("Aaa")
    make_person("Bbb")
    db.session.add(LetterSent(prisoner_id=first.id, sent_on=date.today(), letters=5))
    db.session.commit()
    html = client.get("/prisoners").get_data(as_text=True)
    assert html.index("Aaa") < html.index("Bbb")  # still by name: today's letters wait
    row = db.session.scalars(select(LetterSent)).one()
    row.recorded_on = date.today() - timedelta(days=1)  # the day has turned
    db.session.commit()
    html = client.get("/prisoners").get_data(as_text=True)
    assert html.index("Bbb") < html.index("Aaa")


def test_the_pick_weighs_letters_recorded_before_today_only(ctx: None) -> None:
    today_only, earlier = make_person("TodayOnly"), make_person("Earlier")
    db.session.add(
        LetterSent(prisoner_id=today_only.id, sent_on=TODAY, letters=4, recorded_on=TODAY)
    )
    sent(earlier, 1, letters=4)
    db.session.flush()
    by_name = {
        db.session.get_one(Prisoner, c.prisoner_id).family_name: c
        for c in services.pick_candidates(TODAY)
    }
    assert (by_name["TodayOnly"].recent_letters, by_name["TodayOnly"].days_since_last) == (0, 365)
    assert by_name["Earlier"].recent_letters == 4
    # Until tomorrow the pick still weighs them as never written to.
    assert by_name["TodayOnly"].weight > by_name["Earlier"].weight


# --- the weighted pick ------------------------------------------------------------------------


def test_weight_formula() -> None:
    assert services.pick_weight(0, 365) == 366
    assert services.pick_weight(0, 10_000) == 366  # capped
    assert services.pick_weight(1, 1) == 0.5
    assert services.pick_weight(4, 0) == 1 / 25


def test_pick_skips_needs_checking_unlisted_and_addressless(ctx: None) -> None:
    ok = make_person("Ok")
    for days in range(1, 9):
        sent(ok, days, letters=3)  # heavily written to, so the others would win if allowed
    make_person("Checking", address_needs_checking=True)
    make_person("Hidden", is_listed=False)
    make_person("Dead", status=Status.DECEASED)
    no_address = make_person("NoAddress")
    no_address.facility = None
    db.session.flush()
    rng = random.Random(1)
    picks = {services.pick_prisoner_to_write(rng, TODAY).family_name for _ in range(300)}  # type: ignore[union-attr]
    assert picks == {"Ok"}


def test_pick_favours_the_forgotten(ctx: None) -> None:
    make_person("Forgotten")
    busy = make_person("Busy")
    middle = make_person("Middle")
    for days in range(1, 11):
        sent(busy, days, letters=2)
    sent(middle, 40)
    db.session.flush()
    rng = random.Random(20250615)
    counts = Counter(
        services.pick_prisoner_to_write(rng, TODAY).family_name  # type: ignore[union-attr]
        for _ in range(2000)
    )
    assert sum(counts.values()) == 2000
    # Weights 366 : 10.25 : 0.0045 — a wide margin, not an exact count.
    assert counts["Forgotten"] > 10 * max(counts["Busy"], 1)
    assert counts["Forgotten"] > 5 * counts["Middle"]
    assert counts["Middle"] > counts["Busy"]


def test_candidates_count_only_the_last_60_days_as_recent(ctx: None) -> None:
    """What the weights are computed from: a letter 61 days old is not recent, but it still
    ends the "never written" wait."""
    fresh, old = make_person("Fresh"), make_person("Old")
    make_person("Never")
    sent(fresh, 1, letters=2)
    sent(fresh, 60)
    sent(old, 61, letters=5)
    db.session.flush()
    by_name = {
        db.session.get_one(Prisoner, c.prisoner_id).family_name: c
        for c in services.pick_candidates(TODAY)
    }
    assert (by_name["Fresh"].recent_letters, by_name["Fresh"].days_since_last) == (3, 1)
    assert (by_name["Old"].recent_letters, by_name["Old"].days_since_last) == (0, 61)
    assert (by_name["Never"].recent_letters, by_name["Never"].days_since_last) == (0, 365)


def test_pick_none_when_nobody(ctx: None) -> None:
    make_person("Checking", address_needs_checking=True)
    db.session.flush()
    assert services.pick_prisoner_to_write(random.Random(0), TODAY) is None


# --- /write-next ------------------------------------------------------------------------------


def test_write_next_redirects_to_a_writing_page(client: FlaskClient, app: Flask) -> None:
    prisoner_id = make_person("Only").id
    db.session.commit()
    response = client.get("/write-next")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/prisoners/{prisoner_id}/write?suggested=1"
    assert client.get(response.headers["Location"]).status_code == 200


def test_write_next_with_nobody_goes_back_to_the_list(client: FlaskClient) -> None:
    response = client.get("/write-next")
    assert response.status_code == 302
    assert response.headers["Location"] == "/prisoners"
    html = client.get("/prisoners").get_data(as_text=True)
    assert "Nobody can be suggested right now" in html


# --- the pick, drawn in the database ----------------------------------------------------------


def _registry_of_needs() -> None:
    """Prisoners with every kind of need: never written, written long ago (past the cap), a
    while ago, often lately, one with a letter dated ahead."""
    make_person("Never")
    for number, (days_ago, letters) in enumerate(
        [(400, 3), (365, 1), (200, 2), (61, 5), (59, 1), (30, 2), (1, 1), (1, 4), (0, 1)]
    ):
        prisoner = make_person(f"Written{number}")
        sent(prisoner, days_ago, letters=letters)
        sent(prisoner, days_ago + 3)
    ahead = make_person("Ahead")
    db.session.add(
        LetterSent(
            prisoner_id=ahead.id,
            sent_on=TODAY + timedelta(days=2),
            letters=1,
            recorded_on=TODAY - timedelta(days=1),
        )
    )
    make_person("Checking", address_needs_checking=True)
    db.session.flush()


def test_the_databases_weights_are_pick_weight(ctx: None) -> None:
    _registry_of_needs()
    need = services.need_scores(TODAY, public=True)
    in_sql = dict(
        db.session.execute(
            select(Prisoner.id, services.weight_column(need, TODAY)).outerjoin(
                need, need.c.prisoner_id == Prisoner.id
            )
        ).all()
    )
    candidates = services.pick_candidates(TODAY)
    assert len(candidates) == 11
    for candidate in candidates:
        assert in_sql[candidate.prisoner_id] == pytest.approx(candidate.weight, rel=1e-12)


def test_the_pick_draws_as_random_choices_would(ctx: None) -> None:
    """The same seed picks the same person as ``random.choices`` over the candidates' weights:
    the rule has not changed, only where the sums are done."""
    _registry_of_needs()
    candidates = services.pick_candidates(TODAY)
    weights = [c.weight for c in candidates]
    for seed in range(150):
        expected = random.Random(seed).choices(candidates, weights=weights, k=1)[0]
        picked = services.pick_prisoner_to_write(random.Random(seed), TODAY)
        assert picked is not None
        assert picked.id == expected.prisoner_id


def test_the_pick_never_gives_the_one_to_skip(ctx: None) -> None:
    forgotten, busy = make_person("Forgotten"), make_person("Busy")
    sent(busy, 1, letters=9)
    db.session.flush()
    rng = random.Random(3)
    picks = {
        services.pick_prisoner_to_write(rng, TODAY, exclude=forgotten.id).id  # type: ignore[union-attr]
        for _ in range(50)
    }
    assert picks == {busy.id}
    assert services.pick_prisoner_to_write(rng, TODAY, exclude=busy.id).id == forgotten.id  # type: ignore[union-attr]
    db.session.delete(busy)
    db.session.flush()
    assert services.pick_prisoner_to_write(rng, TODAY, exclude=forgotten.id) is None


def test_the_pick_loads_one_prisoner_whatever_the_registry(ctx: None) -> None:
    """The candidates are weighed in the database: the same statements with 3 or 40
    prisoners, and the only prisoner row read is the one picked."""

    def statements_for_a_pick() -> list[str]:
        services.pick_prisoner_to_write(random.Random(0), TODAY)  # the summary, if any
        db.session.expunge_all()  # the one picked is read, not found in the session
        with count_statements() as statements:
            assert services.pick_prisoner_to_write(random.Random(1), TODAY) is not None
        return statements

    for number in range(3):
        sent(make_person(f"Few{number}"), number + 1)
    db.session.flush()
    few = statements_for_a_pick()
    for number in range(37):
        sent(make_person(f"Many{number}"), number + 1)
    db.session.flush()
    many = statements_for_a_pick()
    assert len(few) == len(many)
    assert len([sql for sql in many if "prisoners.family_name" in sql]) == 1


@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 5, 7, 50])
def test_pages_read_from_the_end_are_the_same_order(app: Flask, per_page: int) -> None:
    """Pages in the second half are read in the reverse order from the end (cheap last pages):
    joined together, the pages are exactly the whole list in need order, ties included
    (same name and figures, told apart by id), the never written first and the released last."""
    people = [make_person("Same") for _ in range(3)]  # identical but for the id
    people += [make_person(f"P{n}") for n in range(5)]
    people.append(make_person("Released", status=Status.RELEASED))
    people.append(make_person("Never"))
    twin = make_person("Same")
    twin.given_names = "B"
    people.append(twin)
    for index, someone in enumerate(people[:9]):  # figures as of the real today
        day = date.today() - timedelta(days=index % 3)
        db.session.add(
            LetterSent(prisoner_id=someone.id, sent_on=day, letters=1 + index % 2, recorded_on=day)
        )
    db.session.flush()
    with app.test_request_context():
        expected = [p.id for p in db.session.scalars(services.prisoners_by_need(False))]
        first = services.page_by_need(select(Prisoner), per_page=per_page, page=1)
        found: list[int] = []
        for number in range(1, first.pages + 2):  # one past the end: empty
            page = services.page_by_need(select(Prisoner), per_page=per_page, page=number)
            found += [p.id for p in page.items]
    assert first.total == len(expected) == 11
    assert found == expected
