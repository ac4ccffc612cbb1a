"""Birthdays as iCalendar (RFC 5545), written line by line.

Each birthday gives two all-day events: the birthday itself and the day to post a card by.
A separate event rather than an alarm, because many calendar apps ignore or strip alarms in
subscribed feeds, while an event on the right day always shows. UIDs depend only on the
prisoner and the year of the celebration, so a calendar that refreshes the feed updates its
events instead of duplicating them. No birth year appears: a feed is as public as the page.

Why not the ``icalendar`` package, which made it before: at 10,000 prisoners the feed is
12,000 events, and its per-property objects and line folding took 2.3 s to make them (issue
14). An event here is eight fixed lines, so they are formatted as strings: TEXT escaped and
long lines folded as RFC 5545 says (``escape_text``, ``fold``). The tests parse the feed with
``icalendar`` and compare it with what ``icalendar`` itself writes for the same events.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta

from flask_babel import get_locale
from flask_babel import gettext as _

from ..links import external_url_builder
from ..lookups import registry_fingerprint
from ..settings.services import group_settings
from .services import FeedBirthday

UID_DOMAIN = "letters"


def birthday_uid(birthday: FeedBirthday) -> str:
    return f"prisoner-{birthday.prisoner_id}-birthday-{birthday.birthday.year}@{UID_DOMAIN}"


def post_by_uid(birthday: FeedBirthday) -> str:
    return f"prisoner-{birthday.prisoner_id}-post-by-{birthday.birthday.year}@{UID_DOMAIN}"


def write_page_link(prisoner_id: int) -> str | None:
    """The absolute address of a prisoner's writing page, for a feed read by calendar apps
    (``links.external_url``: with neither ``SERVER_NAME`` nor ``TRUSTED_HOSTS``, events carry
    no link)."""
    return write_page_links()(prisoner_id)


def write_page_links() -> Callable[[int], str | None]:
    """``write_page_link`` for many prisoners: how to build the links is settled once."""
    build = external_url_builder("writing.write")
    return lambda prisoner_id: build(prisoner_id=prisoner_id)


#: Octets a content line may have before it is folded: RFC 5545 allows 75 without the CRLF;
#: 74, as ``icalendar`` folds, leaves room for the continuation line's leading space.
FOLD_AT = 74


def escape_text(value: str) -> str:
    """A TEXT value as RFC 5545 section 3.3.11 writes it: backslash, semicolon, comma and
    newline escaped (a name may hold a comma; an unescaped one would split the value)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """``line`` folded into pieces of at most ``FOLD_AT`` octets of UTF-8, each after the first
    starting with a space (RFC 5545 section 3.1), never inside a character's bytes: a calendar
    app joining the pieces must get the same characters back."""
    data = line.encode("utf-8")
    if len(data) <= FOLD_AT:
        return line
    pieces = []
    start = 0
    while len(data) - start > FOLD_AT:
        end = start + FOLD_AT
        while data[end] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start = end
    pieces.append(data[start:].decode("utf-8"))
    return "\r\n ".join(pieces)


def _day(day: date) -> str:
    return day.isoformat().replace("-", "")


def _event(uid: str, day: date, summary: str, description: str, url: str, stamp: str) -> str:
    """A VEVENT from its lines already escaped and folded (``url``: with its CRLF, or empty)."""
    # A date (not a datetime) makes an all-day event; DTEND is exclusive, hence the next day.
    # All-day reminders should not block anyone's time (TRANSP).
    return (
        f"BEGIN:VEVENT\r\n{summary}\r\nDTSTART;VALUE=DATE:{_day(day)}\r\n"
        f"DTEND;VALUE=DATE:{_day(day + timedelta(days=1))}\r\nDTSTAMP:{stamp}\r\n"
        f"{fold('UID:' + uid)}\r\n{description}\r\nTRANSP:TRANSPARENT\r\n{url}END:VEVENT\r\n"
    )


def birthdays_calendar(birthdays: Iterable[FeedBirthday], today: date | None = None) -> bytes:
    """The feed for ``birthdays``; links as :func:`write_page_link` builds them.

    The same birthdays on the same day give the same bytes: ``DTSTAMP`` is the day the feed
    was made (midnight UTC), never a time of day, so a feed can be cached for the day and
    recognised by its ETag (``feed_tag``)."""
    day = today or date.today()
    stamp = f"{_day(day)}T000000Z"
    link = write_page_links()
    # What is the same for many events is looked up, escaped and folded once: the patterns,
    # and the two descriptions of each number of transit days.
    # (Escaping the pattern, then putting in the escaped name, escapes the whole: escaping
    # works character by character and never touches "%(name)s".)
    birthday_summary = escape_text(_("Birthday: %(name)s"))
    post_by_summary = escape_text(_("Post a birthday card to %(name)s by today"))
    descriptions: dict[int, tuple[str, str]] = {}
    parts = [
        "BEGIN:VCALENDAR\r\n",
        "VERSION:2.0\r\n",
        "PRODID:-//letters//birthdays//EN\r\n",
        "CALSCALE:GREGORIAN\r\n",
        fold("X-WR-CALNAME:" + escape_text(_("Prisoners' birthdays"))) + "\r\n",
    ]
    for birthday in birthdays:
        transit = birthday.transit_days
        if transit not in descriptions:
            before = _(
                "Post a card at least %(days)d days before: letters take that long.", days=transit
            )
            takes = _("A letter takes about %(days)d days to arrive.", days=transit)
            descriptions[transit] = (
                fold("DESCRIPTION:" + escape_text(before)),
                fold("DESCRIPTION:" + escape_text(takes)),
            )
        before_line, takes_line = descriptions[transit]
        url = link(birthday.prisoner_id)
        url_line = "" if url is None else fold("URL:" + url) + "\r\n"
        name = escape_text(birthday.name)
        parts.append(
            _event(
                birthday_uid(birthday),
                birthday.birthday,
                fold("SUMMARY:" + birthday_summary % {"name": name}),
                before_line,
                url_line,
                stamp,
            )
        )
        parts.append(
            _event(
                post_by_uid(birthday),
                birthday.post_by,
                fold("SUMMARY:" + post_by_summary % {"name": name}),
                takes_line,
                url_line,
                stamp,
            )
        )
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts).encode("utf-8")


def feed_tag(today: date) -> str:
    """An ETag for the feed made on ``today``, from what it is made of without making it: the
    day, the language, the links' base, the registry's fingerprint (any prisoner or facility
    added, edited or deleted changes it) and the group's settings (its home country sets the
    transit days). Three small queries: a poll that already has the feed costs no birthdays."""
    settings = group_settings()
    parts = [
        today.isoformat(),
        str(get_locale()),
        write_page_link(0) or "",
        repr(registry_fingerprint()),
        settings.home_country,
        repr(settings.updated_at),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


#: Feeds made today, by tag, in this process: a calendar app polls the feed every few hours,
#: and each subscriber's poll would otherwise build thousands of events anew.
_FEEDS: OrderedDict[str, bytes] = OrderedDict()
_FEEDS_KEPT = 4  # a day's feed in each language, and yesterday's while the day turns
_FEEDS_LOCK = threading.Lock()


def cached_calendar(
    tag: str, birthdays: Callable[[], Sequence[FeedBirthday]], today: date
) -> bytes:
    """``birthdays_calendar`` of ``birthdays()``, made once per tag in this process."""
    with _FEEDS_LOCK:
        body = _FEEDS.get(tag)
        if body is not None:
            _FEEDS.move_to_end(tag)
            return body
    body = birthdays_calendar(birthdays(), today)
    with _FEEDS_LOCK:
        _FEEDS[tag] = body
        while len(_FEEDS) > _FEEDS_KEPT:
            _FEEDS.popitem(last=False)
    return body
