"""Birthdays: when the next one falls, and the day to post a card so that it arrives in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, case, extract, func, or_, select, true
from sqlalchemy.orm import contains_eager

from ..display import name_from_parts
from ..extensions import db
from ..models import NOT_WRITABLE, Facility, Prisoner
from ..paging import Page
from ..settings.services import group_settings

# Default days a letter takes when the facility has no transit_days of its own. Russian and
# Belarusian mail from abroad is slow and passes the censor, hence the longer default.
TRANSIT_DOMESTIC = 7


TRANSIT_TO_RU_BY_FROM_ABROAD = 21


TRANSIT_OTHER = 14


SLOW_FROM_ABROAD = frozenset({"RU", "BY"})


# The public page highlights birthdays whose post-by date is this close (or already passed).
POST_SOON_DAYS = 7


# The public page looks two months ahead: enough to buy and post a card abroad.
PAGE_DAYS = 60


# The page shows them 50 at a time, the soonest first, as the prisoners' list pages: at 10,000
# prisoners two months hold some 1,650 birthdays (471 KB in one page before issue 14), and the
# ones whose card must go out now are on the first page anyway.
PER_PAGE = 50


# The iCalendar feed looks a year ahead, so a subscribed calendar always has every birthday.
FEED_DAYS = 365


@dataclass(frozen=True)
class Birthday:
    """A coming birthday. ``birthday`` is the date it is celebrated this time round."""

    prisoner: Prisoner
    birthday: date
    post_by: date
    transit_days: int

    def post_soon(self, today: date) -> bool:
        """True when the card should go out within a week, or should already have gone."""
        return (self.post_by - today).days <= POST_SOON_DAYS

    def post_by_passed(self, today: date) -> bool:
        return self.post_by < today


def birthday_in_year(birth_date: date, year: int) -> date:
    """The day ``birth_date`` is celebrated in ``year``.

    29 February falls on 28 February in common years: still in February, and the card reaches
    the prison before the day rather than after it (1 March would be a day late to some).
    """
    if birth_date.month == 2 and birth_date.day == 29:
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return birth_date.replace(year=year)


def next_birthday(birth_date: date, today: date) -> date:
    """The next celebration on or after ``today`` (today's birthday counts)."""
    this_year = birthday_in_year(birth_date, today.year)
    if this_year >= today:
        return this_year
    return birthday_in_year(birth_date, today.year + 1)


def transit_days(facility: Facility, posted_from: str) -> int:
    """Days a letter from ``posted_from`` (a country code; empty: abroad) takes to arrive.

    The facility's own figure if a coordinator set one, else the route's default.
    """
    return route_transit_days(facility.transit_days, facility.country_code, posted_from)


def route_transit_days(own: int | None, country_code: str, posted_from: str) -> int:
    """``transit_days`` from a facility's own figure (``own``) and country, as plain values."""
    if own is not None:
        return own
    destination = country_code.upper()
    if posted_from and posted_from.upper() == destination:
        return TRANSIT_DOMESTIC
    if destination in SLOW_FROM_ABROAD:
        return TRANSIT_TO_RU_BY_FROM_ABROAD
    return TRANSIT_OTHER


def _month_day(day: date) -> int:
    return day.month * 100 + day.day


def _in_window(today: date, last_day: date) -> tuple[ColumnElement[bool], ...]:
    """Listed people who can receive a card, with a birthday from ``today`` to ``last_day``:
    the conditions of the page and of the feed alike. The day after ``last_day`` is included
    so that 29 February, kept on 28 February in a common year, is not lost at the window's end;
    callers work out the exact next birthday."""
    return (
        Prisoner.is_listed.is_(True),
        Prisoner.birth_date.is_not(None),
        Prisoner.status.not_in(NOT_WRITABLE),
        _day_of_year_between(today, last_day + timedelta(days=1)),
    )


def _day_of_year_between(first: date, last: date) -> ColumnElement[bool]:
    """Birth dates whose month and day fall from ``first`` to ``last``. Callers end a day
    late: 29 February is celebrated on 28 February in other years (``birthday_in_year``)."""
    if (last - first).days >= 365:
        return true()
    month_day = extract("month", Prisoner.birth_date) * 100 + extract("day", Prisoner.birth_date)
    start, end = _month_day(first), _month_day(last)
    if start <= end:
        return month_day.between(start, end)
    return or_(month_day >= start, month_day <= end)  # the window runs over New Year


def upcoming_birthdays(
    today: date | None = None, days: int = 60, posted_from: str | None = None
) -> list[Birthday]:
    """Birthdays from ``today`` to ``today + days`` of listed prisoners one can post a card to.

    Only a full birth date counts (a year alone has no day). Prisoners without a facility,
    released or dead are left out: there is no prison to post a card to. ``posted_from``
    defaults to the group's home country. Sorted by birthday, then name.
    """
    today = today or date.today()
    if posted_from is None:
        posted_from = group_settings().home_country
    last_day = today + timedelta(days=days)
    # Only birth dates whose day of the year falls in the window are loaded (at 10,000
    # prisoners, loading every dated one to keep a sixth was most of the page); the exact
    # next birthday, 29 February included, is then worked out here.
    prisoners = db.session.scalars(
        select(Prisoner)
        .join(Prisoner.facility)
        .options(contains_eager(Prisoner.facility))
        .where(*_in_window(today, last_day))
    ).all()
    birthdays = []
    for prisoner in prisoners:
        if prisoner.birth_date is None or prisoner.facility is None:
            continue  # excluded by the query; the check narrows the types
        day = next_birthday(prisoner.birth_date, today)
        if day > last_day:
            continue
        transit = transit_days(prisoner.facility, posted_from)
        birthdays.append(
            Birthday(
                prisoner=prisoner,
                birthday=day,
                post_by=day - timedelta(days=transit),
                transit_days=transit,
            )
        )
    birthdays.sort(key=lambda b: (b.birthday, b.prisoner.family_name, b.prisoner.id))
    return birthdays


def _month_day_column() -> ColumnElement[int]:
    """A birth date's month * 100 + day in SQL. On PostgreSQL ``date_part`` (a float), not
    ``EXTRACT``, which returns a numeric since version 14 and made this most of the page's
    query; SQLite's ``EXTRACT`` is already an integer from ``strftime``."""
    if db.session.get_bind().dialect.name == "postgresql":
        month = func.date_part("month", Prisoner.birth_date)
        day = func.date_part("day", Prisoner.birth_date)
        return month * 100 + day
    return extract("month", Prisoner.birth_date) * 100 + extract("day", Prisoner.birth_date)


def _birthday_key(today: date, last_day: date) -> ColumnElement[int]:
    """A birth date's next celebration from ``today`` as month * 100 + day, in SQL: 29 February
    becomes 28 February when its next celebration falls in a common year
    (``birthday_in_year``; which one, Python works out once for the whole query). Only a
    window that reaches 28 February needs to know."""
    month_day = _month_day_column()
    leap_day = next_birthday(date(2000, 2, 29), today)
    if leap_day.day == 29 or leap_day > last_day:
        return month_day
    return case((month_day == 229, 228), else_=month_day)


def birthdays_page(
    page: int,
    today: date | None = None,
    days: int = PAGE_DAYS,
    per_page: int = PER_PAGE,
    posted_from: str | None = None,
) -> Page[Birthday]:
    """Page ``page`` of the birthdays from ``today`` to ``today + days`` (at most a year), in
    the order of ``upcoming_birthdays``: by birthday, then family name and id.

    Counted, ordered and cut in SQL, so a page loads its 50 prisoners whatever the size of the
    registry. The order is the celebration's month and day counted from today's, those after
    New Year after those before it; the exact date is then worked out in Python for the page's
    rows (``next_birthday``) as for the feed."""
    today = today or date.today()
    page = max(page, 1)
    if posted_from is None:
        posted_from = group_settings().home_country
    days = min(days, 364)  # a month and day must not come round twice
    last_day = today + timedelta(days=days)
    key = _birthday_key(today, last_day)
    start, end = _month_day(today), _month_day(last_day)
    in_window: ColumnElement[bool]
    from_today: ColumnElement[int]
    if start <= end:
        in_window, from_today = key.between(start, end), key
    else:  # over New Year: the end of one year, then the start of the next
        in_window = or_(key >= start, key <= end)
        # Not days (month * 100 + day skips some numbers), but in the right order.
        from_today = case((key >= start, key - start), else_=key - start + 1300)
    writable = (
        Prisoner.is_listed.is_(True),
        Prisoner.birth_date.is_not(None),
        Prisoner.facility_id.is_not(None),
        Prisoner.status.not_in(NOT_WRITABLE),
        in_window,
    )
    ordered = (
        select(Prisoner, func.count().over().label("total"))
        .join(Prisoner.facility)
        .options(contains_eager(Prisoner.facility))
        .where(*writable)
        .order_by(from_today, Prisoner.family_name, Prisoner.id)
        .limit(per_page)
    )
    # The total rides along with the page's rows (a window count): one pass over the registry.
    rows = db.session.execute(ordered.offset((page - 1) * per_page)).all()
    if rows:
        current = Page[Birthday]([], page, per_page, int(rows[0].total))
    else:  # no birthdays, or a page past the end (an old link): count, then the last page
        total = db.session.scalar(select(func.count()).select_from(Prisoner).where(*writable))
        current = Page[Birthday]([], 1, per_page, total or 0)
        current = Page[Birthday]([], current.pages, per_page, current.total)
        if current.total:
            rows = db.session.execute(ordered.offset(current.offset)).all()
    prisoners = [row[0] for row in rows]
    birthdays = []
    for prisoner in prisoners:
        if prisoner.birth_date is None or prisoner.facility is None:
            continue  # excluded by the query; the check narrows the types
        day = next_birthday(prisoner.birth_date, today)
        transit = transit_days(prisoner.facility, posted_from)
        birthdays.append(Birthday(prisoner, day, day - timedelta(days=transit), transit))
    return Page(birthdays, current.page, per_page, current.total)


@dataclass(frozen=True)
class FeedBirthday:
    """A coming birthday as the calendar feed needs it: plain values, no prisoner object (the
    feed holds every birthday of the year: 6,000 at 10,000 prisoners)."""

    prisoner_id: int
    name: str  # as ``display_name`` writes it
    birthday: date
    post_by: date
    transit_days: int


def feed_birthdays(
    today: date | None = None, days: int = FEED_DAYS, posted_from: str | None = None
) -> list[FeedBirthday]:
    """``upcoming_birthdays``, the same people in the same order, read as plain rows."""
    today = today or date.today()
    if posted_from is None:
        posted_from = group_settings().home_country
    last_day = today + timedelta(days=days)
    rows = db.session.execute(
        select(
            Prisoner.id,
            Prisoner.given_names,
            Prisoner.patronymic,
            Prisoner.family_name,
            Prisoner.latin_name,
            Prisoner.birth_date,
            Facility.transit_days,
            Facility.country_code,
        )
        .join(Prisoner.facility)
        .where(*_in_window(today, last_day))
    ).all()
    found = []
    for prisoner_id, given, patronymic, family, latin, born, own, country in rows:
        if born is None:
            continue  # excluded by the query; the check narrows the type
        day = next_birthday(born, today)
        if day > last_day:
            continue
        transit = route_transit_days(own, country, posted_from)
        name = name_from_parts(given, patronymic, family, latin)
        entry = FeedBirthday(prisoner_id, name, day, day - timedelta(days=transit), transit)
        found.append((day, family, prisoner_id, entry))
    found.sort(key=lambda row: row[:3])
    return [row[3] for row in found]
