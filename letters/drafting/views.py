"""Coordinators' pages for the writing aids: letter templates, the phrasebook, words to avoid.

Views parse a form, call a service, render. A save the service refuses shows its messages on
the fields, like the form's own checks, and stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import AvoidTerm, LetterTemplate, Phrase
from . import services
from .forms import AvoidTermForm, PhraseForm, TemplateForm
from .placeholders import GENDERED_FORMS, PLACEHOLDERS

bp = Blueprint("drafting", __name__, url_prefix="/manage")


@bp.context_processor
def display_helpers() -> dict[str, Any]:
    return {"occasion_label": lambda o: services.OCCASION_LABELS.get(o, o)}


def _save(form: Any, save: Callable[[Any, Any], Any], target: Any) -> Any | None:
    """Run a service's save with the form's data and commit; on a refusal show its messages on
    the fields (nothing is stored) and return None."""
    try:
        saved = save(target, form.data_for_save())
    except services.InvalidData as exc:
        for name, messages in exc.errors.items():
            form[name].errors = [*form[name].errors, *messages]
        return None
    db.session.commit()
    return saved


# --- letter templates -------------------------------------------------------------------------


@bp.route("/templates")
@login_required
def templates() -> str:
    return render_template("drafting/templates.html", templates=services.templates_for())


@bp.route("/templates/new", methods=["GET", "POST"])
@login_required
def template_create() -> ResponseReturnValue:
    form = TemplateForm()
    if form.validate_on_submit() and request.form.get("action") != "preview":
        template = _save(form, services.save_template, None)
        if template is not None:
            flash(_("The template “%(title)s” was added.", title=template.title), "success")
            return redirect(url_for("drafting.template_edit", template_id=template.id))
    return _template_page(form, None)


@bp.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
@login_required
def template_edit(template_id: int) -> ResponseReturnValue:
    template = db.get_or_404(LetterTemplate, template_id)
    form = TemplateForm(data=TemplateForm.initial_data(template))
    saving = form.validate_on_submit() and request.form.get("action") != "preview"
    if saving and _save(form, services.save_template, template) is not None:
        flash(_("The changes were saved."), "success")
        return redirect(url_for("drafting.template_edit", template_id=template.id))
    return _template_page(form, template)


def _template_page(form: TemplateForm, template: LetterTemplate | None) -> str:
    # The preview follows the form, not the database: after "Preview" or a refused save the
    # coordinator sees what they typed, filled for the example prisoner and writer.
    body = form.body.data or ""
    return render_template(
        "drafting/template_form.html",
        form=form,
        template=template,
        placeholders=PLACEHOLDERS,
        gendered_forms=GENDERED_FORMS,
        example=services.example_context(latin_script=True),
        preview=services.preview(body) if body.strip() else "",
        preview_translation=services.preview(form.translation.data or ""),
    )


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@login_required
def template_delete(template_id: int) -> Response:
    template = db.get_or_404(LetterTemplate, template_id)
    title = template.title
    services.delete_template(template)
    db.session.commit()
    flash(_("The template “%(title)s” was deleted.", title=title), "success")
    return redirect(url_for("drafting.templates"))


# --- phrasebook -------------------------------------------------------------------------------


@bp.route("/phrases", methods=["GET", "POST"])
@login_required
def phrases() -> ResponseReturnValue:
    form = PhraseForm()
    if form.validate_on_submit() and _save(form, services.save_phrase, None) is not None:
        flash(_("The phrase was added."), "success")
        return redirect(url_for("drafting.phrases"))
    return render_template("drafting/phrases.html", form=form, phrases=services.phrasebook())


@bp.route("/phrases/<int:phrase_id>/edit", methods=["GET", "POST"])
@login_required
def phrase_edit(phrase_id: int) -> ResponseReturnValue:
    phrase = db.get_or_404(Phrase, phrase_id)
    form = PhraseForm(data=PhraseForm.initial_data(phrase))
    if form.validate_on_submit() and _save(form, services.save_phrase, phrase) is not None:
        flash(_("The changes were saved."), "success")
        return redirect(url_for("drafting.phrases"))
    return render_template("drafting/phrase_edit.html", form=form, phrase=phrase)


@bp.route("/phrases/<int:phrase_id>/delete", methods=["POST"])
@login_required
def phrase_delete(phrase_id: int) -> Response:
    services.delete_phrase(db.get_or_404(Phrase, phrase_id))
    db.session.commit()
    flash(_("The phrase was deleted."), "success")
    return redirect(url_for("drafting.phrases"))


# --- words and topics to avoid ----------------------------------------------------------------


@bp.route("/avoid", methods=["GET", "POST"])
@login_required
def avoid_terms() -> ResponseReturnValue:
    form = AvoidTermForm()
    if form.validate_on_submit() and _save(form, services.save_avoid_term, None) is not None:
        flash(_("The entry was added."), "success")
        return redirect(url_for("drafting.avoid_terms"))
    return render_template("drafting/avoid_terms.html", form=form, terms=services.avoid_terms())


@bp.route("/avoid/<int:term_id>/edit", methods=["GET", "POST"])
@login_required
def avoid_term_edit(term_id: int) -> ResponseReturnValue:
    term = db.get_or_404(AvoidTerm, term_id)
    form = AvoidTermForm(data=AvoidTermForm.initial_data(term))
    if form.validate_on_submit() and _save(form, services.save_avoid_term, term) is not None:
        flash(_("The changes were saved."), "success")
        return redirect(url_for("drafting.avoid_terms"))
    return render_template("drafting/avoid_term_edit.html", form=form, term=term)


@bp.route("/avoid/<int:term_id>/delete", methods=["POST"])
@login_required
def avoid_term_delete(term_id: int) -> Response:
    services.delete_avoid_term(db.get_or_404(AvoidTerm, term_id))
    db.session.commit()
    flash(_("The entry was deleted."), "success")
    return redirect(url_for("drafting.avoid_terms"))
