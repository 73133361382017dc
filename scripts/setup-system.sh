#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (Xvfb for the real-window
# smoke test, Mesa's software GL for eframe, ImageMagick to take and inspect
# the screenshot, desktop-file-utils/appstream for the package checks).
# Idempotent: does nothing when everything is already there, so the test
# command stays fast on a warm machine.
set -euo pipefail

packages=(
  xvfb xauth
  libgl1 libgl1-mesa-dri libegl1 libegl-mesa0
  libxkbcommon0 libxkbcommon-x11-0 libxcursor1 libxi6 libxrandr2 libwayland-client0
  imagemagick x11-utils
  desktop-file-utils appstream
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-system: missing packages: ${missing[*]}" >&2
  echo "setup-system: run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "setup-system: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
