"""Which parts of a campaign anyone may see: the one rule every public page, feed and partial
asks, so a page cannot show what the feed keeps back (or the other way round).

The call and the report-back are published separately: a call goes out before the week while
the report-back waits until there is something to report.
"""

from __future__ import annotations

from ..models import Campaign


def call_is_public(campaign: Campaign) -> bool:
    """The call (its texts, dates, featured people and "how to help") may be shown to anyone."""
    return bool(campaign.call_published) and bool(campaign.calls)


def report_is_public(campaign: Campaign) -> bool:
    """The report-back (letters counted, people written to by name if listed) may be shown."""
    return bool(campaign.report_published)
