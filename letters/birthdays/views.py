"""Upcoming birthdays on a public page and as a calendar feed."""

from __future__ import annotations

from datetime import date
from functools import partial

from flask import Blueprint, Response, render_template, request

from ..paging import page_number
from . import calendar, services

bp = Blueprint("birthdays", __name__)


@bp.route("/birthdays")
def upcoming() -> str:
    """The next two months' birthdays, soonest first, a page at a time (``?page=``)."""
    today = date.today()
    page = services.birthdays_page(page_number(request.args.get("page")), today)
    return render_template(
        "birthdays/upcoming.html",
        page=page,
        birthdays=page.items,
        today=today,
        days=services.PAGE_DAYS,
    )


@bp.route("/birthdays.ics")
def calendar_feed() -> Response:
    """Birthdays for a year ahead as an iCalendar feed to subscribe to.

    Made once a day per language in each process and sent with an ETag: a calendar app that
    asks again with ``If-None-Match`` gets a 304 while nothing changed."""
    today = date.today()
    tag = calendar.feed_tag(today)
    if request.if_none_match.contains(tag):
        response = Response(status=304)
    else:
        body = calendar.cached_calendar(
            tag, partial(services.feed_birthdays, today, days=services.FEED_DAYS), today
        )
        response = Response(body, content_type="text/calendar; charset=utf-8")
        response.headers["Content-Disposition"] = 'inline; filename="birthdays.ics"'
    response.set_etag(tag)
    # Feeds are public; "no-cache" lets caches keep it but ask first (the ETag answers).
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Accept-Language")
    return response
