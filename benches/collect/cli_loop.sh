#!/usr/bin/env bash
# The inventory loop a user would write with the AWS CLI: list the org's
# accounts, assume the admin role in each member, then make the calls
# orgscope makes, one `aws` process each, one after another, one JSON file
# per call (the CLI pages to the end by itself):
# - once per account (IAM and S3 are global), under OUTDIR/ACCOUNT/global:
#   iam get-account-authorization-details (roles, users, groups,
#   customer-managed policies), list-access-keys per user and
#   get-access-key-last-used per key; s3api list-buckets, get-bucket-location
#   of a bucket listed without its region, then in the bucket's region its
#   versioning, encryption, public access block, policy and tagging (the
#   "not configured" errors are answers: the loop saves them and goes on);
# - in every region: the EC2 describes, the load balancers with their tags
#   (20 ARNs a call) and each one's listeners, the target groups and each
#   group's target health (describe-addresses has no paging: one call, as
#   orgscope makes); RDS DB instances and clusters; Lambda functions and
#   list-tags of each; EKS clusters and describe-cluster of each; DynamoDB
#   tables and describe-table and list-tags-of-resource of each; the
#   Tagging API's get-resources.
# ARNs and names are read from the saved answers with jq, as a user would,
# rather than asked for twice.
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
# The CLI (v1) sends rds calls in us-east-1 to rds.amazonaws.com (its
# certificate's name) unless --endpoint-url is given, ignoring
# AWS_ENDPOINT_URL: an endpoint set through the environment is passed on.
rds() {
  call rds "$@" ${AWS_ENDPOINT_URL:+--endpoint-url "$AWS_ENDPOINT_URL"}
}
# An S3 read whose "not configured" error is an answer (no policy, no tags,
# no default encryption, no block): saved as the error text, not a failure.
s3_read() {
  local file=$1 absent=$2
  shift 2
  if ! call s3api "$@" >"$file" 2>"$file.err"; then
    grep -q "$absent" "$file.err" || { cat "$file.err" >&2; return 1; }
  fi
  rm -f "$file.err"
}
# IAM and S3, once per account (their global endpoints are in us-east-1).
account_globals() {
  local dir="$out/$acct/global" region=us-east-1 i k b name where
  local -a users keys buckets
  mkdir -p "$dir"
  call iam get-account-authorization-details \
    --filter Role User Group LocalManagedPolicy >"$dir/iam-details.json"
  mapfile -t users < <(jq -r '.UserDetailList[].UserName' "$dir/iam-details.json")
  for i in "${!users[@]}"; do
    call iam list-access-keys --user-name "${users[$i]}" >"$dir/access-keys.$i.json"
    mapfile -t keys < <(jq -r '.AccessKeyMetadata[].AccessKeyId' "$dir/access-keys.$i.json")
    for k in "${!keys[@]}"; do
      call iam get-access-key-last-used --access-key-id "${keys[$k]}" >"$dir/key-last-used.$i.$k.json"
    done
  done
  call s3api list-buckets >"$dir/buckets.json"
  mapfile -t buckets < <(jq -r '.Buckets[] | "\(.Name) \(.BucketRegion // "")"' "$dir/buckets.json")
  for b in "${!buckets[@]}"; do
    read -r name where <<<"${buckets[$b]}"
    region=us-east-1 # the listing's region: where a bucket's location is asked
    if [ -z "$where" ]; then
      call s3api get-bucket-location --bucket "$name" >"$dir/bucket-location.$b.json"
      # An empty location is us-east-1, EU is eu-west-1.
      where=$(jq -r '.LocationConstraint // "" | if . == "" then "us-east-1" elif . == "EU" then "eu-west-1" else . end' \
        "$dir/bucket-location.$b.json")
    fi
    region=$where
    call s3api get-bucket-versioning --bucket "$name" >"$dir/bucket-versioning.$b.json"
    s3_read "$dir/bucket-encryption.$b.json" ServerSideEncryptionConfigurationNotFoundError \
      get-bucket-encryption --bucket "$name"
    s3_read "$dir/public-access-block.$b.json" NoSuchPublicAccessBlockConfiguration \
      get-public-access-block --bucket "$name"
    s3_read "$dir/bucket-policy.$b.json" NoSuchBucketPolicy get-bucket-policy --bucket "$name"
    s3_read "$dir/bucket-tagging.$b.json" NoSuchTagSet get-bucket-tagging --bucket "$name"
  done
}
for acct in $accounts; do
  if [ "$acct" = "$me" ]; then
    ak=$AWS_ACCESS_KEY_ID sk=$AWS_SECRET_ACCESS_KEY st=${AWS_SESSION_TOKEN:-}
  else
    read -r ak sk st < <(aws sts assume-role \
      --role-arn "arn:aws:iam::${acct}:role/${role}" --role-session-name inventory \
      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
  fi
  account_globals
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
    rds describe-db-instances >"$dir/db-instances.json"
    rds describe-db-clusters >"$dir/db-clusters.json"
    call lambda list-functions >"$dir/functions.json"
    mapfile -t fns < <(jq -r '.Functions[].FunctionArn' "$dir/functions.json")
    for i in "${!fns[@]}"; do
      call lambda list-tags --resource "${fns[$i]}" >"$dir/function-tags.$i.json"
    done
    call eks list-clusters >"$dir/eks-clusters.json"
    mapfile -t clusters < <(jq -r '.clusters[]' "$dir/eks-clusters.json")
    for i in "${!clusters[@]}"; do
      call eks describe-cluster --name "${clusters[$i]}" >"$dir/eks-cluster.$i.json"
    done
    call dynamodb list-tables >"$dir/tables.json"
    mapfile -t tables < <(jq -r '.TableNames[]' "$dir/tables.json")
    for i in "${!tables[@]}"; do
      call dynamodb describe-table --table-name "${tables[$i]}" >"$dir/table.$i.json"
      call dynamodb list-tags-of-resource \
        --resource-arn "$(jq -r '.Table.TableArn' "$dir/table.$i.json")" >"$dir/table-tags.$i.json"
    done
    call resourcegroupstaggingapi get-resources >"$dir/tagged-resources.json"
  done
done
