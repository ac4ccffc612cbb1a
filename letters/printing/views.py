"""Print routes: an envelope and a letter sheet for anyone, the evening pack and the group's
settings for coordinators.

Every PDF is rendered inside the request and never stored. A return address a writer types
arrives in a POST body and leaves in the PDF; it is not logged, flashed or kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from io import BytesIO
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..campaigns.visibility import call_is_public
from ..countries import country_list
from ..downloads import ZIP, pdf_download, private_download
from ..extensions import db
from ..hostile_input import database_id
from ..links import external_url
from ..lookups import listed_prisoner_or_404
from ..models import Campaign, Prisoner
from ..settings.services import group_return_lines, group_settings
from . import services
from .envelopes import render_envelopes
from .forms import ALL_RUNS, EnvelopeForm, OwnReturnAddressForm, PackForm, SheetForm
from .pack import RUNS, pack_run, paper_runs, render_pack_zip
from .poster import DEFAULT_POSTER_SIZE, POSTER_SIZES, PosterDoesNotFit, render_poster
from .sheets import render_letter_sheets

bp = Blueprint("printing", __name__)


# --- the print section on a prisoner's public page --------------------------------------------


@dataclass(frozen=True)
class PrintOptions:
    """What the "Print" section of a prisoner's page offers."""

    envelope: EnvelopeForm
    sheet: SheetForm
    group_return_lines: tuple[str, ...]
    can_print_envelope: bool
    allows_paper: bool


def print_options(prisoner: Prisoner, posted_from: str | None = None) -> PrintOptions:
    """``posted_from``: the country the visitor just chose on the page (a code, ``""`` for
    abroad); ``None``: not chosen, the group's home country."""
    settings = group_settings()
    sheet = SheetForm(formdata=None, data={"fold": services.DEFAULT_FOLD["A4"]})
    if posted_from is None:
        posted_from = settings.home_country
    return PrintOptions(
        envelope=EnvelopeForm(formdata=None, data={"posted_from": posted_from}),
        sheet=sheet,
        group_return_lines=group_return_lines(settings),
        can_print_envelope=prisoner.facility is not None,
        allows_paper=prisoner.allows_paper,
    )


@bp.app_context_processor
def print_helpers() -> dict[str, Any]:
    # The profile belongs to the prisoners blueprint; it asks for its print forms by name, so
    # they are built only on the page that shows them. Likewise the page's one country list
    # (templates/_country_list.html), for the pages with a country text box.
    # The campaign partial templates/campaigns/_poster_links.html asks whether a poster can
    # carry its QR code.
    return {
        "print_options": print_options,
        "country_list": country_list,
        "call_page_link": call_page_link,
    }


# --- public: one envelope, one letter sheet ---------------------------------------------------


@bp.route("/prisoners/<int:prisoner_id>/envelope.pdf", methods=["GET", "POST"])
def envelope(prisoner_id: int) -> ResponseReturnValue:
    """GET ``?size=DL&from=DE&return=group|none``: the stable URL. ``return=own`` shows the
    warning and the form for a return address of one's own, which POSTs back here: a home
    address must never travel in a URL (URLs end up in logs and browser history)."""
    prisoner = listed_prisoner_or_404(prisoner_id)
    if prisoner.facility is None:
        # Said before the writer types a return address, not after.
        return _problem([str(services.no_address(prisoner))], 404)
    if request.method == "POST":
        return _envelope_with_own_return_address(prisoner)
    settings = group_settings()
    form = EnvelopeForm(formdata=request.args, data={"posted_from": settings.home_country})
    if not form.validate():
        return _bad_request(form)
    source = form.return_source()
    if source == services.RETURN_OWN:
        # The writer's own address is most likely where they post from.
        own = OwnReturnAddressForm(
            data={
                "size": form.size.data,
                "posted_from": form.posted_from.data,
                "return_country": form.posted_from.data,
            }
        )
        return render_template("printing/own_return_address.html", prisoner=prisoner, form=own)
    lines = group_return_lines(settings) if source == services.RETURN_GROUP else ()
    return _envelope_pdf(prisoner, form.size.data, form.country(), lines, settings.home_country)


def _envelope_with_own_return_address(prisoner: Prisoner) -> ResponseReturnValue:
    form = OwnReturnAddressForm()
    if not (form.validate_on_submit() and form.return_country_ok(prisoner)):
        # The typed address goes back only into this response's form, never anywhere else.
        page = render_template("printing/own_return_address.html", prisoner=prisoner, form=form)
        return page, 400
    return _envelope_pdf(
        prisoner, form.size.data, form.country(), form.return_lines(), form.return_country_code()
    )


def _envelope_pdf(
    prisoner: Prisoner,
    size: str,
    posted_from: str | None,
    return_lines: tuple[str, ...],
    return_country: str | None,
) -> ResponseReturnValue:
    envelope = services.envelope_for(prisoner, posted_from, return_lines, return_country)
    try:
        services.check_envelopes_fit([(prisoner, envelope)], size)
    except services.DoesNotFitError as exc:
        # 422: the request was understood, but this envelope would print too small to read.
        return _problem(exc.messages, 422)
    return pdf_download(
        partial(render_envelopes, [envelope], size), f"envelope-{size}-{prisoner.id}.pdf"
    )


@bp.get("/prisoners/<int:prisoner_id>/sheet.pdf")
def sheet(prisoner_id: int) -> ResponseReturnValue:
    """GET ``?size=A4&fold=DL&pages=1&reply=1``: ruled pages for handwriting, with the header.

    Typed letter text is never accepted here: it must not travel in a URL.
    """
    prisoner = listed_prisoner_or_404(prisoner_id)
    form = SheetForm(formdata=request.args)
    if not form.validate():
        return _bad_request(form)
    size = form.size.data
    letter = services.letter_sheet_for(
        prisoner,
        None,
        form.fold_for(fold_given="fold" in request.args),
        reply_sheet=bool(form.reply.data),
        ruled_pages=form.pages.data,
    )
    return pdf_download(
        partial(render_letter_sheets, [letter], size),
        f"letter-sheet-{size}-{prisoner.id}.pdf",
    )


# --- a campaign's poster and flyer ------------------------------------------------------------


@bp.get("/campaigns/<int:campaign_id>/poster.pdf")
def poster(campaign_id: int) -> ResponseReturnValue:
    """GET ``?size=A3`` (the default) or ``A4``: the campaign's call as a poster."""
    size = (request.args.get("size") or DEFAULT_POSTER_SIZE).strip().upper()
    if size not in POSTER_SIZES:
        message = _(
            "Unknown poster size “%(size)s”: use A3 or A4.", size=request.args.get("size", "")
        )
        return _problem([message], 400)
    return _poster_pdf(campaign_id, size, f"poster-{size}-{campaign_id}.pdf")


@bp.get("/campaigns/<int:campaign_id>/flyer.pdf")
def flyer(campaign_id: int) -> ResponseReturnValue:
    """The campaign's call as two A5 flyers on a landscape A4 sheet, to cut in half."""
    return _poster_pdf(campaign_id, "FLYER", f"flyer-{campaign_id}.pdf")


def call_page_link(campaign: Campaign) -> str | None:
    """The absolute address of the campaign's public page, for the QR code (``None``: the site
    does not know its own address, and the poster prints without one)."""
    return external_url("campaigns.report", campaign_id=campaign.id)


def _poster_pdf(campaign_id: int, size: str, filename: str) -> ResponseReturnValue:
    """Public while the call is published; coordinators can print it before, to check it."""
    campaign = db.get_or_404(Campaign, campaign_id)
    if not (call_is_public(campaign) or current_user.is_authenticated):
        abort(404)
    link = call_page_link(campaign)
    # The words around the call are in the poster's language, whatever the reader's.
    with force_locale(services.poster_language(campaign)):
        poster = services.poster_for(campaign, link)
        try:
            return pdf_download(partial(render_poster, poster, size), filename)
        except PosterDoesNotFit as exc:
            problems = exc.messages
    # Out of the poster's language: the refusal is read in the coordinator's.
    return _problem([str(problem) for problem in problems], 422)


# --- coordinators -----------------------------------------------------------------------------


@bp.route("/manage/print/pack", methods=["GET", "POST"])
@login_required
def pack() -> ResponseReturnValue:
    """Everything for a letter-writing evening (POST, so a reload asks first): a zip of one PDF
    per paper, or, by the button pressed, one of those PDFs.

    ``?campaign=<id>`` offers that evening's chosen prisoners (listed or not) instead of
    everyone listed.
    """
    campaign = None
    if request.args.get("campaign"):
        campaign = db.get_or_404(Campaign, request.args.get("campaign", type=database_id) or 0)
        prisoners = [p for p in campaign.prisoners if p.facility_id is not None]
    else:
        prisoners = services.listed_printable_prisoners()
    settings = group_settings()
    form = PackForm(
        prisoners,
        data={
            "prisoner_ids": [p.id for p in prisoners],
            "posted_from": settings.home_country,
        },
    )
    if form.validate_on_submit():
        chosen = set(form.prisoner_ids.data)
        lines = (
            group_return_lines(settings) if form.return_choice.data == services.RETURN_GROUP else ()
        )
        try:
            evening = services.evening_pack_for(
                [p for p in prisoners if p.id in chosen],
                envelopes_per_prisoner=form.envelopes.data,
                envelope_size=form.size.data,
                posted_from=form.country(),
                label_sheet=form.label_sheet.data,
                start_at=form.start_at.data,
                return_lines=lines,
                return_country=settings.home_country,
                label_outlines=bool(form.outlines.data),
            )
        except services.DoesNotFitError as exc:
            return _problem(exc.messages, 422)
        if form.run.data == ALL_RUNS:
            buffer = BytesIO()
            render_pack_zip(evening, buffer)
            name = f"evening-pack-{date.today().isoformat()}.zip"
            return private_download(buffer.getvalue(), name, ZIP)
        run = pack_run(evening, form.run.data)
        if run is None:
            files = ", ".join(r.filename for r in paper_runs(evening))
            message = _(
                "Nothing in this pack prints on that paper. Its files: %(files)s.", files=files
            )
            return _problem([message], 400)
        return pdf_download(run.render, run.filename)
    return render_template(
        "printing/pack.html",
        form=form,
        campaign=campaign,
        group_return_lines=group_return_lines(settings),
        runs=RUNS,
    )


# --- helpers ----------------------------------------------------------------------------------


def _bad_request(form: FlaskForm) -> tuple[str, int]:
    """A URL with a size or country we cannot print: say which and why, with a 400."""
    messages = [str(message) for errors in form.errors.values() for message in errors]
    return _problem(messages, 400)


def _problem(messages: list[str], code: int) -> tuple[str, int]:
    page = render_template("printing/problem.html", code=code, messages=messages)
    return page, code
