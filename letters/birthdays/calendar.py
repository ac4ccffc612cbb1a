"""Birthdays as iCalendar (RFC 5545), built with the ``icalendar`` package.

Each birthday gives two all-day events: the birthday itself and the day to post a card by.
A separate event rather than an alarm, because many calendar apps ignore or strip alarms in
subscribed feeds, while an event on the right day always shows. UIDs depend only on the
prisoner and the year of the celebration, so a calendar that refreshes the feed updates its
events instead of duplicating them. No birth year appears: a feed is as public as the page.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from ..display import display_name
from ..links import external_url
from ..lookups import registry_fingerprint
from ..settings.services import group_settings
from .services import Birthday

UID_DOMAIN = "letters"


def birthday_uid(birthday: Birthday) -> str:
    return f"prisoner-{birthday.prisoner.id}-birthday-{birthday.birthday.year}@{UID_DOMAIN}"


def post_by_uid(birthday: Birthday) -> str:
    return f"prisoner-{birthday.prisoner.id}-post-by-{birthday.birthday.year}@{UID_DOMAIN}"


def write_page_link(prisoner_id: int) -> str | None:
    """The absolute address of a prisoner's writing page, for a feed read by calendar apps
    (``links.external_url``: with neither ``SERVER_NAME`` nor ``TRUSTED_HOSTS``, events carry
    no link)."""
    return external_url("writing.write", prisoner_id=prisoner_id)


def _all_day(
    uid: str, day: date, summary: str, description: str, url: str | None, stamp: datetime
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    # A date (not a datetime) makes an all-day event; DTEND is exclusive, hence the next day.
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    if url is not None:
        event.add("url", url)
    # All-day reminders should not block anyone's time.
    event.add("transp", "TRANSPARENT")
    return event


def birthdays_calendar(birthdays: Iterable[Birthday], today: date | None = None) -> bytes:
    """The feed for ``birthdays``; links as :func:`write_page_link` builds them.

    The same birthdays on the same day give the same bytes: ``DTSTAMP`` is the day the feed
    was made (midnight UTC), never a time of day, so a feed can be cached for the day and
    recognised by its ETag (``feed_tag``)."""
    cal = Calendar()
    cal.add("prodid", "-//letters//birthdays//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Prisoners' birthdays"))
    day = today or date.today()
    stamp = datetime(day.year, day.month, day.day, tzinfo=UTC)
    for birthday in birthdays:
        name = display_name(birthday.prisoner)
        url = write_page_link(birthday.prisoner.id)
        cal.add_component(
            _all_day(
                birthday_uid(birthday),
                birthday.birthday,
                _("Birthday: %(name)s", name=name),
                _(
                    "Post a card at least %(days)d days before: letters take that long.",
                    days=birthday.transit_days,
                ),
                url,
                stamp,
            )
        )
        cal.add_component(
            _all_day(
                post_by_uid(birthday),
                birthday.post_by,
                _("Post a birthday card to %(name)s by today", name=name),
                _("A letter takes about %(days)d days to arrive.", days=birthday.transit_days),
                url,
                stamp,
            )
        )
    return cal.to_ical()


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


def cached_calendar(tag: str, birthdays: Callable[[], Sequence[Birthday]], today: date) -> bytes:
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
