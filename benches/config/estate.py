"""The synthetic estate of the Config aggregator benchmark: an organization
of A member accounts (plus the management account) in R regions, with, per
member account-region, what ``benches/collect/seed.py`` seeds into moto
plus moto's defaults, so the two benchmarks describe the same estate:

* the default VPC (172.31.0.0/16) with one default subnet per availability
  zone (six in us-east-1, three elsewhere, as moto makes them), its default
  security group and main route table;
* two VPCs (10.0/16, 10.1/16), each with two subnets, its own default
  security group and main route table; three security groups (web, app,
  db; web with two ingress rules);
* 20 instances in four reservations, each with its root volume, and two
  data volumes (22 volumes);
* four Elastic IPs (two on instances, one idle, one the NAT gateway's);
  the first VPC wired: an internet gateway, a NAT gateway, a public and a
  private route table, an application load balancer with an HTTP:80
  listener (its target group too, which AWS Config does not record);
* and, beyond the crawl benchmark's estate, a bucket, a Lambda function
  and the function's IAM role (region ``global``) per account-region.

The management account holds moto's defaults only (as in the crawl
benchmark, which seeds member accounts only).

Why templates: 5,000 accounts x 4 regions is ~1.5 million configuration
items, ~4 KB of JSON each. Holding them would cost the responder gigabytes
and building each through the exporter would cost minutes of CPU, both
competing with the orgscope process being measured. So each item *shape*
is built once, through the exporter's own per-type functions
(``tests/integration/support/config_export.py``, AWS's item format as the
aggregator source's differential test holds it), from describe answers in
boto3's shape whose account-specific values are markers; the JSON text is
then kept as a format string, already escaped as a JSON string literal,
and a page is rendered on demand by filling in the account id, a unique
per-account-region digit code, the account's app and environment. Any
(type, region, offset) is answered deterministically in O(page) time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration" / "support"))
import config_export as cx  # noqa: E402  (the exporter: AWS's item format)

from botocore.exceptions import ClientError  # noqa: E402

MANAGEMENT = "123456789012"
ORG_ID = "o-bench00000"
ROOT_ID = "r-b0b0"
# As seed.py: where member accounts go (round robin) and what they run.
OU_LAYOUT = [("Workloads", None), ("Sandbox", None), ("Prod", "Workloads"), ("Test", "Workloads")]
PLACEMENT = ["Prod", "Test", "Prod", "Test", "Sandbox"]
APPS = ["billing", "checkout", "search", "catalog", "identity", "payments", "reporting"]
# moto's default subnets: one per availability zone it knows.
AZ_COUNT = {"us-east-1": 6}
DEFAULT_AZ_COUNT = 3

# Markers (letters and digits only, so they survive JSON escaping and URL
# encoding untouched) for what differs between accounts.
M_ACCT, M_CODE, M_APP, M_ENV = "Q9ACCTQ9", "Q9CODEQ9", "Q9APPQ9", "Q9ENVQ9"
MARKERS = re.compile("Q9(ACCT|CODE|APP|ENV)Q9")
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
GLOBAL = "global"

# Config resource type -> orgscope kind id (the snapshot's resource `type`).
KIND_OF = {
    "AWS::EC2::Instance": "instance",
    "AWS::EC2::VPC": "vpc",
    "AWS::EC2::Subnet": "subnet",
    "AWS::EC2::SecurityGroup": "security_group",
    "AWS::EC2::Volume": "volume",
    "AWS::EC2::EIP": "elastic_ip",
    "AWS::EC2::InternetGateway": "internet_gateway",
    "AWS::EC2::EgressOnlyInternetGateway": "egress_only_internet_gateway",
    "AWS::EC2::NatGateway": "nat_gateway",
    "AWS::EC2::RouteTable": "route_table",
    "AWS::EC2::VPCEndpoint": "vpc_endpoint",
    "AWS::EC2::VPCPeeringConnection": "vpc_peering_connection",
    "AWS::EC2::TransitGateway": "transit_gateway",
    "AWS::EC2::TransitGatewayAttachment": "transit_gateway_attachment",
    "AWS::EC2::TransitGatewayRouteTable": "transit_gateway_route_table",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "load_balancer",
    "AWS::ElasticLoadBalancingV2::Listener": "listener",
    "AWS::RDS::DBInstance": "db_instance",
    "AWS::RDS::DBCluster": "db_cluster",
    "AWS::Lambda::Function": "lambda_function",
    "AWS::EKS::Cluster": "eks_cluster",
    "AWS::DynamoDB::Table": "dynamodb_table",
    "AWS::S3::Bucket": "s3_bucket",
    "AWS::IAM::Role": "iam_role",
    "AWS::IAM::User": "iam_user",
    "AWS::IAM::Group": "iam_group",
    "AWS::IAM::Policy": "iam_policy",
}


def account_id(index: int) -> str:
    """Index 0 is the management account, 1..A the members."""
    return MANAGEMENT if index == 0 else f"{200000000000 + index:012d}"


def member(i: int) -> dict:
    """Member i (0-based) as seed.py names, places and tags it."""
    place = PLACEMENT[i % len(PLACEMENT)]
    app = APPS[i % len(APPS)]
    name = f"{app}-{place.lower()}-{i:04d}"
    return {
        "id": account_id(i + 1),
        "name": name,
        "email": f"aws+{name}@example.com",
        "ou": place,
        "app": app,
        "env": place.lower(),
        "tags": {"env": place.lower(), "owner": f"team-{app}", "cost-center": f"cc-{1000 + i % 13}"},
    }


def code(index: int, slot: int) -> str:
    """13 decimal digits unique per (account, region slot): the variable
    part of every resource id (decimal digits are valid hex, and survive
    any case change)."""
    return f"{index * 16 + slot:013d}"


# --- describe answers in boto3's shape, with markers --------------------------


def tags(**kv):
    return [{"Key": k, "Value": v} for k, v in kv.items()]


def rid(prefix: str, n: int) -> str:
    """An EC2 id: the prefix, the account-region code and four hex digits."""
    return f"{prefix}-{M_CODE}{n:04x}"


class EC2:
    """The describe answers of one account-region (member or management)."""

    def __init__(self, region: str, is_member: bool):
        a, app, env = M_ACCT, M_APP, M_ENV
        azs = [f"{region}{c}" for c in "abcdef"[: AZ_COUNT.get(region, DEFAULT_AZ_COUNT)]]
        self.vpcs, self.subnets, self.groups, self.rtbs = [], [], [], []
        self.instances, self.volumes, self.addresses, self.igws, self.nats = [], [], [], [], []
        self.lbs, self.listeners, self.lb_tags = [], [], []

        def vpc(n, cidr, default, tag_list):
            v = {
                "VpcId": rid("vpc", n), "OwnerId": a, "InstanceTenancy": "default", "IsDefault": default,
                "CidrBlock": cidr, "DhcpOptionsId": rid("dopt", 0), "State": "available",
                "CidrBlockAssociationSet": [{"AssociationId": rid("vpc-cidr-assoc", n), "CidrBlock": cidr,
                                             "CidrBlockState": {"State": "associated"}}],
                "Tags": tag_list,
            }
            self.vpcs.append(v)
            # Every VPC comes with its default security group and main
            # route table.
            self.groups.append({
                "GroupId": rid("sg", n), "GroupName": "default", "Description": "default VPC security group",
                "VpcId": v["VpcId"], "OwnerId": a,
                "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
                                   "UserIdGroupPairs": [{"GroupId": rid("sg", n), "UserId": a}]}],
                "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                         "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
                "Tags": [],
            })
            self.rtbs.append(route_table(0x10 + n, v["VpcId"], cidr, main=True))
            return v["VpcId"]

        def route_table(n, vpc_id, cidr, main=False, subnet=None, default_route=None, tag_list=()):
            routes = [{"DestinationCidrBlock": cidr, "GatewayId": "local", "Origin": "CreateRouteTable",
                       "State": "active"}]
            if default_route:
                routes.append({"DestinationCidrBlock": "0.0.0.0/0", "Origin": "CreateRoute", "State": "active",
                               **default_route})
            assoc = {"RouteTableAssociationId": rid("rtbassoc", n), "RouteTableId": rid("rtb", n),
                     "AssociationState": {"State": "associated"}, "Main": main}
            if subnet:
                assoc["SubnetId"] = subnet
            return {"RouteTableId": rid("rtb", n), "VpcId": vpc_id, "OwnerId": a, "Routes": routes,
                    "Associations": [assoc], "PropagatingVgws": [], "Tags": list(tag_list)}

        def subnet(n, vpc_id, cidr, az, default, tag_list):
            s = {
                "SubnetId": rid("subnet", n), "VpcId": vpc_id, "CidrBlock": cidr, "AvailabilityZone": az,
                "AvailabilityZoneId": f"{region[:3]}{region[-1]}-az{'abcdef'.index(az[-1]) + 1}",
                "AvailableIpAddressCount": 4091 if default else 251, "DefaultForAz": default,
                "MapPublicIpOnLaunch": default, "State": "available", "OwnerId": a,
                "SubnetArn": f"arn:aws:ec2:{region}:{a}:subnet/{rid('subnet', n)}",
                "AssignIpv6AddressOnCreation": False, "Ipv6CidrBlockAssociationSet": [], "Tags": tag_list,
            }
            self.subnets.append(s)
            return s["SubnetId"]

        default_vpc = vpc(0, "172.31.0.0/16", True, [])
        for i, az in enumerate(azs):
            subnet(0x10 + i, default_vpc, f"172.31.{16 * i}.0/20", az, True, [])
        if not is_member:
            return

        vpcs, subnets = [], []
        for v in range(2):
            vpcs.append(vpc(1 + v, f"10.{v}.0.0/16", False,
                            tags(Name=f"{app}-{env}-{v}", env=env, owner=f"team-{app}")))
            for s in range(2):
                subnets.append(subnet(0x20 + 2 * v + s, vpcs[v], f"10.{v}.{s}.0/24", f"{region}{'ab'[s]}", False,
                                      tags(Name=f"{app}-{env}-{v}-{'ab'[s]}", env=env)))
        groups = []
        for g, purpose in enumerate(["web", "app", "db"]):
            ingress = []
            if purpose == "web":
                ingress = [{"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                            "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []} for p in (443, 80)]
            groups.append({
                "GroupId": rid("sg", 0x10 + g), "GroupName": f"{app}-{purpose}", "Description": f"{purpose} tier",
                "VpcId": vpcs[0], "OwnerId": a, "IpPermissions": ingress,
                "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                         "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
                "Tags": tags(env=env, tier=purpose),
            })
        self.groups += groups
        fronts, web = [], []
        for r in range(4):
            sub = self.subnets[-4 + r % 4]
            for k in range(5):
                iid, vol = rid("i", 0x100 + 16 * r + k), rid("vol", 0x100 + 16 * r + k)
                n = 16 * r + k
                inst = {
                    "InstanceId": iid, "ImageId": "ami-03cf127a",
                    "InstanceType": ["t3.micro", "m5.large", "c5.xlarge", "r5.large"][r],
                    "State": {"Code": 16, "Name": "running"}, "AmiLaunchIndex": k,
                    "PrivateIpAddress": f"10.{sub['CidrBlock'].split('.')[1]}.{r % 2}.{10 + n}",
                    "PrivateDnsName": f"ip-10-0-{r % 2}-{10 + n}.ec2.internal",
                    "SubnetId": sub["SubnetId"], "VpcId": sub["VpcId"],
                    "Placement": {"AvailabilityZone": sub["AvailabilityZone"], "GroupName": "", "Tenancy": "default"},
                    "LaunchTime": T0, "Architecture": "x86_64", "Hypervisor": "xen", "RootDeviceName": "/dev/sda1",
                    "RootDeviceType": "ebs", "VirtualizationType": "hvm", "EbsOptimized": False,
                    "Monitoring": {"State": "disabled"}, "SourceDestCheck": True,
                    "SecurityGroups": [{"GroupId": groups[r % 3]["GroupId"], "GroupName": groups[r % 3]["GroupName"]}],
                    "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {
                        "VolumeId": vol, "Status": "attached", "AttachTime": T0, "DeleteOnTermination": True}}],
                    "Tags": tags(Name=f"{app}-{env}-{r}", env=env, owner=f"team-{app}"),
                }
                self.instances.append((r, inst))
                self.volumes.append({
                    "VolumeId": vol, "Size": 8, "VolumeType": "gp2", "Iops": 100, "Encrypted": False,
                    "AvailabilityZone": sub["AvailabilityZone"], "CreateTime": T0, "State": "in-use",
                    "SnapshotId": "snap-0c9b7e4c1b7e2e1a0", "MultiAttachEnabled": False,
                    "Attachments": [{"AttachTime": T0, "Device": "/dev/sda1", "InstanceId": iid, "State": "attached",
                                     "VolumeId": vol, "DeleteOnTermination": True}],
                })
                if r == 0:
                    web.append(iid)
                if k == 0:
                    fronts.append(inst)
        for d in range(2):
            self.volumes.append({
                "VolumeId": rid("vol", 0x200 + d), "Size": 100 * (d + 1), "VolumeType": "gp3", "Iops": 3000,
                "Throughput": 125, "Encrypted": False, "AvailabilityZone": f"{region}a", "CreateTime": T0,
                "State": "available", "MultiAttachEnabled": False, "Attachments": [],
                "Tags": tags(Name=f"{app}-data-{d}", env=env),
            })
        for n, (purpose, inst) in enumerate([("web", fronts[0]), ("app", fronts[1]), ("spare", None), ("nat", None)]):
            e = {"AllocationId": rid("eipalloc", n), "PublicIp": f"198.51.100.{10 + n}", "Domain": "vpc",
                 "PublicIpv4Pool": "amazon", "NetworkBorderGroup": region,
                 "Tags": tags(Name=f"{app}-{env}-{purpose}-eip", env=env)}
            if inst:
                inst["PublicIpAddress"] = e["PublicIp"]
                e.update(InstanceId=inst["InstanceId"], AssociationId=rid("eipassoc", n),
                         NetworkInterfaceId=rid("eni", n), PrivateIpAddress=inst["PrivateIpAddress"])
            self.addresses.append(e)
        igw = rid("igw", 1)
        self.igws.append({"InternetGatewayId": igw, "OwnerId": a,
                          "Attachments": [{"VpcId": vpcs[0], "State": "available"}],
                          "Tags": tags(Name=f"{app}-{env}-igw", env=env)})
        nat = rid("nat", 1)
        self.nats.append({
            "NatGatewayId": nat, "SubnetId": subnets[0], "VpcId": vpcs[0], "State": "available",
            "ConnectivityType": "public", "CreateTime": T0,
            "NatGatewayAddresses": [{"AllocationId": rid("eipalloc", 3), "NetworkInterfaceId": rid("eni", 9),
                                     "PrivateIp": "10.0.0.9", "PublicIp": "198.51.100.13"}],
            "Tags": tags(Name=f"{app}-{env}-nat", env=env),
        })
        self.rtbs.append(route_table(0x20, vpcs[0], "10.0.0.0/16", subnet=subnets[0],
                                     default_route={"GatewayId": igw},
                                     tag_list=tags(Name=f"{app}-{env}-public", env=env)))
        self.rtbs.append(route_table(0x21, vpcs[0], "10.0.0.0/16", subnet=subnets[1],
                                     default_route={"NatGatewayId": nat},
                                     tag_list=tags(Name=f"{app}-{env}-private", env=env)))
        name = f"{app}-{env}-web"
        lb_arn = f"arn:aws:elasticloadbalancing:{region}:{a}:loadbalancer/app/{name}/{M_CODE}"
        tg_arn = f"arn:aws:elasticloadbalancing:{region}:{a}:targetgroup/{name}/{M_CODE}"
        self.lbs.append({
            "LoadBalancerArn": lb_arn, "LoadBalancerName": name, "Scheme": "internet-facing",
            "DNSName": f"{name}-{M_CODE}.{region}.elb.amazonaws.com", "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K",
            "CreatedTime": T0, "VpcId": vpcs[0], "State": {"Code": "active"}, "Type": "application",
            "IpAddressType": "ipv4", "SecurityGroups": [groups[0]["GroupId"]],
            "AvailabilityZones": [{"ZoneName": f"{region}{'ab'[s]}", "SubnetId": subnets[s],
                                   "LoadBalancerAddresses": []} for s in range(2)],
        })
        self.lb_tags.append({"ResourceArn": lb_arn, "Tags": tags(env=env, owner=f"team-{app}")})
        self.listeners.append({
            "ListenerArn": f"arn:aws:elasticloadbalancing:{region}:{a}:listener/app/{name}/{M_CODE}/{M_CODE}",
            "LoadBalancerArn": lb_arn, "Port": 80, "Protocol": "HTTP",
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg_arn,
                                "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": tg_arn, "Weight": 1}]}}],
        })


class FakeClient:
    """A boto3 client's surface, as far as the exporter's functions call
    it, answering from prepared describe output."""

    class exceptions:  # noqa: N801 (boto3's spelling)
        ClientError = ClientError

    def __init__(self, answers: dict):
        self.answers = answers

    def __getattr__(self, op):
        if op not in self.answers:
            raise AttributeError(op)
        answer = self.answers[op]

        def call(**_kw):
            if isinstance(answer, Exception):
                raise answer
            return answer(**_kw) if callable(answer) else answer

        return call

    def get_paginator(self, op):
        answer = self.answers[op]
        return type("P", (), {"paginate": lambda _self, **_kw: iter([answer])})()


def not_found(code):
    return ClientError({"Error": {"Code": code, "Message": "none"}}, "op")


class FakeAccount:
    """The exporter's ``Account``: an id and clients, here answering the
    describes of one account-region of the synthetic estate."""

    def __init__(self, region: str, is_member: bool, regions: list):
        self.id = M_ACCT
        self.region, self.is_member, self.regions = region, is_member, regions

    def client(self, service: str, region: str = "us-east-1"):
        ec2 = EC2(region, self.is_member)
        a, app, env = M_ACCT, M_APP, M_ENV
        role = f"{app}-{env}-{region}-lambda"
        if service == "ec2":
            empty = {
                "describe_egress_only_internet_gateways": {"EgressOnlyInternetGateways": []},
                "describe_vpc_endpoints": {"VpcEndpoints": []},
                "describe_vpc_peering_connections": {"VpcPeeringConnections": []},
                "describe_transit_gateways": {"TransitGateways": []},
                "describe_transit_gateway_vpc_attachments": {"TransitGatewayVpcAttachments": []},
                "describe_transit_gateway_route_tables": {"TransitGatewayRouteTables": []},
            }
            by_reservation = {}
            for r, inst in ec2.instances:
                by_reservation.setdefault(r, []).append(inst)
            return FakeClient({
                **empty,
                "describe_instances": {"Reservations": [
                    {"ReservationId": rid("r", r), "OwnerId": a, "Instances": insts}
                    for r, insts in by_reservation.items()]},
                "describe_vpcs": {"Vpcs": ec2.vpcs},
                "describe_subnets": {"Subnets": ec2.subnets},
                "describe_security_groups": {"SecurityGroups": ec2.groups},
                "describe_volumes": {"Volumes": ec2.volumes},
                "describe_addresses": {"Addresses": ec2.addresses},
                "describe_internet_gateways": {"InternetGateways": ec2.igws},
                "describe_nat_gateways": {"NatGateways": ec2.nats},
                "describe_route_tables": {"RouteTables": ec2.rtbs},
            })
        if service == "elbv2":
            return FakeClient({
                "describe_load_balancers": {"LoadBalancers": ec2.lbs},
                "describe_tags": {"TagDescriptions": ec2.lb_tags},
                "describe_listeners": {"Listeners": ec2.listeners},
            })
        if service == "lambda":
            fns = []
            if self.is_member:
                name = f"{app}-{env}-handler"
                fns.append({
                    "FunctionName": name, "FunctionArn": f"arn:aws:lambda:{region}:{a}:function:{name}",
                    "Runtime": "python3.12", "Role": f"arn:aws:iam::{a}:role/{role}", "Handler": "app.handler",
                    "CodeSize": 1024, "Description": f"{app} events", "Timeout": 30, "MemorySize": 256,
                    "LastModified": "2026-01-01T00:00:00.000+0000", "CodeSha256": "bench", "Version": "$LATEST",
                    "PackageType": "Zip", "Architectures": ["x86_64"], "TracingConfig": {"Mode": "PassThrough"},
                    "EphemeralStorage": {"Size": 512},
                })
            return FakeClient({"list_functions": {"Functions": fns}, "list_tags": {"Tags": {"env": env}}})
        if service == "s3":
            buckets = []
            if self.is_member:
                buckets.append({"Name": f"{app}-{env}-{a}-{self.region}", "CreationDate": T0})
            return FakeClient({
                "list_buckets": {"Buckets": buckets, "Owner": {"DisplayName": "bench", "ID": "0" * 64}},
                "get_bucket_location": {"LocationConstraint": None if self.region == "us-east-1" else self.region},
                "get_bucket_versioning": {"Status": "Enabled"},
                "get_public_access_block": {"PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True}},
                "get_bucket_encryption": {"ServerSideEncryptionConfiguration": {"Rules": [
                    {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]}},
                "get_bucket_policy": not_found("NoSuchBucketPolicy"),
                "get_bucket_tagging": {"TagSet": tags(env=env, owner=f"team-{app}")},
            })
        if service == "iam":
            roles = []
            if self.is_member:
                for n, r in enumerate(self.regions):
                    name = f"{app}-{env}-{r}-lambda"
                    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                             "Principal": {"Service": "lambda.amazonaws.com"}}]}
                    logs = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*",
                            "Resource": f"arn:aws:logs:{r}:{a}:*"}]}
                    roles.append({
                        "Path": "/", "RoleName": name, "RoleId": f"AROA{M_CODE}{n:04d}",
                        "Arn": f"arn:aws:iam::{a}:role/{name}", "CreateDate": T0,
                        "AssumeRolePolicyDocument": urllib.parse.quote(json.dumps(trust)),
                        "InstanceProfileList": [],
                        "RolePolicyList": [{"PolicyName": "logs", "PolicyDocument": urllib.parse.quote(json.dumps(logs))}],
                        "AttachedManagedPolicies": [{
                            "PolicyName": "AWSLambdaBasicExecutionRole",
                            "PolicyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}],
                        "Tags": tags(env=env), "RoleLastUsed": {},
                    })
            return FakeClient({
                "get_account_authorization_details": {"RoleDetailList": roles, "UserDetailList": [],
                                                      "GroupDetailList": [], "Policies": []},
                "list_role_tags": {"Tags": tags(env=env)},
            })
        raise ValueError(f"no fake {service} client")


# --- templates ------------------------------------------------------------------


def compile_item(item: dict) -> str:
    """An item as a ``str.format`` template of its JSON text *as a JSON
    string literal* (the form it takes inside ``Results``)."""
    literal = json.dumps(json.dumps(item, separators=(",", ":")))
    literal = literal.replace("{", "{{").replace("}", "}}")
    return MARKERS.sub(lambda m: "{" + m.group(1) + "}", literal)


class Estate:
    """A accounts x R regions, answered on demand (see the module doc)."""

    def __init__(self, accounts: int, regions: list):
        self.regions = list(regions)
        self.members = [member(i) for i in range(accounts)]
        self.accounts = [{"id": MANAGEMENT, "name": "management", "email": "aws+management@example.com",
                          "ou": None, "app": "platform", "env": "management", "tags": {}}] + self.members
        # templates[(is_member, region)][type] = [format string per item]
        self.templates: dict = {}
        for is_member in (False, True):
            for region in self.regions + [GLOBAL]:
                acct = FakeAccount(region if region != GLOBAL else "us-east-1", is_member, self.regions)
                if region == GLOBAL:
                    items = cx.iam_items(acct)
                else:
                    items = (cx.ec2_items(acct, region) + cx.elb_items(acct, region)
                             + cx.lambda_items(acct, region) + cx.s3_items(acct, {region}))
                by_type: dict = {}
                for it in items:
                    assert it["awsRegion"] == region, it
                    by_type.setdefault(it["resourceType"], []).append(compile_item(it))
                self.templates[(is_member, region)] = by_type

    def types(self) -> list:
        return sorted({t for by in self.templates.values() for t in by})

    def per_account(self, resource_type: str, region: str) -> tuple:
        """(items in the management account, items in each member)."""
        return (len(self.templates[(False, region)].get(resource_type, [])),
                len(self.templates[(True, region)].get(resource_type, [])))

    def count(self, resource_type: str, region: str) -> int:
        m, each = self.per_account(resource_type, region)
        return m + each * len(self.members)

    def page(self, resource_type: str, region: str, start: int, limit: int) -> list:
        """Items [start, start+limit) of the query's answer, in account
        order (management first), as JSON string literals."""
        if (True, region) not in self.templates:
            return []
        mgmt = self.templates[(False, region)].get(resource_type, [])
        each = self.templates[(True, region)].get(resource_type, [])
        slot = 15 if region == GLOBAL else self.regions.index(region)
        total = len(mgmt) + len(each) * len(self.members)
        out = []
        for n in range(start, min(start + limit, total)):
            if n < len(mgmt):
                index, tmpl = 0, mgmt[n]
            else:
                k, j = divmod(n - len(mgmt), len(each))
                index, tmpl = k + 1, each[j]
            acct = self.accounts[index]
            out.append(tmpl.format(ACCT=acct["id"], CODE=code(index, slot), APP=acct["app"], ENV=acct["env"]))
        return out

    def expected(self) -> dict:
        """{account id: {kind: count}} of everything generated."""
        out = {}
        for index, acct in enumerate(self.accounts):
            counts = out.setdefault(acct["id"], {})
            for (is_member, _region), by_type in self.templates.items():
                if is_member != (index > 0):
                    continue
                for t, tmpls in by_type.items():
                    counts[KIND_OF[t]] = counts.get(KIND_OF[t], 0) + len(tmpls)
        return out


if __name__ == "__main__":
    # A look at one member's items: python estate.py [TYPE] [REGION]
    e = Estate(2, ["us-east-1", "eu-west-1"])
    t = sys.argv[1] if len(sys.argv) > 1 else "AWS::EC2::Instance"
    r = sys.argv[2] if len(sys.argv) > 2 else "us-east-1"
    print({k: e.per_account(k, r) for k in e.types()}, file=sys.stderr)
    first = json.loads(json.loads(e.page(t, r, e.per_account(t, r)[0], 1)[0]))
    print(json.dumps(first, indent=1))
