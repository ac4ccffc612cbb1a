"""Bad input is a clear 4xx that changes nothing: ids beyond the database's integer, NUL and
unpaired surrogates, malformed and deeply nested JSON, multi-line names and implausible dates.

``test_every_route_survives_hostile_values`` walks every route the app has (read from its URL
map), as an anonymous visitor, as a coordinator and as an admin, and sends each hostile value to
every field of every form the pages show; no answer may be a 5xx and the database must be
unchanged.
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest import (
    PASSWORD,
    AuthActions,
    csrf_token,
    csv_bytes,
    csv_row,
    make_facility,
    make_prisoner,
)
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError

from letters.accounts.services import invite
from letters.auth.services import create_user
from letters.csv_io.services import import_csv
from letters.extensions import db
from letters.hostile_input import MAX_ID, MAX_JSON_DEPTH
from letters.models import (
    ActionKind,
    ActionPhoto,
    AddressReport,
    AvoidTerm,
    Campaign,
    CampaignAction,
    CampaignCall,
    CampaignKind,
    ChangeKind,
    Facility,
    GuidelineSection,
    LetterSent,
    LetterTemplate,
    Phrase,
    Prisoner,
    Role,
    SentVia,
    Source,
    SourceChange,
    SourceLink,
)
from letters.validation import FieldError, check_single_line, parse_release_date, years_from

TOO_BIG = [str(MAX_ID + 1), str(10**20)]
# Tables that a refused request may still touch on purpose: a wrong password is counted.
COUNTED_ON_PURPOSE = {"login_failures"}

# Everything an attacker would try in a field: bytes the database cannot store, line breaks,
# a 10 kB string, numbers beyond every integer type, negative numbers, absurd dates.
HOSTILE_VALUES = [
    "a\x00b",
    "\ud800",
    "Иванов\r\nBcc: x",
    "x" * 10_000,
    "9" * 30,
    "9" * 5_000,  # more digits than int() reads
    "-2147483649",
    "0001-01-01",
    "9999-12-31",
]


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as stored (what a request may have changed)."""
    db.session.rollback()
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
        for table in db.metadata.sorted_tables
        if table.name not in COUNTED_ON_PURPOSE
    }


def make_world() -> dict[str, int]:
    """One row of everything a URL can name: the ids to put in paths."""
    prisoner = make_prisoner()
    make_facility(name="ФКУ ИК-2", postal_code="440000")
    campaign = Campaign(
        kind=CampaignKind.EVENING,
        name="Вечер",
        starts_on=date.today(),
        ends_on=date.today(),
        prisoners=[prisoner],
        report_published=True,
        calls=[CampaignCall(language="en", title="Призыв", body="Пишите")],
        call_published=True,
    )
    db.session.add(campaign)
    db.session.flush()
    entry = LetterSent(
        prisoner=prisoner,
        sent_on=date.today(),
        letters=2,
        campaign=campaign,
        via=SentVia.EVENING,
    )
    report = AddressReport(prisoner=prisoner, message="moved")
    action = CampaignAction(
        campaign=campaign,
        kind=ActionKind.BANNER,
        city="Berlin",
        country_code="DE",
        happened_on=date.today(),
        received_on=date.today(),
        photos=[ActionPhoto(position=0, width=1, height=1, data=b"\xff\xd8")],
    )
    db.session.add_all([entry, report, action])
    # A group followed: an offered person, and a change proposed for a linked one.
    source = Source(base_url="https://abc.example", name="ABC")
    offered = SourceChange(source=source, remote_id=8, kind=ChangeKind.NEW_PERSON, new="{}")
    linked = SourceLink(source=source, remote_id=7, prisoner=prisoner, seen="{}")
    db.session.add_all([source, offered, linked])
    account = create_user("someone@example.org", PASSWORD, Role.COORDINATOR)
    invitation, _link = invite("invited@example.org", Role.COORDINATOR)
    db.session.flush()
    first = {
        model: db.session.scalar(select(model.id).order_by(model.id))
        for model in (LetterTemplate, Phrase, AvoidTerm, GuidelineSection, Facility)
    }
    ids = {
        "prisoner_id": prisoner.id,
        "facility_id": first[Facility],
        "campaign_id": campaign.id,
        "entry_id": entry.id,
        "report_id": report.id,
        "template_id": first[LetterTemplate],
        "phrase_id": first[Phrase],
        "term_id": first[AvoidTerm],
        "section_id": first[GuidelineSection],
        "user_id": account.id,
        "invitation_id": invitation.id,
        "action_id": action.id,
        "photo_id": action.photos[0].id,
        "source_id": source.id,
        "change_id": offered.id,
        "link_id": linked.id,
    }
    db.session.commit()
    assert all(ids.values()), ids
    return ids


def routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(endpoint, rule, methods) of every route but the static files."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        found.append((rule.endpoint, rule.rule, methods))
    return found


def fill(rule: str, ids: dict[str, int], value: str | None = None) -> str:
    """The rule's path with each ``<int:name>`` replaced by an existing id (or ``value``), and a
    campaign call's ``<language>`` by the one the world's campaign has."""

    def replace(match: re.Match[str]) -> str:
        return value if value is not None else str(ids[match.group(1)])

    return re.sub(r"<int:(\w+)>", replace, rule).replace("<language>", "en")


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
FIELD = re.compile(r"<(?:input|select|textarea|button)\b[^>]*\bname=\"([^\"]+)\"", re.S)


def crawl_forms(client: FlaskClient, paths: list[str]) -> dict[str, set[str]]:
    """Every form on ``paths``: its target path → the names of its fields."""
    forms: dict[str, set[str]] = defaultdict(set)
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or "html" not in (response.content_type or ""):
            continue
        for attributes, body in FORM.findall(response.get_data(as_text=True)):
            action = re.search(r'action="([^"]*)"', attributes)
            target = (action.group(1) if action and action.group(1) else path).split("?")[0]
            forms[target].update(FIELD.findall(body))
    return forms


FORM_TYPE = "application/x-www-form-urlencoded"
TEMPLATE_FIELDS = {"template_id", "writer_name", "writer_city", "writer_gender", "size"}


def encoded(values: dict[str, str]) -> str:
    """Form or query encoding as a careless client sends it: a lone surrogate as its three
    bytes (which are not UTF-8), as a browser's script can produce them."""
    return urlencode(values, encoding="utf-8", errors="surrogatepass")


WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.I)


@contextmanager
def writes() -> Iterator[list[str]]:
    """The statements inside the block that could change a table."""
    written: list[str] = []

    def record(*args: Any) -> None:
        if WRITE.match(args[2]):
            written.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield written
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def walk(app: Flask, client: FlaskClient, ids: dict[str, int]) -> list[str]:
    """Send every hostile value to every route and field. Returns what went wrong: an answer
    that was a 5xx, a refusal that changed the database, a GET that changed it."""
    every = routes(app)
    gets = [fill(rule, ids) for _e, rule, methods in every if "GET" in methods]
    forms = crawl_forms(client, gets)
    query_names = {"q", "page", "per_page", "from", "campaign", "lang", "next", "size", "fold"}
    query_names |= {name for fields in forms.values() for name in fields if name != "csrf_token"}
    # The writing page's script posts these as JSON; no HTML form names them.
    forms[fill("/prisoners/<int:prisoner_id>/write/template", ids)] |= TEMPLATE_FIELDS
    token = csrf_token(client, "/login")
    failures: list[str] = []

    stored = [snapshot()]

    def send(method: str, path: str, **kwargs: Any) -> int:
        with writes() as written:
            status = int(client.open(path, method=method, **kwargs).status_code)
        changed = False
        if written:  # else nothing can have changed: only then is a snapshot worth taking
            now = snapshot()
            changed, stored[0] = now != stored[0], now
        if status >= 500:
            failures.append(f"{method} {path[:80]} → {status}")
        elif changed and (status >= 400 or method == "GET"):
            failures.append(f"{method} {path[:80]} → {status} and changed the database")
        return status

    for _endpoint, rule, methods in every:
        path = fill(rule, ids)
        if "<int:" in rule:
            for big in TOO_BIG:
                for method in methods:
                    too_big = fill(rule, ids, big)
                    status = send(method, too_big, data={"csrf_token": token})
                    assert status == 404, (method, too_big, status)
        for value in HOSTILE_VALUES:
            if "GET" in methods:
                send("GET", f"{path}?{encoded({name: value for name in query_names})}")
            fields = forms.get(path, set()) - {"csrf_token"}
            if "POST" not in methods or not fields:
                continue  # a button with no fields (unlist, delete): nothing to fill
            data = {name: value for name in fields} | {"csrf_token": token}
            send("POST", path, data=encoded(data), content_type=FORM_TYPE)
            # The same fields as JSON (the writing page's script sends JSON).
            send(
                "POST",
                path,
                data=json.dumps(data),
                content_type="application/json",
                headers={"X-CSRFToken": token},
            )
        if "POST" in methods:
            for body in BAD_JSON:
                status = send(
                    "POST",
                    path,
                    data=body,
                    content_type="application/json",
                    headers={"X-CSRFToken": token},
                )
                assert status in (400, 404), (path, body[:20], status)
    return failures


BAD_JSON = ('{"a": ', "[" * 100_000 + "]" * 100_000, '{"writer_name": "\\ud800"}')
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
NAME_COLUMNS = {
    "prisoners": ("family_name", "given_names", "patronymic", "latin_name", "envelope_name"),
    "facilities": ("name", "city", "postal_code"),
    "campaigns": ("name",),
}


def stored_text() -> list[tuple[str, str, str]]:
    """(table, column, value) of every text value stored."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            found += [(table.name, k, v) for k, v in row.items() if isinstance(v, str)]
    return found


@pytest.mark.parametrize("who", ["anonymous", "coordinator", "admin"])
def test_every_route_survives_hostile_values(
    app: Flask, client: FlaskClient, auth: AuthActions, who: str
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash is a 500 answer, as on the site
    # Visitors' limits would answer 429 before the forms are reached.
    app.config["SENT_RATE_LIMIT"] = "10000 per hour"
    app.config["ADDRESS_REPORT_RATE_LIMIT"] = "10000 per hour"
    ids = make_world()
    if who == "coordinator":
        auth.create_and_login()
    if who == "admin":  # the accounts page and the settings are an admin's
        auth.create_and_login("admin@example.org", Role.ADMIN)

    failures = walk(app, client, ids)

    assert failures == []
    # What was accepted (a visitor's note may say anything) is stored clean.
    db.session.rollback()
    for table, column, value in stored_text():
        assert not UNSTORABLE.search(value), (table, column)
        if column in NAME_COLUMNS.get(table, ()):
            check_single_line(value)


# --- ids and page numbers beyond the database's integer ---------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/prisoners/99999999999999999999",
        "/prisoners/2147483648",
        "/prisoners/2147483648/envelope.pdf",
        "/prisoners/2147483648/sheet.pdf",
        "/prisoners/2147483648/write",
        "/campaigns/2147483648",
        "/api/v1/prisoners/99999999999999999999",
    ],
)
def test_an_id_beyond_the_database_integer_is_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_coordinator_urls_with_huge_ids_are_404(client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    for path in (
        "/manage/prisoners/2147483648/edit",
        "/manage/campaigns/99999999999999999999/edit",
        "/manage/facilities/2147483648/edit",
    ):
        assert client.get(path).status_code == 404, path


def test_print_pack_with_a_huge_campaign_id_is_404(client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    assert client.get("/manage/print/pack?campaign=99999999999999999999").status_code == 404


@pytest.mark.parametrize("name", ["page", "per_page"])
@pytest.mark.parametrize("value", ["99999999999999999999", "9" * 5_000, "-1", "0"])
def test_api_page_beyond_the_integer_is_400_naming_the_parameter(
    client: FlaskClient, name: str, value: str
) -> None:
    response = client.get(f"/api/v1/prisoners?{name}={value}")
    assert response.status_code == 400
    assert f"“{name}”" in response.get_json()["error"]


def test_api_last_possible_page_is_empty_not_an_error(client: FlaskClient) -> None:
    response = client.get(f"/api/v1/prisoners?page={MAX_ID}")
    assert response.status_code == 200
    assert response.get_json()["prisoners"] == []


# --- NUL and unpaired surrogates ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["99999999999999999999", "9" * 5_000])
def test_a_list_page_beyond_the_integer_is_400(
    client: FlaskClient, auth: AuthActions, value: str
) -> None:
    assert client.get(f"/prisoners?page={value}").status_code == 400
    auth.create_and_login()
    assert client.get(f"/manage/prisoners?page={value}").status_code == 400


def test_a_page_number_that_is_not_a_number_is_the_first_page(client: FlaskClient) -> None:
    assert client.get("/prisoners?page=abc").status_code == 200


def test_nul_in_a_search_is_400_naming_the_field(client: FlaskClient) -> None:
    response = client.get("/prisoners?q=%00")
    assert response.status_code == 400
    assert "“q”" in response.get_data(as_text=True)


def test_nul_in_the_login_address_is_400_and_counts_nothing(client: FlaskClient) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": "a\x00@example.org", "password": "x", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "“email”" in response.get_data(as_text=True)
    assert db.session.execute(text("SELECT count(*) FROM login_failures")).scalar() == 0


def test_nul_in_an_address_report_is_400_and_stores_nothing(
    app: Flask, client: FlaskClient
) -> None:
    prisoner_id = make_prisoner().id
    db.session.commit()
    token = csrf_token(client, f"/prisoners/{prisoner_id}")
    response = client.post(
        f"/prisoners/{prisoner_id}/report-address",
        data={"message": "moved\x00", "csrf_token": token},
    )
    assert response.status_code == 400
    assert "“message”" in response.get_data(as_text=True)
    assert db.session.scalars(select(AddressReport)).all() == []


def test_nul_in_a_coordinator_form_is_400_and_changes_nothing(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    db.session.commit()
    path = f"/manage/prisoners/{prisoner.id}/edit"
    response = client.post(
        path,
        data={
            "family_name": "Пчели\x00нцев",
            "given_names": "Д",
            "csrf_token": csrf_token(client, path),
        },
    )
    assert response.status_code == 400
    assert "“family_name”" in response.get_data(as_text=True)
    db.session.refresh(prisoner)
    assert prisoner.family_name == "Пчелинцев"


def test_a_login_address_with_a_line_break_is_refused_and_counts_nothing(
    client: FlaskClient,
) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": "a@example.org\r\nb", "password": "x" * 12, "csrf_token": token},
    )
    assert "Must be a single line" in response.get_data(as_text=True)
    assert db.session.execute(text("SELECT count(*) FROM login_failures")).scalar() == 0


def write_template(client: FlaskClient, prisoner_id: int, body: str) -> Any:
    path = f"/prisoners/{prisoner_id}/write"
    return client.post(
        f"{path}/template",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token(client, path)},
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ("[" * (MAX_JSON_DEPTH + 2) + "]" * (MAX_JSON_DEPTH + 2), "nested too deeply"),
        ('{"template_id": ', "not valid JSON"),
        ('{"writer_name": "\\ud800"}', "“writer_name”"),
        ('{"writer_city": "Berlin\\u0000"}', "“writer_city”"),
        ('{"\\ud800": "x"}', "contains a character that cannot be stored"),
    ],
)
def test_bad_json_to_the_template_filler_is_400(
    client: FlaskClient, body: str, message: str
) -> None:
    prisoner_id = make_prisoner().id
    db.session.commit()
    response = write_template(client, prisoner_id, body)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_the_template_filler_still_fills(client: FlaskClient) -> None:
    prisoner_id = make_prisoner().id
    template_id = db.session.scalar(select(LetterTemplate.id).order_by(LetterTemplate.id))
    db.session.commit()
    body = json.dumps({"template_id": template_id, "writer_name": "Анна"})
    response = write_template(client, prisoner_id, body)
    assert response.status_code == 200, response.get_data(as_text=True)


# --- errors never carry bound values ------------------------------------------------------------


def test_a_database_error_does_not_carry_the_bound_values(app: Flask) -> None:
    secret = "someone-tried-this@example.org"
    with pytest.raises(DBAPIError) as raised, db.session.begin_nested():
        db.session.execute(text("SELECT * FROM no_such_table WHERE x = :value"), {"value": secret})
    assert secret not in str(raised.value)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True


# --- single-line names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["Пчелинцев\r\nBcc: x", "Пчелинцев\n", "Пчел\x0bинцев", "a\u2028b"]
)
def test_check_single_line_refuses_breaks_and_control_characters(value: str) -> None:
    with pytest.raises(FieldError):
        check_single_line(value)


def test_check_single_line_keeps_an_ordinary_name() -> None:
    assert check_single_line("Пчелинцев-Ли O'Neil") == "Пчелинцев-Ли O'Neil"


@pytest.mark.parametrize("field", ["family_name", "given_names", "patronymic", "latin_name"])
def test_a_name_with_a_line_break_is_refused_naming_the_field(
    client: FlaskClient, auth: AuthActions, field: str
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    db.session.commit()
    path = f"/manage/prisoners/{prisoner.id}/edit"
    data = {
        "family_name": "Пчелинцев",
        "given_names": "Дмитрий",
        "patronymic": "Дмитриевич",
        "latin_name": "Dmitry Pchelintsev",
        "status": "sentenced",
        "languages": "ru",
        "is_listed": "y",
        "csrf_token": csrf_token(client, path),
    }
    data[field] = "Иван\r\nов\x01"
    response = client.post(path, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Must be a single line" in html
    db.session.refresh(prisoner)
    assert "\n" not in getattr(prisoner, field)


def test_a_facility_name_with_a_line_break_is_refused(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.create_and_login()
    facility = make_facility()
    db.session.commit()
    path = f"/manage/facilities/{facility.id}/edit"
    response = client.post(
        path,
        data={
            "name": "СИЗО-1\rIK",
            "street_address": "ул. Каракозова, 30",
            "city": "г. Пенза",
            "country_area": "Пензенская область",
            "postal_code": "440039",
            "country_code": "RU",
            "csrf_token": csrf_token(client, path),
        },
    )
    assert "Must be a single line" in response.get_data(as_text=True)
    db.session.refresh(facility)
    assert "\r" not in facility.name


def csv_file(**cells: str) -> bytes:
    return csv_bytes(csv_row(**cells))


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"family_name": "Иванова\nBcc"}, "family_name"),
        ({"given_names": "Анна\tМария"}, "given_names"),
        ({"facility": "СИЗО-1\r\nИК-2"}, "facility"),
        ({"release_date": "1800-01-01"}, "release_date"),
        ({"release_date": "9999-12-31"}, "release_date"),
    ],
)
def test_the_import_refuses_multi_line_names_and_absurd_dates(
    ctx: None, cells: dict[str, str], column: str
) -> None:
    before = db.session.scalars(select(Prisoner.id)).all()
    result = import_csv(csv_file(**cells), dry_run=False)
    assert {(e.line, e.column) for e in result.errors} == {(2, column)}
    assert db.session.scalars(select(Prisoner.id)).all() == before


@pytest.mark.parametrize(
    "data",
    [
        csv_file(bio="a\x00b"),
        csv_file(family_name="Иванова\r\nBcc"),
        csv_file(release_date="0001-01-01"),
        csv_file(given_names="9" * 5_000),
        csv_file().replace("Анна".encode(), b"\xed\xa0\x80"),  # a surrogate's bytes: not UTF-8
    ],
)
def test_a_hostile_upload_is_refused_and_changes_nothing(
    client: FlaskClient, auth: AuthActions, data: bytes
) -> None:
    auth.create_and_login()
    before = snapshot()
    path = "/manage/prisoners/import"
    response = client.post(
        path,
        data={"file": (io.BytesIO(data), "list.csv"), "csrf_token": csrf_token(client, path)},
        content_type="multipart/form-data",
    )
    assert response.status_code in (400, 422), response.status_code
    assert snapshot() == before


def test_the_import_keeps_a_multi_line_street_address(ctx: None) -> None:
    result = import_csv(csv_file(street_address="ул. Каракозова, 30\nкорпус 2"), dry_run=True)
    assert result.errors == []


# --- dates in plausible ranges ------------------------------------------------------------------


def test_release_dates_run_from_1900_to_fifty_years_ahead() -> None:
    last = years_from(date.today(), 50)
    assert parse_release_date(last.isoformat()) == last
    assert parse_release_date("1900-01-01") == date(1900, 1, 1)
    for absurd in ("1800-01-01", "9999-12-31", (last + timedelta(days=1)).isoformat()):
        with pytest.raises(FieldError):
            parse_release_date(absurd)


def test_years_from_the_29th_of_february() -> None:
    assert years_from(date(2024, 2, 29), 1) == date(2025, 2, 28)


@pytest.mark.parametrize("release_date", ["1800-01-01", "9999-12-31"])
def test_the_prisoner_form_refuses_an_absurd_release_date(
    client: FlaskClient, auth: AuthActions, release_date: str
) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    db.session.commit()
    path = f"/manage/prisoners/{prisoner.id}/edit"
    response = client.post(
        path,
        data={
            "family_name": "Пчелинцев",
            "given_names": "Дмитрий",
            "status": "sentenced",
            "languages": "ru",
            "release_date": release_date,
            "csrf_token": csrf_token(client, path),
        },
    )
    assert "The date cannot be" in response.get_data(as_text=True)
    db.session.refresh(prisoner)
    assert prisoner.release_date is None


def test_letters_posted_on_day_one_are_refused(client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    db.session.commit()
    page = f"/prisoners/{prisoner.id}"
    response = client.post(
        f"/manage/prisoners/{prisoner.id}/letters",
        data={"letters": "1", "sent_on": "0001-01-01", "csrf_token": csrf_token(client, page)},
        follow_redirects=True,
    )
    assert "The date cannot be before Jan 1, 2000." in response.get_data(as_text=True)
    assert db.session.scalars(select(LetterSent)).all() == []


def test_an_evening_posted_on_day_one_is_refused(client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    campaign = Campaign(kind=CampaignKind.EVENING, name="Вечер", prisoners=[prisoner])
    db.session.add(campaign)
    db.session.commit()
    path = f"/manage/campaigns/{campaign.id}"
    response = client.post(
        f"{path}/letters",
        data={
            "sent_on": "0001-01-01",
            f"count_{prisoner.id}": "3",
            "csrf_token": csrf_token(client, path),
        },
    )
    assert response.status_code == 400
    assert "The date cannot be before Jan 1, 2000." in response.get_data(as_text=True)
    assert db.session.scalars(select(LetterSent)).all() == []


def test_a_transfer_on_day_one_is_refused(client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    prisoner = make_prisoner()
    other = make_facility(name="ФКУ ИК-2", postal_code="440000")
    db.session.commit()
    path = f"/manage/prisoners/{prisoner.id}/transfer"
    response = client.post(
        path,
        data={
            "facility_id": str(other.id),
            "on": "0001-01-01",
            "csrf_token": csrf_token(client, path),
        },
    )
    assert "The date cannot be before Jan 1, 2000." in response.get_data(as_text=True)
    db.session.refresh(prisoner)
    assert prisoner.facility_id != other.id


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [("0001-01-01", ""), ("", "9999-12-31"), ("0001-01-01", "9999-12-31")],
)
def test_a_campaign_beyond_ten_years_is_refused(
    client: FlaskClient, auth: AuthActions, starts_on: str, ends_on: str
) -> None:
    auth.create_and_login()
    path = "/manage/campaigns/new"
    response = client.post(
        path,
        data={
            "kind": "campaign",
            "name": "Неделя солидарности",
            "starts_on": starts_on,
            "ends_on": ends_on,
            "csrf_token": csrf_token(client, path),
        },
    )
    assert "The date cannot be" in response.get_data(as_text=True)
    assert db.session.scalars(select(Campaign)).all() == []


def test_a_campaign_within_ten_years_is_accepted(client: FlaskClient, auth: AuthActions) -> None:
    auth.create_and_login()
    path = "/manage/campaigns/new"
    response = client.post(
        path,
        data={
            "kind": "campaign",
            "name": "Неделя солидарности",
            "starts_on": years_from(date.today(), -9).isoformat(),
            "ends_on": years_from(date.today(), 9).isoformat(),
            "csrf_token": csrf_token(client, path),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
