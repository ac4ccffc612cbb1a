"""The letter log as CSV for coordinators: day, prisoner, letters, how and for which campaign.

Who recorded a letter is never selected, so it never leaves the server."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy import select

from ..display import display_name
from ..extensions import db
from ..models import (
    Campaign,
    LetterSent,
    Prisoner,
)
from ..spreadsheet import write_protected

# No user id or e-mail, ever: volunteers' identity must not leave the server.
LETTER_LOG_HEADER = (
    "sent_on",
    "prisoner_id",
    "prisoner_name",
    "letters",
    "via",
    "campaign",
    "recorded_at_utc",
)


def utc_iso(moment: datetime) -> str:
    """``moment`` in UTC as ISO 8601. Naive values are UTC already: SQLite drops the zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def letter_log_rows() -> Iterator[list[str]]:
    """The letter log, oldest first, as cells in ``LETTER_LOG_HEADER`` order (unprotected)."""
    # Each name is worked out once per prisoner, not once per row: the log has tens of
    # thousands of rows for a few hundred people (bench/dashboard.py).
    names = {
        prisoner.id: display_name(prisoner) for prisoner in db.session.scalars(select(Prisoner))
    }
    # Only the columns exported are selected: user_id is never even read.
    query = (
        select(
            LetterSent.sent_on,
            LetterSent.prisoner_id,
            LetterSent.letters,
            LetterSent.via,
            Campaign.name,
            LetterSent.created_at,
        )
        .outerjoin(Campaign, Campaign.id == LetterSent.campaign_id)
        .order_by(LetterSent.sent_on, LetterSent.id)
    )
    for sent_on, prisoner_id, letters, via, campaign, created_at in db.session.execute(query):
        yield [
            sent_on.isoformat(),
            str(prisoner_id),
            names[prisoner_id],
            str(letters),
            via.value,
            campaign or "",
            utc_iso(created_at),
        ]


def write_letter_log(stream: TextIO, *, bom: bool = False) -> int:
    """Write the letter log to ``stream`` (opened with ``newline=""``), every cell protected
    against formula injection (see ``write_protected``); returns the rows."""
    return write_protected(stream, LETTER_LOG_HEADER, letter_log_rows(), bom=bom)


def letter_log_csv(*, bom: bool = False) -> str:
    """The whole letter log as CSV text (see ``write_letter_log``)."""
    buffer = io.StringIO(newline="")
    write_letter_log(buffer, bom=bom)
    return buffer.getvalue()
