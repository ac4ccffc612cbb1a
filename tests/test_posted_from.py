"""One "posted from" choice per visitor, on one searchable country list per page.

The choice itself is kept in the visitor's browser (static/posted_from.js; the browser test is
test_browser_posted_from.py). Here: what the server does with what a form sends, and the list
it offers.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pdfplumber
import pytest
from conftest import make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient

from letters.countries import country_from_text, likely_first, regions_of
from letters.extensions import db
from letters.settings.services import save_group_settings

GROUP_ADDRESS = "Solidarity Group Berlin\nPostfach 12 34\n10115 Berlin"


@pytest.fixture
def penza(app: Flask) -> int:
    """A prisoner in Russia (the Penza SIZO), with the group's return address in Berlin."""
    with app.app_context():
        save_group_settings("Solidarity Group", GROUP_ADDRESS, "DE")
        prisoner = make_prisoner()
        db.session.commit()
        return prisoner.id


def page_of(client: FlaskClient, path: str, language: str = "en") -> str:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def listed_countries(html: str) -> list[str]:
    """The codes of the page's one country list, in its order."""
    [datalist] = re.findall(r'<datalist id="countries">(.*?)</datalist>', html, re.S)
    return re.findall(r'<option value="[^"]*\((\w\w)\)">', datalist)


def envelope_lines(client: FlaskClient, prisoner_id: int, query: str) -> list[str]:
    response = client.get(f"/prisoners/{prisoner_id}/envelope.pdf?{query}")
    assert response.status_code == 200, unescape(response.get_data(as_text=True))
    with pdfplumber.open(io.BytesIO(response.data)) as pdf:
        return (pdf.pages[0].extract_text() or "").splitlines()


# --- a country from what was typed -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Germany (DE)", "DE"),  # as the list offers it
        ("germany", "DE"),
        ("  United   Kingdom ", "GB"),
        ("de", "DE"),
        ("Deutschland", "DE"),  # in another language the app knows
        ("UK", "GB"),  # as writers say it
        ("", ""),  # nothing: posted from abroad
    ],
)
@pytest.mark.usefixtures("ctx")
def test_a_country_is_found_by_its_name_its_listed_text_or_its_code(typed: str, code: str) -> None:
    assert country_from_text(typed) == code


@pytest.mark.parametrize("typed", ["Narnia", "XX", "Germany (XX)", "EU"])
@pytest.mark.usefixtures("ctx")
def test_text_that_names_no_country_is_not_a_country(typed: str) -> None:
    assert country_from_text(typed) is None


def test_a_name_in_the_visitors_language_is_understood(client: FlaskClient, penza: int) -> None:
    # "Германия" sent from the Russian page: the envelope goes from Germany, abroad.
    html = page_of(client, f"/prisoners/{penza}?from=Германия", "ru")

    assert 'value="Германия (DE)"' in html
    assert 'aria-invalid="true"' not in html


def test_the_regions_of_the_browsers_languages_are_countries() -> None:
    tags = ["de-DE", "en", "en_GB", "sr-Latn-RS", "de-AT", "de-DE", "zh-Hant"]

    assert regions_of(tags) == ["DE", "GB", "RS", "AT"]


def test_likely_countries_come_first_and_only_once() -> None:
    choices = [("AT", "Austria"), ("DE", "Germany"), ("FR", "France"), ("RU", "Russia")]

    assert likely_first(choices, ["RU", "de", "XX", "RU"]) == [
        ("RU", "Russia"),
        ("DE", "Germany"),
        ("AT", "Austria"),
        ("FR", "France"),
    ]


# --- the list a page offers ----------------------------------------------------------------------


def test_the_write_page_has_one_country_list_shared_by_its_country_boxes(
    client: FlaskClient, penza: int
) -> None:
    html = page_of(client, f"/prisoners/{penza}/write")

    assert html.count("<datalist") == 1
    assert html.count('value="Germany (DE)"') == 2  # the list's entry, and the chosen country
    assert len(listed_countries(html)) > 200
    assert not re.search(r'<option[^>]* value="DE"', html)  # no country <select> besides
    assert re.search(r'<input[^>]*id="envelope-from" list="countries"', html)
    assert re.search(r'<label for="envelope-from">Posted from</label>', html)


def test_the_profile_has_one_country_list_for_its_two_country_boxes(
    client: FlaskClient, penza: int
) -> None:
    html = page_of(client, f"/prisoners/{penza}")

    assert html.count("<datalist") == 1
    assert html.count('list="countries"') == 2  # "I am posting from" and the envelope's
    assert html.count('data-posted-from="default"') == 2
    assert '<script src="/static/posted_from.js" defer></script>' in html


def test_the_visitors_likely_countries_come_first(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        save_group_settings("Solidarity Group", GROUP_ADDRESS, "AT")
        prisoner = make_prisoner()  # in Russia
        make_prisoner(make_facility(country_code="US", name="FCI Dublin", postal_code="94568"))
        db.session.commit()
        prisoner_id = prisoner.id

    html = page_of(client, f"/prisoners/{prisoner_id}/write", "de-DE,en-GB;q=0.8,fr;q=0.5")

    codes = listed_countries(html)
    # The browser's regions, the group's home, the registry's facilities (by name), the rest.
    assert codes[:5] == ["DE", "GB", "AT", "RU", "US"]
    assert codes[5] == "AF"  # Afghanistan: then everything else, alphabetically
    assert len(codes) == len(set(codes))


def test_in_russian_the_list_is_in_russian_with_the_visitors_country_first(
    client: FlaskClient, penza: int
) -> None:
    html = page_of(client, f"/prisoners/{penza}/write", "ru-RU,ru;q=0.9")

    [first] = re.findall(r'<datalist id="countries"><option value="([^"]*)">', html)
    assert first == "Россия (RU)"
    assert 'value="Германия (DE)"' in html  # the group's home country, chosen


# --- the envelope follows the choice -----------------------------------------------------------


def test_the_envelope_follows_the_submitted_choice(client: FlaskClient, penza: int) -> None:
    from_germany = envelope_lines(client, penza, "from=Germany+(DE)")
    from_russia = envelope_lines(client, penza, "from=Russia+(RU)")

    # From Germany: both countries are named (the return block ends with GERMANY, the
    # destination with RUSSIA); posted inside Russia neither is.
    assert "GERMANY" in from_germany
    assert from_germany[-1] == "RUSSIA"
    assert "GERMANY" not in from_russia
    assert "RUSSIA" not in from_russia
    # A name typed by hand, or the bare code, prints the same envelope as the list's text.
    assert envelope_lines(client, penza, "from=germany") == from_germany
    assert envelope_lines(client, penza, "from=DE") == from_germany


def test_the_write_pages_envelope_form_sends_the_country_box(
    client: FlaskClient, penza: int
) -> None:
    html = page_of(client, f"/prisoners/{penza}/write")

    form = re.search(r'<form[^>]*id="envelope-form".*?</form>', html, re.S)
    assert form is not None
    assert f'action="/prisoners/{penza}/envelope.pdf"' in form.group(0)
    assert re.search(r'<input[^>]*name="from"[^>]*value="Germany \(DE\)"', form.group(0))


def test_the_profile_shows_the_address_for_the_choice_and_holds_the_other(
    client: FlaskClient, penza: int
) -> None:
    html = page_of(client, f"/prisoners/{penza}?from=Russia")

    domestic = re.search(r'<pre class="address" data-posted="domestic">(.*?)</pre>', html, re.S)
    abroad = re.search(r'<pre class="address" data-posted="abroad" hidden>(.*?)</pre>', html, re.S)
    assert domestic is not None
    assert abroad is not None
    assert "RUSSIA" not in domestic.group(1)
    assert abroad.group(1).endswith("RUSSIA")
    assert 'data-destination="RU"' in html
    assert re.search(r'data-posted-from="request" id="from"[^>]* value="Russia \(RU\)"', html)
    # Without JavaScript too, the envelope form on the page takes the choice just made.
    assert re.search(r'id="envelope-from"[^>]* value="Russia \(RU\)"', html)


# --- an unknown country ------------------------------------------------------------------------


def test_an_unknown_country_on_the_envelope_is_a_400_naming_the_field(
    client: FlaskClient, penza: int
) -> None:
    response = client.get(f"/prisoners/{penza}/envelope.pdf?from=Narnia")

    assert response.status_code == 400
    assert "Posted from: no country is called “Narnia”" in unescape(response.get_data(as_text=True))


def test_an_unknown_country_on_the_profile_is_named_beside_its_box(
    client: FlaskClient, penza: int
) -> None:
    html = unescape(page_of(client, f"/prisoners/{penza}?from=Narnia"))

    assert "I am posting from: no country is called “Narnia”" in html
    # Shown back as typed, marked invalid; the address is the group's default (Germany).
    assert re.search(r'<input aria-invalid="true"[^>]*id="from"[^>]*value="Narnia"', html)
    assert '<pre class="address" data-posted="abroad">' in html


def test_in_russian_the_error_is_in_russian(client: FlaskClient, penza: int) -> None:
    response = client.get(
        f"/prisoners/{penza}/envelope.pdf?from=Нарния", headers={"Accept-Language": "ru"}
    )

    assert response.status_code == 400
    assert "«Нарния»" in unescape(response.get_data(as_text=True))


# --- the script ---------------------------------------------------------------------------------


def test_the_choice_is_kept_in_the_browser_and_sent_nowhere(client: FlaskClient) -> None:
    with client.get("/static/posted_from.js") as response:
        script = response.get_data(as_text=True)

    assert "localStorage" in script
    for sends in ("document.cookie", "fetch(", "XMLHttpRequest", "sendBeacon", ".submit("):
        assert sends not in script
