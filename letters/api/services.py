"""What the JSON API says about a listed prisoner.

Only what the public profile already shows leaves through here: no coordinators' notes, no
envelope-override confirmation, no facility transit notes, nothing about unlisted people. The
fields are chosen one by one (never a dump of the row), so a column added later stays private
until someone decides to publish it.
"""

from __future__ import annotations

from typing import Any

from ..addressing import is_known_country
from ..display import display_name
from ..letterlog.services import LetterCounts
from ..models import Prisoner
from ..postal import address_block
from ..validation import iso_639_1_codes

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


def parse_posted_from(value: str | None) -> str | None:
    """``?from=`` as a country code: absent or empty means "from abroad" (``None``).

    Raises ``ValueError`` for anything that is not a country the address rules know, so a
    typo gets an error rather than an envelope silently addressed for the wrong route.
    """
    code = (value or "").strip().upper()
    if not code:
        return None
    if len(code) != 2 or not code.isalpha() or not is_known_country(code):
        raise ValueError(code)
    return code


def birthday(prisoner: Prisoner) -> dict[str, int] | None:
    """Day and month only: the year of birth identifies a person and is not for publishing
    (it prints on Russian envelopes, which is the one place it is needed)."""
    if prisoner.birth_date is None:
        return None
    return {"month": prisoner.birth_date.month, "day": prisoner.birth_date.day}


def prisoner_json(
    prisoner: Prisoner, counts: LetterCounts, posted_from: str | None
) -> dict[str, Any]:
    """One listed prisoner as the API shows them. The caller has checked ``is_listed``."""
    block = address_block(prisoner, posted_from)
    # English names, whatever the visitor's language: the API is read by programs, and a
    # response that changed with Accept-Language would need Vary and defeat caching.
    language_names = iso_639_1_codes()
    return {
        "id": prisoner.id,
        "name": {
            "display": display_name(prisoner),
            "family_name": prisoner.family_name,
            "given_names": prisoner.given_names,
            "patronymic": prisoner.patronymic,
            "latin_name": prisoner.latin_name,
        },
        "address": None
        if block is None
        else {
            "posted_from": posted_from,
            "lines": list(block.lines),
            # Shown on the public page too: mail came back, so the address may be out of date.
            "needs_checking": prisoner.address_needs_checking,
        },
        "languages": [
            {"code": code, "name": language_names.get(code, code)}
            for code in prisoner.language_codes
        ],
        "birthday": birthday(prisoner),
        "status": prisoner.status.value,
        "letters_sent": counts.letters_sent,
        "letters_last_30_days": counts.letters_last_30_days,
    }
