"""Rules for values typed into forms or read from CSV: dates, years of birth, genders, statuses,
language codes, lengths (from ``models.MAX_LENGTH``) and the name-line format. Each raises
``FieldError`` with a message for a person, so forms and the import say the same thing."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from babel import Locale
from flask import has_app_context
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import QueryableAttribute

from .models import MAX_LENGTH, Gender, Status


class FieldError(ValueError):
    """A value that cannot be accepted; the message names the problem for a person."""


@cache  # ~600 entries rebuilt from CLDR took ~130 µs: once per CSV row and API prisoner
def iso_639_1_codes() -> dict[str, str]:
    """Two-letter language codes with their English names (from Babel's CLDR data). Shared
    between callers: read it, never change it."""
    return {code: name for code, name in Locale("en").languages.items() if len(code) == 2}


def parse_languages(text: str) -> list[str]:
    """``"ru; EN"`` → ``["ru", "en"]``. Raises ``FieldError`` naming each unknown code."""
    codes = [c.strip().lower() for c in re.split(r"[;,\s]+", text) if c.strip()]
    known = iso_639_1_codes()
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise FieldError(
            _l(
                "Unknown language code(s): %(codes)s. Use ISO 639-1 codes such as ru, be, en, de, "
                "separated by “;”.",
                codes=", ".join(unknown),
            )
        )
    return list(dict.fromkeys(codes))


def parse_birth(text: str) -> tuple[int | None, date | None]:
    """``"1992"`` or ``"1992-03-14"`` → (year, date or None)."""
    text = text.strip()
    if not text:
        return None, None
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        _check_year(year)
        return year, None
    try:
        born = date.fromisoformat(text)
    except ValueError:
        raise FieldError(
            _l("“%(value)s” is not a date: use YYYY-MM-DD or just the year, YYYY.", value=text)
        ) from None
    _check_year(born.year)
    return born.year, born


def _check_year(year: int) -> None:
    if not 1900 <= year <= date.today().year:
        raise FieldError(_l("Year of birth %(year)s is not plausible.", year=year))


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError(_l("“%(value)s” is not a date: use YYYY-MM-DD.", value=text)) from None


#: The earliest day a letter was sent, a transfer happened or a reply came that this registry
#: can mean: anything older is a mistyped year.
EARLIEST_EVENT = date(2000, 1, 1)
#: Birth years and past release dates start here.
EARLIEST_RELEASE = date(1900, 1, 1)
#: How far ahead a release date may be (sentences are long, not endless).
RELEASE_YEARS_AHEAD = 50
#: Campaigns are planned and looked back on within this many years of today.
CAMPAIGN_YEARS = 10


def years_from(day: date, years: int) -> date:
    """``day`` moved by whole years (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _day_for_message(day: date) -> str:
    """A date in an error message as the reader writes it; ISO where no app is running (a
    plain check called from a script)."""
    return format_date(day, "medium") if has_app_context() else day.isoformat()


def check_day_between(day: date, first: date, last: date) -> date:
    """``day`` unchanged, or ``FieldError`` when it lies outside ``first``–``last``."""
    if day > last:
        if last == date.today():
            raise FieldError(_l("The date cannot be after today."))
        raise FieldError(_l("The date cannot be after %(last)s.", last=_day_for_message(last)))
    if day < first:
        raise FieldError(_l("The date cannot be before %(first)s.", first=_day_for_message(first)))
    return day


def parse_past_day(text: str) -> date | None:
    """A day something happened (a letter posted, a transfer, a reply): 2000 up to today."""
    day = parse_date(text)
    return day and check_day_between(day, EARLIEST_EVENT, date.today())


def parse_day_from_2000(text: str) -> date | None:
    """A day something happened, from 2000, where the caller refuses a future day itself with
    a reason of its own (a transfer, an evening's letters)."""
    day = parse_date(text)
    return day and check_day_between(day, EARLIEST_EVENT, date.max)


def parse_release_date(text: str) -> date | None:
    """A release date, past or expected: 1900 up to fifty years ahead."""
    day = parse_date(text)
    today = date.today()
    return day and check_day_between(day, EARLIEST_RELEASE, years_from(today, RELEASE_YEARS_AHEAD))


def parse_campaign_day(text: str) -> date | None:
    """A campaign's first or last day: within ten years of today, either way."""
    day = parse_date(text)
    today = date.today()
    return day and check_day_between(
        day, years_from(today, -CAMPAIGN_YEARS), years_from(today, CAMPAIGN_YEARS)
    )


def parse_gender(text: str) -> Gender | None:
    text = text.strip().lower()
    if not text:
        return None
    try:
        return Gender(text)
    except ValueError:
        raise FieldError(
            _l("Gender must be “male”, “female” or empty, not “%(value)s”.", value=text)
        ) from None


def parse_status(text: str) -> Status:
    value = text.strip().lower().replace("-", "_").replace(" ", "_")
    if not value:
        return Status.PRE_TRIAL
    try:
        return Status(value)
    except ValueError:
        raise FieldError(
            _l(
                "Status “%(value)s” is unknown; use one of: %(choices)s.",
                value=text,
                choices=", ".join(s.value for s in Status),
            )
        ) from None


def max_length(column: QueryableAttribute[Any]) -> int:
    """The longest text ``column`` (``Prisoner.bio``) accepts: its ``String`` length, or the
    ``info["max_length"]`` a ``Text`` column carries. One number guards the form, the CSV import
    and the database."""
    (table_column,) = column.property.columns
    limit = table_column.info.get("max_length") or getattr(table_column.type, "length", None)
    if not limit:
        raise TypeError(f"{column} has no length limit")
    return int(limit)


def check_length(value: str, limit: str | QueryableAttribute[Any]) -> str:
    """``value`` unchanged, or ``FieldError`` when it is longer than the column allows.

    ``limit`` is a model column (``LetterTemplate.title``) or a ``MAX_LENGTH`` name (``"name"``:
    the widths the registry's columns are declared with)."""
    length = MAX_LENGTH[limit] if isinstance(limit, str) else max_length(limit)
    if len(value) > length:
        raise FieldError(
            _l(
                "Too long: %(length)s characters, at most %(limit)s.",
                length=len(value),
                limit=length,
            )
        )
    return value


# Control characters (C0, DEL, C1) and Unicode's line and paragraph separators: a name is
# printed on one line of an envelope and matched in searches; none of these belongs in it.
_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def check_single_line(value: str) -> str:
    """``value`` unchanged, or ``FieldError`` when it holds a line break or control character."""
    if _NOT_IN_A_LINE.search(value):
        raise FieldError(_l("Must be a single line, without line breaks or control characters."))
    return value


def check_name_line_format(value: str) -> str:
    value = value.strip()
    if value and "{name}" not in value:
        raise FieldError(_l("The format must contain {name}, for example “{name}/{number}”."))
    leftover = re.sub(r"\{name\}|\{number\}", "", value)
    if "{" in leftover or "}" in leftover:
        raise FieldError(_l("Only {name} and {number} can be used in the format."))
    return value
