"""The accounts page: inviting by a one-time link, roles, deactivating, resetting a second factor,
and the rule that the group always keeps an active admin."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from conftest import PASSWORD, AuthActions, app_context, count_statements, csrf_token, user_count
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from letters.accounts import services
from letters.auth import first_run
from letters.auth.services import verify_password
from letters.extensions import db
from letters.models import Invitation, RecoveryCode, Role, User, UserSession, utcnow

ADMIN = "admin@example.org"
COORDINATOR = "coord@example.org"
ACCOUNTS = "/manage/accounts"
NEW_PASSWORD = "a long and new password for me"


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


def _text(response: Any) -> str:
    return unescape(response.get_data(as_text=True))


def _post(client: FlaskClient, url: str, **data: str) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client, ACCOUNTS), **data})


def _invite(client: FlaskClient, email: str = "new@example.org", role: str = "coordinator") -> str:
    """Invite through the page; the path of the link it shows."""
    response = _post(client, f"{ACCOUNTS}/invite", email=email, role=role)
    assert response.status_code == 200, _text(response)
    match = re.search(r'value="http://localhost(/invite/[^"]+)"', response.get_data(as_text=True))
    assert match, _text(response)
    return match.group(1)


def _accept(client: FlaskClient, path: str, password: str = NEW_PASSWORD) -> Any:
    return client.post(
        path,
        data={"csrf_token": csrf_token(client, path), "password": password, "confirm": password},
    )


def _accept_with(client: FlaskClient, token: str, path: str) -> Any:
    """Send the password form to ``path`` with a CSRF token taken from another page."""
    return client.post(
        path, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )


def _give_second_factor(user: User) -> None:
    user.second_factor_secret = "JBSWY3DPEHPK3PXP"
    user.second_factor_last_step = 12345
    for n in range(10):
        db.session.add(
            RecoveryCode(user_id=user.id, code_hash=hashlib.sha256(b"%d" % n).hexdigest())
        )
    db.session.commit()


def _everything_stored() -> str:
    """Every value of every row of every table, as one text to search."""
    return "\n".join(
        repr(tuple(row))
        for table in db.metadata.sorted_tables
        for row in db.session.execute(select(table))
    )


def _session_contents(app: Flask, client: FlaskClient) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return repr(serializer.loads(cookie.value))


@pytest.fixture
def admin(auth: AuthActions) -> str:
    return auth.create_and_login(ADMIN, Role.ADMIN)


@pytest.fixture
def visitor(app: Flask) -> FlaskClient:
    """A second browser, not logged in."""
    return app.test_client()


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_the_page_lists_role_state_last_login_and_second_factor(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create(COORDINATOR)
    auth.create("gone@example.org")
    _user("gone@example.org").is_active = False
    _give_second_factor(_user(COORDINATOR))

    html = _text(client.get(ACCOUNTS))

    rows = {
        email: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
        for email, row in re.findall(
            r'<tr id="account-\d+">\s*<td>([^<(]+?)[ <(](.*?)</tr>', html, re.S
        )
    }
    assert set(rows) == {ADMIN, COORDINATOR, "gone@example.org"}
    assert "Active" in rows[ADMIN]
    assert "Off" in rows[ADMIN]
    assert "Never" not in rows[ADMIN]
    assert "On" in rows[COORDINATOR]
    assert "Never" in rows[COORDINATOR]
    assert "Deactivated" in rows["gone@example.org"]
    assert "Reactivate" in rows["gone@example.org"]
    assert 'selected value="admin"' in html or 'value="admin" selected' in html


def test_a_coordinator_is_refused_the_page_and_every_action(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create(ADMIN, Role.ADMIN)
    auth.create_and_login(COORDINATOR)
    admin_id = _user(ADMIN).id
    token = csrf_token(client, "/account/password")

    assert client.get(ACCOUNTS).status_code == 403
    for action, data in [
        ("deactivate", {}),
        ("role", {"role": "coordinator"}),
        ("reset-second-factor", {}),
    ]:
        response = client.post(
            f"{ACCOUNTS}/{admin_id}/{action}", data={"csrf_token": token, **data}
        )
        assert response.status_code == 403, action
    response = client.post(
        f"{ACCOUNTS}/{_user(COORDINATOR).id}/role", data={"csrf_token": token, "role": "admin"}
    )
    assert response.status_code == 403
    response = client.post(
        f"{ACCOUNTS}/invite", data={"csrf_token": token, "email": "x@example.org", "role": "admin"}
    )
    assert response.status_code == 403
    assert _user(ADMIN).is_active
    assert _user(ADMIN).is_admin
    assert not _user(COORDINATOR).is_admin
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


@pytest.mark.usefixtures("admin")
@pytest.mark.parametrize("action", ["deactivate", "reactivate", "role", "reset-second-factor"])
def test_every_action_is_post_only_with_a_csrf_token_and_404_for_an_unknown_account(
    client: FlaskClient, auth: AuthActions, action: str
) -> None:
    auth.create(COORDINATOR)
    user_id = _user(COORDINATOR).id
    assert client.get(f"{ACCOUNTS}/{user_id}/{action}").status_code == 405
    assert client.post(f"{ACCOUNTS}/{user_id}/{action}", data={"role": "admin"}).status_code == 400
    assert _post(client, f"{ACCOUNTS}/{user_id + 1000}/{action}", role="admin").status_code == 404
    user = _user(COORDINATOR)
    assert user.is_active
    assert user.role == Role.COORDINATOR


# --- inviting ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_an_invitation_link_is_shown_once_and_stored_only_hashed(
    app: Flask, client: FlaskClient
) -> None:
    response = _post(client, f"{ACCOUNTS}/invite", email=" New@Example.org ", role="admin")
    html = _text(response)
    link = re.search(r'value="(http://localhost/invite/[^"]+)"', html)
    assert link
    signed = link.group(1).rsplit("/", 1)[1]
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=services.INVITATION_SALT).loads(
        signed
    )
    assert "shown only this once" in html
    assert response.headers["Cache-Control"] == "no-store"  # no cache keeps the page

    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None
    assert invitation.email == "new@example.org"
    assert invitation.role == Role.ADMIN
    assert invitation.created_by_id == _user(ADMIN).id
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = _everything_stored()
    assert token not in stored
    assert signed not in stored
    # Not flashed, not anywhere in the cookie, not on any later page.
    assert token not in _session_contents(app, client)
    assert signed not in _session_contents(app, client)
    listing = _text(client.get(ACCOUNTS))
    assert "new@example.org" in listing
    assert signed not in listing
    assert token not in listing


@pytest.mark.usefixtures("admin")
def test_an_invitation_expires_72_hours_after_it_is_made(client: FlaskClient) -> None:
    before = utcnow()
    _invite(client)
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None
    expires = invitation.expires_at.replace(tzinfo=None)
    assert before.replace(tzinfo=None) + timedelta(hours=72) <= expires
    assert expires <= utcnow().replace(tzinfo=None) + timedelta(hours=72)


@pytest.mark.usefixtures("admin")
def test_an_address_that_has_an_account_cannot_be_invited(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create(COORDINATOR)
    _user(COORDINATOR).is_active = False  # deactivated counts: reactivate it instead
    db.session.commit()
    response = _post(client, f"{ACCOUNTS}/invite", email="COORD@example.org", role="coordinator")
    assert response.status_code == 400
    assert "An account with this e-mail address already exists." in _text(response)
    assert "/invite/" not in _text(response)
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


@pytest.mark.usefixtures("admin")
@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        ("not an address", "coordinator", "Enter a valid e-mail address."),
        ("", "coordinator", "This field is required."),
        ("x@example.org", "superuser", "Not a valid choice"),
    ],
)
def test_a_bad_invitation_names_the_field(
    client: FlaskClient, email: str, role: str, message: str
) -> None:
    response = _post(client, f"{ACCOUNTS}/invite", email=email, role=role)
    assert response.status_code == 400
    assert message in _text(response)
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


@pytest.mark.usefixtures("admin")
def test_a_new_invitation_for_the_same_address_replaces_the_pending_one(
    client: FlaskClient, visitor: FlaskClient
) -> None:
    first = _invite(client, "new@example.org")
    second = _invite(client, "NEW@example.org", "admin")
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
    assert visitor.get(first).status_code == 404
    assert visitor.get(second).status_code == 200


@pytest.mark.usefixtures("admin")
def test_a_revoked_invitation_opens_nothing(client: FlaskClient, visitor: FlaskClient) -> None:
    path = _invite(client)
    invitation_id = db.session.scalars(select(Invitation.id)).one()
    assert "new@example.org" in _text(client.get(ACCOUNTS))
    revoke = f"{ACCOUNTS}/invitations/{invitation_id}/revoke"
    assert client.get(revoke).status_code == 405

    response = _post(client, revoke)
    assert response.status_code == 302
    listing = _text(client.get(ACCOUNTS))
    assert "The invitation for new@example.org was revoked" in listing
    assert "No pending invitations." in listing
    assert visitor.get(path).status_code == 404
    assert _post(client, revoke).status_code == 404


# --- accepting --------------------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_an_invited_person_sets_a_password_and_is_logged_in_with_the_invited_role(
    app: Flask, client: FlaskClient, visitor: FlaskClient
) -> None:
    path = _invite(client, "new@example.org", "admin")

    page = visitor.get(path)
    assert page.status_code == 200
    assert "new@example.org" in _text(page)
    assert "Admin" in _text(page)
    signed = path.rsplit("/", 1)[1]
    assert signed not in _session_contents(app, visitor)  # the CSRF token's session only

    response = _accept(visitor, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/prisoners"
    user = _user("new@example.org")
    assert user.role == Role.ADMIN
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert user.last_login_on is not None
    assert visitor.get(ACCOUNTS).status_code == 200  # logged in, as an admin
    assert signed not in _session_contents(app, visitor)
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None
    assert invitation.used_at is not None


@pytest.mark.usefixtures("admin")
def test_an_invitation_link_works_once(
    app: Flask, client: FlaskClient, visitor: FlaskClient
) -> None:
    path = _invite(client)
    token = csrf_token(visitor, path)
    assert _accept(visitor, path).status_code == 302

    again = app.test_client()
    response = again.get(path)
    assert response.status_code == 404
    assert "Ask the admin who sent it for a new one." in _text(response)
    # A form opened before the link was used cannot be sent afterwards either.
    response = again.post(
        path, data={"csrf_token": token, "password": "x" * 20, "confirm": "x" * 20}
    )
    assert response.status_code in (400, 404)
    assert user_count() == 2
    assert _user("new@example.org").email == "new@example.org"


@pytest.mark.usefixtures("admin")
def test_two_uses_at_once_create_one_account(
    client: FlaskClient, visitor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both uses find the invitation pending; only the first to claim it creates an account.
    The second use happens while the first is hashing its password (no transaction open)."""
    path = _invite(client)
    signed = path.rsplit("/", 1)[1]
    real_hash = services.hash_password
    interloper: list[User] = []

    def hash_while_someone_else_accepts(password: str) -> str:
        if not interloper:
            monkeypatch.setattr(services, "hash_password", real_hash)
            interloper.append(services.accept_invitation(signed, "the other person's password"))
            db.session.commit()
        return real_hash(password)

    monkeypatch.setattr(services, "hash_password", hash_while_someone_else_accepts)
    with pytest.raises(services.InvitationError):
        services.accept_invitation(signed, NEW_PASSWORD)
    db.session.rollback()
    assert user_count() == 2
    assert verify_password(_user("new@example.org").password_hash, "the other person's password")


@pytest.mark.usefixtures("admin")
def test_an_expired_invitation_is_refused(
    client: FlaskClient, visitor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _invite(client)
    token = csrf_token(visitor, path)
    later = utcnow() + timedelta(hours=72, minutes=1)
    monkeypatch.setattr(services, "_now", lambda: later)

    response = visitor.get(path)
    assert response.status_code == 404
    assert "does not work" in _text(response)
    response = visitor.post(
        path, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 404
    assert user_count() == 1
    # And it is no longer listed as pending.
    assert "new@example.org" not in _text(client.get(ACCOUNTS))


@pytest.mark.usefixtures("admin")
def test_a_link_whose_signature_is_older_than_72_hours_is_refused(
    visitor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Signed 73 hours ago, although the row (made now) has not expired: both must hold.
    long_ago = int(time.time()) - 73 * 3600
    with monkeypatch.context() as clock:
        clock.setattr(TimestampSigner, "get_timestamp", lambda _self: long_ago)
        _invitation, signed = services.invite("new@example.org", Role.COORDINATOR)
    db.session.commit()
    assert len(services.pending_invitations()) == 1
    path = f"/invite/{signed}"
    assert visitor.get(path).status_code == 404
    assert _accept_with(visitor, csrf_token(visitor, "/login"), path).status_code == 404
    assert user_count() == 1


@pytest.mark.usefixtures("admin")
def test_a_tampered_or_foreign_link_is_refused(
    app: Flask, client: FlaskClient, visitor: FlaskClient
) -> None:
    path = _invite(client)
    signed = path.rsplit("/", 1)[1]
    payload, rest = signed.split(".", 1)
    other_payload = URLSafeTimedSerializer("x").dumps("another token").split(".", 1)[0]
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=services.INVITATION_SALT)
    for forged in [
        # Signature changed: not in its last character, whose low bits are base64 padding
        # (A and B there can decode to the same bytes).
        signed[:-5] + ("A" if signed[-5] != "A" else "B") + signed[-4:],
        f"{other_payload}.{rest}",  # another token under this signature
        serializer.dumps("a token that was never issued"),  # well signed, unknown token
        serializer.dumps(["not", "a", "string"]),
        first_run.make_setup_token(app),  # signed with the same key, another salt
        URLSafeTimedSerializer("another key", salt=services.INVITATION_SALT).dumps(payload),
    ]:
        assert visitor.get(f"/invite/{forged}").status_code == 404, forged
        assert (
            _accept_with(visitor, csrf_token(visitor, "/login"), f"/invite/{forged}").status_code
            == 404
        )
    assert visitor.get(path).status_code == 200  # the real one still works


@pytest.mark.usefixtures("admin")
def test_a_weak_password_is_refused_on_its_field_and_the_link_still_works(
    client: FlaskClient, visitor: FlaskClient
) -> None:
    path = _invite(client)
    response = _accept(visitor, path, "short")
    assert response.status_code == 200
    assert "Use at least 12 characters." in _text(response)
    response = _accept(visitor, path, "new@example.org")
    assert "at least 12" in _text(response) or "e-mail address" in _text(response)
    assert user_count() == 1
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None
    assert invitation.used_at is None
    assert _accept(visitor, path).status_code == 302


@pytest.mark.usefixtures("admin")
def test_setting_a_password_by_invitation_is_rate_limited_like_logging_in(
    app: Flask, client: FlaskClient, visitor: FlaskClient
) -> None:
    # Each try with a working link costs an Argon2 hash.
    path = _invite(client)
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    codes = [_accept(visitor, path, "short").status_code for _n in range(4)]
    assert codes == [200, 200, 200, 429]
    assert visitor.get(path).status_code == 200  # reading the form is never limited


@pytest.mark.usefixtures("admin")
def test_an_address_that_got_an_account_meanwhile_is_refused_and_nothing_is_used(
    client: FlaskClient, visitor: FlaskClient, auth: AuthActions
) -> None:
    path = _invite(client)
    auth.create("new@example.org")  # e.g. with `flask users create` in between
    response = _accept(visitor, path)
    assert response.status_code == 200
    assert "already exists" in _text(response)
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None
    assert invitation.used_at is None
    assert user_count() == 2


@pytest.mark.usefixtures("admin")
def test_the_new_account_is_named_as_the_one_who_created_itself(
    client: FlaskClient, visitor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    actors: list[User | None] = []
    events: list[tuple[Any, ...]] = []
    real_acting_as = services.acting_as

    @contextmanager
    def acting_as(user: User | None) -> Iterator[None]:
        actors.append(user)
        with real_acting_as(user):
            yield

    monkeypatch.setattr(services, "acting_as", acting_as)
    monkeypatch.setattr(services, "record_event", lambda *args, **_kw: events.append(args))
    path = _invite(client)
    assert _accept(visitor, path).status_code == 302
    user = _user("new@example.org")
    assert [actor.id for actor in actors if actor is not None] == [user.id]
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None
    assert events == [("invitation", invitation.id, "used")]


# --- roles ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_an_admin_makes_a_coordinator_an_admin_and_back(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create(COORDINATOR)
    other = app.test_client()
    AuthActions(app, other).login(COORDINATOR)
    assert other.get(ACCOUNTS).status_code == 403
    user_id = _user(COORDINATOR).id

    response = _post(client, f"{ACCOUNTS}/{user_id}/role", role="admin")
    assert response.status_code == 302
    assert "coord@example.org is now: Admin." in _text(client.get(ACCOUNTS))
    assert _user(COORDINATOR).role == Role.ADMIN
    assert other.get(ACCOUNTS).status_code == 200  # at once, in their open session

    _post(client, f"{ACCOUNTS}/{user_id}/role", role="coordinator")
    assert _user(COORDINATOR).role == Role.COORDINATOR
    assert other.get(ACCOUNTS).status_code == 403


@pytest.mark.usefixtures("admin")
def test_the_last_admin_cannot_be_demoted_even_by_themselves(client: FlaskClient) -> None:
    admin_id = _user(ADMIN).id
    response = _post(client, f"{ACCOUNTS}/{admin_id}/role", role="coordinator")
    assert response.status_code == 302
    assert "is the only active admin" in _text(client.get(ACCOUNTS))
    assert _user(ADMIN).role == Role.ADMIN


@pytest.mark.usefixtures("admin")
def test_an_admin_may_step_down_when_another_admin_is_active(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create("second@example.org", Role.ADMIN)
    response = _post(client, f"{ACCOUNTS}/{_user(ADMIN).id}/role", role="coordinator")
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/dashboard"
    assert _user(ADMIN).role == Role.COORDINATOR
    assert client.get(ACCOUNTS).status_code == 403


@pytest.mark.usefixtures("admin")
def test_a_deactivated_admin_does_not_count_as_the_other_admin(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create("second@example.org", Role.ADMIN)
    _user("second@example.org").is_active = False
    db.session.commit()
    _post(client, f"{ACCOUNTS}/{_user(ADMIN).id}/role", role="coordinator")
    assert _user(ADMIN).role == Role.ADMIN
    _post(client, f"{ACCOUNTS}/{_user(ADMIN).id}/deactivate")
    assert _user(ADMIN).is_active


def test_the_last_admin_check_locks_the_active_admins(app: Flask, auth: AuthActions) -> None:
    auth.create(ADMIN, Role.ADMIN)
    auth.create("second@example.org", Role.ADMIN)
    with count_statements() as statements:
        services.change_role(_user(ADMIN), Role.COORDINATOR)
    locking = [s for s in statements if "FOR UPDATE" in s.upper()]
    if db.engine.dialect.name == "postgresql":
        assert len(locking) == 1, statements
    db.session.rollback()


@pytest.mark.commits
def test_two_admins_demoting_each_other_at_once_leave_one_admin(app: Flask) -> None:
    """The second transaction waits for the first (row locks on PostgreSQL, the write lock on
    SQLite), then sees its change and is refused."""
    with app.app_context():
        from letters.auth.services import create_user

        create_user("a@example.org", PASSWORD, Role.ADMIN)
        create_user("b@example.org", PASSWORD, Role.ADMIN)
        db.session.commit()

    outcome: list[str] = []

    def demote_b() -> None:
        with app.app_context():
            try:
                services.change_role(_user("b@example.org"), Role.COORDINATOR)
                db.session.commit()
                outcome.append("demoted")
            except services.LastAdminError:
                db.session.rollback()
                outcome.append("refused")

    with app.app_context():
        services.change_role(_user("a@example.org"), Role.COORDINATOR)  # not committed yet
        thread = threading.Thread(target=demote_b)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive(), "the second demotion did not wait for the first"
        db.session.commit()
    thread.join(20)
    assert outcome == ["refused"]
    with app.app_context():
        admins = db.session.scalars(select(User.email).where(User.role == Role.ADMIN)).all()
        assert admins == ["b@example.org"]


# --- deactivating -----------------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_deactivating_ends_an_open_session_at_its_next_request(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create(COORDINATOR)
    other = app.test_client()
    AuthActions(app, other).login(COORDINATOR)
    assert other.get("/manage/prisoners").status_code == 200

    response = _post(client, f"{ACCOUNTS}/{_user(COORDINATOR).id}/deactivate")
    assert response.status_code == 302
    assert "was deactivated and logged out everywhere" in _text(client.get(ACCOUNTS))

    refused = other.get("/manage/prisoners")
    assert refused.status_code == 302
    assert "/login" in refused.headers["Location"]
    assert AuthActions(app, other).login(COORDINATOR).status_code == 200  # no new login
    user = _user(COORDINATOR)
    assert not user.is_active
    assert (
        db.session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
        )
        == 0
    )


@pytest.mark.usefixtures("admin")
def test_a_reactivated_account_logs_in_again(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create(COORDINATOR)
    user_id = _user(COORDINATOR).id
    _post(client, f"{ACCOUNTS}/{user_id}/deactivate")
    other = AuthActions(app, app.test_client())
    assert other.login(COORDINATOR).status_code == 200

    response = _post(client, f"{ACCOUNTS}/{user_id}/reactivate")
    assert response.status_code == 302
    assert "was reactivated" in _text(client.get(ACCOUNTS))
    assert _user(COORDINATOR).is_active
    assert other.login(COORDINATOR).status_code == 302


@pytest.mark.usefixtures("admin")
def test_the_last_admin_cannot_deactivate_themselves(client: FlaskClient) -> None:
    _post(client, f"{ACCOUNTS}/{_user(ADMIN).id}/deactivate")
    assert "is the only active admin" in _text(client.get(ACCOUNTS))
    assert _user(ADMIN).is_active


@pytest.mark.usefixtures("admin")
def test_an_admin_may_deactivate_themselves_when_another_admin_is_active(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create("second@example.org", Role.ADMIN)
    response = _post(client, f"{ACCOUNTS}/{_user(ADMIN).id}/deactivate")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "you were logged out" in _text(client.get("/login"))
    assert not _user(ADMIN).is_active
    refused = client.get(ACCOUNTS)
    assert refused.status_code == 302
    assert "/login" in refused.headers["Location"]


# --- second factor ----------------------------------------------------------------------------


@pytest.mark.usefixtures("admin")
def test_resetting_a_second_factor_clears_the_secret_and_the_recovery_codes(
    client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[Any, ...]] = []
    monkeypatch.setattr(services, "record_event", lambda *args, **_kw: events.append(args))
    auth.create(COORDINATOR)
    user = _user(COORDINATOR)
    _give_second_factor(user)
    auth.create("keeps@example.org")
    _give_second_factor(_user("keeps@example.org"))
    assert "Reset second factor" in _text(client.get(ACCOUNTS))

    response = _post(client, f"{ACCOUNTS}/{user.id}/reset-second-factor")
    assert response.status_code == 302
    assert "was removed, with their recovery codes" in _text(client.get(ACCOUNTS))
    user = _user(COORDINATOR)
    assert user.second_factor_secret is None
    assert user.second_factor_last_step is None
    assert not user.has_second_factor
    codes = db.session.scalars(select(RecoveryCode.user_id)).all()
    assert codes == [_user("keeps@example.org").id] * 10  # someone else's stay
    assert events == [("account", user.id, "second factor reset")]

    _post(client, f"{ACCOUNTS}/{user.id}/reset-second-factor")
    assert "has no second factor to reset" in _text(client.get(ACCOUNTS))
    assert len(events) == 1


def test_the_accounts_page_is_in_the_admins_menu_only(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login(ADMIN, Role.ADMIN)
    assert 'href="/manage/accounts"' in client.get("/manage/prisoners").get_data(as_text=True)
    with app_context(app):
        assert user_count() == 1
