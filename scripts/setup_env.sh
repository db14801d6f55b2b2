#!/usr/bin/env bash
# Shared set-up for scripts/test.sh and scripts/app.sh: system packages (when root), a virtual environment in
# .venv, and formcheck installed into it in editable mode. Safe to run again: it only adds what is missing.
#
# pip runs only when .venv is new, pyproject.toml changed since the last install, or an extra is asked for that
# was not installed yet (.venv/.formcheck-installed records the pyproject.toml hash and the extras): every later
# start needs no network. FORMCHECK_EXTRAS: comma-separated extras to install as well.
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

STAMP=.venv/.formcheck-installed
pyproject_hash=$(sha256sum pyproject.toml | cut -d' ' -f1)
wanted=$(tr ',' '\n' <<<"${FORMCHECK_EXTRAS:-}" | sed '/^$/d' | sort -u)
installed=""
if [ -f "$STAMP" ] && [ "$(head -n1 "$STAMP")" = "$pyproject_hash" ]; then
  installed=$(tail -n +2 "$STAMP")
  if [ -z "$(comm -23 <(echo "$wanted") <(echo "$installed") | sed '/^$/d')" ]; then
    echo "== formcheck is installed (pyproject.toml unchanged): nothing to download"
    exit 0
  fi
fi
extras=$(printf '%s\n%s\n' "$wanted" "$installed" | sed '/^$/d' | sort -u | paste -sd, -)
.venv/bin/python -m pip install --quiet --upgrade pip
echo "== installing formcheck${extras:+[$extras]}"
.venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
printf '%s\n%s\n' "$pyproject_hash" "$(tr ',' '\n' <<<"$extras")" | sed '/^$/d' >"$STAMP"
