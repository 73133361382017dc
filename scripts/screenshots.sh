#!/usr/bin/env bash
# Rebuilds every picture in the docs from the demo estate, so they never go
# stale: the main window (a real window under Xvfb) and the exported
# diagrams. Usage: scripts/screenshots.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/orgscope}
[ -x "$bin" ] || cargo build --locked --bin orgscope
scripts/setup-system.sh

mkdir -p docs/screenshots docs/diagrams
scripts/xvfb-smoke.sh "$bin" docs/screenshots/main-window.png

demo=$(mktemp --suffix=.json)
trap 'rm -f "$demo"' EXIT
"$bin" demo --out "$demo"
"$bin" diagram "$demo" --kind org --color-by env --out docs/diagrams/org.png
"$bin" diagram "$demo" --kind org --color-by env --out docs/diagrams/org.svg
"$bin" diagram "$demo" --kind network --filter 'app=payments' --out docs/diagrams/network.png
"$bin" diagram "$demo" --kind access --out docs/diagrams/access.png
echo "screenshots: docs/screenshots/main-window.png docs/diagrams/{org.png,org.svg,network.png,access.png}" >&2
