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
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import TypeVar, cast

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from ..audit.recording import acting_as
from ..database import checkpoint_wal, without_waiting
from ..extensions import db
from ..models import LoginFailure, Role, User, utcnow
from .sessions import end_all_sessions, end_session

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit; also the column width

#: After this many wrong passwords within ``FAILURE_WINDOW`` from one client (network address)
#: the account refuses every attempt from that client, even a right one, until the oldest
#: failure falls out of the window. Other clients, the owner's among them, are not affected.
MAX_FAILURES = 5
#: After this many from anywhere, the account refuses every attempt from everyone: the ceiling
#: against guesses spread over many addresses, far above what one person mistyping reaches.
ACCOUNT_MAX_FAILURES = 50
FAILURE_WINDOW = timedelta(minutes=1)
#: Seconds between sweeps of expired failures (per process; see ``sweep_if_due``).
CLEANUP_INTERVAL = 60.0

log = logging.getLogger(__name__)
T = TypeVar("T")

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


def _per_app(name: str, make: Callable[[], T]) -> T:
    """The one ``make()`` of this app in this process (kept in ``app.extensions``)."""
    found = current_app.extensions.get(name)
    if found is None:
        found = current_app.extensions.setdefault(name, make())
    return cast(T, found)


@contextmanager
def _hash_slot() -> Iterator[None]:
    """Wait for one of ``PASSWORD_HASH_CONCURRENCY`` slots (per process) to hash in.

    Each Argon2 hash takes all the CPU it can for a tenth of a second or more (and 64 MiB);
    eighty at once left a visitor's page waiting 16 s (bench/login_burst.py). Queued, they
    leave the rest of the CPU to pages. A waiting login holds no database transaction.
    """
    slots = _per_app(
        "letters.hash_slots",
        lambda: threading.BoundedSemaphore(int(current_app.config["PASSWORD_HASH_CONCURRENCY"])),
    )
    with slots:
        yield


def hash_password(password: str) -> str:
    """An argon2id hash (``$argon2id$…``) with the configured cost."""
    with _hash_slot():
        return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; a malformed hash never matches."""
    try:
        with _hash_slot():
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


def create_user(
    email: str, password: str, role: Role = Role.COORDINATOR, *, self_made: bool = False
) -> User:
    """Add a new account to the session (not committed) and return it.

    ``self_made``: nobody is logged in (the first-run page), so the audit trail names the new
    account as the one who created it.

    Raises :class:`EmailError` for a malformed or taken address and :class:`PasswordError`
    for a password that breaks a rule; both are :class:`AccountError`.
    """
    email = normalise_email(email)
    check_email(email)
    check_password_rules(password, email)
    # Before hashing: a taken address costs no Argon2 run.
    refuse_taken_email(email)
    user = User(email=email, password_hash=hash_password(password), role=role)
    with acting_as(user if self_made else None):
        return add_user(user)


def refuse_taken_email(email: str) -> None:
    """Raise :class:`EmailError` if an account (active or not) has ``email`` (normalised)."""
    if db.session.scalar(select(exists().where(User.email == email))):
        raise EmailError(_("An account with this e-mail address already exists."))


def add_user(user: User) -> User:
    """Add an account built by the caller (address normalised and checked, password hashed) to
    the session and flush it (not committed); :class:`EmailError` if the address is taken.

    For callers that must hash before they take a lock and insert after (accepting an
    invitation); everyone else calls :func:`create_user`.
    """
    refuse_taken_email(user.email)
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
    return create_user(email, password, Role.ADMIN, self_made=True)


# --- logging in -------------------------------------------------------------------------------


def authenticate(email: str, password: str, client: str = "") -> User | None:
    """The active account with this e-mail and password, or ``None``. Commits.

    Raises :class:`LoginThrottled` when this address has had ``MAX_FAILURES`` wrong passwords
    within ``FAILURE_WINDOW`` from this ``client`` (the network address, counted in memory
    only), or ``ACCOUNT_MAX_FAILURES`` from anywhere (counted in the database, so every worker
    sees them): then even the right password is refused. Someone else's wrong passwords
    therefore lock out only their own network address, not the owner's. Failures are counted
    per address tried, whether or not an account has it, so the throttle (like the answer and
    its timing) is the same for every address and tells nobody which ones exist.

    The password is checked outside any transaction: a short one counts the attempt as a
    failure until it proves right, the hash is checked with no lock held, and a second short
    one (only on success) takes the failure back. So a burst of logins never holds the write
    lock for the length of an Argon2 hash, and parallel guesses cannot slip in under the limit.
    """
    if len(password) > MAX_PASSWORD_LENGTH:
        # No stored password is this long, so it cannot match: refuse before any lookup or
        # hashing, which also keeps the answer equally fast for known and unknown addresses.
        return None
    attempt = begin_attempt(email, client)
    if attempt.password_hash is None:
        _dummy_verify(password)
        return None
    if not verify_password(attempt.password_hash, password):
        return None
    # The cost settings changed since this hash was made; only now do we know the password.
    # Hashed here, before the write transaction, like everything else that costs.
    new_hash = (
        hash_password(password) if _hasher().check_needs_rehash(attempt.password_hash) else None
    )
    user = db.session.get(User, attempt.user_id)
    if user is None or not user.is_active or user.password_hash != attempt.password_hash:
        # Deactivated, or the password changed, while the hash was being checked.
        db.session.rollback()
        return None
    take_back(attempt)
    if new_hash is not None:
        user.password_hash = new_hash
    db.session.commit()
    return user


def account_key(email: str) -> str:
    """What login failures are counted under: an HMAC of the normalised address keyed with the
    app's secret key, so the table never holds an address, typed right or wrong."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def client_key(email: str, client: str) -> str:
    """What the per-client throttle counts under, in memory: an HMAC of the address tried and
    the client's network address together, so not even the process's memory holds either."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{normalise_email(email)}\n{client}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Attempt:
    user_id: int | None
    password_hash: str | None  # None: no active account has this address
    failure_id: int
    client_key: str


def begin_attempt(email: str, client: str) -> Attempt:
    """Check both throttles and count this attempt as a failure, in one short transaction
    that is committed before returning: no lock is held while the caller hashes."""
    key = account_key(email)
    ckey = client_key(email, client)
    row = db.session.execute(
        # FOR UPDATE (PostgreSQL) makes concurrent attempts on one account take turns through
        # this short transaction, so parallel guesses cannot all pass the count below. SQLite
        # serialises writers anyway (BEGIN IMMEDIATE on a POST) and ignores the clause.
        select(User.id, User.password_hash)
        .where(User.email == normalise_email(email), User.is_active.is_(True))
        .with_for_update()
    ).first()
    now = _now()
    _delete_expired(now)
    recent = db.session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.account_key == key, LoginFailure.failed_at > now - FAILURE_WINDOW)
    )
    if (recent or 0) >= ACCOUNT_MAX_FAILURES or not _client_failures().try_add(ckey, now):
        db.session.commit()  # the expired rows stay deleted
        raise LoginThrottled(
            _("Too many wrong passwords for this account. Wait a minute and try again.")
        )
    failure = LoginFailure(account_key=key, failed_at=now)
    db.session.add(failure)
    db.session.flush()
    attempt = Attempt(row.id if row else None, row.password_hash if row else None, failure.id, ckey)
    db.session.commit()
    return attempt


def take_back(attempt: Attempt) -> None:
    """The password was right: this attempt is no failure after all (not committed)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.id == attempt.failure_id))
    _client_failures().remove_one(attempt.client_key)


def _now() -> datetime:
    # One clock for both throttles, so a test can move them a minute on together.
    return utcnow()


def _delete_expired(now: datetime) -> int:
    # Expired failures, for every address, are of no further use; keeping them would only be
    # a record of activity.
    result = db.session.execute(
        delete(LoginFailure).where(LoginFailure.failed_at <= now - FAILURE_WINDOW)
    )
    deleted = int(getattr(result, "rowcount", 0) or 0)
    if deleted:
        _cleanup_state().checkpoint_due = True
    return deleted


class _ClientFailures:
    """Recent failures per (address tried, client), in this process's memory only.

    A client's network address must never reach the database or a file
    (docs/security.md#what-is-never-kept), so this lock cannot be shared between worker
    processes: with N workers a client gets N × ``MAX_FAILURES`` tries a minute, still far
    under the account-wide ceiling in the database.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._times: dict[str, list[datetime]] = {}

    def try_add(self, key: str, now: datetime) -> bool:
        """Count one more failure for ``key`` unless it already has ``MAX_FAILURES``."""
        with self._lock:
            times = [t for t in self._times.get(key, []) if t > now - FAILURE_WINDOW]
            if len(times) >= MAX_FAILURES:
                self._times[key] = times
                return False
            self._times[key] = [*times, now]
            return True

    def remove_one(self, key: str) -> None:
        with self._lock:
            times = self._times.get(key)
            if times:
                times.pop()
                if not times:
                    del self._times[key]

    def forget_expired(self, now: datetime) -> None:
        with self._lock:
            for key in list(self._times):
                times = [t for t in self._times[key] if t > now - FAILURE_WINDOW]
                if times:
                    self._times[key] = times
                else:
                    del self._times[key]

    def __len__(self) -> int:
        return len(self._times)


def _client_failures() -> _ClientFailures:
    return _per_app("letters.client_failures", _ClientFailures)


# --- removing expired failures ----------------------------------------------------------------


@dataclass
class _CleanupState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Not at start: the first sweep waits a full interval, so short-lived apps (commands,
    # tests) never run one unasked.
    next_due: float = field(default_factory=lambda: time.monotonic() + CLEANUP_INTERVAL)
    checkpoint_due: bool = False


def _cleanup_state() -> _CleanupState:
    return _per_app("letters.login_cleanup", _CleanupState)


def sweep_if_due() -> None:
    """Remove expired login failures at most once every ``CLEANUP_INTERVAL`` seconds in this
    process (called before each request), without waiting for the next login.

    It runs in a visitor's request, so it never waits for the database: while a writer holds
    SQLite's lock (a long import) it gives up at once and tries again a minute later.
    """
    state = _cleanup_state()
    if time.monotonic() < state.next_due or not state.lock.acquire(blocking=False):
        return
    try:
        state.next_due = time.monotonic() + CLEANUP_INTERVAL
        sweep_expired_failures(wait=False)
    except SQLAlchemyError as error:
        # A busy database must not turn a visitor's page into an error or a wait.
        db.session.rollback()
        log.info("Expired login failures not removed yet: %s", type(error).__name__)
    finally:
        state.lock.release()


def sweep_expired_failures(wait: bool = True) -> int:
    """Delete every expired login failure (committed) and forget expired per-client counts;
    on SQLite then clear the write-ahead log, so no copy of a deleted key stays in it. Returns
    how many rows were deleted. Without ``wait``, a locked database fails at once."""
    now = _now()
    _client_failures().forget_expired(now)
    if wait:
        deleted = _delete_expired(now)
    else:
        with without_waiting(db.session.connection()):
            deleted = _delete_expired(now)
    db.session.commit()
    state = _cleanup_state()
    if state.checkpoint_due and checkpoint_wal(db.engine):
        state.checkpoint_due = False
    return deleted


# --- sessions ---------------------------------------------------------------------------------


def change_password(user: User, old: str, new: str, client: str = "") -> None:
    """Set a new password and end every session of ``user``. Commits.

    The caller logs the user in again with a new session if their own session should
    go on. A wrong ``old`` password counts as a login failure, so a stolen session cannot be
    used to guess the password quickly (per ``client``, as at login). Raises
    :class:`LoginThrottled`, :class:`WrongPasswordError` or :class:`PasswordError`.
    """
    email = user.email
    # Counted as a failure until it proves right; committed, so nothing is locked while the
    # hashes below are computed (see authenticate).
    attempt = begin_attempt(email, client)
    old_hash = attempt.password_hash
    if len(old) > MAX_PASSWORD_LENGTH or old_hash is None or not verify_password(old_hash, old):
        raise WrongPasswordError(_("Your current password is not correct."))
    take_back(attempt)
    db.session.commit()
    check_password_rules(new, email)
    new_hash = hash_password(new)
    user.password_hash = new_hash
    end_all_sessions(user)
    db.session.commit()


def log_out(user: User) -> None:
    """End this session of ``user``: its cookie, or any copy of it, no longer loads. Commits."""
    end_session(user.session_token)
    db.session.commit()
