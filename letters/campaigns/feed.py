"""The Atom feed of published calls and report-backs (`/campaigns.atom`), so allied sites can
repost them without anyone visiting.

Only what the public page shows goes in (the rule in ``visibility``), as sanitised HTML. Times
are whole days: a call's texts keep when they were last changed, but the feed says only the
day, as the pages do; a report-back's day is that of the last letters it counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from feedgen.feed import FeedGenerator
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..display import campaign_dates, display_name
from ..extensions import db
from ..guidelines.markdown import render_markdown
from ..letterlog.services import public_count_day
from ..models import Campaign, LetterSent, Prisoner
from .calls import choose_call, featured_people, is_over
from .services import ReportBack, report_backs
from .visibility import call_is_public, report_is_public

# Enough for any allied site catching up; older ones stay on their pages.
FEED_ENTRIES = 50

# Characters XML 1.0 cannot hold (C0 controls but tab and line breaks, lone surrogates,
# U+FFFE/U+FFFF). A page shows them harmlessly; in the feed they would make it unreadable (and
# lxml refuses to write them), so they are dropped there.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class FeedEntry:
    """One call or report-back, ready for the feed: ``key`` is stable (the entry's id is the
    page's address and ``key``), ``updated`` a day."""

    campaign_id: int
    key: str
    title: str
    updated: date
    html: Markup
    language: str | None = None


def _day(moment: datetime | date | None) -> date | None:
    if isinstance(moment, datetime):
        return moment.date()
    return moment


def call_entry(campaign: Campaign, locale: str | None) -> FeedEntry | None:
    call = choose_call(campaign, locale)
    if call is None:
        return None
    parts = []
    dates = campaign_dates(campaign)
    if dates:
        parts.append(Markup("<p><strong>{}</strong></p>").format(dates))
    parts.append(render_markdown(call.body))
    if call.evenings:
        parts.append(Markup("<h2>{}</h2>").format(_("Come to an evening")))
        parts.append(render_markdown(call.evenings))
    people = featured_people(campaign)
    if people:
        parts.append(Markup("<h2>{}</h2>").format(_("Write to them")))
        parts.append(
            Markup("<ul>{}</ul>").format(
                Markup("").join(Markup("<li>{}</li>").format(display_name(p)) for p in people)
            )
        )
    updated = max((c.updated_on or date.min for c in campaign.calls), default=date.min)
    return FeedEntry(
        campaign_id=campaign.id,
        key="call",
        title=call.title,
        updated=max(updated, _day(campaign.created_at) or date.min),
        html=Markup("\n").join(parts),
        language=call.language,
    )


def report_entry(report: ReportBack, last_counted: date | None, today: date) -> FeedEntry:
    """``last_counted``: the day of the last letters the report-back counts, if any."""
    campaign = report.campaign
    done = report.progress
    parts = [
        Markup("<p><strong>{} {}</strong></p>").format(
            ngettext(
                "%(count)s letter",
                "%(count)s letters",
                done.letters,
                count=format_decimal(done.letters),
            ),
            ngettext(
                "to %(count)s person",
                "to %(count)s people",
                done.people,
                count=format_decimal(done.people),
            ),
        )
    ]
    if campaign.report_note:
        parts.append(Markup("<p>{}</p>").format(campaign.report_note))
    if report.named:
        parts.append(
            Markup("<ul>{}</ul>").format(
                Markup("").join(
                    Markup("<li>{}: {}</li>").format(
                        display_name(p),
                        ngettext(
                            "%(count)s letter",
                            "%(count)s letters",
                            count,
                            count=format_decimal(count),
                        ),
                    )
                    for p, count in report.named
                )
            )
        )
    # The day the report last changed: its last letters counted, or the week's end once over;
    # before either, the day the week starts (or the campaign was made).
    days = [d for d in (last_counted, campaign.ends_on if is_over(campaign, today) else None) if d]
    if not days:
        days = [campaign.starts_on or _day(campaign.created_at) or today]
    return FeedEntry(
        campaign_id=campaign.id,
        key="report",
        title=_("Report-back: %(name)s", name=campaign.name),
        updated=min(max(days), today),
        html=Markup("\n").join(parts),
    )


def feed_entries(today: date, locale: str | None) -> list[FeedEntry]:
    """Every published call and report-back, newest first (then the higher campaign id)."""
    campaigns = list(
        db.session.scalars(
            select(Campaign)
            .where(or_(Campaign.call_published, Campaign.report_published))
            # Each entry reads its texts and people: loaded together, not one query each.
            .options(selectinload(Campaign.calls), selectinload(Campaign.prisoners))
        )
    )
    reported = [c for c in campaigns if report_is_public(c)]
    reports = report_backs(reported, today)
    last_counted = _last_counted_days([c.id for c in reported], today)
    entries: list[FeedEntry] = []
    for campaign in campaigns:
        if call_is_public(campaign):
            entry = call_entry(campaign, locale)
            if entry is not None:
                entries.append(entry)
        if campaign.id in reports:
            entries.append(report_entry(reports[campaign.id], last_counted.get(campaign.id), today))
    entries.sort(key=lambda e: (e.updated, e.campaign_id, e.key), reverse=True)
    return entries[:FEED_ENTRIES]


def _last_counted_days(campaign_ids: Sequence[int], today: date) -> dict[int, date]:
    """Campaign id → the day of the last letters its public report-back counts."""
    if not campaign_ids:
        return {}
    rows = db.session.execute(
        select(LetterSent.campaign_id, func.max(LetterSent.recorded_on))
        .join(Prisoner, Prisoner.id == LetterSent.prisoner_id)
        .where(
            LetterSent.campaign_id.in_(campaign_ids),
            Prisoner.is_listed.is_(True),
            LetterSent.recorded_on < public_count_day(today),
        )
        .group_by(LetterSent.campaign_id)
    ).all()
    return {campaign_id: day for campaign_id, day in rows if campaign_id is not None}


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def render_feed(
    entries: Sequence[FeedEntry],
    *,
    title: str,
    feed_url: str,
    home_url: str,
    page_url: Callable[[int], str],
    language: str,
    today: date,
) -> bytes:
    """The Atom document. ``page_url(campaign_id)`` is the absolute address of a campaign's
    public page: an entry's link, and (with ``#call`` or ``#report``) its id."""
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(xml_text(title))
    feed.author({"name": xml_text(title)})
    feed.link(href=feed_url, rel="self")
    feed.link(href=home_url, rel="alternate")
    feed.language(language)
    feed.updated(_midnight(max((e.updated for e in entries), default=today)))
    for entry in entries:
        url = page_url(entry.campaign_id)
        item = feed.add_entry(order="append")
        item.id(f"{url}#{entry.key}")
        item.title(xml_text(entry.title))
        item.link(href=url)
        item.updated(_midnight(entry.updated))
        item.content(xml_text(str(entry.html)), type="html")
    return bytes(feed.atom_str(pretty=True))
