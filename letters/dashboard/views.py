"""The coordinators' dashboard."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import login_required

from ..audit.services import RECENT_ADDRESS_DAYS, recent_address_changes
from ..campaigns.forms import KIND_LABELS
from ..letterlog.summary import RECENT_DAYS
from ..mail.forms import RETURN_REASON_LABELS
from ..paging import page_number
from ..sources.services import unreachable_sources
from . import services
from .chart import weekly_chart

bp = Blueprint("dashboard", __name__, url_prefix="/manage/dashboard")


@bp.route("")
@login_required
def overview() -> str:
    name = request.args.get("q", "").strip()[:100]
    figures = services.overview(date.today(), name=name, page=page_number(request.args.get("page")))
    return render_template(
        "dashboard/overview.html",
        figures=figures,
        name=name,
        chart=weekly_chart(figures.weeks),
        recent_days=RECENT_DAYS,
        recent_events=services.RECENT_MAIL_EVENTS,
        return_reasons=RETURN_REASON_LABELS,
        kinds=KIND_LABELS,
        address_changes=recent_address_changes(),
        address_change_days=RECENT_ADDRESS_DAYS,
        # Other groups' lists not read for a week: what they record stops reaching us.
        unreachable=unreachable_sources(date.today()),
    )
