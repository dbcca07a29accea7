#!/usr/bin/env bash
# Create (or update) the project's standalone environment in .venv.
#   bash build/setup.sh            # idempotent: does nothing when .venv matches the lock
# Environment: PYTHON picks the interpreter (default: python3); VENV the folder (default: .venv).
# Refresh the lock after changing settings.ini requirements:  make lock
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
LOCK=build/requirements.lock

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "build/setup.sh: no '$PYTHON' on PATH; install Python 3.10 or newer, or set PYTHON=/path/to/python3" >&2; exit 2
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "build/setup.sh: $("$PYTHON" -V 2>&1) is too old; insight_project needs Python 3.10 or newer (set PYTHON=/path/to/python3.11)" >&2; exit 2
fi

stamp="$VENV/.insight-stamp"
want="$(cat "$LOCK" settings.ini setup.py | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/python" ]; then
  echo "build/setup.sh: $VENV is up to date"; exit 0
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
echo "build/setup.sh: installing the pinned environment from $LOCK into $VENV ..."
"$VENV/bin/python" -m pip install --quiet -r "$LOCK"
"$VENV/bin/python" -m pip install --quiet --no-deps -e ".[dev]"
"$VENV/bin/python" -m ipykernel install --prefix "$VENV" --name python3 >/dev/null 2>&1 || true
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # nbdev's hooks: notebooks cleaned when Jupyter saves them, merge conflicts in notebooks resolved by nbdev_merge
  if "$VENV/bin/nbdev_install_hooks" >/dev/null 2>&1; then
    # git runs hooks and merge drivers from the top of the work tree, often without the venv on PATH: name the venv's tools
    sed -i 's|driver = nbdev_merge |driver = .venv/bin/nbdev_merge |' .gitconfig
    hooks="$(git rev-parse --git-path hooks)"
    [ -f "$hooks/post-merge" ] && printf '#!/bin/bash\n"%s/bin/nbdev_trust" || true\n' "$(pwd)/$VENV" > "$hooks/post-merge"
  else
    echo "build/setup.sh: nbdev's git hooks were not installed; run $VENV/bin/nbdev_install_hooks" >&2
  fi
fi
echo "$want" > "$stamp"
echo "build/setup.sh: ready; activate with: source $VENV/bin/activate"
