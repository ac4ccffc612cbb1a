"""Forms for coordinators: edit a guideline section, or add one (a new topic or a translation)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import NumberInput

from ..display import country_choices
from ..form_helpers import required, strip
from ..models import GuidelineSection
from ..validation import max_length
from . import services

TOO_LONG = _l("Too long: %(length)d characters, at most %(max)d.")

MARKDOWN_HELP = _l(
    "Markdown: an empty line between paragraphs, “- ” at the start of a line for a list, "
    "**bold**, ### for a subheading, [text](https://…) for a link. HTML is not allowed: "
    "it is shown exactly as typed."
)


class GuidelineSectionForm(FlaskForm):
    """What a coordinator changes in an existing section; slug and language stay as they are."""

    title = StringField(
        _l("Title"),
        [required(_l("Title")), Length(max=max_length(GuidelineSection.title), message=TOO_LONG)],
        filters=[strip],
    )
    body = TextAreaField(
        _l("Text"),
        [required(_l("Text")), Length(max=max_length(GuidelineSection.body), message=TOO_LONG)],
        filters=[strip],
        description=MARKDOWN_HELP,
        render_kw={"rows": 18},
    )
    position = IntegerField(
        _l("Position"),
        [
            InputRequired(message=_l("Give a number, e.g. 10.")),
            NumberRange(
                min=0,
                max=services.MAX_POSITION,
                message=_l("A number from %(min)d to %(max)d."),
            ),
        ],
        widget=NumberInput(min=0, max=services.MAX_POSITION),
        default=100,
        description=_l("Sections are shown from the smallest number to the largest."),
    )

    def populate(self, section: GuidelineSection) -> None:
        section.title = self.title.data or ""
        section.body = self.body.data or ""
        section.position = self.position.data or 0


class NewGuidelineSectionForm(GuidelineSectionForm):
    """A new section: a topic of its own, or the translation of an existing slug."""

    slug = StringField(
        _l("Slug"),
        [required(_l("Slug")), Length(max=max_length(GuidelineSection.slug), message=TOO_LONG)],
        filters=[strip],
        description=_l(
            "Lowercase letters, digits and hyphens, e.g. country-fr. It becomes the section's "
            "address on the page (/guidelines#country-fr). Use the same slug for a translation."
        ),
    )
    language = SelectField(
        _l("Language"),
        [DataRequired(message=_l("Choose a language."))],
        choices=[
            SelectChoice(code, services.LANGUAGE_ENDONYMS[code]) for code in services.LANGUAGES
        ],
    )
    country_code = SelectField(
        _l("Country"),
        description=_l("For a section about posting to one country; leave empty otherwise."),
    )

    # The fields in the order a coordinator fills them in.
    field_order = ("slug", "language", "title", "country_code", "body", "position")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per request: country names are in the coordinator's language.
        self.country_code.choices = [SelectChoice("", _l("None: a general section"))] + [
            SelectChoice(code, label) for code, label in country_choices()
        ]

    def ordered_fields(self) -> list[Any]:
        return [self[name] for name in self.field_order]

    def validate_slug(self, field: StringField) -> None:
        slug = field.data or ""
        if not services.SLUG_PATTERN.fullmatch(slug):
            raise ValidationError(
                _l("Use lowercase letters (a–z), digits and single hyphens only, e.g. country-fr.")
            )
        if self.language.data in services.LANGUAGES and services.slug_taken(
            slug, self.language.data
        ):
            raise ValidationError(
                _l("There is already a section with this slug in this language: edit that one.")
            )

    def new_section(self) -> GuidelineSection:
        section = GuidelineSection(
            slug=self.slug.data or "",
            language=self.language.data,
            country_code=self.country_code.data or "",
        )
        self.populate(section)
        return section
