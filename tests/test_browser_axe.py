"""axe-core finds nothing, of any impact, on every public page and the main coordinator pages:
in English and Russian, on a desktop (1280×800) and a phone (390 px wide).

axe-core comes with ``axe-playwright-python`` (its bundled ``axe.min.js``; nothing is fetched).
One live server and one browser serve the whole module, over data seeded once so tables and
lists have rows; each language × width gets one visitor's tab and one coordinator's, each in a
browser context of its own. The phone tests at the end check that pages fit 390 px.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import CHROMIUM, CHROMIUM_ARGS

# _restore: the module commits for real, and puts the database back as conftest's ``app`` does.
from conftest import PASSWORD, TEST_CONFIG, Snapshot, _restore, make_facility, make_prisoner
from flask import Flask
from werkzeug.serving import make_server

from letters import create_app
from letters.accounts.services import invite
from letters.auth.services import create_user
from letters.campaigns.calls import CallFields, CallSettings, save_call, save_call_settings
from letters.campaigns.services import CampaignFields, record_letters, save_campaign
from letters.extensions import db
from letters.mail.services import record_return, report_address
from letters.models import (
    CampaignKind,
    ChangeKind,
    Gender,
    LetterTemplate,
    Phrase,
    Prisoner,
    ReturnReason,
    Role,
    Source,
    SourceChange,
    SourceLetterDay,
    SourceLink,
)
from letters.settings.services import save_group_settings
from letters.sources.records import local_record

pytestmark = pytest.mark.commits

ADMIN = "admin@abc.example"
NOT_FOR_REVIEW = {"duplicate-id-aria", "form-field-multiple-labels"}
LANGUAGES = {"en": "en-GB", "ru": "ru-RU"}
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@dataclass
class Seeded:
    """The ids the pages' addresses need."""

    prisoner: int
    reader_of_english: int
    facility: int
    campaign: int
    template: int
    phrase: int
    invitation: str
    source: int


def seed() -> Seeded:
    """A small registry with something in every list a page shows."""
    admin = create_user(ADMIN, PASSWORD, Role.ADMIN)
    create_user("coordinator@abc.example", PASSWORD, Role.COORDINATOR)
    _, invitation = invite("new@abc.example", Role.COORDINATOR, admin)
    penza = make_facility()
    today = date.today()
    pchelintsev = make_prisoner(
        penza, gender=Gender.MALE, birth_date=today + timedelta(days=20), birth_year=1992
    )
    shakursky = make_prisoner(
        penza,
        family_name="Шакурский",
        given_names="Илья",
        latin_name="Ilya Shakursky",
        gender=Gender.MALE,
        birth_date=today + timedelta(days=40),
    )
    rivera = make_prisoner(
        make_facility(
            name="Federal Correctional Institution",
            street_address="PO Box 1000",
            city="Otisville",
            country_area="NY",
            postal_code="10963",
            country_code="US",
        ),
        family_name="Rivera",
        given_names="Maria",
        patronymic="",
        latin_name="",
        languages="en",
        gender=Gender.FEMALE,
    )
    record_return(rivera, today, ReturnReason.MOVED, "Stamped 'moved'")
    report_address(shakursky, "He was moved to a colony last month.")
    campaign = save_campaign(
        None,
        CampaignFields(
            kind=CampaignKind.EVENING,
            name="Letters for the Penza case",
            starts_on=today,
            ends_on=today,
            goal=20,
            report_note="Thank you all.",
            report_published=True,
            prisoner_ids=[pchelintsev.id, shakursky.id, rivera.id],
        ),
    )
    db.session.flush()
    record_letters(campaign, {pchelintsev.id: 5, shakursky.id: 3}, today, admin)
    # Its public call, in two languages, with a payment reference and the group's donation
    # instructions (the profile shows them too, with what the person needs).
    save_group_settings("ABC", "", "", donation_instructions="**Bank transfer**: IBAN DE00")
    for language, title in (("en", "Write to the Penza case"), ("ru", "Пишите по делу Penza")):
        save_call(
            campaign,
            None,
            CallFields(language, title, "Write letters.\n\n- on paper", "Thursday at 19:00"),
        )
    db.session.flush()
    save_call_settings(campaign, CallSettings("205", "ru", call_published=True))
    pchelintsev.payment_reference = "P-17"
    pchelintsev.needs_note = "Books; lawyer's fees"
    db.session.flush()
    template = db.session.scalars(db.select(LetterTemplate)).first()
    phrase = db.session.scalars(db.select(Phrase)).first()
    assert template is not None
    assert phrase is not None
    source = seed_source(pchelintsev)
    return Seeded(
        pchelintsev.id,
        rivera.id,
        penza.id,
        campaign.id,
        template.id,
        phrase.id,
        invitation,
        source.id,
    )


def seed_source(linked: Prisoner) -> Source:
    """A followed group's list not read for ten days (the dashboard flags it), with ``linked``
    linked to it, a transfer and a release to review, letters it counted, and a new person."""
    today = date.today()
    source = Source(
        base_url="https://abc-moscow.example",
        name="ABC Moscow",
        added_on=today - timedelta(days=30),
        last_success_on=today - timedelta(days=10),
        last_error="Could not reach the source (https://abc-moscow.example): timed out",
    )
    db.session.add(source)
    db.session.flush()
    seen = local_record(linked)
    db.session.add(
        SourceLink(source_id=source.id, remote_id=41, prisoner_id=linked.id, seen=json.dumps(seen))
    )
    karelia = {
        **(seen["facility"] or {}),
        "name": "ФКУ ИК-7 УФСИН России по Республике Карелия",
        "street_address": "ул. Правды, 9",
        "city": "г. Сегежа",
        "country_area": "Республика Карелия",
        "postal_code": "186420",
    }
    for kind, old, new in (
        (
            ChangeKind.TRANSFER,
            {"facility": seen["facility"], "unit": ""},
            {"facility": karelia, "unit": ""},
        ),
        (
            ChangeKind.STATUS,
            {"status": seen["status"], "release_date": None},
            {"status": "released", "release_date": today.isoformat()},
        ),
    ):
        db.session.add(
            SourceChange(
                source_id=source.id,
                remote_id=41,
                prisoner_id=linked.id,
                kind=kind,
                old=json.dumps(old),
                new=json.dumps(new),
            )
        )
    offered = {**seen, "id": 42, "family_name": "Кривов", "given_names": "Олег", "patronymic": ""}
    db.session.add(
        SourceChange(
            source_id=source.id, remote_id=42, kind=ChangeKind.NEW_PERSON, new=json.dumps(offered)
        )
    )
    db.session.add(
        SourceLetterDay(
            source_id=source.id, remote_id=41, sent_on=today - timedelta(days=3), letters=4
        )
    )
    db.session.flush()
    return source


@dataclass
class Site:
    url: str
    ids: Seeded


@pytest.fixture(scope="module")
def site(database_url: str, new_install: Snapshot) -> Iterator[Site]:
    """The app with the seeded data on a live server, for the module; the database is put back
    as the migrations left it afterwards (as for any ``commits`` test)."""
    app: Flask = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "AUTO_MIGRATE": False,
            # The module sends the report form more often than a visitor may in an hour.
            "ADDRESS_REPORT_RATE_LIMIT": "100 per hour",
        }
    )
    try:
        with app.app_context():
            ids = seed()
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Site(f"http://127.0.0.1:{server.server_port}", ids)
        finally:
            server.shutdown()
            thread.join(timeout=5)
    finally:
        with app.app_context():
            _restore(new_install)
            db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(
            f"no browser: Debian's Chromium is not installed at {CHROMIUM} "
            "(apt-get install chromium)"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def tabs(browser: Any, site: Site) -> Iterator[Callable[[str, str, bool], Any]]:
    """One browser tab per language × width × (visitor or coordinator), each in a context of
    its own, made when first asked for and kept for the module (each page is loaded afresh):
    a coordinator's logs in once."""
    made: dict[tuple[str, str, bool], Any] = {}

    def tab(language: str, width: str, logged_in: bool) -> Any:
        key = (language, width, logged_in)
        if key not in made:
            made[key] = browser.new_context(
                base_url=site.url, locale=LANGUAGES[language], viewport=WIDTHS[width]
            )
            page = made[key].new_page()
            if logged_in:
                page.goto("/login")
                page.fill("input[name=email]", ADMIN)
                page.fill("input[name=password]", PASSWORD)
                page.click("main button[type=submit]")
                page.wait_for_url("**/manage/**")
        return made[key].pages[0]

    yield tab
    for context in made.values():
        context.close()


def open_details(selector: str) -> Callable[[Any], None]:
    """Open the ``<details>`` matched, so axe checks what they hold."""

    def action(page: Any) -> None:
        for summary in page.locator(f"{selector} > summary").all():
            summary.click()

    return action


def open_menu(number: int) -> Callable[[Any], None]:
    """Open the coordinators' navigation group ``number`` (from 1): one at a time, because on a
    phone an open group covers the ones beside it, and axe cannot judge text it cannot see."""

    def action(page: Any) -> None:
        page.locator("header nav details.menu > summary").nth(number - 1).click()
        page.wait_for_selector(f"header nav details.menu:nth-of-type({number})[open] li")

    return action


def send_an_empty_report(page: Any) -> None:
    """The report-an-address page: what a visitor sees after sending the form empty."""
    page.click("#report-address button[type=submit]")
    page.wait_for_selector("#report-address .error, #report-address [aria-invalid=true]")


def press_i_sent_it(page: Any) -> None:
    page.click("#i-sent-it")
    page.wait_for_selector("#sent-answer:not([hidden])")


def send_empty(page: Any) -> None:
    """The form sent back with every required field named as missing."""
    page.click("main form:not([role=search]) button[type=submit] >> nth=-1")
    page.wait_for_selector("main .error")


def log_in_wrongly(page: Any) -> None:
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", "not the password")
    page.click("main button[type=submit]")
    page.wait_for_selector("main .error, main .flash.error")


@dataclass
class Page:
    name: str
    path: str
    logged_in: bool = False
    action: Callable[[Any], None] | None = None
    # Text the page must show, so a list is checked with rows in it, not empty.
    shows: str = ""


PAGES = [
    Page("home", "/"),
    Page("prisoners", "/prisoners", shows="Rivera"),
    Page("profile", "/prisoners/{prisoner}"),
    Page("write", "/prisoners/{prisoner}/write", action=open_details("#phrasebook:not([open])")),
    Page(
        "write-other-languages",
        "/prisoners/{prisoner}/write",
        action=open_details("#other-templates, #phrasebook:not([open])"),
    ),
    Page(
        "write-english-reader",
        "/prisoners/{reader_of_english}/write",
        action=open_details("#other-templates, #phrasebook"),
    ),
    Page("write-next", "/write-next"),
    Page("guidelines", "/guidelines"),
    Page("birthdays", "/birthdays", shows="Шакурский"),
    Page("campaign-report", "/campaigns/{campaign}", shows="Penza"),
    Page("report-address", "/prisoners/{prisoner}", action=send_an_empty_report),
    Page("sent", "/prisoners/{prisoner}/write", action=press_i_sent_it),
    Page("login", "/login"),
    Page("login-refused", "/login", action=log_in_wrongly),
    Page("accept-invitation", "/invite/{invitation}"),
    Page("not-found", "/no-such-page"),
    Page("dashboard", "/manage/dashboard", True, shows="Penza"),
    *(Page(f"menu-{n}", "/manage/dashboard", True, open_menu(n)) for n in range(1, 6)),
    Page("manage-prisoners", "/manage/prisoners", True, shows="Шакурский"),
    Page("add-prisoner", "/manage/prisoners/new", logged_in=True),
    Page("add-prisoner-refused", "/manage/prisoners/new", True, send_empty),
    Page("edit-prisoner", "/manage/prisoners/{prisoner}/edit", logged_in=True),
    Page("transfer", "/manage/prisoners/{prisoner}/transfer", logged_in=True),
    Page("facilities", "/manage/facilities/", True, shows="Otisville"),
    Page("add-facility", "/manage/facilities/new", logged_in=True),
    Page("add-facility-refused", "/manage/facilities/new", True, send_empty),
    Page("edit-facility", "/manage/facilities/{facility}/edit", logged_in=True),
    Page("campaigns", "/manage/campaigns", True, shows="Penza"),
    Page("new-campaign", "/manage/campaigns/new", True, shows="Rivera"),
    Page("campaign", "/manage/campaigns/{campaign}", True, shows="Шакурский"),
    Page("edit-campaign", "/manage/campaigns/{campaign}/edit", logged_in=True),
    Page("campaign-call", "/manage/campaigns/{campaign}/call", True, shows="Penza"),
    Page("new-call", "/manage/campaigns/{campaign}/call/new", logged_in=True),
    Page("new-call-refused", "/manage/campaigns/{campaign}/call/new", True, send_empty),
    Page("edit-call", "/manage/campaigns/{campaign}/call/en", logged_in=True),
    Page("import", "/manage/prisoners/import", logged_in=True),
    Page("needs-checking", "/manage/needs-checking", True, shows="colony"),
    Page("templates", "/manage/templates", logged_in=True),
    Page("new-template", "/manage/templates/new", logged_in=True),
    Page("edit-template", "/manage/templates/{template}/edit", logged_in=True),
    Page("phrases", "/manage/phrases", logged_in=True),
    Page("edit-phrase", "/manage/phrases/{phrase}/edit", logged_in=True),
    Page("avoid", "/manage/avoid", logged_in=True),
    Page("guidelines-manage", "/manage/guidelines", logged_in=True),
    Page("new-guideline", "/manage/guidelines/new", logged_in=True),
    Page("settings", "/manage/settings", logged_in=True),
    Page("accounts", "/manage/accounts", True, shows="new@abc.example"),
    Page("audit", "/manage/audit", True, shows="Шакурский"),
    Page("print-pack", "/manage/print/pack", logged_in=True),
    Page("evening-pack", "/manage/print/pack?campaign={campaign}", True, shows="Шакурский"),
    Page("sources", "/manage/sources", True, shows="ABC Moscow"),
    Page("add-source-refused", "/manage/sources", True, send_empty),
    Page("source", "/manage/sources/{source}", True, shows="Карелия"),
    Page("source-new-people", "/manage/sources/{source}/new-people", True, shows="Кривов"),
    Page("remove-source", "/manage/sources/{source}/remove", True, shows="ABC Moscow"),
    Page("account", "/account", logged_in=True),
    Page("change-password", "/account/password", logged_in=True),
    Page("second-factor", "/account/second-factor", logged_in=True),
]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("target", PAGES, ids=[p.name for p in PAGES])
def test_axe_finds_no_violations(
    tabs: Callable[[str, str, bool], Any], site: Site, target: Page, language: str, width: str
) -> None:
    page = tabs(language, width, target.logged_in)
    page.goto(target.path.format(**vars(site.ids)))
    if target.action:
        target.action(page)
    assert target.shows in page.inner_text("main")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    # axe leaves these to a person ("needs review"): it cannot tell whether a repeated id
    # matters. Here it always does: a label would name another form's field.
    review = [
        f"{found['id']}: {node['html']}"
        for found in results.response["incomplete"]
        if found["id"] in NOT_FOR_REVIEW
        for node in found["nodes"]
    ]
    assert review == []


# --- layout on a phone (issue 13, item 6) ------------------------------------------------------


def overflow(page: Any) -> tuple[int, int]:
    """How wide the page is, and how wide the window: a page wider than its window scrolls
    sideways."""
    return tuple(page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_write_page_fits_a_phone_with_the_phrasebook_open(
    tabs: Callable[[str, str, bool], Any], site: Site, language: str
) -> None:
    page = tabs(language, "phone", False)
    page.goto(f"/prisoners/{site.ids.prisoner}/write")
    open_details("#phrasebook:not([open])")(page)
    page.wait_for_selector("#phrasebook .insert-phrase:not([hidden])")  # write.js shows them
    width, window = overflow(page)
    assert width <= window, f"the page is {width} px wide in a {window} px window"
    buttons = page.locator("#phrasebook .insert-phrase").all()
    assert len(buttons) > 10
    for button in buttons:
        box = button.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= window, button.get_attribute("aria-label")


def test_the_phrasebook_is_a_full_width_table_on_a_desktop_with_no_scroll_box_of_its_own(
    tabs: Callable[[str, str, bool], Any], site: Site
) -> None:
    page = tabs("en", "desktop", False)
    page.goto(f"/prisoners/{site.ids.prisoner}/write")
    open_details("#phrasebook:not([open])")(page)
    table = page.locator("#phrasebook table")
    table_width, box_width, scrolls = table.evaluate(
        "t => [t.getBoundingClientRect().width, t.parentElement.clientWidth,"
        " t.scrollHeight > t.clientHeight + 1]"
    )
    assert table_width >= box_width - 1
    assert not scrolls, "the phrasebook scrolls in a box of its own"
    # Every row is shown: none cut off by a box.
    last = page.locator("#phrasebook tbody tr").last
    last.scroll_into_view_if_needed()
    assert last.is_visible()


PUBLIC = [p for p in PAGES if not p.logged_in]


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("target", PUBLIC, ids=[p.name for p in PUBLIC])
def test_public_pages_fit_a_phone(
    tabs: Callable[[str, str, bool], Any], site: Site, target: Page, language: str
) -> None:
    page = tabs(language, "phone", False)
    page.goto(target.path.format(**vars(site.ids)))
    if target.action:
        target.action(page)
    width, window = overflow(page)
    assert width <= window, f"the page is {width} px wide in a {window} px window"


def test_a_row_of_buttons_wraps_on_a_phone_with_space_between_them(
    tabs: Callable[[str, str, bool], Any],
) -> None:
    page = tabs("en", "phone", True)
    page.goto("/manage/print/pack")
    boxes = [b.bounding_box() for b in page.locator("p.actions button").all()]
    assert len(boxes) >= 4
    assert len({round(b["y"]) for b in boxes}) > 1, "on a phone the row wraps"
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            apart_x = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]))
            apart_y = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]))
            assert max(apart_x, apart_y) >= 6, f"buttons {a} and {b} touch"
    width, window = overflow(page)
    assert width <= window
