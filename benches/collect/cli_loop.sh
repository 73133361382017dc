#!/usr/bin/env bash
# The inventory loop a user would write with the AWS CLI: list the org's
# accounts, assume the admin role in each member, describe the six EC2
# resource types in every region, one JSON file per call
# (describe-addresses has no paging: the CLI makes one call, as orgscope does).
# usage: cli_loop.sh OUTDIR REGION...
# CLI_MAX_ACCOUNTS=K stops after the first K accounts: the loop is strictly
# sequential, so the benchmark can time a slice and scale it.
set -euo pipefail
out=$1
shift
role=${ROLE_NAME:-OrganizationAccountAccessRole}

me=$(aws sts get-caller-identity --query Account --output text)
accounts=$(aws organizations list-accounts --query 'Accounts[?Status==`ACTIVE`].Id' --output text)
if [ -n "${CLI_MAX_ACCOUNTS:-}" ]; then
  accounts=$(printf '%s\n' $accounts | head -n "$CLI_MAX_ACCOUNTS")
fi
for acct in $accounts; do
  if [ "$acct" = "$me" ]; then
    ak=$AWS_ACCESS_KEY_ID sk=$AWS_SECRET_ACCESS_KEY st=${AWS_SESSION_TOKEN:-}
  else
    read -r ak sk st < <(aws sts assume-role \
      --role-arn "arn:aws:iam::${acct}:role/${role}" --role-session-name inventory \
      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
  fi
  for region in "$@"; do
    mkdir -p "$out/$acct/$region"
    for what in instances vpcs subnets security-groups volumes addresses; do
      AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk AWS_SESSION_TOKEN=$st \
        aws ec2 "describe-$what" --region "$region" --output json >"$out/$acct/$region/$what.json"
    done
  done
done
