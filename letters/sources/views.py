"""``/manage/sources``: the groups whose lists this group follows, what their syncs propose,
and the coordinators' decisions about it. The decisions are in ``decisions``; views only ask,
commit and say what happened."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from werkzeug.wrappers import Response

from ..display import display_name
from ..extensions import db
from ..form_helpers import flash_errors
from ..models import ChangeKind, Prisoner, Source, SourceChange, SourceLink
from ..paging import page_number
from ..validation import FieldError
from . import counts, decisions, listing
from .forms import LinkForm, SourceForm, SourceSettingsForm
from .records import record_day
from .sync import SyncReport, sync_source

bp = Blueprint("sources", __name__, url_prefix="/manage/sources")

CHANGE_LABELS = {
    ChangeKind.TRANSFER: lambda: _("Transfers"),
    ChangeKind.STATUS: lambda: _("Status"),
    ChangeKind.NAME: lambda: _("Names"),
    ChangeKind.LANGUAGES: lambda: _("Languages"),
    ChangeKind.UNLISTED: lambda: _("No longer listed by them"),
}


@bp.route("", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    form = SourceForm()
    if form.validate_on_submit():
        try:
            source = decisions.add_source(form.base_url.data or "", form.name.data or "")
        except FieldError as exc:
            db.session.rollback()
            form.base_url.errors = [*form.base_url.errors, str(exc)]
        else:
            db.session.commit()
            flash(
                _("%(name)s is followed now: sync it to read its list.", name=_label(source)),
                "success",
            )
            return redirect(url_for("sources.show", source_id=source.id))
    status = 400 if form.errors else 200
    page = render_template(
        "sources/index.html", form=form, summaries=listing.summaries(date.today())
    )
    return page, status


@bp.route("/<int:source_id>", methods=["GET", "POST"])
@login_required
def show(source_id: int) -> ResponseReturnValue:
    source = db.get_or_404(Source, source_id)
    form = SourceSettingsForm(obj=source)
    if form.validate_on_submit():
        source.name = form.name.data or ""
        source.read_letters = bool(form.read_letters.data)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("sources.show", source_id=source.id))
    page = render_template(
        "sources/show.html",
        form=form,
        source=source,
        summary=listing.summary(source, date.today()),
        pending=listing.pending_changes(source),
        change_labels={kind: label() for kind, label in CHANGE_LABELS.items()},
        links=listing.links_of_source(source),
    )
    return page, 400 if form.errors else 200


@bp.route("/<int:source_id>/new-people")
@login_required
def new_people(source_id: int) -> str:
    source = db.get_or_404(Source, source_id)
    name = request.args.get("q", "").strip()[:100]
    dismissed = request.args.get("dismissed") == "1"
    page = listing.offers(
        source, name=name, page=page_number(request.args.get("page")), dismissed=dismissed
    )
    return render_template(
        "sources/new_people.html",
        source=source,
        page=page,
        name=name,
        dismissed=dismissed,
    )


@bp.post("/<int:source_id>/sync")
@login_required
def sync(source_id: int) -> Response:
    source = db.get_or_404(Source, source_id)
    report = sync_source(source)
    db.session.commit()
    for category, message in report_messages(report):
        flash(message, category)
    return redirect(url_for("sources.show", source_id=source.id))


def report_messages(report: SyncReport) -> list[tuple[str, str]]:
    """A sync's report as flashed messages: the counts, then each refused item."""
    if listing.report_error(report):
        return [("error", _("The sync failed: %(reason)s", reason=listing.report_error(report)))]
    messages = [("success", listing.report_summary(report))]
    messages += [("warning", text) for text in listing.refusals(report)]
    return messages


@bp.route("/<int:source_id>/remove", methods=["GET", "POST"])
@login_required
def remove(source_id: int) -> ResponseReturnValue:
    """A page that asks first; its button removes the source (CSRF checked before the view)."""
    source = db.get_or_404(Source, source_id)
    if request.method == "GET":
        return render_template(
            "sources/remove.html", source=source, summary=listing.summary(source, date.today())
        )
    name = _label(source)
    decisions.remove_source(source)
    db.session.commit()
    flash(
        _("%(name)s is no longer followed. The people adopted from it stay.", name=name),
        "success",
    )
    return redirect(url_for("sources.index"))


# --- decisions on one change ----------------------------------------------------------------


def _change(change_id: int) -> SourceChange:
    return db.get_or_404(SourceChange, change_id)


def _decided(change: SourceChange, decide: Any, done: str) -> Response:
    """Run one decision; commit and say ``done``, or roll back and say why not."""
    source_id, kind = change.source_id, change.kind
    try:
        decide(change)
    except FieldError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(done, "success")
    if kind == ChangeKind.NEW_PERSON:
        return redirect(_back_to_new_people(source_id))
    return redirect(url_for("sources.show", source_id=source_id, _anchor="changes"))


def _back_to_new_people(source_id: int) -> str:
    # Back to the list, the search and page the coordinator was on (only those two kept).
    args: dict[str, Any] = {
        k: v for k, v in request.args.items() if k in ("q", "page", "dismissed")
    }
    return url_for("sources.new_people", source_id=source_id, **args)


@bp.post("/changes/<int:change_id>/accept")
@login_required
def accept(change_id: int) -> Response:
    return _decided(_change(change_id), decisions.accept, _("The change was applied."))


@bp.post("/<int:source_id>/accept-all/<kind>")
@login_required
def accept_all(source_id: int, kind: str) -> Response:
    source = db.get_or_404(Source, source_id)
    if kind not in {k.value for k in listing.CHANGE_KINDS}:
        abort(404)
    applied, refused = decisions.accept_all(source, ChangeKind(kind))
    db.session.commit()
    flash(
        ngettext("%(num)d change was applied.", "%(num)d changes were applied.", applied), "success"
    )
    for prisoner, why in refused:
        flash(_("%(name)s: not applied: %(reason)s", name=_person(prisoner), reason=why), "error")
    return redirect(url_for("sources.show", source_id=source.id, _anchor="changes"))


@bp.post("/changes/<int:change_id>/dismiss")
@login_required
def dismiss(change_id: int) -> Response:
    return _decided(_change(change_id), decisions.dismiss, _("Dismissed."))


@bp.post("/changes/<int:change_id>/offer-again")
@login_required
def offer_again(change_id: int) -> Response:
    return _decided(_change(change_id), decisions.offer_again, _("The person is offered again."))


@bp.post("/changes/<int:change_id>/adopt")
@login_required
def adopt(change_id: int) -> Response:
    change = _change(change_id)
    source_id = change.source_id
    try:
        prisoner = decisions.adopt(change)
    except FieldError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(_back_to_new_people(source_id))
    db.session.commit()
    flash(_("%(name)s was added to the registry.", name=_person(prisoner)), "success")
    return redirect(_back_to_new_people(source_id))


@bp.post("/changes/<int:change_id>/link")
@login_required
def link(change_id: int) -> Response:
    change = _change(change_id)
    source_id = change.source_id
    form = LinkForm()
    if not form.validate():
        flash_errors(form)
        return redirect(_back_to_new_people(source_id))
    prisoner = db.session.get(Prisoner, form.chosen_id())
    if prisoner is None:
        flash(
            _(
                "Local person's number: there is nobody with the number %(id)s.",
                id=form.chosen_id(),
            ),
            "error",
        )
        return redirect(_back_to_new_people(source_id))
    try:
        decisions.link_by_hand(change, prisoner)
    except FieldError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(_back_to_new_people(source_id))
    db.session.commit()
    flash(
        _(
            "Linked to %(name)s: what their list says differently is proposed as changes.",
            name=_person(prisoner),
        ),
        "success",
    )
    return redirect(_back_to_new_people(source_id))


@bp.post("/links/<int:link_id>/unlink")
@login_required
def unlink(link_id: int) -> Response:
    link = db.get_or_404(SourceLink, link_id)
    source_id = link.source_id
    decisions.unlink(link)
    db.session.commit()
    flash(_("Unlinked. The person stays in the registry."), "success")
    back = request.args.get("back")
    if back == "prisoner":
        return redirect(url_for("prisoners.edit", prisoner_id=link.prisoner_id, _anchor="sources"))
    return redirect(url_for("sources.show", source_id=source_id, _anchor="linked"))


# --- helpers for other pages ----------------------------------------------------------------


def _label(source: Source) -> str:
    return decisions.source_label(source)


def _person(prisoner: Prisoner) -> str:
    return display_name(prisoner)


@bp.app_context_processor
def source_helpers() -> dict[str, Any]:
    # The prisoner's pages (another blueprint) show the sources a person is linked to and the
    # letters from all groups by name, so the prisoners package need not import this one
    # (which imports it).
    return {
        "source_links_of": listing.links_of,
        "source_label": decisions.source_label,
        "record_status": listing.status_text,
        "record_day": record_day,
        "letters_from_all_groups": lambda prisoner_id: counts.all_groups([prisoner_id]).get(
            prisoner_id
        ),
    }
