"""``/healthz`` for load balancers: ok only when the database answers at the newest migration,
and never any data."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade

from letters import create_app
from letters.extensions import db
from letters.health import newest_migrations


def test_a_migrated_database_is_healthy(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    # Polled every few seconds by machines: no session, nothing cached on the way.
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_schema_behind_the_code_is_unhealthy(bare_app: Flask) -> None:
    # A deploy whose migrations did not run: a balancer must not send it visitors.
    with bare_app.app_context():
        upgrade()
        downgrade(revision="-1")
    response = bare_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "problem": "migrations not at head"}
    with bare_app.app_context():
        upgrade()
    assert bare_app.test_client().get("/healthz").status_code == 200


def test_an_unreachable_database_is_unhealthy_and_says_nothing_of_it(app: Flask) -> None:
    secret = "s3cret-pa55word"
    down = create_app(
        {
            **{key: app.config[key] for key in ("TESTING", "SECRET_KEY")},
            # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://letters:{secret}@127.0.0.1:9/x",
            "AUTO_MIGRATE": False,
        }
    )
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "problem": "database unreachable"}
    assert secret not in response.get_data(as_text=True)
    with down.app_context():
        db.engine.dispose()


def test_the_newest_migration_is_the_one_the_code_carries() -> None:
    assert len(newest_migrations()) == 1
