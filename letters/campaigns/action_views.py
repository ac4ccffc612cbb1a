"""Reported actions: the public form on a published call, the photos, the public list and the
coordinators' moderation queue."""

from __future__ import annotations

import io
from typing import IO, Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from ..extensions import db, limiter
from ..models import Campaign, CampaignAction
from ..validation import FieldError
from . import actions
from .action_forms import ActionForm, ReportActionForm
from .actions import KIND_LABELS
from .photos import MAX_PHOTO_BYTES, MAX_PHOTOS
from .visibility import call_is_public, report_is_public

bp = Blueprint("actions", __name__)

#: The largest report: its photos and room for the text fields and the multipart framing. The
#: app's own ``MAX_CONTENT_LENGTH`` (5 MB, for CSV files) is too small for three photos.
MAX_REPORT_BYTES = MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024

#: A published photo may be kept by browsers and proxies but must be asked for again each time
#: it is shown (a 304 when unchanged): a photo a coordinator unpublishes or deletes, because it
#: shows a face, is gone at once rather than when a cache lets it go.
PUBLIC_PHOTO_CACHE = "public, no-cache"


def report_rate_limit() -> str:
    return str(current_app.config["ACTION_REPORT_RATE_LIMIT"])


@bp.record_once
def _room_for_photos(state: BlueprintSetupState) -> None:
    # The request body is parsed by the first hook that reads the form (hostile_input, in every
    # request), so the report's larger limit must be set before it: first in line.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _report_upload_limits)


def _report_upload_limits() -> None:
    if request.endpoint != "actions.report" or request.method != "POST":
        return
    request.max_content_length = MAX_REPORT_BYTES
    # Uploads are held in memory, never spooled to a temporary file: the original photo, with
    # its GPS position, must not touch the disk, even deleted (a seized disk gives those back).
    request._get_file_stream = _in_memory  # type: ignore[method-assign]


def _in_memory(*args: Any, **kwargs: Any) -> IO[bytes]:
    return io.BytesIO()


@bp.app_context_processor
def action_helpers() -> dict[str, Any]:
    # The partials (campaigns/_reported_actions.html, _report_action_link.html) get only
    # ``campaign``: they ask for the rest by name.
    return {
        "reported_actions": actions.reported_actions,
        "accepts_action_reports": actions.accepts_action_reports,
        "waiting_action_reports": actions.waiting_count,
        "action_kind_label": lambda kind: KIND_LABELS[kind],
        "call_is_public": call_is_public,
        "report_is_public": report_is_public,
    }


# --- public -----------------------------------------------------------------------------------


def _call_or_404(campaign_id: int) -> Campaign:
    campaign = db.get_or_404(Campaign, campaign_id)
    if not actions.accepts_action_reports(campaign):
        abort(404)
    return campaign


@bp.route("/campaigns/<int:campaign_id>/actions/new", methods=["GET", "POST"])
@limiter.limit(report_rate_limit, methods=["POST"])
def report(campaign_id: int) -> ResponseReturnValue:
    """A visitor reports an action: kept unpublished, nothing kept about them."""
    campaign = _call_or_404(campaign_id)
    form = ReportActionForm(campaign)
    if form.validate_on_submit():
        actions.report_action(campaign, form.fields(), form.cleaned)
        db.session.commit()
        flash(
            _("Thank you! Your report will appear here once a coordinator has looked at it."),
            "success",
        )
        return redirect(url_for("actions.listing", campaign_id=campaign.id))
    if form.is_submitted():
        return _report_form(campaign, form), 400
    return _report_form(campaign, form)


def _report_form(campaign: Campaign, form: ReportActionForm) -> str:
    # Photos cannot be given back to the browser: say so when some were chosen and lost.
    photos_lost = form.is_submitted() and form.photos_chosen()
    return render_template(
        "campaigns/actions/new.html", campaign=campaign, form=form, photos_lost=photos_lost
    )


@bp.errorhandler(TooManyRequests)
def too_many(error: TooManyRequests) -> tuple[str, int]:
    return render_template("campaigns/actions/too_many.html"), 429


@bp.route("/campaigns/<int:campaign_id>/actions")
def listing(campaign_id: int) -> str:
    """Published actions, while the call or the report-back is public."""
    campaign = db.get_or_404(Campaign, campaign_id)
    if not (call_is_public(campaign) or report_is_public(campaign)):
        abort(404)
    return render_template("campaigns/actions/index.html", campaign=campaign)


@bp.route("/campaigns/actions/photos/<int:photo_id>.jpg")
def photo(photo_id: int) -> Response:
    """A photo as stored (a clean JPEG): published ones to anyone, any to a coordinator."""
    coordinator = bool(current_user.is_authenticated)
    found = actions.photo_for(photo_id, coordinator=coordinator)
    if found is None:
        abort(404)
    response = Response(found.data, mimetype="image/jpeg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    public = found.action.published and not coordinator
    response.headers["Cache-Control"] = PUBLIC_PHOTO_CACHE if public else "private, no-store"
    response.add_etag()
    return response.make_conditional(request)


# --- coordinators -----------------------------------------------------------------------------


@bp.route("/manage/campaigns/<int:campaign_id>/actions")
@login_required
def queue(campaign_id: int) -> str:
    campaign = db.get_or_404(Campaign, campaign_id)
    return render_template(
        "campaigns/actions/queue.html",
        campaign=campaign,
        reports=actions.moderation_queue(campaign),
        waiting=actions.waiting_count(campaign),
    )


def _action_or_404(campaign_id: int, action_id: int) -> CampaignAction:
    campaign = db.get_or_404(Campaign, campaign_id)
    try:
        return actions.action_of(campaign, action_id)
    except LookupError:
        abort(404)


def _back(action: CampaignAction) -> Response:
    return redirect(
        url_for("actions.queue", campaign_id=action.campaign_id, _anchor=f"action-{action.id}")
    )


@bp.post("/manage/campaigns/<int:campaign_id>/actions/<int:action_id>/publish")
@login_required
def publish(campaign_id: int, action_id: int) -> Response:
    action = _action_or_404(campaign_id, action_id)  # (CSRFProtect checked the token already)
    actions.set_published(action, True)
    db.session.commit()
    flash(_("The action in %(city)s is published.", city=action.city), "success")
    return _back(action)


@bp.post("/manage/campaigns/<int:campaign_id>/actions/<int:action_id>/unpublish")
@login_required
def unpublish(campaign_id: int, action_id: int) -> Response:
    action = _action_or_404(campaign_id, action_id)
    actions.set_published(action, False)
    db.session.commit()
    flash(_("The action in %(city)s is no longer public.", city=action.city), "success")
    return _back(action)


@bp.route(
    "/manage/campaigns/<int:campaign_id>/actions/<int:action_id>/edit", methods=["GET", "POST"]
)
@login_required
def edit(campaign_id: int, action_id: int) -> ResponseReturnValue:
    action = _action_or_404(campaign_id, action_id)
    form = ActionForm(action.campaign, data=ActionForm.initial_data(action))
    if form.validate_on_submit():
        try:
            actions.update_action(action, form.fields())
        except FieldError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The changes were saved."), "success")
            return _back(action)
    page = render_template("campaigns/actions/edit.html", action=action, form=form)
    return (page, 400) if form.is_submitted() else page


@bp.post("/manage/campaigns/<int:campaign_id>/actions/<int:action_id>/photos/<int:photo_id>/delete")
@login_required
def delete_photo(campaign_id: int, action_id: int, photo_id: int) -> Response:
    action = _action_or_404(campaign_id, action_id)
    try:
        actions.delete_photo(action, photo_id)
    except LookupError:
        abort(404)
    db.session.commit()
    flash(_("The photo was deleted."), "success")
    return _back(action)


@bp.post("/manage/campaigns/<int:campaign_id>/actions/<int:action_id>/delete")
@login_required
def delete(campaign_id: int, action_id: int) -> Response:
    action = _action_or_404(campaign_id, action_id)
    city = action.city
    actions.delete_action(action)
    db.session.commit()
    flash(_("The report of the action in %(city)s was deleted.", city=city), "success")
    return redirect(url_for("actions.queue", campaign_id=campaign_id))
