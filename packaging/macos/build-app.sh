#!/usr/bin/env bash
# Builds orgscope.app on macOS (not runnable on the project's Linux CI).
# Needs: Xcode command line tools (iconutil), a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked
gen=$(mktemp -d)
target/release/orgscope package-files --out "$gen"
app=target/orgscope.app
rm -rf "$app" && mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
cp target/release/orgscope "$app/Contents/MacOS/orgscope"
cp packaging/macos/Info.plist "$app/Contents/Info.plist"
iconset="$gen/orgscope.iconset" && mkdir -p "$iconset"
for s in 16 32 128 256; do cp "$gen/icons/hicolor/${s}x${s}/apps/orgscope.png" "$iconset/icon_${s}x${s}.png"; done
iconutil -c icns "$iconset" -o "$app/Contents/Resources/orgscope.icns"
echo "$app"
