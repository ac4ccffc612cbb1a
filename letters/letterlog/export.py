"""The letter log as CSV for coordinators: day, prisoner, letters, how and for which campaign.

Who recorded a letter is never selected, so it never leaves the server; nor is any time of
day, which the log does not keep (docs/security.md#time-of-day)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import load_only

from ..display import display_name
from ..extensions import db
from ..models import Campaign, LetterSent, Prisoner, SentVia
from ..spreadsheet import csv_chunks, protect_cell, write_protected

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


class _Memo(dict[Any, str]):
    """``function(key)`` worked out once per distinct key: a day's ISO text, a campaign's
    protected name. A million log rows hold a few hundred days and campaigns."""

    def __init__(self, function: Callable[[Any], str]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, key: Any) -> str:
        value = self[key] = self.function(key)
        return value


def letter_log_rows() -> Iterator[tuple[str, ...]]:
    """The letter log, oldest first, as cells in ``LETTER_LOG_HEADER`` order, already through
    ``protect_cell`` (write them with ``protected=True``).

    Within a day, rows are ordered by what they say, not by id: the order of inserts, set
    beside an ISP's log of who reached the site in what order, would link them.

    Each cell's text is worked out once per distinct value, not once per row: a name per
    prisoner, a day's ISO date, a campaign's name, protected once. Only the two name cells can
    start like a formula; days, numbers and the ``via`` codes cannot, so they are not run
    through ``protect_cell`` at all. At a million rows this per-row work was the export's
    cost (bench/README.md, "Coordinator pages").
    """
    # Each name is worked out once per prisoner, not once per row: the log has tens of
    # thousands of rows for a few hundred people (bench/dashboard.py). Only the name columns
    # are loaded (no biographies for ten thousand people).
    named = select(Prisoner).options(
        load_only(
            Prisoner.given_names, Prisoner.patronymic, Prisoner.family_name, Prisoner.latin_name
        )
    )
    people = {
        prisoner.id: (str(prisoner.id), protect_cell(display_name(prisoner)))
        for prisoner in db.session.scalars(named)
    }
    days = _Memo(date.isoformat)
    campaigns = _Memo(lambda name: protect_cell(name or ""))
    via_codes = {via: via.value for via in SentVia}
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
    # On the session's connection, not through the session: plain rows need none of the ORM's
    # per-row loading, which was a third of what remained of the export's time per row.
    rows = db.session.connection().execute(query)
    for sent_on, prisoner_id, letters, via, campaign, recorded_on in rows:
        prisoner, name = people[prisoner_id]
        yield (
            days[sent_on],
            prisoner,
            name,
            str(letters),
            via_codes[via],
            campaigns[campaign],
            days[recorded_on],
        )


def letter_log_chunks(*, bom: bool = False) -> Iterator[str]:
    """The letter log as CSV text in chunks, for a streamed download (see ``csv_chunks``)."""
    return csv_chunks(LETTER_LOG_HEADER, letter_log_rows(), bom=bom, protected=True)


def write_letter_log(stream: TextIO, *, bom: bool = False) -> int:
    """Write the letter log to ``stream`` (opened with ``newline=""``), every cell protected
    against formula injection (see ``write_protected``); returns the rows."""
    return write_protected(stream, LETTER_LOG_HEADER, letter_log_rows(), bom=bom, protected=True)


def letter_log_csv(*, bom: bool = False) -> str:
    """The whole letter log as CSV text (see ``write_letter_log``)."""
    buffer = io.StringIO(newline="")
    write_letter_log(buffer, bom=bom)
    return buffer.getvalue()
