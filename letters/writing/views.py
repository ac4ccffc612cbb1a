"""The writing page, the printed letter, and "I sent it".

The draft is sent to the server only to print it (``letter_pdf``), and then only in the body of
that one POST: it is rendered into the PDF and dropped. It is not stored, logged or flashed.
The writer's name, city and gender fill a template in one request and are dropped the same way.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from ..display import display_name, language_name
from ..downloads import pdf_download
from ..extensions import db, limiter
from ..form_helpers import flash_errors
from ..guidelines.services import before_you_write
from ..letterlog.need import last_letter_day, pick_prisoner_to_write
from ..letterlog.services import letters_sent_count, public_letters_sent_count, record_letter_sent
from ..lookups import listed_prisoner_or_404
from ..models import Prisoner, SentVia
from ..printing import services as printing
from ..printing.sheets import render_letter_sheets
from . import checks, services
from .forms import (
    CoordinatorLettersForm,
    LetterForm,
    SentForm,
    TemplateForm,
    template_choices,
)
from .script import script_config

bp = Blueprint("writing", __name__)

# The flash category of "I sent it"'s thanks, shown where the button was.
SENT_FLASH = "sent"


def sent_rate_limit() -> str:
    return str(current_app.config["SENT_RATE_LIMIT"])


# --- the page ---------------------------------------------------------------------------------


@bp.route("/prisoners/<int:prisoner_id>/write", methods=["GET", "POST"])
def write(prisoner_id: int) -> ResponseReturnValue:
    """GET: the writing page. POST (no JavaScript): the chosen template filled in the letter."""
    prisoner = listed_prisoner_or_404(prisoner_id)
    aids = services.writing_aids(prisoner)
    if request.method == "GET":
        # ?occasion=birthday (from the birthdays page) preselects that template.
        chosen = services.template_for_occasion(aids.templates, request.args.get("occasion", ""))
        form = TemplateForm(aids.templates, shown=aids.own_templates, data={"template_id": chosen})
        return _page(prisoner, aids, form, LetterForm.blank())
    form = TemplateForm(aids.templates, shown=aids.own_templates)
    if not form.validate_on_submit():
        return _page(prisoner, aids, form, LetterForm.blank(form.size.data or "A4")), 422
    filled = _filled(form, prisoner)
    letter = LetterForm.blank(form.size.data or "A4", filled.text)
    return _page(prisoner, aids, form, letter, filled)


@bp.post("/prisoners/<int:prisoner_id>/write/template")
def fill_template(prisoner_id: int) -> tuple[Response, int] | Response:
    """JSON in, JSON out: the page's script asks for a template filled, the same way as the
    form above. The writer's details travel in the body only (never in a URL)."""
    prisoner = listed_prisoner_or_404(prisoner_id)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error=_("Send the template choice as a JSON object.")), 400
    # As form fields: strings only, so the form checks them exactly as it checks a POST.
    fields = MultiDict(
        {key: str(value) for key, value in payload.items() if isinstance(value, str | int)}
    )
    form = TemplateForm(services.templates_for_prisoner(prisoner), formdata=fields)
    if not form.validate():
        messages = [str(m) for errors in form.errors.values() for m in errors]
        return jsonify(error=" ".join(messages)), 400
    return jsonify(_filled(form, prisoner).as_json())


def _filled(form: TemplateForm, prisoner: Prisoner) -> services.FilledTemplate:
    return services.fill_template(
        form.chosen(),
        prisoner,
        writer_name=form.writer_name.data or "",
        writer_city=form.writer_city.data or "",
        writer_gender=form.writer_gender.data or None,
    )


# --- printing and counting --------------------------------------------------------------------


@bp.post("/prisoners/<int:prisoner_id>/letter.pdf")
def letter_pdf(prisoner_id: int) -> ResponseReturnValue:
    """The letter as a PDF, rendered from this request and forgotten with it."""
    prisoner = listed_prisoner_or_404(prisoner_id)
    form = LetterForm()
    if not form.validate():
        # Back to the page with the text as sent, so nothing typed is lost.
        aids = services.writing_aids(prisoner)
        template_form = TemplateForm(
            aids.templates, formdata=None, data={"size": form.size.data}, shown=aids.own_templates
        )
        return _page(prisoner, aids, template_form, form), 422
    if not form.print_anyway.data:
        # Without JavaScript the checks run here: the page comes back with what they found and
        # the letter in its form (in this response only), and "Print anyway" prints it.
        findings = letter_findings(prisoner, form.text.data or "")
        if findings:
            aids = services.writing_aids(prisoner)
            template_form = TemplateForm(
                aids.templates, formdata=None, data={"size": form.size.data}
            )
            return _page(prisoner, aids, template_form, form, findings=findings)
    size = form.size.data
    sheet = printing.letter_sheet_for(
        prisoner, form.text.data, form.fold.data or None, reply_sheet=bool(form.reply.data)
    )
    return pdf_download(
        lambda out: render_letter_sheets([sheet], size, out), f"letter-{size}-{prisoner.id}.pdf"
    )


@bp.post("/prisoners/<int:prisoner_id>/sent")
@limiter.limit(sent_rate_limit)
def sent(prisoner_id: int) -> ResponseReturnValue:
    """One letter sent: a row with the date and, if chosen, the campaign. Nothing else."""
    prisoner = listed_prisoner_or_404(prisoner_id)
    form = SentForm(services.campaigns_offered(current_user.is_authenticated))
    # write.js sends the form asking for JSON, and answers beside the button itself.
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate():
        messages = [str(m) for errors in form.errors.values() for m in errors]
        if wants_json:
            return jsonify(error=" ".join(messages)), 400
        return render_template("writing/problem.html", prisoner=prisoner, messages=messages), 400
    user = current_user if current_user.is_authenticated else None
    record_letter_sent(prisoner, campaign=form.chosen_campaign(), user=user)
    db.session.commit()
    # The count on the page changes only tomorrow (public_count_day): say so, or the writer
    # thinks the press was lost and presses again.
    if user is None:
        thanks = _(
            "Thank you! Your letter to %(name)s is counted and shows in the count from "
            "tomorrow. Nothing about you was recorded, not even the time.",
            name=display_name(prisoner),
        )
    else:
        thanks = _(
            "Thank you! Your letter to %(name)s is counted, with your coordinator account. "
            "Public pages show it from tomorrow.",
            name=display_name(prisoner),
        )
    if wants_json:
        return jsonify(message=thanks)
    # Said beside the button, not at the top of the page (``_sent_form.html`` reads this
    # category; base.html leaves it alone). A redirect, so a reload cannot count it twice.
    flash(thanks, SENT_FLASH)
    endpoint = "writing.write" if form.back_to_writing() else "prisoners.public_profile"
    return redirect(url_for(endpoint, prisoner_id=prisoner.id, _anchor="sent"))


@bp.post("/manage/prisoners/<int:prisoner_id>/letters")
@login_required
def record_letters(prisoner_id: int) -> Response:
    """A coordinator logs letters posted to anyone (listed or not), on any day up to today."""
    prisoner = db.get_or_404(Prisoner, prisoner_id)
    form = CoordinatorLettersForm(services.campaigns_for_entry())
    if form.validate():
        record_letter_sent(
            prisoner,
            campaign=form.chosen_campaign(),
            user=current_user._get_current_object(),
            letters=form.letters.data or 1,
            via=SentVia.COORDINATOR,
            sent_on=form.day(),
        )
        db.session.commit()
        flash(
            ngettext(
                "%(num)d letter to %(name)s was recorded.",
                "%(num)d letters to %(name)s were recorded.",
                form.letters.data or 1,
                name=display_name(prisoner),
            ),
            "success",
        )
    else:
        flash_errors(form)
    return redirect(url_for("prisoners.edit", prisoner_id=prisoner.id, _anchor="letters"))


@bp.errorhandler(TooManyRequests)
def too_many(error: TooManyRequests) -> tuple[str, int]:
    # Only "I sent it" is limited: say kindly why, and that the letter is no less sent.
    return render_template("writing/too_many.html"), 429


@bp.get("/writing/metrics.json")
def metrics() -> Response:
    """The page layout and font widths the page's script counts pages with (the same for
    everyone, and the same until the app is upgraded)."""
    response = jsonify(services.layout_metrics())
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.add_etag()  # a browser that kept it revalidates without downloading it again
    return response.make_conditional(request)


def letter_findings(prisoner: Prisoner, text: str) -> list[str]:
    """What the checks say about ``text`` (empty when it may simply be printed)."""
    reads = prisoner.language_codes
    found = checks.check_letter(text, reads, services.CYRILLIC_LANGUAGES)
    languages = ", ".join(language_name(code) for code in reads)
    return checks.say(found, checks.messages(display_name(prisoner), languages))


# --- helpers ----------------------------------------------------------------------------------


@bp.app_context_processor
def sent_helpers() -> dict[str, Any]:
    # The prisoner's profile (another blueprint) shows the "I sent it" form and the count by
    # name, so they are read only on pages that show them, and the prisoners blueprint need not
    # import this one (which imports it).
    return {
        "sent_form": sent_form,
        "letters_sent_count": letters_sent_count,
        "public_letters_sent_count": public_letters_sent_count,
        "coordinator_letters_form": coordinator_letters_form,
        "sent_flash": SENT_FLASH,
    }


def coordinator_letters_form() -> CoordinatorLettersForm:
    return CoordinatorLettersForm(services.campaigns_for_entry(), formdata=None)


def sent_form(back: str = "profile", prisoner: Prisoner | None = None) -> SentForm:
    campaigns = services.campaigns_offered(current_user.is_authenticated)
    data: dict[str, Any] = {"back": back}
    if prisoner is not None:
        # A writer at a solidarity week rarely knows to pick it: when exactly one running
        # campaign writes to this prisoner, it is chosen for them (they can still change it).
        data["campaign_id"] = services.campaign_for(prisoner, campaigns)
    return SentForm(campaigns, formdata=None, data=data)


def _page(
    prisoner: Prisoner,
    aids: services.WritingAids,
    template_form: TemplateForm,
    letter_form: LetterForm,
    filled: services.FilledTemplate | None = None,
    findings: list[str] | None = None,
) -> str:
    allows_paper = prisoner.allows_paper
    return render_template(
        "writing/write.html",
        prisoner=prisoner,
        aids=aids,
        template_form=template_form,
        letter_form=letter_form,
        filled=filled,
        findings=findings or [],
        allows_paper=allows_paper,
        before_you_write=before_you_write(str(get_locale() or "en")),
        script_config=script_config(prisoner, aids, allows_paper),
        other_template_choices=template_choices(aids.other_templates),
        suggestion=_suggestion(prisoner),
        # In the page rather than fetched: one request fewer before the count shows
        # (/writing/metrics.json serves the same document to anyone who wants it).
        layout_metrics=services.layout_metrics(),
        language_name=language_name,
    )


def _suggestion(prisoner: Prisoner) -> str | None:
    """Why /write-next chose this person, when the page was reached from it (``?suggested=1``):
    a stranger's page with no reason reads as an accident."""
    if request.args.get("suggested") != "1":
        return None
    return services.why_suggested(display_name(prisoner), last_letter_day(prisoner.id))


@bp.route("/write-next")
def write_next() -> Response:
    """Send the visitor to the writing page of someone who needs a letter (a weighted pick).

    ``?previous=<id>``: "someone else" on that page; the person just shown is not picked again.
    """
    previous = request.args.get("previous", type=int)
    prisoner = pick_prisoner_to_write(exclude=previous)
    if prisoner is None:
        flash(_("Nobody can be suggested right now. Please choose someone from the list."))
        return redirect(url_for("prisoners.public_list"))
    return redirect(url_for("writing.write", prisoner_id=prisoner.id, suggested=1))
