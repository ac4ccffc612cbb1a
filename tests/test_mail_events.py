"""Replies and returned mail, addresses that need checking, and visitors' address reports."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from conftest import AuthActions, count_statements, csrf_token, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, inspect, select, text
from werkzeug.test import TestResponse

from letters.extensions import db
from letters.mail import services as mail
from letters.models import AddressReport, MailEvent, MailEventKind, Prisoner, ReturnReason
from letters.prisoners.services import transfer_prisoner

NOTICE = "This address needs checking: a letter came back"
TODAY = date(2026, 6, 1)


@pytest.fixture
def prisoner_id(app: Flask) -> int:
    prisoner = make_prisoner()
    db.session.commit()
    return prisoner.id


def get(app: Flask, prisoner_id: int) -> Prisoner:
    return db.session.get_one(Prisoner, prisoner_id)


def test_a_return_flags_the_address_and_the_public_page_says_so(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    assert NOTICE not in client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)
    mail.record_return(get(app, prisoner_id), TODAY, ReturnReason.MOVED, "stamp: moved")
    db.session.commit()
    assert get(app, prisoner_id).address_needs_checking
    event = db.session.scalars(select(MailEvent)).one()
    assert event.kind == MailEventKind.RETURNED
    assert event.return_reason == ReturnReason.MOVED
    assert NOTICE in client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)


def test_confirming_clears_the_flag(app: Flask, prisoner_id: int) -> None:
    prisoner = get(app, prisoner_id)
    mail.record_return(prisoner, TODAY, ReturnReason.UNKNOWN_ADDRESSEE)
    mail.confirm_address(prisoner, TODAY)
    db.session.commit()
    assert not prisoner.address_needs_checking
    assert prisoner.address_confirmed_on == TODAY


def test_a_transfer_clears_the_flag(app: Flask, prisoner_id: int) -> None:
    prisoner = get(app, prisoner_id)
    mail.record_return(prisoner, TODAY, ReturnReason.MOVED)
    transfer_prisoner(prisoner, make_facility(name="ИК-5"), on=TODAY)
    db.session.commit()
    assert not prisoner.address_needs_checking
    assert prisoner.address_confirmed_on == TODAY


def test_the_needs_checking_list(app: Flask) -> None:
    facility = make_facility()
    fresh = make_prisoner(facility, family_name="Fresh", address_confirmed_on=TODAY)
    old = make_prisoner(
        facility, family_name="Old", address_confirmed_on=TODAY - timedelta(days=181)
    )
    edge = make_prisoner(
        facility, family_name="Edge", address_confirmed_on=TODAY - timedelta(days=180)
    )
    never = make_prisoner(facility, family_name="Never", is_listed=False)
    returned = make_prisoner(facility, family_name="Returned", address_confirmed_on=TODAY)
    reported = make_prisoner(facility, family_name="Reported", address_confirmed_on=TODAY)
    mail.record_return(returned, TODAY, ReturnReason.REFUSED_BY_CENSOR)
    mail.report_address(reported, "He was moved to IK-2 last week.")
    resolved = make_prisoner(facility, family_name="Resolved", address_confirmed_on=TODAY)
    mail.resolve_report(mail.report_address(resolved, "old news"))
    db.session.commit()
    reasons = {item.prisoner.id: item.reasons for item in mail.needs_checking(TODAY).items}
    assert reasons == {
        old.id: [mail.CONFIRMED_LONG_AGO],
        never.id: [mail.NEVER_CONFIRMED],
        returned.id: [mail.RETURNED],
        reported.id: [mail.REPORTED],
    }
    assert fresh.id not in reasons
    assert edge.id not in reasons


def test_coordinator_pages_record_replies_returns_and_confirmations(
    app: Flask, client: FlaskClient, auth: AuthActions, prisoner_id: int
) -> None:
    auth.create_and_login()
    edit = f"/manage/prisoners/{prisoner_id}/edit"
    html = client.get(edit).get_data(as_text=True)
    assert "Record a returned letter" in html
    assert "Address confirmed" in html
    token = csrf_token(client, edit)
    base = f"/manage/prisoners/{prisoner_id}"
    reply = client.post(f"{base}/mail/reply", data={"csrf_token": token, "on": "2026-05-02"})
    assert reply.status_code == 302
    response = client.post(
        f"{base}/mail/returned",
        data={"csrf_token": token, "on": "2026-05-03", "reason": "moved", "note": "moved"},
    )
    assert response.status_code == 302
    kinds = sorted(e.kind.value for e in db.session.scalars(select(MailEvent)))
    assert kinds == ["reply", "returned"]
    assert get(app, prisoner_id).address_needs_checking
    listing = client.get("/manage/needs-checking").get_data(as_text=True)
    assert "A letter came back" in listing
    # A return needs a reason.
    client.post(f"{base}/mail/returned", data={"csrf_token": token, "on": "2026-05-04"})
    # Without the token nothing changes.
    assert client.post(f"{base}/address-confirmed").status_code in (302, 400)
    assert db.session.scalar(select(func.count()).select_from(MailEvent)) == 2
    assert get(app, prisoner_id).address_needs_checking
    client.post(f"{base}/address-confirmed", data={"csrf_token": token})
    prisoner = get(app, prisoner_id)
    assert not prisoner.address_needs_checking
    assert prisoner.address_confirmed_on == date.today()


def test_coordinator_routes_refuse_anonymous_visitors(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    app.config["WTF_CSRF_ENABLED"] = False  # so a refusal proves the role gate
    for url in (
        "/manage/needs-checking",
        f"/manage/prisoners/{prisoner_id}/mail/reply",
        f"/manage/prisoners/{prisoner_id}/mail/returned",
        f"/manage/prisoners/{prisoner_id}/address-confirmed",
        "/manage/address-reports/1/resolved",
    ):
        method = client.get if url.endswith("checking") else client.post
        response = method(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def report(client: FlaskClient, prisoner_id: int, message: str, **kwargs: Any) -> TestResponse:
    token = csrf_token(client, f"/prisoners/{prisoner_id}")
    return client.post(
        f"/prisoners/{prisoner_id}/report-address",
        data={"csrf_token": token, "message": message},
        **kwargs,
    )


def test_a_visitor_reports_an_address_and_nothing_about_them_is_kept(
    app: Flask, client: FlaskClient, auth: AuthActions, prisoner_id: int
) -> None:
    assert "Report an inaccurate address" in client.get(f"/prisoners/{prisoner_id}").get_data(
        as_text=True
    )
    response = report(client, prisoner_id, "Moved to IK-7 in March.", follow_redirects=True)
    assert response.status_code == 200
    assert "A coordinator will check the address" in response.get_data(as_text=True)
    stored = db.session.scalars(select(AddressReport)).one()
    assert stored.message == "Moved to IK-7 in March."
    assert not stored.resolved
    # The session's connection: another one would wait for its write lock on SQLite.
    columns = {c["name"] for c in inspect(db.session.connection()).get_columns("address_reports")}
    # The day only: a time of day beside a connection log would name the visitor.
    assert columns == {"id", "prisoner_id", "message", "resolved", "reported_on"}
    assert stored.reported_on == date.today()
    raw = db.session.execute(text("SELECT * FROM address_reports")).mappings().one()
    assert not any(re.search(r"\d\d:\d\d", str(value)) for value in raw.values()), raw
    # A report does not put a notice on the public page by itself.
    assert not get(app, prisoner_id).address_needs_checking
    auth.create_and_login()
    listing = client.get("/manage/needs-checking").get_data(as_text=True)
    assert "Moved to IK-7 in March." in listing
    report_id = db.session.scalars(select(AddressReport.id)).one()
    token = csrf_token(client, "/manage/needs-checking")
    client.post(f"/manage/address-reports/{report_id}/resolved", data={"csrf_token": token})
    assert db.session.get_one(AddressReport, report_id).resolved
    assert "Moved to IK-7 in March." not in client.get("/manage/needs-checking").get_data(
        as_text=True
    )


def test_a_report_needs_csrf_and_a_message_of_at_most_1000_characters(
    app: Flask, client: FlaskClient, prisoner_id: int
) -> None:
    url = f"/prisoners/{prisoner_id}/report-address"
    assert client.post(url, data={"message": "moved"}).status_code == 400
    assert report(client, prisoner_id, "x" * 1001).status_code == 400
    assert report(client, prisoner_id, "   ").status_code == 400
    assert report(client, prisoner_id, "x" * 1000).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AddressReport)) == 1


def test_reports_are_rate_limited(app: Flask, client: FlaskClient, prisoner_id: int) -> None:
    app.config["ADDRESS_REPORT_RATE_LIMIT"] = "2 per hour"
    statuses = [report(client, prisoner_id, "moved").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert db.session.scalar(select(func.count()).select_from(AddressReport)) == 2


def test_unlisted_prisoners_cannot_be_reported(app: Flask, client: FlaskClient) -> None:
    hidden = make_prisoner(is_listed=False)
    db.session.commit()
    hidden_id = hidden.id
    token = csrf_token(client, "/login")
    url = f"/prisoners/{hidden_id}/report-address"
    assert client.post(url, data={"csrf_token": token, "message": "x"}).status_code == 404


@pytest.mark.parametrize("kind", ["reply", "returned"])
def test_a_reply_or_return_dated_after_today_is_refused_and_named(
    app: Flask, client: FlaskClient, auth: AuthActions, prisoner_id: int, kind: str
) -> None:
    auth.create_and_login()
    edit = f"/manage/prisoners/{prisoner_id}/edit"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    data = {"csrf_token": csrf_token(client, edit), "on": tomorrow, "reason": "moved"}
    response = client.post(
        f"/manage/prisoners/{prisoner_id}/mail/{kind}", data=data, follow_redirects=True
    )
    label = "Reply received on" if kind == "reply" else "Letter came back on"
    assert f"{label}: The date cannot be after today." in response.get_data(as_text=True)
    assert db.session.scalars(select(MailEvent)).all() == []
    assert not get(app, prisoner_id).address_needs_checking


def test_the_needs_checking_page_shows_known_problems_first_a_page_at_a_time(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    """After a large import the list held thousands of "never confirmed" rows, burying the one
    letter that came back: known problems lead, the rest follow oldest first, 50 a page, and
    the list narrows to one reason."""
    auth.create_and_login()
    facility = make_facility()
    for n in range(60):
        make_prisoner(
            facility,
            family_name=f"Old{n:02d}",
            address_confirmed_on=TODAY - timedelta(days=200 + n),
        )
    returned = make_prisoner(facility, family_name="Returned", address_confirmed_on=TODAY)
    mail.record_return(returned, TODAY, ReturnReason.MOVED)
    reported = make_prisoner(facility, family_name="Reported", address_confirmed_on=TODAY)
    mail.report_address(reported, "Moved to IK-2.")
    db.session.commit()

    first = client.get("/manage/needs-checking").get_data(as_text=True)
    names = re.findall(r">[^<]*?(Returned|Reported|Old\d\d)[^<]*</a>", first)
    assert names[:4] == ["Returned", "Reported", "Old59", "Old58"]  # then the oldest first
    assert len(names) == 50
    assert "62 addresses to check." in first
    second = client.get("/manage/needs-checking?page=2").get_data(as_text=True)
    assert len(re.findall(r">[^<]*?(Old\d\d)[^<]*</a>", second)) == 12

    only = client.get("/manage/needs-checking?why=reported").get_data(as_text=True)
    assert re.findall(r">[^<]*?(Returned|Reported|Old\d\d)[^<]*</a>", only) == ["Reported"]
    assert "Moved to IK-2." in only
    # An unknown reason is no filter at all.
    assert "62 addresses to check." in client.get("/manage/needs-checking?why=x").get_data(
        as_text=True
    )


def test_the_needs_checking_list_costs_four_queries_and_reads_reports_once(app: Flask) -> None:
    """How many, the page's ids, its prisoners, their open reports: however many prisoners.
    Open reports are read as one list, not probed prisoner by prisoner (a correlated EXISTS,
    twice per prisoner, was the part of the page that grew with the registry)."""
    facility = make_facility()
    people = [
        make_prisoner(facility, family_name=f"P{n:02d}", address_confirmed_on=TODAY)
        for n in range(12)
    ]
    for person in people[::3]:
        mail.report_address(person, "moved")
    mail.resolve_report(mail.report_address(people[1], "old news"))
    db.session.commit()

    with count_statements() as statements:
        page = mail.needs_checking(TODAY, per_page=3)

    assert len(statements) == 4
    assert not any("EXISTS" in sql.upper() for sql in statements)
    assert page.total == 4
    assert [item.prisoner.family_name for item in page.items] == ["P00", "P03", "P06"]
    assert all(item.reasons == [mail.REPORTED] for item in page.items)
    assert [report.message for report in page.items[0].reports] == ["moved"]
