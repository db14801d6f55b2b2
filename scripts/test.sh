#!/usr/bin/env bash
# Install everything the tests need and run the whole suite (slow and browser tests included), with the linters.
set -euo pipefail
cd "$(dirname "$0")/.."
FORMCHECK_EXTRAS=test,dev bash scripts/setup_env.sh
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== pytest (all tests, slow and browser ones included)"
.venv/bin/python -m pytest -m "" "$@"
