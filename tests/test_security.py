"""The app-wide baseline, checked on live responses: headers, cookies, CSRF, GET never changes
state, error pages, and refusing to start without a proper secret key."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import NoReturn

import flask_login
import pytest
from conftest import PASSWORD, AuthActions, csrf_token, inline_scripts, user_count
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from letters import create_app
from letters.auth import first_run
from letters.config import ConfigError
from letters.extensions import db
from letters.models import User

# Written out rather than imported from letters.security, so that a change there is noticed.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def _assert_security_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


# --- headers and error pages ------------------------------------------------------------------


def test_security_headers_on_200_404_and_500(app: Flask) -> None:
    def boom() -> NoReturn:
        raise RuntimeError("secret internals: /srv/letters/db.py line 42")

    # TESTING propagates exceptions to the test client; production renders the 500 page.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/boom", "boom", boom)
    client = app.test_client()

    ok = client.get("/login")
    assert ok.status_code == 200
    _assert_security_headers(ok)

    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    _assert_security_headers(missing)

    broken = client.get("/boom")
    assert broken.status_code == 500
    _assert_security_headers(broken)
    body = broken.get_data(as_text=True)
    assert "Something went wrong" in body
    for leak in ("Traceback", "RuntimeError", "secret internals", "db.py"):
        assert leak not in body


@pytest.mark.parametrize("path", ["/prisoners", "/birthdays.ics", "/login", "/no-such-page"])
def test_a_host_outside_trusted_hosts_is_a_plain_400(app: Flask, path: str) -> None:
    app.config.update(TRUSTED_HOSTS=["letters.example.org"], PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    response = client.get(path, headers={"Host": "letters.attacker.example"})
    assert response.status_code == 400
    _assert_security_headers(response)
    assert "attacker" not in response.get_data(as_text=True)
    assert client.get(path, headers={"Host": "letters.example.org"}).status_code in (200, 404)


def test_auth_pages_have_no_inline_script_or_style(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    setup_path = first_run.setup_link(app, first_run.make_setup_token(app))[1]
    pages = [client.get("/login"), client.get(setup_path)]
    auth.create_and_login()
    pages.append(client.get("/account/password"))
    for page in pages:
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert inline_scripts(html) == []
        assert "<style" not in html
        assert " style=" not in html


# --- cookies ----------------------------------------------------------------------------------


@pytest.mark.parametrize("secure", [False, True])
def test_login_cookie_attributes(app: Flask, client: FlaskClient, secure: bool) -> None:
    app.config["SESSION_COOKIE_SECURE"] = secure
    auth = AuthActions(app, client)
    auth.create()
    response = auth.login()
    assert response.status_code == 302

    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("letters_")]
    assert len(cookies) == 1
    attributes = [part.strip() for part in cookies[0].split(";")]
    assert "HttpOnly" in attributes
    assert "SameSite=Lax" in attributes
    assert ("Secure" in attributes) is secure
    # Lifetime in hours, not days: the cookie expires within the configured eight hours.
    expires = next(a for a in attributes if a.startswith("Expires="))
    lifetime = parsedate_to_datetime(expires.removeprefix("Expires=")) - datetime.now(UTC)
    assert timedelta(hours=7) < lifetime <= timedelta(hours=8, minutes=1)


CLIENT_ADDRESS = "203.0.113.7"
CLIENT_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _session_contents(app: Flask, client: FlaskClient) -> dict[str, object]:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return dict(serializer.loads(cookie.value))


def test_no_cookie_holds_anything_derived_from_the_network_address(
    app: Flask, client: FlaskClient
) -> None:
    client.environ_base.update(REMOTE_ADDR=CLIENT_ADDRESS, HTTP_USER_AGENT=CLIENT_AGENT)
    # What Flask-Login's session protection would store: sha512 of address and User-Agent.
    with app.test_request_context(
        environ_base={"REMOTE_ADDR": CLIENT_ADDRESS, "HTTP_USER_AGENT": CLIENT_AGENT}
    ):
        derived = flask_login.utils._create_identifier()
    auth = AuthActions(app, client)
    auth.create()
    login = auth.login()
    assert login.status_code == 302
    responses = [login, client.get("/manage/prisoners"), client.get("/account/password")]
    assert [response.status_code for response in responses] == [302, 200, 200]

    contents = _session_contents(app, client)
    assert "_user_id" in contents  # logged in: this is the cookie that matters
    assert "_id" not in contents
    dumped = json.dumps(contents)
    for leak in (derived, CLIENT_ADDRESS, hashlib.sha512(CLIENT_ADDRESS.encode()).hexdigest()):
        assert leak not in dumped
    for response in responses:  # any other cookie set on the way
        for cookie in response.headers.getlist("Set-Cookie"):
            assert CLIENT_ADDRESS not in cookie
            assert derived not in cookie


def test_a_session_survives_a_change_of_network_address(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    # Nothing binds the cookie to an address, so a coordinator on a mobile network (or Tor)
    # stays logged in; the session token still ends the session at logout.
    client.environ_base["REMOTE_ADDR"] = CLIENT_ADDRESS
    auth.create_and_login()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.23"
    assert client.get("/manage/prisoners").status_code == 200
    auth.logout()
    assert client.get("/manage/prisoners").status_code == 302


# --- CSRF and methods -------------------------------------------------------------------------


def test_csrf_protection_is_on_in_the_test_app(app: Flask) -> None:
    assert app.config.get("WTF_CSRF_ENABLED", True) is True


def test_setup_post_without_csrf_token_is_400_and_creates_nothing(
    app: Flask, client: FlaskClient
) -> None:
    path = first_run.setup_link(app, first_run.make_setup_token(app))[1]
    client.get(path)  # a session exists, as in a browser, but the token is missing
    response = client.post(
        path, data={"email": "admin@example.org", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 400
    assert user_count() == 0


def test_password_change_without_csrf_token_is_400_and_changes_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    before = db.session.scalars(select(User)).one()
    old = (before.password_hash, [s.token_hash for s in before.sessions])
    new = "a brand new passphrase for spring"
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm": new},
    )
    assert response.status_code == 400
    after = db.session.scalars(select(User)).one()
    assert (after.password_hash, [s.token_hash for s in after.sessions]) == old


def test_logout_without_csrf_token_is_400_and_keeps_the_session(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    assert client.post("/logout").status_code == 400
    assert client.get("/manage/prisoners").status_code == 200


def test_login_without_csrf_token_is_400(client: FlaskClient, auth: AuthActions) -> None:
    auth.create()
    response = client.post("/login", data={"email": "coord@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/manage/prisoners").status_code == 302


def test_logout_rejects_get(client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    assert client.get("/logout").status_code == 405
    assert client.get("/manage/prisoners").status_code == 200


def test_get_with_form_fields_in_the_query_changes_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    setup_path = first_run.setup_link(app, first_run.make_setup_token(app))[1]
    fields = {"email": "admin@example.org", "password": PASSWORD, "confirm": PASSWORD}
    assert client.get(setup_path, query_string=fields).status_code == 200
    assert user_count() == 0

    auth.create()
    token = csrf_token(client, "/login")
    client.get("/login", query_string={**fields, "email": "coord@example.org", "csrf_token": token})
    assert client.get("/manage/prisoners").status_code == 302  # not logged in by a GET

    auth.login()
    old_hash = db.session.scalars(select(User)).one().password_hash
    new = "a brand new passphrase for spring"
    client.get(
        "/account/password",
        query_string={
            "current_password": PASSWORD,
            "new_password": new,
            "confirm": new,
            "csrf_token": token,
        },
    )
    assert db.session.scalars(select(User)).one().password_hash == old_hash


def test_every_state_changing_auth_route_is_post_only(app: Flask) -> None:
    # A new state-changing route must be added here consciously.
    get_allowed = {
        "auth.login",
        "auth.change_password",
        "auth.setup",
        "accounts.accept_invitation",
        "auth.login_code",
        "auth.enrol_second_factor",
        "auth.turn_off_second_factor",
        "auth.new_recovery_codes",
    }
    # Pages that only show something.
    read_only = {"auth.account", "accounts.index"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in read_only:
            assert "POST" not in (rule.methods or set()), rule
        elif rule.endpoint.startswith(("auth.", "accounts.")):
            if rule.endpoint in get_allowed:
                assert {"GET", "POST"} <= (rule.methods or set())
            else:
                assert "GET" not in (rule.methods or set()), rule


# --- secret key -------------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SECRET_KEY", "LETTERS_SECRET_KEY", "LETTERS_ENV", "LETTERS_TESTING"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("clean_env")
def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"ENV": "production", "AUTO_MIGRATE": False})


@pytest.mark.usefixtures("clean_env")
def test_production_refuses_a_short_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "too-short-a-key")
    with pytest.raises(ConfigError, match="shorter than 32"):
        create_app({"ENV": "production", "AUTO_MIGRATE": False})


@pytest.mark.usefixtures("clean_env")
def test_production_starts_with_a_long_secret_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    key = secrets.token_hex(32)
    monkeypatch.setenv("SECRET_KEY", key)
    app = create_app(
        {
            "ENV": "production",
            "AUTO_MIGRATE": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/prod.db",
        }
    )
    with app.app_context():  # its own app, on its own database
        db.engine.dispose()
    assert app.config["SECRET_KEY"] == key
    assert not app.debug
    capsys.readouterr()  # the "run db upgrade" hint for the empty database
