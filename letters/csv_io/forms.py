"""The upload form for importing a prisoner list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SubmitField


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(_l("Choose a CSV file to import.")),
            FileAllowed(["csv"], _l("Only .csv files can be imported.")),
        ],
        render_kw={"accept": ".csv,text/csv"},
    )
    dry_run = BooleanField(
        _l("Dry run"),
        description=_l("Check the file and show what would change, without saving anything."),
    )
    submit = SubmitField(_l("Import"))
