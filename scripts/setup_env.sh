#!/usr/bin/env bash
# Shared set-up for scripts/test.sh and scripts/app.sh: system packages (when root), a virtual environment in
# .venv, and formcheck installed into it in editable mode. Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# System libraries: OpenCV's desktop build (pulled in by mediapipe) needs libGL and glib; the browser test needs
# Debian's chromium (Playwright's own browser download cannot work offline); fonts for the PDF and screenshots.
APT_PACKAGES=(libgl1 libglib2.0-0 libegl1 chromium fonts-dejavu-core)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "== please install these system packages first (as root): sudo apt-get install ${missing[*]}" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
echo "== installing formcheck${FORMCHECK_EXTRAS:+[$FORMCHECK_EXTRAS]}"
.venv/bin/python -m pip install --quiet -e ".${FORMCHECK_EXTRAS:+[$FORMCHECK_EXTRAS]}"
