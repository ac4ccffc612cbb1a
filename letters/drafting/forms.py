"""Coordinators' forms: a letter template, a phrase, a word or topic to avoid.

Field checks are the services' own (``Checked``), so the form and the save refuse the same
values with the same words.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import NumberInput

from ..form_helpers import Checked, required, strip
from ..models import AvoidTerm, LetterTemplate, Phrase
from ..validation import check_length
from . import services

MAX_POSITION = 100_000


def _position() -> IntegerField:
    return IntegerField(
        _l("Position"),
        [
            InputRequired(message=_l("Give a number, e.g. 10.")),
            NumberRange(min=0, max=MAX_POSITION, message=_l("A number from %(min)d to %(max)d.")),
        ],
        widget=NumberInput(min=0, max=MAX_POSITION),
        default=0,
        description=_l("Shown from the smallest number to the largest."),
    )


def _keep_lines(value: object) -> object:
    """Line breaks as LF whatever the browser sent; trailing blank lines dropped. Leading
    spaces stay: a template may indent its signature."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").rstrip()


class TemplateForm(FlaskForm):
    occasion = SelectField(
        _l("Occasion"),
        [Checked(services.parse_occasion)],
        choices=[SelectChoice(o.value, label) for o, label in services.OCCASION_LABELS.items()],
    )
    language = StringField(
        _l("Language"),
        [required(_l("Language")), Checked(services.parse_language)],
        filters=[strip],
        description=_l("The language the letter is written in, as a two-letter code: ru, en, de."),
    )
    title = StringField(
        _l("Title"),
        [required(_l("Title")), Checked(check_length, LetterTemplate.title)],
        filters=[strip],
        description=_l("What writers see when they choose a template."),
    )
    body = TextAreaField(
        _l("Text"),
        [
            required(_l("Text")),
            Checked(check_length, LetterTemplate.body),
            Checked(services.check_placeholders),
        ],
        filters=[_keep_lines],
        render_kw={"rows": 14},
        description=_l("The letter as it prints, with placeholders from the table below."),
    )
    translation = TextAreaField(
        _l("Meaning in English"),
        [
            Checked(check_length, LetterTemplate.translation),
            Checked(services.check_placeholders),
        ],
        filters=[_keep_lines],
        render_kw={"rows": 14},
        description=_l(
            "Shown beside the text so writers know what they send; never printed. Keep it line "
            "by line with the text. Leave empty for a template in English."
        ),
    )
    position = _position()

    @classmethod
    def initial_data(cls, template: LetterTemplate) -> dict[str, object]:
        return {
            "occasion": str(template.occasion),
            "language": template.language,
            "title": template.title,
            "body": template.body,
            "translation": template.translation,
            "position": template.position,
        }

    def data_for_save(self) -> services.TemplateData:
        return services.TemplateData(
            occasion=self.occasion.data or "",
            language=self.language.data or "",
            title=self.title.data or "",
            body=self.body.data or "",
            translation=self.translation.data or "",
            position=self.position.data or 0,
        )


class PhraseForm(FlaskForm):
    russian = TextAreaField(
        _l("Russian"),
        [required(_l("Russian")), Checked(check_length, Phrase.russian)],
        filters=[strip],
        render_kw={"rows": 2},
    )
    english = TextAreaField(
        _l("English"),
        [required(_l("English")), Checked(check_length, Phrase.english)],
        filters=[strip],
        render_kw={"rows": 2},
        description=_l("What the phrase means, so a writer knows what they insert."),
    )
    german = TextAreaField(
        _l("German"),
        [Checked(check_length, Phrase.german)],
        filters=[strip],
        render_kw={"rows": 2},
    )
    position = _position()

    @classmethod
    def initial_data(cls, phrase: Phrase) -> dict[str, object]:
        return {
            "russian": phrase.russian,
            "english": phrase.english,
            "german": phrase.german,
            "position": phrase.position,
        }

    def data_for_save(self) -> services.PhraseData:
        return services.PhraseData(
            russian=self.russian.data or "",
            english=self.english.data or "",
            german=self.german.data or "",
            position=self.position.data or 0,
        )


class AvoidTermForm(FlaskForm):
    words = TextAreaField(
        _l("Words"),
        [Checked(check_length, AvoidTerm.words), Checked(services.parse_words)],
        filters=[strip],
        render_kw={"rows": 3},
        description=_l(
            "The forms to look for in a draft, separated by “;”, e.g. война; войны; войне; "
            "war; Krieg. Russian words change their endings: list each form. Leave empty for a "
            "topic that has no telltale words; its reason is still shown to writers."
        ),
    )
    reason = TextAreaField(
        _l("Reason"),
        [required(_l("Reason")), Checked(check_length, AvoidTerm.reason)],
        filters=[strip],
        render_kw={"rows": 3},
        description=_l("Why a writer should avoid it: what could happen to the prisoner."),
    )
    position = _position()

    @classmethod
    def initial_data(cls, term: AvoidTerm) -> dict[str, object]:
        return {"words": term.words, "reason": term.reason, "position": term.position}

    def data_for_save(self) -> services.AvoidTermData:
        return services.AvoidTermData(
            words=self.words.data or "",
            reason=self.reason.data or "",
            position=self.position.data or 0,
        )
