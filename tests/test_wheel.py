"""``pip install .`` gives an app that serves: the wheel carries the templates, static files,
migrations, translations and the sample CSV, and the installed app runs without the checkout.

The wheel is built from a copy of the checkout without build isolation (setuptools comes from
the test lock, so no network is needed), installed with ``--no-deps`` into a fresh virtualenv
that borrows this interpreter's site-packages for the dependencies, and run from a directory
outside the checkout. The installed app always uses SQLite, also in the PostgreSQL run of the
suite: what is tested is the package, not the database.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parent.parent

#: Not copied for the build: caches, earlier builds, virtualenvs, local databases.
SKIP = shutil.ignore_patterns(
    ".*", "__pycache__", "*.pyc", "build", "dist", "*.egg-info", "instance", "artifacts"
)


@dataclass
class Installed:
    wheel: Path
    python: Path
    site_packages: Path
    workdir: Path  # outside the checkout


def _run(command: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=180, check=False, **kwargs
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _env(database: Path) -> dict[str, str]:
    """Nothing of the checkout or of the suite's settings reaches the installed app."""
    drop = ("LETTERS_", "FLASK_", "PYTHON", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    for name in ("SECRET_KEY", "DATABASE_URL", "TEST_DATABASE_URL"):
        env.pop(name, None)
    env["DATABASE_URL"] = f"sqlite:///{database}"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)
    dist = tmp / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        + ["--no-index", "--quiet", "--wheel-dir", dist, source]
    )
    (wheel,) = dist.glob("letters-*.whl")

    venv = tmp / "venv"
    # Not --system-site-packages: under a virtualenv (the README's .venv) that would be the
    # base interpreter's, without the dependencies. The site-packages on this interpreter's
    # path are added after the new environment's own (a .pth file), never the checkout.
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site_packages = Path(_run([python, "-c", purelib]).stdout.strip())
    borrowed = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    (site_packages / "_borrowed_dependencies.pth").write_text("\n".join(borrowed) + "\n")
    # --force-reinstall: an editable letters on the borrowed path must not count as installed.
    _run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall"]
        + ["--quiet", wheel]
    )
    workdir = tmp / "elsewhere"
    workdir.mkdir()
    return Installed(wheel, python, site_packages, workdir)


def test_the_wheel_carries_what_the_app_reads_at_run_time(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    expected = {
        "letters/csv_io/sample.csv",
        "letters/translations/ru/LC_MESSAGES/messages.mo",
        "letters/migrations/alembic.ini",
        "letters/migrations/env.py",
        "letters/migrations/script.py.mako",
    }
    for folder in ("templates", "static", "migrations/versions"):
        files = [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix != ".pyc"]
        assert files
        expected |= {f"letters/{p.relative_to(ROOT).as_posix()}" for p in files}
    # Every package, the ones added after the package list was written included.
    expected |= {
        f"letters/{p.relative_to(ROOT / 'letters').as_posix()}"
        for p in (ROOT / "letters").rglob("__init__.py")
    }
    assert not sorted(expected - names)
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_installed_package_is_used_not_the_checkout(installed: Installed) -> None:
    code = (
        "import letters, letters.resources as r\n"
        "print(letters.__file__)\n"
        "for name in ('templates', 'static', 'migrations'): print(r.directory(name))\n"
    )
    result = _run(
        [installed.python, "-c", code],
        cwd=installed.workdir,
        env=_env(installed.workdir / "unused.db"),
    )
    paths = [Path(line) for line in result.stdout.splitlines()]
    package = installed.site_packages / "letters"
    assert paths[0] == package / "__init__.py"
    assert paths[1:] == [package / "templates", package / "static", package / "migrations"]
    assert not paths[0].is_relative_to(ROOT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_the_installed_app_migrates_imports_and_serves_pages_and_pdfs(
    installed: Installed,
) -> None:
    database = installed.workdir / "letters.db"
    env = _env(database)
    sample = installed.site_packages / "letters" / "csv_io" / "sample.csv"
    # The installed CLI migrates the fresh database and imports the sample (with facilities).
    flask = [installed.python, "-m", "flask", "--app", "letters"]
    imported = _run([*flask, "prisoners", "import", sample], cwd=installed.workdir, env=env)
    assert "Prisoners created:" in imported.stdout

    with closing(sqlite3.connect(database)) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        row = connection.execute(
            "SELECT id FROM prisoners WHERE facility_id IS NOT NULL ORDER BY id"
        ).fetchone()
    from letters.extensions import db

    assert set(db.metadata.tables) <= tables
    assert revision == ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    assert row, "the sample gave no prisoner with a facility"
    prisoner_id = row[0]

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [*flask, "run", "--port", str(port)],
        cwd=installed.workdir,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    # Read the server's log all along: a full pipe would stop the server mid-request.
    log: list[str] = []
    announced = threading.Event()

    def read_log() -> None:
        assert server.stderr is not None
        for line in server.stderr:
            log.append(line)
            if re.search(r"http://\S+/setup/\S+", line):
                announced.set()

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    try:
        # The set-up link is announced once the app is built, just before it serves.
        deadline = time.monotonic() + 60
        while not announced.wait(0.2):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no set-up link, exit code {server.poll()}:\n{''.join(log)}")
        for _ in range(100):
            try:
                status, content_type, body = _get(f"{base}/prisoners")
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"the server never answered:\n{''.join(log)}")
        assert status == 200, "".join(log)
        assert content_type.startswith("text/html")
        html = body.decode()
        assert "<title>" in html
        assert "Pchelintsev" in html or "Пчелинцев" in html

        status, content_type, body = _get(f"{base}/static/style.css")
        assert status == 200, "".join(log)
        assert body == (ROOT / "static" / "style.css").read_bytes()

        status, content_type, body = _get(f"{base}/prisoners/{prisoner_id}/envelope.pdf")
        assert status == 200, "".join(log)
        assert content_type == "application/pdf"
        assert body.startswith(b"%PDF")
    finally:
        server.terminate()
        server.wait(timeout=10)
        reader.join(timeout=10)
        if server.stderr:
            server.stderr.close()
