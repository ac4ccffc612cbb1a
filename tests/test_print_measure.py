"""Every printed output, rendered as the app renders it and measured as a sorting machine or a
tired volunteer would read it (issue 12, item 8).

What is printed: envelopes of all five sizes posted from Russia, Germany, the US and from
abroad (nobody knows where), letter sheets (A4, US Letter), the evening pack's large-print
cards, both label sheets (L7160, 5160), and a campaign's poster (A3, A4) and flyer (issue 15),
for the worked examples of
docs/addressing.md#worked-examples plus a long-name set (a 180-character colony name, a
hyphenated double surname, a 9-line US federal address, each with a 6-line return address from
the group's settings). The print data comes from the registry through ``printing.services``,
exactly as the views and the CLI get it; the renderers write the PDFs.

What is measured, with pdfplumber: every character's size and box, every drawn line, rectangle
and curve. What is asserted:

- floors: the recipient block ≥ 10 pt on DL, C6 and US #10 and ≥ 12 pt on C5 and C4, and
  never smaller than the return address on the same envelope; labels ≥ 8 pt; large-print
  cards ≥ 16 pt for everything, the name ≥ 24 pt; posters: the title ≥ 48 pt on A3, 34 pt on
  A4, 22 pt on the flyer, and nothing smaller than the addresses' floor (14, 10, 8 pt);
- nothing is cut: every character of the address is printed; on a poster every featured
  person's address, no character over another, none on the QR code;
- margins: every character and mark (stroke width included) ≥ 5 mm inside the sheet, and on
  envelopes the text ≥ ``envelopes.EDGE`` from the edges, as the zones promise;
- the stamp field (``envelopes.stamp_area``) holds no character and no mark;
- refusals: where a block cannot fit at its floor the output may be refused, but only then, and
  the message must name the prisoner. Whether a block can fit is worked out here, independently
  of the fitting code, in ``refusal_expected``; what counts as a refusal is ``attempt``.

Rendering is the slow part, so each output is rendered once per run (``_RENDERED``) and
measured once; the tests then read the measurements. A picture of one page of each kind is kept
in ``artifacts/print/`` (CI keeps ``artifacts/``).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from conftest import make_facility
from flask import Flask
from flask_babel import force_locale
from reportlab.lib.units import mm

from letters.display import display_name
from letters.extensions import db
from letters.models import Campaign, CampaignCall, CampaignKind, Facility, Prisoner
from letters.postal import address_block
from letters.printing import envelopes as envelope_module
from letters.printing import labels as label_module
from letters.printing import layout, services
from letters.printing.data import Envelope, LetterSheet, PrisonerCard
from letters.printing.envelopes import (
    EDGE,
    envelope_format,
    recipient_box,
    render_envelopes,
    return_box,
    stamp_area,
)
from letters.printing.fonts import REGULAR, text_width
from letters.printing.formats import ENVELOPES, LABEL_SHEETS, SHEETS
from letters.printing.labels import label_rect, render_labels
from letters.printing.pack import draw_card
from letters.printing.pdf import new_canvas
from letters.printing.poster import POSTER_FORMATS, render_poster
from letters.printing.sheets import FOLDS, render_letter_sheets, sheet_format
from letters.prisoners.services import save_prisoner
from letters.settings.services import group_return_lines, save_group_settings

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "print"
PICTURE_RESOLUTION = 100  # dpi: enough to read a 8 pt line on the picture

# --- the promises (docs/addressing.md#type-sizes, issue 12) -----------------------------------

MIN_INSIDE = 5 * mm  # every mark from every edge of the sheet: printers' unprintable margin
RECIPIENT_FLOOR = {"DL": 10.0, "C6": 10.0, "US10": 10.0, "C5": 12.0, "C4": 12.0}
LABEL_FLOOR = 8.0
CARD_FLOOR = 16.0
CARD_NAME_FLOOR = 24.0
# Posters: (title, anything else) by output. A3's title is read from two metres.
POSTER_FLOORS = {"poster A3": (48.0, 14.0), "poster A4": (34.0, 10.0), "flyer": (22.0, 8.0)}
SIZE_TOLERANCE = 0.01  # pt: sizes come back from the PDF as decimals

# Where the letters are posted from: a country code, or None when nobody knows ("abroad": the
# country line is printed).
ORIGINS: dict[str, str | None] = {"RU": "RU", "DE": "DE", "US": "US", "abroad": None}

# --- the addresses ----------------------------------------------------------------------------

# A realistic full name of a Russian colony, as a coordinator copies it from an official reply.
LONG_COLONY_NAME = (
    "Федеральное казённое учреждение «Исправительная колония № 17 строгого режима» Управления"
    " Федеральной службы исполнения наказаний Российской Федерации по Республике Мордовия"
    " (ИК-17)"
)
assert len(LONG_COLONY_NAME) == 180, len(LONG_COLONY_NAME)

# The group's return address, as an admin types it under Settings, for each place a letter is
# posted from: an ordinary one for the worked examples, one of the most lines settings accept
# (six) for the long-name set.
RETURN_ADDRESSES: dict[str, tuple[str, str]] = {
    "RU": (
        "Петровой Ольге Ивановне\nул. Ленина, д. 1, кв. 2\nг. Москва\n123456",
        "Общественная инициатива «Письма политзаключённым»\n"
        "для Петровой Ольги Ивановны\n"
        "ул. Большая Садовая, д. 302-бис, корп. 2, кв. 50\n"
        "г. Ростов-на-Дону\n"
        "Ростовская область\n"
        "344002",
    ),
    "DE": (
        "Soli-Gruppe Briefe\nPostfach 12 34\n10999 Berlin",
        "Anarchistisches Schwarzes Kreuz Dresden – Gefangenensolidarität\n"
        "c/o Netzwerk Selbsthilfe e. V., Projekthaus Mitte\n"
        "Hinterhaus, 3. Obergeschoss, Raum 312\n"
        "Rosa-Luxemburg-Straße 120\n"
        "01069 Dresden\n"
        "Sachsen",
    ),
    "US": (
        "LETTERS SUPPORT GROUP\nPO BOX 1234\nOAKLAND CA 94612",
        "PRISONER CORRESPONDENCE PROJECT OF THE BAY AREA\n"
        "ATTN LETTER WRITING COMMITTEE\n"
        "C/O COMMUNITY CENTER FOR SOCIAL JUSTICE\n"
        "1234 MARTIN LUTHER KING JR WAY SUITE 500\n"
        "PO BOX 20391\n"
        "OAKLAND CA 94620-0391",
    ),
}
RETURN_ADDRESSES["abroad"] = RETURN_ADDRESSES["DE"]

BIO = (
    "Антифашист, учитель истории. Любит книги о путешествиях, шахматы и письма с фотографиями"
    " природы. Просит писать о том, что происходит в вашем городе."
)
RESTRICTIONS = "Letters only in Russian. No stickers, no glitter, at most three photos."
LETTER_TEXT = (
    "Здравствуйте!\n\nМеня зовут Анна, я живу в Берлине. Пишу вам впервые. "
    "Надеюсь, письмо застанет вас в добром здравии. " * 6 + "\n\nС теплом, Анна."
)


@dataclass(frozen=True)
class Case:
    """One prisoner to print for, and which return address goes with them."""

    name: str
    prisoner: Prisoner
    long_set: bool  # the long-name set: printed with the 6-line return address


def _facility(**fields: Any) -> Facility:
    # make_facility's defaults are the Penza SIZO's: a facility elsewhere names its own region.
    if fields.get("country_code", "RU") != "RU":
        fields.setdefault("country_area", "")
    return make_facility(**{"allows_paper": True, **fields})


def _prisoner(facility: Facility, family: str, given: str, **fields: Any) -> Prisoner:
    values: dict[str, Any] = {
        "family_name": family,
        "given_names": given,
        "patronymic": "",
        "latin_name": "",
        "languages": "ru",
        "bio": BIO,
        **fields,
    }
    prisoner = Prisoner(**values)
    prisoner.facility = facility
    save_prisoner(prisoner)
    return prisoner


def make_cases() -> list[Case]:
    """The worked examples (tests/domain_addresses.py) and the long-name set, in the registry."""
    penza = _facility(restrictions=RESTRICTIONS)
    colony = _facility(
        name=LONG_COLONY_NAME,
        street_address="ул. Лесная, д. 14, корп. 2",
        city="пос. Озёрный",
        country_area="Республика Мордовия",
        postal_code="431130",
        restrictions=RESTRICTIONS,
    )
    dublin = _facility(
        name="FCI Dublin",
        country_code="US",
        street_address="5701 8th St. - Camp Parks",
        city="Dublin",
        country_area="CA",
        postal_code="94568",
        allows_paper=False,
    )
    pennsylvania = _facility(
        name="Smart Communications/PA DOC",
        country_code="US",
        street_address="PO Box 33028",
        city="St. Petersburg",
        country_area="FL",
        postal_code="33733",
        facility_name_first=True,
        name_line_format="{name}/{number}",
        allows_paper=False,
    )
    # A federal prison written out in full: with the unit, nine lines from abroad.
    allenwood = _facility(
        name="Federal Correctional Institution Allenwood Medium",
        country_code="US",
        street_address=(
            "Federal Correctional Complex Allenwood\nAttn: Inmate Mail Room\n"
            "Route 15, Building 3\nP.O. Box 2000"
        ),
        city="White Deer",
        country_area="PA",
        postal_code="17887-2000",
        allows_paper=False,
    )
    brixton = _facility(
        name="HMP Brixton",
        country_code="GB",
        street_address="Jebb Avenue",
        city="London",
        postal_code="SW2 5XF",
    )
    rosdorf = _facility(
        name="JVA Rosdorf",
        country_code="DE",
        street_address="Am Großen Sieke 8",
        city="Rosdorf",
        postal_code="37124",
    )
    gomel = _facility(
        name="ИК №4",
        country_code="BY",
        street_address="ул. Антошкина, 3",
        city="г. Гомель",
        postal_code="246035",
    )
    cases = [
        Case(
            "penza-sizo",
            _prisoner(
                penza,
                "Пчелинцев",
                "Дмитрий",
                patronymic="Дмитриевич",
                latin_name="Dmitry Pchelintsev",
                birth_year=1992,
            ),
            False,
        ),
        Case(
            "us-federal",
            _prisoner(dublin, "Doe", "John", prisoner_number="12345-678", languages="en"),
            False,
        ),
        Case(
            "pennsylvania-scanning-centre",
            _prisoner(
                pennsylvania,
                "Roe",
                "Jane",
                latin_name="Jane Roe",
                prisoner_number="QN1234",
                unit="SCI Muncy",
                languages="en",
            ),
            False,
        ),
        Case(
            "uk-hmp",
            _prisoner(brixton, "Smith", "Alex", prisoner_number="A1234BC", languages="en"),
            False,
        ),
        Case("german-jva", _prisoner(rosdorf, "Weber", "Lena", languages="de"), False),
        Case(
            "belarus-colony",
            _prisoner(gomel, "Колесникова", "Мария", patronymic="Александровна", birth_year=1982),
            False,
        ),
        Case(
            "long-colony-name",
            _prisoner(
                colony,
                "Кузнецов",
                "Андрей",
                patronymic="Викторович",
                birth_year=1987,
                bio=BIO * 12,
            ),
            True,
        ),
        Case(
            "hyphenated-surname",
            _prisoner(
                penza,
                "Петрова-Водкина",
                "Екатерина",
                patronymic="Александровна",
                birth_year=1987,
            ),
            True,
        ),
        Case(
            "us-federal-nine-lines",
            _prisoner(
                allenwood,
                "Doe-Ramirez",
                "John Quincy",
                prisoner_number="12345-678",
                unit="Housing Unit 3B, Upper Tier, Cell 214",
                languages="en es",
            ),
            True,
        ),
    ]
    db.session.flush()
    return cases


# --- refusals: the one place that knows how an output is refused -------------------------------


# FIT's refusal (issue 12, item 1): a block that cannot fit at its floor raises
# ``layout.DoesNotFit``. Until it exists nothing counts as a refusal.
# What the print services raise when an output would print below its floor (one message per
# prisoner, as the coordinator reads it), and the renderer's own refusal, which names nobody:
# caught too, so a path that skips the services' check fails "names the prisoner".
REFUSALS: tuple[type[Exception], ...] = (services.DoesNotFitError, layout.DoesNotFit)


@dataclass(frozen=True)
class Attempt:
    pdf: bytes | None  # None: refused
    refusal: str = ""  # the message a coordinator reads


def attempt(prisoner: Prisoner, make_pdf: Callable[[], bytes]) -> Attempt:
    """Build and render one output for ``prisoner``; a refusal is kept with its message.

    The message is what the coordinator would read, so it must name the prisoner. If the
    naming is done above the renderer (a service or view catching ``DoesNotFit``), call that
    layer here, or build its message from the error.
    """
    try:
        return Attempt(make_pdf())
    except REFUSALS as error:
        return Attempt(None, str(error))


def names_the_prisoner(message: str, names: Sequence[str]) -> bool:
    """Whether a refusal says whose output it is: the name as shown, or the family or Latin
    name (``Printed.prisoner_names``)."""
    return any(name and name in message for name in names)


def rows_needed(lines: Sequence[str], width: float, size: float, font: str = REGULAR) -> int | None:
    """How many rows ``lines`` take at ``size`` wrapped at word boundaries to ``width``, never
    inside a unit that must stay whole (``layout.units`` where the fitting code has it); None
    when one unit alone is wider than ``width``.

    Worked out here, not by the fitting code, so the test can tell a refusal that had to be
    from one that did not.
    """
    split: Callable[[str], list[str]] = getattr(layout, "units", str.split)
    rows = 0
    for line in lines:
        words = split(line)
        if not words:
            continue
        rows += 1
        current = ""
        for word in words:
            if text_width(word, size, font) > width:
                return None
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size, font) <= width:
                current = candidate
            else:
                rows += 1
                current = word
    return rows


def fits(lines: Sequence[str], width: float, height: float, size: float) -> bool:
    rows = rows_needed(lines, width, size)
    return rows is not None and rows * size * layout.LEADING <= height


def refusal_expected(lines: Sequence[str], width: float, height: float, size: float) -> str:
    """Whether refusing this block is right: "yes" when it cannot fit the box at its floor,
    "no" when it fits with 5 % to spare in both directions, "either" in between (the fitting
    code's own small allowances decide)."""
    if not fits(lines, width, height, size):
        return "yes"
    if fits(lines, width * 0.95, height * 0.95, size):
        return "no"
    return "either"


# --- rendering and measuring, once per run ----------------------------------------------------


@dataclass
class Measured:
    """One rendered page as pdfplumber reads it."""

    width: float
    height: float
    chars: list[dict[str, Any]]
    marks: list[dict[str, Any]]  # lines, rectangles and curves


@dataclass
class Printed:
    """One output for one prisoner from one place: its PDF's pages, or its refusal."""

    output: str  # "envelope DL", "labels 5160", "sheet A4", "card A4"
    case: str
    origin: str  # where it is posted from; for a letter sheet, the envelope it folds for ("-")
    prisoner_name: str
    prisoner_names: tuple[str, ...]  # what a message naming them may say
    pdf: bytes | None
    refusal: str
    expect_refusal: str  # "yes", "no" or "either"
    lines: tuple[str, ...] = ()  # the address block asked for
    envelope: Envelope | None = None
    return_lines: tuple[str, ...] = ()
    card_name: str = ""
    pages: list[Measured] = field(default_factory=list)

    @property
    def where(self) -> str:
        if not self.output.startswith("sheet"):
            how = f"posted from {self.origin}"
        else:
            how = f"folded for {self.origin}" if self.origin != "-" else "not folded"
        return f"{self.output} · {self.case} · {how}"


def measure(pdf: bytes) -> list[Measured]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [
            Measured(
                float(page.width),
                float(page.height),
                [dict(char) for char in page.chars],
                [dict(mark) for mark in (*page.lines, *page.rects, *page.curves)],
            )
            for page in document.pages
        ]


def _pdf(render: Callable[[io.BytesIO], object]) -> bytes:
    out = io.BytesIO()
    render(out)
    return out.getvalue()


def _printed(
    output: str,
    case: Case,
    origin: str,
    made: Attempt,
    expect_refusal: str,
    **fields: Any,
) -> Printed:
    prisoner = case.prisoner
    printed = Printed(
        output=output,
        case=case.name,
        origin=origin,
        prisoner_name=display_name(prisoner),
        prisoner_names=(display_name(prisoner), prisoner.family_name, prisoner.latin_name),
        pdf=made.pdf,
        refusal=made.refusal,
        expect_refusal=expect_refusal,
        **fields,
    )
    if made.pdf is not None:
        printed.pages = measure(made.pdf)
    return printed


def _with_return_address(origin: str, case: Case) -> tuple[tuple[str, ...], str]:
    """The group's return address and home country from its settings, as the print views read
    them. Posted from "abroad" (an unknown country), the group is still at home in Germany: its
    return address is a German one."""
    ordinary, long_one = RETURN_ADDRESSES[origin]
    home = origin_code(origin) or "DE"
    save_group_settings("Letters group", long_one if case.long_set else ordinary, home)
    return group_return_lines(), home


def origin_code(origin: str) -> str:
    return ORIGINS[origin] or ""


def recipient_text_box(envelope: Envelope, size: str) -> tuple[float, float]:
    """Width and height the recipient's lines have on the envelope (the Russian form's labels
    and the descent below the last line taken off)."""
    fmt = envelope_format(size)
    zone = recipient_box(envelope, fmt)
    width = zone.width
    if envelope_module.is_posted_inside_russia(envelope):
        labels = envelope_module.RECIPIENT_LABELS
        width -= (
            max(text_width(label, envelope_module.LABEL_SIZE) for label in labels)
            + envelope_module.LABEL_GAP
        )
    floor = RECIPIENT_FLOOR[size]
    return width, zone.height - envelope_module.DESCENT_ALLOWANCE * floor


def address_lines(prisoner: Prisoner, posted_from: str | None) -> tuple[str, ...]:
    """The recipient block as the addressing prints it, for an output that was refused before
    its print data could be seen."""
    block = address_block(prisoner, posted_from)
    assert block is not None
    return block.lines


def unfitted_envelope(
    prisoner: Prisoner, posted_from: str | None, return_lines: tuple[str, ...]
) -> Envelope:
    """The envelope ``services.envelope_for`` builds, for one refused before it was built."""
    assert prisoner.facility is not None
    return Envelope(
        recipient_lines=address_lines(prisoner, posted_from),
        destination_country=prisoner.facility.country_code,
        posted_from=posted_from,
        return_lines=return_lines,
        postal_code=prisoner.facility.postal_code,
    )


def render_envelope_output(size: str, cases: list[Case]) -> list[Printed]:
    printed = []
    for origin, posted_from in ORIGINS.items():
        for case in cases:
            return_lines, home = _with_return_address(origin, case)
            made: dict[str, Envelope] = {}

            def make(
                case: Case = case,
                posted_from: str | None = posted_from,
                return_lines: tuple[str, ...] = return_lines,
                home: str = home,
                made: dict[str, Envelope] = made,
            ) -> bytes:
                envelope = services.envelope_for(case.prisoner, posted_from, return_lines, home)
                made["envelope"] = envelope
                # As the print views and commands do before drawing anything.
                services.check_envelopes_fit([(case.prisoner, envelope)], size)
                return _pdf(lambda out: render_envelopes([envelope], size, out))

            result = attempt(case.prisoner, make)
            envelope = made.get("envelope") or unfitted_envelope(
                case.prisoner, posted_from, return_lines
            )
            width, height = recipient_text_box(envelope, size)
            printed.append(
                _printed(
                    f"envelope {size}",
                    case,
                    origin,
                    result,
                    refusal_expected(
                        envelope.recipient_lines, width, height, RECIPIENT_FLOOR[size]
                    ),
                    lines=envelope.recipient_lines,
                    envelope=envelope,
                    return_lines=envelope.return_lines,
                )
            )
    return printed


def label_block(prisoner: Prisoner, posted_from: str | None, sheet: str) -> tuple[str, ...]:
    """The lines the evening pack puts on ``prisoner``'s label."""
    pack = services.evening_pack_for([prisoner], 0, "DL", posted_from, sheet, 1, ())
    return pack.labels[0]


def label_text_box(sheet: str) -> tuple[float, float]:
    _x, _y, width, height = label_rect(LABEL_SHEETS[sheet], 0)
    return width - 2 * label_module.PADDING, height - 2 * label_module.PADDING_Y


def render_label_output(sheet: str, cases: list[Case]) -> list[Printed]:
    printed = []
    width, height = label_text_box(sheet)
    for origin, posted_from in ORIGINS.items():
        for case in cases:
            made: dict[str, tuple[str, ...]] = {}

            def make(
                case: Case = case,
                posted_from: str | None = posted_from,
                made: dict[str, tuple[str, ...]] = made,
            ) -> bytes:
                block = label_block(case.prisoner, posted_from, sheet)
                made["block"] = block
                return _pdf(lambda out: render_labels([block], sheet, 1, out))

            result = attempt(case.prisoner, make)
            block = made.get("block") or address_lines(case.prisoner, posted_from)
            printed.append(
                _printed(
                    f"labels {sheet}",
                    case,
                    origin,
                    result,
                    refusal_expected(block, width, height, LABEL_FLOOR),
                    lines=block,
                )
            )
    return printed


def render_label_grid(sheet: str, cases: list[Case]) -> list[Printed]:
    """A whole sheet, every label used, for the margins of the labels at the sheet's edges.

    The shortest block (the German JVA's) goes on every label: this is about where labels sit,
    not about fitting.
    """
    case = next(c for c in cases if c.name == "german-jva")
    block = label_block(case.prisoner, "DE", sheet)
    blocks = [block] * LABEL_SHEETS[sheet].per_sheet
    result = attempt(case.prisoner, lambda: _pdf(lambda out: render_labels(blocks, sheet, 1, out)))
    return [_printed(f"labels {sheet} (full sheet)", case, "DE", result, "no", lines=block)]


def render_sheet_output(size: str, cases: list[Case]) -> list[Printed]:
    """A letter (typed, or ruled for handwriting) per prisoner, folded for each envelope in
    turn, with the reply sheet where the facility allows paper."""
    folds: list[str | None] = [None, *FOLDS]
    printed = []
    for index, case in enumerate(cases):
        fold = folds[index % len(folds)]
        text = LETTER_TEXT if index % 2 else None

        def make(case: Case = case, fold: str | None = fold, text: str | None = text) -> bytes:
            sheet: LetterSheet = services.letter_sheet_for(case.prisoner, text, fold, True, 2)
            return _pdf(lambda out: render_letter_sheets([sheet], size, out))

        result = attempt(case.prisoner, make)
        printed.append(_printed(f"sheet {size}", case, fold or "-", result, "no"))
    return printed


def render_card_output(size: str, cases: list[Case]) -> list[Printed]:
    """The evening pack's large-print card for each prisoner, on its own page."""
    fmt = sheet_format(size)
    printed = []
    for origin, posted_from in (("abroad", None), ("RU", "RU")):
        for case in cases:

            def make(case: Case = case, posted_from: str | None = posted_from) -> bytes:
                card: PrisonerCard = services.card_for(case.prisoner, posted_from)

                def render(out: io.BytesIO) -> None:
                    canvas = new_canvas(out, "cards", fmt.size)
                    draw_card(canvas, card, fmt)
                    canvas.save()

                return _pdf(render)

            result = attempt(case.prisoner, make)
            printed.append(
                _printed(
                    f"card {size}",
                    case,
                    origin,
                    result,
                    "no",
                    card_name=display_name(case.prisoner),
                )
            )
    return printed


POSTER_TITLE = "Международные дни солидарности с политзаключёнными России и Беларуси"
POSTER_CALL = (
    "Пять дней солидарности: устраивайте уличные акции и вечера писем, рассказывайте другим. "
    "Присылайте нам ваши акции — мы их опубликуем. Пишите письма, только на бумаге. " * 4
)


def poster_people(cases: list[Case]) -> dict[str, list[Prisoner]]:
    """Who the measured posters feature: everyone of the worked examples and the long-name
    set, and twelve people at the colony with the 180-character name (the fullest poster)."""
    colony = next(c for c in cases if c.name == "long-colony-name").prisoner.facility
    assert colony is not None
    twelve = [
        _prisoner(colony, f"Кузнецов-{n}", "Андрей", patronymic="Викторович", birth_year=1980 + n)
        for n in range(12)
    ]
    return {"all-cases": [c.prisoner for c in cases], "twelve-colony": twelve}


def render_poster_output(size: str, cases: list[Case]) -> list[Printed]:
    """The campaign's poster (or flyer), in Russian, from the registry as the view builds it,
    posted from each origin (the group's home country)."""
    output = "flyer" if size == "FLYER" else f"poster {size}"
    printed = []
    for featured, people in poster_people(cases).items():
        campaign = Campaign(
            kind=CampaignKind.CAMPAIGN,
            name="Poster",
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=7),
            payment_reference="ABC-Minsk-205",
            call_published=True,
            poster_language="ru",
        )
        campaign.prisoners = people
        campaign.calls = [CampaignCall(language="ru", title=POSTER_TITLE, body=POSTER_CALL)]
        db.session.add(campaign)
        db.session.flush()
        for origin in ORIGINS:
            save_group_settings("Letters group", "", origin_code(origin))
            link = f"https://letters.example.org/campaigns/{campaign.id}"
            with force_locale(services.poster_language(campaign)):
                poster = services.poster_for(campaign, link)
                made = attempt(
                    people[0], lambda poster=poster: _pdf(partial(render_poster, poster, size))
                )
            names = tuple(n for p in people for n in (display_name(p), p.family_name, p.latin_name))
            result = Printed(
                output=output,
                case=featured,
                origin=origin,
                prisoner_name=", ".join(display_name(p) for p in people),
                prisoner_names=names,
                pdf=made.pdf,
                refusal=made.refusal,
                expect_refusal="no",
                lines=tuple(line for person in poster.people for line in person.address_lines),
                card_name=POSTER_TITLE,
            )
            if made.pdf is not None:
                result.pages = measure(made.pdf)
            printed.append(result)
    return printed


def case_name(case: Case) -> str:
    return display_name(case.prisoner)


OUTPUTS: dict[str, Callable[[list[Case]], list[Printed]]] = {
    **{f"envelope {size}": partial(render_envelope_output, size) for size in ENVELOPES},
    **{f"labels {sheet}": partial(render_label_output, sheet) for sheet in LABEL_SHEETS},
    **{f"labels {sheet} (full sheet)": partial(render_label_grid, sheet) for sheet in LABEL_SHEETS},
    **{f"sheet {size}": partial(render_sheet_output, size) for size in SHEETS},
    **{f"card {size}": partial(render_card_output, size) for size in SHEETS},
    "poster A3": partial(render_poster_output, "A3"),
    "poster A4": partial(render_poster_output, "A4"),
    "flyer": partial(render_poster_output, "FLYER"),
}
POSTER_OUTPUTS = ["poster A3", "poster A4", "flyer"]
ENVELOPE_OUTPUTS = [f"envelope {size}" for size in ENVELOPES]
LABEL_OUTPUTS = [f"labels {sheet}" for sheet in LABEL_SHEETS]
CARD_OUTPUTS = [f"card {size}" for size in SHEETS]
# A refused output has no pages: the tests that measure pages pass over it, and the refusal
# test says whether it should have been refused.

# Rendered bytes and their measurements, by output: they hold no database object a later test
# would need (``Printed`` keeps names and plain data only).
_RENDERED: dict[str, list[Printed]] = {}


class Outputs:
    """What each output printed; rendered on first use, in the asking test's database."""

    def __init__(self) -> None:
        self._cases: list[Case] | None = None

    def __call__(self, output: str) -> list[Printed]:
        if output not in _RENDERED:
            if self._cases is None:
                self._cases = make_cases()
            _RENDERED[output] = OUTPUTS[output](self._cases)
        return _RENDERED[output]

    def pages(self, output: str) -> Iterable[tuple[Printed, Measured]]:
        for printed in self(output):
            for page in printed.pages:
                yield printed, page


@pytest.fixture
def outputs(app: Flask) -> Outputs:
    del app  # the context it holds: the registry, the settings and the catalogues
    return Outputs()


def no_violations(violations: list[str]) -> None:
    assert not violations, f"{len(violations)} found:\n" + "\n".join(violations)


# --- what pdfplumber reads --------------------------------------------------------------------


def ink_box(mark: dict[str, Any]) -> tuple[float, float, float, float]:
    """The box a drawn mark inks (x0, y0, x1, y1, PDF coordinates): a stroke reaches half its
    width beyond its path."""
    grow = mark.get("linewidth", 0) / 2 if mark.get("stroke") else 0
    return mark["x0"] - grow, mark["y0"] - grow, mark["x1"] + grow, mark["y1"] + grow


def char_box(char: dict[str, Any]) -> tuple[float, float, float, float]:
    return char["x0"], char["y0"], char["x1"], char["y1"]


def distance_to_edge(page: Measured, box: tuple[float, float, float, float]) -> float:
    x0, y0, x1, y1 = box
    return min(x0, y0, page.width - x1, page.height - y1)


def ink(chars: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in chars if c["text"].strip()]


def is_form_label(char: dict[str, Any]) -> bool:
    """The grey «Кому / Куда / От кого / Откуда» of the Russian form: furniture, not address."""
    colour = char.get("non_stroking_color")
    return isinstance(colour, tuple | list) and len(colour) == 1 and 0.05 < colour[0] < 0.95


def centre_in(rect: envelope_module.Rect, char: dict[str, Any]) -> bool:
    return rect.contains((char["x0"] + char["x1"]) / 2, (char["y0"] + char["y1"]) / 2)


def envelope_blocks(
    printed: Printed, page: Measured
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(recipient characters, return-address characters) on an envelope."""
    fmt = envelope_format(printed.output.split()[1])
    sender = return_box(fmt)
    text = [c for c in ink(page.chars) if not is_form_label(c)]
    returned = [c for c in text if centre_in(sender, c)]
    return [c for c in text if not centre_in(sender, c)], returned


def smallest(chars: list[dict[str, Any]]) -> float:
    return min((c["size"] for c in chars), default=float("inf"))


def letters(text: Iterable[str]) -> list[str]:
    return sorted(ch for line in text for ch in line if not ch.isspace())


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_only_what_cannot_fit_is_refused_and_the_message_names_the_prisoner(
    outputs: Outputs, output: str
) -> None:
    violations = []
    for printed in outputs(output):
        refused = printed.pdf is None
        if refused and printed.expect_refusal == "no":
            violations.append(f"{printed.where}: refused, but it fits: {printed.refusal}")
        if not refused and printed.expect_refusal == "yes":
            # Printed anyway: the floor and whole-address tests say how; here, that it should
            # have been refused.
            violations.append(f"{printed.where}: cannot fit at its floor, printed anyway")
        if refused and not names_the_prisoner(printed.refusal, printed.prisoner_names):
            violations.append(
                f"{printed.where}: the refusal does not name {printed.prisoner_name}:"
                f" {printed.refusal!r}"
            )
    no_violations(violations)


# --- envelopes --------------------------------------------------------------------------------


@pytest.mark.parametrize("output", ENVELOPE_OUTPUTS)
def test_recipient_block_is_at_least_its_floor(outputs: Outputs, output: str) -> None:
    floor = RECIPIENT_FLOOR[output.split()[1]]
    violations = []
    for printed, page in outputs.pages(output):
        recipient, _sender = envelope_blocks(printed, page)
        assert recipient, f"{printed.where}: no recipient printed"
        size = smallest(recipient)
        if size < floor - SIZE_TOLERANCE:
            violations.append(f"{printed.where}: recipient at {size:g} pt, floor {floor:g} pt")
    no_violations(violations)


@pytest.mark.parametrize("output", ENVELOPE_OUTPUTS)
def test_recipient_is_never_smaller_than_the_return_address(outputs: Outputs, output: str) -> None:
    violations = []
    for printed, page in outputs.pages(output):
        recipient, sender = envelope_blocks(printed, page)
        if not sender:
            continue
        largest_sender = max(c["size"] for c in sender)
        if smallest(recipient) < largest_sender - SIZE_TOLERANCE:
            violations.append(
                f"{printed.where}: recipient at {smallest(recipient):g} pt under a return"
                f" address at {largest_sender:g} pt"
            )
    no_violations(violations)


@pytest.mark.parametrize("output", ENVELOPE_OUTPUTS)
def test_every_character_of_both_addresses_is_printed(outputs: Outputs, output: str) -> None:
    """Nothing is cut with "…" or left off: a letter with half an address does not arrive."""
    violations = []
    for printed, page in outputs.pages(output):
        recipient, sender = envelope_blocks(printed, page)
        if letters(c["text"] for c in recipient) != letters(printed.lines):
            violations.append(f"{printed.where}: the recipient block is not printed whole")
        if letters(c["text"] for c in sender) != letters(printed.return_lines):
            violations.append(f"{printed.where}: the return address is not printed whole")
    no_violations(violations)


@pytest.mark.parametrize("output", ENVELOPE_OUTPUTS)
def test_stamp_field_holds_no_character_and_no_mark(outputs: Outputs, output: str) -> None:
    stamp = stamp_area(envelope_format(output.split()[1]))
    violations = []
    for printed, page in outputs.pages(output):
        for char in ink(page.chars):
            if stamp.overlaps(*char_box(char)):
                violations.append(f"{printed.where}: {char['text']!r} in the stamp field")
        for mark in page.marks:
            if stamp.overlaps(*ink_box(mark)):
                violations.append(f"{printed.where}: a {mark['object_type']} in the stamp field")
    no_violations(violations)


@pytest.mark.parametrize("output", ENVELOPE_OUTPUTS)
def test_text_on_an_envelope_keeps_the_zones_edge(outputs: Outputs, output: str) -> None:
    """The zones keep ``EDGE`` (10 mm) from the edges: envelopes feed askew."""
    violations = []
    for printed, page in outputs.pages(output):
        for char in ink(page.chars):
            distance = distance_to_edge(page, char_box(char))
            if distance < EDGE - 0.01:
                violations.append(
                    f"{printed.where}: {char['text']!r} {distance / mm:.1f} mm from the edge"
                )
    no_violations(violations)


# --- every output: margins --------------------------------------------------------------------


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_every_character_and_mark_is_at_least_5_mm_inside_the_sheet(
    outputs: Outputs, output: str
) -> None:
    violations = []
    for printed, page in outputs.pages(output):
        for char in ink(page.chars):
            distance = distance_to_edge(page, char_box(char))
            if distance < MIN_INSIDE - 0.01:
                violations.append(
                    f"{printed.where}: {char['text']!r} {distance / mm:.2f} mm from the edge"
                )
        for mark in page.marks:
            distance = distance_to_edge(page, ink_box(mark))
            if distance < MIN_INSIDE - 0.01:
                violations.append(
                    f"{printed.where}: a {mark['object_type']} at ({mark['x0'] / mm:.1f},"
                    f" {mark['y0'] / mm:.1f}) mm, {distance / mm:.2f} mm from the edge"
                )
    no_violations(violations)


# --- labels -----------------------------------------------------------------------------------


@pytest.mark.parametrize("output", LABEL_OUTPUTS)
def test_labels_print_at_least_8_pt(outputs: Outputs, output: str) -> None:
    violations = []
    for printed, page in outputs.pages(output):
        size = smallest(ink(page.chars))
        if size < LABEL_FLOOR - SIZE_TOLERANCE:
            violations.append(f"{printed.where}: {size:g} pt, floor {LABEL_FLOOR:g} pt")
    no_violations(violations)


@pytest.mark.parametrize("output", LABEL_OUTPUTS)
def test_every_character_of_a_label_is_printed_inside_it(outputs: Outputs, output: str) -> None:
    x, y, width, height = label_rect(LABEL_SHEETS[output.split()[1]], 0)
    label = envelope_module.Rect(x, y, width, height)
    violations = []
    for printed, page in outputs.pages(output):
        chars = ink(page.chars)
        if letters(c["text"] for c in chars) != letters(printed.lines):
            violations.append(f"{printed.where}: the address is not printed whole")
        outside = [c["text"] for c in chars if not label.contains(*char_box(c))]
        if outside:
            violations.append(f"{printed.where}: {''.join(outside)!r} outside the label")
    no_violations(violations)


# --- large-print cards ------------------------------------------------------------------------


def name_chars(card_name: str, chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The characters that print the card's name: the first ones, top to bottom and left to
    right, that spell it (it may wrap)."""
    wanted = [ch for ch in card_name if not ch.isspace()]
    reading = sorted(ink(chars), key=lambda c: (round(c["top"]), c["x0"]))
    found = reading[: len(wanted)]
    assert [c["text"] for c in found] == wanted, "the card does not start with the name"
    return found


@pytest.mark.parametrize("output", CARD_OUTPUTS)
def test_large_print_cards_are_large_print(outputs: Outputs, output: str) -> None:
    violations = []
    for printed, page in outputs.pages(output):
        chars = ink(page.chars)
        name = name_chars(printed.card_name, chars)
        if smallest(name) < CARD_NAME_FLOOR - SIZE_TOLERANCE:
            violations.append(
                f"{printed.where}: the name at {smallest(name):g} pt, floor {CARD_NAME_FLOOR:g}"
            )
        small = sorted({c["size"] for c in chars if c["size"] < CARD_FLOOR - SIZE_TOLERANCE})
        if small:
            text = "".join(c["text"] for c in chars if c["size"] < CARD_FLOOR - SIZE_TOLERANCE)
            violations.append(
                f"{printed.where}: {', '.join(f'{s:g}' for s in small)} pt, floor"
                f" {CARD_FLOOR:g} pt: {text[:60]!r}"
            )
    no_violations(violations)


# --- posters and flyers ----------------------------------------------------------------------


@pytest.mark.parametrize("output", POSTER_OUTPUTS)
def test_posters_print_the_title_and_everything_else_at_least_at_their_floors(
    outputs: Outputs, output: str
) -> None:
    title_floor, floor = POSTER_FLOORS[output]
    violations = []
    for printed in outputs(output):
        assert printed.pages, f"{printed.where}: nothing printed"
        first = ink(printed.pages[0].chars)
        if max(c["size"] for c in first) < title_floor - SIZE_TOLERANCE:
            violations.append(f"{printed.where}: the title under {title_floor:g} pt")
        for number, page in enumerate(printed.pages, 1):
            size = smallest(ink(page.chars))
            if size < floor - SIZE_TOLERANCE:
                violations.append(f"{printed.where}, page {number}: {size:g} pt, floor {floor:g}")
    no_violations(violations)


@pytest.mark.parametrize("output", POSTER_OUTPUTS)
def test_every_featured_address_is_printed_whole_on_a_poster(outputs: Outputs, output: str) -> None:
    violations = []
    for printed in outputs(output):
        found = Counter(c["text"] for page in printed.pages for c in ink(page.chars))
        wanted = Counter(letters(printed.lines))
        copies = POSTER_FORMATS["FLYER" if output == "flyer" else output.split()[1]].copies
        missing = wanted - Counter({ch: n // copies for ch, n in found.items()})
        if missing:
            violations.append(f"{printed.where}: missing {''.join(missing.elements())[:40]!r}")
        if "\x00" in found:
            violations.append(f"{printed.where}: a character without a glyph")
    no_violations(violations)


def overlapping(chars: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of characters whose boxes overlap by more than a hair (kerning touches)."""
    hair = 0.3
    boxes = sorted(ink(chars), key=lambda c: c["x0"])
    found = []
    for index, a in enumerate(boxes):
        for b in boxes[index + 1 :]:
            if b["x0"] >= a["x1"] - hair:
                break
            if min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > hair:
                found.append((a["text"], b["text"]))
    return found


@pytest.mark.parametrize("output", POSTER_OUTPUTS)
def test_nothing_on_a_poster_overlaps_and_the_qr_code_is_clear(
    outputs: Outputs, output: str
) -> None:
    violations = []
    for printed in outputs(output):
        for number, page in enumerate(printed.pages, 1):
            pairs = overlapping(page.chars)
            if pairs:
                violations.append(f"{printed.where}, page {number}: {pairs[:5]} overlap")
            squares = [m for m in page.marks if m["object_type"] == "rect"]
            assert squares, f"{printed.where}: no QR code"
            for char in ink(page.chars):
                if any(
                    char["x0"] < m["x1"]
                    and m["x0"] < char["x1"]
                    and char["y0"] < m["y1"]
                    and m["y0"] < char["y1"]
                    for m in squares
                ):
                    violations.append(f"{printed.where}: {char['text']!r} on the QR code")
                    break
    no_violations(violations)


# --- pictures for CI --------------------------------------------------------------------------

# One page of each kind, the hardest case that printed: (output, case, origin).
PICTURES: list[tuple[str, str, str | None]] = [
    *((f"envelope {size}", "penza-sizo", "RU") for size in ENVELOPES),
    *((f"envelope {size}", "long-colony-name", "abroad") for size in ENVELOPES),
    *((f"envelope {size}", "us-federal-nine-lines", "US") for size in ENVELOPES),
    *((f"labels {sheet} (full sheet)", "german-jva", "DE") for sheet in LABEL_SHEETS),
    *((f"sheet {size}", "hyphenated-surname", None) for size in SHEETS),
    *((f"card {size}", "long-colony-name", "abroad") for size in SHEETS),
    *((output, "twelve-colony", "RU") for output in POSTER_OUTPUTS),
]


def picture_name(output: str, case: str, origin: str) -> str:
    """``envelope-dl-penza-sizo-ru.png``: what, for whom, from where."""
    slug = f"{output}-{case}-{origin}".lower()
    return "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in slug).strip("-") + ".png"


def test_a_picture_of_each_kind_of_page_is_kept_for_ci(outputs: Outputs) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    kept = []
    for output, case, origin in PICTURES:
        found = [p for p in outputs(output) if p.case == case and origin in (None, p.origin)]
        printed = next((p for p in found if p.pdf is not None), None)
        if printed is None:  # refused (or not rendered that way): the first that printed
            printed = next(p for p in outputs(output) if p.pdf is not None)
        assert printed.pdf is not None
        path = ARTIFACTS / picture_name(output, printed.case, printed.origin)
        with pdfplumber.open(io.BytesIO(printed.pdf)) as document:
            document.pages[0].to_image(resolution=PICTURE_RESOLUTION).save(path)
        kept.append(path)
    for path in kept:
        assert path.stat().st_size > 1000, path


def test_the_measured_set_holds_what_the_issue_asks_for(outputs: Outputs) -> None:
    """The long-name set is what it claims to be, so the measurements above mean something."""
    envelopes = {(p.case, p.origin): p for p in outputs("envelope DL")}
    assert len(envelopes[("us-federal-nine-lines", "abroad")].lines) == 9
    assert any(LONG_COLONY_NAME in line for line in envelopes[("long-colony-name", "RU")].lines)
    assert envelopes[("hyphenated-surname", "RU")].lines[0].startswith("Петровой-Водкиной")
    assert len(envelopes[("long-colony-name", "DE")].return_lines) >= 6
    assert {p.origin for p in outputs("envelope DL")} == set(ORIGINS)
