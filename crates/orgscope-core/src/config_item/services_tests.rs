//! The services' mappers, one realistic item per type and the odd ones.
//!
//! The items follow AWS's published shapes: the property names of each
//! type's file in `awslabs/aws-config-resource-schema`
//! (`config/properties/resource-types/AWS::RDS::DBInstance.properties.json`
//! …) laid out as a `SELECT *` row of `SelectAggregateResourceConfig`
//! returns them, with the scrubbed account (`123456789012`) and example
//! ids of AWS's documentation. Every value the crawl's converter would
//! set is asserted, field by field and edge by edge, against what
//! `orgscope-aws`'s converter tests expect of the same resource.

use serde_json::{Value as Json, json};

use super::super::{ConfigItem, ItemError, Mapped, mapper, not_recorded, to_resource};
use super::NOT_RECORDED;
use crate::model::{Edge, GLOBAL, Kind, Rel, Resource, Tags, Value, kinds};

const ACCT: &str = "123456789012";
const OTHER: &str = "210987654321";
const REGION: &str = "eu-west-1";

/// An item of `resource_type` in `ACCT`/`REGION` with `configuration`.
fn item(resource_type: &str, id: &str, configuration: Json) -> Json {
    json!({
        "version": "1.3",
        "accountId": ACCT,
        "configurationItemCaptureTime": "2026-11-30T08:15:02.512Z",
        "configurationItemStatus": "OK",
        "resourceType": resource_type,
        "resourceId": id,
        "awsRegion": REGION,
        "tags": [],
        "relationships": [],
        "configuration": configuration,
        "supplementaryConfiguration": {}
    })
}

/// The resource `v` maps to (its capture time set, as `to_resource` sets
/// it), or the mapper's error.
fn map(v: &Json) -> Result<Resource, ItemError> {
    let item = ConfigItem::from_json(v).expect("a well-formed item");
    match to_resource(&item)? {
        Mapped::Resource(r) => Ok(*r),
        other => panic!("not a resource: {other:?}"),
    }
}

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn text(s: &str) -> Value {
    Value::from(s)
}

fn list(items: &[&str]) -> Value {
    Value::from(items.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

/// Every field of `r` by name, so an assertion lists the whole resource.
fn fields(r: &Resource) -> Vec<(&'static str, Value)> {
    r.kind
        .def()
        .fields
        .iter()
        .zip(&r.fields)
        .map(|(f, v)| (f.name, v.clone()))
        .collect()
}

/// `expected` fields set, every other field of the kind null.
fn only(kind: Kind, expected: &[(&str, Value)]) -> Vec<(&'static str, Value)> {
    for (name, _) in expected {
        assert!(
            kind.def().field_index(name).is_some(),
            "{kind} has no {name}"
        );
    }
    kind.def()
        .fields
        .iter()
        .map(|f| {
            let v = expected
                .iter()
                .find(|(n, _)| *n == f.name)
                .map_or(Value::Null, |(_, v)| v.clone());
            (f.name, v)
        })
        .collect()
}

fn malformed_key(e: &ItemError) -> &str {
    match e {
        ItemError::Malformed { key, .. } => key,
        other => panic!("not malformed: {other:?}"),
    }
}

// ---------------------------------------------------------------- ELBv2

const LB_ARN: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188";

fn load_balancer_item() -> Json {
    let mut v = item(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        LB_ARN,
        json!({
            "loadBalancerArn": LB_ARN,
            "dNSName": "my-load-balancer-424835706.eu-west-1.elb.amazonaws.com",
            "canonicalHostedZoneId": "Z32O12XQLNTSW2",
            "createdTime": "2016-03-25T21:26:12.920Z",
            "loadBalancerName": "my-load-balancer",
            "scheme": "internet-facing",
            "vpcId": "vpc-3ac0fb5f",
            "state": {"code": "active"},
            "type": "application",
            "availabilityZones": [
                {"zoneName": "eu-west-1b", "subnetId": "subnet-8360a9e7", "loadBalancerAddresses": []},
                {"zoneName": "eu-west-1a", "subnetId": "subnet-b7d581c0", "loadBalancerAddresses": []}
            ],
            "securityGroups": ["sg-5943793c", "sg-1a2b3c4d"],
            "ipAddressType": "ipv4"
        }),
    );
    v["resourceName"] = json!("my-load-balancer");
    v["tags"] = json!([{"key": "env", "value": "prod"}, {"key": "Name", "value": ""}]);
    v
}

#[test]
fn a_load_balancer_reads_as_the_crawl_converts_it() {
    let r = map(&load_balancer_item()).unwrap();
    assert_eq!(r.kind, kinds::LOAD_BALANCER);
    assert_eq!((r.account_id.as_str(), r.region.as_str()), (ACCT, REGION));
    assert_eq!(r.id, "app/my-load-balancer/50dc6c495c0c9188");
    assert_eq!(r.arn(), LB_ARN);
    // An empty `Name` tag does not name it (ELB's crawl filters it).
    assert_eq!(r.name.as_deref(), Some("my-load-balancer"));
    assert_eq!(r.tags, tags(&[("env", "prod"), ("Name", "")]));
    assert_eq!(r.captured_at.as_deref(), Some("2026-11-30T08:15:02.512Z"));
    assert_eq!(
        fields(&r),
        only(
            kinds::LOAD_BALANCER,
            &[
                ("lb_type", text("application")),
                ("scheme", text("internet-facing")),
                ("state", text("active")),
                (
                    "dns_name",
                    text("my-load-balancer-424835706.eu-west-1.elb.amazonaws.com")
                ),
                ("ip_address_type", text("ipv4")),
            ]
        )
    );
    assert_eq!(
        r.relations,
        vec![
            Edge::new(Rel::InVpc, kinds::VPC, "vpc-3ac0fb5f"),
            Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-8360a9e7"),
            Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-b7d581c0"),
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1a2b3c4d"),
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-5943793c"),
        ]
    );
}

#[test]
fn a_load_balancer_without_what_it_lacks_and_a_malformed_one() {
    let mut v = load_balancer_item();
    v["tags"] = json!([{"key": "Name", "value": "front door"}]);
    let conf = v["configuration"].as_object_mut().unwrap();
    for key in ["scheme", "dNSName", "securityGroups", "vpcId"] {
        conf.remove(key);
    }
    let r = map(&v).unwrap();
    assert_eq!(r.name.as_deref(), Some("front door"));
    assert_eq!(r.get("scheme"), Some(&Value::Null));
    assert_eq!(r.get("dns_name"), Some(&Value::Null));
    assert_eq!(r.edges(Rel::MemberOf).count(), 0);
    assert_eq!(r.edges(Rel::InVpc).count(), 0);
    // The ARN falls back to the item's own.
    let mut v = load_balancer_item();
    v["arn"] = json!(LB_ARN);
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("loadBalancerArn");
    assert_eq!(map(&v).unwrap().id, "app/my-load-balancer/50dc6c495c0c9188");
    v.as_object_mut().unwrap().remove("arn");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "loadBalancerArn");
    let mut v = load_balancer_item();
    v["configuration"]["loadBalancerArn"] = json!("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-1");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "loadBalancerArn");
    let mut v = load_balancer_item();
    v["configuration"]["securityGroups"] = json!("sg-5943793c");
    let e = map(&v).unwrap_err();
    assert_eq!(malformed_key(&e), "securityGroups");
    assert!(e.to_string().contains(LB_ARN), "{e}");
}

const LISTENER_ARN: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2";
const TG: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup";

/// CloudFormation-shaped, as the schema has it.
fn listener_item() -> Json {
    let mut v = item(
        "AWS::ElasticLoadBalancingV2::Listener",
        LISTENER_ARN,
        json!({
            "ListenerArn": LISTENER_ARN,
            "LoadBalancerArn": LB_ARN,
            "Port": 443,
            "Protocol": "HTTPS",
            "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "Certificates": [{"CertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"}],
            "DefaultActions": [
                {
                    "Type": "forward",
                    "Order": 2,
                    "ForwardConfig": {"TargetGroups": [
                        {"TargetGroupArn": format!("{TG}/green/2b"), "Weight": 50},
                        {"TargetGroupArn": format!("{TG}/blue/1a"), "Weight": 50},
                        {"TargetGroupArn": format!("{TG}/blue/1a"), "Weight": 0}
                    ]}
                },
                {"Type": "authenticate-oidc", "Order": 1, "AuthenticateOidcConfig": {"Issuer": "https://idp.example.com"}}
            ]
        }),
    );
    v["tags"] = json!([{"key": "env", "value": "prod"}]);
    v
}

#[test]
fn a_listener_is_attached_at_its_port_and_targets_each_group_once() {
    let r = map(&listener_item()).unwrap();
    assert_eq!(r.kind, kinds::LISTENER);
    assert_eq!(
        r.id,
        "app/my-load-balancer/50dc6c495c0c9188/f2f7dc8efc522ab2"
    );
    assert_eq!(r.arn(), LISTENER_ARN);
    assert_eq!(r.name.as_deref(), Some("HTTPS:443"));
    // Untagged, as the crawl makes listeners.
    assert!(r.tags.is_empty());
    assert_eq!(
        fields(&r),
        only(
            kinds::LISTENER,
            &[
                ("protocol", text("HTTPS")),
                ("port", Value::Number(443)),
                ("ssl_policy", text("ELBSecurityPolicy-TLS13-1-2-2021-06")),
                // The last by order, not by position.
                ("action", text("forward")),
            ]
        )
    );
    assert_eq!(
        r.relations,
        vec![
            Edge::new(
                Rel::AttachedTo,
                kinds::LOAD_BALANCER,
                "app/my-load-balancer/50dc6c495c0c9188"
            )
            .attr("port", "443"),
            Edge::new(Rel::Targets, kinds::TARGET_GROUP, "blue/1a"),
            Edge::new(Rel::Targets, kinds::TARGET_GROUP, "green/2b"),
        ]
    );
}

#[test]
fn odd_listeners_keep_what_they_have() {
    // A redirect: no target group, no SSL policy.
    let mut v = listener_item();
    v["configuration"]["Port"] = json!(80);
    v["configuration"]["Protocol"] = json!("HTTP");
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("SslPolicy");
    v["configuration"]["DefaultActions"] = json!([{
        "Type": "redirect",
        "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}
    }]);
    let r = map(&v).unwrap();
    assert_eq!(r.text("action"), Some("redirect"));
    assert_eq!(r.get("ssl_policy"), Some(&Value::Null));
    assert_eq!(r.edges(Rel::Targets).count(), 0);
    // A gateway listener: no port, no name, no port attribute; an
    // unusable target group ARN is skipped as the crawl skips it; a
    // target group in another account is an edge there.
    let mut v = listener_item();
    let conf = v["configuration"].as_object_mut().unwrap();
    conf.remove("Port");
    conf.remove("Protocol");
    conf["DefaultActions"] = json!([
        {"Type": "forward", "TargetGroupArn": "not-an-arn"},
        {"Type": "forward", "TargetGroupArn": format!("arn:aws:elasticloadbalancing:eu-west-1:{OTHER}:targetgroup/shared/9f")}
    ]);
    let r = map(&v).unwrap();
    assert_eq!(r.name, None);
    assert_eq!(r.get("port"), Some(&Value::Null));
    assert_eq!(
        r.relations,
        vec![
            Edge::new(
                Rel::AttachedTo,
                kinds::LOAD_BALANCER,
                "app/my-load-balancer/50dc6c495c0c9188"
            ),
            Edge::new(Rel::Targets, kinds::TARGET_GROUP, "shared/9f").in_account(OTHER),
        ]
    );
    // Malformed: the port as an object, an order as text that is no number.
    let mut v = listener_item();
    v["configuration"]["Port"] = json!({"value": 443});
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "Port");
    let mut v = listener_item();
    v["configuration"]["DefaultActions"][0]["Order"] = json!("first");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "Order");
    let mut v = listener_item();
    v["configuration"]["ListenerArn"] = json!(LB_ARN);
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "ListenerArn");
}

// ------------------------------------------------------------------ RDS

/// A cross-account read replica: its source named by ARN in another
/// account and region.
fn db_instance_item() -> Json {
    let mut v = item(
        "AWS::RDS::DBInstance",
        "db-5HJ7JQ2DMOBRPUHW5UOBFIVOQI",
        json!({
            "dBInstanceIdentifier": "orders-replica",
            "dBInstanceClass": "db.r6g.large",
            "engine": "postgres",
            "engineVersion": "16.3",
            "dBInstanceStatus": "available",
            "endpoint": {"address": "orders-replica.c9akciq32.eu-west-1.rds.amazonaws.com", "port": 5432, "hostedZoneId": "Z29XKXDKYMONMX"},
            "allocatedStorage": 100,
            "instanceCreateTime": "2024-02-11T09:30:00.250Z",
            "backupRetentionPeriod": 7,
            "vpcSecurityGroups": [
                {"vpcSecurityGroupId": "sg-0b2", "status": "active"},
                {"vpcSecurityGroupId": "sg-0a1", "status": "active"}
            ],
            "availabilityZone": "eu-west-1b",
            "dBSubnetGroup": {
                "dBSubnetGroupName": "orders",
                "vpcId": "vpc-0e1",
                "subnetGroupStatus": "Complete",
                "subnets": [
                    {"subnetIdentifier": "subnet-0a", "subnetAvailabilityZone": {"name": "eu-west-1a"}, "subnetStatus": "Active"},
                    {"subnetIdentifier": "subnet-0b", "subnetAvailabilityZone": {"name": "eu-west-1b"}, "subnetStatus": "Active"}
                ]
            },
            "multiAZ": false,
            "storageType": "gp3",
            "storageEncrypted": true,
            "publiclyAccessible": false,
            "deletionProtection": true,
            "readReplicaSourceDBInstanceIdentifier": format!("arn:aws:rds:us-east-1:{OTHER}:db:orders"),
            "dbInstancePort": 0
        }),
    );
    v["resourceName"] = json!("orders-replica");
    v["tags"] = json!([{"key": "app", "value": "orders"}]);
    v
}

#[test]
fn a_db_instance_replicating_another_accounts_database() {
    let r = map(&db_instance_item()).unwrap();
    assert_eq!(r.kind, kinds::DB_INSTANCE);
    // The identifier, not Config's resource id (the dbi resource id).
    assert_eq!(r.id, "orders-replica");
    assert_eq!(r.name.as_deref(), Some("orders-replica"));
    assert_eq!(r.tags, tags(&[("app", "orders")]));
    assert_eq!(
        fields(&r),
        only(
            kinds::DB_INSTANCE,
            &[
                ("engine", text("postgres")),
                ("engine_version", text("16.3")),
                ("instance_class", text("db.r6g.large")),
                ("multi_az", Value::Bool(false)),
                ("storage_type", text("gp3")),
                ("storage_encrypted", Value::Bool(true)),
                ("publicly_accessible", Value::Bool(false)),
                ("allocated_storage", Value::Number(100)),
                ("status", text("available")),
                (
                    "endpoint",
                    text("orders-replica.c9akciq32.eu-west-1.rds.amazonaws.com")
                ),
                ("port", Value::Number(5432)),
                ("az", text("eu-west-1b")),
                ("backup_retention", Value::Number(7)),
                ("deletion_protection", Value::Bool(true)),
                ("created", text("2024-02-11T09:30:00.25Z")),
            ]
        )
    );
    assert_eq!(
        r.relations,
        vec![
            Edge::new(Rel::InVpc, kinds::VPC, "vpc-0e1"),
            // The subnet of its zone only.
            Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-0b"),
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-0a1"),
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-0b2"),
            Edge::new(Rel::ReplicaOf, kinds::DB_INSTANCE, "orders")
                .named("orders")
                .in_account(OTHER)
                .in_region("us-east-1"),
        ]
    );
}

#[test]
fn a_db_instance_with_less_said_and_a_malformed_one() {
    let mut v = db_instance_item();
    v["tags"] = json!([{"key": "Name", "value": "orders read copy"}]);
    let conf = v["configuration"].as_object_mut().unwrap();
    for key in [
        "multiAZ",
        "publiclyAccessible",
        "endpoint",
        "availabilityZone",
        "readReplicaSourceDBInstanceIdentifier",
    ] {
        conf.remove(key);
    }
    // A member of a cluster, its port only as `dbInstancePort` (text: an
    // older item).
    conf.insert("dBClusterIdentifier".into(), json!("orders-cluster"));
    conf.insert("dbInstancePort".into(), json!("5432"));
    conf.insert(
        "readReplicaSourceDBInstanceIdentifier".into(),
        json!("orders"),
    );
    let r = map(&v).unwrap();
    assert_eq!(r.name.as_deref(), Some("orders read copy"));
    // Unknown, never false.
    assert_eq!(r.get("multi_az"), Some(&Value::Null));
    assert_eq!(r.get("publicly_accessible"), Some(&Value::Null));
    assert_eq!(r.get("endpoint"), Some(&Value::Null));
    assert_eq!(r.get("port"), Some(&Value::Number(5432)));
    // No zone: every subnet of its group.
    let subnets: Vec<&str> = r.edges(Rel::InSubnet).map(|e| e.to.as_str()).collect();
    assert_eq!(subnets, ["subnet-0a", "subnet-0b"]);
    assert_eq!(r.first(Rel::InCluster), Some("orders-cluster"));
    assert_eq!(
        r.edges(Rel::ReplicaOf).next(),
        Some(&Edge::new(Rel::ReplicaOf, kinds::DB_INSTANCE, "orders").named("orders"))
    );
    let mut v = db_instance_item();
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("dBInstanceIdentifier");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "dBInstanceIdentifier");
    let mut v = db_instance_item();
    v["configuration"]["multiAZ"] = json!("sometimes");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "multiAZ");
    let mut v = db_instance_item();
    v["configuration"]["dBSubnetGroup"]["subnets"] = json!({"subnetIdentifier": "subnet-0a"});
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "subnets");
}

fn db_cluster_item() -> Json {
    let mut v = item(
        "AWS::RDS::DBCluster",
        "cluster-ABCDEFGHIJKLMNOPQRSTUVWXY",
        json!({
            "dbclusterIdentifier": "orders-aurora",
            "dbclusterArn": "arn:aws:rds:eu-west-1:123456789012:cluster:orders-aurora",
            "engine": "aurora-postgresql",
            "engineVersion": "15.4",
            "engineMode": "provisioned",
            "status": "available",
            "endpoint": "orders-aurora.cluster-c9akciq32.eu-west-1.rds.amazonaws.com",
            "readerEndpoint": "orders-aurora.cluster-ro-c9akciq32.eu-west-1.rds.amazonaws.com",
            "port": 5432,
            "multiAZ": true,
            "storageEncrypted": true,
            "deletionProtection": false,
            "backupRetentionPeriod": 14,
            "clusterCreateTime": "2023-06-01T10:00:00Z",
            "dbsubnetGroup": "orders",
            "dbclusterMembers": [
                {"dbinstanceIdentifier": "orders-aurora-2", "isClusterWriter": false, "promotionTier": 1},
                {"dbinstanceIdentifier": "orders-aurora-1", "isClusterWriter": true, "promotionTier": 1}
            ],
            "vpcSecurityGroups": [{"vpcSecurityGroupId": "sg-0c3", "status": "active"}],
            "replicationSourceIdentifier": format!("arn:aws:rds:us-east-1:{OTHER}:cluster:orders-global")
        }),
    );
    v["tags"] = json!([{"key": "app", "value": "orders"}]);
    v
}

#[test]
fn a_db_cluster_names_its_writer_and_says_its_network_is_unknown() {
    let r = map(&db_cluster_item()).unwrap();
    assert_eq!(r.kind, kinds::DB_CLUSTER);
    assert_eq!(r.id, "orders-aurora");
    assert_eq!(
        r.arn(),
        "arn:aws:rds:eu-west-1:123456789012:cluster:orders-aurora"
    );
    assert_eq!(r.name.as_deref(), Some("orders-aurora"));
    assert_eq!(
        fields(&r),
        only(
            kinds::DB_CLUSTER,
            &[
                ("engine", text("aurora-postgresql")),
                ("engine_version", text("15.4")),
                ("engine_mode", text("provisioned")),
                ("multi_az", Value::Bool(true)),
                ("storage_encrypted", Value::Bool(true)),
                ("members", Value::Number(2)),
                ("writer", text("orders-aurora-1")),
                ("status", text("available")),
                (
                    "endpoint",
                    text("orders-aurora.cluster-c9akciq32.eu-west-1.rds.amazonaws.com")
                ),
                (
                    "reader_endpoint",
                    text("orders-aurora.cluster-ro-c9akciq32.eu-west-1.rds.amazonaws.com")
                ),
                ("port", Value::Number(5432)),
                ("backup_retention", Value::Number(14)),
                ("deletion_protection", Value::Bool(false)),
                ("created", text("2023-06-01T10:00:00Z")),
                (
                    "note",
                    text(
                        "subnets and VPC unknown: AWS Config's item of a cluster names only its subnet group"
                    )
                ),
            ]
        )
    );
    assert_eq!(
        r.relations,
        vec![
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-0c3"),
            Edge::new(Rel::ReplicaOf, kinds::DB_CLUSTER, "orders-global")
                .named("orders-global")
                .in_account(OTHER)
                .in_region("us-east-1"),
        ]
    );
    // No members: none counted, no writer, and the crawl's note.
    let mut v = db_cluster_item();
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("dbclusterMembers");
    // The schema's `endpoint.value` spelling reads the same.
    v["configuration"]["endpoint"] = json!({"value": "e.example"});
    let r = map(&v).unwrap();
    assert_eq!(r.get("members"), Some(&Value::Number(0)));
    assert_eq!(r.get("writer"), Some(&Value::Null));
    assert_eq!(r.text("endpoint"), Some("e.example"));
    assert_eq!(
        r.text("note"),
        Some("subnets and VPC unknown: the cluster has no member instances")
    );
    let mut v = db_cluster_item();
    v["configuration"]["dbclusterMembers"][1]["isClusterWriter"] = json!(1);
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "isClusterWriter");
    let mut v = db_cluster_item();
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("dbclusterIdentifier");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "dbclusterIdentifier");
}

// --------------------------------------------------------------- Lambda

/// A function in a VPC running as a role of another account.
fn lambda_item() -> Json {
    let mut v = item(
        "AWS::Lambda::Function",
        "payments-prod-api",
        json!({
            "functionName": "payments-prod-api",
            "functionArn": "arn:aws:lambda:eu-west-1:123456789012:function:payments-prod-api",
            "runtime": "python3.12",
            "role": format!("arn:aws:iam::{OTHER}:role/service-role/payments-lambda"),
            "handler": "app.handler",
            "codeSize": 5_242_880,
            "description": "",
            "timeout": 30,
            "memorySize": 512,
            "lastModified": "2024-05-01T12:00:00.417+0000",
            "codeSha256": "YFgDgEKG3ugvF1+pX64gV6tu9qNuIYNUdgJm8nCxsm4=",
            "version": "$LATEST",
            "vpcConfig": {
                "subnetIds": ["subnet-0b", "subnet-0a"],
                "securityGroupIds": ["sg-0f1"],
                "vpcId": "vpc-0e1"
            },
            "tracingConfig": {"mode": "PassThrough"},
            "revisionId": "b4a4a1a0-3f7e-4a1e-9f5e-6d3d1e2b3c4d",
            "layers": [],
            "state": {"value": "Active"},
            "lastUpdateStatus": "Successful",
            "packageType": "Zip",
            "architectures": ["arm64"]
        }),
    );
    v["tags"] = json!({"team": "payments"});
    v
}

#[test]
fn a_lambda_function_runs_as_a_role_of_another_account() {
    let r = map(&lambda_item()).unwrap();
    assert_eq!(r.kind, kinds::LAMBDA_FUNCTION);
    assert_eq!(r.id, "payments-prod-api");
    assert_eq!(
        r.arn(),
        "arn:aws:lambda:eu-west-1:123456789012:function:payments-prod-api"
    );
    assert_eq!(r.name.as_deref(), Some("payments-prod-api"));
    assert_eq!(r.tags, tags(&[("team", "payments")]));
    assert_eq!(
        fields(&r),
        only(
            kinds::LAMBDA_FUNCTION,
            &[
                ("runtime", text("python3.12")),
                ("memory", Value::Number(512)),
                ("timeout", Value::Number(30)),
                ("architecture", text("arm64")),
                ("package_type", text("Zip")),
                ("handler", text("app.handler")),
                // To the second, as the crawl keeps Lambda's time.
                ("last_modified", text("2024-05-01T12:00:00Z")),
                ("code_size", Value::Number(5_242_880)),
                ("state", text("Active")),
            ]
        )
    );
    assert_eq!(
        r.relations,
        vec![
            Edge::new(Rel::InVpc, kinds::VPC, "vpc-0e1"),
            // In Lambda's order, as the crawl keeps it.
            Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-0b"),
            Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-0a"),
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-0f1"),
            Edge::new(
                Rel::RunsAs,
                kinds::IAM_ROLE,
                "role/service-role/payments-lambda"
            )
            .named("payments-lambda")
            .in_region(GLOBAL)
            .in_account(OTHER),
        ]
    );
}

#[test]
fn odd_lambda_functions_say_what_is_missing() {
    // Outside any VPC; no role; the state as bare text; the time as RFC
    // 3339 (and as epoch milliseconds); the VPC from a relationship when
    // the configuration leaves it out.
    let mut v = lambda_item();
    let conf = v["configuration"].as_object_mut().unwrap();
    conf.remove("role");
    conf["state"] = json!("Pending");
    conf["lastModified"] = json!("2024-05-01T12:00:00.417Z");
    conf["vpcConfig"] = json!({"subnetIds": [], "securityGroupIds": []});
    let r = map(&v).unwrap();
    assert!(r.relations.is_empty(), "{:?}", r.relations);
    assert_eq!(r.text("state"), Some("Pending"));
    // Not Lambda's own shape: kept as written, as the crawl keeps it.
    assert_eq!(r.text("last_modified"), Some("2024-05-01T12:00:00.417Z"));
    assert_eq!(r.text("note"), Some("listed without an execution role"));
    let mut v = lambda_item();
    v["configuration"]["role"] = json!("arn:aws:iam::123456789012:user/deployer");
    v["configuration"]["lastModified"] = json!(1_714_564_800_417i64);
    v["configuration"]["vpcConfig"]
        .as_object_mut()
        .unwrap()
        .remove("vpcId");
    v["relationships"] = json!([
        {"resourceType": "AWS::EC2::Subnet", "resourceId": "subnet-0a", "relationshipName": "Is contained in Subnet"},
        {"resourceType": "AWS::EC2::VPC", "resourceId": "vpc-0e2", "relationshipName": "Is contained in Vpc"}
    ]);
    let r = map(&v).unwrap();
    assert_eq!(r.text("last_modified"), Some("2024-05-01T12:00:00Z"));
    assert_eq!(
        r.text("note"),
        Some("execution role \"arn:aws:iam::123456789012:user/deployer\" is not a role ARN")
    );
    assert_eq!(r.first(Rel::InVpc), Some("vpc-0e2"));
    assert_eq!(r.edges(Rel::RunsAs).count(), 0);
    for (key, bad) in [
        ("memorySize", json!("lots")),
        ("lastModified", json!(true)),
        ("architectures", json!("arm64")),
        ("state", json!({"value": 3})),
    ] {
        let mut v = lambda_item();
        v["configuration"][key] = bad;
        let e = map(&v).unwrap_err();
        assert!(malformed_key(&e).starts_with(key), "{e}");
    }
    let mut v = lambda_item();
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("functionName");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "functionName");
}

// ------------------------------------------------------------------ EKS

/// CloudFormation-shaped, as the schema has it.
fn eks_item() -> Json {
    let mut v = item(
        "AWS::EKS::Cluster",
        "payments-prod-eks",
        json!({
            "Name": "payments-prod-eks",
            "Arn": "arn:aws:eks:eu-west-1:123456789012:cluster/payments-prod-eks",
            "Version": "1.30",
            "ClusterStatus": "ACTIVE",
            "Endpoint": "https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com",
            "RoleArn": "arn:aws:iam::123456789012:role/eks-cluster",
            "ResourcesVpcConfig": {
                "SubnetIds": ["subnet-0a", "subnet-0b"],
                "SecurityGroupIds": ["sg-0e2", "sg-0e1", "sg-0e2"],
                "EndpointPublicAccess": true,
                "EndpointPrivateAccess": false,
                "PublicAccessCidrs": ["203.0.113.0/24"]
            },
            "KubernetesNetworkConfig": {"ServiceIpv4Cidr": "10.100.0.0/16", "IpFamily": "ipv4"}
        }),
    );
    v["resourceName"] = json!("payments-prod-eks");
    v["tags"] = json!([{"key": "env", "value": "prod"}]);
    v["relationships"] = json!([
        {"resourceType": "AWS::EC2::VPC", "resourceId": "vpc-0e1", "relationshipName": "Is contained in Vpc"}
    ]);
    v
}

#[test]
fn an_eks_cluster_reads_from_its_cloudformation_shape() {
    let r = map(&eks_item()).unwrap();
    assert_eq!(r.kind, kinds::EKS_CLUSTER);
    assert_eq!(r.id, "payments-prod-eks");
    assert_eq!(
        r.arn(),
        "arn:aws:eks:eu-west-1:123456789012:cluster/payments-prod-eks"
    );
    assert_eq!(r.name.as_deref(), Some("payments-prod-eks"));
    assert_eq!(r.tags, tags(&[("env", "prod")]));
    assert_eq!(
        fields(&r),
        only(
            kinds::EKS_CLUSTER,
            &[
                ("version", text("1.30")),
                ("status", text("ACTIVE")),
                ("endpoint_public_access", Value::Bool(true)),
                ("endpoint_private_access", Value::Bool(false)),
                ("public_access_cidrs", list(&["203.0.113.0/24"])),
                (
                    "endpoint",
                    text("https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com")
                ),
            ]
        )
    );
    assert_eq!(
        r.relations,
        vec![
            Edge::new(Rel::InVpc, kinds::VPC, "vpc-0e1"),
            Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-0a"),
            Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-0b"),
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-0e2"),
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-0e1"),
            Edge::new(Rel::RunsAs, kinds::IAM_ROLE, "role/eks-cluster")
                .named("eks-cluster")
                .in_region(GLOBAL),
        ]
    );
}

#[test]
fn odd_eks_clusters_say_what_is_missing() {
    let mut v = eks_item();
    let conf = v["configuration"].as_object_mut().unwrap();
    conf.remove("ResourcesVpcConfig");
    conf.remove("RoleArn");
    conf.remove("Name");
    let r = map(&v).unwrap();
    // Named by the item when the configuration leaves the name out.
    assert_eq!(r.id, "payments-prod-eks");
    assert!(r.relations.is_empty());
    assert_eq!(r.get("endpoint_public_access"), Some(&Value::Null));
    assert_eq!(
        r.text("note"),
        Some("the item has no VPC configuration; described without a service role")
    );
    let mut v = eks_item();
    v["configuration"]["ResourcesVpcConfig"]["EndpointPublicAccess"] = json!("yes");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "EndpointPublicAccess");
    let mut v = eks_item();
    v["configuration"]["RoleArn"] = json!("eks-cluster");
    assert_eq!(
        map(&v).unwrap().text("note"),
        Some("service role \"eks-cluster\" is not a role ARN")
    );
}

// ------------------------------------------------------------------- S3

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadFromAnalytics","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::payments-prod-exports/*"}]}"#;

/// Settings as objects (an advanced query's row).
fn bucket_item() -> Json {
    let mut v = item(
        "AWS::S3::Bucket",
        "payments-prod-exports",
        json!({
            "name": "payments-prod-exports",
            "owner": {"displayName": null, "id": "a1b2c3d4e5f6"},
            "creationDate": "2023-09-14T07:21:45.000Z"
        }),
    );
    v["awsRegion"] = json!("eu-central-1");
    v["resourceName"] = json!("payments-prod-exports");
    v["tags"] = json!([{"key": "Name", "value": "exports"}, {"key": "env", "value": "prod"}]);
    v["supplementaryConfiguration"] = json!({
        "AccessControlList": "{\"grantSet\":null,\"grantList\":[],\"owner\":{\"displayName\":null,\"id\":\"a1b2c3d4e5f6\"},\"isRequesterCharged\":false}",
        "BucketAccelerateConfiguration": {"status": null},
        "BucketLoggingConfiguration": {"destinationBucketName": null, "logFilePrefix": null},
        "BucketPolicy": {"policyText": POLICY},
        "BucketVersioningConfiguration": {"status": "Enabled", "isMfaDeleteEnabled": null},
        "IsRequesterPaysEnabled": false,
        "PublicAccessBlockConfiguration": {
            "blockPublicAcls": true, "ignorePublicAcls": true,
            "blockPublicPolicy": true, "restrictPublicBuckets": true
        },
        "ServerSideEncryptionConfiguration": {"rules": [{
            "applyServerSideEncryptionByDefault": {
                "sseAlgorithm": "aws:kms",
                "kmsMasterKeyID": "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            },
            "bucketKeyEnabled": true
        }]}
    });
    v
}

#[test]
fn a_bucket_reads_its_settings_from_the_supplementary_configuration() {
    let r = map(&bucket_item()).unwrap();
    assert_eq!(r.kind, kinds::S3_BUCKET);
    assert_eq!(r.id, "payments-prod-exports");
    // In its own region; named by its name whatever its tags say.
    assert_eq!(r.region, "eu-central-1");
    assert_eq!(r.name.as_deref(), Some("payments-prod-exports"));
    assert_eq!(r.tags, tags(&[("Name", "exports"), ("env", "prod")]));
    assert_eq!(
        fields(&r),
        only(
            kinds::S3_BUCKET,
            &[
                ("versioning", text("Enabled")),
                ("encryption", text("aws:kms")),
                (
                    "kms_key",
                    text(
                        "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    )
                ),
                ("public_access_block", Value::Bool(true)),
                ("created", text("2023-09-14T07:21:45Z")),
                ("bucket_policy", text(POLICY)),
            ]
        )
    );
    assert!(r.relations.is_empty());
}

#[test]
fn bucket_settings_as_text_and_settings_not_configured() {
    // Configuration history writes each entry as JSON text; it reads the
    // same.
    let mut v = bucket_item();
    let supp = v["supplementaryConfiguration"].as_object_mut().unwrap();
    for (_, value) in supp.iter_mut() {
        if value.is_object() {
            *value = Json::String(value.to_string());
        }
    }
    assert_eq!(map(&v).unwrap(), map(&bucket_item()).unwrap());
    // A bucket with nothing configured: versioning never enabled, and no
    // encryption, block or policy entry.
    let mut v = bucket_item();
    v["supplementaryConfiguration"] = json!({
        "BucketVersioningConfiguration": {"status": "Off", "isMfaDeleteEnabled": null},
        "BucketPolicy": {"policyText": null},
        "PublicAccessBlockConfiguration": {
            "blockPublicAcls": true, "ignorePublicAcls": false,
            "blockPublicPolicy": true, "restrictPublicBuckets": true
        }
    });
    let r = map(&v).unwrap();
    assert_eq!(r.text("versioning"), Some("Off"));
    assert_eq!(r.text("encryption"), Some("none"));
    assert_eq!(r.get("kms_key"), Some(&Value::Null));
    // Three of four is not blocked.
    assert_eq!(r.get("public_access_block"), Some(&Value::Bool(false)));
    assert_eq!(r.get("bucket_policy"), Some(&Value::Null));
    assert_eq!(r.get("note"), Some(&Value::Null));
    // No supplementary configuration at all: unknown, and said.
    let mut v = bucket_item();
    v["supplementaryConfiguration"] = json!({});
    let r = map(&v).unwrap();
    for field in [
        "versioning",
        "encryption",
        "public_access_block",
        "bucket_policy",
    ] {
        assert_eq!(r.get(field), Some(&Value::Null), "{field}");
    }
    assert!(r.text("note").is_some_and(|n| n.contains("unknown")));
    // Malformed entries are named.
    let mut v = bucket_item();
    v["supplementaryConfiguration"]["BucketPolicy"] = json!("{policyText");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "BucketPolicy");
    let mut v = bucket_item();
    v["supplementaryConfiguration"]["PublicAccessBlockConfiguration"]["blockPublicAcls"] =
        json!("on");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "blockPublicAcls");
}

// ------------------------------------------------------------- DynamoDB

/// A global table replicated to two more regions, encrypted with a
/// customer managed key, its stream on.
fn table_item() -> Json {
    let mut v = item(
        "AWS::DynamoDB::Table",
        "orders",
        json!({
            "tableName": "orders",
            "tableArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
            "tableId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
            "tableStatus": "ACTIVE",
            "creationDateTime": 1_700_000_000_000i64,
            "tableSizeBytes": 1_048_576,
            "itemCount": 4_210,
            "billingModeSummary": {"billingMode": "PAY_PER_REQUEST", "lastUpdateToPayPerRequestDateTime": 1_700_000_000_000i64},
            "provisionedThroughput": {"numberOfDecreasesToday": 0, "readCapacityUnits": 0, "writeCapacityUnits": 0},
            "streamSpecification": {"streamEnabled": true, "streamViewType": "NEW_AND_OLD_IMAGES"},
            "globalTableVersion": "2019.11.21",
            "replicas": [
                {"regionName": "us-east-1", "replicaStatus": "ACTIVE"},
                {"regionName": "eu-west-1", "replicaStatus": "ACTIVE"},
                {"regionName": "ap-southeast-2", "replicaStatus": "ACTIVE"}
            ],
            "ssedescription": {
                "status": "ENABLED",
                "ssetype": "KMS",
                "kmsmasterKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            }
        }),
    );
    v["tags"] = json!([{"key": "app", "value": "orders"}]);
    v
}

#[test]
fn a_global_table_names_its_other_regions() {
    let r = map(&table_item()).unwrap();
    assert_eq!(r.kind, kinds::DYNAMODB_TABLE);
    assert_eq!(r.id, "orders");
    assert_eq!(
        r.arn(),
        "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
    );
    assert_eq!(r.name.as_deref(), Some("orders"));
    assert_eq!(r.tags, tags(&[("app", "orders")]));
    assert_eq!(
        fields(&r),
        only(
            kinds::DYNAMODB_TABLE,
            &[
                ("billing_mode", text("PAY_PER_REQUEST")),
                ("status", text("ACTIVE")),
                ("size_bytes", Value::Number(1_048_576)),
                ("item_count", Value::Number(4_210)),
                ("replicas", list(&["ap-southeast-2", "us-east-1"])),
                ("stream", text("NEW_AND_OLD_IMAGES")),
                ("encryption", text("KMS")),
                (
                    "kms_key",
                    text(
                        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    )
                ),
                ("created", text("2023-11-14T22:13:20Z")),
            ]
        )
    );
}

#[test]
fn what_dynamodb_leaves_out_reads_as_the_crawl_reads_it() {
    // Provisioned before on-demand existed: no billing summary; no SSE
    // description (an AWS owned key); no stream; no replicas.
    let mut v = table_item();
    let conf = v["configuration"].as_object_mut().unwrap();
    for key in [
        "billingModeSummary",
        "ssedescription",
        "streamSpecification",
        "replicas",
    ] {
        conf.remove(key);
    }
    let r = map(&v).unwrap();
    assert_eq!(r.text("billing_mode"), Some("PROVISIONED"));
    assert_eq!(r.text("encryption"), Some("aws-owned"));
    assert_eq!(r.get("kms_key"), Some(&Value::Null));
    assert_eq!(r.text("stream"), Some("off"));
    assert_eq!(r.get("replicas"), Some(&Value::Null));
    assert_eq!(r.get("deletion_protection"), Some(&Value::Null));
    // Without a throughput either, the billing mode is unknown; a disabled
    // SSE description is the AWS owned key.
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("provisionedThroughput");
    v["configuration"]["ssedescription"] = json!({"status": "DISABLED", "ssetype": "KMS"});
    let r = map(&v).unwrap();
    assert_eq!(r.get("billing_mode"), Some(&Value::Null));
    assert_eq!(r.text("encryption"), Some("aws-owned"));
    let mut v = table_item();
    v["configuration"]["itemCount"] = json!(4.5);
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "itemCount");
    let mut v = table_item();
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("tableName");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "tableName");
}

// ---------------------------------------------------------------- table

#[test]
fn target_groups_are_not_recorded_and_the_rest_are_mapped() {
    assert!(mapper("AWS::ElasticLoadBalancingV2::TargetGroup").is_none());
    assert!(not_recorded().contains(&kinds::TARGET_GROUP));
    for kind in [
        kinds::LOAD_BALANCER,
        kinds::LISTENER,
        kinds::DB_INSTANCE,
        kinds::DB_CLUSTER,
        kinds::LAMBDA_FUNCTION,
        kinds::EKS_CLUSTER,
        kinds::S3_BUCKET,
        kinds::DYNAMODB_TABLE,
    ] {
        assert!(!not_recorded().contains(&kind), "{kind}");
    }
    // Each field named as not recorded is a real field, and one this
    // module's mappers leave null.
    for (kind, field) in NOT_RECORDED {
        let k = Kind::all()
            .find(|k| k.def().name == *kind)
            .unwrap_or_else(|| panic!("no kind {kind}"));
        assert!(k.def().field_index(field).is_some(), "{kind}.{field}");
    }
    assert_eq!(
        map(&eks_item()).unwrap().get("platform_version"),
        Some(&Value::Null)
    );
    assert_eq!(
        map(&table_item()).unwrap().get("deletion_protection"),
        Some(&Value::Null)
    );
}
