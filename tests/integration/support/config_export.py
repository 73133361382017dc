"""Export an estate seeded in moto as AWS Config configuration items.

moto has no AWS Config aggregator, so the aggregator source's differential
test builds one: this script reads each account and region from moto with
boto3, as any AWS client would, and writes what an aggregator's advanced
query (``SELECT *``) would return for every resource type orgscope reads
from Config, **in AWS's own item format**. The test then serves these items
from the fault proxy and requires orgscope to read the same estate from
them as its crawl read from the services' APIs.

Why a separate program in another language: the point of the test is two
independent readings of AWS's format. This file is written from AWS's
published material only (the Config API Reference, the developer guide's
example items, and the property schemas of ``awslabs/aws-config-resource-
schema``), never from orgscope's Rust mappers, so a mapper that misreads
the format disagrees with it instead of agreeing with itself.

How Config writes ``configuration`` (checked type by type against the
schema repository, see ``TYPES`` below):

* most types: the service's describe output, keys turned to lower camel
  case the way AWS's Java models serialise them. Two spellings exist:
  ``first`` lowers only the first letter (EC2, RDS DB instances, ELBv2
  load balancers: ``dBInstanceIdentifier``, ``dNSName``); ``jackson``
  lowers the whole leading run of capitals (RDS clusters, Lambda,
  DynamoDB: ``dbclusterIdentifier``, ``kmskeyArn``, ``ssedescription``);
* some types are CloudFormation-shaped (PascalCase, CloudFormation's
  property names): Transit Gateway and its attachment and route table,
  ELBv2 listeners, EKS clusters;
* IAM types are ``GetAccountAuthorizationDetails``' shape with policy
  documents URL-encoded, as IAM itself sends them, region ``global``;
* S3 buckets carry their settings in ``supplementaryConfiguration``.

Times are RFC 3339 in UTC with milliseconds, as Config writes them; moto's
times carry microseconds real AWS never has, and those are kept rather
than cut, so the export does not invent a difference AWS cannot show.

Usage (the tests run it with the project venv's python)::

    python config_export.py --endpoint http://127.0.0.1:PORT \\
        --account 123456789012 --account 210987654321 \\
        --region us-east-1 --region eu-west-1 --out items.json

The output is a JSON list of items (objects); ``--check-fixtures DIR``
instead compares the key shape of a sample export against AWS's example
items in DIR (see ``check_fixtures``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import urllib.parse
from pathlib import Path

import boto3
from botocore import handlers
from botocore.config import Config

ACCESS_KEY = "testing"
MANAGEMENT_ACCOUNT = "123456789012"
ROLE = "OrganizationAccountAccessRole"
# Every item of one export is captured at the same moment: Config's
# capture times vary, and the differential test ignores them.
CAPTURE_TIME = "2026-01-01T00:00:00.000Z"
NOT_APPLICABLE = "Not Applicable"
# Config's own value for every IAM item's region.
GLOBAL = "global"


# --- keys and values -------------------------------------------------------


def first(name: str) -> str:
    """Lower the first letter only (``DNSName`` -> ``dNSName``): how the EC2,
    RDS instance and ELBv2 load balancer items spell their keys."""
    return name[:1].lower() + name[1:]


def jackson(name: str) -> str:
    """Lower the leading run of capitals (``DBClusterIdentifier`` ->
    ``dbclusterIdentifier``, ``KMSKeyArn`` -> ``kmskeyArn``): Jackson's
    bean naming, which the RDS cluster, Lambda and DynamoDB items show."""
    i = 0
    while i < len(name) and name[i].isupper():
        i += 1
    return name[:i].lower() + name[i:]


def time_text(t: dt.datetime) -> str:
    """Config's time: UTC, milliseconds (finer fractions kept, see the
    module doc)."""
    t = t.astimezone(dt.timezone.utc)
    frac = f"{t.microsecond // 1000:03d}" if t.microsecond % 1000 == 0 else f"{t.microsecond:06d}"
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + frac + "Z"


def convert(value, rename):
    """A boto3 value as Config writes it: keys renamed by ``rename``, times
    as text, everything else as is."""
    if isinstance(value, dict):
        return {rename(k): convert(v, rename) for k, v in value.items()}
    if isinstance(value, list):
        return [convert(v, rename) for v in value]
    if isinstance(value, dt.datetime):
        return time_text(value)
    return value


def plain(value):
    """PascalCase kept (CloudFormation-shaped types), times as text."""
    return convert(value, lambda k: k)


def tag_list(tags) -> list:
    """The item's ``tags`` as the advanced query returns them:
    ``[{key, value}]``, from any of AWS's tag spellings."""
    if isinstance(tags, dict):
        return [{"key": k, "value": v} for k, v in tags.items()]
    return [{"key": t.get("Key", t.get("key")), "value": t.get("Value", t.get("value", ""))} for t in tags or []]


def url_encoded(document: str) -> str:
    """A policy document as IAM (and so Config) sends it: URL-encoded JSON
    text, spaces as ``%20``."""
    return urllib.parse.quote(document, safe="-_.~")


def item(account, region, resource_type, resource_id, name, arn, configuration, *,
         tags=(), az=NOT_APPLICABLE, created=None, relationships=(), supplementary=None):
    """One configuration item in the advanced query's ``SELECT *`` shape
    (the schema repository's top-level properties)."""
    state = hashlib.sha1(f"{account}/{region}/{resource_type}/{resource_id}".encode()).hexdigest()
    return {
        "version": "1.3",
        "accountId": account,
        "configurationItemCaptureTime": CAPTURE_TIME,
        "configurationItemStatus": "OK",
        "configurationStateId": str(int(state[:12], 16)),
        "arn": arn,
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": name,
        "awsRegion": region,
        "availabilityZone": az,
        "resourceCreationTime": created,
        "tags": tag_list(tags),
        "relationships": list(relationships),
        "configuration": configuration,
        "supplementaryConfiguration": supplementary or {},
    }


def rel(resource_type, resource_id, name):
    """A relationship as Config names them (``Is contained in Vpc``)."""
    return {"resourceType": resource_type, "resourceId": resource_id, "resourceName": None,
            "relationshipName": name}


# --- reaching moto ----------------------------------------------------------


class Account:
    """boto3 clients of one account: its own keys (moto routes a call to
    the account whose AssumeRole issued the key), the base ones for the
    management account — how the seeding reaches each account too."""

    def __init__(self, endpoint: str, account: str):
        self.endpoint = endpoint
        self.id = account
        base = dict(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=ACCESS_KEY)
        if account == MANAGEMENT_ACCOUNT:
            self.keys = base
        else:
            sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", **base)
            c = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="config-export"
            )["Credentials"]
            self.keys = dict(
                aws_access_key_id=c["AccessKeyId"],
                aws_secret_access_key=c["SecretAccessKey"],
                aws_session_token=c["SessionToken"],
            )

    def client(self, service: str, region: str = "us-east-1"):
        # Path-style S3: an emulator on loopback has no bucket host names.
        conf = Config(s3={"addressing_style": "path"})
        c = boto3.client(service, endpoint_url=self.endpoint, region_name=region, config=conf, **self.keys)
        if service == "iam":
            # The documents' own text is what Config carries (URL-encoded);
            # botocore would parse them into dicts and lose it.
            c.meta.events.unregister("after-call.iam", handlers.json_decode_policies)
        return c


# --- EC2 -------------------------------------------------------------------


def ec2_arn(region, account, kind, rid):
    return f"arn:aws:ec2:{region}:{account}:{kind}/{rid}"


def name_tag(tags):
    return next((t["Value"] for t in tags or [] if t.get("Key") == "Name"), None)


def security_group_configuration(group: dict) -> dict:
    """A group as Config writes it: AWS's Java model lists each rule's IPv4
    ranges twice, as ``ipv4Ranges`` objects and as ``ipRanges`` texts."""
    conf = convert(group, first)
    for key in ("ipPermissions", "ipPermissionsEgress"):
        for perm in conf.get(key, []):
            ranges = perm.pop("ipRanges", [])
            perm["ipv4Ranges"] = ranges
            perm["ipRanges"] = [r["cidrIp"] for r in ranges]
            for k in ("ipv6Ranges", "prefixListIds", "userIdGroupPairs"):
                perm.setdefault(k, [])
    return conf


def ec2_items(acct: Account, region: str) -> list:
    ec2 = acct.client("ec2", region)
    a = acct.id
    out = []

    def add(rtype, rid, kind, obj, *, az=NOT_APPLICABLE, created=None, relationships=(), conf=None):
        tags = obj.get("Tags", [])
        conf = conf if conf is not None else convert(obj, first)
        # AWS's Java model writes every member, empty or not: an EC2 item
        # always has its `tags` list, where a describe answer leaves the
        # key out when there are none.
        conf.setdefault("tags", [])
        out.append(item(a, region, rtype, rid, name_tag(tags), ec2_arn(region, a, kind, rid),
                        conf, tags=tags, az=az,
                        created=created, relationships=relationships))

    for res in ec2.describe_instances()["Reservations"]:
        for i in res["Instances"]:
            rels = [rel("AWS::EC2::Subnet", i.get("SubnetId"), "Is contained in Subnet"),
                    rel("AWS::EC2::VPC", i.get("VpcId"), "Is contained in Vpc")]
            rels += [rel("AWS::EC2::SecurityGroup", g["GroupId"], "Is associated with SecurityGroup")
                     for g in i.get("SecurityGroups", [])]
            rels += [rel("AWS::EC2::Volume", b["Ebs"]["VolumeId"], "Is attached to Volume")
                     for b in i.get("BlockDeviceMappings", []) if "Ebs" in b]
            add("AWS::EC2::Instance", i["InstanceId"], "instance", i,
                az=i.get("Placement", {}).get("AvailabilityZone", NOT_APPLICABLE),
                created=time_text(i["LaunchTime"]) if "LaunchTime" in i else None,
                relationships=[r for r in rels if r["resourceId"]])
    for v in ec2.describe_vpcs()["Vpcs"]:
        add("AWS::EC2::VPC", v["VpcId"], "vpc", v)
    for s in ec2.describe_subnets()["Subnets"]:
        add("AWS::EC2::Subnet", s["SubnetId"], "subnet", s, az=s["AvailabilityZone"],
            relationships=[rel("AWS::EC2::VPC", s["VpcId"], "Is contained in Vpc")])
    for g in ec2.describe_security_groups()["SecurityGroups"]:
        rels = [rel("AWS::EC2::VPC", g["VpcId"], "Is contained in Vpc")] if g.get("VpcId") else []
        add("AWS::EC2::SecurityGroup", g["GroupId"], "security-group", g,
            conf=security_group_configuration(g), relationships=rels)
    for v in ec2.describe_volumes()["Volumes"]:
        conf = convert(v, first)
        # EC2 answers "" for a volume made from no snapshot (moto leaves
        # the key out), and every attachment has its deletion flag (null
        # here when moto does not say: not a value to invent).
        conf.setdefault("snapshotId", "")
        for x in conf.get("attachments", []):
            x.setdefault("deleteOnTermination", None)
        rels = [rel("AWS::EC2::Instance", x["InstanceId"], "Is attached to Instance")
                for x in v.get("Attachments", [])]
        add("AWS::EC2::Volume", v["VolumeId"], "volume", v, conf=conf, az=v["AvailabilityZone"],
            created=time_text(v["CreateTime"]), relationships=rels)
    for e in ec2.describe_addresses()["Addresses"]:
        if "AllocationId" not in e:
            continue  # EC2-Classic addresses: Config records VPC ones by allocation id
        rels = []
        if e.get("InstanceId"):
            rels.append(rel("AWS::EC2::Instance", e["InstanceId"], "Is attached to Instance"))
        if e.get("NetworkInterfaceId"):
            rels.append(rel("AWS::EC2::NetworkInterface", e["NetworkInterfaceId"],
                            "Is attached to NetworkInterface"))
        add("AWS::EC2::EIP", e["AllocationId"], "elastic-ip", e, relationships=rels)
    for g in ec2.describe_internet_gateways()["InternetGateways"]:
        add("AWS::EC2::InternetGateway", g["InternetGatewayId"], "internet-gateway", g,
            relationships=[rel("AWS::EC2::VPC", x["VpcId"], "Is attached to Vpc")
                           for x in g.get("Attachments", [])])
    for g in ec2.describe_egress_only_internet_gateways()["EgressOnlyInternetGateways"]:
        add("AWS::EC2::EgressOnlyInternetGateway", g["EgressOnlyInternetGatewayId"],
            "egress-only-internet-gateway", g,
            relationships=[rel("AWS::EC2::VPC", x["VpcId"], "Is attached to Vpc")
                           for x in g.get("Attachments", [])])
    for n in ec2.describe_nat_gateways()["NatGateways"]:
        add("AWS::EC2::NatGateway", n["NatGatewayId"], "natgateway", n,
            created=time_text(n["CreateTime"]) if "CreateTime" in n else None,
            relationships=[rel("AWS::EC2::VPC", n["VpcId"], "Is contained in Vpc"),
                           rel("AWS::EC2::Subnet", n["SubnetId"], "Is contained in Subnet")])
    for t in ec2.describe_route_tables()["RouteTables"]:
        rels = [rel("AWS::EC2::VPC", t["VpcId"], "Is contained in Vpc")]
        rels += [rel("AWS::EC2::Subnet", x["SubnetId"], "Is associated with Subnet")
                 for x in t.get("Associations", []) if x.get("SubnetId")]
        add("AWS::EC2::RouteTable", t["RouteTableId"], "route-table", t, relationships=rels)
    for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]:
        add("AWS::EC2::VPCEndpoint", e["VpcEndpointId"], "vpc-endpoint", e,
            created=time_text(e["CreationTimestamp"]) if "CreationTimestamp" in e else None,
            relationships=[rel("AWS::EC2::VPC", e["VpcId"], "Is contained in Vpc")])
    for p in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]:
        add("AWS::EC2::VPCPeeringConnection", p["VpcPeeringConnectionId"], "vpc-peering-connection", p)
    out += transit_gateway_items(ec2, a, region)
    return out


def transit_gateway_items(ec2, a, region) -> list:
    """Transit Gateway types are CloudFormation-shaped in Config (the
    schema lists ``Id``, ``AmazonSideAsn``, ``DefaultRouteTableAssociation``
    …, and no state): the describe output re-spelt as the CloudFormation
    resource's properties."""
    out = []
    for g in ec2.describe_transit_gateways()["TransitGateways"]:
        o = g.get("Options", {})
        conf = {
            "Id": g["TransitGatewayId"],
            "Description": g.get("Description"),
            "AmazonSideAsn": o.get("AmazonSideAsn"),
            "AutoAcceptSharedAttachments": o.get("AutoAcceptSharedAttachments"),
            "DefaultRouteTableAssociation": o.get("DefaultRouteTableAssociation"),
            "DefaultRouteTablePropagation": o.get("DefaultRouteTablePropagation"),
            "AssociationDefaultRouteTableId": o.get("AssociationDefaultRouteTableId"),
            "PropagationDefaultRouteTableId": o.get("PropagationDefaultRouteTableId"),
            "DnsSupport": o.get("DnsSupport"),
            "VpnEcmpSupport": o.get("VpnEcmpSupport"),
            "MulticastSupport": o.get("MulticastSupport"),
            "TransitGatewayCidrBlocks": o.get("TransitGatewayCidrBlocks", []),
            "Tags": g.get("Tags", []),
        }
        out.append(item(a, region, "AWS::EC2::TransitGateway", g["TransitGatewayId"], name_tag(g.get("Tags")),
                        g.get("TransitGatewayArn") or ec2_arn(region, a, "transit-gateway", g["TransitGatewayId"]),
                        {k: v for k, v in conf.items() if v is not None}, tags=g.get("Tags", []),
                        created=time_text(g["CreationTime"]) if "CreationTime" in g else None))
    for x in ec2.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"]:
        rid = x["TransitGatewayAttachmentId"]
        conf = {
            "Id": rid,
            "TransitGatewayId": x["TransitGatewayId"],
            "VpcId": x["VpcId"],
            "SubnetIds": x.get("SubnetIds", []),
            "Tags": x.get("Tags", []),
        }
        if x.get("Options"):
            conf["Options"] = plain(x["Options"])
        out.append(item(a, region, "AWS::EC2::TransitGatewayAttachment", rid, name_tag(x.get("Tags")),
                        ec2_arn(region, a, "transit-gateway-attachment", rid), conf, tags=x.get("Tags", []),
                        relationships=[rel("AWS::EC2::VPC", x["VpcId"], "Is associated with Vpc"),
                                       rel("AWS::EC2::TransitGateway", x["TransitGatewayId"],
                                           "Is attached to TransitGateway")]))
    for t in ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]:
        rid = t["TransitGatewayRouteTableId"]
        conf = {"Id": rid, "TransitGatewayId": t["TransitGatewayId"], "Tags": t.get("Tags", [])}
        out.append(item(a, region, "AWS::EC2::TransitGatewayRouteTable", rid, name_tag(t.get("Tags")),
                        ec2_arn(region, a, "transit-gateway-route-table", rid), conf, tags=t.get("Tags", [])))
    return out


# --- ELBv2, RDS, Lambda, EKS, DynamoDB -------------------------------------


def elb_items(acct: Account, region: str) -> list:
    """Load balancers are the describe output spelt ``first`` (``dNSName``);
    listeners are CloudFormation-shaped (``ListenerArn``, ``DefaultActions``),
    which the describe output already is. Target groups are not recorded
    by AWS Config (the schema repository has no such type)."""
    elb = acct.client("elbv2", region)
    out = []
    lbs = elb.describe_load_balancers()["LoadBalancers"]
    arns = [lb["LoadBalancerArn"] for lb in lbs]
    tags = {}
    if arns:
        for d in elb.describe_tags(ResourceArns=arns)["TagDescriptions"]:
            tags[d["ResourceArn"]] = d.get("Tags", [])
    for lb in lbs:
        arn = lb["LoadBalancerArn"]
        rels = [rel("AWS::EC2::VPC", lb["VpcId"], "Is contained in Vpc")] if lb.get("VpcId") else []
        rels += [rel("AWS::EC2::Subnet", z["SubnetId"], "Is attached to Subnet")
                 for z in lb.get("AvailabilityZones", [])]
        rels += [rel("AWS::EC2::SecurityGroup", g, "Is associated with SecurityGroup")
                 for g in lb.get("SecurityGroups", [])]
        out.append(item(acct.id, region, "AWS::ElasticLoadBalancingV2::LoadBalancer", arn,
                        lb["LoadBalancerName"], arn, convert(lb, first), tags=tags.get(arn, []),
                        az="Multiple Availability Zones", created=time_text(lb["CreatedTime"]),
                        relationships=rels))
        for ln in elb.describe_listeners(LoadBalancerArn=arn)["Listeners"]:
            out.append(item(acct.id, region, "AWS::ElasticLoadBalancingV2::Listener", ln["ListenerArn"],
                            None, ln["ListenerArn"], plain(ln),
                            relationships=[rel("AWS::ElasticLoadBalancingV2::LoadBalancer", arn,
                                               "Is attached to LoadBalancer")]))
    return out


def rds_items(acct: Account, region: str) -> list:
    """A DB instance is keyed by its ``DbiResourceId`` and spelt ``first``
    (``dBInstanceIdentifier``); a cluster by its ``DbClusterResourceId``
    and spelt ``jackson`` (``dbclusterIdentifier``), where AWS's Java model
    also writes each member's writer flag twice (``isClusterWriter`` and
    ``clusterWriter``)."""
    rds = acct.client("rds", region)
    out = []
    for d in rds.describe_db_instances()["DBInstances"]:
        rels = []
        sg = d.get("DBSubnetGroup")
        if sg:
            rels.append(rel("AWS::EC2::VPC", sg.get("VpcId"), "Is contained in Vpc"))
        rels += [rel("AWS::EC2::SecurityGroup", g["VpcSecurityGroupId"], "Is associated with SecurityGroup")
                 for g in d.get("VpcSecurityGroups", [])]
        out.append(item(acct.id, region, "AWS::RDS::DBInstance", d["DbiResourceId"], d["DBInstanceIdentifier"],
                        d["DBInstanceArn"], convert(d, first), tags=d.get("TagList", []),
                        az=d.get("AvailabilityZone", NOT_APPLICABLE),
                        created=time_text(d["InstanceCreateTime"]) if "InstanceCreateTime" in d else None,
                        relationships=[r for r in rels if r["resourceId"]]))
    for c in rds.describe_db_clusters()["DBClusters"]:
        conf = convert(c, jackson)
        for m in conf.get("dbclusterMembers", []):
            m["clusterWriter"] = m.get("isClusterWriter")
        out.append(item(acct.id, region, "AWS::RDS::DBCluster", c["DbClusterResourceId"], c["DBClusterIdentifier"],
                        c["DBClusterArn"], conf, tags=c.get("TagList", []), az="Multiple Availability Zones",
                        created=time_text(c["ClusterCreateTime"]) if "ClusterCreateTime" in c else None))
    return out


def lambda_items(acct: Account, region: str) -> list:
    """A function is ``GetFunction``'s configuration spelt ``jackson``
    (``kmskeyArn``), keyed by its name; its tags come from ``ListTags``."""
    lam = acct.client("lambda", region)
    out = []
    for f in lam.list_functions()["Functions"]:
        tags = lam.list_tags(Resource=f["FunctionArn"]).get("Tags", {})
        rels = [rel("AWS::IAM::Role", None, "Is associated with Role")]
        rels[0]["resourceName"] = f["Role"].rsplit("/", 1)[-1]
        vpc = f.get("VpcConfig") or {}
        rels += [rel("AWS::EC2::Subnet", s, "Is contained in Subnet") for s in vpc.get("SubnetIds", [])]
        rels += [rel("AWS::EC2::SecurityGroup", g, "Is associated with SecurityGroup")
                 for g in vpc.get("SecurityGroupIds", [])]
        out.append(item(acct.id, region, "AWS::Lambda::Function", f["FunctionName"], f["FunctionName"],
                        f["FunctionArn"], convert(f, jackson), tags=tags, relationships=rels,
                        supplementary={"Tags": tags}))
    return out


def eks_items(acct: Account, region: str) -> list:
    """A cluster is CloudFormation-shaped (``Name``, ``RoleArn``,
    ``ResourcesVpcConfig`` with ``SubnetIds``, ``EndpointPublicAccess`` …),
    keyed by its name."""
    eks = acct.client("eks", region)
    out = []
    for name in eks.list_clusters()["clusters"]:
        c = eks.describe_cluster(name=name)["cluster"]
        vpc = c.get("resourcesVpcConfig", {})
        conf = {
            "Name": c["name"],
            "Arn": c["arn"],
            "RoleArn": c.get("roleArn"),
            "Version": c.get("version"),
            "Endpoint": c.get("endpoint"),
            "ClusterStatus": c.get("status"),
            "CertificateAuthorityData": c.get("certificateAuthority", {}).get("data"),
            "ResourcesVpcConfig": {
                "SubnetIds": vpc.get("subnetIds", []),
                "SecurityGroupIds": vpc.get("securityGroupIds", []),
                "EndpointPublicAccess": vpc.get("endpointPublicAccess"),
                "EndpointPrivateAccess": vpc.get("endpointPrivateAccess"),
                "PublicAccessCidrs": vpc.get("publicAccessCidrs", []),
            },
            "Tags": [{"Key": k, "Value": v} for k, v in (c.get("tags") or {}).items()],
        }
        out.append(item(acct.id, region, "AWS::EKS::Cluster", c["name"], c["name"], c["arn"],
                        {k: v for k, v in conf.items() if v is not None}, tags=c.get("tags") or {},
                        created=time_text(c["createdAt"]) if "createdAt" in c else None))
    return out


def dynamodb_items(acct: Account, region: str) -> list:
    """A table is ``DescribeTable``'s output spelt ``jackson``
    (``ssedescription``, ``kmsmasterKeyArn``), keyed by its name, with its
    continuous backups in ``supplementaryConfiguration``."""
    ddb = acct.client("dynamodb", region)
    out = []
    for name in ddb.list_tables()["TableNames"]:
        t = ddb.describe_table(TableName=name)["Table"]
        tags = ddb.list_tags_of_resource(ResourceArn=t["TableArn"]).get("Tags", [])
        out.append(item(acct.id, region, "AWS::DynamoDB::Table", name, name, t["TableArn"],
                        convert(t, jackson), tags=tags,
                        created=time_text(t["CreationDateTime"]) if "CreationDateTime" in t else None))
    return out


# --- S3 (each bucket in its own region) -------------------------------------


def s3_items(acct: Account, regions) -> list:
    """A bucket's ``configuration`` is small (name, owner, creation date);
    what matters is in ``supplementaryConfiguration``, one object per
    setting as the advanced query returns them: versioning, public access
    block, default encryption, and the policy's text (not URL-encoded)."""
    s3 = acct.client("s3")
    listing = s3.list_buckets()
    owner = listing.get("Owner", {})
    out = []
    for b in listing["Buckets"]:
        name = b["Name"]
        region = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
        if region not in regions:
            continue
        sup = {}
        try:
            v = s3.get_bucket_versioning(Bucket=name)
            sup["BucketVersioningConfiguration"] = {"status": v.get("Status", "Off"),
                                                    "isMfaDeleteEnabled": v.get("MFADelete") == "Enabled"}
        except Exception as e:  # moto's answer is one botocore may refuse
            sup["BucketVersioningConfiguration"] = {"status": "Off", "isMfaDeleteEnabled": None}
            print(f"config_export: versioning of {name} unreadable: {e}", file=sys.stderr)
        try:
            pab = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
            sup["PublicAccessBlockConfiguration"] = convert(pab, first)
        except s3.exceptions.ClientError:
            pass
        try:
            enc = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]
            conf = convert(enc, first)
            for r in conf.get("rules", []):
                d = r.get("applyServerSideEncryptionByDefault")
                if d and "kMSMasterKeyID" in d:
                    d["kmsMasterKeyID"] = d.pop("kMSMasterKeyID")
                if d and "sSEAlgorithm" in d:
                    d["sseAlgorithm"] = d.pop("sSEAlgorithm")
            sup["ServerSideEncryptionConfiguration"] = conf
        except s3.exceptions.ClientError:
            pass
        try:
            sup["BucketPolicy"] = {"policyText": s3.get_bucket_policy(Bucket=name)["Policy"]}
        except s3.exceptions.ClientError:
            sup["BucketPolicy"] = {"policyText": None}
        try:
            tags = s3.get_bucket_tagging(Bucket=name).get("TagSet", [])
        except s3.exceptions.ClientError:
            tags = []
        conf = {"name": name, "owner": {"displayName": owner.get("DisplayName"), "id": owner.get("ID")},
                "creationDate": time_text(b["CreationDate"])}
        out.append(item(acct.id, region, "AWS::S3::Bucket", name, name, f"arn:aws:s3:::{name}", conf,
                        tags=tags, created=time_text(b["CreationDate"]), supplementary=sup))
    return out


# --- IAM (global) -------------------------------------------------------------


def document_text(raw) -> str:
    """A document's JSON text from IAM's answer: URL-encoded as AWS sends
    it (moto's trust policies come plain)."""
    if isinstance(raw, dict):
        return json.dumps(raw)
    text = raw.strip()
    return text if text.startswith("{") else urllib.parse.unquote(text)


def iam_items(acct: Account) -> list:
    """Roles, users, groups and customer-managed policies from
    ``GetAccountAuthorizationDetails``, spelt lower camel case, every
    policy document URL-encoded as IAM (and Config) writes it."""
    iam = acct.client("iam")
    details = {"RoleDetailList": [], "UserDetailList": [], "GroupDetailList": [], "Policies": []}
    for page in iam.get_paginator("get_account_authorization_details").paginate(
            Filter=["Role", "User", "Group", "LocalManagedPolicy"]):
        for k in details:
            details[k] += page.get(k, [])
    a = acct.id
    out = []

    def inline(lst):
        return [{"policyName": p["PolicyName"], "policyDocument": url_encoded(document_text(p["PolicyDocument"]))}
                for p in lst or []]

    def managed(lst):
        return [{"policyArn": p["PolicyArn"], "policyName": p["PolicyName"]} for p in lst or []]

    for r in details["RoleDetailList"]:
        tags = iam.list_role_tags(RoleName=r["RoleName"]).get("Tags", [])
        conf = {
            "path": r["Path"], "roleName": r["RoleName"], "roleId": r["RoleId"], "arn": r["Arn"],
            "createDate": time_text(r["CreateDate"]),
            "assumeRolePolicyDocument": url_encoded(document_text(r["AssumeRolePolicyDocument"])),
            "instanceProfileList": convert(r.get("InstanceProfileList", []), first),
            "rolePolicyList": inline(r.get("RolePolicyList")),
            "attachedManagedPolicies": managed(r.get("AttachedManagedPolicies")),
            "permissionsBoundary": convert(r["PermissionsBoundary"], first) if r.get("PermissionsBoundary") else None,
            "tags": tag_list(tags),
            "roleLastUsed": convert(r["RoleLastUsed"], first) if r.get("RoleLastUsed") else None,
        }
        out.append(item(a, GLOBAL, "AWS::IAM::Role", r["RoleId"], r["RoleName"], r["Arn"], conf, tags=tags,
                        created=time_text(r["CreateDate"]),
                        relationships=[rel("AWS::IAM::Policy", None, "Is attached to CustomerManagedPolicy")
                                       | {"resourceName": p["PolicyName"]}
                                       for p in r.get("AttachedManagedPolicies", [])]))
    for u in details["UserDetailList"]:
        tags = iam.list_user_tags(UserName=u["UserName"]).get("Tags", [])
        conf = {
            "path": u["Path"], "userName": u["UserName"], "userId": u["UserId"], "arn": u["Arn"],
            "createDate": time_text(u["CreateDate"]),
            "userPolicyList": inline(u.get("UserPolicyList")),
            "groupList": u.get("GroupList", []),
            "attachedManagedPolicies": managed(u.get("AttachedManagedPolicies")),
            "permissionsBoundary": convert(u["PermissionsBoundary"], first) if u.get("PermissionsBoundary") else None,
            "tags": tag_list(tags),
        }
        rels = [rel("AWS::IAM::Group", None, "Is attached to Group") | {"resourceName": g}
                for g in u.get("GroupList", [])]
        out.append(item(a, GLOBAL, "AWS::IAM::User", u["UserId"], u["UserName"], u["Arn"], conf, tags=tags,
                        created=time_text(u["CreateDate"]), relationships=rels))
    for g in details["GroupDetailList"]:
        conf = {
            "path": g["Path"], "groupName": g["GroupName"], "groupId": g["GroupId"], "arn": g["Arn"],
            "createDate": time_text(g["CreateDate"]),
            "groupPolicyList": inline(g.get("GroupPolicyList")),
            "attachedManagedPolicies": managed(g.get("AttachedManagedPolicies")),
        }
        out.append(item(a, GLOBAL, "AWS::IAM::Group", g["GroupId"], g["GroupName"], g["Arn"], conf,
                        created=time_text(g["CreateDate"])))
    for p in details["Policies"]:
        # moto leaves out PolicyName and PolicyId (see iam.rs); AWS sends
        # both, and Config keys the item by the id: ask GetPolicy for them.
        full = iam.get_policy(PolicyArn=p["Arn"])["Policy"]
        name = p.get("PolicyName") or full["PolicyName"]
        pid = p.get("PolicyId") or full["PolicyId"]
        conf = {
            "policyName": name, "policyId": pid, "arn": p["Arn"], "path": p.get("Path", full.get("Path")),
            "defaultVersionId": p.get("DefaultVersionId"), "attachmentCount": p.get("AttachmentCount"),
            "permissionsBoundaryUsageCount": p.get("PermissionsBoundaryUsageCount"),
            "isAttachable": p.get("IsAttachable"), "description": p.get("Description", full.get("Description")),
            "createDate": time_text(p["CreateDate"]), "updateDate": time_text(p["UpdateDate"]),
            "policyVersionList": [
                {"document": url_encoded(document_text(v["Document"])), "versionId": v["VersionId"],
                 "isDefaultVersion": v["IsDefaultVersion"], "createDate": time_text(v["CreateDate"])}
                for v in p.get("PolicyVersionList", [])
            ],
        }
        out.append(item(a, GLOBAL, "AWS::IAM::Policy", pid, name, p["Arn"],
                        {k: v for k, v in conf.items() if v is not None},
                        created=time_text(p["CreateDate"])))
    return out


# --- the export ----------------------------------------------------------------


def export(endpoint: str, accounts, regions) -> list:
    """Every item of every account: regional types per region, S3 in each
    bucket's region (when asked for), IAM once per account."""
    items = []
    for account in accounts:
        acct = Account(endpoint, account)
        for region in regions:
            for read in (ec2_items, elb_items, rds_items, lambda_items, eks_items, dynamodb_items):
                items += read(acct, region)
        items += s3_items(acct, set(regions))
        items += iam_items(acct)
    return items


def shape(v, depth=0):
    """The key structure of a JSON value (objects' keys, recursively; a
    list by its first entry), to compare with AWS's examples."""
    if isinstance(v, dict):
        return {k: shape(x, depth + 1) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(v[0], depth + 1)] if v else []
    return type(v).__name__


def check_fixtures(items: list, fixtures: Path) -> list:
    """Each fixture (an item AWS published, scrubbed) against the export's
    first item of its type: every key of the fixture's item, its
    ``configuration`` and ``supplementaryConfiguration`` that the export
    lacks (or holds as another JSON type) is a problem. Keys the export
    has and the fixture lacks are fine: AWS's examples are abridged."""
    problems = []
    for path in sorted(fixtures.glob("*.json")):
        want = json.loads(path.read_text())
        got = next((i for i in items if i["resourceType"] == want["resourceType"]), None)
        if got is None:
            problems.append(f"{path.name}: the export has no {want['resourceType']}")
            continue
        want.pop("source", None)
        problems += [f"{path.name}: {p}" for p in compare(want, got, "")]
    return problems


def compare(want, got, at) -> list:
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{at or '.'} is {type(got).__name__}, AWS's is an object"]
        out = []
        for k, v in want.items():
            if k not in got:
                out.append(f"{at}.{k} missing")
            elif v is not None and got[k] is not None:
                out += compare(v, got[k], f"{at}.{k}")
        return out
    if isinstance(want, list):
        if not isinstance(got, list):
            return [f"{at} is {type(got).__name__}, AWS's is a list"]
        return compare(want[0], got[0], f"{at}[0]") if want and got else []
    if isinstance(want, bool) != isinstance(got, bool) or isinstance(want, str) != isinstance(got, str):
        return [f"{at} is {type(got).__name__}, AWS's is {type(want).__name__}"]
    return []


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--endpoint", required=True)
    p.add_argument("--account", action="append", required=True)
    p.add_argument("--region", action="append", required=True)
    p.add_argument("--out", required=True, help="where to write the items (a JSON list)")
    p.add_argument("--check-fixtures", type=Path,
                   help="compare the export's shape with AWS's example items in this directory")
    args = p.parse_args()
    items = export(args.endpoint, args.account, args.region)
    Path(args.out).write_text(json.dumps(items, ensure_ascii=False, indent=1))
    if args.check_fixtures:
        problems = check_fixtures(items, args.check_fixtures)
        for line in problems:
            print(line, file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
