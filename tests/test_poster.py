"""A campaign's poster and flyer (issue 15, item 4): the call, the featured people's envelope
addresses, the donation reference and a QR code to the call page, read back from the PDF as a
passer-by would read it (pdfplumber), the QR code decoded from the rendered page (zxing-cpp)."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pdfplumber
import pytest
import zxingcpp
from browser import live_server, page, screenshot
from conftest import PASSWORD, AuthActions, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from letters.extensions import db
from letters.models import Campaign, CampaignCall, CampaignKind, Prisoner
from letters.printing import services
from letters.printing.layout import ELLIPSIS, wrap
from letters.printing.poster import (
    GAP,
    POSTER_FORMATS,
    Poster,
    PosterDoesNotFit,
    PosterPerson,
    excerpt,
    render_poster,
)
from letters.settings.services import save_group_settings

__all__ = ["live_server", "page"]  # fixtures for the browser test at the end

MM = 72 / 25.4
QR_RESOLUTION = 150  # dpi: a 32 mm code of about 33 modules has 5 pixels a module

# A Russian colony as a coordinator copies it from an official reply: the longest kind.
LONG_COLONY = (
    "Федеральное казённое учреждение «Исправительная колония № 17 строгого режима» Управления"
    " Федеральной службы исполнения наказаний Российской Федерации по Республике Мордовия"
    " (ИК-17)"
)
CALL_BODY = (
    "International days of solidarity, **5–12 February**. Arrange street actions and evenings"
    " of solidarity, and spread the word.\n\n"
    "- Send us your actions and we publish them.\n"
    "- Write letters, on paper only, to the addresses below.\n\n"
    "Support them with money too. " + "Every letter counts. " * 30
)


# --- helpers ----------------------------------------------------------------------------------


def pdf_pages(data: bytes) -> list[dict[str, Any]]:
    """Each page's size, text, characters and images, as pdfplumber reads them."""
    with pdfplumber.open(io.BytesIO(data)) as document:
        return [
            {
                "width": float(page.width),
                "height": float(page.height),
                "text": page.extract_text() or "",
                "chars": [dict(c) for c in page.chars],
                "images": list(page.images),
            }
            for page in document.pages
        ]


def column_texts(data: bytes, size: str) -> list[str]:
    """The text of each column of addresses, top to bottom, page after page (the columns sit
    side by side, so the page's text interleaves them)."""
    fmt = POSTER_FORMATS[size]
    width = fmt.sheet[0] - 2 * fmt.margin_mm * MM
    column = (width - (fmt.columns - 1) * GAP) / fmt.columns
    texts = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            for index in range(fmt.columns):
                left = fmt.margin_mm * MM + index * (column + GAP)
                box = (left - 1, 0, left + column + 1, float(page.height))
                texts.append(page.crop(box).extract_text() or "")
    return texts


def flat(text: str) -> str:
    """Text with all white space dropped: wrapped lines read as one."""
    return re.sub(r"\s+", "", text)


def decoded_qr_codes(data: bytes, page_number: int = 0) -> list[str]:
    """The QR codes a phone camera would read on the page, rendered to pixels."""
    with pdfplumber.open(io.BytesIO(data)) as document:
        picture = document.pages[page_number].to_image(resolution=QR_RESOLUTION).original
    return [code.text for code in zxingcpp.read_barcodes(picture)]


def make_call_campaign(prisoners: list[Prisoner], **fields: Any) -> Campaign:
    values: dict[str, Any] = {
        "kind": CampaignKind.CAMPAIGN,
        "name": "February solidarity week (internal name)",
        "starts_on": date.today() + timedelta(days=30),
        "ends_on": date.today() + timedelta(days=37),
        "payment_reference": "205",
        "call_published": True,
    }
    values.update(fields)
    campaign = Campaign(**values)
    campaign.prisoners = prisoners
    campaign.calls = [
        CampaignCall(
            language="en", title="Days of solidarity with political prisoners", body=CALL_BODY
        )
    ]
    db.session.add(campaign)
    db.session.commit()  # a request starts from what the test committed (conftest.Client)
    return campaign


def make_three_people() -> list[Prisoner]:
    """Three listed people at three facilities: a Penza SIZO, a Mordovian colony with a very
    long name, and HMP Brixton (also used by the solidarity-week browser test)."""
    penza = make_prisoner()
    colony = make_prisoner(
        make_facility(
            name=LONG_COLONY,
            street_address="ул. Лесная, д. 14, корп. 2",
            city="пос. Озёрный",
            country_area="Республика Мордовия",
            postal_code="431130",
        ),
        family_name="Кузнецов",
        given_names="Андрей",
        patronymic="Викторович",
        latin_name="Andrey Kuznetsov",
        birth_year=1987,
    )
    brixton = make_prisoner(
        make_facility(
            name="HMP Brixton",
            country_code="GB",
            street_address="Jebb Avenue",
            city="London",
            country_area="",
            postal_code="SW2 5XF",
        ),
        family_name="Smith",
        given_names="Alex",
        patronymic="",
        latin_name="",
        birth_year=None,
        prisoner_number="A1234BC",
        languages="en",
    )
    return [penza, colony, brixton]


@pytest.fixture
def three_people() -> list[Prisoner]:
    """Three listed people at three facilities, Russian and not."""
    return make_three_people()


@pytest.fixture
def linked(app: Flask) -> Flask:
    """The site knows its own address: only then can a poster carry a link."""
    app.config["TRUSTED_HOSTS"] = ["localhost"]
    return app


def envelope_lines(prisoner: Prisoner, posted_from: str | None) -> tuple[str, ...]:
    """The recipient block exactly as the envelope view prints it."""
    return services.envelope_for(prisoner, posted_from, ()).recipient_lines


# --- the poster from the web ------------------------------------------------------------------


def test_the_poster_holds_the_three_envelope_addresses_as_printed_from_the_groups_country(
    client: FlaskClient, linked: Flask, three_people: list[Prisoner]
) -> None:
    save_group_settings("Letters group", "", "DE")
    campaign = make_call_campaign(three_people)
    response = client.get(f"/campaigns/{campaign.id}/poster.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = flat("".join(column_texts(response.data, "A3")))
    for prisoner in three_people:
        lines = envelope_lines(prisoner, "DE")
        assert lines[-1] in ("RUSSIA", "UNITED KINGDOM")  # posted from Germany: abroad
        assert flat("".join(lines)) in text, lines
    # The Russian dative name and year of birth, and the inmate number, as on the envelope.
    assert flat("Кузнецову Андрею Викторовичу, 1987 г.р.") in text
    assert "A1234BC" in text


def test_the_poster_prints_from_russia_without_the_country_line(
    client: FlaskClient, linked: Flask, three_people: list[Prisoner]
) -> None:
    save_group_settings("Группа писем", "", "RU")
    campaign = make_call_campaign(three_people)
    data = client.get(f"/campaigns/{campaign.id}/poster.pdf").data
    assert flat("".join(envelope_lines(three_people[0], "RU"))) in flat(
        "".join(column_texts(data, "A3"))
    )
    assert "RUSSIA" not in pdf_pages(data)[0]["text"]


def test_only_listed_people_with_a_facility_are_featured(
    client: FlaskClient, linked: Flask, three_people: list[Prisoner]
) -> None:
    unlisted = make_prisoner(family_name="Скрытов", latin_name="", is_listed=False)
    homeless = make_prisoner(family_name="Бездомов", latin_name="")
    homeless.facility = None
    db.session.commit()
    campaign = make_call_campaign([*three_people, unlisted, homeless])
    text = "".join(
        p["text"] for p in pdf_pages(client.get(f"/campaigns/{campaign.id}/poster.pdf").data)
    )
    assert "Кузнецову" in text
    assert "Скрытов" not in text
    assert "Бездомов" not in text


def test_the_qr_code_is_vector_and_decodes_to_the_call_page(
    client: FlaskClient, linked: Flask, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people)
    for url in (
        f"/campaigns/{campaign.id}/poster.pdf?size=A3",
        f"/campaigns/{campaign.id}/poster.pdf?size=A4",
        f"/campaigns/{campaign.id}/flyer.pdf",
    ):
        data = client.get(url).data
        assert all(not page["images"] for page in pdf_pages(data)), f"{url}: a bitmap"
        codes = decoded_qr_codes(data)
        expected = f"http://localhost/campaigns/{campaign.id}"
        copies = 2 if "flyer" in url else 1
        assert codes == [expected] * copies, url


def test_the_qr_code_uses_the_server_name_never_the_host_a_request_claims(
    app: Flask, client: FlaskClient, three_people: list[Prisoner]
) -> None:
    app.config.update(SERVER_NAME="letters.example.org", PREFERRED_URL_SCHEME="https")
    campaign = make_call_campaign(three_people)
    data = client.get(
        f"/campaigns/{campaign.id}/poster.pdf", headers={"Host": "letters.example.org"}
    ).data
    assert decoded_qr_codes(data) == [f"https://letters.example.org/campaigns/{campaign.id}"]


def test_without_a_known_address_the_poster_has_no_qr_code_and_no_link(
    client: FlaskClient, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people)
    response = client.get(
        f"/campaigns/{campaign.id}/poster.pdf", headers={"Host": "forged.example.net"}
    )
    assert response.status_code == 200
    assert decoded_qr_codes(response.data) == []
    assert "forged" not in pdf_pages(response.data)[0]["text"]


def test_the_title_is_at_least_48_pt_on_a3_and_comes_from_the_call(
    client: FlaskClient, linked: Flask, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people)
    page = pdf_pages(client.get(f"/campaigns/{campaign.id}/poster.pdf?size=A3").data)[0]
    assert (page["width"] / MM, page["height"] / MM) == pytest.approx((297, 420), abs=0.5)
    title = [c for c in page["chars"] if c["size"] >= 48 - 0.01]
    assert flat("".join(c["text"] for c in title)) == flat(
        "Days of solidarity with political prisoners"
    )
    assert "internal name" not in page["text"]


def test_a4_is_portrait_a4_and_the_default_is_a3(
    client: FlaskClient, linked: Flask, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people)
    a4 = pdf_pages(client.get(f"/campaigns/{campaign.id}/poster.pdf?size=a4").data)[0]
    assert (a4["width"] / MM, a4["height"] / MM) == pytest.approx((210, 297), abs=0.5)
    default = pdf_pages(client.get(f"/campaigns/{campaign.id}/poster.pdf").data)[0]
    assert (default["width"] / MM, default["height"] / MM) == pytest.approx((297, 420), abs=0.5)


def test_the_flyer_is_two_copies_on_a_landscape_a4_sheet(
    client: FlaskClient, linked: Flask, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people)
    page = pdf_pages(client.get(f"/campaigns/{campaign.id}/flyer.pdf").data)[0]
    assert (page["width"] / MM, page["height"] / MM) == pytest.approx((297, 210), abs=0.5)
    middle = page["width"] / 2
    for half in (lambda c: c["x1"] <= middle, lambda c: c["x0"] >= middle):
        text = "".join(c["text"] for c in page["chars"] if half(c))
        assert "Кузнецову" in text
        assert "205" in text
    assert not [c for c in page["chars"] if c["x0"] < middle < c["x1"]], "text across the cut"


def test_the_donation_reference_prints_with_the_line_saying_to_use_it(
    client: FlaskClient, linked: Flask, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people, payment_reference="ABC-Minsk-205")
    page = pdf_pages(client.get(f"/campaigns/{campaign.id}/poster.pdf").data)[0]
    assert "Donate with the reference" in page["text"]
    assert "ABC-Minsk-205" in page["text"]
    assert "Write it on your transfer" in page["text"]


def test_a_campaign_without_a_reference_prints_no_donation_lines(
    client: FlaskClient, linked: Flask, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people, payment_reference="")
    page = pdf_pages(client.get(f"/campaigns/{campaign.id}/poster.pdf").data)[0]
    assert "Donate" not in page["text"]


def test_the_call_is_cut_at_a_sentence_with_an_ellipsis(
    client: FlaskClient, linked: Flask, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people)
    text = pdf_pages(client.get(f"/campaigns/{campaign.id}/poster.pdf").data)[0]["text"]
    # Markdown is printed as plain text: the emphasis markers go, the words stay.
    assert "5–12 February" in text
    assert "**" not in text
    assert "Every letter counts. " + ELLIPSIS in text or "counts. " + ELLIPSIS in text
    assert text.count("Every letter counts") < 30


def test_russian_poster_language_prints_russian_whatever_the_readers_language(
    client: FlaskClient, linked: Flask, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people, poster_language="ru")
    campaign.calls.append(
        CampaignCall(language="ru", title="Дни солидарности с политзаключёнными", body="Пишите.")
    )
    db.session.commit()
    text = pdf_pages(
        client.get(f"/campaigns/{campaign.id}/poster.pdf", headers={"Accept-Language": "en"}).data
    )[0]["text"]
    with force_locale("ru"):
        from flask_babel import gettext

        donate = gettext("Donate with the reference")
    assert donate != "Donate with the reference"
    assert donate in text
    assert flat("Дни солидарности с политзаключёнными") in flat(text)
    assert "Days of solidarity" not in text
    assert "Donate" not in text
    assert "\x00" not in text  # every character has its glyph
    # Dates in Russian too.
    assert re.search(r"[а-я]+\.? \d{4} г\.", text), text


def test_a_language_babel_does_not_know_prints_in_the_default_language(
    client: FlaskClient, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people, poster_language="xx")
    response = client.get(f"/campaigns/{campaign.id}/poster.pdf")
    assert response.status_code == 200
    assert "Donate with the reference" in pdf_pages(response.data)[0]["text"]


def test_without_a_call_the_title_is_the_campaigns_name(
    client: FlaskClient, auth: AuthActions, linked: Flask, three_people: list[Prisoner]
) -> None:
    """A coordinator checking the poster before writing the call; a visitor gets nothing,
    since a call without a text is not public (``visibility.call_is_public``)."""
    campaign = make_call_campaign(three_people)
    campaign.calls = []
    db.session.commit()
    assert client.get(f"/campaigns/{campaign.id}/poster.pdf").status_code == 404
    auth.create_and_login()
    text = pdf_pages(client.get(f"/campaigns/{campaign.id}/poster.pdf").data)[0]["text"]
    assert flat("February solidarity week (internal name)") in flat(text)


# --- who may print it -------------------------------------------------------------------------


def test_an_unpublished_calls_poster_is_404_for_a_visitor_and_200_for_a_coordinator(
    client: FlaskClient, auth: AuthActions, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people, call_published=False)
    for url in (f"/campaigns/{campaign.id}/poster.pdf", f"/campaigns/{campaign.id}/flyer.pdf"):
        assert client.get(url).status_code == 404
    auth.create_and_login()
    for url in (f"/campaigns/{campaign.id}/poster.pdf", f"/campaigns/{campaign.id}/flyer.pdf"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"


def test_an_unknown_campaign_has_no_poster(client: FlaskClient) -> None:
    assert client.get("/campaigns/999999/poster.pdf").status_code == 404
    assert client.get("/campaigns/999999/flyer.pdf").status_code == 404


def test_an_unknown_size_is_a_400_that_names_the_sizes(
    client: FlaskClient, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people)
    response = client.get(f"/campaigns/{campaign.id}/poster.pdf?size=A5")
    assert response.status_code == 400
    assert "Unknown poster size “A5”: use A3 or A4." in response.get_data(as_text=True)


def test_a_title_too_long_for_four_lines_is_refused_naming_it(
    client: FlaskClient, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people)
    campaign.calls[0].title = "Solidarity " * 27
    db.session.commit()
    response = client.get(f"/campaigns/{campaign.id}/poster.pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "does not fit on the A3 poster in 4 lines at 48 pt or larger" in page
    assert "Solidarity Solidarity" in page


def test_the_refusal_is_in_the_readers_language_not_the_posters(
    client: FlaskClient, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people, poster_language="ru")
    campaign.calls[0].title = "Solidarity " * 27
    db.session.commit()
    page = client.get(
        f"/campaigns/{campaign.id}/poster.pdf", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "does not fit on the A3 poster" in page


# --- the links --------------------------------------------------------------------------------


def test_the_manage_page_links_the_posters_and_the_flyer(
    client: FlaskClient, auth: AuthActions, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people, call_published=False)
    auth.create_and_login()
    page = client.get(f"/manage/campaigns/{campaign.id}").get_data(as_text=True)
    links = re.findall(r'href="([^"]*(?:poster|flyer)\.pdf[^"]*)"', page)
    assert links == [
        f"/campaigns/{campaign.id}/poster.pdf?size=A3",
        f"/campaigns/{campaign.id}/poster.pdf?size=A4",
        f"/campaigns/{campaign.id}/flyer.pdf",
    ]
    assert "Only coordinators can print these until the call is published." in page
    # Nobody configured the site's address: the coordinator is told why there is no QR code.
    assert "LETTERS_SERVER_NAME" in page
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200


def test_the_partial_says_nothing_about_configuration_to_a_visitor(
    app: Flask, three_people: list[Prisoner]
) -> None:
    campaign = make_call_campaign(three_people)
    with app.test_request_context("/"):
        from flask import render_template

        html = render_template("campaigns/_poster_links.html", campaign=campaign)
    assert f"/campaigns/{campaign.id}/flyer.pdf" in html
    assert "LETTERS_SERVER_NAME" not in html
    assert "Only coordinators" not in html


# --- fitting: many people, long titles --------------------------------------------------------


def colony_people(count: int) -> list[PosterPerson]:
    return [
        PosterPerson(
            f"Кузнецов {n}",
            (
                f"Кузнецову Андрею Викторовичу, {1960 + n} г.р.",
                LONG_COLONY,
                "ул. Лесная, д. 14, корп. 2",
                "пос. Озёрный",
                "Республика Мордовия",
                "431130",
                "RUSSIA",
            ),
        )
        for n in range(count)
    ]


def a_poster(**fields: Any) -> Poster:
    values: dict[str, Any] = {
        "title": "Дни солидарности с политзаключёнными",
        "dates": "5–12 февраля 2027 г.",
        "call": ("Пишите письма. " * 40,),
        "people": tuple(colony_people(3)),
        "payment_reference": "205",
        "link": "https://letters.example.org/campaigns/7",
    }
    values.update(fields)
    return Poster(**values)


def rendered(poster: Poster, size: str) -> bytes:
    out = io.BytesIO()
    render_poster(poster, size, out)
    return out.getvalue()


@pytest.mark.parametrize("size", list(POSTER_FORMATS))
def test_twelve_long_colony_addresses_go_on_to_more_pages_whole_and_above_the_floors(
    app: Flask, size: str
) -> None:
    del app  # the catalogues
    people = colony_people(12)
    fmt = POSTER_FORMATS[size]
    data = rendered(a_poster(people=tuple(people)), size)
    pages = pdf_pages(data)
    assert len(pages) >= 2, "twelve long addresses do not fit one page at readable sizes"
    chars = [c for page in pages for c in page["chars"] if c["text"].strip()]
    assert min(c["size"] for c in chars) >= fmt.address[1] - 0.01
    assert max(c["size"] for c in pages[0]["chars"]) >= fmt.title[1] - 0.01
    printed = Counter(c["text"] for c in chars)
    wanted = Counter(
        ch for person in people for line in person.address_lines for ch in line if ch.strip()
    )
    assert not wanted - printed, "an address is not printed whole"
    # Every page carries the QR code (one per copy on the sheet).
    for number in range(len(pages)):
        assert len(decoded_qr_codes(data, number)) == fmt.copies


def test_a_few_people_fit_one_page_at_the_design_sizes(app: Flask) -> None:
    del app
    pages = pdf_pages(rendered(a_poster(people=tuple(colony_people(1))), "A3"))
    assert len(pages) == 1
    assert max(c["size"] for c in pages[0]["chars"]) == POSTER_FORMATS["A3"].title[0]


def test_a_long_title_shrinks_to_the_floor_before_it_is_refused(app: Flask) -> None:
    del app
    title = "Международные дни солидарности с политическими заключёнными России и Беларуси"
    page = pdf_pages(rendered(a_poster(title=title), "A3"))[0]
    sizes = {c["size"] for c in page["chars"] if c["fontname"].endswith("PTSans-Bold")}
    assert 48 - 0.01 <= max(sizes) < POSTER_FORMATS["A3"].title[0]
    with pytest.raises(PosterDoesNotFit, match="does not fit on the A3 poster in 4 lines"):
        rendered(a_poster(title=title * 3), "A3")


def test_an_address_wider_than_its_column_is_refused_naming_the_person(app: Flask) -> None:
    del app
    person = PosterPerson("Ivan Unbreakable", ("Ivan", "X" * 120))
    with pytest.raises(PosterDoesNotFit, match="The address of Ivan Unbreakable does not fit"):
        rendered(a_poster(people=(person,)), "A4")


def test_excerpt_cuts_after_a_sentence_else_after_a_word(app: Flask) -> None:
    del app
    width, size = 300.0, 12.0
    text = "First sentence here. Second sentence is a little longer than the first one. " * 5
    lines = excerpt([text], width, size, 2)
    assert len(lines) <= 2
    assert " ".join(lines).endswith(". " + ELLIPSIS)
    one_sentence = "word " * 200
    lines = excerpt([one_sentence], width, size, 2)
    assert len(lines) == 2
    assert lines[-1].endswith("word" + ELLIPSIS)
    short = excerpt(["Short."], width, size, 2)
    assert short == ["Short."]
    assert wrap("Short.", width, size) == short


# --- in a browser -----------------------------------------------------------------------------


@pytest.mark.commits
def test_a_coordinator_downloads_the_unpublished_calls_poster_from_the_campaigns_page(
    app: Flask, page: Any, auth: AuthActions, live_server: str
) -> None:
    app.config["TRUSTED_HOSTS"] = ["127.0.0.1"]
    auth.create("coordinator@abc.example")
    with app.app_context():
        people = [
            make_prisoner(),
            make_prisoner(family_name="Шакурский", given_names="Илья", latin_name="Ilya Shakursky"),
        ]
        campaign_id = make_call_campaign(people, call_published=False).id

    # A visitor cannot have it yet.
    response = page.request.get(f"/campaigns/{campaign_id}/poster.pdf")
    assert response.status == 404

    page.goto("/login")
    page.fill("input[name=email]", "coordinator@abc.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    assert urlsplit(page.url).path.startswith("/manage")
    page.goto(f"/manage/campaigns/{campaign_id}")
    screenshot(page, "poster-01-campaign-page")
    with page.expect_download() as download_info:
        page.click("text=Poster, A4 (PDF)")
    download = download_info.value
    assert download.suggested_filename == f"poster-A4-{campaign_id}.pdf"
    data = Path(download.path()).read_bytes()
    text = flat("".join(column_texts(data, "A4")))
    assert flat("Шакурскому Илье Дмитриевичу") in text
    assert decoded_qr_codes(data) == [f"{live_server}/campaigns/{campaign_id}"]
    assert page.requested_hosts == {"127.0.0.1"}  # type: ignore[attr-defined]
