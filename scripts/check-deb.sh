#!/usr/bin/env bash
# Installs a built orgscope .deb on this machine and checks that what it put
# there is right: the binary runs, the desktop entry and AppStream metadata
# validate, the man page and completions are in place, the icons exist.
#   scripts/check-deb.sh path/to/orgscope_*.deb
set -euo pipefail
deb=$1
fail() { echo "check-deb: $*" >&2; exit 1; }

dpkg -i "$deb" >/dev/null
installed=$(dpkg-query -W -f='${Version}' orgscope)
want=$(dpkg-deb -f "$deb" Version)
[ "$installed" = "$want" ] || fail "installed version $installed, expected $want"

out=$(/usr/bin/orgscope --version)
[ "$out" = "orgscope $want" ] || fail "orgscope --version printed '$out'"

desktop-file-validate /usr/share/applications/orgscope.desktop
appstreamcli validate --no-net /usr/share/metainfo/dev.orgscope.orgscope.metainfo.xml >/dev/null

man=/usr/share/man/man1/orgscope.1.gz
[ -f "$man" ] || fail "man page missing"
zcat "$man" | grep -q '^\.TH orgscope 1' || fail "man page has no .TH header"
# roff escapes hyphens (\-\-role\-name); compare with the escapes removed.
zcat /usr/share/man/man1/orgscope-collect.1.gz | sed 's/\\-/-/g' | grep -q -- '--role-name' || fail "collect man page lacks --role-name"

for s in 16 32 48 64 128 256; do
  [ -s "/usr/share/icons/hicolor/${s}x${s}/apps/orgscope.png" ] || fail "icon ${s}x${s} missing"
done
[ -s /usr/share/bash-completion/completions/orgscope ] || fail "bash completion missing"
[ -s /usr/share/zsh/vendor-completions/_orgscope ] || fail "zsh completion missing"
[ -s /usr/share/fish/vendor_completions.d/orgscope.fish ] || fail "fish completion missing"
echo "check-deb: $deb installs and validates (orgscope $want)" >&2
