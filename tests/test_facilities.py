"""Facilities: their address checked against the country's rules, their mail rules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from conftest import AuthActions, csrf_token, inline_scripts, make_facility, make_prisoner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from letters.birthdays.services import upcoming_birthdays
from letters.extensions import db
from letters.facilities.services import find_facility, save_facility
from letters.models import Facility, Status

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

PENZA = {
    "name": "ФКУ СИЗО-1 УФСИН России по Пензенской области",
    "street_address": "ул. Каракозова, 30",
    "city": "г. Пенза",
    "city_area": "",
    "country_area": "Пензенская область",
    "postal_code": "440039",
    "country_code": "RU",
    "facility_name_first": "",
    "name_line_format": "",
    "allows_photos": "yes",
    "allows_cards": "no",
    "allows_paper": "",
    "allows_envelopes": "yes",
    "allows_stamps": "",
    "restrictions": "No greeting cards.",
    "transit_notes": "Letters take about three weeks.",
}


def post_new(client: FlaskClient, **overrides: Any) -> Any:
    token = csrf_token(client, "/manage/facilities/new")
    return client.post("/manage/facilities/new", data={**PENZA, "csrf_token": token, **overrides})


def facilities(app: Flask) -> list[Facility]:
    return list(db.session.scalars(select(Facility).order_by(Facility.id)))


def field_errors(html: str, field: str) -> str:
    """The error messages printed inside the field's own block."""
    block = html.split(f'for="{field}"', 1)[1].split('<div class="field', 1)[0]
    return " ".join(part.split("</p>")[0] for part in block.split('<p class="error">')[1:])


def test_coordinator_adds_a_facility_and_every_field_is_kept(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    # Browsers send textarea lines with CRLF.
    response = post_new(client, street_address="ул. Каракозова, 30\r\nкорпус 2")

    assert response.status_code == 302
    (facility,) = facilities(app)
    assert response.headers["Location"].endswith(f"/manage/facilities/{facility.id}/edit")
    assert facility.name == PENZA["name"]
    assert facility.street_address == "ул. Каракозова, 30\nкорпус 2"
    assert (facility.city, facility.country_area, facility.postal_code) == (
        "г. Пенза",
        "Пензенская область",
        "440039",
    )
    assert facility.country_code == "RU"
    assert facility.facility_name_first is None
    assert (facility.allows_photos, facility.allows_cards, facility.allows_paper) == (
        True,
        False,
        None,
    )
    assert (facility.allows_envelopes, facility.allows_stamps) == (True, None)
    assert facility.restrictions == "No greeting cards."
    assert facility.transit_notes == "Letters take about three weeks."


def test_the_address_is_normalised_before_saving(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    response = post_new(
        client,
        name="HMP Brixton",
        street_address="Jebb Avenue",
        city="London",
        country_area="",
        postal_code="sw2 5xf",
        country_code="GB",
    )

    assert response.status_code == 302
    (facility,) = facilities(app)
    assert facility.postal_code == "SW2 5XF"


def test_a_moscow_facility_needs_no_region_and_is_stored_with_moscow_as_its_region(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()

    response = post_new(
        client,
        name="ФКУ СИЗО-2 УФСИН России по г. Москве",
        street_address="ул. Новослободская, д. 45",
        city="г. Москва",
        country_area="",
        postal_code="127055",
    )

    assert response.status_code == 302
    (facility,) = facilities(app)
    assert (facility.city, facility.country_area) == ("г. Москва", "Москва")
    # The postal code is still checked for the city: Penza's is refused for Москва.
    response = post_new(
        client, name="Другой СИЗО", city="Москва", country_area="г. Москва", postal_code="440039"
    )
    assert response.status_code == 200
    assert "does not belong to Москва" in field_errors(
        response.get_data(as_text=True), "postal_code"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "44003", "Postal code “44003” is not valid for Russian Federation"),
        ("country_area", "Пенза область", "Did you mean “Пензенская область”?"),
        ("country_area", "Atlantis", "is not a region of Russian Federation"),
        ("city", "", "City is required for addresses in Russian Federation"),
        ("country_code", "", "Country is required."),
        ("country_code", "XX", "Not a valid choice"),
        ("name", "", "Name is required."),
        ("name_line_format", "{number}", "The format must contain {name}"),
        ("name_line_format", "{name} {unit}", "Only {name} and {number}"),
        ("postal_code", "1" * 21, "Too long: 21 characters, at most 20."),
    ],
)
def test_a_bad_address_is_refused_on_its_own_field_and_nothing_is_stored(
    app: Flask, client: FlaskClient, auth: AuthActions, field: str, value: str, message: str
) -> None:
    auth.create_and_login()

    response = post_new(client, **{field: value})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in field_errors(html, field)
    assert facilities(app) == []


def test_us_state_and_zip_are_checked(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    florida = {
        "name": "Smart Communications/PA DOC",
        "street_address": "PO Box 33028",
        "city": "St. Petersburg",
        "country_area": "Florida",
        "postal_code": "33733",
        "country_code": "US",
        "name_line_format": "{name}/{number}",
        "facility_name_first": "yes",
    }

    bad = post_new(client, **{**florida, "postal_code": "ABCDE"})
    assert "Postal code “ABCDE” is not valid" in field_errors(
        bad.get_data(as_text=True), "postal_code"
    )
    assert facilities(app) == []

    good = post_new(client, **florida)

    assert good.status_code == 302
    (facility,) = facilities(app)
    assert facility.country_area == "FL"
    assert facility.facility_name_first is True
    assert facility.name_line_format == "{name}/{number}"


def test_an_invalid_edit_leaves_the_stored_facility_as_it_was(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    facility_id = make_facility().id
    db.session.commit()
    path = f"/manage/facilities/{facility_id}/edit"

    response = client.post(
        path,
        data={**PENZA, "csrf_token": csrf_token(client, path), "name": "New", "postal_code": "1"},
    )

    assert response.status_code == 200
    (facility,) = facilities(app)
    assert (facility.name, facility.postal_code) == (PENZA["name"], "440039")


def test_editing_a_facility_saves_and_the_form_shows_stored_values(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    facility_id = make_facility(allows_stamps=False).id
    db.session.commit()
    path = f"/manage/facilities/{facility_id}/edit"
    html = client.get(path).get_data(as_text=True)
    assert "ул. Каракозова, 30" in html
    assert '<option selected value="RU">' in html
    assert 'id="allows_stamps" name="allows_stamps"><option value="">' in html
    assert '<option selected value="no">Not allowed</option>' in html

    response = client.post(
        path,
        data={**PENZA, "csrf_token": csrf_token(client, path), "allows_stamps": "yes"},
    )

    assert response.status_code == 302
    (facility,) = facilities(app)
    assert facility.allows_stamps is True


def test_a_second_facility_with_the_same_name_and_postcode_is_refused(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    assert post_new(client).status_code == 302

    response = post_new(client, name=PENZA["name"].lower())

    assert "exists already" in field_errors(response.get_data(as_text=True), "name")
    assert len(facilities(app)) == 1


@pytest.mark.usefixtures("ctx")
def test_find_facility_ignores_case_in_any_script() -> None:
    facility = make_facility()

    assert (
        find_facility("фку сизо-1 уфсин россии по пензенской области", "440039", "ru") is facility
    )
    assert find_facility(PENZA["name"], "440000", "RU") is None


def test_save_facility_checks_before_touching_the_row(app: Flask) -> None:
    # A request context: the messages are translated for the reader's language.
    with app.test_request_context():
        facility = make_facility()

        errors = save_facility(facility, {**PENZA, "facility_name_first": None, "postal_code": "x"})

        assert set(errors) == {"postal_code"}
        assert facility.postal_code == "440039"


def test_the_edit_page_lists_who_is_held_there(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    facility = make_facility()
    make_prisoner(facility)
    make_prisoner(facility, family_name="Кулик", given_names="Анна", is_listed=False)
    make_prisoner(
        make_facility(name="ФКУ ИК-2", postal_code="440000"),
        family_name="Иванов",
        status=Status.SENTENCED,
    )
    db.session.commit()
    facility_id = facility.id

    html = client.get(f"/manage/facilities/{facility_id}/edit").get_data(as_text=True)
    listing = client.get("/manage/facilities/").get_data(as_text=True)

    held = html.split("Held here")[1]
    assert "Пчелинцев" in held
    assert "Кулик" in held
    assert "Иванов" not in held
    assert "ФКУ ИК-2" in listing
    assert "<td>2</td>" in listing


def test_markup_in_every_facility_field_comes_back_escaped(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    text_fields = ("name", "street_address", "city", "city_area", "restrictions", "transit_notes")
    response = post_new(
        client,
        name_line_format="{name}" + SCRIPT,
        **{name: f"{name}{SCRIPT}" for name in text_fields},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    (facility,) = facilities(app)
    prisoner_id = make_prisoner(db.session.get(Facility, facility.id)).id
    db.session.commit()

    for path in (
        "/manage/facilities/",
        f"/manage/facilities/{facility.id}/edit",
        "/manage/prisoners",
        "/manage/prisoners/new",
        f"/manage/prisoners/{prisoner_id}/edit",
        f"/manage/prisoners/{prisoner_id}/transfer",
        f"/prisoners/{prisoner_id}",
        "/prisoners",
    ):
        html = client.get(path).get_data(as_text=True)
        assert SCRIPT not in html, path
        assert inline_scripts(html) == [], path
        assert ESCAPED in html, path
    edit = client.get(f"/manage/facilities/{facility.id}/edit").get_data(as_text=True)
    for name in text_fields:
        assert f"{name}{ESCAPED}" in edit, name
    public = client.get(f"/prisoners/{prisoner_id}").get_data(as_text=True)
    assert f"restrictions{ESCAPED}" in public
    assert "transit_notes" not in public  # notes for coordinators stay off the public page


@pytest.mark.parametrize("path", ["/manage/facilities/new", "/manage/facilities/{0}/edit"])
def test_facility_posts_without_a_csrf_token_are_refused_and_write_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, path: str
) -> None:
    auth.create_and_login()
    facility_id = make_facility().id
    db.session.commit()

    response = client.post(path.format(facility_id), data={**PENZA, "name": "Changed"})

    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Facility)) == 1
    assert db.session.scalars(select(Facility.name)).one() == PENZA["name"]


# --- how long a letter takes (the post-by date for birthday cards) -----------------------------


def test_a_coordinator_sets_the_days_a_letter_takes_and_the_post_by_date_follows(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    soon = date.today() + timedelta(days=40)
    facility_id = make_facility().id
    make_prisoner(db.session.get_one(Facility, facility_id), birth_date=soon.replace(year=1992))
    db.session.commit()
    path = f"/manage/facilities/{facility_id}/edit"

    def post_by() -> date:
        (birthday,) = upcoming_birthdays(date.today(), days=60, posted_from="DE")
        return birthday.post_by

    assert post_by() == soon - timedelta(days=21)  # the default to Russia from abroad
    response = client.post(
        path, data={**PENZA, "csrf_token": csrf_token(client, path), "transit_days": "35"}
    )
    assert response.status_code == 302
    assert post_by() == soon - timedelta(days=35)
    assert 'value="35"' in client.get(path).get_data(as_text=True)
    # Emptied, the usual time applies again.
    client.post(path, data={**PENZA, "csrf_token": csrf_token(client, path), "transit_days": ""})
    assert post_by() == soon - timedelta(days=21)


@pytest.mark.parametrize("days", ["0", "91", "three weeks"])
def test_impossible_days_are_refused_on_their_field_and_nothing_changes(
    app: Flask, client: FlaskClient, auth: AuthActions, days: str
) -> None:
    auth.create_and_login()
    facility_id = make_facility(transit_days=10).id
    db.session.commit()
    path = f"/manage/facilities/{facility_id}/edit"
    response = client.post(
        path, data={**PENZA, "csrf_token": csrf_token(client, path), "transit_days": days}
    )
    assert response.status_code == 200
    errors = field_errors(response.get_data(as_text=True), "transit_days")
    assert "from 1 to 90" in errors or "Not a valid integer value" in errors
    (facility,) = facilities(app)
    assert facility.transit_days == 10
