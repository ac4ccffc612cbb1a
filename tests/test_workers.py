"""Several gunicorn workers, one truth (issue 14, item 4): gunicorn with deploy/gunicorn.conf.py
and four workers on an empty database of the suite's kind migrates it, and the workers count
"I sent it" in one shared Redis store, so 300 presses from one address yield exactly the limit:
60 accepted, 60 rows. With each worker counting in its own memory, 237 got through."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from letters.extensions import db
from letters.models import Facility, LetterSent, Prisoner

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
REDIS = ("127.0.0.1", 6379)
WORKERS = 4
PRESSES = 300
LIMIT = 60


def redis_reachable() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this run's own in Redis, its keys deleted afterwards."""
    if not redis_reachable():
        pytest.skip(f"no Redis server at {REDIS[0]}:{REDIS[1]} (.ci/run starts one)")
    import redis

    prefix = f"letters-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    client = redis.Redis(host=REDIS[0], port=REDIS[1])
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def server(bare_app: Flask, redis_prefix: str, tmp_path: Path) -> Iterator[str]:
    """gunicorn as deployed, four sync workers, on ``bare_app``'s empty database."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": bare_app.config["SQLALCHEMY_DATABASE_URI"],
        "LETTERS_SECRET_KEY": "test-only-secret-key-0123456789abcdef0123",
        "LETTERS_AUTO_MIGRATE": "true",
        "LETTERS_RATELIMIT_STORAGE_URI": f"redis://{REDIS[0]}:{REDIS[1]}/0",
        "LETTERS_RATELIMIT_KEY_PREFIX": redis_prefix,
    }
    log = tmp_path / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        f"--config={DEPLOY / 'gunicorn.conf.py'}",  # the production settings, as deployed
        f"--workers={WORKERS}",
        f"--bind=127.0.0.1:{port}",
        "letters:create_app()",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, module and app
            command, env=env, cwd=tmp_path, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=10)  # noqa: S310 - loopback
                break
            except (urllib.error.URLError, OSError):  # not listening yet, or still migrating
                assert process.poll() is None, log.read_text(errors="replace")
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer within a minute:\n" + log.read_text())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
    failures = re.findall(r"Traceback|Worker failed|Exception", log.read_text(errors="replace"))
    assert failures == [], log.read_text(errors="replace")


def test_four_workers_share_one_limit_and_one_database(server: str, bare_app: Flask) -> None:
    with bare_app.app_context():
        facility = Facility(
            name="ФКУ СИЗО-1 УФСИН России по Пензенской области",
            street_address="ул. Пушкина, д. 1",
            city="Пенза",
            country_area="Пензенская область",
            postal_code="440039",
            country_code="RU",
        )
        prisoner = Prisoner(family_name="Пчелинцев", given_names="Дмитрий", facility=facility)
        db.session.add(prisoner)
        db.session.commit()
        prisoner_id = prisoner.id

    # One visitor's browser: the session cookie and its CSRF token, from the profile page.
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{server}/prisoners/{prisoner_id}").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, page[:500]
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "back": "profile"}).encode()

    def press(_n: int) -> int:
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{server}/prisoners/{prisoner_id}/sent",
            data=body,
            headers={"Cookie": cookie, "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as refused:
            return int(refused.code)

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(pool.map(press, range(PRESSES)))

    assert statuses == {200: LIMIT, 429: PRESSES - LIMIT}
    with bare_app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(LetterSent))
        db.session.remove()
    assert rows == LIMIT
