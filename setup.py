"""The package list, which pyproject.toml cannot express on its own.

``[tool.setuptools.packages.find]`` only finds directories under ``letters/``, while the
top-level templates/, static/ and migrations/ directories are installed inside the package,
as letters.templates, letters.static and letters.migrations: ``package-dir`` and
``package-data`` in pyproject.toml say where they come from and which files they carry, and
setuptools wants them, and their subdirectories, named among the packages. Everything else is
in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

# Data directories count as packages too (setuptools warns about any left out).
SKIP = ["__pycache__", "*.__pycache__"]
# Every letters package, so one added later is picked up without editing this file.
packages = find_namespace_packages(include=["letters", "letters.*"], exclude=SKIP)
for resource in ("templates", "static", "migrations"):
    below = find_namespace_packages(where=resource, exclude=SKIP)
    packages += [f"letters.{resource}"] + [f"letters.{resource}.{name}" for name in below]

setup(packages=packages)
