"""The EC2 and Elastic Load Balancing resource types orgscope collects, in
every account and region, with botocove at its default settings (20
threads, one AssumeRole per account-region), plus the management account
itself, which botocove skips by design, collected on a side thread with the
caller's own session.

The calls are orgscope's, one after another within an account-region as a
script would make them: a (paged) describe per EC2 type, and for load
balancers the list, their tags 20 ARNs a call, each one's listeners, the
target groups and each group's target health.

Writes {"accounts": {id: {type: count}}, "failures": [...]} to --out.
"""

import argparse
import json
import threading

import boto3
from botocove import cove

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


def inventory(session, region=None):
    kw = {"region_name": region} if region else {}
    ec2 = session.client("ec2", **kw)
    counts = {}
    for kind, op, items in EC2_CALLS:
        counts[kind] = sum(len(items(page)) for page in pages(ec2, op))
    counts.update(elb_inventory(session.client("elbv2", **kw)))
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
        for region in regions:
            add(host, me, inventory(base, region))

    side = threading.Thread(target=host_inventory)
    side.start()

    @cove(regions=regions)
    def member(session):
        return inventory(session)

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
