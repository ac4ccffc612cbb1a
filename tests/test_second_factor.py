"""The second factor: enrolling, logging in with a code or a recovery code, replay and
throttling, and the group setting that requires it.

The clock of :mod:`letters.auth.second_factor` is fixed by the ``clock`` fixture, so "one step
early" means exactly that and never straddles a step boundary by chance.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyotp
import pytest
from conftest import PASSWORD, AuthActions, csrf_token
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from letters.auth import second_factor, services
from letters.auth.services import hash_password
from letters.extensions import db
from letters.models import GroupSettings, LoginFailure, RecoveryCode, Role, User

# The middle of a 30-second step: a step ± 1 from here is a whole step away, not a second.
START = 1_800_000_015.0
STEP = 30


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def code(self, secret: str, offset_steps: int = 0) -> str:
        """The code an authenticator app shows ``offset_steps`` steps from now."""
        return pyotp.TOTP(secret).at(self.now + offset_steps * STEP)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(second_factor, "_now", clock)
    return clock


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The explicit audit entries recorded (entity, id, action, actor's e-mail)."""
    recorded: list[tuple[Any, ...]] = []
    actors: list[User | None] = [None]

    class ActingAs:
        def __init__(self, user: User | None) -> None:
            self.user = user

        def __enter__(self) -> None:
            actors.append(self.user)

        def __exit__(self, *_: object) -> None:
            actors.pop()

    def record(entity: str, entity_id: int | None, action: str, *args: Any, **kw: Any) -> None:
        actor = actors[-1]
        recorded.append((entity, entity_id, action, actor.email if actor else None))

    monkeypatch.setattr(second_factor, "record_event", record)
    monkeypatch.setattr(second_factor, "acting_as", ActingAs)
    return recorded


def user(email: str = "coord@example.org") -> User:
    found = db.session.scalars(select(User).where(User.email == email)).one()
    db.session.refresh(found)
    return found


def field_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"no field {name}"
    return match.group(1)


def shown_secret(html: str) -> str:
    match = re.search(r'id="second-factor-secret"[^>]*>([A-Z2-7]+)<', html)
    assert match, "no secret on the page"
    return match.group(1)


def shown_codes(html: str) -> list[str]:
    return re.findall(
        r"<li><code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code></li>", html
    )


def enrol(client: FlaskClient, clock: Clock, password: str = PASSWORD) -> tuple[str, list[str]]:
    """Set up the second factor of the logged-in account; its secret and recovery codes."""
    page = client.get("/account/second-factor").get_data(as_text=True)
    secret = shown_secret(page)
    response = client.post(
        "/account/second-factor",
        data={
            "csrf_token": field_value(page, "csrf_token"),
            "token": field_value(page, "token"),
            "code": clock.code(secret),
            "password": password,
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    codes = shown_codes(html)
    assert len(codes) == 10, html
    return secret, codes


def send_code(client: FlaskClient, code: str) -> Any:
    return client.post(
        "/login/code", data={"code": code, "csrf_token": csrf_token(client, "/login")}
    )


def enrolled(
    client: FlaskClient, auth: AuthActions, clock: Clock, **kw: Any
) -> tuple[str, list[str]]:
    """A coordinator who enrolled and logged out again."""
    auth.create_and_login(**kw)
    secret, codes = enrol(client, clock)
    auth.logout()
    return secret, codes


def log_out(client: FlaskClient) -> Any:
    # The token from the account page: under the group's requirement, most pages redirect.
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


def logged_in(client: FlaskClient) -> bool:
    return client.get("/manage/prisoners").status_code == 200


def require_second_factor() -> None:
    settings = db.session.get(GroupSettings, 1) or GroupSettings(id=1)
    settings.require_second_factor = True
    db.session.add(settings)
    db.session.commit()


# --- TOTP ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_a_code_one_step_early_or_late_is_accepted_two_steps_are_not(
    clock: Clock, offset: int, accepted: bool
) -> None:
    secret = second_factor.new_secret()
    step = second_factor.matching_step(secret, clock.code(secret, offset))
    assert (step is not None) is accepted
    if accepted:
        assert step == int(START) // STEP + offset


def test_codes_are_rfc_6238_sha1_six_digits_thirty_seconds() -> None:
    # The RFC's own test vector (appendix B, SHA-1 key "12345678901234567890", T = 59 s).
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert second_factor.matching_step(secret, "287082", at=59) == 1
    assert len(second_factor.new_secret()) == 32


def test_malformed_codes_never_match(clock: Clock) -> None:
    secret = second_factor.new_secret()
    code = clock.code(secret)
    for typed in ["", code[:5], code + "0", "١٢٣٤٥٦", "abcdef"]:
        assert second_factor.matching_step(secret, typed) is None


def test_the_same_code_is_accepted_only_once(app: Flask, auth: AuthActions, clock: Clock) -> None:
    auth.create()
    account = user()
    account.second_factor_secret = second_factor.new_secret()
    db.session.flush()
    code = clock.code(account.second_factor_secret)
    assert second_factor.accept_totp(account, code)
    assert not second_factor.accept_totp(account, code)
    # An earlier step's code, still inside the window, is refused once a later one was used.
    clock.now += STEP
    assert second_factor.accept_totp(account, clock.code(account.second_factor_secret))
    assert not second_factor.accept_totp(account, clock.code(account.second_factor_secret, -1))
    assert account.second_factor_last_step == int(clock.now) // STEP


# --- enrolling -------------------------------------------------------------------------------


def test_enrolling_then_logging_in_needs_a_code(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    auth.create_and_login()
    assert "Set up a second factor" in client.get("/account").get_data(as_text=True)
    secret, _codes = enrol(client, clock)
    assert user().second_factor_secret == secret
    assert "On." in client.get("/account").get_data(as_text=True)
    auth.logout()

    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login/code")
    # The password alone opened no session.
    assert not logged_in(client)
    assert client.get("/login/code").status_code == 200

    clock.now += STEP  # the enrolment used this step's code
    response = send_code(client, clock.code(secret))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/manage/prisoners")
    assert logged_in(client)


def test_the_code_step_keeps_a_local_next(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    secret, _codes = enrolled(client, auth, clock)
    token = csrf_token(client, "/login")
    client.post(
        "/login?next=/manage/facilities",
        data={"email": "coord@example.org", "password": PASSWORD, "csrf_token": token},
    )
    clock.now += STEP
    response = send_code(client, clock.code(secret))
    assert response.headers["Location"].endswith("/manage/facilities")


def test_a_code_used_for_one_login_does_not_open_a_second(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    secret, _codes = enrolled(client, auth, clock)
    # The code typed to confirm enrolment is spent too.
    auth.login()
    assert send_code(client, clock.code(secret)).status_code == 200
    assert not logged_in(client)

    clock.now += STEP
    code = clock.code(secret)
    assert send_code(client, code).status_code == 302
    auth.logout()
    auth.login()
    response = send_code(client, code)
    assert response.status_code == 200
    assert "used already" in response.get_data(as_text=True)
    assert not logged_in(client)


def test_enrolling_with_a_wrong_code_or_password_stores_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    auth.create_and_login()
    page = client.get("/account/second-factor").get_data(as_text=True)
    secret, token = shown_secret(page), field_value(page, "token")
    data = {"csrf_token": field_value(page, "csrf_token"), "token": token}

    wrong_code = client.post(
        "/account/second-factor",
        data={**data, "code": clock.code(secret, 2), "password": PASSWORD},
    )
    html = wrong_code.get_data(as_text=True)
    assert "That code is not right" in html
    # The same secret again: no scanning twice because of a typo.
    assert shown_secret(html) == secret

    wrong_password = client.post(
        "/account/second-factor",
        data={**data, "code": clock.code(secret), "password": "not the password at all"},
    )
    assert "Your current password is not correct." in wrong_password.get_data(as_text=True)
    account = user()
    assert account.second_factor_secret is None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    # The wrong password counts like a login failure.
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 1


def test_enrolment_refuses_a_secret_it_did_not_make_for_this_account(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    auth.create("other@example.org")
    other = user("other@example.org")
    chosen = "A" * 32
    auth.create_and_login()
    csrf = csrf_token(client, "/account")
    tokens = {
        "forged": "not-a-token",
        "someone else's": second_factor.enrolment_token(other, chosen),
    }
    for kind, token in tokens.items():
        response = client.post(
            "/account/second-factor",
            data={
                "csrf_token": csrf,
                "token": token,
                "code": clock.code(chosen),
                "password": PASSWORD,
            },
        )
        assert "This set-up page has expired" in response.get_data(as_text=True), kind
    page = client.get("/account/second-factor").get_data(as_text=True)
    monkeypatch.setattr(second_factor, "ENROLMENT_SECONDS", -1)
    secret = shown_secret(page)
    response = client.post(
        "/account/second-factor",
        data={
            "csrf_token": csrf,
            "token": field_value(page, "token"),
            "code": clock.code(secret),
            "password": PASSWORD,
        },
    )
    assert "This set-up page has expired" in response.get_data(as_text=True)
    assert user().second_factor_secret is None


def test_the_qr_code_is_an_inline_svg_that_loads_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    response = client.get("/account/second-factor")
    html = response.get_data(as_text=True)
    svg = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert svg, "no inline SVG"
    assert "<img" not in html
    # No URL of any kind, and nothing the Content-Security-Policy would block (style=).
    assert not re.search(r"https?:|href|src=|style=|data:", svg.group(0))
    assert "img-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_qr_code_never_names_the_group(app: Flask, clock: Clock) -> None:
    # A seized phone's authenticator app must not say which group its owner works with.
    db.session.add(GroupSettings(id=1, group_name="ABC Moscow"))
    db.session.flush()
    uri = second_factor.provisioning_uri("A" * 32, "anna@example.org", second_factor.issuer())
    assert uri.startswith("otpauth://totp/letters:anna%40example.org?")
    assert "Moscow" not in uri


def test_the_enrolment_page_writes_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    client.get("/account/second-factor")
    assert user().second_factor_secret is None


# --- recovery codes --------------------------------------------------------------------------


def test_a_recovery_code_logs_in_once_and_is_stored_hashed(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock, events: list[tuple[Any, ...]]
) -> None:
    _secret, codes = enrolled(client, auth, clock)
    assert len(set(codes)) == 10
    for code in codes:
        assert re.fullmatch(r"[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}", code)
    stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10
    # No code in clear anywhere in the database, with or without its dashes.
    dump = repr([list(db.session.execute(select(t))) for t in db.metadata.sorted_tables])
    for code in codes:
        assert code not in dump
        assert code.replace("-", "") not in dump

    auth.login()
    # Typed as people type: upper case, spaces instead of dashes.
    response = send_code(client, codes[0].upper().replace("-", " "))
    assert response.status_code == 302
    landing = client.get(response.headers["Location"])
    assert landing.status_code == 200
    assert "9 recovery codes are left" in landing.get_data(as_text=True)
    assert "9 recovery codes left." in client.get("/account").get_data(as_text=True)
    assert events == [("account", user().id, "recovery code used", "coord@example.org")]
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 9

    auth.logout()
    auth.login()
    assert send_code(client, codes[0]).status_code == 200
    assert not logged_in(client)


def test_typed_codes_are_normalised() -> None:
    assert second_factor.normalise_code(" ABCD-efgh jkmn\tPQRS ") == "abcdefghjkmnpqrs"
    # Letters that look like digits are read as those digits.
    assert second_factor.normalise_code("OIL0-1") == "01101"
    assert second_factor.normalise_code("123 456") == "123456"


def test_new_recovery_codes_replace_the_old_ones(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock, events: list[tuple[Any, ...]]
) -> None:
    auth.create_and_login()
    _secret, old = enrol(client, clock)
    old_hashes = set(db.session.scalars(select(RecoveryCode.code_hash)))
    token = csrf_token(client, "/account/recovery-codes")

    refused = client.post(
        "/account/recovery-codes", data={"csrf_token": token, "password": "wrong one"}
    )
    assert "Your current password is not correct." in refused.get_data(as_text=True)
    assert set(db.session.scalars(select(RecoveryCode.code_hash))) == old_hashes
    assert events == []

    response = client.post(
        "/account/recovery-codes", data={"csrf_token": token, "password": PASSWORD}
    )
    new = shown_codes(response.get_data(as_text=True))
    assert len(new) == 10
    assert not set(new) & set(old)
    assert not set(db.session.scalars(select(RecoveryCode.code_hash))) & old_hashes
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 10
    assert events == [("account", user().id, "recovery codes regenerated", None)]

    auth.logout()
    auth.login()
    assert send_code(client, old[1]).status_code == 200
    assert send_code(client, new[1]).status_code == 302


# --- throttling ------------------------------------------------------------------------------


def test_wrong_codes_are_throttled_together_with_wrong_passwords(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    secret, _codes = enrolled(client, auth, clock)
    clock.now += STEP
    for _ in range(2):
        assert auth.login(password="wrong password here").status_code == 200
    assert auth.login().status_code == 302  # the right password: no failure
    for _ in range(3):
        response = send_code(client, "000000")
        assert response.status_code == 200
        assert "That code is not right" in response.get_data(as_text=True)
    # Five failures in the minute, two passwords and three codes: the right code is refused.
    response = send_code(client, clock.code(secret))
    assert response.status_code == 429
    assert "Too many wrong codes" in response.get_data(as_text=True)
    assert not logged_in(client)
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 5


def test_fifty_wrong_codes_from_anywhere_lock_the_account(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "ACCOUNT_MAX_FAILURES", 3)
    secret, _codes = enrolled(client, auth, clock)
    clock.now += STEP
    auth.login()
    for number in range(3):
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{number}"
        send_code(client, "000000")
    client.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    assert send_code(client, clock.code(secret)).status_code == 429


def test_a_right_code_is_not_counted_as_a_failure(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    secret, _codes = enrolled(client, auth, clock)
    clock.now += STEP
    auth.login()
    assert send_code(client, clock.code(secret)).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_the_code_step_is_limited_per_client_address(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    enrolled(client, auth, clock)
    auth.login()
    statuses = [send_code(client, "000000").status_code for _ in range(3)]
    assert statuses[-1] == 429


# --- the pending login -----------------------------------------------------------------------


def test_the_pending_login_expires_after_five_minutes(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    secret, _codes = enrolled(client, auth, clock)
    auth.login()
    clock.now += 5 * 60 + 1
    response = send_code(client, clock.code(secret))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert not logged_in(client)
    assert "Your login has expired" in client.get("/login").get_data(as_text=True)


def test_the_pending_login_dies_with_a_password_change(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    secret, _codes = enrolled(client, auth, clock)
    auth.login()
    user().password_hash = hash_password("a brand new passphrase for spring")
    db.session.commit()
    clock.now += STEP
    response = send_code(client, clock.code(secret))
    assert response.headers["Location"].endswith("/login")
    assert not logged_in(client)


def test_the_pending_login_dies_with_deactivation(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    secret, _codes = enrolled(client, auth, clock)
    auth.login()
    user().is_active = False
    db.session.commit()
    clock.now += STEP
    assert send_code(client, clock.code(secret)).headers["Location"].endswith("/login")
    assert not logged_in(client)


def test_the_code_page_without_a_password_first_sends_to_login(client: FlaskClient) -> None:
    for response in (client.get("/login/code"), send_code(client, "123456")):
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/login")


def test_the_pending_login_opens_no_session_and_holds_no_token(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    enrolled(client, auth, clock)
    auth.login()
    with client.session_transaction() as session:
        assert "_user_id" not in session
        pending = session["pending_login"]
        assert set(pending) == {"user", "at", "password", "next"}
        assert pending["password"] not in user().password_hash


# --- turning it off --------------------------------------------------------------------------


def test_turning_off_needs_the_password_and_a_code(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    auth.create_and_login()
    secret, _codes = enrol(client, clock)
    clock.now += STEP
    token = csrf_token(client, "/account/second-factor/off")
    url = "/account/second-factor/off"
    wrong_password = client.post(
        url, data={"csrf_token": token, "password": "wrong password", "code": clock.code(secret)}
    )
    assert "Your current password is not correct." in wrong_password.get_data(as_text=True)
    wrong_code = client.post(
        url, data={"csrf_token": token, "password": PASSWORD, "code": "000000"}
    )
    assert "That code is not right" in wrong_code.get_data(as_text=True)
    assert user().second_factor_secret == secret

    response = client.post(
        url, data={"csrf_token": token, "password": PASSWORD, "code": clock.code(secret)}
    )
    assert response.status_code == 302
    account = user()
    assert account.second_factor_secret is None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    auth.logout()
    assert auth.login().headers["Location"].endswith("/manage/prisoners")


def test_turning_off_is_refused_when_the_group_requires_it(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    auth.create_and_login()
    secret, _codes = enrol(client, clock)
    require_second_factor()
    clock.now += STEP
    page = client.get("/account/second-factor/off").get_data(as_text=True)
    assert "cannot be turned off" in page
    client.post(
        "/account/second-factor/off",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "password": PASSWORD,
            "code": clock.code(secret),
        },
    )
    assert user().second_factor_secret == secret
    with pytest.raises(second_factor.SecondFactorRequired):
        second_factor.turn_off_second_factor(user(), PASSWORD, clock.code(secret))


# --- the group's requirement -----------------------------------------------------------------


def test_the_requirement_sends_an_account_without_one_to_enrol_and_lets_it_through_after(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    require_second_factor()
    auth.create_and_login()
    for path in ("/manage/prisoners", "/manage/dashboard", "/account/password", "/prisoners"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/account/second-factor"), path
    # After the password, the next page is the enrolment page.
    landing = client.get("/manage/prisoners", follow_redirects=True).get_data(as_text=True)
    assert "The group requires a second factor for every account" in landing
    assert "Set up a second factor" in landing
    assert client.get("/account").status_code == 200
    with client.get("/static/style.css") as stylesheet:
        assert stylesheet.status_code == 200

    enrol(client, clock)
    assert logged_in(client)


def test_the_requirement_lets_an_account_without_one_log_out(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    require_second_factor()
    auth.create_and_login()
    response = log_out(client)
    assert response.status_code == 302
    assert not logged_in(client)


def test_the_requirement_does_not_touch_visitors(client: FlaskClient) -> None:
    require_second_factor()
    assert client.get("/prisoners").status_code == 200


def test_the_settings_refuse_to_require_it_of_someone_without_one(
    app: Flask, client: FlaskClient, auth: AuthActions, clock: Clock
) -> None:
    auth.create_and_login(role=Role.ADMIN)
    data = {
        "group_name": "ABC",
        "return_address": "",
        "home_country": "",
        "require_second_factor": "y",
    }
    token = csrf_token(client, "/manage/settings")
    response = client.post("/manage/settings", data={**data, "csrf_token": token})
    assert response.status_code == 200
    assert "Set up your own second factor first" in response.get_data(as_text=True)
    assert db.session.get(GroupSettings, 1) is None

    enrol(client, clock)
    response = client.post("/manage/settings", data={**data, "csrf_token": token})
    assert response.status_code == 302
    assert second_factor.group_requires_second_factor()
    # And off again.
    client.post("/manage/settings", data={**data, "require_second_factor": "", "csrf_token": token})
    assert not second_factor.group_requires_second_factor()


# --- two requests with one code --------------------------------------------------------------


@pytest.mark.commits
def test_one_code_sent_by_several_requests_at_once_is_accepted_once(
    app: Flask, clock: Clock
) -> None:
    from letters.auth.services import create_user

    with app.app_context():
        account = create_user("coord@example.org", PASSWORD)
        account.second_factor_secret = secret = second_factor.new_secret()
        db.session.commit()
        user_id = account.id
    code = clock.code(secret)
    racers = 8
    barrier = threading.Barrier(racers)

    def race() -> bool:
        with app.app_context():
            racer = db.session.get(User, user_id)
            assert racer is not None
            # No transaction open while waiting: on SQLite it would hold the write lock.
            db.session.rollback()
            barrier.wait(timeout=10)
            accepted = second_factor.accept_totp(racer, code)
            db.session.commit()
            return accepted

    with ThreadPoolExecutor(racers) as pool:
        results = list(pool.map(lambda _: race(), range(racers)))
    assert results.count(True) == 1
