"""Campaigns and letter-writing evenings: who they write to, what they achieved, and recording
an evening's letters in one go.

Progress is always read from the letter log (``LetterSent``) by grouped queries: a campaign
holds no counter of its own, so letters recorded from the web, at an evening and by a
coordinator all count the same way and nothing can drift.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..display import display_name
from ..extensions import db
from ..letterlog.need import NeedRow, need_rows
from ..letterlog.services import MAX_LETTERS_PER_ENTRY, public_count_day, record_letter_sent
from ..lookups import prisoners_by_id
from ..models import NOT_WRITABLE, Campaign, CampaignKind, LetterSent, Prisoner, SentVia, User
from ..validation import FieldError, max_length

# A goal beyond this is a typing slip too: the largest solidarity weeks count in thousands.
MAX_GOAL = 100_000


# --- saving -----------------------------------------------------------------------------------


@dataclass
class CampaignFields:
    """What a coordinator fills in, already parsed (the form or a test builds it)."""

    kind: CampaignKind
    name: str
    starts_on: date | None = None
    ends_on: date | None = None
    goal: int | None = None
    report_note: str = ""
    report_published: bool = False
    prisoner_ids: Sequence[int] = field(default_factory=list)


def check_fields(fields: CampaignFields) -> None:
    """Raise ``FieldError`` for the first thing the database would refuse, worded for people."""
    if not fields.name.strip():
        raise FieldError(_("The name is required."))
    if len(fields.name) > max_length(Campaign.name):
        raise FieldError(
            _("The name is too long: at most %(max)d characters.", max=max_length(Campaign.name))
        )
    if len(fields.report_note) > max_length(Campaign.report_note):
        raise FieldError(
            _(
                "The note for the report-back page is too long: at most %(max)d characters.",
                max=max_length(Campaign.report_note),
            )
        )
    if fields.starts_on and fields.ends_on and fields.ends_on < fields.starts_on:
        raise FieldError(_("The last day is before the first day."))
    if fields.goal is not None and not 1 <= fields.goal <= MAX_GOAL:
        raise FieldError(_("The goal must be between 1 and %(max)d letters.", max=MAX_GOAL))


def save_campaign(campaign: Campaign | None, fields: CampaignFields) -> Campaign:
    """Create (``campaign`` None) or update a campaign and its chosen prisoners; caller commits.

    Raises ``FieldError`` for invalid fields and ``LookupError`` for a prisoner id that does not
    exist, before anything is changed.
    """
    check_fields(fields)
    prisoners = prisoners_by_id(fields.prisoner_ids)
    if campaign is None:
        campaign = Campaign()
        db.session.add(campaign)
    campaign.kind = fields.kind
    campaign.name = fields.name.strip()
    campaign.starts_on = fields.starts_on
    campaign.ends_on = fields.ends_on
    campaign.goal = fields.goal
    campaign.report_note = fields.report_note.strip()
    campaign.report_published = fields.report_published
    campaign.prisoners = prisoners
    return campaign


def delete_campaign(campaign: Campaign) -> None:
    """Delete a campaign created by mistake; the caller commits.

    Only one with no letters counted to it: deleting it would leave its letters counted but
    no longer say what for, and a report-back page someone shared would vanish. Raises
    ``FieldError`` otherwise.
    """
    counted = db.session.scalar(
        select(func.count(LetterSent.id)).where(LetterSent.campaign_id == campaign.id)
    )
    if counted:
        raise FieldError(
            _(
                "“%(name)s” has letters counted to it, so it cannot be deleted: they would "
                "lose what they were written for. Rename it instead.",
                name=campaign.name,
            )
        )
    db.session.delete(campaign)


def choosable_prisoners(campaign: Campaign | None = None) -> list[Prisoner]:
    """Everyone an evening could write to, neediest first (so the form suggests them first):
    listed or not, but not the released or the dead, unless the campaign already has them."""
    return [row.prisoner for row in choosable_rows(campaign)]


def choosable_rows(campaign: Campaign | None = None) -> list[NeedRow]:
    """``choosable_prisoners`` with their letters in 60 days and last letter, for the form's
    table: one query with the facility (for the country), however many prisoners."""
    can_receive = Prisoner.status.not_in(NOT_WRITABLE)
    chosen_ids = [p.id for p in campaign.prisoners] if campaign is not None else []
    condition = can_receive | Prisoner.id.in_(chosen_ids) if chosen_ids else can_receive
    query = select(Prisoner).where(condition).options(joinedload(Prisoner.facility))
    return need_rows(query)


def neediest_ids(rows: Sequence[NeedRow], count: int) -> list[int]:
    """The first ``count`` of ``rows`` (ordered by need) a letter can reach now.

    Skipped, as for the site's own pick: no facility (no address), released or dead, and an
    address that needs checking (an evening's letters there would likely come back).
    """
    reachable = (
        row.prisoner.id
        for row in rows
        if row.prisoner.facility_id is not None
        and row.prisoner.status not in NOT_WRITABLE
        and not row.prisoner.address_needs_checking
    )
    return list(islice(reachable, max(count, 0)))


def campaigns_newest_first(limit: int | None = None) -> list[Campaign]:
    """Every campaign (or the ``limit`` newest), newest first by first day (or creation)."""
    query = select(Campaign).order_by(
        func.coalesce(Campaign.starts_on, func.date(Campaign.created_at)).desc(), Campaign.id.desc()
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def campaign_count() -> int:
    return db.session.scalar(select(func.count(Campaign.id))) or 0


# --- progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Letters counted to a campaign, from the letter log."""

    letters: int
    people: int
    goal: int | None
    per_prisoner: Mapping[int, int]

    @property
    def percent(self) -> int | None:
        """Percent of the goal reached, rounded down; may pass 100 (a goal beaten is news)."""
        if not self.goal:
            return None
        return self.letters * 100 // self.goal

    @property
    def goal_reached(self) -> bool:
        return self.goal is not None and self.letters >= self.goal


def progress(campaign: Campaign) -> Progress:
    """One grouped query: letters per prisoner counted to ``campaign``."""
    return progress_of_all([campaign])[campaign.id]


def progress_of_all(campaigns: Sequence[Campaign]) -> dict[int, Progress]:
    """Letters per prisoner counted to each campaign, in one grouped query."""
    ids = [c.id for c in campaigns]
    per_campaign: dict[int, dict[int, int]] = {i: {} for i in ids}
    if ids:
        rows = db.session.execute(
            select(LetterSent.campaign_id, LetterSent.prisoner_id, func.sum(LetterSent.letters))
            .where(LetterSent.campaign_id.in_(ids))
            .group_by(LetterSent.campaign_id, LetterSent.prisoner_id)
        ).all()
        for campaign_id, prisoner_id, total in rows:
            if campaign_id is not None:  # always, by the WHERE clause; narrows the type
                per_campaign[campaign_id][prisoner_id] = int(total)
    return {
        c.id: Progress(
            letters=sum(per_campaign[c.id].values()),
            people=len(per_campaign[c.id]),
            goal=c.goal,
            per_prisoner=per_campaign[c.id],
        )
        for c in campaigns
    }


def other_prisoners(done: Progress, chosen_ids: set[int]) -> list[tuple[Prisoner, int]]:
    """Prisoners with letters counted to the campaign who are not among its chosen ones (a
    visitor may pick any running campaign when saying "I sent it"), with their letters."""
    others = [i for i in done.per_prisoner if i not in chosen_ids]
    if not others:
        return []
    prisoners = db.session.scalars(
        select(Prisoner).where(Prisoner.id.in_(others)).order_by(Prisoner.family_name, Prisoner.id)
    )
    return [(p, done.per_prisoner[p.id]) for p in prisoners]


@dataclass(frozen=True)
class CampaignProgress:
    """One evening or campaign with the letters counted to it."""

    campaign: Campaign
    progress: Progress

    @property
    def goal_progress(self) -> int | None:
        """Percent of the goal, capped at 100 for a progress bar; None without a goal."""
        percent = self.progress.percent
        return None if percent is None else min(percent, 100)


def campaign_progress(limit: int | None = None) -> list[CampaignProgress]:
    """Every campaign and evening (or the ``limit`` newest), newest first, with letters and
    people written to: two queries, and the same figures as the campaigns pages show.

    With a ``limit`` the letters grouped are only those counted to the campaigns shown, read
    through the log's ``campaign_id`` index: a cost that follows the campaigns' size, not the
    log's (every campaign at once is a fifth of a million-row log)."""
    campaigns = campaigns_newest_first(limit)
    done = progress_of_all(campaigns)
    return [CampaignProgress(campaign, done[campaign.id]) for campaign in campaigns]


# --- recording an evening's letters -----------------------------------------------------------


def via_for(campaign: Campaign) -> SentVia:
    """Letters entered in bulk are "evening" letters for an evening, else a coordinator's entry."""
    return SentVia.EVENING if campaign.kind == CampaignKind.EVENING else SentVia.COORDINATOR


def record_letters(
    campaign: Campaign,
    counts: Mapping[int, int],
    sent_on: date,
    user: User | None,
    today: date | None = None,
) -> int:
    """Log what an evening wrote: one letter-log row per prisoner with a count above zero.

    ``counts`` maps prisoner id to letters; every id must be one of the campaign's prisoners.
    All or nothing: raises ``FieldError`` (a count out of range, a date in the future) or
    ``LookupError`` (a prisoner not in the campaign) before adding any row. Returns the number
    of letters logged. The caller commits.
    """
    today = today or date.today()
    if sent_on > today:
        raise FieldError(_("The letters cannot have been posted after today."))
    chosen = {p.id: p for p in campaign.prisoners}
    strangers = [str(i) for i in counts if i not in chosen]
    if strangers:
        raise LookupError(
            _("Prisoner id %(ids)s is not part of this evening.", ids=", ".join(strangers))
        )
    for prisoner_id, count in counts.items():
        if not 0 <= count <= MAX_LETTERS_PER_ENTRY:
            raise FieldError(
                _(
                    "Letters to %(name)s: enter a number from 0 to %(max)d.",
                    name=display_name(chosen[prisoner_id]),
                    max=MAX_LETTERS_PER_ENTRY,
                )
            )
    if not any(counts.values()):
        raise FieldError(_("Enter how many letters were written to at least one person."))
    via = via_for(campaign)
    for prisoner_id, count in counts.items():
        if count:
            record_letter_sent(
                chosen[prisoner_id],
                campaign=campaign,
                user=user,
                letters=count,
                via=via,
                sent_on=sent_on,
            )
    return sum(counts.values())


def recent_entries(campaign: Campaign, limit: int = 50) -> list[LetterSent]:
    """The latest letter-log rows counted to ``campaign`` (newest first), with their prisoner:
    what a coordinator checks after recording, and corrects if a number was mistyped."""
    query = (
        select(LetterSent)
        .options(joinedload(LetterSent.prisoner))
        .where(LetterSent.campaign_id == campaign.id)
        # Rows keep no time of day; ids still go up with each insert.
        .order_by(LetterSent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def remove_entry(campaign: Campaign, entry_id: int) -> LetterSent:
    """Delete one letter-log row of ``campaign`` (a typo, a form sent twice); caller commits.

    Raises ``LookupError`` if the row does not exist or belongs to another campaign: a
    coordinator correcting an evening must not reach into anything else.
    """
    entry = db.session.get(LetterSent, entry_id)
    if entry is None or entry.campaign_id != campaign.id:
        raise LookupError(entry_id)
    db.session.delete(entry)
    return entry


# --- the public report-back page --------------------------------------------------------------


@dataclass(frozen=True)
class ReportBack:
    """What a published campaign achieved, safe to show anyone.

    Only letters to listed prisoners are counted, and only those recorded before today: a
    person the group keeps off its public list is neither named nor counted (even "1 person
    not on our public list" says that someone is kept off it), and a total that moved at a
    click would let anyone watching the page time it. The coordinators' page has every letter.
    """

    campaign: Campaign
    progress: Progress
    named: list[tuple[Prisoner, int]]


def report_back(campaign: Campaign, today: date | None = None) -> ReportBack:
    return report_backs([campaign], today)[campaign.id]


def report_backs(campaigns: Sequence[Campaign], today: date | None = None) -> dict[int, ReportBack]:
    """``report_back`` for each of ``campaigns`` (the Atom feed's), in two queries however many
    there are."""
    ids = [c.id for c in campaigns]
    per_campaign: dict[int, dict[int, int]] = {i: {} for i in ids}
    if ids:
        rows = db.session.execute(
            select(LetterSent.campaign_id, LetterSent.prisoner_id, func.sum(LetterSent.letters))
            .join(Prisoner, Prisoner.id == LetterSent.prisoner_id)
            .where(
                LetterSent.campaign_id.in_(ids),
                Prisoner.is_listed.is_(True),
                LetterSent.recorded_on < public_count_day(today),
            )
            .group_by(LetterSent.campaign_id, LetterSent.prisoner_id)
        ).all()
        for campaign_id, prisoner_id, total in rows:
            if campaign_id is not None:  # always, by the WHERE clause; narrows the type
                per_campaign[campaign_id][prisoner_id] = int(total)
    everyone = {i for counts in per_campaign.values() for i in counts}
    prisoners = {p.id: p for p in prisoners_by_id(sorted(everyone))} if everyone else {}
    reports = {}
    for campaign in campaigns:
        per_prisoner = per_campaign[campaign.id]
        done = Progress(
            letters=sum(per_prisoner.values()),
            people=len(per_prisoner),
            goal=campaign.goal,
            per_prisoner=per_prisoner,
        )
        named = sorted(
            ((prisoners[i], count) for i, count in per_prisoner.items()),
            key=lambda pair: (-pair[1], pair[0].family_name, pair[0].id),
        )
        reports[campaign.id] = ReportBack(campaign=campaign, progress=done, named=named)
    return reports
