"""The public guidelines page and the coordinators' editor for its sections."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import login_required

from ..extensions import db
from ..models import GuidelineSection
from . import services
from .forms import GuidelineSectionForm, NewGuidelineSectionForm
from .markdown import render_markdown

bp = Blueprint("guidelines", __name__)

# --- public -----------------------------------------------------------------------------------


@bp.route("/guidelines")
def index() -> str:
    language = services.page_language(request.args.get("lang"), str(get_locale() or ""))
    # ?lang= switches the whole page, not only the sections, so headings, links and the
    # <html lang> around the text agree with it.
    with force_locale(language):
        return render_template(
            "guidelines/index.html",
            language=language,
            sections=services.sections_for(language),
            other_languages=services.other_languages(language),
            endonyms=services.LANGUAGE_ENDONYMS,
        )


# --- coordinators -----------------------------------------------------------------------------


@bp.route("/manage/guidelines")
@login_required
def manage() -> str:
    return render_template(
        "guidelines/manage.html",
        grouped=services.sections_by_language(),
        missing=services.missing_translations(),
        endonyms=services.LANGUAGE_ENDONYMS,
    )


@bp.route("/manage/guidelines/new", methods=["GET", "POST"])
@login_required
def create() -> ResponseReturnValue:
    form = NewGuidelineSectionForm()
    if form.validate_on_submit():
        section = form.new_section()
        db.session.add(section)
        db.session.commit()
        flash(_("The section “%(title)s” was added.", title=section.title), "success")
        return redirect(url_for("guidelines.edit", section_id=section.id))
    return render_template("guidelines/create.html", form=form)


@bp.route("/manage/guidelines/<int:section_id>/edit", methods=["GET", "POST"])
@login_required
def edit(section_id: int) -> ResponseReturnValue:
    section = db.get_or_404(GuidelineSection, section_id)
    form = GuidelineSectionForm(obj=section)
    if form.validate_on_submit():
        form.populate(section)
        db.session.commit()
        flash(_("The changes were saved."), "success")
        return redirect(url_for("guidelines.edit", section_id=section.id))
    return render_template(
        "guidelines/edit.html",
        form=form,
        section=section,
        # What visitors see now: the saved text, not what is being typed.
        preview=render_markdown(section.body),
        endonyms=services.LANGUAGE_ENDONYMS,
    )
