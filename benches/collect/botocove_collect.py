"""The resource types orgscope collects, in every account and region, with
botocove at its default settings (20 threads, one AssumeRole per
account-region), plus the management account itself, which botocove skips
by design, collected on a side thread with the caller's own session.

The calls are orgscope's, one after another within an account-region as a
script would make them, with boto3's paginators where it has one:

- per account-region: a describe per EC2 type; for load balancers the
  list, their tags 20 ARNs a call, each one's listeners, the target groups
  and each group's target health; RDS DB instances and DB clusters; Lambda
  functions and `ListTags` of each; EKS clusters and `DescribeCluster` of
  each; DynamoDB tables and `DescribeTable` and `ListTagsOfResource` of
  each; the Tagging API's `GetResources`;
- per account, once (IAM and S3 are global; done in the account's first
  region's call, which already holds a session): IAM's
  `GetAccountAuthorizationDetails` (roles, users, groups, customer-managed
  policies), `ListAccessKeys` of each user and `GetAccessKeyLastUsed` of
  each key; S3's `ListBuckets`, `GetBucketLocation` of a bucket the listing
  gives no region for, then in the bucket's region its versioning,
  encryption, public access block, policy and tags (the "not configured"
  errors are answers, as orgscope takes them).

Writes {"accounts": {id: {type: count}}, "failures": [...]} to --out.
"""

import argparse
import json
import threading

import boto3
from botocore.exceptions import ClientError
from botocove import cove

from arns import is_tagged_resource

EC2_CALLS = [
    ("instance", "describe_instances", lambda p: [i for r in p["Reservations"] for i in r["Instances"]]),
    ("vpc", "describe_vpcs", lambda p: p["Vpcs"]),
    ("subnet", "describe_subnets", lambda p: p["Subnets"]),
    ("security_group", "describe_security_groups", lambda p: p["SecurityGroups"]),
    ("volume", "describe_volumes", lambda p: p["Volumes"]),
    # No paginator: DescribeAddresses has no paging (and no MaxResults), so
    # one plain call, as orgscope makes.
    ("elastic_ip", "describe_addresses", lambda p: p["Addresses"]),
    ("internet_gateway", "describe_internet_gateways", lambda p: p["InternetGateways"]),
    (
        "egress_only_internet_gateway",
        "describe_egress_only_internet_gateways",
        lambda p: p["EgressOnlyInternetGateways"],
    ),
    ("nat_gateway", "describe_nat_gateways", lambda p: p["NatGateways"]),
    ("route_table", "describe_route_tables", lambda p: p["RouteTables"]),
    ("vpc_endpoint", "describe_vpc_endpoints", lambda p: p["VpcEndpoints"]),
    ("vpc_peering_connection", "describe_vpc_peering_connections", lambda p: p["VpcPeeringConnections"]),
    ("transit_gateway", "describe_transit_gateways", lambda p: p["TransitGateways"]),
    (
        "transit_gateway_attachment",
        "describe_transit_gateway_attachments",
        lambda p: p["TransitGatewayAttachments"],
    ),
    (
        "transit_gateway_route_table",
        "describe_transit_gateway_route_tables",
        lambda p: p["TransitGatewayRouteTables"],
    ),
]
# DescribeTags takes at most 20 ARNs.
TAGS_PER_CALL = 20


def pages(client, op, **kw):
    if client.can_paginate(op):
        return client.get_paginator(op).paginate(**kw)
    return [getattr(client, op)(**kw)]


def elb_inventory(elb):
    lbs = [lb for p in pages(elb, "describe_load_balancers") for lb in p["LoadBalancers"]]
    arns = [lb["LoadBalancerArn"] for lb in lbs]
    for i in range(0, len(arns), TAGS_PER_CALL):
        elb.describe_tags(ResourceArns=arns[i : i + TAGS_PER_CALL])
    listeners = sum(
        len(p["Listeners"]) for arn in arns for p in pages(elb, "describe_listeners", LoadBalancerArn=arn)
    )
    groups = [g for p in pages(elb, "describe_target_groups") for g in p["TargetGroups"]]
    for g in groups:
        elb.describe_target_health(TargetGroupArn=g["TargetGroupArn"])
    return {"load_balancer": len(lbs), "listener": listeners, "target_group": len(groups)}


def rds_inventory(rds):
    return {
        "db_instance": sum(len(p["DBInstances"]) for p in pages(rds, "describe_db_instances")),
        "db_cluster": sum(len(p["DBClusters"]) for p in pages(rds, "describe_db_clusters")),
    }


def lambda_inventory(lam):
    functions = [f for p in pages(lam, "list_functions") for f in p["Functions"]]
    for f in functions:
        lam.list_tags(Resource=f["FunctionArn"])
    return {"lambda_function": len(functions)}


def eks_inventory(eks):
    names = [n for p in pages(eks, "list_clusters") for n in p["clusters"]]
    for name in names:
        eks.describe_cluster(name=name)
    return {"eks_cluster": len(names)}


def dynamodb_inventory(ddb):
    names = [n for p in pages(ddb, "list_tables") for n in p["TableNames"]]
    for name in names:
        arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
        for _ in pages(ddb, "list_tags_of_resource", ResourceArn=arn):
            pass
    return {"dynamodb_table": len(names)}


def tagging_inventory(tagging):
    arns = [m["ResourceARN"] for p in pages(tagging, "get_resources") for m in p["ResourceTagMappingList"]]
    return {"tagged_resource": sum(1 for a in arns if is_tagged_resource(a))}


def iam_inventory(iam):
    counts = {"iam_role": 0, "iam_user": 0, "iam_group": 0, "iam_policy": 0}
    users = []
    for p in pages(iam, "get_account_authorization_details", Filter=["Role", "User", "Group", "LocalManagedPolicy"]):
        counts["iam_role"] += len(p["RoleDetailList"])
        counts["iam_group"] += len(p["GroupDetailList"])
        counts["iam_policy"] += len(p["Policies"])
        users += [u["UserName"] for u in p["UserDetailList"]]
    counts["iam_user"] = len(users)
    for user in users:
        for p in pages(iam, "list_access_keys", UserName=user):
            for key in p["AccessKeyMetadata"]:
                iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    return counts


# What S3 answers for a setting that was never made: an answer, not a failure.
S3_NOT_CONFIGURED = {
    "get_bucket_encryption": "ServerSideEncryptionConfigurationNotFoundError",
    "get_public_access_block": "NoSuchPublicAccessBlockConfiguration",
    "get_bucket_policy": "NoSuchBucketPolicy",
    "get_bucket_tagging": "NoSuchTagSet",
}


def s3_inventory(session, home):
    buckets = [b for p in pages(home, "list_buckets") for b in p["Buckets"]]
    by_region = {}
    for b in buckets:
        region = b.get("BucketRegion")
        if not region:
            # An empty location is us-east-1, `EU` eu-west-1 (as orgscope reads it).
            loc = home.get_bucket_location(Bucket=b["Name"]).get("LocationConstraint")
            region = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(loc, loc)
        if region not in by_region:
            by_region[region] = session.client("s3", region_name=region)
        s3 = by_region[region]
        s3.get_bucket_versioning(Bucket=b["Name"])
        for op, absent in S3_NOT_CONFIGURED.items():
            try:
                getattr(s3, op)(Bucket=b["Name"])
            except ClientError as e:
                if e.response.get("Error", {}).get("Code") != absent:
                    raise
    return {"s3_bucket": len(buckets)}


def inventory(session, region=None):
    """One account-region's resource counts; clients in `region`, or the
    session's own when None (botocove's sessions carry theirs)."""
    kw = {"region_name": region} if region else {}
    ec2 = session.client("ec2", **kw)
    counts = {}
    for kind, op, items in EC2_CALLS:
        counts[kind] = sum(len(items(page)) for page in pages(ec2, op))
    counts.update(elb_inventory(session.client("elbv2", **kw)))
    counts.update(rds_inventory(session.client("rds", **kw)))
    counts.update(lambda_inventory(session.client("lambda", **kw)))
    counts.update(eks_inventory(session.client("eks", **kw)))
    counts.update(dynamodb_inventory(session.client("dynamodb", **kw)))
    counts.update(tagging_inventory(session.client("resourcegroupstaggingapi", **kw)))
    return counts


def account_inventory(session):
    """The account's global resources (IAM, S3): once per account. IAM and
    the S3 listing go to us-east-1, as orgscope's home-region clients do."""
    counts = iam_inventory(session.client("iam", region_name="us-east-1"))
    counts.update(s3_inventory(session, session.client("s3", region_name="us-east-1")))
    return counts


def add(into, account, counts):
    acc = into.setdefault(account, {})
    for k, v in counts.items():
        acc[k] = acc.get(k, 0) + v


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--regions", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    regions = a.regions.split(",")

    base = boto3.Session()
    me = base.client("sts").get_caller_identity()["Account"]
    host = {}

    def host_inventory():
        add(host, me, account_inventory(base))
        for region in regions:
            add(host, me, inventory(base, region))

    side = threading.Thread(target=host_inventory)
    side.start()

    @cove(regions=regions)
    def member(session):
        counts = inventory(session)
        # botocove calls this once per account-region; the account's global
        # resources are read once, with its first region.
        if session.session_information["Region"] == regions[0]:
            for k, v in account_inventory(session).items():
                counts[k] = counts.get(k, 0) + v
        return counts

    out = member()
    side.join()
    accounts = dict(host)
    for r in out["Results"]:
        add(accounts, r["Id"], r["Result"])
    failures = [
        {"account": e["Id"], "region": e.get("Region"), "error": repr(e.get("ExceptionDetails"))}
        for e in out["Exceptions"] + out["FailedAssumeRole"]
    ]
    with open(a.out, "w") as f:
        json.dump({"accounts": accounts, "failures": failures}, f)


if __name__ == "__main__":
    main()
