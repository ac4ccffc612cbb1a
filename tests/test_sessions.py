"""Sessions are rows, one per logged-in browser: listed on the account page, ended one by one
(logging out), all but this one ("log out everywhere else"), or all at once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import AuthActions, csrf_token
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from letters.auth.sessions import device_label, token_hash
from letters.extensions import db
from letters.models import User, UserSession

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
COORDINATOR_PAGE = "/manage/prisoners"


def _login(app: Flask, user_agent: str) -> FlaskClient:
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = user_agent
    assert AuthActions(app, browser).login().status_code == 302
    return browser


def _sessions() -> list[UserSession]:
    return list(db.session.scalars(select(UserSession).order_by(UserSession.id)))


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (FIREFOX_LINUX, "Firefox on Linux"),
        (SAFARI_IPHONE, "Mobile Safari on iOS"),
        ("", ""),
        ("curl/8.5.0", "curl"),
    ],
)
def test_device_label_names_browser_and_system_without_versions(
    user_agent: str, label: str
) -> None:
    assert device_label(user_agent) == label


def test_each_login_is_a_session_row_holding_only_the_tokens_hash(
    app: Flask, auth: AuthActions
) -> None:
    auth.create()
    laptop = _login(app, FIREFOX_LINUX)
    _login(app, SAFARI_IPHONE)
    rows = _sessions()
    assert [row.device for row in rows] == ["Firefox on Linux", "Mobile Safari on iOS"]
    with laptop.session_transaction() as session:
        token = session["_user_id"]
    assert rows[0].token_hash == token_hash(token)
    assert token not in {row.token_hash for row in rows}
    user = db.session.scalars(select(User)).one()
    assert user.last_login_on == date.today()


def test_account_page_lists_sessions_and_marks_this_browser(app: Flask, auth: AuthActions) -> None:
    auth.create()
    _login(app, SAFARI_IPHONE)
    laptop = _login(app, FIREFOX_LINUX)
    html = laptop.get("/account").get_data(as_text=True)
    assert "Firefox on Linux" in html
    assert "Mobile Safari on iOS" in html
    assert "This browser" in html
    assert "Log out everywhere else" in html


def test_log_out_everywhere_else_ends_the_others_and_keeps_this_one(
    app: Flask, auth: AuthActions
) -> None:
    auth.create()
    phone = _login(app, SAFARI_IPHONE)
    tablet = _login(app, SAFARI_IPHONE)
    laptop = _login(app, FIREFOX_LINUX)
    response = laptop.post(
        "/account/sessions/end-others",
        data={"csrf_token": csrf_token(laptop, "/account")},
    )
    assert response.status_code == 302
    assert "2 other sessions were logged out" in laptop.get("/account").get_data(as_text=True)
    assert laptop.get(COORDINATOR_PAGE).status_code == 200
    for other in (phone, tablet):
        refused = other.get(COORDINATOR_PAGE)
        assert refused.status_code == 302
        assert refused.location.startswith("/login")
    assert [row.device for row in _sessions()] == ["Firefox on Linux"]


def test_log_out_everywhere_else_needs_the_csrf_token(app: Flask, auth: AuthActions) -> None:
    auth.create()
    phone = _login(app, SAFARI_IPHONE)
    laptop = _login(app, FIREFOX_LINUX)
    assert laptop.post("/account/sessions/end-others").status_code == 400
    assert phone.get(COORDINATOR_PAGE).status_code == 200


def test_logging_out_ends_only_this_browsers_session(app: Flask, auth: AuthActions) -> None:
    auth.create()
    phone = _login(app, SAFARI_IPHONE)
    laptop = _login(app, FIREFOX_LINUX)
    with laptop.session_transaction() as session:
        captured = session["_user_id"]
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/account")})
    assert phone.get(COORDINATOR_PAGE).status_code == 200
    assert [row.device for row in _sessions()] == ["Mobile Safari on iOS"]
    # A copy of the logged-out cookie opens nothing.
    stale = app.test_client()
    with stale.session_transaction() as session:
        session["_user_id"] = captured
        session["_fresh"] = True
    assert stale.get(COORDINATOR_PAGE).status_code == 302


def test_a_deactivated_account_is_refused_on_its_next_request(
    app: Flask, auth: AuthActions
) -> None:
    auth.create()
    laptop = _login(app, FIREFOX_LINUX)
    assert laptop.get(COORDINATOR_PAGE).status_code == 200
    db.session.execute(update(User).values(is_active=False))
    db.session.commit()
    assert laptop.get(COORDINATOR_PAGE).status_code == 302


def test_last_seen_is_a_day_and_written_once_a_day(app: Flask, auth: AuthActions) -> None:
    auth.create()
    laptop = _login(app, FIREFOX_LINUX)
    db.session.execute(update(UserSession).values(last_seen_on=date.today() - timedelta(days=3)))
    db.session.commit()
    assert laptop.get(COORDINATOR_PAGE).status_code == 200
    db.session.expire_all()
    assert _sessions()[0].last_seen_on == date.today()
    assert _sessions()[0].created_on == date.today()


def test_logging_in_again_in_a_logged_in_browser_ends_its_old_session(
    app: Flask, auth: AuthActions
) -> None:
    auth.create()
    laptop = _login(app, FIREFOX_LINUX)
    assert AuthActions(app, laptop).login().status_code == 302
    assert len(_sessions()) == 1
