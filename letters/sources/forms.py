"""Forms for following another group's list and linking its people by hand."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length, ValidationError

from ..form_helpers import Checked, required, strip
from ..models import MAX_LENGTH
from ..validation import check_single_line


class SourceForm(FlaskForm):
    base_url = StringField(
        _l("Address of the group's site"),
        [required(_l("Address of the group's site")), Length(max=MAX_LENGTH["link"])],
        filters=[strip],
        description=_l("The start page of their letters site, e.g. https://abc-berlin.example"),
    )
    name = StringField(
        _l("Name"),
        [Length(max=MAX_LENGTH["short"]), Checked(check_single_line)],
        filters=[strip],
        description=_l("How the group is called here; the site's address when left empty."),
    )


class SourceSettingsForm(FlaskForm):
    """A source's name here, and whether to read its letters per day."""

    name = StringField(
        _l("Name"),
        [Length(max=MAX_LENGTH["short"]), Checked(check_single_line)],
        filters=[strip],
        description=_l("How the group is called here; the site's address when left empty."),
    )
    read_letters = BooleanField(
        _l("Read their letters per day"),
        description=_l(
            "When their group publishes them: shown beside this group's own count as letters "
            "from all groups (counts only)."
        ),
    )


class LinkForm(FlaskForm):
    """Which local person the source's new person is: their number in this registry."""

    prisoner_id = StringField(
        _l("Local person's number"),
        [required(_l("Local person's number"))],
        filters=[strip],
        description=_l("The number (#) shown beside a name in the registry."),
    )

    def validate_prisoner_id(self, field: StringField) -> None:
        text = (field.data or "").removeprefix("#")
        if not text.isascii() or not text.isdigit() or len(text) > 9:
            raise ValidationError(_l("Give the number shown beside a name, e.g. 12."))

    def chosen_id(self) -> int:
        return int((self.prisoner_id.data or "").removeprefix("#"))
