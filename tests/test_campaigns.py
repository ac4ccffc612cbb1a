"""Campaigns and letter-writing evenings: choosing people, recording an evening's letters at
once, progress against the goal, the public report-back page, the evening pack, and the
coordinator's entry of letters for one prisoner."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date, timedelta

import pdfplumber
import pytest
from conftest import AuthActions, count_statements, csrf_token, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from letters.campaigns import services
from letters.extensions import db
from letters.models import Campaign, CampaignKind, LetterSent, Prisoner, SentVia, Status
from letters.validation import FieldError
from letters.writing.services import campaign_for, current_campaigns


def text(response: object) -> str:
    """The page's visible text with tags dropped and spaces collapsed."""
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def checkboxes(html: str, name: str) -> dict[int, bool]:
    """Each checkbox called ``name``: its value and whether it is ticked."""
    boxes = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag:
            value = re.search(r'value="(\d+)"', tag)
            assert value, tag
            boxes[int(value.group(1))] = " checked" in tag
    return boxes


def make_people(count: int, **fields: object) -> list[int]:
    facility = make_facility()
    ids = []
    for n in range(count):
        values = {"family_name": f"Иванов{n:02d}", "latin_name": f"Ivanov {n:02d}"} | fields
        prisoner = make_prisoner(facility, **values)
        ids.append(prisoner.id)
    return ids


def make_campaign(prisoner_ids: list[int], **fields: object) -> Campaign:
    values: dict[str, object] = {
        "kind": CampaignKind.EVENING,
        "name": "Вечер писем, ноябрь",
        "starts_on": date.today(),
        "ends_on": date.today(),
        "goal": 100,
        "prisoner_ids": prisoner_ids,
    }
    values.update(fields)
    campaign = services.save_campaign(None, services.CampaignFields(**values))  # type: ignore[arg-type]
    db.session.flush()
    return campaign


def logged_rows() -> list[LetterSent]:
    return list(db.session.scalars(select(LetterSent).order_by(LetterSent.prisoner_id)))


# --- creating and editing ---------------------------------------------------------------------


def campaign_form(client: FlaskClient, path: str, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf_token(client, path),
        "kind": "evening",
        "name": "Solidarity evening",
        "starts_on": "2026-11-28",
        "ends_on": "2026-11-28",
        "goal": "60",
        "report_note": "",
    }
    data.update(fields)
    return data


def test_a_coordinator_creates_an_evening_with_chosen_people(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(3)
    db.session.commit()
    response = client.post(
        "/manage/campaigns/new",
        data=campaign_form(client, "/manage/campaigns/new", prisoner_ids=[ids[0], ids[2]]),
    )
    assert response.status_code == 302
    campaign = db.session.scalars(select(Campaign)).one()
    assert campaign.name == "Solidarity evening"
    assert campaign.kind == CampaignKind.EVENING
    assert campaign.starts_on == date(2026, 11, 28)
    assert campaign.goal == 60
    assert [p.id for p in campaign.prisoners] == [ids[0], ids[2]]
    assert not campaign.report_published
    assert response.headers["Location"].endswith(f"/manage/campaigns/{campaign.id}")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Name of the evening or campaign is required."),
        ({"name": "x" * 301}, "Field cannot be longer than 300 characters."),
        (
            {"starts_on": "2026-12-01", "ends_on": "2026-11-30"},
            "The last day is before the first day.",
        ),
        ({"starts_on": "1 December"}, "“1 December” is not a date: use YYYY-MM-DD."),
        ({"goal": "0"}, "The goal must be between 1 and 100000 letters."),
        ({"goal": "many"}, "Not a valid integer value."),
        ({"prisoner_ids": ["999999"]}, "is not a valid choice"),
    ],
)
def test_a_bad_campaign_is_refused_with_the_field_named_and_nothing_stored(
    app: Flask, client: FlaskClient, auth: AuthActions, fields: dict[str, object], message: str
) -> None:
    auth.create_and_login()
    response = client.post(
        "/manage/campaigns/new", data=campaign_form(client, "/manage/campaigns/new", **fields)
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")
    assert db.session.scalar(select(func.count(Campaign.id))) == 0


def test_editing_changes_the_people_and_keeps_the_letters(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(3)
    campaign = make_campaign(ids[:2])
    services.record_letters(campaign, {ids[0]: 5}, date.today(), user=None)
    db.session.commit()
    campaign_id = campaign.id
    path = f"/manage/campaigns/{campaign_id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert checkboxes(page, "prisoner_ids") == {ids[0]: True, ids[1]: True, ids[2]: False}
    response = client.post(
        path, data=campaign_form(client, path, name="Renamed", prisoner_ids=[ids[2]])
    )
    assert response.status_code == 302
    campaign = db.session.get_one(Campaign, campaign_id)
    assert campaign.name == "Renamed"
    assert [p.id for p in campaign.prisoners] == [ids[2]]
    assert services.progress(campaign).letters == 5


def test_the_form_offers_the_neediest_first_and_not_the_released(app: Flask) -> None:
    facility = make_facility()
    written = make_prisoner(facility, family_name="Written", latin_name="")
    never = make_prisoner(facility, family_name="Never", latin_name="")
    released = make_prisoner(facility, family_name="Free", latin_name="", status=Status.RELEASED)
    db.session.add(LetterSent(prisoner_id=written.id, sent_on=date.today(), letters=3))
    db.session.commit()
    offered = [p.id for p in services.choosable_prisoners()]
    assert offered == [never.id, written.id]
    campaign = make_campaign([released.id])
    assert released.id in [p.id for p in services.choosable_prisoners(campaign)]


def test_the_database_refuses_a_goal_of_zero_and_dates_the_wrong_way_round(app: Flask) -> None:
    db.session.add(Campaign(name="x", goal=0))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Campaign(name="x", starts_on=date(2026, 2, 2), ends_on=date(2026, 2, 1)))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- recording an evening's letters -----------------------------------------------------------


def record_form(client: FlaskClient, campaign_id: int, **counts: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf_token(client, f"/manage/campaigns/{campaign_id}"),
        "sent_on": date.today().isoformat(),
    }
    data.update(counts)
    return data


def test_an_evening_logs_twelve_letters_to_one_person_as_one_row(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(3)
    campaign_id = make_campaign(ids).id
    db.session.commit()
    response = client.post(
        f"/manage/campaigns/{campaign_id}/letters",
        data=record_form(
            client,
            campaign_id,
            **{f"count_{ids[0]}": "12", f"count_{ids[1]}": "3", f"count_{ids[2]}": ""},
        ),
    )
    assert response.status_code == 302
    rows = logged_rows()
    assert [(r.prisoner_id, r.letters) for r in rows] == [(ids[0], 12), (ids[1], 3)]
    assert {r.via for r in rows} == {SentVia.EVENING}
    assert {r.campaign_id for r in rows} == {campaign_id}
    assert all(r.user_id is not None for r in rows)
    page = text(client.get(f"/manage/campaigns/{campaign_id}"))
    assert "15 letters · to 2 people" in page
    assert "15 of a goal of 100 letters (15%)" in page


def test_a_campaign_week_logs_as_coordinator_entries_on_the_chosen_day(app: Flask) -> None:
    ids = make_people(1)
    campaign = make_campaign(ids, kind=CampaignKind.CAMPAIGN)
    yesterday = date.today() - timedelta(days=1)
    assert services.record_letters(campaign, {ids[0]: 4}, yesterday, user=None) == 4
    row = logged_rows()[0]
    assert (row.via, row.sent_on, row.letters) == (SentVia.COORDINATOR, yesterday, 4)


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("-1", "Letters to Дмитрий Дмитриевич Иванов01 (Ivanov 01): enter a number from 0 to 200."),
        (
            "2000",
            "Letters to Дмитрий Дмитриевич Иванов01 (Ivanov 01): enter a number from 0 to 200.",
        ),
        ("a dozen", "Not a valid integer value."),
    ],
)
def test_one_bad_number_records_nothing_and_names_the_person(
    app: Flask, client: FlaskClient, auth: AuthActions, count: str, message: str
) -> None:
    auth.create_and_login()
    ids = make_people(2)
    campaign_id = make_campaign(ids).id
    db.session.commit()
    response = client.post(
        f"/manage/campaigns/{campaign_id}/letters",
        data=record_form(client, campaign_id, **{f"count_{ids[0]}": "5", f"count_{ids[1]}": count}),
    )
    assert response.status_code == 400
    assert message in text(response)
    # The bad value is shown back, the good one kept, so nothing typed is lost.
    page = response.get_data(as_text=True)
    assert re.search(rf'id="count-{ids[0]}"[^>]*value="5"', page)
    assert logged_rows() == []


def test_a_future_day_or_nothing_at_all_is_refused(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(1)
    campaign_id = make_campaign(ids).id
    db.session.commit()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    form = record_form(client, campaign_id, **{f"count_{ids[0]}": "2"})
    form["sent_on"] = tomorrow
    response = client.post(f"/manage/campaigns/{campaign_id}/letters", data=form)
    assert response.status_code == 400
    assert "The letters cannot have been posted after today." in text(response)
    form = record_form(client, campaign_id, **{f"count_{ids[0]}": "0"})
    response = client.post(f"/manage/campaigns/{campaign_id}/letters", data=form)
    assert response.status_code == 400
    assert "Enter how many letters were written to at least one person." in text(response)
    assert logged_rows() == []


def test_letters_to_someone_not_chosen_are_refused_by_the_service(app: Flask) -> None:
    ids = make_people(2)
    campaign = make_campaign(ids[:1])
    with pytest.raises(LookupError, match=str(ids[1])):
        services.record_letters(campaign, {ids[0]: 1, ids[1]: 1}, date.today(), user=None)
    with pytest.raises(FieldError):
        services.record_letters(campaign, {ids[0]: 201}, date.today(), user=None)
    assert logged_rows() == []


def test_progress_counts_letters_from_the_web_too(app: Flask) -> None:
    ids = make_people(2)
    campaign = make_campaign(ids[:1], goal=10)
    db.session.add(
        LetterSent(prisoner_id=ids[1], sent_on=date.today(), letters=1, campaign_id=campaign.id)
    )
    services.record_letters(campaign, {ids[0]: 9}, date.today(), user=None)
    db.session.flush()
    done = services.progress(campaign)
    assert (done.letters, done.people, done.percent, done.goal_reached) == (10, 2, 100, True)
    others = services.other_prisoners(done, {ids[0]})
    assert [(p.id, n) for p, n in others] == [(ids[1], 1)]
    assert services.progress_of_all([campaign])[campaign.id] == done


# --- the public report-back page --------------------------------------------------------------


def test_the_report_back_page_is_public_only_once_published(
    app: Flask, client: FlaskClient
) -> None:
    campaign_id = make_campaign(make_people(1)).id
    db.session.commit()
    assert client.get(f"/campaigns/{campaign_id}").status_code == 404
    db.session.get_one(Campaign, campaign_id).report_published = True
    db.session.commit()
    assert client.get(f"/campaigns/{campaign_id}").status_code == 200


def as_of_tomorrow() -> None:
    """Every row as it will be tomorrow, when public pages count it: recorded before today."""
    yesterday = date.today() - timedelta(days=1)
    db.session.execute(update(LetterSent).values(recorded_on=yesterday))
    db.session.commit()


def test_sixty_letters_to_ten_people_and_nothing_about_the_unlisted(
    app: Flask, client: FlaskClient
) -> None:
    ids = make_people(10)
    hidden = make_people(2, is_listed=False, given_names="<b>Скрытый</b>")
    campaign = make_campaign(
        ids + hidden,
        name="<i>Вечер</i> писем",
        report_published=True,
        report_note="Спасибо всем! <script>x</script>",
    )
    counts = {i: 6 for i in ids} | {hidden[0]: 10, hidden[1]: 6}
    services.record_letters(campaign, counts, date.today(), user=None)
    db.session.commit()
    as_of_tomorrow()
    campaign_id = campaign.id
    response = client.get(f"/campaigns/{campaign_id}")
    page = text(response)
    # People kept off the public list are neither named nor counted nor mentioned: even
    # "2 people not on our public list" would say the group keeps someone off it.
    assert "60 letters to 10 people" in page
    assert "60% of our goal of 100 letters" in page
    assert "Ivanov 00" in page
    assert "Ivanov 09" in page
    assert "public list" not in page
    assert "76" not in page
    assert "16 letters" not in page
    html = response.get_data(as_text=True)
    assert "Скрытый" not in html
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<h1>&lt;i&gt;Вечер&lt;/i&gt; писем</h1>" in html


def test_the_russian_report_back_page_declines_the_numbers(app: Flask, client: FlaskClient) -> None:
    ids = make_people(2)
    campaign = make_campaign(ids, report_published=True, goal=None)
    services.record_letters(campaign, {ids[0]: 1, ids[1]: 1}, date.today(), user=None)
    db.session.commit()
    as_of_tomorrow()
    campaign_id = campaign.id
    page = text(client.get(f"/campaigns/{campaign_id}", headers={"Accept-Language": "ru"}))
    assert "2 письма 2 людям" in page


def test_the_report_back_counts_todays_letters_from_tomorrow(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    """Anyone can reload a published report-back page during a solidarity week: a total that
    moved at a click would time it. Coordinators' own page counts up to now."""
    ids = make_people(2)
    campaign = make_campaign(ids, report_published=True)
    services.record_letters(campaign, {ids[0]: 3}, date.today(), user=None)
    db.session.commit()
    as_of_tomorrow()
    services.record_letters(campaign, {ids[1]: 4}, date.today(), user=None)
    db.session.commit()
    campaign_id = campaign.id
    page = text(client.get(f"/campaigns/{campaign_id}"))
    assert "3 letters to 1 person" in page
    assert "Ivanov 01" not in page
    assert "Letters are counted here from the day after they are recorded." in page
    auth.create_and_login()
    assert "7 letters" in text(client.get(f"/manage/campaigns/{campaign_id}"))


# --- the evening pack for the campaign's people -----------------------------------------------


def test_the_pack_offers_the_campaigns_people_and_prints_them(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(3)
    unlisted = make_people(1, is_listed=False, family_name="Скрытов", latin_name="")[0]
    campaign_id = make_campaign([ids[1], unlisted]).id
    db.session.commit()
    path = f"/manage/print/pack?campaign={campaign_id}"
    page = client.get(path).get_data(as_text=True)
    assert checkboxes(page, "prisoner_ids") == {ids[1]: True, unlisted: True}
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "prisoner_ids": [ids[1], unlisted],
            "envelopes": "1",
            "size": "DL",
            "posted_from": "DE",
            "return_choice": "none",
            "label_sheet": "L7160",
            "start_at": "1",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        envelopes = archive.read("2-envelopes-DL.pdf")
    with pdfplumber.open(io.BytesIO(envelopes)) as pdf:
        words = " ".join(page.extract_text() or "" for page in pdf.pages)
    # Name in the dative on the envelope: the printing code, fed the campaign's people.
    assert "Иванов01 Дмитрию" in words
    assert "Скрытову Дмитрию" in words
    assert "Иванов00" not in words


def test_the_pack_for_an_unknown_campaign_is_not_found(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    assert client.get("/manage/print/pack?campaign=999").status_code == 404


# --- a coordinator's entry for one prisoner ---------------------------------------------------


def test_a_coordinator_records_letters_for_one_prisoner(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner_id = make_people(1, is_listed=False)[0]
    campaign_id = make_campaign([]).id
    db.session.commit()
    edit = f"/manage/prisoners/{prisoner_id}/edit"
    last_week = (date.today() - timedelta(days=7)).isoformat()
    response = client.post(
        f"/manage/prisoners/{prisoner_id}/letters",
        data={
            "csrf_token": csrf_token(client, edit),
            "letters": "7",
            "sent_on": last_week,
            "campaign_id": str(campaign_id),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{edit}#letters")
    row = logged_rows()[0]
    assert (row.letters, row.via, row.campaign_id) == (7, SentVia.COORDINATOR, campaign_id)
    assert row.sent_on.isoformat() == last_week
    assert "7 letters recorded so far." in text(client.get(edit))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"letters": "0"}, "Letters posted: enter a number from 1 to 200."),
        ({"letters": ""}, "Letters posted is required."),
        ({"sent_on": "2999-01-01"}, "Posted on: The date cannot be after today."),
        ({"sent_on": "yesterday"}, "Posted on: “yesterday” is not a date: use YYYY-MM-DD."),
        (
            {"campaign_id": "999"},
            "Counted to: That campaign no longer exists. Please choose again.",
        ),
    ],
)
def test_a_bad_coordinator_entry_is_refused_and_named(
    app: Flask, client: FlaskClient, auth: AuthActions, fields: dict[str, str], message: str
) -> None:
    auth.create_and_login()
    prisoner_id = make_people(1)[0]
    db.session.commit()
    edit = f"/manage/prisoners/{prisoner_id}/edit"
    data = {
        "csrf_token": csrf_token(client, edit),
        "letters": "2",
        "sent_on": date.today().isoformat(),
        "campaign_id": "",
    } | fields
    response = client.post(
        f"/manage/prisoners/{prisoner_id}/letters", data=data, follow_redirects=True
    )
    # The one message, naming the field once (never "Letters posted: Letters posted ...").
    flashed = re.findall(r'<p class="flash error"[^>]*>(.*?)</p>', response.get_data(as_text=True))
    assert [html.unescape(m) for m in flashed] == [message]
    assert logged_rows() == []
    assert db.session.get(Prisoner, prisoner_id) is not None


# --- correcting the log -----------------------------------------------------------------------


def test_a_mistyped_entry_is_removed_and_the_progress_follows(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(2)
    campaign = make_campaign(ids)
    services.record_letters(campaign, {ids[0]: 120, ids[1]: 3}, date.today(), user=None)
    db.session.commit()
    campaign_id = campaign.id
    wrong = next(r.id for r in logged_rows() if r.letters == 120)
    show = f"/manage/campaigns/{campaign_id}"
    assert "At the evening" in text(client.get(show))
    response = client.post(
        f"{show}/letters/{wrong}/delete", data={"csrf_token": csrf_token(client, show)}
    )
    assert response.status_code == 302
    page = text(client.get(show))
    assert (
        "The entry of 120 letters to Дмитрий Дмитриевич Иванов00 (Ivanov 00) was removed." in page
    )
    assert "3 letters · to 1 person" in page
    assert [r.letters for r in logged_rows()] == [3]


def test_an_entry_of_another_campaign_cannot_be_removed_from_this_one(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(1)
    mine = make_campaign(ids)
    other = make_campaign(ids, name="Other")
    services.record_letters(other, {ids[0]: 2}, date.today(), user=None)
    db.session.commit()
    mine_id, entry_id = mine.id, logged_rows()[0].id
    show = f"/manage/campaigns/{mine_id}"
    response = client.post(
        f"{show}/letters/{entry_id}/delete", data={"csrf_token": csrf_token(client, show)}
    )
    assert response.status_code == 404
    # Without the CSRF token nothing is removed either.
    assert client.post(f"{show}/letters/{entry_id}/delete").status_code == 400
    assert len(logged_rows()) == 1


# --- "I sent it" during a campaign ------------------------------------------------------------


def selected_campaign(html: str) -> str | None:
    select = re.search(r'<select[^>]*id="sent-campaign".*?</select>', html, re.S)
    assert select, "no campaign choice on the page"
    chosen = re.search(r'<option selected value="(\d*)"|<option value="(\d*)" selected', select[0])
    return next((g for g in chosen.groups() if g is not None), None) if chosen else None


def test_i_sent_it_preselects_the_one_running_campaign_that_chose_the_prisoner(
    app: Flask, client: FlaskClient
) -> None:
    chosen, other = make_people(2)
    week = make_campaign(
        [chosen], kind=CampaignKind.CAMPAIGN, name="Solidarity week", report_published=True
    )
    make_campaign([], name="Another drive")
    db.session.commit()
    week_id = week.id
    assert selected_campaign(client.get(f"/prisoners/{chosen}").get_data(as_text=True)) == str(
        week_id
    )
    # Not chosen by any campaign: the writer decides, nothing is preselected.
    assert selected_campaign(client.get(f"/prisoners/{other}").get_data(as_text=True)) in (
        None,
        "",
    )


def test_two_running_campaigns_with_the_prisoner_preselect_neither(app: Flask) -> None:
    ids = make_people(1)
    make_campaign(ids, name="One")
    make_campaign(ids, name="Two")
    prisoner = db.session.get_one(Prisoner, ids[0])
    assert campaign_for(prisoner, current_campaigns()) is None


# --- deleting a campaign created by mistake ---------------------------------------------------


def test_a_campaign_without_letters_is_deleted_and_its_people_stay(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(2)
    campaign_id = make_campaign(ids).id
    db.session.commit()
    edit = f"/manage/campaigns/{campaign_id}/edit"
    response = client.post(
        f"/manage/campaigns/{campaign_id}/delete", data={"csrf_token": csrf_token(client, edit)}
    )
    assert response.status_code == 302
    assert "was deleted" in text(client.get("/manage/campaigns"))
    assert db.session.get(Campaign, campaign_id) is None
    assert db.session.scalar(select(func.count(Prisoner.id))) == 2


def test_a_campaign_with_letters_is_not_deleted(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(1)
    campaign = make_campaign(ids, name="Week of solidarity")
    services.record_letters(campaign, {ids[0]: 3}, date.today(), user=None)
    db.session.commit()
    campaign_id = campaign.id
    edit = f"/manage/campaigns/{campaign_id}/edit"
    response = client.post(
        f"/manage/campaigns/{campaign_id}/delete",
        data={"csrf_token": csrf_token(client, edit)},
        follow_redirects=True,
    )
    assert "“Week of solidarity” has letters counted to it, so it cannot be deleted" in text(
        response
    )
    assert db.session.get(Campaign, campaign_id) is not None
    assert [r.campaign_id for r in logged_rows()] == [campaign_id]


def test_the_service_refuses_an_unknown_prisoner_before_changing_anything(app: Flask) -> None:
    ids = make_people(1)
    campaign = make_campaign(ids, name="Before")
    db.session.commit()
    fields = services.CampaignFields(
        kind=CampaignKind.EVENING, name="After", prisoner_ids=[ids[0], 999999]
    )
    with pytest.raises(LookupError, match="999999"):
        services.save_campaign(campaign, fields)
    assert campaign.name == "Before"
    assert [p.id for p in campaign.prisoners] == ids


def test_one_letter_is_reported_in_the_singular(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner_id = make_people(1, latin_name="")[0]
    db.session.commit()
    edit = f"/manage/prisoners/{prisoner_id}/edit"
    data = {"csrf_token": csrf_token(client, edit), "letters": "1"}
    data["sent_on"] = date.today().isoformat()
    page = text(
        client.post(f"{edit.removesuffix('/edit')}/letters", data=data, follow_redirects=True)
    )
    assert "1 letter to Дмитрий Дмитриевич Иванов00 was recorded." in page
    page = text(client.get(edit, headers={"Accept-Language": "ru"}))
    assert "Пока учтено 1 письмо." in page


def test_finding_the_campaign_to_preselect_is_one_query_however_many_run(app: Flask) -> None:
    ids = make_people(3)
    for n in range(4):
        make_campaign(ids, name=f"Drive {n}")
    db.session.commit()
    db.session.expunge_all()  # as a fresh request: nobody's people loaded yet
    prisoner = db.session.get_one(Prisoner, ids[0])
    campaigns = current_campaigns()
    with count_statements() as statements:
        assert campaign_for(prisoner, campaigns) is None  # four chose them: no preselection
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


# --- the people picker: a table, a filter, the N who most need letters ------------------------


def people_rows(page: str) -> dict[int, str]:
    """Each row of the people table: the checkbox's prisoner id → the row's visible text."""
    table = page[page.index('id="people-picker"') :]
    table = table[: table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
        value = re.search(r'name="prisoner_ids"[^>]*value="(\d+)"', row) or re.search(
            r'value="(\d+)"[^>]*name="prisoner_ids"', row
        )
        if value:
            cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " | ", row))
            rows[int(value.group(1))] = html.unescape(cells)
    return rows


def test_the_people_table_shows_country_languages_days_and_recent_letters(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    german = make_facility(
        name="JVA Tegel",
        country_code="DE",
        street_address="Seidelstraße 39",
        city="Berlin",
        postal_code="13507",
        country_area="",
    )
    written = make_prisoner(
        german,
        family_name="Becker",
        given_names="Anna",
        patronymic="",
        latin_name="",
        languages="de en",
    )
    never = make_prisoner(family_name="Никто", latin_name="")
    db.session.add(
        LetterSent(prisoner_id=written.id, sent_on=date.today() - timedelta(days=3), letters=2)
    )
    db.session.add(
        LetterSent(prisoner_id=written.id, sent_on=date.today() - timedelta(days=90), letters=5)
    )
    db.session.commit()

    rows = people_rows(client.get("/manage/campaigns/new").get_data(as_text=True))

    assert list(rows) == [never.id, written.id]  # neediest first
    cells = [c.strip() for c in rows[written.id].split("|") if c.strip()]
    assert cells == ["Anna Becker", "Germany", "German, English", "3", "2"]
    cells = [c.strip() for c in rows[never.id].split("|") if c.strip()]
    assert cells[1:] == ["Russia", "Russian", "never written to", "0"]


def test_the_filter_is_offered_only_to_the_script_and_every_row_shows_without_it(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    make_people(3)
    db.session.commit()
    page = client.get("/manage/campaigns/new").get_data(as_text=True)
    assert re.search(r'<div class="field" id="people-filter-field" hidden>', page)
    assert "/static/picker.js" in page
    assert "<tr hidden" not in page
    assert len(people_rows(page)) == 3


def test_selecting_the_neediest_ticks_them_keeps_what_was_typed_and_saves_nothing(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(5)
    # The neediest by count, but no letter would reach them: skipped.
    no_address = make_prisoner(family_name="Безадреса", latin_name="")
    no_address.facility = None
    checking = make_prisoner(family_name="Проверить", latin_name="", address_needs_checking=True)
    for n, prisoner_id in enumerate(ids):
        db.session.add(LetterSent(prisoner_id=prisoner_id, sent_on=date.today(), letters=n + 1))
    db.session.commit()
    path = "/manage/campaigns/new"

    response = client.post(
        path,
        data=campaign_form(
            client, path, name="Friday evening", neediest="3", pick="1", prisoner_ids=[ids[4]]
        ),
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    ticked = {i for i, on in checkboxes(page, "prisoner_ids").items() if on}
    assert ticked == set(ids[:3])
    assert no_address.id in checkboxes(page, "prisoner_ids")
    assert checking.id in checkboxes(page, "prisoner_ids")
    assert 'value="Friday evening"' in page
    assert db.session.scalar(select(func.count(Campaign.id))) == 0


@pytest.mark.parametrize("count", ["", "0", "5000"])
def test_selecting_a_bad_number_of_neediest_says_so(
    client: FlaskClient, auth: AuthActions, count: str
) -> None:
    auth.create_and_login()
    make_people(2)
    db.session.commit()
    path = "/manage/campaigns/new"
    response = client.post(path, data=campaign_form(client, path, neediest=count, pick="1"))
    assert response.status_code == 400
    assert "Enter a number from 1 to 1000." in text(response)
    assert db.session.scalar(select(func.count(Campaign.id))) == 0


def test_a_stray_number_of_neediest_never_stops_a_save(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(2)
    db.session.commit()
    path = "/manage/campaigns/new"
    response = client.post(
        path, data=campaign_form(client, path, neediest="0", prisoner_ids=[ids[1]])
    )
    assert response.status_code == 302
    [campaign] = db.session.scalars(select(Campaign))
    assert [p.id for p in campaign.prisoners] == [ids[1]]


def test_selecting_the_neediest_on_the_edit_form_replaces_the_ticks(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    ids = make_people(3)
    campaign = make_campaign([ids[2]])
    services.record_letters(campaign, {ids[2]: 1}, date.today(), user=None)
    db.session.commit()
    path = f"/manage/campaigns/{campaign.id}/edit"
    response = client.post(
        path, data=campaign_form(client, path, neediest="2", pick="1", prisoner_ids=[ids[2]])
    )
    assert response.status_code == 200
    ticked = {
        i for i, on in checkboxes(response.get_data(as_text=True), "prisoner_ids").items() if on
    }
    assert ticked == {ids[0], ids[1]}


def test_the_campaign_form_costs_the_same_queries_for_3_or_60_people(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    facilities = [make_facility(name=f"ФКУ СИЗО-{n}") for n in range(3)]

    def selects() -> int:
        with count_statements() as statements:
            assert client.get("/manage/campaigns/new").status_code == 200
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    for n in range(3):
        make_prisoner(facilities[n], family_name=f"Первый{n}", latin_name="")
    db.session.commit()
    # The day's first page sums the letter figures after its response (letterlog.summary):
    # both counts below are of pages that read the summed figures.
    selects()
    few = selects()
    for n in range(57):
        prisoner = make_prisoner(facilities[n % 3], family_name=f"Второй{n}", latin_name="")
        db.session.add(LetterSent(prisoner_id=prisoner.id, sent_on=date.today(), letters=1))
    db.session.commit()
    assert selects() == few
