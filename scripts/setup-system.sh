#!/usr/bin/env bash
# System packages the tests need beyond the Rust toolchain. Idempotent.
# - Xvfb smoke test of the desktop app: xvfb, mesa GL/EGL (software GL),
#   x11-utils (xdpyinfo, xwininfo), imagemagick (import, identify, convert),
#   libxkbcommon-x11-0 (winit's X11 keyboard).
set -euo pipefail
PKGS=(
    xvfb
    x11-utils
    imagemagick
    libgl1-mesa-dri
    libegl1
    libegl-mesa0
    libglx-mesa0
    libxkbcommon-x11-0
    libxcursor1
    libxrandr2
    libxi6
)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi
