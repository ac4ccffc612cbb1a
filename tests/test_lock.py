"""The locks in requirements/ still satisfy pyproject.toml.

app.txt locks the [project] dependencies; postgres.txt adds the postgres extra, server.txt the
server extra, test.txt the test extra and dev.txt the dev extra. Every requirement must be
pinned (``==``, with sha256 hashes) at a version inside pyproject's range, what the installed
packages of those versions require must be pinned as well, and a package has one version in
all the locks. Regenerate with ``bash requirements/lock.sh`` when this fails.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

#: Each lock and the extras of pyproject.toml it covers, besides [project] dependencies.
LOCKS = {
    "app.txt": [],
    "postgres.txt": ["postgres"],
    "server.txt": ["postgres", "server"],
    "test.txt": ["postgres", "server", "test"],
    "dev.txt": ["postgres", "server", "test", "dev"],
}


class Pin:
    def __init__(self, line: str) -> None:
        text, *options = line.split(" --")
        self.requirement = Requirement(text)
        self.hashes = [o[len("hash=sha256:") :] for o in options if o.startswith("hash=sha256:")]
        specifiers = list(self.requirement.specifier)
        self.version = (
            Version(specifiers[0].version)
            if len(specifiers) == 1 and specifiers[0].operator == "=="
            else None
        )


def parse_lock(path: Path) -> dict[NormalizedName, Pin]:
    """pip-compile output: requirement lines continued with ``\\``, comments, pip options."""
    joined = path.read_text().replace("\\\n", " ")
    pins: dict[NormalizedName, Pin] = {}
    for raw in joined.splitlines():
        line = " ".join(raw.split("#", 1)[0].split())
        if not line or line.startswith("-"):
            continue
        pin = Pin(line)
        name = canonicalize_name(pin.requirement.name)
        assert name not in pins, f"{path.name}: {name} is pinned twice"
        pins[name] = pin
    return pins


def wanted(extras: Iterable[str]) -> list[Requirement]:
    """pyproject's requirements for a lock whose markers hold here."""
    lines = list(PYPROJECT["dependencies"])
    for extra in extras:
        lines += PYPROJECT["optional-dependencies"][extra]
    requirements = [Requirement(line) for line in lines]
    return [r for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""})]


def test_every_lock_is_compiled_from_pyproject_extras() -> None:
    assert set(PYPROJECT["optional-dependencies"]) == {"postgres", "server", "test", "dev"}
    assert sorted(path.name for path in REQUIREMENTS.glob("*.txt")) == sorted(LOCKS)


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_lock_pins_every_requirement_within_its_range(lock: str, extras: list[str]) -> None:
    pins = parse_lock(REQUIREMENTS / lock)
    problems = []
    for requirement in wanted(extras):
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement} is not in the lock")
        elif pin.version is None:
            problems.append(f"{requirement}: locked as {pin.requirement}, not with ==")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            problems.append(f"{requirement}: the lock has {pin.version}")
    assert not problems, f"{lock} no longer satisfies pyproject.toml: {problems}"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_is_exact_and_hashed(lock: str) -> None:
    pins = parse_lock(REQUIREMENTS / lock)
    assert pins
    assert not [name for name, pin in pins.items() if pin.version is None]
    assert not [name for name, pin in pins.items() if not pin.hashes]


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_what_locked_packages_require_is_locked_too(lock: str, extras: list[str]) -> None:
    """Walks the requirements through the installed packages' metadata, where the installed
    version is the locked one (the environment installed from another lock skips the rest)."""
    pins = parse_lock(REQUIREMENTS / lock)
    missing: list[str] = []
    seen: set[tuple[NormalizedName, frozenset[str]]] = set()
    todo = [(requirement, "pyproject.toml") for requirement in wanted(extras)]
    while todo:
        requirement, parent = todo.pop()
        name = canonicalize_name(requirement.name)
        if name not in pins:
            missing.append(f"{requirement} (for {parent})")
            continue
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if Version(distribution.version) != pins[name].version:
            continue
        environments = [{"extra": extra} for extra in ["", *requirement.extras]]
        for line in distribution.requires or []:
            child = Requirement(line)
            if child.marker is None or any(child.marker.evaluate(e) for e in environments):
                todo.append((child, name))
    assert not missing, f"{lock} lacks what its packages require: {sorted(set(missing))}"


def test_the_locks_agree_on_versions() -> None:
    locks = {lock: parse_lock(REQUIREMENTS / lock) for lock in LOCKS}
    versions: dict[NormalizedName, dict[str, Version | None]] = {}
    for lock, pins in locks.items():
        for name, pin in pins.items():
            versions.setdefault(name, {})[lock] = pin.version
    disagree = {name: v for name, v in versions.items() if len(set(v.values())) > 1}
    assert not disagree, f"one package, different versions: {disagree}"
    # Each layer is compiled on top of the one below: it keeps every package of it.
    layers = [set(locks[lock]) for lock in LOCKS]
    assert all(lower <= upper for lower, upper in zip(layers, layers[1:], strict=False))
