"""Public tracking pages: "write to someone who needs it", upcoming birthdays and their feed."""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from ..auth.decorators import coordinator_required
from ..campaigns.forms import KIND_LABELS
from ..csv_io.views import csv_download
from ..extensions import db, limiter
from ..models import AddressReport, Prisoner
from ..prisoners.forms import flash_errors
from ..prisoners.services import STATUS_LABELS, listed_prisoner_or_404
from . import bp, calendar, mail, services
from .chart import weekly_chart
from .dashboard import RECENT_MAIL_EVENTS, letter_log_csv, overview
from .forms import RETURN_REASON_LABELS, AddressReportForm, ReplyForm, ReturnForm

# Reports are short notes from visitors: a few an hour from one network is plenty.
DEFAULT_REPORT_RATE_LIMIT = "5 per hour"


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
    )


@bp.route("/birthdays.ics")
def birthdays_ics() -> Response:
    """Birthdays for a year ahead as an iCalendar feed to subscribe to."""
    today = date.today()
    body = calendar.birthdays_calendar(services.upcoming_birthdays(today, days=services.FEED_DAYS))
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="birthdays.ics"'
    return response


# --- replies, returned mail and addresses that need checking ----------------------------------


def report_rate_limit() -> str:
    return str(current_app.config.get("ADDRESS_REPORT_RATE_LIMIT", DEFAULT_REPORT_RATE_LIMIT))


@bp.post("/prisoners/<int:prisoner_id>/report-address")
@limiter.limit(report_rate_limit)
def report_address(prisoner_id: int) -> str | Response | tuple[str, int]:
    """A visitor reports an inaccurate address: the message is kept, nothing about them."""
    prisoner = listed_prisoner_or_404(prisoner_id)
    form = AddressReportForm()
    if not form.validate():
        page = render_template("tracking/report_address.html", prisoner=prisoner, form=form)
        return page, 400
    mail.report_address(prisoner, form.message.data or "")
    db.session.commit()
    flash(_("Thank you! A coordinator will check the address."), "success")
    return redirect(url_for("prisoners.public_profile", prisoner_id=prisoner.id))


@bp.errorhandler(TooManyRequests)
def too_many(error: TooManyRequests) -> tuple[str, int]:
    return render_template("tracking/too_many_reports.html"), 429


@bp.post("/manage/prisoners/<int:prisoner_id>/mail/reply")
@coordinator_required
def record_reply(prisoner_id: int) -> Response:
    prisoner = db.get_or_404(Prisoner, prisoner_id)
    form = ReplyForm()
    if form.validate():
        mail.record_reply(prisoner, form.day())
        db.session.commit()
        flash(_("The reply was recorded."), "success")
    else:
        flash_errors(form)
    return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id, _anchor="mail"))


@bp.post("/manage/prisoners/<int:prisoner_id>/mail/returned")
@coordinator_required
def record_return(prisoner_id: int) -> Response:
    prisoner = db.get_or_404(Prisoner, prisoner_id)
    form = ReturnForm()
    if form.validate():
        mail.record_return(prisoner, form.day(), form.chosen_reason(), form.note.data or "")
        db.session.commit()
        flash(_("The returned letter was recorded: the address needs checking."), "success")
    else:
        flash_errors(form)
    return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id, _anchor="mail"))


@bp.post("/manage/prisoners/<int:prisoner_id>/address-confirmed")
@coordinator_required
def confirm_address(prisoner_id: int) -> Response:
    prisoner = db.get_or_404(Prisoner, prisoner_id)
    # No fields: CSRFProtect has checked the token before the view runs.
    mail.confirm_address(prisoner, date.today())
    db.session.commit()
    flash(_("The address was confirmed."), "success")
    return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id, _anchor="mail"))


@bp.route("/manage/needs-checking")
@coordinator_required
def needs_checking() -> str:
    return render_template(
        "tracking/needs_checking.html",
        items=mail.needs_checking(date.today()),
        max_age_days=mail.MAX_AGE_DAYS,
    )


@bp.post("/manage/address-reports/<int:report_id>/resolved")
@coordinator_required
def resolve_report(report_id: int) -> Response:
    report = db.get_or_404(AddressReport, report_id)
    mail.resolve_report(report)  # no fields: CSRFProtect checked the token already
    db.session.commit()
    flash(_("The report was marked as resolved."), "success")
    return redirect(url_for("tracking.needs_checking"))


# --- the coordinators' dashboard and the letter log --------------------------------------------


@bp.route("/manage/dashboard")
@coordinator_required
def dashboard() -> str:
    figures = overview(date.today())
    return render_template(
        "tracking/dashboard.html",
        figures=figures,
        chart=weekly_chart(figures.weeks),
        recent_days=services.RECENT_DAYS,
        recent_events=RECENT_MAIL_EVENTS,
        return_reasons=RETURN_REASON_LABELS,
        status_labels=STATUS_LABELS,
        kinds=KIND_LABELS,
    )


@bp.route("/manage/letters.csv")
@coordinator_required
def letters_csv() -> Response:
    # A byte-order mark, as in the prisoner export: Excel then reads the Cyrillic as UTF-8.
    body = letter_log_csv(bom=True).encode("utf-8")
    return csv_download(body, f"letters-{date.today().isoformat()}.csv")
