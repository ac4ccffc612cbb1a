"""Upcoming birthdays on a public page and as a calendar feed."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template

from . import calendar, services

bp = Blueprint("birthdays", __name__)


@bp.route("/birthdays")
def upcoming() -> str:
    today = date.today()
    return render_template(
        "birthdays/upcoming.html",
        birthdays=services.upcoming_birthdays(today, days=services.PAGE_DAYS),
        today=today,
        days=services.PAGE_DAYS,
    )


@bp.route("/birthdays.ics")
def calendar_feed() -> Response:
    """Birthdays for a year ahead as an iCalendar feed to subscribe to."""
    today = date.today()
    body = calendar.birthdays_calendar(services.upcoming_birthdays(today, days=services.FEED_DAYS))
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="birthdays.ics"'
    return response
