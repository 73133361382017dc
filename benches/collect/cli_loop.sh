#!/usr/bin/env bash
# The inventory loop a user would write with the AWS CLI: list the org's
# accounts, assume the admin role in each member, and in every region
# describe the EC2 resource types orgscope collects, then the load
# balancers: their tags (20 ARNs a call), each one's listeners, the target
# groups and each group's target health — the calls orgscope makes, one
# JSON file per call, one call after another (describe-addresses has no
# paging: the CLI makes one call, as orgscope does). ARNs are read from the
# saved answers with jq, as a user would, rather than asked for twice.
# usage: cli_loop.sh OUTDIR REGION...
# CLI_MAX_ACCOUNTS=K stops after the first K accounts: the loop is strictly
# sequential, so the benchmark can time a slice and scale it.
set -euo pipefail
command -v jq >/dev/null || { echo "cli_loop.sh needs jq" >&2; exit 1; }
out=$1
shift
role=${ROLE_NAME:-OrganizationAccountAccessRole}

me=$(aws sts get-caller-identity --query Account --output text)
accounts=$(aws organizations list-accounts --query 'Accounts[?Status==`ACTIVE`].Id' --output text)
if [ -n "${CLI_MAX_ACCOUNTS:-}" ]; then
  accounts=$(printf '%s\n' $accounts | head -n "$CLI_MAX_ACCOUNTS")
fi
ec2_types="instances vpcs subnets security-groups volumes addresses
  internet-gateways egress-only-internet-gateways nat-gateways route-tables
  vpc-endpoints vpc-peering-connections transit-gateways
  transit-gateway-attachments transit-gateway-route-tables"
# One CLI call in the current account (keys ak/sk/st) and region.
call() {
  AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk AWS_SESSION_TOKEN=$st \
    aws "$@" --region "$region" --output json
}
for acct in $accounts; do
  if [ "$acct" = "$me" ]; then
    ak=$AWS_ACCESS_KEY_ID sk=$AWS_SECRET_ACCESS_KEY st=${AWS_SESSION_TOKEN:-}
  else
    read -r ak sk st < <(aws sts assume-role \
      --role-arn "arn:aws:iam::${acct}:role/${role}" --role-session-name inventory \
      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
  fi
  for region in "$@"; do
    dir="$out/$acct/$region"
    mkdir -p "$dir"
    for what in $ec2_types; do
      call ec2 "describe-$what" >"$dir/$what.json"
    done
    call elbv2 describe-load-balancers >"$dir/load-balancers.json"
    mapfile -t lbs < <(jq -r '.LoadBalancers[].LoadBalancerArn' "$dir/load-balancers.json")
    for ((i = 0; i < ${#lbs[@]}; i += 20)); do
      call elbv2 describe-tags --resource-arns "${lbs[@]:i:20}" >"$dir/tags.$i.json"
    done
    for i in "${!lbs[@]}"; do
      call elbv2 describe-listeners --load-balancer-arn "${lbs[$i]}" >"$dir/listeners.$i.json"
    done
    call elbv2 describe-target-groups >"$dir/target-groups.json"
    mapfile -t tgs < <(jq -r '.TargetGroups[].TargetGroupArn' "$dir/target-groups.json")
    for i in "${!tgs[@]}"; do
      call elbv2 describe-target-health --target-group-arn "${tgs[$i]}" >"$dir/target-health.$i.json"
    done
  done
done
