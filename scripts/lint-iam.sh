#!/usr/bin/env bash
# Lints the IAM documents orgscope ships in docs/iam: the StackSet template
# with cfn-lint (pinned in scripts/requirements-lint.txt, installed into the
# project venv .venv), and the reader policy with a read-only check: every
# action must be a List/Describe/Get call or sts:AssumeRole, so the policy
# can never grant a change. Exit status is non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
req=scripts/requirements-lint.txt
want=$(sed -n 's/^cfn-lint==//p' "$req")

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
have=$("$venv/bin/python" -m pip show cfn-lint 2>/dev/null | sed -n 's/^Version: //p' || true)
if [ "$have" != "$want" ]; then
  echo "lint-iam: installing cfn-lint $want into $venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
fi

"$venv/bin/cfn-lint" --version >&2
"$venv/bin/cfn-lint" docs/iam/*.yaml

"$venv/bin/python" - docs/iam/*.json <<'PY'
import json, re, sys

read_only = re.compile(r"^(ec2|organizations|sts):(Describe|List|Get)[A-Za-z]*$|^sts:AssumeRole$")
bad = []
for path in sys.argv[1:]:
    with open(path) as f:
        doc = json.load(f)
    if doc.get("Version") != "2012-10-17":
        bad.append(f"{path}: Version must be 2012-10-17")
    for st in doc.get("Statement", []):
        if st.get("Effect") != "Allow" or "NotAction" in st:
            bad.append(f"{path}: {st.get('Sid')}: only plain Allow statements expected")
        actions = st.get("Action", [])
        for a in [actions] if isinstance(actions, str) else actions:
            if "*" in a or not read_only.match(a):
                bad.append(f"{path}: {st.get('Sid')}: {a} is not a read-only action")
for b in bad:
    print(b, file=sys.stderr)
if bad:
    sys.exit(1)
print(f"lint-iam: {len(sys.argv) - 1} policy file(s) read-only", file=sys.stderr)
PY
echo "lint-iam: ok" >&2
