"""Letters per week as an SVG bar chart, drawn on the server.

Inline SVG needs no script and loads nothing from anywhere, so the page keeps its strict
Content-Security-Policy. Colours and fonts come from CSS classes in ``static/style.css``: the
policy forbids ``style=`` attributes, and geometry is plain attributes. Every piece of text is
escaped (markupsafe), and the result is ``Markup`` to drop into a template as it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from babel.dates import format_skeleton
from babel.numbers import format_decimal
from flask_babel import get_locale, ngettext
from markupsafe import Markup

# The drawing, in SVG user units; CSS scales it to the page's width.
WIDTH = 640
HEIGHT = 220
LEFT = 44  # room for the y-axis labels
RIGHT = 28  # room for a month label centred on the last week ("Jan 2026")
TOP = 12
BOTTOM = 24  # room for the month labels
BAR_SHARE = 0.7  # of each week's slot; the rest is the gap between bars
MAX_TICKS = 5

SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def _locale() -> str:
    return str(get_locale() or "en")


def round_ticks(peak: int, max_ticks: int = MAX_TICKS) -> list[int]:
    """Gridline values from 0 up to at least ``peak``, evenly spaced by a round step (1, 2 or
    5 times a power of ten), at most ``max_ticks`` of them. Only ``[0]`` when ``peak`` is 0.

    Letters are whole, so the step is never below 1.
    """
    if peak <= 0:
        return [0]
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            intervals = math.ceil(peak / step)
            if intervals <= max_ticks - 1:
                return [step * n for n in range(intervals + 1)]
        magnitude *= 10


def _is_month_start(week: date) -> bool:
    # Every month has exactly one Monday among its first seven days: label that week.
    return week.day <= 7


def _month_label(week: date, locale: str) -> str:
    # The year only where it changes, so the axis stays short.
    return format_skeleton("yMMM" if week.month == 1 else "MMM", week, locale=locale)


def weekly_chart(weeks: Sequence[tuple[date, int]]) -> Markup:
    """An SVG bar chart of (Monday, letters) pairs, oldest first: one ``rect.bar`` per week,
    each with a ``<title>`` tooltip, round gridlines, and month names under the weeks in which
    a month starts. All-zero (or empty) data draws a flat chart, never a division by zero.
    """
    locale = _locale()
    total = sum(letters for _, letters in weeks)
    summary = ngettext(
        "Letters per week for %(num)d week: %(total)s in total",
        "Letters per week for %(num)d weeks: %(total)s in total",
        len(weeks),
        total=format_decimal(total, locale=locale),
    )
    ticks = round_ticks(max((letters for _, letters in weeks), default=0))
    top = ticks[-1] or 1  # all zero: bars of height 0 under a scale that never divides by 0
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height

    def y_of(value: int) -> float:
        return baseline - value / top * plot_height

    parts = [
        Markup(
            '<svg xmlns="{ns}" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            'role="img" aria-label="{label}">'
        ).format(ns=SVG_NAMESPACE, w=WIDTH, h=HEIGHT, label=summary),
        Markup("<title>{}</title>").format(summary),
    ]
    for value in ticks:
        y = round(y_of(value), 2)
        parts.append(
            Markup(
                '<line class="grid" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"/>'
                '<text class="tick" x="{tx}" y="{ty}">{label}</text>'
            ).format(
                x1=LEFT,
                x2=WIDTH - RIGHT,
                y=y,
                tx=LEFT - 6,
                ty=round(y + 4, 2),
                label=format_decimal(value, locale=locale),
            )
        )
    slot = plot_width / max(len(weeks), 1)
    for index, (week, letters) in enumerate(weeks):
        height = round(letters / top * plot_height, 2)
        tooltip = ngettext(
            "week of %(day)s: %(count)s letter",
            "week of %(day)s: %(count)s letters",
            letters,
            count=format_decimal(letters, locale=locale),
            day=format_skeleton("MMMd", week, locale=locale),
        )
        parts.append(
            Markup(
                '<rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}">'
                "<title>{title}</title></rect>"
            ).format(
                x=round(LEFT + index * slot + slot * (1 - BAR_SHARE) / 2, 2),
                y=round(baseline - height, 2),
                w=round(slot * BAR_SHARE, 2),
                h=height,
                title=tooltip,
            )
        )
        if _is_month_start(week):
            parts.append(
                Markup('<text class="month" x="{x}" y="{y}">{label}</text>').format(
                    x=round(LEFT + (index + 0.5) * slot, 2),
                    y=HEIGHT - 6,
                    label=_month_label(week, locale),
                )
            )
    parts.append(
        Markup('<line class="axis" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"/>').format(
            x1=LEFT, x2=WIDTH - RIGHT, y=baseline
        )
    )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
