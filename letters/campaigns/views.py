"""Campaign and evening pages: the coordinators' list, form and progress page (where an
evening's letters are recorded), the public call they write, and the public page (the call
before and during the week, the report-back after) with its Atom feed."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..display import display_name
from ..extensions import db
from ..guidelines.markdown import render_markdown
from ..letterlog.need import NeedRow
from ..links import external_url
from ..models import Campaign, CampaignCall
from ..settings.services import group_settings
from ..validation import FieldError
from . import calls, feed, services
from .forms import (
    KIND_LABELS,
    VIA_LABELS,
    CallForm,
    CallSettingsForm,
    CampaignForm,
    RecordLettersForm,
    record_letters_form,
)

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
    """The public page: the call before and during the week (when published), the report-back
    whenever it is published; a 404 when neither is, as for anything unpublished. Listed
    prisoners only, by name."""
    campaign = db.get_or_404(Campaign, campaign_id)
    today = date.today()
    public = calls.public_campaign(campaign, today, str(get_locale()), request.args.get("lang"))
    if public is None:
        abort(404)
    settings = group_settings()
    return render_template(
        "campaigns/report.html",
        campaign=campaign,
        public=public,
        report=services.report_back(campaign, today) if public.shows_report else None,
        donation_instructions=render_markdown(settings.donation_instructions or ""),
        can_be_written_to=calls.can_be_written_to,
        render_markdown=render_markdown,
    )


def _feed_link(endpoint: str, **values: Any) -> str:
    """Absolute when the site knows its address (never from the forgeable ``Host`` header: a
    cache or an allied site reposting the feed would keep a forged one); else relative, which
    a feed reader resolves against the feed's own address."""
    return external_url(endpoint, **values) or url_for(endpoint, **values)


@bp.route("/campaigns.atom")
def atom_feed() -> Response:
    """Published calls and report-backs as an Atom feed, newest first, in the reader's language
    where a call has it."""
    today = date.today()
    locale = str(get_locale())
    body = feed.render_feed(
        feed.feed_entries(today, locale),
        title=_("Solidarity calls and report-backs"),
        feed_url=_feed_link("campaigns.atom_feed"),
        home_url=_feed_link("prisoners.public_list"),
        page_url=lambda campaign_id: _feed_link("campaigns.report", campaign_id=campaign_id),
        language=locale,
        today=today,
    )
    response = Response(body, content_type="application/atom+xml; charset=utf-8")
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Accept-Language")
    return response


# --- the call, as coordinators write it ---------------------------------------------------------


@bp.route("/manage/campaigns/<int:campaign_id>/call", methods=["GET", "POST"])
@login_required
def call(campaign_id: int) -> ResponseReturnValue:
    """The call's texts (one per language), its payment reference, the poster's language and
    whether it is published."""
    campaign = db.get_or_404(Campaign, campaign_id)
    form = CallSettingsForm(campaign, data=CallSettingsForm.initial_data(campaign))
    if form.validate_on_submit():
        try:
            calls.save_call_settings(campaign, form.settings())
        except FieldError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The call's settings were saved."), "success")
            return redirect(url_for("campaigns.call", campaign_id=campaign.id))
    status = 400 if form.is_submitted() else 200
    return _call_page(campaign, form), status


@bp.route("/manage/campaigns/<int:campaign_id>/call/new", methods=["GET", "POST"])
@login_required
def add_call(campaign_id: int) -> ResponseReturnValue:
    campaign = db.get_or_404(Campaign, campaign_id)
    taken = {c.language for c in campaign.calls}
    first_free = next((code for code in ("en", "ru") if code not in taken), "")
    form = CallForm(data={"language": first_free})
    if form.validate_on_submit() and _save_call(campaign, None, form):
        flash(_("The call's text was added."), "success")
        return redirect(url_for("campaigns.call", campaign_id=campaign.id))
    status = 400 if form.is_submitted() else 200
    return render_template("campaigns/call_form.html", campaign=campaign, form=form), status


@bp.route("/manage/campaigns/<int:campaign_id>/call/<language>", methods=["GET", "POST"])
@login_required
def edit_call(campaign_id: int, language: str) -> ResponseReturnValue:
    campaign = db.get_or_404(Campaign, campaign_id)
    existing = calls.find_call(campaign, language)
    if existing is None:
        abort(404)
    form = CallForm(data=CallForm.initial_data(existing))
    if form.validate_on_submit() and _save_call(campaign, existing, form):
        flash(_("The changes were saved."), "success")
        return redirect(url_for("campaigns.call", campaign_id=campaign.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "campaigns/call_form.html", campaign=campaign, form=form, call=existing
    ), status


@bp.post("/manage/campaigns/<int:campaign_id>/call/<language>/delete")
@login_required
def remove_call(campaign_id: int, language: str) -> Response:
    campaign = db.get_or_404(Campaign, campaign_id)  # (CSRFProtect checked the token already)
    try:
        calls.remove_call(campaign, language)
    except LookupError:
        abort(404)
    except FieldError as exc:
        flash(str(exc), "error")
        return redirect(url_for("campaigns.call", campaign_id=campaign.id))
    db.session.commit()
    flash(_("The call's text was removed."), "success")
    return redirect(url_for("campaigns.call", campaign_id=campaign.id))


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


def _save_call(campaign: Campaign, existing: CampaignCall | None, form: CallForm) -> bool:
    """Save one language's call, or put the services' complaint on its field (everything typed
    stays on the form)."""
    try:
        calls.save_call(campaign, existing, form.fields())
    except FieldError as exc:
        db.session.rollback()
        form.language.errors = [*form.language.errors, str(exc)]
        return False
    db.session.commit()
    return True


def _call_page(campaign: Campaign, form: CallSettingsForm) -> str:
    return render_template(
        "campaigns/call.html",
        campaign=campaign,
        form=form,
        has_instructions=bool(group_settings().donation_instructions.strip()),
        public=calls.call_is_public(campaign),
    )


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
        call_public=calls.call_is_public(campaign),
    )
