"""Following other groups' lists, the coordinator's side: what a sync proposed is adopted,
linked, accepted or dismissed (letters/sources/decisions.py) on /manage/sources, letters from
all groups are shown beside a linked person's own count, and a source not read for a week is
flagged on the dashboard.

The sync itself (reading a feed) is another module's: these tests put its proposals in the
database as rows, as a sync would, and stand in for ``sync`` where a page calls it.
"""

from __future__ import annotations

import json
import types
from datetime import date, timedelta
from typing import Any

import pytest
from conftest import AuthActions, csrf_token, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from letters.extensions import db
from letters.letterlog.need import pick_candidates
from letters.letterlog.services import record_letter_sent
from letters.models import (
    AuditEntry,
    ChangeKind,
    Facility,
    Gender,
    LetterSent,
    Prisoner,
    Role,
    SentVia,
    Source,
    SourceChange,
    SourceLetterDay,
    SourceLink,
    Status,
)
from letters.printing.services import envelope_for
from letters.sources import decisions
from letters.sources.counts import all_groups
from letters.sources.records import Record, local_record
from letters.sources.sync import SyncReport as Report
from letters.validation import FieldError

TODAY = date.today()

IK2: dict[str, Any] = {
    "id": 31,
    "name": "ФКУ ИК-2 УФСИН России по Пензенской области",
    "label_name": "",
    "street_address": "ул. Транспортная, 3",
    "city": "г. Пенза",
    "city_area": "",
    "country_area": "Пензенская область",
    "postal_code": "440000",
    "country_code": "RU",
    "facility_name_first": None,
    "name_line_format": "",
    "allows_photos": True,
    "allows_cards": None,
    "allows_paper": False,
    "allows_envelopes": None,
    "allows_stamps": None,
    "restrictions": "Только на русском языке",
}


def a_record(**overrides: Any) -> Record:
    """A source's person as ``items.parse_item`` makes it: Ivanova at the Penza IK-2."""
    record: Record = {
        "id": 7,
        "updated_at": TODAY.isoformat(),
        "family_name": "Иванова",
        "given_names": "Мария",
        "patronymic": "Петровна",
        "latin_name": "Maria Ivanova",
        "gender": "female",
        "birth_year": 1990,
        "birthday": {"month": 3, "day": 8},
        "prisoner_number": "",
        "unit": "отряд 3",
        "facility": dict(IK2),
        "address_since": "2026-01-15",
        "languages": ["ru", "en"],
        "status": "sentenced",
        "release_date": None,
    }
    record.update(overrides)
    return record


def make_source(name: str = "ABC Moscow", **fields: Any) -> Source:
    source = Source(base_url=fields.pop("base_url", "https://abc-moscow.example"), name=name)
    for key, value in fields.items():
        setattr(source, key, value)
    db.session.add(source)
    db.session.flush()
    return source


def offer(source: Source, record: Record | None = None, **fields: Any) -> SourceChange:
    """A new person a sync offered."""
    record = record or a_record()
    change = SourceChange(
        source=source,
        remote_id=record["id"],
        kind=ChangeKind.NEW_PERSON,
        new=json.dumps(record, ensure_ascii=False),
        **fields,
    )
    db.session.add(change)
    db.session.flush()
    return change


def link(source: Source, prisoner: Prisoner, remote_id: int = 7) -> SourceLink:
    seen = {**local_record(prisoner), "id": remote_id}
    row = SourceLink(source=source, prisoner=prisoner, remote_id=remote_id, seen=json.dumps(seen))
    db.session.add(row)
    db.session.flush()
    return row


def propose(
    source: Source, prisoner: Prisoner, kind: ChangeKind, new: Any, remote_id: int = 7
) -> SourceChange:
    """A change a sync proposed for a linked person (``old`` as the sync saw it)."""
    change = SourceChange(
        source=source,
        remote_id=remote_id,
        prisoner=prisoner,
        kind=kind,
        old=json.dumps({"stale": True}),
        new=json.dumps(new, ensure_ascii=False),
    )
    db.session.add(change)
    db.session.flush()
    return change


@pytest.fixture
def sync(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """Stands in for ``sync.sync_source`` behind the page's button (no network; the sync
    itself is tested against a real server in test_source_sync): returns ``calls.report`` and
    records its sources."""
    calls = types.SimpleNamespace(synced=[], report=Report())

    def sync_source(source: Source) -> Report:
        calls.synced.append(source.id)
        source.last_attempt_on = TODAY
        return calls.report

    monkeypatch.setattr("letters.sources.views.sync_source", sync_source)
    return calls


def entries_for(prisoner_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.prisoner_id == prisoner_id).order_by(AuditEntry.id)
        )
    )


def post(client: FlaskClient, path: str, **data: Any) -> Any:
    token = csrf_token(client, "/manage/sources")
    return client.post(path, data={"csrf_token": token, **data})


# --- adopting ------------------------------------------------------------------------------------


def test_adopting_creates_the_facility_the_prisoner_their_history_and_the_link(ctx: None) -> None:
    source = make_source()
    change = offer(source)

    prisoner = decisions.adopt(change)
    db.session.flush()

    assert prisoner.family_name == "Иванова"
    assert prisoner.gender == Gender.FEMALE
    assert prisoner.birth_date == date(1990, 3, 8)
    assert prisoner.language_codes == ["ru", "en"]
    assert prisoner.status == Status.SENTENCED
    assert prisoner.unit == "отряд 3"
    facility = prisoner.facility
    assert facility is not None
    assert facility.name == IK2["name"]
    assert (facility.allows_photos, facility.allows_paper) == (True, False)
    assert facility.restrictions == "Только на русском языке"
    [stay] = prisoner.address_history
    assert stay.facility is facility
    assert stay.started_on == date(2026, 1, 15)
    [made] = db.session.scalars(select(SourceLink)).all()
    assert (made.source_id, made.remote_id, made.prisoner_id) == (source.id, 7, prisoner.id)
    assert json.loads(made.seen)["family_name"] == "Иванова"
    assert db.session.get(SourceChange, change.id) is None
    created = entries_for(prisoner.id)
    assert created
    assert created[0].context == "from source ABC Moscow"


def test_adopting_finds_a_facility_with_the_same_address(ctx: None) -> None:
    ours = make_facility(**{k: IK2[k] for k in ("name", "street_address", "postal_code")})
    source = make_source()
    # Spelt with other spacing and case by the other group: the same address.
    spelt = {**IK2, "name": "  " + IK2["name"].upper(), "city": "г.  Пенза"}
    prisoner = decisions.adopt(offer(source, a_record(facility=spelt)))
    assert prisoner.facility is ours
    assert db.session.scalar(select(func.count()).select_from(Facility)) >= 1


def test_a_person_linked_already_is_not_adopted_twice(ctx: None) -> None:
    source = make_source()
    link(source, make_prisoner(), remote_id=7)
    with pytest.raises(FieldError, match="linked"):
        decisions.adopt(offer(source))


# --- accepting -----------------------------------------------------------------------------------


def test_accepting_a_transfer_records_history_and_names_the_source_in_the_audit(
    ctx: None,
) -> None:
    prisoner = make_prisoner()
    source = make_source()
    link(source, prisoner)
    change = propose(
        source, prisoner, ChangeKind.TRANSFER, {"facility": dict(IK2), "unit": "отряд 5"}
    )
    db.session.commit()

    decisions.accept(change)
    db.session.commit()

    assert prisoner.facility is not None
    assert prisoner.facility.name == IK2["name"]
    assert prisoner.unit == "отряд 5"
    old, new = prisoner.address_history
    assert old.ended_on == TODAY
    assert new.started_on == TODAY
    assert "ABC Moscow" in new.note
    last = entries_for(prisoner.id)[-1]
    assert last.context == "from source ABC Moscow"
    assert last.address_change
    lines = envelope_for(prisoner, "RU", ()).recipient_lines
    assert any("ИК-2" in line for line in lines)
    assert db.session.scalar(select(func.count()).select_from(SourceChange)) == 0


def test_a_transfer_is_dated_from_the_source_when_the_history_allows_it(ctx: None) -> None:
    prisoner = make_prisoner()
    prisoner.address_history[0].started_on = date(2025, 6, 1)
    source = make_source()
    link(source, prisoner)
    change = propose(
        source,
        prisoner,
        ChangeKind.TRANSFER,
        {"facility": dict(IK2), "unit": "", "address_since": "2026-01-15"},
    )
    decisions.accept(change)
    assert prisoner.address_history[-1].started_on == date(2026, 1, 15)

    # A day before the current stay began cannot be true: today instead.
    other = make_prisoner()
    other.address_history[0].started_on = TODAY
    link(source, other, remote_id=8)
    change = propose(
        source,
        other,
        ChangeKind.TRANSFER,
        {"facility": dict(IK2), "unit": "", "address_since": "2020-01-01"},
        remote_id=8,
    )
    decisions.accept(change)
    assert other.address_history[-1].started_on == TODAY


def test_accepting_released_takes_them_off_the_lists_to_write_to(ctx: None) -> None:
    prisoner = make_prisoner()
    source = make_source()
    link(source, prisoner)
    assert prisoner.id in {c.prisoner_id for c in pick_candidates(TODAY)}
    change = propose(
        source, prisoner, ChangeKind.STATUS, {"status": "released", "release_date": "2026-11-01"}
    )
    decisions.accept(change)
    db.session.flush()
    assert prisoner.status == Status.RELEASED
    assert prisoner.release_date == date(2026, 11, 1)
    assert prisoner.id not in {c.prisoner_id for c in pick_candidates(TODAY)}


def test_accepting_a_name_clears_the_envelope_name_check(ctx: None) -> None:
    prisoner = make_prisoner(envelope_name_confirmed=True)
    source = make_source()
    link(source, prisoner)
    new = {
        "family_name": "Пчелинцева",
        "given_names": "Дарья",
        "patronymic": "",
        "latin_name": "",
        "gender": "female",
    }
    decisions.accept(propose(source, prisoner, ChangeKind.NAME, new))
    db.session.flush()
    assert (prisoner.family_name, prisoner.given_names, prisoner.gender) == (
        "Пчелинцева",
        "Дарья",
        Gender.FEMALE,
    )
    assert not prisoner.envelope_name_confirmed
    assert "пчелинцева" in prisoner.search_text


def test_accepting_languages_and_unlisted(ctx: None) -> None:
    prisoner = make_prisoner()
    source = make_source()
    link(source, prisoner)
    decisions.accept(propose(source, prisoner, ChangeKind.LANGUAGES, {"languages": ["de"]}))
    assert prisoner.language_codes == ["de"]
    decisions.accept(propose(source, prisoner, ChangeKind.UNLISTED, None))
    assert not prisoner.is_listed


def test_a_change_is_applied_to_the_local_values_as_they_are_now(
    client: FlaskClient, auth: AuthActions
) -> None:
    prisoner = make_prisoner(languages="ru")
    source = make_source()
    link(source, prisoner)
    change = propose(source, prisoner, ChangeKind.LANGUAGES, {"languages": ["de"]})
    prisoner.languages = "uk"  # edited here after the sync proposed the change
    db.session.commit()
    auth.create_and_login()

    page = client.get(f"/manage/sources/{source.id}").get_data(as_text=True)
    assert "Ukrainian" in page
    assert "German" in page

    response = post(client, f"/manage/sources/changes/{change.id}/accept")
    assert response.status_code == 302
    db.session.refresh(prisoner)
    assert prisoner.language_codes == ["de"]


# --- dismissing ----------------------------------------------------------------------------------


def test_dismissing_a_change_deletes_it_and_a_new_person_stays_dismissed(ctx: None) -> None:
    prisoner = make_prisoner()
    source = make_source()
    link(source, prisoner)
    change = propose(source, prisoner, ChangeKind.LANGUAGES, {"languages": ["de"]})
    decisions.dismiss(change)
    assert db.session.get(SourceChange, change.id) is None
    assert prisoner.language_codes == ["ru"]

    new_person = offer(source, a_record(id=9))
    decisions.dismiss(new_person)
    assert db.session.get(SourceChange, new_person.id).dismissed  # type: ignore[union-attr]


def test_a_dismissed_offer_is_not_shown_until_offered_again(
    client: FlaskClient, auth: AuthActions
) -> None:
    source = make_source()
    change = offer(source)
    db.session.commit()
    auth.create_and_login()
    path = f"/manage/sources/{source.id}/new-people"
    assert "Иванова" in client.get(path).get_data(as_text=True)

    response = post(client, f"/manage/sources/changes/{change.id}/dismiss")
    assert response.status_code == 302
    assert "Иванова" not in client.get(path).get_data(as_text=True)
    assert "Иванова" in client.get(path + "?dismissed=1").get_data(as_text=True)

    post(client, f"/manage/sources/changes/{change.id}/offer-again")
    assert "Иванова" in client.get(path).get_data(as_text=True)


def test_new_people_are_searched_by_name_and_paged(client: FlaskClient, auth: AuthActions) -> None:
    source = make_source()
    for number in range(55):
        offer(source, a_record(id=100 + number, family_name=f"Петров{number:02}"))
    offer(source, a_record(id=7, family_name="Сидорова"))
    db.session.commit()
    auth.create_and_login()
    path = f"/manage/sources/{source.id}/new-people"
    first = client.get(path).get_data(as_text=True)
    assert first.count('class="offer"') == 50
    assert "Page 1 of 2" in first
    found = client.get(path + "?q=сидоров").get_data(as_text=True)
    assert found.count('class="offer"') == 1
    assert "Сидорова" in found


# --- linking by hand -----------------------------------------------------------------------------


def test_linking_by_hand_proposes_what_differs(
    client: FlaskClient, auth: AuthActions, sync: types.SimpleNamespace
) -> None:
    ours = make_prisoner(family_name="Иванова", given_names="Мария")
    source = make_source()
    change = offer(source, a_record(family_name="Иванова-Петрова", given_names="Мария"))
    namesake = offer(source, a_record(id=8))
    db.session.commit()
    change_id, namesake_id, ours_id = change.id, namesake.id, ours.id
    auth.create_and_login()

    page = client.get(f"/manage/sources/{source.id}/new-people").get_data(as_text=True)
    assert f"(#{ours_id})" in page  # suggested beside the offer with the same name

    response = post(client, f"/manage/sources/changes/{change_id}/link", prisoner_id=ours_id)
    assert response.status_code == 302
    made = db.session.scalar(select(SourceLink).where(SourceLink.prisoner_id == ours_id))
    assert made is not None
    assert made.remote_id == 7
    [proposed] = db.session.scalars(
        select(SourceChange).where(SourceChange.kind == ChangeKind.NAME)
    ).all()
    assert proposed.prisoner_id == ours_id
    assert db.session.get(SourceChange, change_id) is None

    # One person, one link per source: a second is refused with a message, nothing changes.
    response = post(client, f"/manage/sources/changes/{namesake_id}/link", prisoner_id=ours_id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "linked to this source already" in page
    assert db.session.get(SourceChange, namesake_id) is not None

    response = post(client, f"/manage/sources/changes/{namesake_id}/link", prisoner_id="x1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Give the number shown beside a name" in page


def test_unlinking_keeps_the_person_drops_their_changes_and_offers_them_again(
    ctx: None,
) -> None:
    prisoner = make_prisoner()
    source = make_source()
    made = link(source, prisoner)
    propose(source, prisoner, ChangeKind.LANGUAGES, {"languages": ["de"]})
    decisions.unlink(made)
    assert db.session.scalar(select(func.count()).select_from(SourceLink)) == 0
    assert db.session.get(Prisoner, prisoner.id) is not None
    # A sync reads only what changed since the last one: the source's person would never be
    # offered again unless unlinking offers them, from the record last seen.
    [offer] = db.session.scalars(select(SourceChange)).all()
    assert (offer.kind, offer.remote_id, offer.dismissed) == (ChangeKind.NEW_PERSON, 7, False)
    assert offer.prisoner_id is None
    assert json.loads(offer.new)["family_name"] == prisoner.family_name


# --- sources -------------------------------------------------------------------------------------


def test_adding_a_source_on_the_page(client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    response = post(client, "/manage/sources", base_url="https://abc-berlin.example/", name="")
    assert response.status_code == 302
    source = db.session.scalar(select(Source))
    assert source is not None
    assert source.base_url == "https://abc-berlin.example"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "abc-berlin.example" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "source"))
    assert entry is not None
    assert entry.action == "created"

    again = post(client, "/manage/sources", base_url="https://abc-berlin.example", name="")
    assert again.status_code == 400
    assert "followed already" in again.get_data(as_text=True)
    wrong = post(client, "/manage/sources", base_url="ftp://nowhere", name="")
    assert wrong.status_code == 400
    assert 'aria-invalid="true"' in wrong.get_data(as_text=True)


def test_sync_now_flashes_the_report(
    client: FlaskClient, auth: AuthActions, sync: types.SimpleNamespace
) -> None:
    source = make_source()
    db.session.commit()
    auth.create_and_login()
    sync.report = Report(new_people=3, changes=2, refused=[(41, "family_name", "has markup")])
    response = post(client, f"/manage/sources/{source.id}/sync")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert sync.synced == [source.id]
    assert "3 new people, 2 changes, 1 item refused." in page
    assert "#41" in page
    assert "family_name" in page
    assert "has markup" in page

    sync.report = Report(error="not JSON")
    response = post(client, f"/manage/sources/{source.id}/sync")
    assert "not JSON" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_removing_a_source_keeps_the_people(client: FlaskClient, auth: AuthActions) -> None:
    prisoner = make_prisoner()
    source = make_source()
    link(source, prisoner)
    propose(source, prisoner, ChangeKind.LANGUAGES, {"languages": ["de"]})
    offer(source, a_record(id=9))
    db.session.add(SourceLetterDay(source_id=source.id, remote_id=7, sent_on=TODAY, letters=3))
    db.session.commit()
    auth.create_and_login()

    confirm = client.get(f"/manage/sources/{source.id}/remove")
    assert confirm.status_code == 200
    assert "remove-source" in confirm.get_data(as_text=True)
    response = post(client, f"/manage/sources/{source.id}/remove")
    assert response.status_code == 302
    for model in (Source, SourceLink, SourceChange, SourceLetterDay):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
    assert db.session.get(Prisoner, prisoner.id) is not None


def test_the_pages_need_a_coordinator_and_a_csrf_token(
    client: FlaskClient, auth: AuthActions
) -> None:
    source = make_source()
    change = offer(source)
    db.session.commit()
    for path in ("/manage/sources", f"/manage/sources/{source.id}"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    auth.create_and_login()
    response = client.post(f"/manage/sources/changes/{change.id}/adopt")
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Prisoner)) == 0
    response = client.post(f"/manage/sources/{source.id}/remove")
    assert response.status_code == 400
    assert db.session.get(Source, source.id) is not None


def test_markup_in_a_remote_name_is_shown_as_text(client: FlaskClient, auth: AuthActions) -> None:
    source = make_source(name="<b>ABC</b>")
    offer(source, a_record(family_name="<script>alert(1)</script>"))
    db.session.commit()
    auth.create_and_login()
    for path in (f"/manage/sources/{source.id}/new-people", "/manage/sources"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page
        assert "<b>ABC" not in page
    page = client.get(f"/manage/sources/{source.id}/new-people").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_adopting_on_the_page(client: FlaskClient, auth: AuthActions) -> None:
    source = make_source()
    change = offer(source)
    db.session.commit()
    auth.create_and_login()
    response = post(client, f"/manage/sources/changes/{change.id}/adopt")
    assert response.status_code == 302
    prisoner = db.session.scalar(select(Prisoner).where(Prisoner.family_name == "Иванова"))
    assert prisoner is not None
    page = client.get(f"/manage/prisoners/{prisoner.id}/edit").get_data(as_text=True)
    assert 'id="sources"' in page
    assert "ABC Moscow" in page
    entry = entries_for(prisoner.id)[0]
    assert entry.account_id is not None
    assert entry.context == "from source ABC Moscow"


# --- letters from all groups ---------------------------------------------------------------------


def _letters(prisoner_ids: list[int]) -> dict[int, int]:
    return {prisoner_id: total.letters for prisoner_id, total in all_groups(prisoner_ids).items()}


def test_letters_from_all_groups_sums_ours_and_the_sources(ctx: None) -> None:
    linked, alone = make_prisoner(), make_prisoner()
    moscow, berlin = make_source(), make_source("ABC Berlin", base_url="https://b.example")
    link(moscow, linked, remote_id=7)
    link(berlin, linked, remote_id=70)
    yesterday = TODAY - timedelta(days=1)
    db.session.add_all(
        [
            SourceLetterDay(source_id=moscow.id, remote_id=7, sent_on=yesterday, letters=3),
            SourceLetterDay(source_id=moscow.id, remote_id=7, sent_on=TODAY, letters=1),
            SourceLetterDay(source_id=berlin.id, remote_id=70, sent_on=yesterday, letters=5),
            # Another person at the source: not ours.
            SourceLetterDay(source_id=moscow.id, remote_id=8, sent_on=yesterday, letters=100),
        ]
    )
    for prisoner in (linked, alone):
        row = record_letter_sent(prisoner, letters=2, via=SentVia.COORDINATOR, sent_on=yesterday)
        row.recorded_on = yesterday
    db.session.flush()

    assert _letters([linked.id, alone.id]) == {linked.id: 2 + 3 + 1 + 5}
    assert all_groups([linked.id])[linked.id].groups == 3
    assert _letters([]) == {}

    # Turned off for one source: its letters no longer count.
    berlin.read_letters = False
    db.session.flush()
    assert _letters([linked.id]) == {linked.id: 2 + 3 + 1}


def test_the_profile_shows_letters_from_all_groups_only_when_linked(client: FlaskClient) -> None:
    prisoner = make_prisoner()
    source = make_source()
    db.session.commit()
    path = f"/prisoners/{prisoner.id}"
    assert "letters-all-groups" not in client.get(path).get_data(as_text=True)
    link(source, prisoner)
    db.session.add(SourceLetterDay(source_id=source.id, remote_id=7, sent_on=TODAY, letters=4))
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "4 letters from the 2 groups together." in page


# --- the dashboard -------------------------------------------------------------------------------


def test_a_source_not_read_for_a_week_is_flagged_on_the_dashboard(
    client: FlaskClient, auth: AuthActions
) -> None:
    make_source("Fresh", base_url="https://fresh.example", last_success_on=TODAY)
    make_source("Never read yet", base_url="https://new.example", added_on=TODAY)
    stale = make_source(
        "Stale",
        base_url="https://stale.example",
        last_success_on=TODAY - timedelta(days=8),
        last_error="connection refused",
    )
    make_source("Never read", base_url="https://never.example", added_on=TODAY - timedelta(days=8))
    db.session.commit()
    auth.create_and_login()
    page = client.get("/manage/dashboard").get_data(as_text=True)
    block = page.split('id="unreachable-sources"', 1)[1].split("</section>", 1)[0]
    assert "Stale" in block
    assert "Never read<" in block
    assert "connection refused" in block
    assert "Fresh" not in block
    assert "Never read yet" not in block
    assert f"/manage/sources/{stale.id}" in block
    listing = client.get("/manage/sources").get_data(as_text=True)
    assert listing.count("Not read for over a week") == 2


def test_the_dashboard_has_no_flag_when_every_source_was_read(
    client: FlaskClient, auth: AuthActions
) -> None:
    make_source(last_success_on=TODAY)
    db.session.commit()
    auth.create_and_login()
    assert "unreachable-sources" not in client.get("/manage/dashboard").get_data(as_text=True)


def test_a_letter_row_is_counted_by_the_public_day(app: Flask) -> None:
    # Guards the assumption above: today's rows are not in the public count.
    prisoner = make_prisoner()
    source = make_source()
    link(source, prisoner)
    db.session.add(SourceLetterDay(source_id=source.id, remote_id=7, sent_on=TODAY, letters=1))
    record_letter_sent(prisoner, letters=9, via=SentVia.COORDINATOR)
    db.session.flush()
    assert db.session.scalar(select(func.sum(LetterSent.letters))) == 9
    assert _letters([prisoner.id]) == {prisoner.id: 1}


def test_accept_all_of_a_kind_applies_each_and_names_what_it_could_not(
    client: FlaskClient, auth: AuthActions
) -> None:
    source = make_source()
    first, second, stuck = make_prisoner(), make_prisoner(), make_prisoner()
    for number, prisoner in enumerate((first, second, stuck), start=7):
        link(source, prisoner, remote_id=number)
    propose(source, first, ChangeKind.TRANSFER, {"facility": dict(IK2), "unit": ""}, 7)
    propose(source, second, ChangeKind.TRANSFER, {"facility": dict(IK2), "unit": ""}, 8)
    propose(source, stuck, ChangeKind.TRANSFER, {"facility": None, "unit": ""}, 9)
    db.session.commit()
    ids = first.id, second.id, stuck.id
    auth.create_and_login()

    page = client.get(f"/manage/sources/{source.id}").get_data(as_text=True)
    assert "Accept all 3 of these" in page
    response = post(client, f"/manage/sources/{source.id}/accept-all/transfer")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 changes were applied." in page
    assert "nothing to apply" in page
    held = {p.id: p.facility.name for p in db.session.scalars(select(Prisoner)) if p.facility}
    assert held[ids[0]] == held[ids[1]] == IK2["name"]
    assert held[ids[2]] != IK2["name"]
    [left] = db.session.scalars(select(SourceChange)).all()
    assert left.prisoner_id == ids[2]
    assert post(client, f"/manage/sources/{source.id}/accept-all/nonsense").status_code == 404


def test_renaming_a_source_is_audited(client: FlaskClient, auth: AuthActions) -> None:
    source = make_source()
    db.session.commit()
    auth.create_and_login()
    response = post(client, f"/manage/sources/{source.id}", name="ABC Москва", read_letters="")
    assert response.status_code == 302
    db.session.refresh(source)
    assert source.name == "ABC Москва"
    assert not source.read_letters
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "source", AuditEntry.action == "changed")
    )
    assert entry is not None
    assert ["name", "ABC Moscow", "ABC Москва"] in json.loads(entry.changes)
    bad = post(client, f"/manage/sources/{source.id}", name="a\nb")
    assert bad.status_code == 400


def test_the_audit_trail_says_which_source_a_change_came_from(app: Flask) -> None:
    from flask_babel import force_locale

    from letters.audit.views import context_label

    assert context_label("from source ABC Moscow") == "from source ABC Moscow"
    assert context_label("transfer") == "transfer"
    with app.test_request_context(), force_locale("ru"):
        assert "ABC Moscow" in context_label("from source ABC Moscow")


def test_the_audit_page_shows_who_followed_a_group_and_what_came_from_it(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login("admin@example.org", Role.ADMIN)
    post(client, "/manage/sources", base_url="https://abc-berlin.example", name="ABC Berlin")
    source = db.session.scalar(select(Source))
    assert source is not None
    change = offer(source)
    db.session.commit()
    post(client, f"/manage/sources/changes/{change.id}/adopt")
    page = client.get("/manage/audit").get_data(as_text=True)
    assert "Group followed" in page
    assert "Address of the group&#39;s site" in page
    assert "from source ABC Berlin" in page


def test_a_facility_the_local_rules_refuse_is_not_adopted(ctx: None) -> None:
    source = make_source()
    change = offer(source, a_record(facility={**IK2, "postal_code": "ABC"}))
    with pytest.raises(FieldError, match="postal_code"):
        decisions.adopt(change)


def test_values_the_model_refuses_are_a_refusal_not_a_crash(ctx: None) -> None:
    prisoner = make_prisoner()
    source = make_source()
    link(source, prisoner)
    change = propose(source, prisoner, ChangeKind.STATUS, {"status": "escaped"})
    with pytest.raises(FieldError, match="could not be read"):
        decisions.accept(change)
    with pytest.raises(FieldError, match="no name"):
        decisions.adopt(offer(source, a_record(id=9, family_name="")))


def test_unlinking_from_the_prisoners_page_goes_back_there(
    client: FlaskClient, auth: AuthActions
) -> None:
    prisoner = make_prisoner()
    made = link(make_source(), prisoner)
    db.session.commit()
    ids = prisoner.id, made.id
    auth.create_and_login()
    page = client.get(f"/manage/prisoners/{ids[0]}/edit").get_data(as_text=True)
    assert f"/manage/sources/links/{ids[1]}/unlink?back=prisoner" in page
    response = post(client, f"/manage/sources/links/{ids[1]}/unlink?back=prisoner")
    assert response.headers["Location"].endswith(f"/manage/prisoners/{ids[0]}/edit#sources")
    assert db.session.scalar(select(func.count()).select_from(SourceLink)) == 0
