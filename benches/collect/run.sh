#!/usr/bin/env bash
# One command for the whole collection benchmark from a fresh clone:
# installs the pinned Python peers into the project venv .venv, then hands
# over to run.py (which builds, seeds moto, records, replays and measures).
# Flags are run.py's: benches/collect/run.sh --help
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/benches/collect/requirements.txt"
exec "$venv/bin/python" "$root/benches/collect/run.py" "$@"
