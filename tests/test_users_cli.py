"""``flask --app app users list|invite|deactivate|reactivate|role|reset-second-factor``: the same
services and rules as the accounts page, for whoever runs commands on the server."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from conftest import PASSWORD, AuthActions, csrf_token, user_count
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from letters.extensions import db
from letters.models import Invitation, RecoveryCode, Role, User, UserSession

ADMIN = "admin@example.org"
COORDINATOR = "coord@example.org"


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


def _sessions(email: str) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(UserSession)
            .where(UserSession.user_id == _user(email).id)
        )
        or 0
    )


def test_list_prints_role_state_second_factor_and_last_login_tab_separated(
    runner: FlaskCliRunner, auth: AuthActions
) -> None:
    auth.create_and_login(ADMIN, Role.ADMIN)
    auth.create(COORDINATOR)
    auth.create("gone@example.org")
    coordinator = _user(COORDINATOR)
    coordinator.second_factor_secret = "JBSWY3DPEHPK3PXP"
    _user("gone@example.org").is_active = False
    db.session.commit()

    result = runner.invoke(args=["users", "list"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{ADMIN}\tadmin\tactive\tsecond-factor-off\t{date.today().isoformat()}",
        f"{COORDINATOR}\tcoordinator\tactive\tsecond-factor-on\t-",
        "gone@example.org\tcoordinator\tdeactivated\tsecond-factor-off\t-",
    ]


def test_invite_prints_a_link_that_creates_the_account(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    result = runner.invoke(args=["users", "invite", "New@Example.org", "--role", "admin"])

    assert result.exit_code == 0, result.output
    assert "Invitation for new@example.org (admin)" in result.output
    assert "within 72 hours" in result.output
    link = re.search(r"http://127\.0\.0\.1:5000(/invite/\S+)", result.output)
    assert link
    assert f"use the path {link.group(1)} there" in result.output
    signed = link.group(1).rsplit("/", 1)[1]
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None
    assert invitation.created_by_id is None  # the command line
    assert signed not in invitation.token_hash

    path = link.group(1)
    response = client.post(
        path,
        data={"csrf_token": csrf_token(client, path), "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302
    assert _user("new@example.org").role == Role.ADMIN


def test_invite_uses_the_servers_own_address_when_it_knows_it(
    app: Flask, runner: FlaskCliRunner
) -> None:
    app.config.update(SERVER_NAME="letters.example.org", PREFERRED_URL_SCHEME="https")
    result = runner.invoke(args=["users", "invite", "new@example.org"])
    assert result.exit_code == 0, result.output
    assert re.search(r"https://letters\.example\.org/invite/\S+", result.output)
    assert "127.0.0.1" not in result.output


def test_invite_refuses_an_address_with_an_account_and_a_bad_role(
    runner: FlaskCliRunner, auth: AuthActions
) -> None:
    auth.create(COORDINATOR)
    result = runner.invoke(args=["users", "invite", "COORD@example.org"])
    assert result.exit_code == 1
    assert "An account with this e-mail address already exists." in result.output
    result = runner.invoke(args=["users", "invite", "x@example.org", "--role", "superuser"])
    assert result.exit_code == 2
    result = runner.invoke(args=["users", "invite", "not an address"])
    assert result.exit_code == 1
    assert "Enter a valid e-mail address." in result.output
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_deactivate_logs_the_account_out_everywhere_and_reactivate_lets_it_back(
    app: Flask, runner: FlaskCliRunner, auth: AuthActions, client: FlaskClient
) -> None:
    auth.create(ADMIN, Role.ADMIN)
    auth.create_and_login(COORDINATOR)
    assert client.get("/manage/prisoners").status_code == 200

    result = runner.invoke(args=["users", "deactivate", "Coord@example.org"])
    assert result.exit_code == 0, result.output
    assert "coord@example.org was deactivated and logged out everywhere." in result.output
    assert not _user(COORDINATOR).is_active
    assert _sessions(COORDINATOR) == 0
    assert client.get("/manage/prisoners").status_code == 302
    assert "already deactivated" in runner.invoke(args=["users", "deactivate", COORDINATOR]).output

    result = runner.invoke(args=["users", "reactivate", COORDINATOR])
    assert result.exit_code == 0, result.output
    assert "coord@example.org was reactivated" in result.output
    assert _user(COORDINATOR).is_active
    assert auth.login(COORDINATOR).status_code == 302
    assert "already active" in runner.invoke(args=["users", "reactivate", COORDINATOR]).output


def test_role_changes_the_role(runner: FlaskCliRunner, auth: AuthActions) -> None:
    auth.create(ADMIN, Role.ADMIN)
    auth.create(COORDINATOR)
    result = runner.invoke(args=["users", "role", COORDINATOR, "admin"])
    assert result.exit_code == 0, result.output
    assert "coord@example.org is now admin." in result.output
    assert _user(COORDINATOR).role == Role.ADMIN
    result = runner.invoke(args=["users", "role", ADMIN, "coordinator"])
    assert result.exit_code == 0, result.output
    assert _user(ADMIN).role == Role.COORDINATOR
    assert "already admin" in runner.invoke(args=["users", "role", COORDINATOR, "admin"]).output
    assert runner.invoke(args=["users", "role", COORDINATOR, "superuser"]).exit_code == 2


@pytest.mark.parametrize(
    "args",
    [["deactivate", ADMIN], ["role", ADMIN, "coordinator"]],
)
def test_the_last_admin_cannot_be_deactivated_or_demoted(
    runner: FlaskCliRunner, auth: AuthActions, args: list[str]
) -> None:
    auth.create(ADMIN, Role.ADMIN)
    auth.create("former@example.org", Role.ADMIN)
    _user("former@example.org").is_active = False  # a deactivated admin does not count
    db.session.commit()

    result = runner.invoke(args=["users", *args])

    assert result.exit_code == 1
    assert "admin@example.org is the only active admin." in result.output
    user = _user(ADMIN)
    assert user.is_active
    assert user.role == Role.ADMIN


def test_reset_second_factor_is_the_only_admins_way_back(
    runner: FlaskCliRunner, auth: AuthActions
) -> None:
    auth.create(ADMIN, Role.ADMIN)
    admin = _user(ADMIN)
    admin.second_factor_secret = "JBSWY3DPEHPK3PXP"
    admin.second_factor_last_step = 1
    for n in range(10):
        db.session.add(
            RecoveryCode(user_id=admin.id, code_hash=hashlib.sha256(b"%d" % n).hexdigest())
        )
    db.session.commit()

    result = runner.invoke(args=["users", "reset-second-factor", ADMIN])

    assert result.exit_code == 0, result.output
    assert "The second factor of admin@example.org was removed" in result.output
    admin = _user(ADMIN)
    assert admin.second_factor_secret is None
    assert admin.second_factor_last_step is None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    result = runner.invoke(args=["users", "reset-second-factor", ADMIN])
    assert "admin@example.org has no second factor to reset." in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["deactivate", "nobody@example.org"],
        ["reactivate", "nobody@example.org"],
        ["role", "nobody@example.org", "admin"],
        ["reset-second-factor", "nobody@example.org"],
    ],
)
def test_an_unknown_address_is_named(runner: FlaskCliRunner, args: list[str]) -> None:
    result = runner.invoke(args=["users", *args])
    assert result.exit_code == 1
    assert "No account has the e-mail address nobody@example.org." in result.output
    assert user_count() == 0
