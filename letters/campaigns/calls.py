"""A campaign's public call: its texts per language, the payment reference, the poster's
language, publishing it, and what the public page `/campaigns/<id>` shows.

The call is Markdown typed by coordinators and sanitised on display as the guidelines are. An
evening's place and time appear on it only where a coordinator writes them into the "come to an
evening" block: nothing here ever reads an evening's details from elsewhere, so a call can go out
before the week while the venues stay unannounced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..extensions import db
from ..models import NOT_WRITABLE, Campaign, CampaignCall, Prisoner
from ..validation import (
    FieldError,
    check_length,
    check_single_line,
    iso_639_1_codes,
)
from .actions import accepts_action_reports
from .visibility import call_is_public, report_is_public

# The call and its evenings block are Text columns: a limit keeps a pasted book off the page.
# A long call ("International days of solidarity ...") runs to a page or two.
BODY_MAX = 10_000
EVENINGS_MAX = 3_000


# --- one language's text ------------------------------------------------------------------------


@dataclass
class CallFields:
    """One language's call as a coordinator types it (the form or a test builds it)."""

    language: str
    title: str
    body: str = ""
    evenings: str = ""


def check_call_title(title: str) -> str:
    if not title.strip():
        raise FieldError(_("The title is required."))
    check_length(title, CampaignCall.title)
    return check_single_line(title)


def check_call_body(body: str) -> str:
    return _check_text_length(body, BODY_MAX)


def check_call_evenings(evenings: str) -> str:
    return _check_text_length(evenings, EVENINGS_MAX)


def _check_text_length(text: str, limit: int) -> str:
    if len(text) > limit:
        raise FieldError(
            _("Too long: %(length)s characters, at most %(limit)s.", length=len(text), limit=limit)
        )
    return text


def check_call_language(code: str) -> str:
    if code not in iso_639_1_codes():
        raise FieldError(_("Choose a language from the list."))
    return code


def find_call(campaign: Campaign, language: str) -> CampaignCall | None:
    return next((call for call in campaign.calls if call.language == language), None)


def save_call(campaign: Campaign, call: CampaignCall | None, fields: CallFields) -> CampaignCall:
    """Add (``call`` None) or change one language's call; the caller commits.

    Raises ``FieldError`` for a bad field or a language the campaign already has a call in,
    before anything is changed.
    """
    check_call_language(fields.language)
    check_call_title(fields.title.strip())
    check_call_body(fields.body)
    check_call_evenings(fields.evenings)
    other = find_call(campaign, fields.language)
    if other is not None and other is not call:
        raise FieldError(_("There is already a call in this language: edit that one."))
    if call is None:
        call = CampaignCall(campaign=campaign)
        db.session.add(call)
    elif call.language != fields.language and campaign.poster_language == call.language:
        # The poster followed this text; it follows it into its new language.
        campaign.poster_language = fields.language
    call.language = fields.language
    call.title = fields.title.strip()
    call.body = fields.body.strip()
    call.evenings = fields.evenings.strip()
    return call


def remove_call(campaign: Campaign, language: str) -> CampaignCall:
    """Remove one language's call; the caller commits.

    ``LookupError`` if there is none in ``language``; ``FieldError`` for the last one of a
    published call (the public page would have nothing to show: unpublish it first).
    """
    call = find_call(campaign, language)
    if call is None:
        raise LookupError(language)
    if campaign.call_published and len(campaign.calls) == 1:
        raise FieldError(
            _("This is the only text of a published call: unpublish the call before removing it.")
        )
    if campaign.poster_language == language:
        campaign.poster_language = ""
    campaign.calls.remove(call)
    # Deleted outright, not left to the orphan cascade, so the audit hook sees the deletion.
    db.session.delete(call)
    return call


# --- the campaign's own settings for its call ---------------------------------------------------


@dataclass
class CallSettings:
    payment_reference: str = ""
    poster_language: str = ""
    call_published: bool = False


def check_payment_reference(reference: str) -> str:
    check_length(reference, Campaign.payment_reference)
    return check_single_line(reference)


def save_call_settings(campaign: Campaign, settings: CallSettings) -> Campaign:
    """Store the payment reference, the poster's language and whether the call is published;
    the caller commits. Raises ``FieldError`` (nothing changed) for a reference that does not
    fit, a poster language the call has no text in, or publishing a call with no text."""
    reference = check_payment_reference(settings.payment_reference.strip())
    languages = [call.language for call in campaign.calls]
    if settings.poster_language and settings.poster_language not in languages:
        raise FieldError(_("The poster can only be printed in a language the call is written in."))
    if settings.call_published and not languages:
        raise FieldError(_("Write the call in at least one language before publishing it."))
    campaign.payment_reference = reference
    campaign.poster_language = settings.poster_language
    campaign.call_published = settings.call_published
    return campaign


# --- what the public page shows ---------------------------------------------------------------


def choose_call(
    campaign: Campaign, locale: str | None, wanted: str | None = None
) -> CampaignCall | None:
    """The call to show: the language asked for (``?lang=``), else the visitor's UI language,
    else the poster's language, else the first written."""
    for language in (wanted, locale, campaign.poster_language):
        call = find_call(campaign, language) if language else None
        if call is not None:
            return call
    return campaign.calls[0] if campaign.calls else None


def featured_people(campaign: Campaign) -> list[Prisoner]:
    """The campaign's people a visitor may see: listed ones only, never anyone the group keeps
    off its public list (even by a count)."""
    return [p for p in campaign.prisoners if p.is_listed]


def can_be_written_to(prisoner: Prisoner) -> bool:
    return prisoner.status not in NOT_WRITABLE


def is_over(campaign: Campaign, today: date) -> bool:
    return campaign.ends_on is not None and today > campaign.ends_on


def has_started(campaign: Campaign, today: date) -> bool:
    return campaign.starts_on is None or today >= campaign.starts_on


@dataclass(frozen=True)
class PublicCampaign:
    """What `/campaigns/<id>` shows: the call (before and during the week, while published)
    and/or the report-back (whenever published; alone once the week is over)."""

    campaign: Campaign
    call: CampaignCall | None
    shows_report: bool
    over: bool
    started: bool
    takes_reports: bool
    people: Sequence[Prisoner]

    @property
    def other_languages(self) -> list[CampaignCall]:
        if self.call is None:
            return []
        return [c for c in self.campaign.calls if c.language != self.call.language]


def public_campaign(
    campaign: Campaign, today: date, locale: str | None, wanted: str | None = None
) -> PublicCampaign | None:
    """The public view of ``campaign``, or None when neither the call nor the report-back is
    published (the page is then a 404, as for anything unpublished)."""
    call_public = call_is_public(campaign)
    report_public = report_is_public(campaign)
    if not call_public and not report_public:
        return None
    over = is_over(campaign, today)
    # After the week the report-back speaks for it; without one the call stays up, so a link
    # shared during the week does not break.
    shows_call = call_public and not (over and report_public)
    return PublicCampaign(
        campaign=campaign,
        call=choose_call(campaign, locale, wanted) if shows_call else None,
        shows_report=report_public,
        over=over,
        started=has_started(campaign, today),
        takes_reports=accepts_action_reports(campaign, today),
        people=featured_people(campaign),
    )
