#!/bin/sh
# Install the AWS emulator the integration tests use (moto in server mode)
# into <repo>/.venv, pinned by scripts/requirements-test.txt, from PyPI.
#
# Idempotent: when .venv already holds exactly these requirements (a stamp
# with the requirements' checksum) it returns at once. Delete .venv to
# force a rebuild. Needs python3 (3.9+) with the venv module.
set -eu

repo=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
venv="$repo/.venv"
req="$repo/scripts/requirements-test.txt"
stamp="$venv/.orgscope-requirements.sha256"

want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -x "$venv/bin/moto_server" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "setup-moto: $venv is up to date"
    exit 0
fi

python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
    echo "setup-moto: $python not found; install Python 3 with venv (e.g. apt-get install python3-venv)" >&2
    exit 1
fi

echo "setup-moto: installing moto into $venv"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
"$venv/bin/moto_server" --help >/dev/null
printf '%s\n' "$want" > "$stamp"
echo "setup-moto: ready ($("$venv/bin/python" -m pip show moto | sed -n 's/^Version: /moto /p'))"
