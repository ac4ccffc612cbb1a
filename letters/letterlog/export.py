"""The letter log as CSV for coordinators: day, prisoner, letters, how and for which campaign.

Who recorded a letter is never selected, so it never leaves the server; nor is any time of
day, which the log does not keep (docs/security.md#time-of-day)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import select

from ..display import display_name
from ..extensions import db
from ..models import Campaign, LetterSent, Prisoner
from ..spreadsheet import csv_chunks, write_protected

#: Rows fetched from the database at a time while exporting.
ROWS_PER_BATCH = 2000

# No user id or e-mail, ever: volunteers' identity must not leave the server.
LETTER_LOG_HEADER = (
    "sent_on",
    "prisoner_id",
    "prisoner_name",
    "letters",
    "via",
    "campaign",
    "recorded_on",
)


def letter_log_rows() -> Iterator[list[str]]:
    """The letter log, oldest first, as cells in ``LETTER_LOG_HEADER`` order (unprotected).

    Within a day, rows are ordered by what they say, not by id: the order of inserts, set
    beside an ISP's log of who reached the site in what order, would link them."""
    # Each name is worked out once per prisoner, not once per row: the log has tens of
    # thousands of rows for a few hundred people (bench/dashboard.py).
    names = {
        prisoner.id: display_name(prisoner) for prisoner in db.session.scalars(select(Prisoner))
    }
    # Only the columns exported are selected: user_id is never even read. Read in batches
    # (a server-side cursor on PostgreSQL): a million rows never sit in memory at once.
    query = (
        select(
            LetterSent.sent_on,
            LetterSent.prisoner_id,
            LetterSent.letters,
            LetterSent.via,
            Campaign.name,
            LetterSent.recorded_on,
        )
        .outerjoin(Campaign, Campaign.id == LetterSent.campaign_id)
        .order_by(
            LetterSent.sent_on,
            LetterSent.recorded_on,
            LetterSent.prisoner_id,
            LetterSent.via,
            Campaign.name,
            LetterSent.letters,
        )
        .execution_options(yield_per=ROWS_PER_BATCH)
    )
    for sent_on, prisoner_id, letters, via, campaign, recorded_on in db.session.execute(query):
        yield [
            sent_on.isoformat(),
            str(prisoner_id),
            names[prisoner_id],
            str(letters),
            via.value,
            campaign or "",
            recorded_on.isoformat(),
        ]


def letter_log_chunks(*, bom: bool = False) -> Iterator[str]:
    """The letter log as CSV text in chunks, for a streamed download (see ``csv_chunks``)."""
    return csv_chunks(LETTER_LOG_HEADER, letter_log_rows(), bom=bom)


def write_letter_log(stream: TextIO, *, bom: bool = False) -> int:
    """Write the letter log to ``stream`` (opened with ``newline=""``), every cell protected
    against formula injection (see ``write_protected``); returns the rows."""
    return write_protected(stream, LETTER_LOG_HEADER, letter_log_rows(), bom=bom)


def letter_log_csv(*, bom: bool = False) -> str:
    """The whole letter log as CSV text (see ``write_letter_log``)."""
    buffer = io.StringIO(newline="")
    write_letter_log(buffer, bom=bom)
    return buffer.getvalue()
