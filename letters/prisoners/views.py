from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..addressing import is_international
from ..audit.services import prisoner_entries
from ..display import display_name, facility_allowances
from ..extensions import db
from ..guidelines.markdown import render_markdown
from ..letterlog.need import page_by_need
from ..lookups import listed_prisoner_or_404
from ..mail import services as mail
from ..mail.forms import RETURN_REASON_LABELS, AddressReportForm, ReplyForm, ReturnForm
from ..models import Prisoner
from ..postal import address_block
from ..settings.services import group_settings
from ..validation import parse_date
from . import services
from .forms import (
    ListFilterForm,
    NewPrisonerForm,
    PostedFromForm,
    PrisonerForm,
    SearchForm,
    TransferForm,
)

bp = Blueprint("prisoners", __name__)

# --- public -----------------------------------------------------------------------------------


@bp.route("/")
def home() -> Response:
    return redirect(url_for("prisoners.public_list"))


@bp.route("/prisoners")
def public_list() -> str:
    form = SearchForm(formdata=request.args)
    query = services.prisoner_query(name=form.q.data or "", listed_only=True)
    # Who needs a letter next comes first, also within a name search; by letters recorded
    # before today, so the order cannot be watched to time a click.
    page = page_by_need(query, per_page=current_app.config["PAGE_SIZE"], public=True)
    page_args = {"q": form.q.data} if form.q.data else {}
    return render_template("prisoners/public_list.html", form=form, page=page, page_args=page_args)


@bp.route("/prisoners/<int:prisoner_id>")
def public_profile(prisoner_id: int) -> str:
    prisoner = listed_prisoner_or_404(prisoner_id)
    settings = group_settings()
    # The group's home country (or the site's POSTED_FROM), as for the envelope it prints.
    default = settings.home_country
    # Without ?from= the site's default applies; "?from=" (empty) means "from abroad".
    form = PostedFromForm(
        formdata=request.args if "from" in request.args else None,
        data={"posted_from": default.upper()},
    )
    posted_from = form.country(default)
    # Both ways the address prints, the one for this choice shown: posted_from.js shows the
    # other when the visitor's remembered choice (kept in their browser only) says so.
    destination = prisoner.facility.country_code.upper() if prisoner.facility else ""
    # A choice sent with the page goes to its envelope form too (as posted_from.js does).
    sent = form.posted_from.from_request and not form.posted_from.errors
    chosen = (form.posted_from.data or "") if sent else None
    return render_template(
        "prisoners/public_profile.html",
        prisoner=prisoner,
        form=form,
        destination=destination,
        chosen_country=chosen,
        domestic=address_block(prisoner, destination) if destination else None,
        abroad=address_block(prisoner, None),
        shows_domestic=bool(destination) and not is_international(posted_from, destination),
        allowances=facility_allowances(prisoner.facility),
        report_form=AddressReportForm(formdata=None),
        # Shown only with what the person needs or their payment reference.
        donation_instructions=render_markdown(settings.donation_instructions or "")
        if prisoner.needs_note or prisoner.payment_reference
        else None,
    )


# --- coordinators -----------------------------------------------------------------------------


@bp.route("/manage/prisoners")
@login_required
def manage_list() -> str:
    form = ListFilterForm(formdata=request.args)
    filters = form.filters()
    query = services.prisoner_query(
        name=filters["q"],
        country=filters["country"],
        status=filters["status"],
        language=filters["language"],
    )
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    page_args = {name: value for name, value in filters.items() if value}
    return render_template("prisoners/manage_list.html", form=form, page=page, page_args=page_args)


@bp.route("/manage/prisoners/new", methods=["GET", "POST"])
@login_required
def create() -> ResponseReturnValue:
    form = NewPrisonerForm()
    if form.validate_on_submit():
        prisoner = Prisoner()
        form.populate(prisoner)
        prisoner.facility = form.chosen_facility()
        services.save_prisoner(prisoner)
        db.session.commit()
        flash(_("%(name)s was added.", name=display_name(prisoner)), "success")
        return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id))
    return render_template("prisoners/create.html", form=form)


@bp.route("/manage/prisoners/<int:prisoner_id>/edit", methods=["GET", "POST"])
@login_required
def edit(prisoner_id: int) -> ResponseReturnValue:
    prisoner = db.get_or_404(Prisoner, prisoner_id)
    form = PrisonerForm(data=PrisonerForm.initial_data(prisoner), reads=prisoner.language_codes)
    if form.validate_on_submit():
        form.populate(prisoner)
        services.save_prisoner(prisoner)
        db.session.commit()
        flash(_("The changes were saved."), "success")
        return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id))
    return render_template(
        "prisoners/edit.html",
        form=form,
        prisoner=prisoner,
        preview=services.envelope_preview(prisoner),
        reply_form=ReplyForm(formdata=None),
        return_form=ReturnForm(formdata=None),
        mail_events=mail.recent_events(prisoner),
        return_reasons=RETURN_REASON_LABELS,
        history=prisoner_entries(prisoner.id),
    )


@bp.route("/manage/prisoners/<int:prisoner_id>/transfer", methods=["GET", "POST"])
@login_required
def transfer(prisoner_id: int) -> ResponseReturnValue:
    prisoner = db.get_or_404(Prisoner, prisoner_id)
    form = TransferForm(prisoner)
    if form.validate_on_submit():
        facility = form.chosen_facility()
        services.transfer_prisoner(
            prisoner,
            facility,
            on=parse_date(form.on.data or ""),
            unit=form.unit.data or "",
            note=form.note.data or "",
        )
        db.session.commit()
        flash(_("The transfer to %(facility)s was recorded.", facility=facility.name), "success")
        return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id))
    return render_template("prisoners/transfer.html", form=form, prisoner=prisoner)


@bp.route("/manage/prisoners/<int:prisoner_id>/unlist", methods=["POST"])
@login_required
def unlist(prisoner_id: int) -> Response:
    prisoner = db.get_or_404(Prisoner, prisoner_id)
    services.unlist_prisoner(prisoner)
    db.session.commit()
    flash(_("%(name)s is no longer listed publicly.", name=display_name(prisoner)))
    return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id))


@bp.route("/manage/prisoners/<int:prisoner_id>/relist", methods=["POST"])
@login_required
def relist(prisoner_id: int) -> Response:
    prisoner = db.get_or_404(Prisoner, prisoner_id)
    services.relist_prisoner(prisoner)
    db.session.commit()
    flash(_("%(name)s is listed publicly again.", name=display_name(prisoner)))
    return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id))
