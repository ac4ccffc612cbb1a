"""The second factor: TOTP codes from an authenticator app, and ten one-time recovery codes.

TOTP as RFC 6238 describes it and every authenticator app expects it: SHA-1, six digits, a new
code every 30 seconds. A code is accepted one step early or late (a phone's clock drifts, a
person types slowly), and never twice: the step of the last accepted code is kept on the
account, and only a later step is accepted. The check and the write are one conditional
UPDATE, so two requests racing with the same code cannot both win.

Recovery codes stand in for the phone when it is lost: 80 random bits each, shown once, kept
only as SHA-256, deleted when used.

Like :mod:`letters.auth.services`, plain functions on the database session with no request
objects; views keep the pending login in the Flask session and pass it in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from ..audit.recording import acting_as, record_event
from ..extensions import db
from ..models import GroupSettings, RecoveryCode, User
from .services import (
    MAX_PASSWORD_LENGTH,
    Attempt,
    LoginThrottled,
    WrongPasswordError,
    begin_attempt,
    take_back,
    verify_password,
)

# RFC 6238 as authenticator apps implement it: anything else and some apps show wrong codes.
STEP_SECONDS = 30
DIGITS = 6
#: Steps accepted either side of now: one, so a code typed just as it changes still works.
WINDOW = 1
#: 32 base32 characters: a 160-bit secret, the length RFC 4226 recommends for SHA-1.
SECRET_LENGTH = 32

RECOVERY_CODE_COUNT = 10
# Crockford's base32: no i, l, o or u, so nothing reads as another character; what is typed
# is normalised (o → 0, i and l → 1) before comparing.
RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
RECOVERY_CODE_LENGTH = 16  # × 5 bits = 80 random bits
RECOVERY_GROUP = 4
_TYPED_LOOKALIKES = str.maketrans({"o": "0", "i": "1", "l": "1"})

#: How long after the right password the code may be typed.
PENDING_LOGIN_SECONDS = 5 * 60
#: How long an enrolment page's secret stays valid (scanning, finding the phone, typing).
ENROLMENT_SECONDS = 15 * 60
# A salt of its own, so an enrolment token passes for no other signed value.
ENROLMENT_SALT = "letters.auth.second-factor-enrolment"

#: The action names of the audit entries written here (not column changes).
EVENT_RECOVERY_CODES_REGENERATED = "recovery codes regenerated"
EVENT_RECOVERY_CODE_USED = "recovery code used"


class SecondFactorError(ValueError):
    """A second-factor step was refused; the message is translated for display."""


class WrongCodeError(SecondFactorError):
    """The code (or recovery code) typed is not right, or was used already."""


class EnrolmentExpired(SecondFactorError):
    """The secret of an enrolment page is too old, or was not made for this account."""


class SecondFactorRequired(SecondFactorError):
    """The group requires a second factor, so it cannot be turned off."""


class CodeKind(Enum):
    """Which kind of code let someone in."""

    TOTP = "totp"
    RECOVERY = "recovery"


def _now() -> float:
    # One clock for codes and pending logins, so tests can move it.
    return time.time()


def group_requires_second_factor() -> bool:
    """Whether the group's settings require a second factor of every account.

    Read from the model, not through the settings package: settings may import auth, never
    the other way.
    """
    return bool(
        db.session.scalar(select(GroupSettings.require_second_factor).where(GroupSettings.id == 1))
    )


ISSUER = "letters"


def issuer() -> str:
    """What an authenticator app lists the account under: "letters", never the group's name.

    A phone is easily taken; an app entry reading "ABC Moscow" would say whom its owner
    works with. Anyone can rename the entry in their app.
    """
    return ISSUER


# --- TOTP ------------------------------------------------------------------------------------


def new_secret() -> str:
    """A new random TOTP secret (base32), not yet anyone's factor."""
    return pyotp.random_base32(SECRET_LENGTH)


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, digest=hashlib.sha1, interval=STEP_SECONDS)


def provisioning_uri(secret: str, account: str, issuer_name: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return _totp(secret).provisioning_uri(name=account, issuer_name=issuer_name or "letters")


def qr_svg(uri: str) -> Markup:
    """``uri`` as a QR code: an inline ``<svg>`` element drawn here, loading nothing.

    Dark on an explicit white square, so it scans on a dark page too; no ``style`` attribute,
    which the Content-Security-Policy would refuse.
    """
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    # segno builds the markup itself; the URI is only encoded in the modules' pattern.
    return Markup(svg)  # noqa: S704


def normalise_code(typed: str) -> str:
    """A typed code as compared: no spaces or dashes, lower case, look-alikes folded."""
    kept = "".join(ch for ch in typed if not ch.isspace() and ch not in "-‐‑–—")
    return kept.lower().translate(_TYPED_LOOKALIKES)


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step (now − 1, now or now + 1) whose code is ``code``, or ``None``."""
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = _totp(secret)
    now = totp.timecode(_now() if at is None else at)
    found = None
    for step in range(now - WINDOW, now + WINDOW + 1):
        # Every step compared, in constant time, so timing tells nothing about the code.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def accept_totp(user: User, code: str) -> bool:
    """Whether ``code`` is ``user``'s current code and was not accepted before (not committed).

    Accepting it moves ``second_factor_last_step`` to its step, in one conditional UPDATE: of
    two requests with the same code only one changes the row, the other is refused.
    """
    if user.second_factor_secret is None:
        return False
    step = matching_step(user.second_factor_secret, code)
    if step is None:
        return False
    result = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.second_factor_last_step.is_(None), User.second_factor_last_step < step),
        )
        .values(second_factor_last_step=step)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


# --- recovery codes --------------------------------------------------------------------------


def _recovery_hash(normalised: str) -> str:
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


def grouped(code: str) -> str:
    """``abcdefghjkmnpqrs`` → ``abcd-efgh-jkmn-pqrs``, as shown and printed."""
    return "-".join(code[i : i + RECOVERY_GROUP] for i in range(0, len(code), RECOVERY_GROUP))


def replace_recovery_codes(user: User) -> list[str]:
    """Delete ``user``'s recovery codes and add ten new ones (not committed).

    Returns them, grouped for reading: the only time they exist in clear.
    """
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(c)) for c in codes)
    return [grouped(code) for code in codes]


def recovery_codes_left(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id)
        )
        or 0
    )


def use_recovery_code(user: User, normalised: str) -> bool:
    """Whether ``normalised`` is one of ``user``'s recovery codes; if so it is deleted (not
    committed). A DELETE that must find its row, so a code cannot be used twice at once."""
    if len(normalised) != RECOVERY_CODE_LENGTH:
        return False
    result = db.session.execute(
        delete(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_hash(normalised)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def accept_code(user: User, typed: str) -> CodeKind | None:
    """A six-digit TOTP code or a recovery code, whichever ``typed`` is (not committed).

    Returns which one let ``user`` in, or ``None`` for a wrong, reused or malformed code.
    """
    code = normalise_code(typed)
    if len(code) == DIGITS:
        return CodeKind.TOTP if accept_totp(user, code) else None
    return CodeKind.RECOVERY if use_recovery_code(user, code) else None


# --- throttled checks ------------------------------------------------------------------------


def _throttled_attempt(user: User, client: str, message: str | None = None) -> Attempt:
    """Count an attempt on ``user`` as a login failure until it proves right (committed):
    wrong codes and wrong passwords share one throttle, per client and per account."""
    try:
        return begin_attempt(user.email, client)
    except LoginThrottled as error:
        raise LoginThrottled(message or str(error)) from error


def _password_is_right(attempt: Attempt, password: str) -> bool:
    return (
        attempt.password_hash is not None
        and len(password) <= MAX_PASSWORD_LENGTH
        and verify_password(attempt.password_hash, password)
    )


def confirm_password(user: User, password: str, client: str = "") -> None:
    """Check ``user``'s current password before a change to their second factor (commits).

    Counted like a login: a stolen session cannot be used to guess the password quickly.
    Raises :class:`WrongPasswordError` or :class:`LoginThrottled`.
    """
    attempt = _throttled_attempt(user, client)
    if not _password_is_right(attempt, password):
        raise WrongPasswordError(_("Your current password is not correct."))
    take_back(attempt)
    db.session.commit()


# --- enrolling, turning off, new recovery codes ---------------------------------------------


def _enrolment_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ENROLMENT_SALT)


def enrolment_token(user: User, secret: str) -> str:
    """The pending secret, signed for ``user``, for the enrolment form's hidden field.

    Signed so the secret an account confirms is one this server made (never one a client
    chose); kept in the page rather than the session cookie, so it lives no longer than the
    page.
    """
    return _enrolment_serializer().dumps({"user": user.id, "secret": secret})


def secret_from_token(user: User, token: str) -> str:
    """The secret of an enrolment token made for ``user`` in the last ``ENROLMENT_SECONDS``.

    Raises :class:`EnrolmentExpired` for an old, forged or someone else's token.
    """
    try:
        payload = _enrolment_serializer().loads(token, max_age=ENROLMENT_SECONDS)
    except BadData:
        payload = None
    if (
        not isinstance(payload, dict)
        or payload.get("user") != user.id
        or not isinstance(payload.get("secret"), str)
    ):
        raise EnrolmentExpired(
            _("This set-up page has expired. Scan the new QR code below and try again.")
        )
    return str(payload["secret"])


def enable_second_factor(
    user: User, secret: str, code: str, password: str, client: str = ""
) -> list[str]:
    """Make ``secret`` ``user``'s second factor once a code from it and the current password
    prove right; replaces any earlier factor and recovery codes. Returns the ten new recovery
    codes (to show once). The password check commits; the caller commits the rest.

    The password is asked too: otherwise a stolen session could tie the account to the
    thief's phone and lock its owner out. Raises :class:`WrongCodeError`,
    :class:`WrongPasswordError` or :class:`LoginThrottled`.
    """
    # The code first: it costs nothing, and a wrong one leaves the throttle alone (a mistyped
    # code from one's own new phone is no attack).
    step = matching_step(secret, normalise_code(code))
    if step is None:
        raise WrongCodeError(
            _("That code is not right. Check the phone's clock and type the code shown now.")
        )
    confirm_password(user, password, client)
    user.second_factor_secret = secret
    # The code just typed is used: it cannot log in a second time.
    user.second_factor_last_step = step
    return replace_recovery_codes(user)


def remove_second_factor(user: User) -> None:
    """Clear ``user``'s second factor and recovery codes, with no questions (not committed).

    For turning it off after the checks below, and for an admin's reset of someone who lost
    their phone.
    """
    user.second_factor_secret = None
    user.second_factor_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off_second_factor(user: User, password: str, code: str, client: str = "") -> None:
    """Remove ``user``'s second factor once the password and a current code (or a recovery
    code) prove right. Commits.

    Refused while the group requires a second factor. One attempt in the login throttle
    covers both: it counts as a failure unless both are right. Raises
    :class:`SecondFactorRequired`, :class:`WrongPasswordError`, :class:`WrongCodeError` or
    :class:`LoginThrottled`.
    """
    if group_requires_second_factor():
        raise SecondFactorRequired(
            _("The group requires a second factor for every account, so it cannot be turned off.")
        )
    attempt = _throttled_attempt(user, client)
    # The password before the code, so a right code is not spent on a wrong password.
    if not _password_is_right(attempt, password):
        raise WrongPasswordError(_("Your current password is not correct."))
    if accept_code(user, code) is None:
        raise WrongCodeError(_("That code is not right, or it was used already."))
    take_back(attempt)
    remove_second_factor(user)
    db.session.commit()


def regenerate_recovery_codes(user: User, password: str, client: str = "") -> list[str]:
    """Replace ``user``'s recovery codes once the password proves right (commits). Returns
    the ten new codes, grouped, to show once."""
    confirm_password(user, password, client)
    codes = replace_recovery_codes(user)
    record_event("account", user.id, EVENT_RECOVERY_CODES_REGENERATED)
    db.session.commit()
    return codes


# --- logging in with a code ------------------------------------------------------------------


def _password_fingerprint(password_hash: str) -> str:
    # Ties a pending login to the password it proved; a new password (a new hash, new salt)
    # ends it. Keyed, so the signed but readable cookie says nothing about the hash.
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, password_hash.encode(), hashlib.sha256).hexdigest()[:16]


def pending_login(user: User, next_url: str | None = None) -> dict[str, Any]:
    """What the Flask session keeps between the right password and the code: who, since when,
    which password, and where to go after. No session is open yet."""
    return {
        "user": user.id,
        "at": int(_now()),
        "password": _password_fingerprint(user.password_hash),
        "next": next_url,
    }


@dataclass(frozen=True)
class PendingLogin:
    """A login between the right password and the code."""

    user: User
    password: str  # the fingerprint of the password hash it proved
    next_url: str | None


def pending_user(pending: object) -> PendingLogin | None:
    """The pending login kept in the Flask session, or ``None`` when there is none, it is
    older than ``PENDING_LOGIN_SECONDS``, or the account was deactivated, lost its second
    factor or had its password changed since."""
    if not isinstance(pending, Mapping):
        return None
    user_id, at, fingerprint = pending.get("user"), pending.get("at"), pending.get("password")
    next_url = pending.get("next")
    if not isinstance(user_id, int) or not isinstance(at, int) or not isinstance(fingerprint, str):
        return None
    if not 0 <= _now() - at <= PENDING_LOGIN_SECONDS:
        return None
    user = db.session.get(User, user_id)
    if (
        user is None
        or not user.is_active
        or not user.has_second_factor
        or not hmac.compare_digest(_password_fingerprint(user.password_hash), fingerprint)
    ):
        return None
    return PendingLogin(user, fingerprint, next_url if isinstance(next_url, str) else None)


def finish_login(pending: PendingLogin, typed: str, client: str = "") -> CodeKind | None:
    """Check the code of a pending login (commits). Returns which kind of code was right, or
    ``None`` for a wrong one, which counts as a login failure.

    A recovery code is deleted and recorded in the audit trail as used by the account. Raises
    :class:`LoginThrottled` after too many failures, and :class:`SecondFactorError` when the
    pending login died meanwhile (the password changed, the account was deactivated).
    """
    user = pending.user
    attempt = _throttled_attempt(
        user, client, _("Too many wrong codes for this account. Wait a minute and try again.")
    )
    if (
        attempt.user_id != user.id
        or attempt.password_hash is None
        or _password_fingerprint(attempt.password_hash) != pending.password
    ):
        raise SecondFactorError(_("Please log in again."))
    kind = accept_code(user, typed)
    if kind is not None:
        take_back(attempt)
        if kind is CodeKind.RECOVERY:
            with acting_as(user):
                record_event("account", user.id, EVENT_RECOVERY_CODE_USED)
    db.session.commit()
    return kind
