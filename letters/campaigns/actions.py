"""Actions other groups report back on a published call: a banner, an evening, a stall.

A report is kept as the visitor's words and photos, never as anything about them: no name,
e-mail, account or address, and the day it came in rather than the moment. It waits unseen
until a coordinator publishes it; only then does it count on the public report-back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import ActionKind, ActionPhoto, Campaign, CampaignAction
from ..validation import FieldError, check_day_between, max_length
from .photos import CleanPhoto
from .visibility import call_is_public, report_is_public

#: Actions are often held in the run-up to a week of solidarity (a banner the weekend before, an
#: evening to prepare): a report may date from this long before the campaign's first day.
DAYS_BEFORE_START = 30
#: A group a few time zones east of the server is already in tomorrow when the server is not.
DAYS_AHEAD_ALLOWED = 1

#: Reports are taken until this long after a campaign's last day: groups write up a week's
#: actions afterwards, but a call from years ago should not fill the queue.
DAYS_REPORTS_TAKEN_AFTER_END = 60

KIND_LABELS = {
    ActionKind.EVENING: _l("Letter-writing evening"),
    ActionKind.STREET: _l("Street action"),
    ActionKind.BANNER: _l("Banner"),
    ActionKind.STALL: _l("Info stall"),
    ActionKind.CONCERT: _l("Concert"),
    ActionKind.OTHER: _l("Other"),
}


@dataclass
class ActionFields:
    """What a visitor reports (or a coordinator corrects), already parsed."""

    kind: ActionKind
    city: str
    country_code: str
    happened_on: date
    description: str = ""
    link: str = ""


@dataclass(frozen=True)
class ActionTally:
    """How far the call reached: published actions, in how many cities and countries."""

    actions: int
    cities: int
    countries: int


@dataclass
class ReportedActions:
    """What the public report-back shows of a campaign's actions."""

    actions: list[CampaignAction] = field(default_factory=list)
    tally: ActionTally = ActionTally(0, 0, 0)


# --- rules ------------------------------------------------------------------------------------


def earliest_action_day(campaign: Campaign) -> date:
    """The first day a report on ``campaign`` may date from: ``DAYS_BEFORE_START`` days before
    its first day (or before the day it was created, for a campaign without dates)."""
    start = campaign.starts_on or campaign.created_at.date()
    return start - timedelta(days=DAYS_BEFORE_START)


def latest_action_day(today: date | None = None) -> date:
    return (today or date.today()) + timedelta(days=DAYS_AHEAD_ALLOWED)


def accepts_action_reports(campaign: Campaign, today: date | None = None) -> bool:
    """Whether visitors may report actions: the call is public and the campaign not long over."""
    if not call_is_public(campaign):
        return False
    if campaign.ends_on is None:
        return True
    closes = campaign.ends_on + timedelta(days=DAYS_REPORTS_TAKEN_AFTER_END)
    return (today or date.today()) <= closes


def check_action_day(day: date, campaign: Campaign) -> date:
    """``day`` unchanged, or ``FieldError``: not in the future, not long before the campaign."""
    if day > latest_action_day():
        raise FieldError(_l("An action that has not happened yet cannot be reported."))
    return check_day_between(day, earliest_action_day(campaign), day)


def check_link(text: str) -> str:
    """An ``http``/``https`` address with a host, unchanged; ``""`` for none. Anything else
    (``javascript:``, ``data:``, a bare word) is refused: the link is shown to everyone."""
    text = text.strip()
    if not text:
        return ""
    if re.search(r"\s", text):
        raise FieldError(_l("A web address contains no spaces."))
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FieldError(_l("Give a web address starting with https:// or http://."))
    if len(text) > max_length(CampaignAction.link):
        raise FieldError(
            _l(
                "The address is too long: at most %(max)d characters.",
                max=max_length(CampaignAction.link),
            )
        )
    return text


def check_fields(fields: ActionFields, campaign: Campaign) -> None:
    """Raise ``FieldError`` for what the database would refuse (the form checks it first)."""
    if not fields.city.strip():
        raise FieldError(_l("%(field)s is required.", field=_l("City")))
    if len(fields.city) > max_length(CampaignAction.city):
        raise FieldError(_l("The city is too long."))
    if len(fields.country_code) != 2:
        raise FieldError(_l("%(field)s is required.", field=_l("Country")))
    if len(fields.description) > max_length(CampaignAction.description):
        raise FieldError(_l("The description is too long."))
    check_action_day(fields.happened_on, campaign)
    check_link(fields.link)


# --- a visitor reports ----------------------------------------------------------------------


def report_action(
    campaign: Campaign, fields: ActionFields, photos: Sequence[CleanPhoto] = ()
) -> CampaignAction:
    """Add a report, unpublished, with its (already cleaned) photos. Not committed."""
    check_fields(fields, campaign)
    action = CampaignAction(
        campaign=campaign,
        published=False,
        received_on=date.today(),
        **_columns(fields),
    )
    action.photos = [
        ActionPhoto(position=n, width=p.width, height=p.height, data=p.data)
        for n, p in enumerate(photos)
    ]
    db.session.add(action)
    db.session.flush()
    return action


def _columns(fields: ActionFields) -> dict[str, object]:
    return {
        "kind": fields.kind,
        "city": fields.city.strip(),
        "country_code": fields.country_code.upper(),
        "happened_on": fields.happened_on,
        "description": fields.description.strip(),
        "link": fields.link.strip(),
    }


# --- a coordinator moderates -----------------------------------------------------------------


def action_of(campaign: Campaign, action_id: int) -> CampaignAction:
    """The campaign's action ``action_id``; ``LookupError`` for another campaign's or none."""
    action = db.session.get(CampaignAction, action_id)
    if action is None or action.campaign_id != campaign.id:
        raise LookupError(action_id)
    return action


def moderation_queue(campaign: Campaign) -> list[CampaignAction]:
    """Every report on ``campaign``: waiting ones first (oldest first), then published ones
    by the day they happened."""
    return sorted(
        campaign.actions,
        key=lambda a: (a.published, a.received_on if not a.published else a.happened_on, a.id),
    )


def waiting_count(campaign: Campaign) -> int:
    return int(
        db.session.scalar(
            select(func.count(CampaignAction.id)).where(
                CampaignAction.campaign_id == campaign.id, CampaignAction.published.is_(False)
            )
        )
        or 0
    )


def set_published(action: CampaignAction, published: bool) -> None:
    action.published = published
    db.session.flush()  # the audit trail records the change with the flush


def update_action(action: CampaignAction, fields: ActionFields) -> None:
    """A coordinator's correction of the text (a typo, a name that should not be there)."""
    check_fields(fields, action.campaign)
    for name, value in _columns(fields).items():
        setattr(action, name, value)
    db.session.flush()


def delete_photo(action: CampaignAction, photo_id: int) -> None:
    """Remove one photo (a face, a street sign); ``LookupError`` if it is not the action's."""
    photo = next((p for p in action.photos if p.id == photo_id), None)
    if photo is None:
        raise LookupError(photo_id)
    action.photos.remove(photo)
    # Deleted by name, not only as an orphan: the audit trail sees what the session deletes.
    db.session.delete(photo)
    db.session.flush()


def delete_action(action: CampaignAction) -> None:
    db.session.delete(action)
    db.session.flush()


# --- the public report-back -----------------------------------------------------------------


def published_actions(campaign: Campaign) -> list[CampaignAction]:
    """Published actions by the day they happened."""
    return [a for a in campaign.actions if a.published]


def tally(actions: Iterable[CampaignAction]) -> ActionTally:
    """Actions, cities and countries: a city is its name within its country, whatever the case
    or spacing it was typed with ("Berlin" and " berlin " are one; Paris, FR and Paris, US
    two)."""
    listed = list(actions)
    cities = {(a.country_code.upper(), " ".join(a.city.split()).casefold()) for a in listed}
    countries = {a.country_code.upper() for a in listed}
    return ActionTally(len(listed), len(cities), len(countries))


def reported_actions(campaign: Campaign) -> ReportedActions:
    """The published actions of ``campaign`` and their tally, for the report-back partial."""
    actions = published_actions(campaign)
    return ReportedActions(actions, tally(actions))


def photo_for(photo_id: int, *, coordinator: bool) -> ActionPhoto | None:
    """The photo if this reader may see it: anyone a published action's photo on a published
    call or report-back; a coordinator any photo (to moderate it). ``None`` otherwise."""
    photo = db.session.get(ActionPhoto, photo_id)
    if photo is None:
        return None
    if coordinator:
        return photo
    campaign = photo.action.campaign
    public = call_is_public(campaign) or report_is_public(campaign)
    return photo if photo.action.published and public else None
