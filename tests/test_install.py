"""The README's first command on a fresh database: the server migrates by itself, announces a
set-up link on the console, and serves pages; CLI commands migrate too."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from letters import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LETTERS_", "FLASK_"))}
    env.pop("SECRET_KEY", None)
    env.update({"DATABASE_URL": f"sqlite:///{database}", **extra})
    return env


def _tables(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        return {row[0] for row in rows}


def test_flask_run_migrates_announces_the_setup_link_and_serves(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)],
        cwd=ROOT,
        env=_env(database),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        link = None
        deadline = time.monotonic() + 30
        assert server.stderr is not None
        while link is None and time.monotonic() < deadline:
            line = server.stderr.readline()
            if not line and server.poll() is not None:
                pytest.fail(f"the server exited with {server.returncode}")
            match = re.search(r"http://\S+/setup/\S+", line)
            if match:
                link = match.group(0)
        assert link, "no set-up link was printed"
        assert f":{port}/setup/" in link
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/prisoners") as response:  # noqa: S310
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the server never answered")
        with urllib.request.urlopen(link) as response:  # noqa: S310
            assert response.status == 200
            assert 'name="password"' in response.read().decode()
        assert {"prisoners", "facilities", "users", "alembic_version"} <= _tables(database)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr:
            server.stderr.close()


def test_cli_commands_migrate_by_themselves(tmp_path: Path) -> None:
    database = tmp_path / "cli.db"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "flask", "--app", "app", "prisoners", "export"],
        cwd=ROOT,
        env=_env(database, LETTERS_SECRET_KEY="x" * 40),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("family_name,given_names,patronymic")
    assert "prisoners" in _tables(database)


def test_auto_migrate_can_be_turned_off(tmp_path: Path) -> None:
    database = tmp_path / "manual.db"
    env = _env(database, LETTERS_SECRET_KEY="x" * 40, LETTERS_AUTO_MIGRATE="0")
    command = [sys.executable, "-m", "flask", "--app", "app", "db", "current"]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=60, check=True)  # noqa: S603
    assert "prisoners" not in _tables(database)
    upgrade = [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"]
    subprocess.run(upgrade, cwd=ROOT, env=env, capture_output=True, timeout=60, check=True)  # noqa: S603
    assert "prisoners" in _tables(database)


def test_development_secret_key_is_generated_once_into_instance(tmp_path: Path) -> None:
    from letters.config import _development_key

    first = _development_key(tmp_path / "instance")
    second = _development_key(tmp_path / "instance")
    key_file = tmp_path / "instance" / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 64
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
