#!/usr/bin/env bash
# Lints the IAM documents orgscope ships in docs/iam: the StackSet template
# with cfn-lint (pinned in scripts/requirements-lint.txt, installed into the
# project venv .venv), and the reader policy with a read-only check: every
# action must be a List/Describe/Get call of a service orgscope reads
# (EC2, Elastic Load Balancing, RDS, the Resource Groups Tagging API, IAM,
# Organizations, STS, Cost Explorer — the last in the caller's policy
# only, with `--cost`) or sts:AssumeRole, so the policy can never grant a
# change. IAM is held tighter still: exactly the three reads the collector
# makes, none of the other Get calls (a credential report, SSH keys, login
# profiles). RDS, Lambda and EKS likewise: exactly the reads the
# collector makes. S3 and DynamoDB too: exactly the settings reads the
# collector makes, never an object's or an item's (s3:GetObject,
# dynamodb:GetItem are Get calls as well). Both documents must also grant the same inventory reads
# (every action but the Organizations and STS ones, which only the caller
# needs): a call added to one and forgotten in the other would fail in
# member accounts only. Exit status is non-zero on any finding.
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

"$venv/bin/python" - docs/iam/orgscope-reader-stackset.yaml docs/iam/*.json <<'PY'
import json, re, sys

read_only = re.compile(
    r"^(ec2|elasticloadbalancing|tag|organizations|sts|ce):(Describe|List|Get)[A-Za-z]*$|^sts:AssumeRole$"
    r"|^iam:(GetAccountAuthorizationDetails|ListAccessKeys|GetAccessKeyLastUsed)$"
    r"|^rds:(DescribeDBInstances|DescribeDBClusters)$"
    r"|^lambda:(ListFunctions|ListTags)$|^eks:(ListClusters|DescribeCluster)$"
    r"|^s3:(ListAllMyBuckets|GetBucketLocation|GetBucketVersioning|GetEncryptionConfiguration"
    r"|GetBucketPublicAccessBlock|GetBucketPolicy|GetBucketTagging)$"
    r"|^dynamodb:(ListTables|DescribeTable|ListTagsOfResource)$"
)
# Inventory reads, made in every collected account with the role the
# StackSet creates.
inventory = re.compile(r"^(ec2|elasticloadbalancing|tag|iam|rds|lambda|eks|s3|dynamodb):")
bad = []
stackset_path, policies = sys.argv[1], sys.argv[2:]
# The template's YAML uses CloudFormation tags (!Ref, !If) a plain YAML
# loader refuses; its actions are one "- service:Action" line each.
with open(stackset_path) as f:
    member = {
        m.group(1)
        for m in re.finditer(r"^\s*-\s+([a-z0-9-]+:[A-Za-z*]+)\s*$", f.read(), re.M)
    }
member_inventory = {a for a in member if inventory.match(a)}
for a in sorted(member - member_inventory):
    if a != "sts:AssumeRole":
        bad.append(f"{stackset_path}: {a} is not an inventory read")
for a in sorted(member_inventory):
    if "*" in a or not read_only.match(a):
        bad.append(f"{stackset_path}: {a} is not a read-only action")
for path in policies:
    with open(path) as f:
        doc = json.load(f)
    caller_inventory = set()
    if doc.get("Version") != "2012-10-17":
        bad.append(f"{path}: Version must be 2012-10-17")
    for st in doc.get("Statement", []):
        if st.get("Effect") != "Allow" or "NotAction" in st:
            bad.append(f"{path}: {st.get('Sid')}: only plain Allow statements expected")
        actions = st.get("Action", [])
        for a in [actions] if isinstance(actions, str) else actions:
            if "*" in a or not read_only.match(a):
                bad.append(f"{path}: {st.get('Sid')}: {a} is not a read-only action")
            caller_inventory.add(a)
    caller_inventory = {a for a in caller_inventory if inventory.match(a)}
    for a in sorted(caller_inventory - member_inventory):
        bad.append(f"{path}: {a} is granted to the caller but not by {stackset_path}")
    for a in sorted(member_inventory - caller_inventory):
        bad.append(f"{path}: {a} is granted by {stackset_path} but not to the caller")
for b in bad:
    print(b, file=sys.stderr)
if bad:
    sys.exit(1)
print(
    f"lint-iam: {len(policies)} policy file(s) read-only, "
    f"{len(member_inventory)} inventory reads granted alike by the StackSet",
    file=sys.stderr,
)
PY
echo "lint-iam: ok" >&2
