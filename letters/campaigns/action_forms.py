"""Forms for reported actions: the public report (with photos) and a coordinator's correction.

A form of its own module, beside ``forms.py`` (the campaign's): the report is a visitor's form
with uploads, and its rules (the day, the link, the photos) belong to ``actions`` and
``photos``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import DateInput, URLInput

from ..countries import CountryField
from ..form_helpers import Checked, required, strip
from ..models import ActionKind, Campaign, CampaignAction
from ..validation import FieldError, check_single_line, max_length, parse_date
from .actions import KIND_LABELS, ActionFields, check_action_day, check_link
from .photos import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    CleanPhoto,
    PhotoError,
    accepted_formats,
    clean_photo,
)

#: What the file chooser offers (the server checks the content, whatever the name or type).
_ACCEPT = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}


class ActionForm(FlaskForm):
    """A coordinator's correction: the text fields of a report."""

    kind = RadioField(
        _l("Kind of action"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[
            InputRequired(message=_l("%(field)s: choose one.", field=_l("Kind of action")))
        ],
    )
    city = StringField(
        _l("City"),
        [
            required(_l("City")),
            Length(max=max_length(CampaignAction.city)),
            Checked(check_single_line),
        ],
        filters=[strip],
    )
    country = CountryField(_l("Country"), [required(_l("Country"))])
    happened_on = StringField(
        _l("Date"),
        [InputRequired(message=_l("%(field)s is required.", field=_l("Date")))],
        filters=[strip],
        widget=DateInput(),
    )
    description = TextAreaField(
        _l("What happened"),
        [Length(max=max_length(CampaignAction.description))],
        filters=[strip],
        render_kw={"rows": 5, "maxlength": max_length(CampaignAction.description)},
    )
    link = StringField(
        _l("Link (optional)"),
        [Checked(check_link)],
        filters=[strip],
        widget=URLInput(),
        description=_l("A post or an article about it: https://…"),
        render_kw={"maxlength": max_length(CampaignAction.link)},
    )

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    @classmethod
    def initial_data(cls, action: CampaignAction) -> dict[str, Any]:
        return {
            "kind": action.kind.value,
            "city": action.city,
            "country": action.country_code,
            "happened_on": action.happened_on.isoformat(),
            "description": action.description,
            "link": action.link,
        }

    def validate_happened_on(self, field: StringField) -> None:
        try:
            day = parse_date(field.data or "")
            if day is not None:
                check_action_day(day, self.campaign)
        except FieldError as exc:
            raise ValidationError(str(exc)) from None

    def fields(self) -> ActionFields:
        return ActionFields(
            kind=ActionKind(self.kind.data),
            city=self.city.data or "",
            country_code=self.country.data or "",
            happened_on=parse_date(self.happened_on.data or "") or date.today(),
            description=self.description.data or "",
            link=self.link.data or "",
        )


class ReportActionForm(ActionForm):
    """A visitor's report: the text fields and up to ``MAX_PHOTOS`` photos."""

    photos = MultipleFileField(
        _l("Photos (optional, up to three)"),
        description=_l(
            "JPEG, PNG or WebP, at most %(size)s MB each. We keep only the picture: location, "
            "camera and every other detail stored in the file are removed.",
            size=MAX_PHOTO_BYTES // (1024 * 1024),
        ),
        render_kw={"accept": ",".join(_ACCEPT[f] for f in accepted_formats())},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cleaned: list[CleanPhoto] = []

    def validate_photos(self, field: MultipleFileField) -> None:
        """Each photo decoded and re-encoded here, so a bad one is an error on this field."""
        files = [f for f in field.data or [] if isinstance(f, FileStorage) and f.filename]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                _l("%(field)s: at most %(max)d photos.", field=field.label.text, max=MAX_PHOTOS)
            )
        cleaned = []
        for number, upload in enumerate(files, start=1):
            try:
                cleaned.append(clean_photo(upload.stream.read(MAX_PHOTO_BYTES + 1)))
            except PhotoError as exc:
                raise ValidationError(
                    _l(
                        "%(field)s, photo %(number)d: %(problem)s",
                        field=_l("Photos"),
                        number=number,
                        problem=str(exc),
                    )
                ) from None
        self.cleaned = cleaned

    def photos_chosen(self) -> bool:
        return any(isinstance(f, FileStorage) and f.filename for f in self.photos.data or [])
