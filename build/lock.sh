#!/usr/bin/env bash
# Re-resolve settings.ini's requirements (with dev extras) in a scratch venv and pin them all in build/requirements.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --upgrade pip
"$tmp/venv/bin/python" -m pip install --quiet -e ".[dev]"
{ echo "# Fully pinned environment for insight_project ($("$PYTHON" -V 2>&1), $(uname -m)). Refresh: make lock"
  "$tmp/venv/bin/python" -m pip freeze --exclude-editable | grep -v '^insight.project' ; } > build/requirements.lock.tmp
mv build/requirements.lock.tmp build/requirements.lock
echo "build/lock.sh: wrote build/requirements.lock ($(grep -vc '^#' build/requirements.lock) packages)"
