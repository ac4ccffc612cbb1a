"""Accounts an admin runs: invitations, roles, deactivating and reactivating, resetting a second
factor. The web pages and ``flask --app app users …`` call the same functions, so the same
rules hold in both (above all: there is always an active admin).

Plain functions on the database session; nothing here commits, the caller does (after a
refusal it rolls back). Messages are translated when an error is raised, so callers show
``str(error)`` as it is. Column changes are recorded in the audit trail by the session hook of
:mod:`letters.audit.recording`; what is not a column change is recorded here explicitly.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import delete, select, update

from ..audit.recording import acting_as, record_event
from ..auth.services import (
    AccountError,
    add_user,
    check_email,
    check_password_rules,
    hash_password,
    normalise_email,
    refuse_taken_email,
)
from ..auth.sessions import end_all_sessions
from ..database import read_transaction
from ..extensions import db
from ..models import Invitation, RecoveryCode, Role, User, utcnow

# A salt of its own, so an invitation can never pass for a session cookie, a CSRF token or the
# first-run link, which are signed with the same SECRET_KEY.
INVITATION_SALT = "letters.accounts.invitation"
INVITATION_LIFETIME = timedelta(hours=72)


class LastAdminError(AccountError):
    """The change would leave the group without an active admin."""


class InvitationError(AccountError):
    """The invitation link is unknown, tampered with, used, revoked or expired."""


def _now() -> datetime:
    # One clock for invitations, so a test can move it on.
    return utcnow()


# --- accounts ---------------------------------------------------------------------------------


def list_accounts() -> list[User]:
    """Every account, active or not, by e-mail address."""
    return list(db.session.scalars(select(User).order_by(User.email)))


def account_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _refuse_removing_last_admin(user: User) -> None:
    """Raise :class:`LastAdminError` if ``user`` is the only active admin.

    Race-safe: on PostgreSQL the active admins' rows are locked (``FOR UPDATE``) until the
    caller's transaction ends, so two admins demoting each other at once take turns, and the
    second sees the first's change and is refused. SQLite serialises writers anyway (a POST
    or a command takes the write lock at ``BEGIN``) and ignores the clause.
    """
    if not (user.is_admin and user.is_active):
        return
    active_admins = db.session.scalars(
        select(User.id).where(User.role == Role.ADMIN, User.is_active.is_(True)).with_for_update()
    ).all()
    if set(active_admins) <= {user.id}:
        raise LastAdminError(
            _(
                "%(email)s is the only active admin. Make another account an admin first: "
                "the group must always have one.",
                email=user.email,
            )
        )


def change_role(user: User, role: Role) -> bool:
    """Give ``user`` the role ``role``; whether anything changed. Refused (:class:`LastAdminError`)
    for the last active admin's demotion."""
    if user.role == role:
        return False
    if role != Role.ADMIN:
        _refuse_removing_last_admin(user)
    user.role = role
    db.session.flush()
    return True


def deactivate(user: User) -> bool:
    """Refuse ``user`` any further login and end every session of theirs at once (their next
    request finds no session); whether anything changed. Refused for the last active admin.
    The account and what it did stay, so the audit trail still names it."""
    if not user.is_active:
        return False
    _refuse_removing_last_admin(user)
    user.is_active = False
    end_all_sessions(user)
    db.session.expire(user, ["sessions"])  # deleted in bulk, behind the ORM's back
    db.session.flush()
    return True


def reactivate(user: User) -> bool:
    """Let ``user`` log in again (with their old password); whether anything changed."""
    if user.is_active:
        return False
    user.is_active = True
    db.session.flush()
    return True


def reset_second_factor(user: User) -> bool:
    """Remove ``user``'s second factor and recovery codes, for someone who lost their phone;
    whether they had one. They log in with their password alone and, if the group requires a
    second factor, are sent to enrol a new one."""
    had_one = user.has_second_factor
    deleted = db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if not had_one and not getattr(deleted, "rowcount", 0):
        return False
    db.session.expire(user, ["recovery_codes"])  # deleted in bulk, behind the ORM's back
    user.second_factor_secret = None
    user.second_factor_last_step = None
    # Not a column change anyone should read (the secret): one entry saying what happened.
    record_event("account", user.id, "second factor reset")
    db.session.flush()
    return True


# --- invitations ------------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pending_invitations() -> list[Invitation]:
    """Invitations neither used nor expired, newest first."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.used_at.is_(None), Invitation.expires_at > _now())
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def invite(email: str, role: Role, created_by: User | None = None) -> tuple[Invitation, str]:
    """Add an invitation for ``email`` (not committed) and return it with the signed token for
    its link, to be shown once and never kept: the row holds only the token's SHA-256.

    :class:`EmailError` for a malformed address or one that already has an account (active or
    not: reactivate that one instead). A pending invitation for the same address is replaced,
    so only the newest link works. Expired, unused invitations (an address and nothing more
    to keep it for) are deleted on the way.
    """
    email = normalise_email(email)
    check_email(email)
    refuse_taken_email(email)
    now = _now()
    db.session.execute(
        delete(Invitation).where(
            Invitation.used_at.is_(None),
            (Invitation.email == email) | (Invitation.expires_at <= now),
        )
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        role=role,
        token_hash=_token_hash(token),
        created_by=created_by,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, _serializer().dumps(token)


def revoke_invitation(invitation_id: int) -> Invitation | None:
    """Delete a pending invitation (not committed), so its link opens nothing; the invitation,
    or ``None`` if there is no pending one with this id."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.used_at is not None:
        return None
    db.session.delete(invitation)
    db.session.flush()
    return invitation


def find_invitation(signed: str) -> Invitation | None:
    """The pending invitation a link's token names, or ``None`` if the signature is wrong or
    older than 72 hours, or the invitation is unknown, revoked, used or expired."""
    try:
        token = _serializer().loads(signed, max_age=int(INVITATION_LIFETIME.total_seconds()))
    except BadData:
        return None
    if not isinstance(token, str):
        return None
    return db.session.scalar(
        select(Invitation).where(
            Invitation.token_hash == _token_hash(token),
            Invitation.used_at.is_(None),
            Invitation.expires_at > _now(),
        )
    )


def accept_invitation(signed: str, password: str) -> User:
    """Create the invited account with ``password`` and mark the invitation used (not
    committed; after an error the caller rolls back). Returns the new account.

    :class:`InvitationError` if the link does not work (also when someone used it a moment
    earlier), :class:`PasswordError` for a password that breaks a rule, :class:`EmailError`
    if an account with the address was created since the invitation.

    The password is hashed with no transaction open, so on SQLite the write lock is not held
    for the length of an Argon2 hash. The invitation is then claimed with one ``UPDATE …
    WHERE used_at IS NULL``: of two uses at once, exactly one changes the row, and the other
    is refused, even though both found the invitation pending before hashing.
    """
    with read_transaction():
        invitation = find_invitation(signed)
        found = (invitation.id, invitation.email, invitation.role) if invitation else None
        db.session.rollback()  # ends the read; nothing was written
    if found is None:
        raise InvitationError(_("This invitation link does not work."))
    invitation_id, email, role = found
    check_password_rules(password, email)
    user = User(email=email, password_hash=hash_password(password), role=role)
    # The audit trail names the new account as the one who created it (and used the link):
    # nobody is logged in yet.
    with acting_as(user):
        now = _now()
        claimed = db.session.execute(
            update(Invitation)
            .where(
                Invitation.id == invitation_id,
                Invitation.used_at.is_(None),
                Invitation.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            raise InvitationError(_("This invitation link does not work."))
        add_user(user)
        # The claim above is a bulk UPDATE, which the audit hook does not see.
        record_event("invitation", invitation_id, "used")
    return user
