"""Forms on the writing page: choosing a template, printing the letter, and "I sent it".

The three forms are separate on purpose: the draft travels only in the letter form, whose one
request renders the PDF. Choosing a template sends the writer's name, city and gender (needed
to fill it) but never the draft.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import DateInput, NumberInput

from ..display import GENDER_LABELS, language_name
from ..drafting import services as drafting
from ..form_helpers import Checked, required, strip
from ..letterlog.services import MAX_LETTERS_PER_ENTRY
from ..models import Campaign, LetterTemplate
from ..printing.forms import ENVELOPE_LABELS, SHEET_LABELS
from ..printing.services import DEFAULT_FOLD
from ..validation import check_single_line, parse_date, parse_past_day
from .services import MAX_LETTER_CHARS

# The writer's name and city go into the letter only; a generous limit still stops nonsense.
WRITER_FIELD_MAX = 100


def optional_int(value: Any) -> int | None:
    """``""`` → ``None``, ``"3"`` → 3; anything else is "not a valid choice"."""
    if value in ("", None):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # matches no choice, so the select reports it


def line_breaks_as_lf(value: Any) -> Any:
    """Textareas send CRLF. Only the line breaks change: the text prints as typed."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def sheet_size_field(id_: str) -> SelectField:
    return SelectField(
        _l("Paper"),
        choices=[SelectChoice(code, label) for code, label in SHEET_LABELS.items()],
        default="A4",
        id=id_,
        render_kw={"data-remember": "sheet-size"},
    )


def template_label(template: LetterTemplate, shared: bool) -> str:
    """ "First letter — Russian": the occasion and the language, in the visitor's language.

    The coordinators' own title is added only where two templates share both (then it tells
    them apart): "Holiday card — Russian (New Year card)".
    """
    occasion = drafting.OCCASION_LABELS.get(template.occasion, template.occasion)
    label = _(
        "%(occasion)s — %(language)s",
        occasion=str(occasion),
        language=language_name(template.language),
    )
    return f"{label} ({template.title})" if shared else label


def template_choices(templates: list[LetterTemplate]) -> dict[str, list[SelectChoice]]:
    """One option group per language, in the order given (the prisoner's languages first)."""
    counts = Counter((t.occasion, t.language) for t in templates)
    groups: dict[str, list[SelectChoice]] = {}
    for template in templates:
        shared = counts[(template.occasion, template.language)] > 1
        groups.setdefault(language_name(template.language), []).append(
            SelectChoice(template.id, template_label(template, shared))
        )
    return groups


class TemplateForm(FlaskForm):
    """Choose a template and fill it for yourself. The name, city and gender fill the template
    and are gone with the request: the site never keeps them."""

    template_id = SelectField(
        _l("Template"), coerce=optional_int, validate_choice=False, id="template-id"
    )
    writer_name = StringField(
        _l("Your name"),
        [Length(max=WRITER_FIELD_MAX), Checked(check_single_line)],
        filters=[strip],
        id="writer-name",
        render_kw={"autocomplete": "off", "maxlength": WRITER_FIELD_MAX},
        description=_l(
            "As you sign. A first name is enough. For a letter in Russian, write it in Russian "
            "letters (Анна, not Anna): Latin words in a Russian letter can hold it up."
        ),
    )
    writer_city = StringField(
        _l("Your town or city"),
        [Length(max=WRITER_FIELD_MAX), Checked(check_single_line)],
        filters=[strip],
        id="writer-city",
        render_kw={"autocomplete": "off", "maxlength": WRITER_FIELD_MAX},
        description=_l(
            "Prisoners like to know where a letter comes from. Leave it out if you prefer. "
            "For a letter in Russian, write it in Russian letters too (Берлин)."
        ),
    )
    writer_gender = SelectField(
        _l("You write as"),
        choices=[SelectChoice("", _l("Not given (both forms are shown)"))]
        + [SelectChoice(str(g), label) for g, label in GENDER_LABELS.items()],
        default="",
        id="writer-gender",
        description=_l("Russian words change with the writer's gender: рад (male), рада (female)."),
    )
    # The paper chosen below the letter: kept across the page's reload (no JavaScript).
    size = HiddenField(default="A4", id="template-size")

    def __init__(
        self,
        templates: list[LetterTemplate],
        *args: Any,
        shown: list[LetterTemplate] | None = None,
        **kwargs: Any,
    ) -> None:
        """``templates``: every template that may be chosen; ``shown``: those the select
        offers (the reader's languages; the rest are offered behind "show other languages")."""
        super().__init__(*args, **kwargs)
        self.templates = {t.id: t for t in templates}
        self.template_id.choices = template_choices(templates if shown is None else shown)

    def validate_template_id(self, field: SelectField) -> None:
        if field.data not in self.templates:
            raise ValidationError(_l("Choose one of the templates in the list."))

    def validate_size(self, field: HiddenField) -> None:
        if field.data not in SHEET_LABELS:
            field.data = "A4"  # only remembers the paper; never worth an error

    def chosen(self) -> LetterTemplate:
        return self.templates[self.template_id.data]


class LetterForm(FlaskForm):
    """``POST /prisoners/<id>/letter.pdf``: the letter, printed once and forgotten."""

    text = TextAreaField(
        _l("Your letter"),
        filters=[line_breaks_as_lf],
        id="letter-text",
        render_kw={"rows": 18, "spellcheck": "true"},
    )
    size = sheet_size_field("letter-size")
    fold = SelectField(
        _l("Fold marks for"),
        id="letter-fold",
        render_kw={"data-remember": "sheet-fold"},
        description=_l("Small ticks at the edge show where to fold the sheet for the envelope."),
    )
    reply = BooleanField(
        _l("Add a blank sheet for the reply"),
        false_values=("", "0", "false", "no"),
        id="letter-reply",
        description=_l("The prison allows paper in letters."),
    )
    # Shown once the checks found something: the writer has read the findings and prints.
    print_anyway = BooleanField(
        _l("Print anyway"), false_values=("", "0", "false", "no"), id="print-anyway"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fold.choices = [SelectChoice("", _l("No fold marks"))] + [
            SelectChoice(code, label) for code, label in ENVELOPE_LABELS.items()
        ]

    @classmethod
    def blank(cls, size: str = "A4", text: str = "") -> LetterForm:
        """The form as the page first shows it: fold marks for the envelope the paper fits."""
        size = size if size in DEFAULT_FOLD else "A4"
        return cls(formdata=None, data={"text": text, "size": size, "fold": DEFAULT_FOLD[size]})

    def validate_text(self, field: TextAreaField) -> None:
        text = field.data or ""
        if not text.strip():
            raise ValidationError(_l("The letter is empty: write something first, then print."))
        if len(text) > MAX_LETTER_CHARS:
            raise ValidationError(
                _l(
                    "The letter is %(length)s characters long; at most %(limit)s can be printed "
                    "at once. Shorten it, or split it into two letters.",
                    length=format_decimal(len(text)),
                    limit=format_decimal(MAX_LETTER_CHARS),
                )
            )


class SentForm(FlaskForm):
    """ "I sent it": counts one letter. No content, no name, no address."""

    campaign_id = SelectField(
        _l("Part of a campaign?"), coerce=optional_int, validate_choice=False, id="sent-campaign"
    )
    # Where to go back to: a name, never a URL, so the form cannot redirect anywhere else.
    back = HiddenField(default="profile", id="sent-back")

    def __init__(self, campaigns: list[Campaign], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaigns = {c.id: c for c in campaigns}
        self.campaign_id.choices = [SelectChoice("", _l("No, or I don't know"))] + [
            SelectChoice(c.id, c.name) for c in campaigns
        ]

    def validate_campaign_id(self, field: SelectField) -> None:
        if field.data is not None and field.data not in self.campaigns:
            raise ValidationError(
                _l(
                    "That campaign is not running today, so the letter was not counted yet. "
                    "Go back, reload the page and choose again."
                )
            )

    def chosen_campaign(self) -> Campaign | None:
        return self.campaigns.get(self.campaign_id.data) if self.campaign_id.data else None

    def back_to_writing(self) -> bool:
        return self.back.data == "write"


class CoordinatorLettersForm(FlaskForm):
    """A coordinator logs letters posted to one prisoner (a pile from a meeting, letters sent
    by post to the group): how many, which day, and the campaign if any."""

    letters = IntegerField(
        _l("Letters posted"),
        [
            InputRequired(message=_l("%(field)s is required.", field=_l("Letters posted"))),
            NumberRange(
                1,
                MAX_LETTERS_PER_ENTRY,
                message=_l(
                    "Letters posted: enter a number from 1 to %(max)d.", max=MAX_LETTERS_PER_ENTRY
                ),
            ),
        ],
        default=1,
        widget=NumberInput(min=1, max=MAX_LETTERS_PER_ENTRY),
        id="log-letters",
    )
    sent_on = StringField(
        _l("Posted on"),
        [required(_l("Posted on")), Checked(parse_past_day)],
        filters=[strip],
        widget=DateInput(),
        default=lambda: date.today().isoformat(),
        id="log-sent-on",
    )
    campaign_id = SelectField(
        _l("Counted to"), coerce=optional_int, validate_choice=False, id="log-campaign"
    )

    def __init__(self, campaigns: list[Campaign], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaigns = {c.id: c for c in campaigns}
        self.campaign_id.choices = [SelectChoice("", _l("No campaign"))] + [
            SelectChoice(c.id, c.name) for c in campaigns
        ]

    def validate_campaign_id(self, field: SelectField) -> None:
        if field.data is not None and field.data not in self.campaigns:
            raise ValidationError(_l("That campaign no longer exists. Please choose again."))

    def chosen_campaign(self) -> Campaign | None:
        return self.campaigns.get(self.campaign_id.data) if self.campaign_id.data else None

    def day(self) -> date:
        return parse_date(self.sent_on.data or "") or date.today()
