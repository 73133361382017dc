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

Since issue #13 orgscope also collects RDS, Lambda, EKS, DynamoDB, the
Resource Groups Tagging API (per region), and IAM and S3 (per account), so
the estate has some of each, few enough that seeding 100 accounts x 4
regions stays in minutes (moto, ~150 requests/s, is the bottleneck):

- per member account (IAM and S3 are global): three IAM roles (the Lambda
  and EKS service roles the regions use, and a read-only role), two users
  with one access key each (so the per-user `ListAccessKeys` and per-key
  `GetAccessKeyLastUsed` reads happen), a group holding both users and a
  customer-managed policy attached to it; two S3 buckets, one in us-east-1
  (versioning, default encryption, a public access block, tags) and one in
  the second seeded region (a bucket policy, tags);
- per member account-region: a PostgreSQL DB instance and an Aurora
  cluster, `--functions` Lambda functions (zip built in memory; moto only
  needs docker to invoke them), an EKS cluster over the first VPC's
  subnets, an on-demand DynamoDB table, and an SQS queue: SQS is a service
  orgscope has no kind for, so the Tagging API's `GetResources` gives it
  as the one `tagged_resource` of the account-region (every other seeded
  resource is tagged too, and `GetResources` returns them, but orgscope
  drops the ARNs its own kinds already cover).

Member accounts are reached the way moto routes them: sts:AssumeRole into the
account, then EC2 calls with the returned keys. Seeding fans out over a thread
pool because moto, not the client, is the bottleneck (~150 requests/s).

Prints one JSON line with what was created (the expected counts exclude moto's
default VPC, subnets and security groups, which the collectors also see;
instances, volumes, Elastic IPs, NAT gateways, the load balancer kinds and
every kind added by #13 have no moto defaults, so those counts are exact).
"""

import argparse
import io
import json
import sys
import time
import zipfile
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


def seed_region(endpoint, account_id, creds, region, index, instances, functions):
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
    services(endpoint, creds, account_id, region, subnets[:2], groups[2], app, env, functions, made)
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


# A Lambda deployment package, built once: moto stores the zip and never
# runs it (running needs docker; listing does not).
LAMBDA_ZIP = io.BytesIO()
with zipfile.ZipFile(LAMBDA_ZIP, "w") as z:
    z.writestr("handler.py", "def handler(event, context):\n    return {'ok': True}\n")
LAMBDA_ZIP = LAMBDA_ZIP.getvalue()


def role_arn(account_id, app, purpose):
    return f"arn:aws:iam::{account_id}:role/{app}-{purpose}"


def services(endpoint, creds, account_id, region, subnets, db_group, app, env, functions, made):
    """The regional services #13 added: RDS, Lambda, EKS, DynamoDB, and an
    SQS queue for the Tagging API (see the module doc). The Lambda and EKS
    roles are the account's, made by seed_account first."""
    for kind in ("db_instance", "db_cluster", "lambda_function", "eks_cluster", "dynamodb_table", "tagged_resource"):
        made.setdefault(kind, 0)
    rds = client("rds", endpoint, region, creds)
    rds.create_db_instance(
        DBInstanceIdentifier=f"{app}-{env}-pg",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="app",
        MasterUserPassword="not-a-secret-1",
        VpcSecurityGroupIds=[db_group],
        Tags=tags(env=env, owner=f"team-{app}"),
    )
    made["db_instance"] += 1
    rds.create_db_cluster(
        DBClusterIdentifier=f"{app}-{env}-aurora",
        Engine="aurora-postgresql",
        MasterUsername="app",
        MasterUserPassword="not-a-secret-1",
        Tags=tags(env=env, owner=f"team-{app}"),
    )
    made["db_cluster"] += 1
    lam = client("lambda", endpoint, region, creds)
    for f in range(functions):
        lam.create_function(
            FunctionName=f"{app}-{env}-fn-{f}",
            Runtime="python3.12",
            Role=role_arn(account_id, app, "lambda-exec"),
            Handler="handler.handler",
            Code={"ZipFile": LAMBDA_ZIP},
            MemorySize=128 * (f + 1),
            Tags={"env": env, "owner": f"team-{app}"},
        )
        made["lambda_function"] += 1
    client("eks", endpoint, region, creds).create_cluster(
        name=f"{app}-{env}-eks",
        version="1.31",
        roleArn=role_arn(account_id, app, "eks-cluster"),
        resourcesVpcConfig={"subnetIds": subnets},
        tags={"env": env, "owner": f"team-{app}"},
    )
    made["eks_cluster"] += 1
    client("dynamodb", endpoint, region, creds).create_table(
        TableName=f"{app}-{env}-sessions",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=tags(env=env, owner=f"team-{app}"),
    )
    made["dynamodb_table"] += 1
    client("sqs", endpoint, region, creds).create_queue(
        QueueName=f"{app}-{env}-orders", tags={"env": env, "owner": f"team-{app}"}
    )
    made["tagged_resource"] += 1


def seed_account(endpoint, account_id, creds, index, regions):
    """An account's global resources: IAM (the service roles the regions
    need, users with access keys, a group and a policy) and two S3 buckets
    (see the module doc)."""
    env = PLACEMENT[index % len(PLACEMENT)].lower()
    app = APPS[index % len(APPS)]
    made = {"iam_role": 0, "iam_user": 0, "iam_group": 0, "iam_policy": 0, "s3_bucket": 0}
    iam = client("iam", endpoint, "us-east-1", creds)
    for purpose, service in [("lambda-exec", "lambda"), ("eks-cluster", "eks"), ("readonly", None)]:
        principal = {"Service": f"{service}.amazonaws.com"} if service else {"AWS": f"arn:aws:iam::{account_id}:root"}
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
        }
        iam.create_role(
            RoleName=f"{app}-{purpose}",
            AssumeRolePolicyDocument=json.dumps(trust),
            Tags=tags(env=env, owner=f"team-{app}"),
        )
        made["iam_role"] += 1
    group = f"{app}-developers"
    iam.create_group(GroupName=group)
    made["iam_group"] += 1
    policy = iam.create_policy(
        PolicyName=f"{app}-read-logs",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["logs:Get*", "logs:Describe*"], "Resource": "*"}],
            }
        ),
    )["Policy"]["Arn"]
    iam.attach_group_policy(GroupName=group, PolicyArn=policy)
    made["iam_policy"] += 1
    for who in ("ci-deployer", "auditor"):
        user = f"{app}-{who}"
        iam.create_user(UserName=user, Tags=tags(env=env, owner=f"team-{app}"))
        iam.create_access_key(UserName=user)
        iam.add_user_to_group(GroupName=group, UserName=user)
        made["iam_user"] += 1
    # Bucket names are global: the account id keeps them apart.
    data = f"{app}-{env}-{account_id}-data"
    home = client("s3", endpoint, "us-east-1", creds)
    home.create_bucket(Bucket=data)
    home.put_bucket_versioning(Bucket=data, VersioningConfiguration={"Status": "Enabled"})
    home.put_bucket_encryption(
        Bucket=data,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
    )
    home.put_public_access_block(
        Bucket=data,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    home.put_bucket_tagging(Bucket=data, Tagging={"TagSet": tags(env=env, owner=f"team-{app}")})
    made["s3_bucket"] += 1
    logs = f"{app}-{env}-{account_id}-logs"
    away = next((r for r in regions if r != "us-east-1"), "us-east-1")
    s3 = client("s3", endpoint, away, creds)
    create = {} if away == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": away}}
    s3.create_bucket(Bucket=logs, **create)
    s3.put_bucket_policy(
        Bucket=logs,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [f"arn:aws:s3:::{logs}", f"arn:aws:s3:::{logs}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        ),
    )
    s3.put_bucket_tagging(Bucket=logs, Tagging={"TagSet": tags(env=env, purpose="logs")})
    made["s3_bucket"] += 1
    return made


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--endpoint", required=True)
    p.add_argument("--accounts", type=int, default=100)
    p.add_argument("--regions", default="us-east-1,eu-west-1,eu-central-1,ap-southeast-2")
    p.add_argument("--instances", type=int, default=20, help="instances per account-region")
    p.add_argument("--functions", type=int, default=2, help="Lambda functions per account-region")
    p.add_argument("--workers", type=int, default=8)
    a = p.parse_args()
    regions = [r for r in a.regions.split(",") if r]
    started = time.monotonic()
    members = seed_org(a.endpoint, a.accounts)
    creds = {}
    with ThreadPoolExecutor(a.workers) as pool:
        for acct, c in zip(members, pool.map(lambda m: member_creds(a.endpoint, m), members)):
            creds[acct] = c
        # Accounts first: the regions' Lambda functions and EKS clusters
        # name the account's IAM roles, which moto checks exist.
        jobs = [pool.submit(seed_account, a.endpoint, acct, creds[acct], i, regions) for i, acct in enumerate(members)]
        for j in jobs:
            j.result()
        jobs += [
            pool.submit(seed_region, a.endpoint, acct, creds[acct], region, i, a.instances, a.functions)
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
