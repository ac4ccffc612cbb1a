"""Coordinator accounts: passwords, logging in and out, throttling, first run, the CLI."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn

import pytest
from argon2 import PasswordHasher
from conftest import PASSWORD, AuthActions, csrf_token, user_count
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select, update

from letters import create_app
from letters.auth import first_run, services
from letters.auth.sessions import token_hash
from letters.extensions import db
from letters.models import LoginFailure, Role, User, utcnow

NEW_PASSWORD = "a brand new passphrase for spring"
COORDINATOR_PAGE = "/manage/prisoners"


def _user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


@pytest.fixture
def request_ctx(app: Flask) -> Iterator[None]:
    """A request context: service messages are translated for the request's language."""
    with app.test_request_context():
        yield


@pytest.fixture
def no_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any argon2 hash or verify fail the test: proves a path never hashes."""

    def refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
        raise AssertionError("argon2 was called")

    monkeypatch.setattr(PasswordHasher, "hash", refuse)
    monkeypatch.setattr(PasswordHasher, "verify", refuse)


# --- passwords --------------------------------------------------------------------------------


@pytest.mark.usefixtures("request_ctx")
def test_password_is_stored_as_argon2id_with_configured_cost() -> None:
    services.create_user("  Anna@Example.ORG ", PASSWORD)
    db.session.commit()

    user = _user("anna@example.org")
    assert user.password_hash.startswith("$argon2id$")
    assert "m=1024,t=1," in user.password_hash
    assert PASSWORD not in user.password_hash
    assert user.role == Role.COORDINATOR


def test_hashing_uses_argon2_defaults_when_cost_is_not_configured(tmp_path: Path) -> None:
    # An app configured as an operator would leave it (the suite's own app hashes cheaply).
    plain = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.db'}",
            "AUTO_MIGRATE": False,
        }
    )
    with plain.app_context():  # a second app, not the test's: hashing needs no database
        password_hash = services.hash_password(PASSWORD)
    assert password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.mark.usefixtures("request_ctx", "no_hashing")
def test_ten_kilobyte_password_is_refused_without_hashing() -> None:
    huge = "x" * 10_240
    with pytest.raises(services.PasswordError, match="at most 128"):
        services.check_password_rules(huge)
    with pytest.raises(services.AccountError):
        services.create_user("anna@example.org", huge)
    # Logging in with it is refused just as cheaply.
    assert services.authenticate("anna@example.org", huge) is None
    assert user_count() == 0


@pytest.mark.usefixtures("no_hashing")
def test_ten_kilobyte_password_through_the_web_is_refused_without_hashing(
    app: Flask, client: FlaskClient
) -> None:
    huge = "x" * 10_240
    path = first_run.setup_link(app, first_run.make_setup_token(app))[1]
    token = csrf_token(client, path)
    response = client.post(
        path, data={**_setup_form("admin@example.org", huge), "csrf_token": token}
    )
    assert "at most 128" in response.get_data(as_text=True)
    response = client.post(
        "/login", data={"email": "admin@example.org", "password": huge, "csrf_token": token}
    )
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    assert user_count() == 0


@pytest.mark.usefixtures("request_ctx")
@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pass", "at least 12"),
        ("123qweasdzxc", "common passwords"),
        ("LeaveMeAlone", "common passwords"),  # the check ignores case
        ("anna@example.org", "e-mail address"),
        ("ANNA@example.org ", "e-mail address"),
    ],
)
def test_weak_passwords_are_refused(password: str, reason: str) -> None:
    with pytest.raises(services.PasswordError, match=reason):
        services.create_user("anna@example.org", password)
    assert user_count() == 0


@pytest.mark.usefixtures("request_ctx")
def test_twelve_and_128_characters_are_accepted() -> None:
    services.check_password_rules("z" * 11 + "q")
    services.check_password_rules("q" * 128)


@pytest.mark.usefixtures("request_ctx")
@pytest.mark.parametrize("email", ["", "anna", "anna@example", "an na@example.org", "a@b@c.org"])
def test_malformed_email_is_refused(email: str) -> None:
    with pytest.raises(services.EmailError):
        services.create_user(email, PASSWORD)


@pytest.mark.usefixtures("request_ctx")
def test_duplicate_email_is_refused_whatever_its_case() -> None:
    services.create_user("anna@example.org", PASSWORD)
    db.session.commit()
    with pytest.raises(services.EmailError, match="already exists"):
        services.create_user(" ANNA@example.org", PASSWORD)
    # The caller's transaction is still usable after the refusal.
    services.create_user("boris@example.org", PASSWORD)
    db.session.commit()
    assert user_count() == 2


def test_login_rehashes_when_the_cost_settings_change(app: Flask, auth: AuthActions) -> None:
    auth.create("anna@example.org")
    app.config["ARGON2_TIME_COST"] = 2
    assert services.authenticate("anna@example.org", PASSWORD) is not None
    assert "m=1024,t=2," in _user("anna@example.org").password_hash
    # and the new hash still works
    assert services.authenticate("anna@example.org", PASSWORD) is not None


# --- logging in -------------------------------------------------------------------------------


def test_login_page_renders_a_form(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in html
    assert 'name="password"' in html
    assert 'name="csrf_token"' in html


def test_coordinator_page_sends_anonymous_visitor_to_login(client: FlaskClient) -> None:
    response = client.get(COORDINATOR_PAGE)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_login_redirects_to_manage_list(client: FlaskClient, auth: AuthActions) -> None:
    auth.create()
    response = auth.login()
    assert response.status_code == 302
    assert response.location == "/manage/prisoners"
    assert client.get(COORDINATOR_PAGE).status_code == 200


def test_login_follows_a_local_next(client: FlaskClient, auth: AuthActions) -> None:
    auth.create()
    token = csrf_token(client, "/login?next=/manage/prisoners?page=2")
    response = client.post(
        "/login?next=/manage/prisoners?page=2",
        data={"email": "coord@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.location == "/manage/prisoners?page=2"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example", "//evil.example", "/\\evil.example", "http:evil.example", ""],
)
def test_login_never_redirects_off_site(
    client: FlaskClient, auth: AuthActions, target: str
) -> None:
    auth.create()
    page = client.get("/login", query_string={"next": target}).get_data(as_text=True)
    assert "evil.example" not in page  # not even carried into the form's action
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "coord@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.location == "/manage/prisoners"


@pytest.mark.parametrize(
    ("email", "password"),
    [("coord@example.org", "not the right password"), ("nobody@example.org", PASSWORD)],
)
def test_wrong_email_or_password_gets_one_generic_message(
    client: FlaskClient, auth: AuthActions, email: str, password: str
) -> None:
    auth.create()
    response = auth.login(email, password)
    assert response.status_code == 200
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    assert client.get(COORDINATOR_PAGE).status_code == 302


def test_login_accepts_email_in_any_case(auth: AuthActions) -> None:
    auth.create()
    assert auth.login(" Coord@Example.org").status_code == 302


def test_unknown_email_still_costs_a_hash(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = PasswordHasher.verify

    def counting(self: PasswordHasher, password_hash: str, password: str) -> bool:
        calls.append(password)
        return original(self, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    assert services.authenticate("nobody@example.org", PASSWORD) is None
    assert calls == [PASSWORD]


def test_inactive_account_cannot_log_in(app: Flask, auth: AuthActions) -> None:
    auth.create()
    _user("coord@example.org").is_active = False
    db.session.commit()
    assert auth.login().status_code == 200


# --- throttling -------------------------------------------------------------------------------


def test_sixth_failure_in_a_minute_is_refused_even_with_the_right_password(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create("anna@example.org")
    auth.create("boris@example.org")
    for _attempt in range(services.MAX_FAILURES):
        assert auth.login("anna@example.org", "wrong password here").status_code == 200

    response = auth.login("anna@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.get_data(as_text=True)
    assert client.get(COORDINATOR_PAGE).status_code == 302

    # Throttling is per account: another coordinator still logs in.
    assert auth.login("boris@example.org").status_code == 302
    assert client.get(COORDINATOR_PAGE).status_code == 200

    # One row per failure, holding nothing but a keyed hash of the address and the time.
    assert set(LoginFailure.__table__.columns.keys()) == {"id", "account_key", "failed_at"}
    keys = db.session.scalars(select(LoginFailure.account_key)).all()
    assert len(keys) == 5
    assert set(keys) == {services.account_key("anna@example.org")}
    assert all(re.fullmatch("[0-9a-f]{64}", key) for key in keys)


def test_an_unknown_address_is_throttled_exactly_like_a_real_one(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    """The throttle must not tell anyone which addresses belong to coordinators: a watcher who
    tries six wrong passwords for each address sees the same answers for both."""
    auth.create("anna@example.org")
    answers = {}
    for email in ("anna@example.org", "nobody@example.org"):
        answers[email] = [
            (response.status_code, _flash(response))
            for response in (
                auth.login(email, "wrong password here") for _n in range(services.MAX_FAILURES + 1)
            )
        ]
    assert answers["anna@example.org"] == answers["nobody@example.org"]
    assert answers["nobody@example.org"][-1][0] == 429
    assert all(messages for _code, messages in answers["nobody@example.org"])
    # Neither address is stored, only keys; and they differ per address.
    stored = " ".join(db.session.scalars(select(LoginFailure.account_key)))
    assert "example.org" not in stored
    assert services.account_key("Anna@Example.org ") == services.account_key("anna@example.org")
    assert services.account_key("anna@example.org") != services.account_key("nobody@example.org")


def test_the_key_depends_on_the_secret_key(app: Flask) -> None:
    before = services.account_key("anna@example.org")
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-0123456789"
    assert services.account_key("anna@example.org") != before


def _a_minute_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both throttles (the database's and the per-client one in memory) read one clock."""
    monkeypatch.setattr(services, "_now", lambda: utcnow() + timedelta(seconds=61))


def test_throttle_lifts_after_a_minute(
    app: Flask, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth.create()
    for _attempt in range(services.MAX_FAILURES):
        auth.login(password="wrong password here")
    assert auth.login().status_code == 429

    _a_minute_later(monkeypatch)
    assert auth.login().status_code == 302
    # Expired failures are deleted rather than kept as a record of activity: this account's
    # and every other address's.
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_expired_failures_of_other_addresses_are_deleted_too(app: Flask, auth: AuthActions) -> None:
    auth.create()
    auth.login("typo@example.org", "wrong password here")
    db.session.execute(update(LoginFailure).values(failed_at=utcnow() - timedelta(seconds=61)))
    db.session.commit()
    assert auth.login().status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def _login_from(client: FlaskClient, address: str, email: str, password: str) -> Any:
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_someone_elses_wrong_passwords_do_not_lock_the_owner_out(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    """An attacker who knows a coordinator's address and types wrong passwords from their own
    network locks out only that network; the owner, elsewhere, still logs in."""
    auth.create("anna@example.org")
    attacker, owner = "198.51.100.7", "203.0.113.20"
    answers = [
        _login_from(client, attacker, "anna@example.org", "wrong password here").status_code
        for _n in range(services.MAX_FAILURES + 1)
    ]
    assert answers == [200] * services.MAX_FAILURES + [429]
    # Even the right password is refused from the attacker's address...
    assert _login_from(client, attacker, "anna@example.org", PASSWORD).status_code == 429
    # ...but not from the owner's.
    assert _login_from(client, owner, "anna@example.org", PASSWORD).status_code == 302
    # The database holds the failures under the address's key only: no network address.
    rows = db.session.execute(select(LoginFailure.account_key, LoginFailure.failed_at)).all()
    assert len(rows) == services.MAX_FAILURES
    assert {key for key, _at in rows} == {services.account_key("anna@example.org")}
    # In memory too, only keyed hashes of (address tried, client), never the client itself.
    memory = app.extensions["letters.client_failures"]
    assert all(re.fullmatch("[0-9a-f]{64}", key) for key in memory._times)
    assert attacker not in repr(memory._times)


def test_failures_from_many_addresses_lock_the_account_for_everyone(
    app: Flask, client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guesses spread over many addresses meet the account-wide ceiling in the database."""
    monkeypatch.setattr(services, "ACCOUNT_MAX_FAILURES", 7)
    auth.create("anna@example.org")
    for n in range(7):
        response = _login_from(client, f"198.51.100.{n}", "anna@example.org", "wrong password")
        assert response.status_code == 200
    response = _login_from(client, "203.0.113.20", "anna@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.get_data(as_text=True)


def test_a_right_password_is_not_counted_as_a_failure(app: Flask, auth: AuthActions) -> None:
    """Each attempt is counted as a failure while its hash is checked, and taken back when it
    proves right: logging in often locks nobody out."""
    auth.create()
    for _n in range(services.MAX_FAILURES + 2):
        assert services.authenticate("coord@example.org", PASSWORD, "192.0.2.1") is not None
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0
    assert len(app.extensions["letters.client_failures"]) == 0


def test_login_is_limited_per_client_address(app: Flask, client: FlaskClient) -> None:
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    codes = [
        _login_from(client, "198.51.100.7", f"n{n}@example.org", "wrong password").status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    # The site's own error page, not a framework one.
    page = _login_from(client, "198.51.100.7", "x@example.org", "wrong password")
    assert "<html" in page.get_data(as_text=True).lower()
    # Another address is not affected, and reading the form is never limited.
    assert _login_from(client, "203.0.113.20", "y@example.org", "wrong").status_code == 200
    assert client.get("/login", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200


def test_login_is_limited_for_everyone_together(app: Flask, client: FlaskClient) -> None:
    app.config["LOGIN_GLOBAL_RATE_LIMIT"] = "3 per minute"
    codes = [
        _login_from(client, f"198.51.100.{n}", f"n{n}@example.org", "wrong").status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_the_password_is_checked_outside_any_transaction(
    app: Flask, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Argon2 takes a tenth of a second or more; inside a write transaction it would hold
    SQLite's write lock (or a PostgreSQL row lock) that long for every login."""
    auth.create()
    app.config["ARGON2_TIME_COST"] = 2  # the right password is rehashed too
    seen: list[bool] = []
    original_verify, original_hash = PasswordHasher.verify, PasswordHasher.hash

    def verify(self: PasswordHasher, password_hash: str, password: str) -> bool:
        seen.append(db.session().in_transaction())
        return original_verify(self, password_hash, password)

    def hash_(self: PasswordHasher, password: str, **kwargs: Any) -> str:
        seen.append(db.session().in_transaction())
        return original_hash(self, password, **kwargs)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    monkeypatch.setattr(PasswordHasher, "hash", hash_)
    with app.test_request_context(method="POST"):
        assert services.authenticate("nobody@example.org", PASSWORD) is None
        assert services.authenticate("coord@example.org", "wrong password here") is None
        assert services.authenticate("coord@example.org", PASSWORD) is not None
        user = _user("coord@example.org")
        db.session.commit()
        services.change_password(user, PASSWORD, NEW_PASSWORD)
    assert len(seen) >= 6
    assert not any(seen)


def test_expired_failures_are_removed_without_another_login(
    app: Flask, client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth.create()
    auth.login(password="wrong password here")
    auth.login("typo@example.org", "wrong password here")
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 2

    # Within the sweep's interval nothing happens on a page view...
    client.get("/prisoners")
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 2
    # ...and once it has passed, any page view (here a visitor's) sweeps, with no login.
    _a_minute_later(monkeypatch)
    monkeypatch.setattr(services, "CLEANUP_INTERVAL", 0.0)
    with app.test_request_context():
        services._cleanup_state().next_due = 0.0
    assert client.get("/prisoners").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0
    assert len(app.extensions["letters.client_failures"]) == 0


def test_four_failures_do_not_lock_the_account(auth: AuthActions) -> None:
    auth.create()
    for _attempt in range(services.MAX_FAILURES - 1):
        auth.login(password="wrong password here")
    assert auth.login().status_code == 302


# --- sessions ---------------------------------------------------------------------------------


def _session_cookie(client: FlaskClient, app: Flask) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value


def test_cookie_captured_before_logout_is_refused_after_it(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    captured = _session_cookie(client, app)
    assert client.get(COORDINATOR_PAGE).status_code == 200

    response = auth.logout()
    assert response.status_code == 302
    assert response.location == "/prisoners"
    assert client.get(COORDINATOR_PAGE).status_code == 302

    client.set_cookie(app.config["SESSION_COOKIE_NAME"], captured)
    response = client.get(COORDINATOR_PAGE)
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_session_cookie_holds_the_session_token_not_the_user_id(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    with client.session_transaction() as session:
        token = session["_user_id"]
    user = _user("coord@example.org")
    assert token != str(user.id)
    # The cookie's token names this account's one session; the database keeps only its hash.
    assert [s.token_hash for s in user.sessions] == [token_hash(token)]


def test_password_change_ends_other_sessions_and_keeps_its_own(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    elsewhere = app.test_client()
    AuthActions(app, elsewhere).login()
    assert elsewhere.get(COORDINATOR_PAGE).status_code == 200
    captured = _session_cookie(client, app)

    token = csrf_token(client, "/account/password")
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert "Your password has been changed" in client.get(response.location).get_data(as_text=True)

    assert client.get(COORDINATOR_PAGE).status_code == 200  # the changer carries on
    assert elsewhere.get(COORDINATOR_PAGE).status_code == 302  # every other session died
    stale = app.test_client()
    stale.set_cookie(app.config["SESSION_COOKIE_NAME"], captured)
    assert stale.get(COORDINATOR_PAGE).status_code == 302  # and so did the old cookie

    fresh = AuthActions(app, app.test_client())
    assert fresh.login(password=PASSWORD).status_code == 200
    assert fresh.login(password=NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message", "field"),
    [
        ("wrong password here", NEW_PASSWORD, NEW_PASSWORD, "not correct", "current_password"),
        (PASSWORD, "too short", "too short", "at least 12", "new_password"),
        (PASSWORD, "qwerty123456", "qwerty123456", "common passwords", "new_password"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "do not match", "confirm"),
    ],
)
def test_password_change_refusals_leave_everything_as_it_was(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    current: str,
    new: str,
    confirm: str,
    message: str,
    field: str,
) -> None:
    auth.create_and_login()
    before = _user("coord@example.org")
    old_hash, old_sessions = before.password_hash, [s.token_hash for s in before.sessions]

    token = csrf_token(client, "/account/password")
    response = client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm": confirm,
            "csrf_token": token,
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # The message is shown right after the field it concerns.
    assert re.search(
        rf'id="{field}"[^>]*>\s*(<small>.*?</small>)?\s*<p class="error">[^<]*'
        rf"{message}",
        html,
        re.S,
    ), html
    after = _user("coord@example.org")
    assert after.password_hash == old_hash
    assert [s.token_hash for s in after.sessions] == old_sessions
    assert client.get(COORDINATOR_PAGE).status_code == 200


def test_wrong_current_password_counts_towards_the_throttle(app: Flask, auth: AuthActions) -> None:
    auth.create()
    with app.test_request_context():
        user = _user("coord@example.org")
        for _attempt in range(services.MAX_FAILURES):
            with pytest.raises(services.WrongPasswordError):
                services.change_password(user, "wrong password here", NEW_PASSWORD)
        with pytest.raises(services.LoginThrottled):
            services.change_password(user, PASSWORD, NEW_PASSWORD)


def test_logout_page_without_a_session_just_redirects(client: FlaskClient) -> None:
    token = csrf_token(client, "/login")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.location == "/prisoners"


# --- first run --------------------------------------------------------------------------------


def _announced_path(app: Flask, capsys: pytest.CaptureFixture[str]) -> str:
    first_run.announce_setup_link(app)
    captured = capsys.readouterr()
    assert captured.out == ""  # stdout belongs to CSV output
    match = re.search(r"http://127\.0\.0\.1:5000(/setup/\S+)", captured.err)
    assert match, captured.err
    return match.group(1)


def _setup_form(email: str, password: str = PASSWORD, confirm: str | None = None) -> dict:
    return {"email": email, "password": password, "confirm": confirm or password}


# The announcement inspects the schema on a connection of its own.
@pytest.mark.commits
def test_setup_link_works_once_and_creates_an_admin(
    app: Flask, client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _announced_path(app, capsys)
    assert "Create the first account" in client.get(path).get_data(as_text=True)

    response = client.post(
        path, data={**_setup_form("Admin@Example.org"), "csrf_token": csrf_token(client, path)}
    )
    assert response.status_code == 302
    assert response.location == "/manage/prisoners"
    assert client.get(COORDINATOR_PAGE).status_code == 200  # logged in
    with app.app_context():
        admin = _user("admin@example.org")
        assert admin.role == Role.ADMIN
        assert admin.password_hash.startswith("$argon2id$")

    # Used: the same link opens nothing now, for a visitor without a session too.
    other = app.test_client()
    response = other.get(path)
    assert response.status_code == 404
    assert "already been used" in response.get_data(as_text=True)
    token = csrf_token(other, "/login")
    response = other.post(path, data={**_setup_form("mallory@example.org"), "csrf_token": token})
    assert response.status_code == 404
    with app.app_context():
        assert user_count() == 1

    first_run.announce_setup_link(app)
    assert capsys.readouterr().err == ""  # nothing to announce once an account exists


# The announcement inspects the schema on a connection of its own.
@pytest.mark.commits
def test_setup_form_refuses_weak_password_and_mismatch(
    app: Flask, client: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _announced_path(app, capsys)
    token = csrf_token(client, path)
    for form, message in [
        (_setup_form("admin@example.org", "password1234"), "common passwords"),
        (_setup_form("admin@example.org", PASSWORD, PASSWORD + "x"), "do not match"),
        (_setup_form("not-an-address"), "valid e-mail"),
    ]:
        response = client.post(path, data={**form, "csrf_token": token})
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert user_count() == 0


@pytest.mark.parametrize("kind", ["tampered", "other key", "expired"])
def test_setup_refuses_a_bad_token(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    if kind == "tampered":
        # Change the signature's first character: it carries six full bits, whereas the last
        # base64 character partly encodes padding, so changing it may decode to the same bytes.
        signed, signature = first_run.make_setup_token(app).rsplit(".", 1)
        token = f"{signed}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    elif kind == "other key":
        other = Flask("other")
        other.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-0123"
        token = first_run.make_setup_token(other)
    else:
        day_and_a_bit_ago = time.time() - first_run.SETUP_TOKEN_MAX_AGE - 60
        with monkeypatch.context() as m:
            m.setattr("itsdangerous.timed.time.time", lambda: day_and_a_bit_ago)
            token = first_run.make_setup_token(app)
    assert client.get(f"/setup/{token}").status_code == 404


# The announcement inspects the schema on a connection of its own.
@pytest.mark.commits
@pytest.mark.parametrize(
    ("host", "shown"),
    [("192.0.2.7", "192.0.2.7"), ("0.0.0.0", "127.0.0.1"), ("::1", "[::1]")],  # noqa: S104
)
def test_announce_uses_flask_run_host_and_port(
    app: Flask,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    host: str,
    shown: str,
) -> None:
    monkeypatch.setenv("FLASK_RUN_HOST", host)
    monkeypatch.setenv("FLASK_RUN_PORT", "8080")
    first_run.announce_setup_link(app)
    err = capsys.readouterr().err
    assert f"http://{shown}:8080/setup/" in err
    assert "the path /setup/" in err


def test_announce_without_tables_prints_a_hint_instead_of_crashing(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}",
            "AUTO_MIGRATE": False,
        }
    )
    try:
        first_run.announce_setup_link(app)
    finally:
        with app.app_context():  # its own app, on its own database
            db.engine.dispose()
    captured = capsys.readouterr()
    assert "flask --app app db upgrade" in captured.err
    assert "/setup/" not in captured.err
    assert captured.out == ""


# --- command line -----------------------------------------------------------------------------


def test_cli_creates_user_with_password_from_stdin(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "Anna@Example.org", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "anna@example.org" in result.output
    user = _user("anna@example.org")
    assert user.role == Role.ADMIN
    assert services.verify_password(user.password_hash, PASSWORD)


def test_cli_prompts_for_the_password_twice(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "anna@example.org"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert "Password: " in result.output
    assert "Repeat the password: " in result.output
    user = _user("anna@example.org")
    assert user.role == Role.COORDINATOR
    assert services.verify_password(user.password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--password-stdin"], "short\n", "at least 12"),
        (["--password-stdin"], "password1234\n", "common passwords"),
        (["--role", "superuser", "--password-stdin"], PASSWORD + "\n", "superuser"),
    ],
)
def test_cli_refuses_bad_password_and_role(
    app: Flask, runner: FlaskCliRunner, args: list[str], stdin: str, message: str
) -> None:
    result = runner.invoke(args=["users", "create", "anna@example.org", *args], input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert user_count() == 0


def test_cli_refuses_a_duplicate(app: Flask, runner: FlaskCliRunner, auth: AuthActions) -> None:
    auth.create("anna@example.org")
    result = runner.invoke(
        args=["users", "create", "ANNA@example.org", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert user_count() == 1


def _flash(response: object) -> list[str]:
    """The messages a login page shows, without the CSRF token (which differs per page)."""
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.findall(r'<p class="(?:flash[^"]*|error)"[^>]*>(.*?)</p>', html)


def test_password_hashes_take_turns(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst of logins queues for the CPU instead of taking all of it from visitors' pages
    (``PASSWORD_HASH_CONCURRENCY`` hashes at once per process, one by default)."""
    import threading

    password_hash = services.hash_password(PASSWORD)
    running, most = [0], [0]
    lock = threading.Lock()
    original = PasswordHasher.verify

    def verify(self: PasswordHasher, stored: str, password: str) -> bool:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.01)  # long enough for the others to arrive
            return original(self, stored, password)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(PasswordHasher, "verify", verify)

    def check() -> bool:
        with app.app_context():
            return services.verify_password(password_hash, PASSWORD)

    threads = [threading.Thread(target=check) for _n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most[0] == 1
