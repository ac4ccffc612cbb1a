"""Backups are encrypted with age (the ``pyrage`` bindings): to a passphrase, or to one or more
age recipients (public keys) whose identities (private keys) are kept away from the server.

A seized backup without its passphrase or identity reveals nothing but its size. A recipient
is the better choice for scheduled backups: the server then holds no secret that opens them.
"""

from __future__ import annotations

from pathlib import Path

import pyrage
from flask_babel import gettext as _
from pyrage import passphrase as age_passphrase
from pyrage import x25519

from .snapshot import BackupError

#: Refused as too easy to guess offline: a backup travels, and a guess costs the thief nothing.
MIN_PASSPHRASE_LENGTH = 12


def check_passphrase(secret: str) -> None:
    if len(secret) < MIN_PASSPHRASE_LENGTH:
        raise BackupError(
            _(
                "The passphrase is too short: use at least %(count)s characters "
                "(several unrelated words).",
                count=MIN_PASSPHRASE_LENGTH,
            )
        )


def recipients_from(keys: tuple[str, ...]) -> list[x25519.Recipient]:
    recipients = []
    for key in keys:
        try:
            recipients.append(x25519.Recipient.from_str(key.strip()))
        except pyrage.RecipientError as exc:
            raise BackupError(_("Not an age recipient (age1…): %(key)s", key=key)) from exc
    return recipients


def identities_from(path: Path) -> list[x25519.Identity]:
    """The age identities (``AGE-SECRET-KEY-1…`` lines) in an identity file."""
    identities = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            try:
                identities.append(x25519.Identity.from_str(line))
            except pyrage.IdentityError as exc:
                raise BackupError(
                    _("%(file)s holds a line that is not an age identity.", file=str(path))
                ) from exc
    if not identities:
        raise BackupError(_("%(file)s holds no age identity.", file=str(path)))
    return identities


def encrypt(plain: Path, out: Path, *, secret: str | None, keys: tuple[str, ...]) -> None:
    """Encrypt the file ``plain`` into ``out``, to ``keys`` if given, else to ``secret``."""
    if keys:
        recipients = recipients_from(keys)
        with plain.open("rb") as source, out.open("wb") as target:
            pyrage.encrypt_io(source, target, recipients)
        return
    if secret is None:
        raise BackupError(_("Give a passphrase or at least one age recipient."))
    check_passphrase(secret)
    # The passphrase mode of pyrage works on bytes in memory: a backup of a million letters
    # is a few tens of megabytes compressed.
    out.write_bytes(age_passphrase.encrypt(plain.read_bytes(), secret))


def decrypt(sealed: Path, plain: Path, *, secret: str | None, identity: Path | None) -> None:
    """Decrypt ``sealed`` into ``plain`` with the identity file, else the passphrase."""
    try:
        if identity is not None:
            identities = identities_from(identity)
            with sealed.open("rb") as source, plain.open("wb") as target:
                pyrage.decrypt_io(source, target, identities)
            return
        if secret is None:
            raise BackupError(_("Give the backup's passphrase or an age identity file."))
        plain.write_bytes(age_passphrase.decrypt(sealed.read_bytes(), secret))
    except pyrage.DecryptError as exc:
        raise BackupError(
            _("Cannot decrypt the backup: wrong passphrase or identity, or a damaged file.")
        ) from exc
