#!/usr/bin/env bash
# Regenerate the locks from pyproject.toml's ranges: bash requirements/lock.sh
# Each layer is compiled against the one below it, so a package has one version in all four:
# app (SQLite) < postgres (+ psycopg) < server (+ gunicorn, redis) < test (+ the suite's tools)
# < dev (+ lint, types, this).
set -euo pipefail
cd "$(dirname "$0")/.."
compile() { python3 -m piptools compile --quiet --generate-hashes --allow-unsafe --strip-extras \
  --no-emit-index-url --no-emit-find-links --upgrade "$@" pyproject.toml; }
compile --output-file=requirements/app.txt
compile --extra=postgres --constraint=requirements/app.txt --output-file=requirements/postgres.txt
compile --extra=postgres --extra=server --constraint=requirements/postgres.txt \
  --output-file=requirements/server.txt
compile --extra=postgres --extra=server --extra=test --constraint=requirements/server.txt \
  --output-file=requirements/test.txt
compile --extra=postgres --extra=server --extra=test --extra=dev \
  --constraint=requirements/test.txt --output-file=requirements/dev.txt
