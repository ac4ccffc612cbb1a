"""Forms for printing: envelope and sheet options (GET), a writer's own return address (POST),
the evening pack and the group's settings.

The GET forms use the query parameters of the stable URLs (``?size=DL&from=DE&return=none``),
so their field names are set explicitly; ``from`` and ``return`` are Python keywords. Each field
has its own id because several of these forms share the prisoner's page.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError

from ..countries import CountryField
from ..display import display_name
from ..form_helpers import Checked, MultiCheckboxField, strip
from ..models import Prisoner
from ..settings.services import (
    RETURN_ADDRESS_MAX_LINE_LENGTH,
    RETURN_ADDRESS_MAX_LINES,
    check_return_address,
    parse_return_address,
)
from ..validation import FieldError
from . import services
from .formats import ENVELOPES, LABEL_SHEETS, SHEETS
from .pack import RUNS

ALL_RUNS = "all"  # the pack form's "download everything" button: a zip of every run

ENVELOPE_LABELS = {
    "DL": _l("DL, 110 × 220 mm (A4 folded in three)"),
    "C6": _l("C6, 114 × 162 mm (A4 folded in four)"),
    "C5": _l("C5, 162 × 229 mm (A4 folded in half)"),
    "C4": _l("C4, 229 × 324 mm (A4 unfolded)"),
    "US10": _l("US #10, 4⅛ × 9½ in (US Letter folded in three)"),
}
SHEET_LABELS = {"A4": _l("A4"), "LETTER": _l("US Letter")}
LABEL_SHEET_LABELS = {
    "L7160": _l("Avery L7160 (A4, 21 labels)"),
    "5160": _l("Avery 5160 (US Letter, 30 labels)"),
}
if set(ENVELOPE_LABELS) != set(ENVELOPES) or set(SHEET_LABELS) != set(SHEETS):
    raise RuntimeError("every paper format needs a label in printing.forms")
if set(LABEL_SHEET_LABELS) != set(LABEL_SHEETS):
    raise RuntimeError("every label sheet needs a label in printing.forms")


# The selects that read URLs check their value with the services checks (validate_choice=False):
# a bad ?size= deserves a message that names the sizes there are, not "Not a valid choice".


def upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def envelope_size_field(id_: str) -> SelectField:
    return SelectField(
        _l("Envelope"),
        [Checked(services.check_envelope_size)],
        choices=[SelectChoice(code, label) for code, label in ENVELOPE_LABELS.items()],
        default="DL",
        filters=[upper],
        validate_choice=False,
        id=id_,
        render_kw={"data-remember": "envelope-size"},
    )


def posted_from_field(id_: str, *, remember: bool = True) -> CountryField:
    # A text box on the page's one country list. ``remember``: the visitor's own choice, which
    # posted_from.js keeps in the browser and carries to the profile and the write page.
    return CountryField(
        _l("Posted from"),
        name="from",
        id=id_,
        remember=remember,
        description=_l(
            "Type or pick the country you post it in. The destination country is printed only "
            "on mail from another country, or when this is left empty."
        ),
    )


class EnvelopeForm(FlaskForm):
    """``GET …/envelope.pdf?size=DL&from=DE&return=none``: nothing secret travels in it."""

    class Meta:
        csrf = False  # a GET that changes nothing

    size = envelope_size_field("envelope-size")
    posted_from = posted_from_field("envelope-from")
    return_choice = RadioField(
        _l("Return address"),
        [Checked(services.check_return_choice)],
        name="return",
        choices=[
            SelectChoice(services.RETURN_GROUP, _l("The group's address")),
            SelectChoice(services.RETURN_NONE, _l("None")),
            SelectChoice(services.RETURN_OWN, _l("My own address (a warning comes first)")),
        ],
        default=services.RETURN_GROUP,
        validate_choice=False,
        id="envelope-return",
    )

    def country(self) -> str | None:
        """The validated "posted from" country; ``None`` for abroad."""
        return services.posted_from_code(self.posted_from.data)

    def return_source(self) -> str:
        """``group``, ``none`` or ``own`` (validated)."""
        return services.check_return_choice(self.return_choice.data or "")


class OwnReturnAddressForm(FlaskForm):
    """``POST …/envelope.pdf``: a return address the writer types, printed once, never kept.

    It travels in a POST body, never a URL (URLs end up in logs and browser history), and prints
    only after the writer confirms the warning.
    """

    size = envelope_size_field("own-size")
    posted_from = posted_from_field("own-from")
    return_address = TextAreaField(
        _l("Your return address"),
        [
            DataRequired(message=_l("Type the return address to print, or go back.")),
            Checked(check_return_address),
        ],
        filters=[strip],
        description=_l(
            "One line per line on the envelope, at most %(count)s lines. It is printed and "
            "forgotten: this site does not keep it.",
            count=RETURN_ADDRESS_MAX_LINES,
        ),
        render_kw={
            "rows": RETURN_ADDRESS_MAX_LINES,
            "autocomplete": "off",
            "maxlength": RETURN_ADDRESS_MAX_LINES * (RETURN_ADDRESS_MAX_LINE_LENGTH + 2),
        },
    )
    return_country = CountryField(
        _l("Country of your return address"),
        id="own-return-country",
        description=_l(
            "Printed under your address on a letter that goes abroad: an undeliverable letter "
            "can only come back to an address with its country."
        ),
    )
    confirm_home_address = BooleanField(
        _l("I have read the warning and want this address printed on the envelope."),
        [InputRequired(message=_l("Confirm that you have read the warning."))],
        id="own-confirm",
    )

    def country(self) -> str | None:
        return services.posted_from_code(self.posted_from.data)

    def return_lines(self) -> tuple[str, ...]:
        return parse_return_address(self.return_address.data or "")

    def return_country_code(self) -> str | None:
        return services.return_country_code(self.return_country.data)

    def return_country_ok(self, prisoner: Prisoner) -> bool:
        """On mail to another country the return address needs its country (chosen, or typed
        as its last line); the error goes on the country field. (Not ``validate_…``: WTForms
        would take that for the field's own validator, called without the prisoner.)"""
        try:
            services.check_return_country(
                prisoner, self.country(), self.return_lines(), self.return_country_code()
            )
        except FieldError as exc:
            self.return_country.errors = [*self.return_country.errors, str(exc)]
            return False
        return True


class SheetForm(FlaskForm):
    """``GET …/sheet.pdf?size=A4&fold=DL&reply=1``: ruled pages for handwriting.

    Letter text is never accepted here: it must not travel in a URL.
    """

    class Meta:
        csrf = False

    size = SelectField(
        _l("Paper"),
        [Checked(services.check_sheet_size)],
        choices=[SelectChoice(code, label) for code, label in SHEET_LABELS.items()],
        default="A4",
        filters=[upper],
        validate_choice=False,
        id="sheet-size",
        render_kw={"data-remember": "sheet-size"},
    )
    fold = SelectField(
        _l("Fold marks for"),
        [Checked(services.check_fold)],
        filters=[upper],
        validate_choice=False,
        id="sheet-fold",
        render_kw={"data-remember": "sheet-fold"},
        description=_l("Small ticks at the edge show where to fold the sheet for the envelope."),
    )
    pages = IntegerField(
        _l("Ruled pages"),
        [
            NumberRange(
                1,
                services.MAX_RULED_PAGES,
                message=_l(
                    "Between %(min)s and %(max)s ruled pages.",
                    min=1,
                    max=services.MAX_RULED_PAGES,
                ),
            )
        ],
        default=1,
        id="sheet-pages",
    )
    reply = BooleanField(
        _l("Add a blank sheet for the reply"),
        false_values=("", "0", "false", "no"),
        id="sheet-reply",
        description=_l("The prison allows paper in letters."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fold.choices = [SelectChoice("", _l("No fold marks"))] + [
            SelectChoice(code, label) for code, label in ENVELOPE_LABELS.items()
        ]

    def fold_for(self, fold_given: bool) -> str | None:
        """The envelope to fold for: as chosen; without a choice, the one the paper fits."""
        if not fold_given:
            return services.DEFAULT_FOLD[self.size.data]
        return self.fold.data or None


class PackForm(FlaskForm):
    """The coordinators' evening pack: who, how many envelopes, which paper and labels."""

    prisoner_ids = MultiCheckboxField(
        _l("Prisoners"),
        coerce=int,
        validate_choice=True,
    )
    envelopes = IntegerField(
        _l("Envelopes per prisoner"),
        [
            InputRequired(message=_l("How many envelopes per prisoner?")),
            NumberRange(
                0,
                services.MAX_ENVELOPES_PER_PRISONER,
                message=_l(
                    "Between %(min)s and %(max)s envelopes per prisoner.",
                    min=0,
                    max=services.MAX_ENVELOPES_PER_PRISONER,
                ),
            ),
        ],
        default=1,
    )
    size = envelope_size_field("pack-size")
    # The group's evening posts from where the group is, not from where one coordinator is.
    posted_from = posted_from_field("pack-from", remember=False)
    return_choice = SelectField(
        _l("Return address"),
        choices=[
            SelectChoice(services.RETURN_GROUP, _l("The group's address")),
            SelectChoice(services.RETURN_NONE, _l("None")),
        ],
        default=services.RETURN_GROUP,
    )
    label_sheet = SelectField(
        _l("Label sheet"),
        choices=[SelectChoice(code, label) for code, label in LABEL_SHEET_LABELS.items()],
        default="L7160",
        description=_l("One address label per prisoner. Cards print on the same paper."),
    )
    start_at = IntegerField(
        _l("Start at label"),
        [InputRequired(message=_l("Which label is the first free one?"))],
        default=1,
        description=_l(
            "On a part-used sheet: the first free label, counted along the rows from the top "
            "left (1)."
        ),
    )
    outlines = BooleanField(
        _l("Test print with outlines"),
        description=_l(
            "Draws each label's outline: print on plain paper and hold it against a sheet of "
            "labels to check the printer's alignment. Leave it off for the real labels."
        ),
    )
    # Which download the pressed button asks for: every run in a zip, or one run's PDF.
    run = SelectField(
        choices=[SelectChoice(ALL_RUNS, ""), *(SelectChoice(kind, "") for kind in RUNS)],
        default=ALL_RUNS,
    )

    def __init__(self, prisoners: list[Prisoner], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prisoner_ids.choices = [SelectChoice(p.id, display_name(p)) for p in prisoners]

    def validate_prisoner_ids(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one prisoner."))

    def validate_start_at(self, field: IntegerField) -> None:
        if field.data is None or self.label_sheet.errors:
            return
        try:
            services.check_start_at(self.label_sheet.data, field.data)
        except FieldError as exc:
            raise ValidationError(str(exc)) from None

    def country(self) -> str | None:
        return services.posted_from_code(self.posted_from.data)
