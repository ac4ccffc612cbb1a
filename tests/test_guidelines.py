"""Guidelines for writers: the public page in two languages, the coordinators' editor, the
Markdown sanitiser, the "before you write" summary, and the seed migration."""

from __future__ import annotations

import importlib.util
import re
from html.parser import HTMLParser
from types import ModuleType
from typing import Any

import pytest
from conftest import AuthActions, csrf_token
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, select

from letters import ROOT
from letters.extensions import db
from letters.guidelines.markdown import render_markdown, sanitise_html
from letters.guidelines.services import before_you_write, page_language
from letters.models import GuidelineSection

SEED_REVISION = "a1_seed_guidelines"
BEFORE_SEED = "3344effea956"
COUNTRY_SLUGS = ["country-ru", "country-by", "country-us", "country-gb", "country-de"]
GENERAL_SLUGS = [
    "before-you-write",
    "first-letter",
    "never-write",
    "enclosures",
    "safety",
    "addressing",
]


def seed_migration() -> ModuleType:
    """The seed migration as a module: its rows are what a fresh database holds."""
    path = ROOT / "migrations" / "versions" / f"{SEED_REVISION}.py"
    spec = importlib.util.spec_from_file_location(SEED_REVISION, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SEED_ROWS: list[dict[str, Any]] = seed_migration().rows()


@pytest.fixture
def seeded() -> list[dict[str, Any]]:
    """The seeded sections, as the migration writes them (every test starts from a new
    install)."""
    return SEED_ROWS


@pytest.fixture
def no_sections(ctx: None) -> None:
    """No sections at all (committed inside the test's transaction, which is rolled back)."""
    db.session.execute(delete(GuidelineSection))
    db.session.commit()


def section_id(app: Flask, slug: str, language: str) -> int:
    return db.session.scalars(
        select(GuidelineSection.id).where(
            GuidelineSection.slug == slug, GuidelineSection.language == language
        )
    ).one()


def stored(app: Flask, slug: str, language: str) -> GuidelineSection | None:
    section = db.session.scalars(
        select(GuidelineSection).where(
            GuidelineSection.slug == slug, GuidelineSection.language == language
        )
    ).one_or_none()
    if section is not None:
        db.session.expunge(section)
    return section


def count_sections(app: Flask) -> int:
    return db.session.scalar(select(func.count()).select_from(GuidelineSection)) or 0


def escaped(text: str) -> str:
    """``text`` as Jinja's autoescape writes it into the page."""
    return text.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")


class _ExecutableMarkup(HTMLParser):
    """Collects what a browser would run: script tags that are not the app's own files, event
    handler attributes, script URLs, and images (which would also load from a third party)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.found.append(f"<script {attrs}>")
        if tag in ("img", "iframe", "object", "embed"):
            self.found.append(f"<{tag} {attrs}>")
        for name, value in attrs:
            url = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            elif name in ("href", "src", "action", "formaction") and (
                url.startswith(("javascript:", "vbscript:"))
                or (url.startswith("data:") and tag != "link")
            ):
                self.found.append(f"<{tag} {name}={value}>")


def executable_markup(html: str) -> list[str]:
    """Anything in ``html`` a browser would run, as the browser parses it."""
    parser = _ExecutableMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


# --- the public page --------------------------------------------------------------------------


def test_seed_has_every_section_in_english_and_russian() -> None:
    slugs = GENERAL_SLUGS + COUNTRY_SLUGS
    for language in ("en", "ru"):
        assert sorted(row["slug"] for row in SEED_ROWS if row["language"] == language) == sorted(
            slugs
        )
    countries = {row["slug"]: row["country_code"] for row in SEED_ROWS}
    assert [countries[slug] for slug in COUNTRY_SLUGS] == ["RU", "BY", "US", "GB", "DE"]


def test_before_you_write_is_a_short_list() -> None:
    for row in SEED_ROWS:
        if row["slug"] == "before-you-write":
            bullets = [line for line in row["body"].splitlines() if line.startswith("- ")]
            assert 5 <= len(bullets) <= 7, row["language"]


def test_page_shows_every_english_section_with_its_anchor(
    client: FlaskClient, seeded: list[dict[str, Any]]
) -> None:
    response = client.get("/guidelines", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    for row in seeded:
        if row["language"] == "en":
            assert escaped(row["title"]) in html
            assert f'id="{row["slug"]}"' in html
            assert f'href="#{row["slug"]}"' in html  # the table of contents
    assert "Прежде чем писать" not in html
    assert 'href="/guidelines?lang=ru"' in html


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/guidelines", {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}),
        ("/guidelines?lang=ru", {"Accept-Language": "en-GB,en;q=0.9"}),
        ("/guidelines?lang=ru", {}),
    ],
    ids=["accept-language", "lang-over-english-browser", "lang-alone"],
)
def test_page_shows_every_russian_section(
    client: FlaskClient, seeded: list[dict[str, Any]], path: str, headers: dict[str, str]
) -> None:
    html = client.get(path, headers=headers).get_data(as_text=True)
    assert '<html lang="ru">' in html
    for row in seeded:
        if row["language"] == "ru":
            assert escaped(row["title"]) in html
            assert f'id="{row["slug"]}"' in html
    assert "Your first letter" not in html
    assert 'href="/guidelines?lang=en"' in html


def test_lang_en_overrides_a_russian_browser(
    client: FlaskClient, seeded: list[dict[str, Any]]
) -> None:
    html = client.get("/guidelines?lang=en", headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )
    assert "Your first letter" in html
    assert "Первое письмо" not in html


def test_an_unknown_language_falls_back_to_english(
    client: FlaskClient, seeded: list[dict[str, Any]]
) -> None:
    html = client.get("/guidelines?lang=xx", headers={"Accept-Language": "de"}).get_data(
        as_text=True
    )
    assert "Your first letter" in html


def test_country_sections_are_listed_under_their_own_heading(
    client: FlaskClient, seeded: list[dict[str, Any]]
) -> None:
    html = client.get("/guidelines?lang=en").get_data(as_text=True)
    contents = html[
        html.index('id="guidelines-contents"') : html.index("</nav>", html.index("toc"))
    ]
    assert "Country by country" in contents
    positions = [contents.index(f'href="#{slug}"') for slug in GENERAL_SLUGS + COUNTRY_SLUGS]
    assert positions == sorted(positions)
    for slug, title in zip(
        COUNTRY_SLUGS,
        ["Russia", "Belarus", "United States", "United Kingdom", "Germany"],
        strict=True,
    ):
        assert f'<section class="guideline" id="{slug}"' in html
        assert f'<li><a href="#{slug}">{title}</a></li>' in contents


def test_a_section_not_yet_translated_is_shown_in_english(
    app: Flask, client: FlaskClient, seeded: list[dict[str, Any]]
) -> None:
    db.session.add(
        GuidelineSection(
            slug="country-fr", language="en", title="France", body="Write in French.",
            country_code="FR", position=150,
        )
    )  # fmt: skip
    db.session.commit()
    html = client.get("/guidelines?lang=ru").get_data(as_text=True)
    assert '<section class="guideline" id="country-fr" lang="en"' in html
    assert "Write in French." in html
    assert "Первое письмо" in html


def test_the_page_works_without_any_section(client: FlaskClient, no_sections: None) -> None:
    response = client.get("/guidelines")
    assert response.status_code == 200
    assert "have not been written yet" in response.get_data(as_text=True)


@pytest.mark.parametrize("sections", ["seeded", "no_sections"])
def test_the_page_ends_by_offering_someone_to_write_to(
    request: pytest.FixtureRequest, client: FlaskClient, sections: str
) -> None:
    request.getfixturevalue(sections)
    html = client.get("/guidelines").get_data(as_text=True)
    content = html[html.index('<main id="content"') : html.index("</main>")]
    links = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>([^<]*)</a>', content)
    assert links[-1] == ("/prisoners", "Choose someone to write to")


@pytest.mark.parametrize(
    ("requested", "locale", "expected"),
    [
        ("ru", "en", "ru"),
        ("en", "ru", "en"),
        (None, "ru", "ru"),
        (None, "ru_RU", "ru"),
        ("RU", None, "ru"),
        ("de", "de", "en"),
        (None, None, "en"),
    ],
)
def test_page_language(requested: str | None, locale: str | None, expected: str) -> None:
    assert page_language(requested, locale) == expected


# --- Markdown, sanitised ----------------------------------------------------------------------


def test_markdown_renders_prose() -> None:
    html = str(render_markdown("Hello **there**.\n\n- one\n- two\n\n### Sub\n\n> quoted"))
    assert "<p>Hello <strong>there</strong>.</p>" in html
    assert "<ul>\n<li>one</li>" in html
    assert "<h3>Sub</h3>" in html
    assert "<blockquote>" in html


def test_links_get_rel_noopener() -> None:
    html = str(render_markdown("[Memorial](https://memopzk.org) and [below](#never-write)"))
    assert '<a href="https://memopzk.org" rel="noopener noreferrer">Memorial</a>' in html
    assert '<a href="#never-write" rel="noopener noreferrer">below</a>' in html


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "![x](https://tracker.example/pixel.png)",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_markdown_from_a_coordinator_comes_out_inert(markdown: str) -> None:
    assert executable_markup(str(render_markdown(markdown))) == []


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script>ok", "ok"),
        ('<p onclick="alert(1)">hi</p>', "<p>hi</p>"),
        ('<img src="x" onerror="alert(1)">', ""),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="//evil.example/">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="\\\\evil.example/">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="/prisoners">x</a>', '<a href="/prisoners" rel="noopener noreferrer">x</a>'),
        (
            '<a href="mailto:abc@example.org">x</a>',
            '<a href="mailto:abc@example.org" rel="noopener noreferrer">x</a>',
        ),
        ('<div style="position:fixed" class="x" id="y"><h1>T</h1></div>', "T"),
    ],
)
def test_the_sanitiser_keeps_only_the_allowed_markup(html: str, expected: str) -> None:
    """The second layer, on its own: what markdown-it would never produce is still cleaned."""
    assert str(sanitise_html(html)) == expected


# --- "before you write" -----------------------------------------------------------------------


def test_before_you_write_is_russian_for_ru_and_english_otherwise(
    app: Flask, seeded: list[dict[str, Any]]
) -> None:
    russian = before_you_write("ru")
    assert russian is not None
    assert "Пишите коротко и тепло" in russian
    for language in ("en", "de", ""):
        english = before_you_write(language)
        assert english is not None
        assert "Keep it short and warm" in english
        assert "<ul>" in english


def test_before_you_write_is_none_without_the_section(no_sections: None) -> None:
    assert before_you_write("en") is None


def test_the_partial_shows_the_summary_and_links_to_the_guidelines(
    app: Flask, seeded: list[dict[str, Any]]
) -> None:
    with app.test_request_context("/"):
        html = render_template_string(
            '{% include "guidelines/_before_you_write.html" %}',
            before_you_write=before_you_write("ru"),
        )
    assert "<li><strong>Пишите коротко и тепло.</strong>" in html
    assert 'href="/guidelines"' in html


# --- coordinators -----------------------------------------------------------------------------


def coordinator_urls(app: Flask) -> list[tuple[str, str]]:
    edit = f"/manage/guidelines/{section_id(app, 'first-letter', 'en')}/edit"
    return [
        ("GET", "/manage/guidelines"),
        ("GET", "/manage/guidelines/new"),
        ("POST", "/manage/guidelines/new"),
        ("GET", edit),
        ("POST", edit),
    ]


def test_coordinator_pages_send_anonymous_visitors_to_login(
    app: Flask, client: FlaskClient, seeded: list[dict[str, Any]]
) -> None:
    # Without CSRF, a refused POST proves the role gate, not the token check.
    app.config["WTF_CSRF_ENABLED"] = False
    before = count_sections(app)
    for method, url in coordinator_urls(app):
        response = client.open(url, method=method, data={"title": "x", "body": "x"})
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)
    assert count_sections(app) == before
    section = stored(app, "first-letter", "en")
    assert section is not None
    assert section.title == "Your first letter"


def test_coordinator_sees_every_section_per_language(
    app: Flask, client: FlaskClient, auth: AuthActions, seeded: list[dict[str, Any]]
) -> None:
    auth.create_and_login()
    html = client.get("/manage/guidelines").get_data(as_text=True)
    for row in seeded:
        assert escaped(row["title"]) in html
        edit = f'href="/manage/guidelines/{section_id(app, row["slug"], row["language"])}/edit"'
        assert edit in html


def test_edit_saves_title_body_and_position(
    app: Flask, client: FlaskClient, auth: AuthActions, seeded: list[dict[str, Any]]
) -> None:
    auth.create_and_login()
    url = f"/manage/guidelines/{section_id(app, 'first-letter', 'en')}/edit"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "title": "Your very first letter",
            "body": "Say hello.\r\n\r\n- Keep it short.",
            "position": "25",
        },
    )
    assert response.status_code == 302
    section = stored(app, "first-letter", "en")
    assert section is not None
    assert (section.title, section.body, section.position) == (
        "Your very first letter",
        "Say hello.\n\n- Keep it short.",
        25,
    )
    page = client.get(url).get_data(as_text=True)
    assert "<li>Keep it short.</li>" in page  # the preview of what visitors now see
    public = client.get("/guidelines?lang=en").get_data(as_text=True)
    assert "Your very first letter" in public


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
    ],
)
def test_markup_typed_by_a_coordinator_is_inert_on_every_page(
    app: Flask, client: FlaskClient, auth: AuthActions, seeded: list[dict[str, Any]], payload: str
) -> None:
    auth.create_and_login()
    url = f"/manage/guidelines/{section_id(app, 'never-write', 'en')}/edit"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "title": payload,
            "body": f"Before\n\n{payload}\n\nAfter",
            "position": "30",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    edit_page = response.get_data(as_text=True)
    assert executable_markup(edit_page) == []
    public = client.get("/guidelines?lang=en").get_data(as_text=True)
    assert "<p>After</p>" in public
    assert executable_markup(public) == []
    summary = client.get("/manage/guidelines").get_data(as_text=True)
    assert executable_markup(summary) == []


def test_edit_without_csrf_token_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, seeded: list[dict[str, Any]]
) -> None:
    auth.create_and_login()
    url = f"/manage/guidelines/{section_id(app, 'first-letter', 'en')}/edit"
    response = client.post(url, data={"title": "Changed", "body": "Changed", "position": "1"})
    assert response.status_code == 400
    section = stored(app, "first-letter", "en")
    assert section is not None
    assert section.title == "Your first letter"
    assert section.position == 20


def test_create_without_csrf_token_is_refused_and_adds_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, seeded: list[dict[str, Any]]
) -> None:
    auth.create_and_login()
    before = count_sections(app)
    response = client.post(
        "/manage/guidelines/new",
        data={"slug": "country-fr", "language": "en", "title": "France", "body": "Hi"},
    )
    assert response.status_code == 400
    assert count_sections(app) == before


def new_section_data(client: FlaskClient, **fields: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf_token(client, "/manage/guidelines/new"),
        "slug": "country-fr",
        "language": "en",
        "title": "France",
        "country_code": "FR",
        "body": "Write in **French** if you can.",
        "position": "150",
    }
    data.update(fields)
    return data


def test_coordinator_adds_a_section(
    app: Flask, client: FlaskClient, auth: AuthActions, seeded: list[dict[str, Any]]
) -> None:
    auth.create_and_login()
    response = client.post("/manage/guidelines/new", data=new_section_data(client))
    assert response.status_code == 302
    section = stored(app, "country-fr", "en")
    assert section is not None
    assert (section.title, section.country_code, section.position) == ("France", "FR", 150)
    assert response.headers["Location"] == f"/manage/guidelines/{section.id}/edit"
    public = client.get("/guidelines?lang=en").get_data(as_text=True)
    assert '<section class="guideline" id="country-fr"' in public
    assert '<li><a href="#country-fr">France</a></li>' in public


def test_a_translation_shares_the_slug(
    app: Flask, client: FlaskClient, auth: AuthActions, seeded: list[dict[str, Any]]
) -> None:
    auth.create_and_login()
    client.post("/manage/guidelines/new", data=new_section_data(client))
    response = client.post(
        "/manage/guidelines/new",
        data=new_section_data(client, language="ru", title="Франция", body="Пишите по-французски."),
    )
    assert response.status_code == 302
    assert stored(app, "country-fr", "ru") is not None
    html = client.get("/guidelines?lang=ru").get_data(as_text=True)
    assert '<section class="guideline" id="country-fr" lang="ru"' in html


@pytest.mark.parametrize(
    "slug",
    [
        "Country-FR",
        "country fr",
        "country_fr",
        "-country",
        "country-",
        "country--fr",
        "страна",
        "country/fr",
        '"><script>',
    ],
)
def test_a_slug_must_be_lowercase_letters_digits_and_hyphens(
    app: Flask, client: FlaskClient, auth: AuthActions, seeded: list[dict[str, Any]], slug: str
) -> None:
    auth.create_and_login()
    before = count_sections(app)
    response = client.post("/manage/guidelines/new", data=new_section_data(client, slug=slug))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Use lowercase letters (a–z), digits and single hyphens only" in html
    assert count_sections(app) == before


def test_a_slug_already_used_in_that_language_is_refused(
    app: Flask, client: FlaskClient, auth: AuthActions, seeded: list[dict[str, Any]]
) -> None:
    auth.create_and_login()
    before = count_sections(app)
    response = client.post(
        "/manage/guidelines/new", data=new_section_data(client, slug="first-letter")
    )
    assert response.status_code == 200
    assert "already a section with this slug in this language" in response.get_data(as_text=True)
    assert count_sections(app) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": "x" * 20_001}, "Too long: 20001 characters, at most 20000."),
        ({"title": "x" * 201}, "Too long: 201 characters, at most 200."),
        ({"slug": "x" * 61}, "Too long: 61 characters, at most 60."),
        ({"title": ""}, "Title is required."),
        ({"body": "   "}, "Text is required."),
        ({"language": "de"}, "Not a valid choice"),
        ({"country_code": "XX"}, "Not a valid choice"),
        ({"position": "-1"}, "A number from 0 to 10000."),
    ],
)
def test_new_section_fields_have_clear_errors(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    seeded: list[dict[str, Any]],
    fields: dict[str, str],
    message: str,
) -> None:
    auth.create_and_login()
    before = count_sections(app)
    response = client.post("/manage/guidelines/new", data=new_section_data(client, **fields))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert count_sections(app) == before


def test_a_body_of_exactly_twenty_thousand_characters_is_saved(
    app: Flask, client: FlaskClient, auth: AuthActions, seeded: list[dict[str, Any]]
) -> None:
    auth.create_and_login()
    url = f"/manage/guidelines/{section_id(app, 'safety', 'ru')}/edit"
    body = "а" * 20_000
    response = client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "title": "T", "body": body, "position": "5"},
    )
    assert response.status_code == 302
    section = stored(app, "safety", "ru")
    assert section is not None
    assert section.body == body


# --- the seed migration -----------------------------------------------------------------------


def test_the_seed_migration_downgrades_cleanly_and_upgrades_again(bare_app: Flask) -> None:
    """Upgrade, downgrade to before the seed (no seeded rows; a coordinator's own section stays),
    and upgrade again: the rows are back. On a database of its own: the shared one stays at
    head. (Each migration step first ends the session's transaction: on SQLite it holds the
    write lock that Alembic's connection needs.)"""
    with bare_app.app_context():
        upgrade()
        assert count_sections(bare_app) == len(SEED_ROWS)

        db.session.add(
            GuidelineSection(slug="evening", language="en", title="Our evenings", body="Hi")
        )
        db.session.commit()
        db.session.remove()
        downgrade(revision=BEFORE_SEED)
        slugs = db.session.scalars(select(GuidelineSection.slug)).all()
        assert slugs == ["evening"]

        db.session.remove()
        upgrade()
        rows = db.session.execute(select(GuidelineSection.slug, GuidelineSection.language)).all()
        assert {tuple(row) for row in rows} == {
            (row["slug"], row["language"]) for row in SEED_ROWS
        } | {("evening", "en")}


def test_the_check_for_executable_markup_catches_it() -> None:
    assert executable_markup("<script>alert(1)</script>")
    assert executable_markup("<p><img src=x onerror=alert(1)></p>")
    assert executable_markup('<a href=" JavaScript:alert(1)">x</a>')
    assert executable_markup('<b onmouseover="alert(1)">x</b>')
    assert executable_markup('<script src="/static/print.js"></script>') == []
    assert executable_markup("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == []
    assert executable_markup('<input value="&lt;img src=x onerror=alert(1)&gt;">') == []
