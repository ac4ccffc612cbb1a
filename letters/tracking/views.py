"""Public tracking pages: "write to someone who needs it", upcoming birthdays and their feed."""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton
from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..prisoners.services import display_name
from . import bp, calendar, services


@bp.app_template_filter("day_month")
def day_month(day: date) -> str:
    """Day and month in the visitor's language ("5 January", "5 января"), never the year:
    a birthday on a public page must not give away anyone's age."""
    return format_skeleton("MMMMd", day, locale=str(get_locale() or "en"))


@bp.app_template_filter("weekday_day_month")
def weekday_day_month(day: date) -> str:
    """A post-by date: the weekday helps a writer plan the trip to the post office."""
    return format_skeleton("MMMMEEEEd", day, locale=str(get_locale() or "en"))


@bp.route("/write-next")
def write_next() -> Response:
    """Send the visitor to the writing page of someone who needs a letter (a weighted pick)."""
    prisoner = services.pick_prisoner_to_write()
    if prisoner is None:
        flash(_("Nobody can be suggested right now. Please choose someone from the list."))
        return redirect(url_for("prisoners.public_list"))
    return redirect(url_for("writing.write", prisoner_id=prisoner.id))


@bp.route("/birthdays")
def birthdays() -> str:
    today = date.today()
    return render_template(
        "tracking/birthdays.html",
        birthdays=services.upcoming_birthdays(today, days=services.PAGE_DAYS),
        today=today,
        days=services.PAGE_DAYS,
        display_name=display_name,
    )


@bp.route("/birthdays.ics")
def birthdays_ics() -> Response:
    """Birthdays for a year ahead as an iCalendar feed to subscribe to."""
    today = date.today()
    body = calendar.birthdays_calendar(services.upcoming_birthdays(today, days=services.FEED_DAYS))
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="birthdays.ics"'
    return response
