"""Coordinator accounts: password rules, hashing, logging in with throttling, sessions.

Plain functions on the database session; no request objects, so the views, the CLI and the
first-run page share them. Messages are translated when the error is raised, so callers show
``str(error)`` as it is.

Who commits: ``create_user`` and ``create_first_admin`` only add to the session (the caller may
do more in the same transaction). ``authenticate``, ``change_password`` and ``log_out`` commit:
a recorded login failure must survive even though the caller goes on to show an error, and a
rotated session token is the whole point of logging out.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from ..extensions import db
from ..models import LoginFailure, Role, User, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit; also the column width

#: After this many wrong passwords within ``FAILURE_WINDOW`` the account refuses every attempt,
#: even a right one, until the oldest failure falls out of the window.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=1)

# 30,000 passwords from real leaks, bundled with zxcvbn (no network needed). Only those that
# pass the length rule matter, but a set of all of them costs little and keeps the code plain.
COMMON_PASSWORDS: frozenset[str] = frozenset(FREQUENCY_LISTS["passwords"])

# Deliberately loose: the address is only a login name here, and we never send mail to it.
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class AccountError(ValueError):
    """An account could not be created or changed; the message is translated for display."""


class EmailError(AccountError):
    """The e-mail address is malformed or already taken."""


class PasswordError(AccountError):
    """A new password breaks a rule (length, common, the e-mail address itself)."""


class WrongPasswordError(AccountError):
    """The current password given to confirm a change is wrong."""


class LoginThrottled(AccountError):
    """Too many wrong passwords for this account just now; every attempt is refused."""


# --- passwords --------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """Lower-case and strip, so ``Anna@Example.org `` and ``anna@example.org`` are one account."""
    return email.strip().lower()


def check_email(email: str) -> None:
    """Raise :class:`EmailError` unless ``email`` (already normalised) looks like an address."""
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL_RE.fullmatch(email):
        raise EmailError(_("Enter a valid e-mail address."))


def check_password_rules(password: str, email: str | None = None) -> None:
    """Raise :class:`PasswordError` unless ``password`` is acceptable as a new password.

    Length is checked first and without hashing anything, so an enormous password costs the
    server nothing.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(_("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordError(_("Use at most %(count)d characters.", count=MAX_PASSWORD_LENGTH))
    folded = password.casefold()
    if folded in COMMON_PASSWORDS:
        raise PasswordError(
            _("This password is on lists of common passwords that attackers try first.")
        )
    if email and folded.strip() == normalise_email(email):
        raise PasswordError(_("Do not use your e-mail address as your password."))


def _hasher() -> PasswordHasher:
    # Built per call from the config, so tests can make hashing cheap and an operator can make
    # it dearer; the parameters are stored in every hash, so old hashes still verify.
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    """An argon2id hash (``$argon2id$…``) with the configured cost."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; a malformed hash never matches."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        # VerifyMismatchError is a VerificationError.
        return False


def _dummy_verify(password: str) -> None:
    """Spend as long as a real check, so response time does not tell which e-mails exist."""
    config = current_app.config
    verify_password(_dummy_hash(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"]), password)


@cache
def _dummy_hash(_time_cost: int, _memory_cost: int) -> str:
    # Keyed on the cost so the dummy costs what a real hash costs under the current settings.
    return hash_password(secrets.token_urlsafe(16))


# --- accounts ---------------------------------------------------------------------------------


def create_user(email: str, password: str, role: Role = Role.COORDINATOR) -> User:
    """Add a new account to the session (not committed) and return it.

    Raises :class:`EmailError` for a malformed or taken address and :class:`PasswordError`
    for a password that breaks a rule; both are :class:`AccountError`.
    """
    email = normalise_email(email)
    check_email(email)
    check_password_rules(password, email)
    if db.session.scalar(select(exists().where(User.email == email))):
        raise EmailError(_("An account with this e-mail address already exists."))
    user = User(email=email, password_hash=hash_password(password), role=role)
    try:
        # A savepoint, so a concurrent insert of the same address (which slipped past the check
        # above) becomes a clear error and leaves the caller's transaction usable.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as exc:
        raise EmailError(_("An account with this e-mail address already exists.")) from exc
    return user


def any_user_exists() -> bool:
    return bool(db.session.scalar(select(exists().select_from(User))))


def create_first_admin(email: str, password: str) -> User:
    """Create the first account, an admin; refused once any account exists (not committed)."""
    if any_user_exists():
        raise AccountError(_("The first account has already been created."))
    return create_user(email, password, Role.ADMIN)


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))


# --- logging in -------------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or ``None``. Commits.

    Raises :class:`LoginThrottled` when the address has had ``MAX_FAILURES`` wrong passwords
    within ``FAILURE_WINDOW``: then even the right password is refused. Failures are counted
    per address tried, whether or not an account has it, so the throttle (like the answer and
    its timing) is the same for every address and tells nobody which ones exist. They are kept
    in the database (so every worker sees them) and no IP address is kept.
    """
    key = account_key(email)
    if len(password) > MAX_PASSWORD_LENGTH:
        # No stored password is this long, so it cannot match: refuse before any lookup or
        # hashing, which also keeps the answer equally fast for known and unknown addresses.
        return None
    user = db.session.scalars(
        # FOR UPDATE (PostgreSQL) makes concurrent attempts on one account take turns, so a
        # burst of parallel guesses cannot all slip in under the failure limit. SQLite already
        # serialises writers (BEGIN IMMEDIATE) and ignores the clause.
        select(User)
        .where(User.email == normalise_email(email), User.is_active.is_(True))
        .with_for_update()
    ).first()
    _check_not_throttled(key)
    if user is None:
        _dummy_verify(password)
        _record_failure(key)
        db.session.commit()
        return None
    if not verify_password(user.password_hash, password):
        _record_failure(key)
        db.session.commit()
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        # The cost settings changed since this hash was made; only now do we know the password.
        user.password_hash = hash_password(password)
    db.session.commit()
    return user


def account_key(email: str) -> str:
    """What login failures are counted under: an HMAC of the normalised address keyed with the
    app's secret key, so the table never holds an address, typed right or wrong."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def _check_not_throttled(key: str) -> None:
    cutoff = utcnow() - FAILURE_WINDOW
    # Expired failures, for every address, are of no further use; keeping them would only be
    # a record of activity.
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= cutoff))
    recent = db.session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.account_key == key, LoginFailure.failed_at > cutoff)
    )
    if recent is not None and recent >= MAX_FAILURES:
        db.session.commit()
        raise LoginThrottled(
            _("Too many wrong passwords for this account. Wait a minute and try again.")
        )


def _record_failure(key: str) -> None:
    db.session.add(LoginFailure(account_key=key))


# --- sessions ---------------------------------------------------------------------------------


def change_password(user: User, old: str, new: str) -> None:
    """Set a new password and end every session of ``user``. Commits.

    The caller logs the user in again with the new session token if their own session should
    go on. A wrong ``old`` password counts as a login failure, so a stolen session cannot be
    used to guess the password quickly. Raises :class:`LoginThrottled`,
    :class:`WrongPasswordError` or :class:`PasswordError`.
    """
    key = account_key(user.email)
    _check_not_throttled(key)
    if len(old) > MAX_PASSWORD_LENGTH or not verify_password(user.password_hash, old):
        _record_failure(key)
        db.session.commit()
        raise WrongPasswordError(_("Your current password is not correct."))
    check_password_rules(new, user.email)
    user.password_hash = hash_password(new)
    user.rotate_session_token()
    db.session.commit()


def log_out(user: User) -> None:
    """End every session of ``user``: cookies holding the old token no longer load. Commits."""
    user.rotate_session_token()
    db.session.commit()
