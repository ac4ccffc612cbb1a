"""Mail that comes back: a visitor's report of a wrong address, and the coordinators' record of
replies, returned letters and confirmed addresses."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import TooManyRequests

from ..extensions import db, limiter
from ..form_helpers import flash_errors
from ..lookups import listed_prisoner_or_404
from ..models import AddressReport, Prisoner
from ..paging import page_number
from . import services
from .forms import AddressReportForm, ReplyForm, ReturnForm

bp = Blueprint("mail", __name__)


def report_rate_limit() -> str:
    return str(current_app.config["ADDRESS_REPORT_RATE_LIMIT"])


@bp.post("/prisoners/<int:prisoner_id>/report-address")
@limiter.limit(report_rate_limit)
def report_address(prisoner_id: int) -> ResponseReturnValue:
    """A visitor reports an inaccurate address: the message is kept, nothing about them."""
    prisoner = listed_prisoner_or_404(prisoner_id)
    form = AddressReportForm()
    if not form.validate():
        page = render_template("mail/report_address.html", prisoner=prisoner, form=form)
        return page, 400
    services.report_address(prisoner, form.message.data or "")
    db.session.commit()
    flash(_("Thank you! A coordinator will check the address."), "success")
    return redirect(url_for("prisoners.public_profile", prisoner_id=prisoner.id))


@bp.errorhandler(TooManyRequests)
def too_many(error: TooManyRequests) -> tuple[str, int]:
    return render_template("mail/too_many_reports.html"), 429


@bp.post("/manage/prisoners/<int:prisoner_id>/mail/reply")
@login_required
def record_reply(prisoner_id: int) -> ResponseReturnValue:
    prisoner = db.get_or_404(Prisoner, prisoner_id)
    form = ReplyForm()
    if form.validate():
        services.record_reply(prisoner, form.day())
        db.session.commit()
        flash(_("The reply was recorded."), "success")
    else:
        flash_errors(form)
    return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id, _anchor="mail"))


@bp.post("/manage/prisoners/<int:prisoner_id>/mail/returned")
@login_required
def record_return(prisoner_id: int) -> ResponseReturnValue:
    prisoner = db.get_or_404(Prisoner, prisoner_id)
    form = ReturnForm()
    if form.validate():
        services.record_return(prisoner, form.day(), form.chosen_reason(), form.note.data or "")
        db.session.commit()
        flash(_("The returned letter was recorded: the address needs checking."), "success")
    else:
        flash_errors(form)
    return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id, _anchor="mail"))


@bp.post("/manage/prisoners/<int:prisoner_id>/address-confirmed")
@login_required
def confirm_address(prisoner_id: int) -> ResponseReturnValue:
    prisoner = db.get_or_404(Prisoner, prisoner_id)
    # No fields: CSRFProtect has checked the token before the view runs.
    services.confirm_address(prisoner, date.today())
    db.session.commit()
    flash(_("The address was confirmed."), "success")
    return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id, _anchor="mail"))


@bp.route("/manage/needs-checking")
@login_required
def needs_checking() -> str:
    reason = request.args.get("why", "")
    reason = reason if reason in services.REASONS else ""
    return render_template(
        "mail/needs_checking.html",
        page=services.needs_checking(
            date.today(), reason=reason, page=page_number(request.args.get("page"))
        ),
        reason=reason,
        reasons=services.REASONS,
        max_age_days=services.MAX_AGE_DAYS,
    )


@bp.post("/manage/address-reports/<int:report_id>/resolved")
@login_required
def resolve_report(report_id: int) -> ResponseReturnValue:
    report = db.get_or_404(AddressReport, report_id)
    services.resolve_report(report)  # no fields: CSRFProtect checked the token already
    db.session.commit()
    flash(_("The report was marked as resolved."), "success")
    return redirect(url_for("mail.needs_checking"))
