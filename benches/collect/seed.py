"""Seed a moto server with an AWS Organizations estate for the collection
benchmark: an OU tree (Workloads/Prod, Workloads/Test, Sandbox), A member
accounts with tags, and in every account-region two VPCs with two subnets
each, three security groups (one with ingress rules), ~20 instances in four
reservations (each with its root volume), two data volumes, and three
Elastic IPs: one associated with the first instance of each of the first two
reservations, one allocated and left idle. The first VPC is wired: an
internet gateway, a NAT gateway (with its own Elastic IP) in its first
subnet, a public route table (default route to the gateway) for that subnet
and a private one (default route to the NAT) for the other, and an
application load balancer over both subnets with an HTTP:80 listener
forwarding to a target group holding the first reservation's instances.

Member accounts are reached the way moto routes them: sts:AssumeRole into the
account, then EC2 calls with the returned keys. Seeding fans out over a thread
pool because moto, not the client, is the bottleneck (~150 requests/s).

Prints one JSON line with what was created (the expected counts exclude moto's
default VPC, subnets and security groups, which the collectors also see;
instances, volumes, Elastic IPs, NAT gateways and the load balancer kinds
have no moto defaults, so those counts are exact).
"""

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

CFG = Config(retries={"max_attempts": 3, "mode": "standard"}, max_pool_connections=32)
OU_LAYOUT = [("Workloads", None), ("Sandbox", None), ("Prod", "Workloads"), ("Test", "Workloads")]
# Where member accounts go, round-robin: mostly workloads, some sandboxes.
PLACEMENT = ["Prod", "Test", "Prod", "Test", "Sandbox"]
APPS = ["billing", "checkout", "search", "catalog", "identity", "payments", "reporting"]


def client(service, endpoint, region, creds=None):
    creds = creds or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return boto3.client(service, endpoint_url=endpoint, region_name=region, config=CFG, **creds)


def seed_org(endpoint, accounts):
    org = client("organizations", endpoint, "us-east-1")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ous = {}
    for name, parent in OU_LAYOUT:
        parent_id = ous[parent] if parent else root
        ous[name] = org.create_organizational_unit(ParentId=parent_id, Name=name)[
            "OrganizationalUnit"
        ]["Id"]
    ids = []
    for i in range(accounts):
        place = PLACEMENT[i % len(PLACEMENT)]
        app = APPS[i % len(APPS)]
        name = f"{app}-{place.lower()}-{i:04d}"
        status = org.create_account(
            Email=f"aws+{name}@example.com",
            AccountName=name,
            Tags=[
                {"Key": "env", "Value": place.lower()},
                {"Key": "owner", "Value": f"team-{app}"},
                {"Key": "cost-center", "Value": f"cc-{1000 + i % 13}"},
            ],
        )["CreateAccountStatus"]
        ids.append(status["AccountId"])
        org.move_account(AccountId=status["AccountId"], SourceParentId=root, DestinationParentId=ous[place])
    return ids


def member_creds(endpoint, account_id):
    sts = client("sts", endpoint, "us-east-1")
    c = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="seed",
    )["Credentials"]
    return {
        "aws_access_key_id": c["AccessKeyId"],
        "aws_secret_access_key": c["SecretAccessKey"],
        "aws_session_token": c["SessionToken"],
    }


def tags(**kv):
    return [{"Key": k, "Value": v} for k, v in kv.items()]


def seed_region(endpoint, account_id, creds, region, index, instances):
    ec2 = client("ec2", endpoint, region, creds)
    env = PLACEMENT[index % len(PLACEMENT)].lower()
    app = APPS[index % len(APPS)]
    made = {
        "vpc": 0,
        "subnet": 0,
        "security_group": 0,
        "instance": 0,
        "volume": 0,
        "elastic_ip": 0,
        "internet_gateway": 0,
        "nat_gateway": 0,
        "route_table": 0,
        "load_balancer": 0,
        "listener": 0,
        "target_group": 0,
    }
    subnets = []
    for v in range(2):
        vpc = ec2.create_vpc(
            CidrBlock=f"10.{v}.0.0/16",
            TagSpecifications=[{"ResourceType": "vpc", "Tags": tags(Name=f"{app}-{env}-{v}", env=env, owner=f"team-{app}")}],
        )["Vpc"]["VpcId"]
        made["vpc"] += 1
        for s in range(2):
            subnets.append(
                ec2.create_subnet(
                    VpcId=vpc,
                    CidrBlock=f"10.{v}.{s}.0/24",
                    AvailabilityZone=f"{region}{'ab'[s]}",
                    TagSpecifications=[{"ResourceType": "subnet", "Tags": tags(Name=f"{app}-{env}-{v}-{'ab'[s]}", env=env)}],
                )["Subnet"]["SubnetId"]
            )
            made["subnet"] += 1
        if v == 0:
            first_vpc = vpc
    groups = []
    for g, purpose in enumerate(["web", "app", "db"]):
        groups.append(
            ec2.create_security_group(
                GroupName=f"{app}-{purpose}",
                Description=f"{purpose} tier",
                VpcId=first_vpc,
                TagSpecifications=[{"ResourceType": "security-group", "Tags": tags(env=env, tier=purpose)}],
            )["GroupId"]
        )
        made["security_group"] += 1
    ec2.authorize_security_group_ingress(
        GroupId=groups[0],
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        ],
    )
    reservations = 4
    per = max(1, instances // reservations)
    fronts = []  # the first instance of each reservation
    launched = []  # every instance of each reservation
    for r in range(reservations):
        count = per if r < reservations - 1 else max(1, instances - per * (reservations - 1))
        out = ec2.run_instances(
            ImageId="ami-03cf127a",
            MinCount=count,
            MaxCount=count,
            InstanceType=["t3.micro", "m5.large", "c5.xlarge", "r5.large"][r],
            SubnetId=subnets[r % len(subnets)],
            SecurityGroupIds=[groups[r % len(groups)]],
            TagSpecifications=[{"ResourceType": "instance", "Tags": tags(Name=f"{app}-{env}-{r}", env=env, owner=f"team-{app}")}],
        )
        made["instance"] += count
        made["volume"] += count  # moto gives every instance a root volume
        fronts.append(out["Instances"][0]["InstanceId"])
        launched.append([i["InstanceId"] for i in out["Instances"]])
    # A few Elastic IPs, as an estate holds them: the first instance of the
    # web and app reservations at a fixed address, and one idle spare.
    for purpose, instance in [("web", fronts[0]), ("app", fronts[1]), ("spare", None)]:
        alloc = ec2.allocate_address(
            Domain="vpc",
            TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": tags(Name=f"{app}-{env}-{purpose}-eip", env=env)}],
        )["AllocationId"]
        if instance:
            ec2.associate_address(AllocationId=alloc, InstanceId=instance)
        made["elastic_ip"] += 1
    for d in range(2):
        ec2.create_volume(
            AvailabilityZone=f"{region}a",
            Size=100 * (d + 1),
            VolumeType="gp3",
            TagSpecifications=[{"ResourceType": "volume", "Tags": tags(Name=f"{app}-data-{d}", env=env)}],
        )
        made["volume"] += 1
    wire(ec2, client("elbv2", endpoint, region, creds), first_vpc, subnets[:2], groups[0], launched[0], app, env, made)
    return made


def wire(ec2, elb, vpc, subnets, web_group, web_instances, app, env, made):
    """The first VPC's wiring: gateways, route tables and a load balancer
    (see the module doc)."""
    igw = ec2.create_internet_gateway(
        TagSpecifications=[{"ResourceType": "internet-gateway", "Tags": tags(Name=f"{app}-{env}-igw", env=env)}]
    )["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    made["internet_gateway"] += 1
    nat_ip = ec2.allocate_address(
        Domain="vpc",
        TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": tags(Name=f"{app}-{env}-nat-eip", env=env)}],
    )["AllocationId"]
    made["elastic_ip"] += 1
    nat = ec2.create_nat_gateway(
        SubnetId=subnets[0],
        AllocationId=nat_ip,
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": tags(Name=f"{app}-{env}-nat", env=env)}],
    )["NatGateway"]["NatGatewayId"]
    made["nat_gateway"] += 1
    for name, subnet, target in [("public", subnets[0], {"GatewayId": igw}), ("private", subnets[1], {"NatGatewayId": nat})]:
        rt = ec2.create_route_table(
            VpcId=vpc,
            TagSpecifications=[{"ResourceType": "route-table", "Tags": tags(Name=f"{app}-{env}-{name}", env=env)}],
        )["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", **target)
        ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
        made["route_table"] += 1
    tg = elb.create_target_group(
        Name=f"{app}-{env}-web", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": i, "Port": 80} for i in web_instances])
    made["target_group"] += 1
    lb = elb.create_load_balancer(
        Name=f"{app}-{env}-web",
        Type="application",
        Scheme="internet-facing",
        Subnets=subnets,
        SecurityGroups=[web_group],
        Tags=tags(env=env, owner=f"team-{app}"),
    )["LoadBalancers"][0]["LoadBalancerArn"]
    made["load_balancer"] += 1
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    made["listener"] += 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--endpoint", required=True)
    p.add_argument("--accounts", type=int, default=100)
    p.add_argument("--regions", default="us-east-1,eu-west-1,eu-central-1,ap-southeast-2")
    p.add_argument("--instances", type=int, default=20, help="instances per account-region")
    p.add_argument("--workers", type=int, default=8)
    a = p.parse_args()
    regions = [r for r in a.regions.split(",") if r]
    started = time.monotonic()
    members = seed_org(a.endpoint, a.accounts)
    creds = {}
    with ThreadPoolExecutor(a.workers) as pool:
        for acct, c in zip(members, pool.map(lambda m: member_creds(a.endpoint, m), members)):
            creds[acct] = c
        jobs = [
            pool.submit(seed_region, a.endpoint, acct, creds[acct], region, i, a.instances)
            for i, acct in enumerate(members)
            for region in regions
        ]
        totals = {}
        for j in jobs:
            for k, v in j.result().items():
                totals[k] = totals.get(k, 0) + v
    json.dump(
        {
            "accounts": len(members),
            "regions": regions,
            "created": totals,
            "seconds": round(time.monotonic() - started, 1),
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
