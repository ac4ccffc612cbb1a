"""Forms: a campaign or evening, and the sheet that records what an evening wrote."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import DateInput, NumberInput

from ..display import display_name, language_name
from ..form_helpers import Checked, MultiCheckboxField, required, strip
from ..letterlog.need import NeedRow
from ..letterlog.services import MAX_LETTERS_PER_ENTRY
from ..models import Campaign, CampaignCall, CampaignKind, Prisoner, SentVia
from ..validation import (
    check_single_line,
    iso_639_1_codes,
    max_length,
    parse_campaign_day,
    parse_date,
    parse_day_from_2000,
)
from . import calls
from .services import MAX_GOAL, CampaignFields, neediest_ids

KIND_LABELS = {
    CampaignKind.EVENING: _l("A letter-writing evening"),
    CampaignKind.CAMPAIGN: _l("A campaign or solidarity week"),
}

# More than any evening writes to; the form lists everyone anyway.
MAX_PICK = 1000

VIA_LABELS = {
    SentVia.WEB: _l("“I sent it” on the site"),
    SentVia.EVENING: _l("At the evening"),
    SentVia.COORDINATOR: _l("By a coordinator"),
}


def _date(label: str, **kwargs: Any) -> StringField:
    return StringField(
        label, [Checked(parse_campaign_day)], filters=[strip], widget=DateInput(), **kwargs
    )


class CampaignForm(FlaskForm):
    kind = RadioField(
        _l("What is it?"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=CampaignKind.EVENING.value,
    )
    name = StringField(
        _l("Name of the evening or campaign"),
        [
            required(_l("Name of the evening or campaign")),
            Length(max=max_length(Campaign.name)),
            Checked(check_single_line),
        ],
        filters=[strip],
        description=_l("Shown on the report-back page once published: no place or meeting time."),
    )
    starts_on = _date(_l("First day"))
    ends_on = _date(_l("Last day"), description=_l("The same as the first day for an evening."))
    goal = IntegerField(
        _l("Goal (letters)"),
        [
            Optional(),
            NumberRange(
                1,
                MAX_GOAL,
                message=_l("The goal must be between 1 and %(max)d letters.", max=MAX_GOAL),
            ),
        ],
        widget=NumberInput(min=1, max=MAX_GOAL),
    )
    prisoner_ids = MultiCheckboxField(_l("Who to write to"), coerce=int, validate_choice=True)
    # "Select the N who most need letters": a button of its own, so it works without
    # JavaScript; the view ticks the boxes and shows the form again, saving nothing.
    neediest = IntegerField(
        _l("How many people"),
        [NumberRange(1, MAX_PICK, message=_l("Enter a number from 1 to %(max)d.", max=MAX_PICK))],
        default=10,
        widget=NumberInput(min=1, max=MAX_PICK),
    )
    pick = SubmitField(_l("Select those who most need letters"))
    report_note = TextAreaField(
        _l("A note for the report-back page"),
        [Length(max=max_length(Campaign.report_note))],
        filters=[strip],
        description=_l("For example, thanks to everyone who came. Shown to anyone."),
    )
    report_published = BooleanField(
        _l("Publish the report-back page"),
        description=_l(
            "Anyone with the link can then see the name, the dates and how many letters went "
            "to whom. Prisoners not on the public list are counted but never named."
        ),
    )

    def __init__(self, prisoners: list[Prisoner], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prisoner_ids.choices = [SelectChoice(p.id, _prisoner_label(p)) for p in prisoners]

    @classmethod
    def initial_data(cls, campaign: Campaign) -> dict[str, Any]:
        return {
            "kind": campaign.kind.value,
            "name": campaign.name,
            "starts_on": campaign.starts_on.isoformat() if campaign.starts_on else "",
            "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else "",
            "goal": campaign.goal,
            "prisoner_ids": [p.id for p in campaign.prisoners],
            "report_note": campaign.report_note,
            "report_published": campaign.report_published,
        }

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        # The count belongs to its own button: a stray value there never stops a save.
        self.neediest.errors = []
        return not self.errors

    def pick_neediest(self, rows: Sequence[NeedRow]) -> bool:
        """Tick the ``neediest`` people with the most need of ``rows`` (ordered by need),
        replacing the ticks; False, with the error on the field, for a bad number."""
        if not self.neediest.validate(self):
            return False
        self.prisoner_ids.data = neediest_ids(rows, self.neediest.data or 0)
        return True

    def validate_ends_on(self, field: StringField) -> None:
        if self.starts_on.errors or field.errors:
            return
        first = parse_date(self.starts_on.data or "")
        last = parse_date(field.data or "")
        if first and last and last < first:
            raise ValidationError(_l("The last day is before the first day."))

    def fields(self) -> CampaignFields:
        return CampaignFields(
            kind=CampaignKind(self.kind.data),
            name=self.name.data or "",
            starts_on=parse_date(self.starts_on.data or ""),
            ends_on=parse_date(self.ends_on.data or ""),
            goal=self.goal.data,
            report_note=self.report_note.data or "",
            report_published=bool(self.report_published.data),
            prisoner_ids=list(self.prisoner_ids.data or []),
        )


def _prisoner_label(prisoner: Prisoner) -> str:
    if prisoner.is_listed:
        return display_name(prisoner)
    return str(_l("%(name)s (not on the public list)", name=display_name(prisoner)))


class RecordLettersForm(FlaskForm):
    """What an evening wrote: a number per prisoner (fields ``count_<id>``) and the day posted.

    Built per campaign by ``record_letters_form``, because the fields are its prisoners.
    """

    sent_on = StringField(
        _l("Posted on"),
        [
            InputRequired(message=_l("%(field)s is required.", field=_l("Posted on"))),
            Checked(parse_day_from_2000),
        ],
        filters=[strip],
        widget=DateInput(),
        default=lambda: date.today().isoformat(),
    )

    def counts(self) -> dict[int, int]:
        """Prisoner id → letters, for every prisoner field (blank counts as 0)."""
        return {
            int(name.removeprefix("count_")): int(field.data or 0)
            for name, field in self._fields.items()
            if name.startswith("count_")
        }

    def day(self) -> date:
        return parse_date(self.sent_on.data or "") or date.today()


def record_letters_form(prisoners: list[Prisoner], **kwargs: Any) -> RecordLettersForm:
    """A ``RecordLettersForm`` with one number field per prisoner, labelled with the name."""

    class Form(RecordLettersForm):
        pass

    for prisoner in prisoners:
        label = display_name(prisoner)
        setattr(
            Form,
            f"count_{prisoner.id}",
            IntegerField(
                label,
                [
                    Optional(),
                    NumberRange(
                        0,
                        MAX_LETTERS_PER_ENTRY,
                        message=_l(
                            "Letters to %(name)s: enter a number from 0 to %(max)d.",
                            name=label,
                            max=MAX_LETTERS_PER_ENTRY,
                        ),
                    ),
                ],
                default=0,
                widget=NumberInput(min=0, max=MAX_LETTERS_PER_ENTRY),
                id=f"count-{prisoner.id}",
            ),
        )
    return Form(**kwargs)


# --- the public call ----------------------------------------------------------------------------


def capitalized(name: str) -> str:
    """ "русский" → "Русский": CLDR writes language names in lower case in many languages."""
    return name[:1].upper() + name[1:]


def _language_choices() -> list[SelectChoice]:
    """Every two-letter language, by name in the coordinator's language, the UI's own first."""
    first = ("en", "ru", "de", "fr", "es", "uk", "be", "pl")
    rest = sorted(
        (code for code in iso_639_1_codes() if code not in first),
        key=lambda code: language_name(code).casefold(),
    )
    return [SelectChoice(code, capitalized(language_name(code))) for code in (*first, *rest)]


class CallForm(FlaskForm):
    """One language's call: its title, the call itself and the "come to an evening" block."""

    language = SelectField(_l("Language"), [Checked(calls.check_call_language)])
    title = StringField(
        _l("Title"),
        [required(_l("Title")), Checked(calls.check_call_title)],
        filters=[strip],
        render_kw={"maxlength": max_length(CampaignCall.title)},
    )
    body = TextAreaField(
        _l("The call"),
        [Checked(calls.check_call_body)],
        filters=[strip],
        description=_l(
            "Markdown: a blank line between paragraphs, “- ” for a list, [words](https://…) "
            "for a link. Shown to anyone once the call is published."
        ),
        render_kw={"rows": 12},
    )
    evenings = TextAreaField(
        _l("Come to an evening"),
        [Checked(calls.check_call_evenings)],
        filters=[strip],
        description=_l(
            "Optional, Markdown. Only what you write here is shown: the app never publishes an "
            "evening's place or time by itself. Leave out what should stay unannounced."
        ),
        render_kw={"rows": 5},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = _language_choices()

    @classmethod
    def initial_data(cls, call: CampaignCall) -> dict[str, Any]:
        return {
            "language": call.language,
            "title": call.title,
            "body": call.body,
            "evenings": call.evenings,
        }

    def fields(self) -> calls.CallFields:
        return calls.CallFields(
            language=self.language.data or "",
            title=self.title.data or "",
            body=self.body.data or "",
            evenings=self.evenings.data or "",
        )


class CallSettingsForm(FlaskForm):
    """The campaign's payment reference, the poster's language and publishing the call."""

    payment_reference = StringField(
        _l("Payment reference"),
        [Checked(calls.check_payment_reference)],
        filters=[strip],
        description=_l(
            "What supporters write on a donation for this campaign, for example 205. Shown "
            "prominently with the group's donation instructions. Leave empty for none."
        ),
        render_kw={"maxlength": max_length(Campaign.payment_reference)},
    )
    poster_language = SelectField(_l("Poster language"))
    call_published = BooleanField(
        _l("Publish the call"),
        description=_l(
            "Anyone with the link can then read the call, the dates and the names of the people "
            "on the public list it features. The report-back page is published separately."
        ),
    )

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.poster_language.choices = [SelectChoice("", _l("The language of the first text"))] + [
            SelectChoice(call.language, capitalized(language_name(call.language)))
            for call in campaign.calls
        ]

    @classmethod
    def initial_data(cls, campaign: Campaign) -> dict[str, Any]:
        return {
            "payment_reference": campaign.payment_reference,
            "poster_language": campaign.poster_language,
            "call_published": campaign.call_published,
        }

    def settings(self) -> calls.CallSettings:
        return calls.CallSettings(
            payment_reference=self.payment_reference.data or "",
            poster_language=self.poster_language.data or "",
            call_published=bool(self.call_published.data),
        )
