"""Birthdays as iCalendar (RFC 5545), built with the ``icalendar`` package.

Each birthday gives two all-day events: the birthday itself and the day to post a card by.
A separate event rather than an alarm, because many calendar apps ignore or strip alarms in
subscribed feeds, while an event on the right day always shows. UIDs depend only on the
prisoner and the year of the celebration, so a calendar that refreshes the feed updates its
events instead of duplicating them. No birth year appears: a feed is as public as the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

from ..display import display_name
from .services import Birthday

UID_DOMAIN = "letters"


def birthday_uid(birthday: Birthday) -> str:
    return f"prisoner-{birthday.prisoner.id}-birthday-{birthday.birthday.year}@{UID_DOMAIN}"


def post_by_uid(birthday: Birthday) -> str:
    return f"prisoner-{birthday.prisoner.id}-post-by-{birthday.birthday.year}@{UID_DOMAIN}"


def write_page_link(prisoner_id: int) -> str | None:
    """The absolute address of a prisoner's writing page, for a feed read by calendar apps.

    Never from the request's ``Host`` header, which anyone can forge (a feed fetched with a
    forged host would send subscribers elsewhere, and caches keep it): from ``SERVER_NAME``
    (with ``PREFERRED_URL_SCHEME`` and ``APPLICATION_ROOT``) when it is set; or from the
    request when ``TRUSTED_HOSTS`` is set, because Flask has then refused every other host
    with a 400. With neither, events carry no link.
    """
    adapter = current_app.create_url_adapter(None)  # bound to SERVER_NAME, or None
    if adapter is not None:
        return adapter.build("writing.write", {"prisoner_id": prisoner_id}, force_external=True)
    if current_app.config["TRUSTED_HOSTS"]:
        return url_for("writing.write", prisoner_id=prisoner_id, _external=True)
    return None


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


def birthdays_calendar(birthdays: Iterable[Birthday]) -> bytes:
    """The feed for ``birthdays``; links as :func:`write_page_link` builds them."""
    cal = Calendar()
    cal.add("prodid", "-//letters//birthdays//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Prisoners' birthdays"))
    # Whole seconds: DTSTAMP is when the feed was made; events stay the same apart from it.
    stamp = datetime.now(UTC).replace(microsecond=0)
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
