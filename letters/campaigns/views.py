"""Campaign and evening pages: the coordinators' list, form and progress page (where an
evening's letters are recorded), and the public report-back page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..display import display_name
from ..extensions import db
from ..letterlog.need import NeedRow
from ..models import Campaign
from ..validation import FieldError
from . import services
from .forms import KIND_LABELS, VIA_LABELS, CampaignForm, RecordLettersForm, record_letters_form

bp = Blueprint("campaigns", __name__)


@bp.route("/manage/campaigns")
@login_required
def index() -> str:
    return render_template(
        "campaigns/index.html", campaigns=services.campaign_progress(), kinds=KIND_LABELS
    )


@bp.route("/manage/campaigns/new", methods=["GET", "POST"])
@login_required
def create() -> ResponseReturnValue:
    rows = services.choosable_rows()
    form = CampaignForm([row.prisoner for row in rows])
    if form.is_submitted() and form.pick.data:
        return _picked(form, rows, None)
    if form.validate_on_submit():
        campaign = _save(None, form)
        if campaign is not None:
            flash(_("“%(name)s” was created.", name=campaign.name), "success")
            return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    return _form(form, rows, None)


@bp.route("/manage/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def edit(campaign_id: int) -> ResponseReturnValue:
    campaign = db.get_or_404(Campaign, campaign_id)
    rows = services.choosable_rows(campaign)
    form = CampaignForm([row.prisoner for row in rows], data=CampaignForm.initial_data(campaign))
    if form.is_submitted() and form.pick.data:
        return _picked(form, rows, campaign)
    if form.validate_on_submit() and _save(campaign, form) is not None:
        flash(_("The changes were saved."), "success")
        return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    return _form(form, rows, campaign)


@bp.post("/manage/campaigns/<int:campaign_id>/delete")
@login_required
def delete(campaign_id: int) -> Response:
    """Delete a campaign created by mistake (one with no letters counted to it)."""
    campaign = db.get_or_404(Campaign, campaign_id)  # (CSRFProtect checked the token already)
    name = campaign.name
    try:
        services.delete_campaign(campaign)
    except FieldError as exc:
        flash(str(exc), "error")
        return redirect(url_for("campaigns.edit", campaign_id=campaign.id))
    db.session.commit()
    flash(_("“%(name)s” was deleted.", name=name), "success")
    return redirect(url_for("campaigns.index"))


@bp.route("/manage/campaigns/<int:campaign_id>")
@login_required
def show(campaign_id: int) -> str:
    campaign = db.get_or_404(Campaign, campaign_id)
    return _show(campaign, record_letters_form(campaign.prisoners, formdata=None))


@bp.post("/manage/campaigns/<int:campaign_id>/letters")
@login_required
def record(campaign_id: int) -> ResponseReturnValue:
    """Log an evening's letters: one row per prisoner written to, all or nothing."""
    campaign = db.get_or_404(Campaign, campaign_id)
    form = record_letters_form(campaign.prisoners)
    if form.validate():
        try:
            total = services.record_letters(
                campaign, form.counts(), form.day(), user=current_user._get_current_object()
            )
        except (FieldError, LookupError) as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                ngettext(
                    "%(count)s letter was recorded for “%(name)s”.",
                    "%(count)s letters were recorded for “%(name)s”.",
                    total,
                    count=format_decimal(total),
                    name=campaign.name,
                ),
                "success",
            )
            return redirect(url_for("campaigns.show", campaign_id=campaign.id, _anchor="record"))
    return _show(campaign, form), 400


@bp.post("/manage/campaigns/<int:campaign_id>/letters/<int:entry_id>/delete")
@login_required
def remove_entry(campaign_id: int, entry_id: int) -> Response:
    """Correct the log: remove one entry of this campaign (a mistyped number, a double send)."""
    campaign = db.get_or_404(Campaign, campaign_id)  # (CSRFProtect checked the token already)
    try:
        entry = services.remove_entry(campaign, entry_id)
    except LookupError:
        abort(404)
    # Worded before the commit: the deleted row is detached from the session after it.
    message = ngettext(
        "The entry of %(count)s letter to %(name)s was removed.",
        "The entry of %(count)s letters to %(name)s was removed.",
        entry.letters,
        count=format_decimal(entry.letters),
        name=display_name(entry.prisoner),
    )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id, _anchor="entries"))


@bp.route("/campaigns/<int:campaign_id>")
def report(campaign_id: int) -> str:
    """The public report-back page: published campaigns only, listed prisoners only by name."""
    campaign = db.get_or_404(Campaign, campaign_id)
    if not campaign.report_published:
        abort(404)
    return render_template(
        "campaigns/report.html",
        report=services.report_back(campaign),
    )


# --- helpers ----------------------------------------------------------------------------------


def _form(form: CampaignForm, rows: list[NeedRow], campaign: Campaign | None) -> str:
    return render_template(
        "campaigns/form.html",
        form=form,
        campaign=campaign,
        need={row.prisoner.id: row for row in rows},
        today=date.today(),
    )


def _picked(
    form: CampaignForm, rows: list[NeedRow], campaign: Campaign | None
) -> ResponseReturnValue:
    """The form again with the neediest ticked and everything typed kept; nothing saved."""
    if not form.pick_neediest(rows):
        return _form(form, rows, campaign), 400
    return _form(form, rows, campaign)


def _save(campaign: Campaign | None, form: CampaignForm) -> Campaign | None:
    """Save, or put the services' complaint on the form and return None."""
    try:
        saved = services.save_campaign(campaign, form.fields())
    except (FieldError, LookupError) as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return None
    db.session.commit()
    return saved


def _show(campaign: Campaign, form: RecordLettersForm) -> str:
    done = services.progress(campaign)
    chosen_ids = {p.id for p in campaign.prisoners}
    return render_template(
        "campaigns/show.html",
        campaign=campaign,
        progress=done,
        form=form,
        kinds=KIND_LABELS,
        # Letters counted to the campaign for someone it did not choose (a visitor picked the
        # campaign on any prisoner's page): shown so the totals add up.
        others=services.other_prisoners(done, chosen_ids),
        with_address=[p for p in campaign.prisoners if p.facility_id is not None],
        entries=services.recent_entries(campaign),
        via_labels=VIA_LABELS,
    )
