"""The six EC2 resource types of every account and region with botocove at
its default settings (20 threads, one AssumeRole per account-region), plus
the management account itself, which botocove skips by design, collected on
a side thread with the caller's own session.

Writes {"accounts": {id: {type: count}}, "failures": [...]} to --out.
"""

import argparse
import json
import threading

import boto3
from botocove import cove

CALLS = [
    ("instance", "describe_instances", lambda p: [i for r in p["Reservations"] for i in r["Instances"]]),
    ("vpc", "describe_vpcs", lambda p: p["Vpcs"]),
    ("subnet", "describe_subnets", lambda p: p["Subnets"]),
    ("security_group", "describe_security_groups", lambda p: p["SecurityGroups"]),
    ("volume", "describe_volumes", lambda p: p["Volumes"]),
    # No paginator: DescribeAddresses has no paging (and no MaxResults), so
    # one plain call, as orgscope makes.
    ("elastic_ip", "describe_addresses", lambda p: p["Addresses"]),
]


def pages(ec2, op):
    if ec2.can_paginate(op):
        return ec2.get_paginator(op).paginate()
    return [getattr(ec2, op)()]


def inventory(session, region=None):
    ec2 = session.client("ec2", region_name=region) if region else session.client("ec2")
    counts = {}
    for kind, op, items in CALLS:
        counts[kind] = sum(len(items(page)) for page in pages(ec2, op))
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
