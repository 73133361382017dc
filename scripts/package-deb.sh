#!/usr/bin/env bash
# Builds the Debian package from an already built binary:
#   scripts/package-deb.sh [BINARY] [OUT_DIR]
# BINARY defaults to target/release/orgscope (build it first with
# `cargo build --release --locked`: LTO, one codegen unit, stripped). CI
# passes the debug binary it has already built, to keep CI to one build;
# the package layout is the same either way.
#
# The layout: /usr/bin/orgscope, the .desktop entry, AppStream metainfo,
# the MIME type for snapshot files, hicolor icons at every standard size
# (rendered from assets/orgscope.svg by the binary itself), bash/zsh/fish
# completions and man pages (generated from the clap definition).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-target/release/orgscope}
out=${2:-target/debian}
[ -x "$bin" ] || { echo "package-deb: $bin not found; run: cargo build --release --locked" >&2; exit 1; }

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
gen="$stage/gen"

"$bin" package-files --out "$gen"

root="$stage/root"
install -Dm755 "$bin" "$root/usr/bin/orgscope"
install -Dm644 packaging/linux/orgscope.desktop "$root/usr/share/applications/orgscope.desktop"
install -Dm644 packaging/linux/dev.orgscope.orgscope.metainfo.xml "$root/usr/share/metainfo/dev.orgscope.orgscope.metainfo.xml"
install -Dm644 packaging/linux/orgscope-mime.xml "$root/usr/share/mime/packages/orgscope.xml"
(cd "$gen/icons" && find . -type f) | while read -r f; do
  install -Dm644 "$gen/icons/$f" "$root/usr/share/icons/$f"
done
install -Dm644 "$gen/completions/orgscope" "$root/usr/share/bash-completion/completions/orgscope"
install -Dm644 "$gen/completions/_orgscope" "$root/usr/share/zsh/vendor-completions/_orgscope"
install -Dm644 "$gen/completions/orgscope.fish" "$root/usr/share/fish/vendor_completions.d/orgscope.fish"
for m in "$gen"/man1/*.1; do
  install -Dm644 "$m" "$root/usr/share/man/man1/$(basename "$m")"
  gzip -9n "$root/usr/share/man/man1/$(basename "$m")"
done
install -Dm644 LICENSE-MIT "$root/usr/share/doc/orgscope/copyright"

size=$(du -sk "$root" | cut -f1)
mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CONTROL
Package: orgscope
Version: $version
Architecture: $arch
Maintainer: The orgscope developers <orgscope@example.invalid>
Installed-Size: $size
Depends: libc6, libgcc-s1, libgl1, libegl1, libxkbcommon-x11-0, libxcursor1, libxi6, libxrandr2
Recommends: xdg-desktop-portal
Section: devel
Priority: optional
Homepage: https://example.invalid/orgscope
Description: explore an AWS Organizations estate in one place
 orgscope signs in once, walks the AWS Organizations tree, assumes a
 read-only role into each member account and collects its network and
 compute inventory across accounts and regions: instances, VPCs, gateways,
 routes, peerings, Transit Gateways, load balancers. Explore the org tree,
 filter by tags, see what is reachable from the internet, diff prod and
 test side by side, and export org, network and connectivity diagrams to
 SVG, PNG and draw.io, from the desktop app or headless from the command
 line.
CONTROL

mkdir -p "$out"
deb="$out/orgscope_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
