//! Each EC2 mapper against items in AWS Config's format. Most expected
//! resources are built as `orgscope-aws`'s converter tests (`ec2/<kind>.rs`)
//! expect them from the SDK shape of the same data, and compared whole
//! (every field, every edge, in order), so a Config-sourced resource is
//! held to the crawl's. A few items are real ones, scrubbed: AWS's Config
//! developer guide's example volume, and Cloud Custodian's recorded items
//! (its `tests/data`: an instance from a Config rule event, security groups
//! from configuration history and from `SelectResourceConfig`), each
//! marked where it is used. Then bad and odd input: a missing id, a key of
//! the wrong type, optional keys left out.

use serde_json::{Value as Json, json};

use super::super::{
    ConfigItem, ItemError, Mapped, fields_not_recorded, mapper, mappers, to_resource,
};
use super::{MAPPERS, NOT_RECORDED};
use crate::model::{Edge, Kind, Rel, Resource, Value, kinds};

/// Where the items were recorded: the crawl's tests' account and region.
const ACCOUNT: &str = "111111111111";
const REGION: &str = "eu-west-1";

/// An item of the advanced query's `SELECT *` form.
fn item(resource_type: &str, id: &str, configuration: Json, tags: Json) -> ConfigItem {
    let row = json!({
        "version": "1.3",
        "accountId": ACCOUNT,
        "configurationItemCaptureTime": "2026-11-30T08:15:02.512Z",
        "configurationItemStatus": "OK",
        "resourceType": resource_type,
        "resourceId": id,
        "awsRegion": REGION,
        "tags": tags,
        "relationships": [],
        "configuration": configuration,
        "supplementaryConfiguration": {},
    });
    ConfigItem::from_json(&row).expect("a well-formed item")
}

fn map(item: &ConfigItem) -> Result<Resource, ItemError> {
    let m = mapper(&item.resource_type).expect("a mapped type");
    (m.map)(item)
}

fn mapped(resource_type: &str, id: &str, configuration: Json, tags: Json) -> Resource {
    map(&item(resource_type, id, configuration, tags)).expect("maps")
}

/// What the crawl's `Where::resource` makes: the collecting account and
/// region, the tags, the name from `Name`.
fn crawled(kind: Kind, id: &str, tags: &[(&str, &str)], fallback: Option<&str>) -> Resource {
    let mut r = Resource::new(kind, ACCOUNT, REGION, id);
    r.tags = tags
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    r.name = r
        .tags
        .get("Name")
        .cloned()
        .or_else(|| fallback.map(str::to_string));
    r
}

fn name_tag(name: &str) -> Json {
    json!([{"key": "Name", "value": name}])
}

/// The `key` a `Malformed` error names.
fn bad_key(e: ItemError) -> String {
    match e {
        ItemError::Malformed { key, .. } => key,
        other => panic!("not a malformed item: {other}"),
    }
}

fn rules(r: &Resource, field: &str) -> Vec<String> {
    r.get(field)
        .map(Value::as_rules)
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect()
}

// ---- every type -------------------------------------------------------

#[test]
fn fifteen_ec2_types_map_to_their_kinds() {
    let types: Vec<(&str, Kind)> = MAPPERS.iter().map(|m| (m.resource_type, m.kind)).collect();
    assert_eq!(types.len(), 15);
    assert!(types.contains(&("AWS::EC2::EIP", kinds::ELASTIC_IP)));
    assert!(types.contains(&("AWS::EC2::VPCEndpoint", kinds::VPC_ENDPOINT)));
    for m in MAPPERS {
        assert_eq!(m.kind.def().service, "ec2", "{}", m.resource_type);
    }
}

#[test]
fn an_item_without_its_id_is_an_error_naming_the_key() {
    for m in MAPPERS {
        let it = item(m.resource_type, "x-1", json!({}), json!([]));
        let e = (m.map)(&it).expect_err(m.resource_type);
        let key = bad_key(e.clone());
        assert!(!key.is_empty(), "{}", m.resource_type);
        assert!(e.to_string().contains("x-1"), "{e}");
        // An empty id is no id either.
        let it = item(
            m.resource_type,
            "x-1",
            json!({ key.clone(): "" }),
            json!([]),
        );
        assert!(
            (m.map)(&it).is_err(),
            "{} with an empty {key}",
            m.resource_type
        );
    }
}

#[test]
fn fields_config_does_not_record_are_fields_of_mapped_kinds() {
    let listed: Vec<_> = fields_not_recorded().collect();
    // This table is in the whole list, beside the other groups' tables.
    assert!(NOT_RECORDED.iter().all(|f| listed.contains(f)));
    for (kind, field) in listed {
        let k = Kind::all()
            .find(|k| k.def().name == kind)
            .unwrap_or_else(|| panic!("no kind {kind}"));
        assert!(
            k.def().field_index(field).is_some(),
            "{kind} has no {field}"
        );
        assert!(mappers().any(|m| m.kind == k), "{kind} is not mapped");
    }
}

// ---- instance ---------------------------------------------------------

#[test]
fn an_instance_keeps_its_fields_and_references_become_edges() {
    // The crawl's `an_instance_keeps_its_fields_and_references_become_edges`.
    let r = mapped(
        "AWS::EC2::Instance",
        "i-1",
        json!({
            "instanceId": "i-1",
            "instanceType": "t3.micro",
            "state": {"code": 16, "name": "running"},
            "privateIpAddress": "10.0.1.5",
            "publicIpAddress": "",
            "vpcId": "vpc-1",
            "subnetId": "subnet-1",
            "placement": {"availabilityZone": "eu-west-1a", "tenancy": "default"},
            "securityGroups": [
                {"groupId": "sg-b", "groupName": "web"},
                {"groupId": "sg-a", "groupName": "db"}
            ],
            "tags": [{"key": "Name", "value": "web-1"}]
        }),
        name_tag("web-1"),
    );
    let mut want = crawled(kinds::INSTANCE, "i-1", &[("Name", "web-1")], None)
        .with("instance_type", "t3.micro")
        .with("state", "running")
        .with("private_ip", "10.0.1.5")
        .with("az", "eu-west-1a");
    want.relations = vec![
        Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
        Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-1"),
        Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-a").named("db"),
        Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-b").named("web"),
    ];
    assert_eq!(r, want);
    assert_eq!(r.get("public_ip"), Some(&Value::Null));
}

/// A real item: Cloud Custodian's `tests/data/cwe/
/// event-config-rule-instance.json` (the `configurationItem` of a Config
/// rule's invoking event, version 1.2), abridged — its network interfaces,
/// second volume, state reason and hash left out — with its `null`s where
/// EC2 had nothing, and `accountId` added beside the event's
/// `awsAccountId` (an aggregator row's spelling).
const CUSTODIAN_INSTANCE: &str = r#"{"configurationItemVersion":"1.2","relationships":[{"resourceId":"eni-710f5161","resourceName":null,"resourceType":"AWS::EC2::NetworkInterface","name":"Contains NetworkInterface"},{"resourceId":"sg-eb0da091","resourceName":null,"resourceType":"AWS::EC2::SecurityGroup","name":"Is associated with SecurityGroup"},{"resourceId":"subnet-3a334610","resourceName":null,"resourceType":"AWS::EC2::Subnet","name":"Is contained in Subnet"},{"resourceId":"vpc-d2d616b5","resourceName":null,"resourceType":"AWS::EC2::VPC","name":"Is contained in Vpc"}],"configuration":{"instanceId":"i-094bc87c84d56c589","imageId":"ami-2d39803a","state":{"code":80,"name":"stopped"},"privateDnsName":"ip-172-31-52-252.ec2.internal","publicDnsName":"","stateTransitionReason":"User initiated (2016-08-24 00:04:05 GMT)","keyName":"redrum-redrum","amiLaunchIndex":0,"productCodes":[],"instanceType":"t2.medium","launchTime":"2016-08-23T22:37:57.000Z","placement":{"availabilityZone":"us-east-1d","groupName":"","tenancy":"default","hostId":null,"affinity":null},"kernelId":null,"ramdiskId":null,"platform":null,"monitoring":{"state":"disabled"},"subnetId":"subnet-3a334610","vpcId":"vpc-d2d616b5","privateIpAddress":"172.31.52.252","publicIpAddress":null,"architecture":"x86_64","rootDeviceType":"ebs","rootDeviceName":"/dev/sda1","blockDeviceMappings":[{"deviceName":"/dev/sda1","ebs":{"volumeId":"vol-1eefcfcc","status":"attached","attachTime":"2016-08-23T22:37:58.000Z","deleteOnTermination":true}}],"virtualizationType":"hvm","tags":[{"key":"Name","value":"redum-storage"}],"securityGroups":[{"groupName":"launch-wizard-1","groupId":"sg-eb0da091"}],"sourceDestCheck":true,"hypervisor":"xen","iamInstanceProfile":null,"ebsOptimized":false},"supplementaryConfiguration":{},"tags":{"Name":"redrum-redrum"},"configurationItemCaptureTime":"2016-08-24T00:13:58.422Z","configurationStateId":4,"awsAccountId":"644160558196","accountId":"644160558196","configurationItemStatus":"OK","resourceType":"AWS::EC2::Instance","resourceId":"i-094bc87c84d56c589","resourceName":null,"ARN":"arn:aws:ec2:us-east-1:644160558196:instance/i-094bc87c84d56c589","awsRegion":"us-east-1","availabilityZone":"us-east-1d"}"#;

#[test]
fn a_recorded_instance_item_reads_whole() {
    let it = ConfigItem::parse(CUSTODIAN_INSTANCE).expect("parses");
    let r = match to_resource(&it) {
        Ok(Mapped::Resource(r)) => *r,
        other => panic!("{other:?}"),
    };
    let mut want = Resource::new(
        kinds::INSTANCE,
        "644160558196",
        "us-east-1",
        "i-094bc87c84d56c589",
    );
    // The item's own tags (here not the configuration's, as recorded:
    // the instance was renamed between the two) name it.
    want.tags = [("Name".to_string(), "redrum-redrum".to_string())].into();
    want.name = Some("redrum-redrum".into());
    want = want
        .with("instance_type", "t2.medium")
        .with("image_id", "ami-2d39803a")
        .with("state", "stopped")
        .with("architecture", "x86_64")
        .with("private_ip", "172.31.52.252")
        .with("az", "us-east-1d")
        .with("launch_time", "2016-08-23T22:37:57Z")
        .with("key_name", "redrum-redrum")
        .with_edge(Edge::new(Rel::InVpc, kinds::VPC, "vpc-d2d616b5"))
        .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-3a334610"))
        .with_edge(
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-eb0da091").named("launch-wizard-1"),
        );
    want.captured_at = Some("2016-08-24T00:13:58.422Z".into());
    assert_eq!(r, want);
}

#[test]
fn an_instance_without_a_network_has_no_edges_and_null_fields() {
    // The crawl writes "" for a type or state EC2 left out (its typed
    // model's legacy); an item that leaves them out gives null, not a
    // guessed value.
    let r = mapped(
        "AWS::EC2::Instance",
        "i-2",
        json!({"instanceId": "i-2", "securityGroups": [{"groupName": "web"}]}),
        json!([]),
    );
    assert!(r.relations.is_empty(), "a group without an id has no edge");
    assert!(r.fields.iter().all(Value::is_null));
    assert_eq!(r.name, None);
}

#[test]
fn an_instance_key_of_the_wrong_type_is_an_error_naming_it() {
    let bad = |conf: Json| {
        bad_key(map(&item("AWS::EC2::Instance", "i-3", conf, json!([]))).expect_err("malformed"))
    };
    assert_eq!(
        bad(json!({"instanceId": "i-3", "instanceType": 3})),
        "instanceType"
    );
    assert_eq!(
        bad(json!({"instanceId": "i-3", "securityGroups": "sg-1"})),
        "securityGroups"
    );
    assert_eq!(
        bad(json!({"instanceId": "i-3", "launchTime": "yesterday"})),
        "launchTime"
    );
    assert_eq!(
        bad(json!({"instanceId": "i-3", "state": {"name": 16}})),
        "state.name"
    );
    assert_eq!(bad(json!({"instanceId": ["i-3"]})), "instanceId");
}

// ---- VPC and subnet ---------------------------------------------------

#[test]
fn a_vpc_lists_its_primary_cidr_first_and_only_associated_ones() {
    // The crawl's `a_vpc_lists_its_primary_cidr`, with the state in the
    // schema's `state.value` form and a CIDR being removed.
    let r = mapped(
        "AWS::EC2::VPC",
        "vpc-1",
        json!({
            "vpcId": "vpc-1",
            "cidrBlock": "10.0.0.0/16",
            "cidrBlockAssociationSet": [
                {"cidrBlock": "10.1.0.0/16"},
                {"cidrBlock": "10.0.0.0/16", "cidrBlockState": {"state": "associated"}},
                {"cidrBlock": "10.9.0.0/16", "cidrBlockState": {"state": "disassociating"}}
            ],
            "isDefault": false,
            "state": {"value": "available"},
            "ownerId": ACCOUNT
        }),
        json!([]),
    );
    let want = crawled(kinds::VPC, "vpc-1", &[], None)
        .with("cidr", "10.0.0.0/16")
        .with(
            "cidr_blocks",
            vec!["10.1.0.0/16".to_string(), "10.0.0.0/16".to_string()],
        )
        .with("is_default", false)
        .with("state", "available");
    assert_eq!(r, want);
    // The state as text, as older items write it, reads the same.
    let r = mapped(
        "AWS::EC2::VPC",
        "vpc-2",
        json!({"vpcId": "vpc-2", "cidrBlock": "10.2.0.0/16", "state": "pending"}),
        name_tag("shared"),
    );
    assert_eq!(r.text("state"), Some("pending"));
    assert_eq!(r.name.as_deref(), Some("shared"));
    assert_eq!(
        r.get("cidr_blocks"),
        Some(&Value::from(vec!["10.2.0.0/16".to_string()]))
    );
    assert_eq!(r.get("is_default"), Some(&Value::Null));
}

#[test]
fn a_subnet_lies_in_its_vpc() {
    // The crawl's `a_subnet_lies_in_its_vpc`.
    let r = mapped(
        "AWS::EC2::Subnet",
        "subnet-1",
        json!({
            "subnetId": "subnet-1",
            "vpcId": "vpc-1",
            "cidrBlock": "10.0.1.0/24",
            "availabilityZone": "eu-west-1b",
            "mapPublicIpOnLaunch": true,
            "defaultForAz": false,
            "availableIpAddressCount": 250,
            "state": {"value": "available"}
        }),
        json!([]),
    );
    let want = crawled(kinds::SUBNET, "subnet-1", &[], None)
        .with("cidr", "10.0.1.0/24")
        .with("az", "eu-west-1b")
        .with("public", true)
        .with("default_for_az", false)
        .with("available_ips", 250)
        .with("state", "available")
        .with_edge(Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"));
    assert_eq!(r, want);
    let r = mapped(
        "AWS::EC2::Subnet",
        "subnet-2",
        json!({"subnetId": "subnet-2", "availableIpAddressCount": "12"}),
        json!([]),
    );
    assert!(r.relations.is_empty());
    assert_eq!(r.get("available_ips"), Some(&Value::Number(12)));
    assert_eq!(r.get("public"), Some(&Value::Null));
    let e = map(&item(
        "AWS::EC2::Subnet",
        "subnet-3",
        json!({"subnetId": "subnet-3", "mapPublicIpOnLaunch": "yes"}),
        json!([]),
    ))
    .expect_err("not a yes/no");
    assert_eq!(bad_key(e), "mapPublicIpOnLaunch");
}

// ---- security group ---------------------------------------------------

#[test]
fn a_security_group_is_named_by_its_group_name_and_lies_in_its_vpc() {
    // The crawl's `a_security_group_is_named_by_its_group_name_and_lies_in_its_vpc`.
    let r = mapped(
        "AWS::EC2::SecurityGroup",
        "sg-1",
        json!({
            "groupId": "sg-1",
            "groupName": "db",
            "description": "database",
            "vpcId": "vpc-1",
            "ownerId": ACCOUNT,
            "ipPermissions": [{
                "ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432,
                "userIdGroupPairs": [{"groupId": "sg-far", "userId": "999999999999"}],
                "ipv4Ranges": [], "ipRanges": [], "ipv6Ranges": [], "prefixListIds": []
            }],
            "ipPermissionsEgress": []
        }),
        json!([]),
    );
    assert_eq!(r.name.as_deref(), Some("db"));
    assert_eq!(r.text("group_name"), Some("db"));
    assert_eq!(r.text("description"), Some("database"));
    assert_eq!(rules(&r, "ingress"), ["tcp/5432 from 999999999999/sg-far"]);
    assert_eq!(r.get("egress"), Some(&Value::Rules(Box::default())));
    assert_eq!(
        r.relations,
        vec![Edge::new(Rel::InVpc, kinds::VPC, "vpc-1")]
    );
}

#[test]
fn a_recorded_group_of_the_older_form_reads_its_cidr_texts() {
    // Real, from Cloud Custodian's `tests/data/placebo/
    // test_sg_config_ingres_diff` (configuration history, version 1.2):
    // `ipRanges` as texts, ports `null` for all traffic, a pair without a
    // name. Re-homed to the tests' account; the pair's user is the owner.
    let r = mapped(
        "AWS::EC2::SecurityGroup",
        "sg-65229a0c",
        json!({"ownerId":"111111111111","groupName":"Test","groupId":"sg-65229a0c","description":"Test","ipPermissions":[{"ipProtocol":"tcp","fromPort":0,"toPort":0,"userIdGroupPairs":[{"userId":"111111111111","groupName":null,"groupId":"sg-aa6c90c3","vpcId":null,"vpcPeeringConnectionId":null,"peeringStatus":null}],"ipRanges":[],"prefixListIds":[]}],"ipPermissionsEgress":[{"ipProtocol":"-1","fromPort":null,"toPort":null,"userIdGroupPairs":[],"ipRanges":["0.0.0.0/0"],"prefixListIds":[]}],"vpcId":"vpc-5f6c9936","tags":[{"key":"Name","value":"Test"}]}),
        json!({"Name": "Test"}),
    );
    assert_eq!(rules(&r, "ingress"), ["tcp/0 from sg-aa6c90c3"]);
    assert_eq!(rules(&r, "egress"), ["all/all from 0.0.0.0/0"]);
    assert!(r.get("egress").map(Value::as_rules).unwrap_or_default()[0].is_open_to_world());
    assert_eq!(r.name.as_deref(), Some("Test"));
}

#[test]
fn a_group_with_both_range_forms_lists_each_range_once_with_its_description() {
    // Real, from Cloud Custodian's `tests/data/placebo/
    // test_security_group_config_source` (a `SelectResourceConfig` row of
    // 2019): every range twice, in `ipRanges` and `ipv4Ranges`. A
    // description on the `ipv4Ranges` entry is what the crawl keeps, so
    // the texts must not add an undescribed twin.
    let mut conf: Json = serde_json::from_str(r#"{"groupName":"default","groupId":"sg-6c7fa917","vpcId":"vpc-d2d616b5","ipPermissionsEgress":[{"ipRanges":["0.0.0.0/0"],"prefixListIds":[],"userIdGroupPairs":[],"ipProtocol":"-1","ipv4Ranges":[{"cidrIp":"0.0.0.0/0"}],"ipv6Ranges":[]}],"description":"default VPC security group","ownerId":"644160558196","ipPermissions":[{"ipRanges":["108.56.181.242/32"],"prefixListIds":[],"userIdGroupPairs":[{"groupId":"sg-6c7fa917","userId":"644160558196"}],"ipProtocol":"-1","ipv4Ranges":[{"cidrIp":"108.56.181.242/32"}],"ipv6Ranges":[]}],"tags":[{"value":"Private","key":"NetworkLocation"}]}"#).expect("json");
    conf["ipPermissions"][0]["ipv4Ranges"][0]["description"] = json!("office");
    let r = mapped(
        "AWS::EC2::SecurityGroup",
        "sg-6c7fa917",
        conf,
        json!([{"value": "Private", "key": "NetworkLocation"}]),
    );
    let ingress = r.get("ingress").map(Value::as_rules).unwrap_or_default();
    assert_eq!(
        ingress.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["all/all from 108.56.181.242/32", "all/all from sg-6c7fa917"]
    );
    assert_eq!(ingress[0].description.as_deref(), Some("office"));
    assert_eq!(rules(&r, "egress"), ["all/all from 0.0.0.0/0"]);
    // No Name tag: named by its group name, as the crawl names it.
    assert_eq!(r.name.as_deref(), Some("default"));
}

#[test]
fn every_peer_form_is_read_and_malformed_ports_are_named() {
    let r = mapped(
        "AWS::EC2::SecurityGroup",
        "sg-2",
        json!({
            "groupId": "sg-2",
            "ipPermissions": [{
                "ipProtocol": "6", "fromPort": 443, "toPort": "443",
                "ipv4Ranges": [{"cidrIp": "10.0.0.0/8", "description": ""}],
                "ipv6Ranges": [{"cidrIpv6": "::/0", "description": "world"}],
                "prefixListIds": [{"prefixListId": "pl-1"}],
                "userIdGroupPairs": [{"groupId": "sg-other", "userId": "999999999999"}]
            }]
        }),
        json!([]),
    );
    // Without an ownerId the group's own account is the item's.
    assert_eq!(
        rules(&r, "ingress"),
        [
            "tcp/443 from 10.0.0.0/8",
            "tcp/443 from ::/0",
            "tcp/443 from 999999999999/sg-other",
            "tcp/443 from pl-1",
        ]
    );
    assert!(r.relations.is_empty(), "no VPC, no edge");
    let bad = |perm: Json| {
        bad_key(
            map(&item(
                "AWS::EC2::SecurityGroup",
                "sg-3",
                json!({"groupId": "sg-3", "ipPermissions": [perm]}),
                json!([]),
            ))
            .expect_err("malformed"),
        )
    };
    assert_eq!(
        bad(json!({"ipProtocol": "tcp", "fromPort": "x"})),
        "fromPort"
    );
    assert_eq!(bad(json!({"ipProtocol": "tcp", "toPort": 1e12})), "toPort");
    assert_eq!(
        bad(json!({"ipProtocol": "tcp", "toPort": 99999999999i64})),
        "toPort"
    );
    assert_eq!(bad(json!({"ipRanges": [1]})), "ipRanges");
    assert_eq!(bad(json!({"ipv4Ranges": {"cidrIp": "x"}})), "ipv4Ranges");
}

// ---- volume -----------------------------------------------------------

#[test]
fn a_volume_is_attached_to_its_instances_with_device_and_state() {
    // The crawl's `a_volume_is_attached_to_its_instances_with_device_and_state`.
    let r = mapped(
        "AWS::EC2::Volume",
        "vol-1",
        json!({
            "volumeId": "vol-1",
            "size": 8,
            "volumeType": "gp3",
            "state": {"value": "in-use"},
            "availabilityZone": "eu-west-1a",
            "encrypted": true,
            "attachments": [
                {"instanceId": "i-2", "device": "/dev/sdf", "state": "attached"},
                {"instanceId": "i-1", "device": "/dev/xvda", "state": "attaching"}
            ]
        }),
        json!([]),
    );
    let mut want = crawled(kinds::VOLUME, "vol-1", &[], None)
        .with("size_gib", 8)
        .with("volume_type", "gp3")
        .with("encrypted", true)
        .with("state", "in-use")
        .with("az", "eu-west-1a");
    want.relations = vec![
        Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-1")
            .attr("device", "/dev/xvda")
            .attr("state", "attaching"),
        Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-2")
            .attr("device", "/dev/sdf")
            .attr("state", "attached"),
    ];
    assert_eq!(r, want);
}

/// AWS's own example: the volume of "Example Configuration Snapshot from
/// AWS Config" in the Config developer guide (`example-s3-snapshot.html`),
/// as printed, but for `awsRegion`, which every aggregator row has and the
/// guide's example leaves out (its `availibilityZone` typo kept).
const GUIDE_VOLUME: &str = r#"{
  "configurationItemVersion": "1.0",
  "resourceId": "vol-ce676ccc",
  "arn": "arn:aws:us-west-2b:123456789012:volume/vol-ce676ccc",
  "accountId": "12345678910",
  "configurationItemCaptureTime": "2014-03-07T23:47:08.918Z",
  "configurationStateID": "3e660fdf-4e34-4f32-afeb-0ace5bf3d63a",
  "configurationItemStatus": "OK",
  "relatedEvents": ["06c12a39-eb35-11de-ae07-adb69edbb1e4", "c376e30d-71a2-4694-89b7-a5a04ad92281"],
  "availibilityZone": "us-west-2b",
  "awsRegion": "us-west-2",
  "resourceType": "AWS::EC2::Volume",
  "resourceCreationTime": "2014-02-27T21:43:53.885Z",
  "tags": {},
  "relationships": [{"resourceId": "i-344c463d", "resourceType": "AWS::EC2::Instance", "name": "Attached to Instance"}],
  "configuration": {
    "volumeId": "vol-ce676ccc",
    "size": 1,
    "snapshotId": "",
    "availabilityZone": "us-west-2b",
    "state": "in-use",
    "createTime": "2014-02-27T21:43:53.0885+0000",
    "attachments": [{
      "volumeId": "vol-ce676ccc",
      "instanceId": "i-344c463d",
      "device": "/dev/sdf",
      "state": "attached",
      "attachTime": "2014-03-07T23:46:28.0000+0000",
      "deleteOnTermination": false
    }],
    "tags": [{"tagName": "environment", "tagValue": "PROD"}, {"tagName": "name", "tagValue": "DataVolume1"}],
    "volumeType": "standard"
  }
}"#;

#[test]
fn the_developer_guides_volume_reads_whole() {
    let it = ConfigItem::parse(GUIDE_VOLUME).expect("parses");
    let r = map(&it).expect("maps");
    let mut want = Resource::new(kinds::VOLUME, "12345678910", "us-west-2", "vol-ce676ccc")
        .with("size_gib", 1)
        .with("volume_type", "standard")
        .with("state", "in-use")
        .with("az", "us-west-2b")
        .with_edge(
            Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-344c463d")
                .attr("device", "/dev/sdf")
                .attr("state", "attached"),
        );
    // Tags are the item's (`{}` here), not the configuration's old
    // `tagName` form; iops and encryption were not in items of 2014.
    want.tags = Default::default();
    assert_eq!(r, want);
    assert_eq!(r.get("encrypted"), Some(&Value::Null));
}

#[test]
fn an_attachment_without_an_instance_has_no_edge_and_a_bad_size_is_named() {
    let r = mapped(
        "AWS::EC2::Volume",
        "vol-2",
        json!({"volumeId": "vol-2", "attachments": [{"device": "/dev/sdf"}, {"instanceId": "i-9"}]}),
        json!([]),
    );
    // An edge attribute has no null: left out, it is empty, as the crawl
    // writes it.
    assert_eq!(
        r.relations,
        vec![
            Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-9")
                .attr("device", "")
                .attr("state", "")
        ]
    );
    let e = map(&item(
        "AWS::EC2::Volume",
        "vol-3",
        json!({"volumeId": "vol-3", "size": "big"}),
        json!([]),
    ))
    .expect_err("not a number");
    assert_eq!(bad_key(e), "size");
}

// ---- elastic IP -------------------------------------------------------

#[test]
fn an_attached_address_points_at_its_instance() {
    // The crawl's `an_attached_address_points_at_its_instance`.
    let r = mapped(
        "AWS::EC2::EIP",
        "eipalloc-1",
        json!({
            "allocationId": "eipalloc-1",
            "publicIp": "52.1.2.3",
            "domain": "vpc",
            "associationId": "eipassoc-1",
            "privateIpAddress": "10.0.0.5",
            "networkInterfaceId": "eni-1",
            "networkInterfaceOwnerId": ACCOUNT,
            "networkBorderGroup": "eu-west-1",
            "publicIpv4Pool": "amazon",
            "instanceId": "i-1"
        }),
        name_tag("web-eip"),
    );
    let want = crawled(
        kinds::ELASTIC_IP,
        "eipalloc-1",
        &[("Name", "web-eip")],
        None,
    )
    .with("public_ip", "52.1.2.3")
    .with("domain", "vpc")
    .with("association_id", "eipassoc-1")
    .with("private_ip", "10.0.0.5")
    .with("network_interface_id", "eni-1")
    .with("network_border_group", "eu-west-1")
    .with("public_ipv4_pool", "amazon")
    .with_edge(Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-1"));
    assert_eq!(r, want);
}

#[test]
fn an_idle_address_has_nulls_a_classic_one_its_ip_and_a_nameless_one_errs() {
    let r = mapped(
        "AWS::EC2::EIP",
        "eipalloc-2",
        json!({"allocationId": "eipalloc-2", "publicIp": "52.1.2.4", "domain": "vpc",
               "associationId": null, "instanceId": null}),
        json!([]),
    );
    assert!(r.relations.is_empty());
    assert_eq!(r.get("association_id"), Some(&Value::Null));
    assert_eq!(r.get("private_ip"), Some(&Value::Null));
    let r = mapped(
        "AWS::EC2::EIP",
        "54.0.0.1",
        json!({"publicIp": "54.0.0.1", "domain": "standard"}),
        json!([]),
    );
    assert_eq!(r.id, "54.0.0.1");
    assert_eq!(r.text("domain"), Some("standard"));
    let e = map(&item(
        "AWS::EC2::EIP",
        "x",
        json!({"domain": "vpc"}),
        json!([]),
    ))
    .expect_err("nameless");
    assert_eq!(bad_key(e), "allocationId");
}

// ---- internet gateways ------------------------------------------------

#[test]
fn an_attached_internet_gateway_lies_in_its_vpc_and_says_attached() {
    // The crawl's `an_attached_gateway_lies_in_its_vpc_and_says_attached`.
    let r = mapped(
        "AWS::EC2::InternetGateway",
        "igw-1",
        json!({"internetGatewayId": "igw-1", "ownerId": ACCOUNT,
               "attachments": [{"vpcId": "vpc-1", "state": "available"}]}),
        name_tag("edge"),
    );
    let want = crawled(kinds::INTERNET_GATEWAY, "igw-1", &[("Name", "edge")], None)
        .with("state", "attached")
        .with_edge(Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"));
    assert_eq!(r, want);
    let detaching = mapped(
        "AWS::EC2::InternetGateway",
        "igw-2",
        json!({"internetGatewayId": "igw-2", "attachments": [{"vpcId": "vpc-1", "state": "detaching"}]}),
        json!([]),
    );
    assert_eq!(detaching.text("state"), Some("detaching"));
    let lone = mapped(
        "AWS::EC2::InternetGateway",
        "igw-3",
        json!({"internetGatewayId": "igw-3", "attachments": []}),
        json!([]),
    );
    assert_eq!(lone.text("state"), Some("detached"));
    assert!(lone.relations.is_empty());
    // An attachment Config wrote without its state: unknown, not guessed.
    let unknown = mapped(
        "AWS::EC2::InternetGateway",
        "igw-4",
        json!({"internetGatewayId": "igw-4", "attachments": [{"vpcId": "vpc-1"}]}),
        json!([]),
    );
    assert_eq!(unknown.get("state"), Some(&Value::Null));
    assert_eq!(unknown.first(Rel::InVpc), Some("vpc-1"));
}

#[test]
fn an_egress_only_gateway_lies_in_its_vpc() {
    // The crawl's `an_egress_only_gateway_lies_in_its_vpc`.
    let r = mapped(
        "AWS::EC2::EgressOnlyInternetGateway",
        "eigw-1",
        json!({"egressOnlyInternetGatewayId": "eigw-1",
               "attachments": [{"vpcId": "vpc-1", "state": "attached"}]}),
        name_tag("v6-out"),
    );
    let want = crawled(
        kinds::EGRESS_ONLY_INTERNET_GATEWAY,
        "eigw-1",
        &[("Name", "v6-out")],
        None,
    )
    .with("state", "attached")
    .with_edge(Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"));
    assert_eq!(r, want);
    let lone = mapped(
        "AWS::EC2::EgressOnlyInternetGateway",
        "eigw-2",
        json!({"egressOnlyInternetGatewayId": "eigw-2"}),
        json!([]),
    );
    assert_eq!(lone.text("state"), Some("detached"));
}

// ---- NAT gateway ------------------------------------------------------

#[test]
fn a_public_nat_gateway_lies_in_its_subnet_and_is_attached_to_its_eips() {
    // The crawl's `a_public_gateway_lies_in_its_subnet_and_is_attached_to_its_eips`.
    let r = mapped(
        "AWS::EC2::NatGateway",
        "nat-1",
        json!({
            "natGatewayId": "nat-1",
            "vpcId": "vpc-1",
            "subnetId": "subnet-pub",
            "state": {"value": "available"},
            "connectivityType": "public",
            "createTime": "2026-01-02T03:04:05.000Z",
            "natGatewayAddresses": [
                {"allocationId": "eipalloc-2", "publicIp": "52.0.0.2", "privateIp": "10.0.0.9",
                 "networkInterfaceId": "eni-1", "isPrimary": false},
                {"allocationId": "eipalloc-1", "publicIp": "52.0.0.1", "privateIp": "10.0.0.8",
                 "networkInterfaceId": "eni-1", "isPrimary": true}
            ]
        }),
        name_tag("egress"),
    );
    let mut want = crawled(kinds::NAT_GATEWAY, "nat-1", &[("Name", "egress")], None)
        .with("connectivity", "public")
        .with("state", "available")
        .with("public_ip", "52.0.0.1")
        .with("private_ip", "10.0.0.8");
    want.relations = vec![
        Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
        Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-pub"),
        Edge::new(Rel::AttachedTo, kinds::ELASTIC_IP, "eipalloc-1"),
        Edge::new(Rel::AttachedTo, kinds::ELASTIC_IP, "eipalloc-2"),
    ];
    assert_eq!(r, want);
}

#[test]
fn nat_gateways_without_a_primary_private_or_with_no_address() {
    // Config's schema has no `isPrimary`: the first address is read.
    let r = mapped(
        "AWS::EC2::NatGateway",
        "nat-3",
        json!({"natGatewayId": "nat-3", "natGatewayAddresses": [
            {"allocationId": "eipalloc-9", "publicIp": "52.0.0.9", "privateIp": "10.0.0.9"}]}),
        json!([]),
    );
    assert_eq!(r.text("public_ip"), Some("52.0.0.9"));
    let private = mapped(
        "AWS::EC2::NatGateway",
        "nat-2",
        json!({"natGatewayId": "nat-2", "vpcId": "vpc-1", "subnetId": "subnet-priv",
               "connectivityType": "private",
               "natGatewayAddresses": [{"privateIp": "10.0.1.7", "networkInterfaceId": "eni-2"}]}),
        json!([]),
    );
    assert_eq!(private.get("public_ip"), Some(&Value::Null));
    assert_eq!(private.text("private_ip"), Some("10.0.1.7"));
    assert_eq!(private.edges(Rel::AttachedTo).count(), 0);
    let failed = mapped(
        "AWS::EC2::NatGateway",
        "nat-4",
        json!({"natGatewayId": "nat-4", "subnetId": "subnet-1", "state": "failed"}),
        json!([]),
    );
    assert_eq!(failed.text("state"), Some("failed"));
    assert_eq!(failed.get("public_ip"), Some(&Value::Null));
    assert_eq!(failed.get("connectivity"), Some(&Value::Null));
    assert_eq!(
        failed.relations,
        vec![Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-1")]
    );
    let e = map(&item(
        "AWS::EC2::NatGateway",
        "nat-5",
        json!({"natGatewayId": "nat-5", "natGatewayAddresses": [{"isPrimary": "maybe"}]}),
        json!([]),
    ))
    .expect_err("malformed");
    assert_eq!(bad_key(e), "isPrimary");
}

// ---- route table ------------------------------------------------------

fn route(dest: &str, target: (&str, &str)) -> Json {
    json!({"destinationCidrBlock": dest, target.0: target.1, "state": "active", "origin": "CreateRoute"})
}

#[test]
fn a_public_table_serves_its_subnets_and_routes_out_through_the_igw() {
    // The crawl's `a_public_table_serves_its_subnets_and_routes_out_through_the_igw`.
    let assoc = |subnet: &str| {
        json!({"routeTableAssociationId": "rtbassoc-1", "routeTableId": "rtb-1",
               "subnetId": subnet, "main": false,
               "associationState": {"state": "associated"}})
    };
    let r = mapped(
        "AWS::EC2::RouteTable",
        "rtb-1",
        json!({
            "routeTableId": "rtb-1",
            "vpcId": "vpc-1",
            "ownerId": ACCOUNT,
            "associations": [assoc("subnet-b"), assoc("subnet-a")],
            "routes": [
                route("10.0.0.0/16", ("gatewayId", "local")),
                route("0.0.0.0/0", ("gatewayId", "igw-1")),
                {"destinationIpv6CidrBlock": "::/0", "egressOnlyInternetGatewayId": "eigw-1", "state": "active"}
            ],
            "propagatingVgws": []
        }),
        name_tag("public"),
    );
    let mut want = crawled(kinds::ROUTE_TABLE, "rtb-1", &[("Name", "public")], None)
        .with("main", false)
        .with("route_count", 3);
    let to = |kind, id: &str, dest: &str| {
        Edge::new(Rel::RoutesTo, kind, id)
            .attr("destination", dest)
            .attr("state", "active")
    };
    want.relations = vec![
        Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
        Edge::new(Rel::Serves, kinds::SUBNET, "subnet-a"),
        Edge::new(Rel::Serves, kinds::SUBNET, "subnet-b"),
        to(kinds::INTERNET_GATEWAY, "igw-1", "0.0.0.0/0"),
        to(kinds::VPC, "vpc-1", "10.0.0.0/16"),
        to(kinds::EGRESS_ONLY_INTERNET_GATEWAY, "eigw-1", "::/0"),
    ];
    assert_eq!(r, want);
}

#[test]
fn every_target_key_gives_its_kind_and_unknown_targets_are_kept() {
    // The crawl's `every_target_field_gives_its_kind_and_unknown_targets_are_kept`.
    let r = mapped(
        "AWS::EC2::RouteTable",
        "rtb-2",
        json!({
            "routeTableId": "rtb-2",
            "vpcId": "vpc-1",
            // The main association names no subnet: the main table's
            // subnets are implicit.
            "associations": [{"main": true, "associationState": {"state": "associated"}}],
            "routes": [
                route("0.0.0.0/0", ("natGatewayId", "nat-1")),
                route("10.1.0.0/16", ("vpcPeeringConnectionId", "pcx-1")),
                route("10.2.0.0/16", ("transitGatewayId", "tgw-1")),
                {"destinationPrefixListId": "pl-63a5400a", "gatewayId": "vpce-1", "state": "active"},
                {"destinationCidrBlock": "10.3.0.0/16", "instanceId": "i-1", "instanceOwnerId": ACCOUNT,
                 "networkInterfaceId": "eni-9", "state": "active"},
                {"destinationCidrBlock": "10.4.0.0/16", "instanceId": "i-2", "instanceOwnerId": "222222222222",
                 "state": "active"},
                route("10.5.0.0/16", ("gatewayId", "vgw-1")),
                route("10.6.0.0/16", ("networkInterfaceId", "eni-1")),
                route("10.7.0.0/16", ("carrierGatewayId", "cagw-1")),
                route("10.8.0.0/16", ("localGatewayId", "lgw-1")),
                route("10.9.0.0/16", ("coreNetworkArn", "arn:aws:networkmanager::1:core-network/core-1")),
                {"destinationCidrBlock": "192.168.0.0/16", "natGatewayId": "nat-gone", "state": "blackhole"}
            ]
        }),
        json!([]),
    );
    assert_eq!(r.get("main"), Some(&Value::Bool(true)));
    assert_eq!(r.get("route_count"), Some(&Value::Number(12)));
    assert_eq!(r.edges(Rel::Serves).count(), 0);
    let got: Vec<(String, Option<Kind>, String)> = r
        .edges(Rel::RoutesTo)
        .map(|e| {
            (
                e.attrs.get("destination").cloned().unwrap_or_default(),
                e.kind,
                e.to.clone(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        vec![
            (s("0.0.0.0/0"), Some(kinds::NAT_GATEWAY), s("nat-1")),
            (
                s("10.1.0.0/16"),
                Some(kinds::VPC_PEERING_CONNECTION),
                s("pcx-1")
            ),
            (s("10.2.0.0/16"), Some(kinds::TRANSIT_GATEWAY), s("tgw-1")),
            (s("10.3.0.0/16"), Some(kinds::INSTANCE), s("i-1")),
            (s("10.4.0.0/16"), Some(kinds::INSTANCE), s("i-2")),
            (s("10.5.0.0/16"), None, s("vgw-1")),
            (s("10.6.0.0/16"), None, s("eni-1")),
            (s("10.7.0.0/16"), None, s("cagw-1")),
            (s("10.8.0.0/16"), None, s("lgw-1")),
            (
                s("10.9.0.0/16"),
                None,
                s("arn:aws:networkmanager::1:core-network/core-1")
            ),
            (s("192.168.0.0/16"), Some(kinds::NAT_GATEWAY), s("nat-gone")),
            (s("pl-63a5400a"), Some(kinds::VPC_ENDPOINT), s("vpce-1")),
        ]
    );
    let edge = |to: &str| {
        r.edges(Rel::RoutesTo)
            .find(|e| e.to == to)
            .unwrap_or_else(|| panic!("no route to {to}"))
    };
    assert_eq!(
        edge("nat-gone").attrs.get("state").map(String::as_str),
        Some("blackhole")
    );
    // Another account's NAT instance is named with its account.
    assert_eq!(edge("i-2").account_id.as_deref(), Some("222222222222"));
    assert_eq!(edge("i-1").account_id, None);
}

#[test]
fn odd_routes_and_associations_are_kept_as_they_came() {
    // The crawl's `a_route_without_a_target_or_destination_is_kept_as_it_came`
    // and `a_disassociated_subnet_is_no_longer_served...`.
    let r = mapped(
        "AWS::EC2::RouteTable",
        "rtb-3",
        json!({"routeTableId": "rtb-3", "routes": [
            {"gatewayId": "local"},
            {"destinationCidrBlock": "10.0.0.0/8", "ipAddress": "10.0.0.1"}
        ]}),
        json!([]),
    );
    assert_eq!(r.first(Rel::InVpc), None);
    let got: Vec<_> = r
        .edges(Rel::RoutesTo)
        .map(|e| {
            (
                e.attrs.get("destination").map(String::as_str),
                e.kind,
                e.to.as_str(),
                e.attrs.get("state"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (None, None, "local", None),
            (Some("10.0.0.0/8"), None, "10.0.0.1", None)
        ]
    );
    let r = mapped(
        "AWS::EC2::RouteTable",
        "rtb-4",
        json!({"routeTableId": "rtb-4", "vpcId": "vpc-1", "associations": [
            {"subnetId": "subnet-old", "main": false, "associationState": {"state": "disassociated"}},
            {"subnetId": "subnet-new", "main": false, "associationState": {"state": "associated"}},
            {"main": true, "associationState": {"state": "failed"}}
        ]}),
        json!([]),
    );
    assert_eq!(r.first(Rel::Serves), Some("subnet-new"));
    assert_eq!(r.edges(Rel::Serves).count(), 1);
    assert_eq!(r.get("main"), Some(&Value::Bool(false)));
    assert_eq!(r.get("route_count"), Some(&Value::Number(0)));
    let e = map(&item(
        "AWS::EC2::RouteTable",
        "rtb-5",
        json!({"routeTableId": "rtb-5", "routes": [{"gatewayId": 7}]}),
        json!([]),
    ))
    .expect_err("malformed");
    assert_eq!(bad_key(e), "gatewayId");
}

// ---- VPC endpoint -----------------------------------------------------

#[test]
fn an_interface_endpoint_lies_in_its_subnets_and_groups() {
    // The crawl's `an_interface_endpoint_lies_in_its_subnets_and_groups`.
    let r = mapped(
        "AWS::EC2::VPCEndpoint",
        "vpce-1",
        json!({
            "vpcEndpointId": "vpce-1",
            "vpcEndpointType": "Interface",
            "vpcId": "vpc-1",
            "serviceName": "com.amazonaws.eu-west-1.ssm",
            "state": {"value": "available"},
            "privateDnsEnabled": true,
            "subnetIds": ["subnet-b", "subnet-a"],
            "groups": [{"groupId": "sg-2", "groupName": "endpoints"}, {"groupId": "sg-1"}],
            "networkInterfaceIds": ["eni-1"],
            "routeTableIds": []
        }),
        name_tag("ssm"),
    );
    let mut want = crawled(kinds::VPC_ENDPOINT, "vpce-1", &[("Name", "ssm")], None)
        .with("service_name", "com.amazonaws.eu-west-1.ssm")
        .with("endpoint_type", "Interface")
        .with("state", "available")
        .with("private_dns", true);
    want.relations = vec![
        Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
        Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-a"),
        Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-b"),
        Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1"),
        Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-2").named("endpoints"),
    ];
    assert_eq!(r, want);
}

#[test]
fn a_gateway_endpoint_lies_in_its_vpc_only() {
    let r = mapped(
        "AWS::EC2::VPCEndpoint",
        "vpce-2",
        json!({"vpcEndpointId": "vpce-2", "vpcEndpointType": "Gateway", "vpcId": "vpc-1",
               "serviceName": "com.amazonaws.eu-west-1.s3", "routeTableIds": ["rtb-1"]}),
        json!([]),
    );
    assert_eq!(r.text("endpoint_type"), Some("Gateway"));
    assert_eq!(r.get("private_dns"), Some(&Value::Null));
    assert_eq!(
        r.relations,
        vec![Edge::new(Rel::InVpc, kinds::VPC, "vpc-1")]
    );
    let e = map(&item(
        "AWS::EC2::VPCEndpoint",
        "vpce-3",
        json!({"vpcEndpointId": "vpce-3", "subnetIds": "subnet-1"}),
        json!([]),
    ))
    .expect_err("malformed");
    assert_eq!(bad_key(e), "subnetIds");
}

// ---- VPC peering ------------------------------------------------------

fn info(vpc: &str, owner: &str, region: &str, cidr: &str) -> Json {
    json!({"vpcId": vpc, "ownerId": owner, "region": region, "cidrBlock": cidr,
           "cidrBlockSet": [{"cidrBlock": cidr}], "peeringOptions": null})
}

#[test]
fn a_cross_account_cross_region_peering_names_the_far_end() {
    // The crawl's `a_cross_account_cross_region_peering_names_the_far_end`:
    // recorded in 111111111111 eu-west-1, the requester.
    let r = mapped(
        "AWS::EC2::VPCPeeringConnection",
        "pcx-1",
        json!({
            "vpcPeeringConnectionId": "pcx-1",
            "status": {"code": "active", "message": "Active"},
            "requesterVpcInfo": info("vpc-a", ACCOUNT, "eu-west-1", "10.0.0.0/16"),
            "accepterVpcInfo": info("vpc-b", "222222222222", "us-east-1", "10.1.0.0/16")
        }),
        name_tag("a-to-b"),
    );
    let mut want = crawled(
        kinds::VPC_PEERING_CONNECTION,
        "pcx-1",
        &[("Name", "a-to-b")],
        None,
    )
    .with("status", "active")
    .with("side", "requester")
    .with("requester_vpc", "vpc-a")
    .with("requester_account", ACCOUNT)
    .with("requester_region", "eu-west-1")
    .with("requester_cidr", "10.0.0.0/16")
    .with("accepter_vpc", "vpc-b")
    .with("accepter_account", "222222222222")
    .with("accepter_region", "us-east-1")
    .with("accepter_cidr", "10.1.0.0/16");
    want.relations = vec![
        Edge::new(Rel::PeersWith, kinds::VPC, "vpc-a").attr("side", "requester"),
        Edge::new(Rel::PeersWith, kinds::VPC, "vpc-b")
            .attr("side", "accepter")
            .in_account("222222222222")
            .in_region("us-east-1"),
    ];
    assert_eq!(r, want);
}

#[test]
fn the_accepter_sees_the_requester_as_the_far_end() {
    // The status as text, as the schema's `status` (a string) has it.
    let r = mapped(
        "AWS::EC2::VPCPeeringConnection",
        "pcx-2",
        json!({
            "vpcPeeringConnectionId": "pcx-2",
            "status": "pending-acceptance",
            "requesterVpcInfo": info("vpc-c", "333333333333", "eu-west-1", "10.2.0.0/16"),
            "accepterVpcInfo": info("vpc-a", ACCOUNT, "eu-west-1", "10.0.0.0/16")
        }),
        json!([]),
    );
    assert_eq!(r.text("side"), Some("accepter"));
    assert_eq!(r.text("status"), Some("pending-acceptance"));
    let ends: Vec<_> = r
        .edges(Rel::PeersWith)
        .map(|e| (e.to.as_str(), e.account_id.as_deref(), e.region.as_deref()))
        .collect();
    assert_eq!(
        ends,
        [("vpc-c", Some("333333333333"), None), ("vpc-a", None, None)]
    );
}

#[test]
fn peerings_within_the_account_deleted_or_without_owners() {
    let both = mapped(
        "AWS::EC2::VPCPeeringConnection",
        "pcx-3",
        json!({"vpcPeeringConnectionId": "pcx-3",
               "requesterVpcInfo": info("vpc-a", ACCOUNT, "eu-west-1", "10.0.0.0/16"),
               "accepterVpcInfo": info("vpc-d", ACCOUNT, "eu-west-1", "10.3.0.0/16")}),
        json!([]),
    );
    assert_eq!(both.text("side"), Some("both"));
    assert!(both.edges(Rel::PeersWith).all(|e| e.account_id.is_none()));
    let deleted = mapped(
        "AWS::EC2::VPCPeeringConnection",
        "pcx-4",
        json!({"vpcPeeringConnectionId": "pcx-4", "status": {"code": "deleted"},
               "requesterVpcInfo": info("vpc-a", ACCOUNT, "eu-west-1", "10.0.0.0/16"),
               "accepterVpcInfo": {"ownerId": "222222222222"}}),
        json!([]),
    );
    assert_eq!(deleted.text("status"), Some("deleted"));
    assert_eq!(deleted.text("side"), Some("requester"));
    assert_eq!(deleted.get("accepter_vpc"), Some(&Value::Null));
    assert_eq!(deleted.text("accepter_account"), Some("222222222222"));
    assert_eq!(
        deleted.relations,
        vec![Edge::new(Rel::PeersWith, kinds::VPC, "vpc-a").attr("side", "requester")]
    );
    let bare = mapped(
        "AWS::EC2::VPCPeeringConnection",
        "pcx-5",
        json!({"vpcPeeringConnectionId": "pcx-5"}),
        json!([]),
    );
    assert!(bare.fields.iter().all(Value::is_null));
    assert!(bare.relations.is_empty());
    let e = map(&item(
        "AWS::EC2::VPCPeeringConnection",
        "pcx-6",
        json!({"vpcPeeringConnectionId": "pcx-6", "accepterVpcInfo": "vpc-1"}),
        json!([]),
    ))
    .expect_err("malformed");
    assert_eq!(bad_key(e), "accepterVpcInfo");
}

// ---- Transit Gateway --------------------------------------------------

#[test]
fn a_transit_gateway_in_the_cloudformation_shape_keeps_its_asn_and_options() {
    // The schema's shape (`configuration.Id`, `AmazonSideAsn`...): no
    // state or owner, which are null (NOT_RECORDED).
    let r = mapped(
        "AWS::EC2::TransitGateway",
        "tgw-1",
        json!({
            "Id": "tgw-1",
            "AmazonSideAsn": 64512,
            "AutoAcceptSharedAttachments": "enable",
            "DefaultRouteTableAssociation": "enable",
            "DefaultRouteTablePropagation": "disable",
            "AssociationDefaultRouteTableId": "tgw-rtb-1",
            "Description": "hub",
            "DnsSupport": "enable",
            "VpnEcmpSupport": "enable",
            "Tags": [{"Key": "Name", "Value": "core"}]
        }),
        name_tag("core"),
    );
    let want = crawled(kinds::TRANSIT_GATEWAY, "tgw-1", &[("Name", "core")], None)
        .with("asn", 64512)
        .with("default_association", "enable")
        .with("default_propagation", "disable")
        .with("auto_accept", "enable");
    assert_eq!(r, want);
    for (kind, field) in NOT_RECORDED.iter().filter(|(k, _)| *k == "transit_gateway") {
        assert_eq!(r.get(field), Some(&Value::Null), "{kind} {field}");
    }
}

#[test]
fn a_transit_gateway_in_the_describe_shape_reads_as_the_crawl_does() {
    // The crawl's `a_transit_gateway_keeps_its_asn_owner_and_options`.
    let r = mapped(
        "AWS::EC2::TransitGateway",
        "tgw-1",
        json!({
            "transitGatewayId": "tgw-1",
            "ownerId": "999999999999",
            "state": "available",
            "description": "hub",
            "options": {
                "amazonSideAsn": 64512,
                "defaultRouteTableAssociation": "enable",
                "defaultRouteTablePropagation": "disable",
                "autoAcceptSharedAttachments": "enable"
            }
        }),
        name_tag("core"),
    );
    let want = crawled(kinds::TRANSIT_GATEWAY, "tgw-1", &[("Name", "core")], None)
        .with("state", "available")
        .with("asn", 64512)
        .with("owner", "999999999999")
        .with("default_association", "enable")
        .with("default_propagation", "disable")
        .with("auto_accept", "enable");
    assert_eq!(r, want);
    let e = map(&item(
        "AWS::EC2::TransitGateway",
        "tgw-2",
        json!({"Id": "tgw-2", "AmazonSideAsn": "private"}),
        json!([]),
    ))
    .expect_err("malformed");
    assert_eq!(bad_key(e), "AmazonSideAsn");
}

#[test]
fn an_attachment_in_the_cloudformation_shape_is_a_vpc_attachment() {
    let r = mapped(
        "AWS::EC2::TransitGatewayAttachment",
        "tgw-attach-1",
        json!({
            "Id": "tgw-attach-1",
            "TransitGatewayId": "tgw-1",
            "VpcId": "vpc-1",
            "SubnetIds": ["subnet-a", "subnet-b"],
            "Tags": [{"Key": "Name", "Value": "spoke"}]
        }),
        name_tag("spoke"),
    );
    let want = crawled(
        kinds::TRANSIT_GATEWAY_ATTACHMENT,
        "tgw-attach-1",
        &[("Name", "spoke")],
        None,
    )
    .with("resource_type", "vpc")
    .with("resource_id", "vpc-1")
    .with_edge(Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-1"))
    .with_edge(Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"));
    assert_eq!(r, want);
}

fn describe_attachment(tgw_owner: &str, vpc_owner: &str) -> Json {
    json!({
        "transitGatewayAttachmentId": "tgw-attach-1",
        "transitGatewayId": "tgw-1",
        "transitGatewayOwnerId": tgw_owner,
        "resourceOwnerId": vpc_owner,
        "resourceType": "vpc",
        "resourceId": "vpc-1",
        "state": "available",
        "association": {"transitGatewayRouteTableId": "tgw-rtb-1", "state": "associated"}
    })
}

#[test]
fn an_attachment_in_the_describe_shape_names_both_owners() {
    // The crawl's `an_attachment_of_an_own_vpc_to_an_own_gateway_names_no_account`
    // and `seen_from_a_third_account_both_ends_name_their_owners`.
    let own = mapped(
        "AWS::EC2::TransitGatewayAttachment",
        "tgw-attach-1",
        describe_attachment(ACCOUNT, ACCOUNT),
        name_tag("spoke"),
    );
    let want = crawled(
        kinds::TRANSIT_GATEWAY_ATTACHMENT,
        "tgw-attach-1",
        &[("Name", "spoke")],
        None,
    )
    .with("resource_type", "vpc")
    .with("state", "available")
    .with("resource_id", "vpc-1")
    .with("resource_owner", ACCOUNT)
    .with("tgw_owner", ACCOUNT)
    .with("association_state", "associated")
    .with_edge(Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-1"))
    .with_edge(Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"));
    assert_eq!(own, want);
    let third = mapped(
        "AWS::EC2::TransitGatewayAttachment",
        "tgw-attach-1",
        describe_attachment("222222222222", "333333333333"),
        json!([]),
    );
    assert_eq!(
        third.relations,
        vec![
            Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-1").in_account("222222222222"),
            Edge::new(Rel::InVpc, kinds::VPC, "vpc-1").in_account("333333333333"),
        ]
    );
    // A spoke's view of a shared hub: the gateway is another account's.
    let spoke = mapped(
        "AWS::EC2::TransitGatewayAttachment",
        "tgw-attach-1",
        describe_attachment("222222222222", ACCOUNT),
        json!([]),
    );
    assert_eq!(
        spoke.relations[0].account_id.as_deref(),
        Some("222222222222")
    );
    assert_eq!(spoke.relations[1].account_id, None);
}

#[test]
fn a_vpn_attachment_has_no_vpc_edge() {
    let r = mapped(
        "AWS::EC2::TransitGatewayAttachment",
        "tgw-attach-2",
        json!({"transitGatewayAttachmentId": "tgw-attach-2", "transitGatewayId": "tgw-1",
               "transitGatewayOwnerId": ACCOUNT, "resourceType": "vpn", "resourceId": "vpn-1",
               "state": "available"}),
        json!([]),
    );
    assert_eq!(r.text("resource_type"), Some("vpn"));
    assert_eq!(r.text("resource_id"), Some("vpn-1"));
    assert_eq!(r.get("association_state"), Some(&Value::Null));
    assert_eq!(
        r.relations,
        vec![Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-1")]
    );
}

#[test]
fn a_transit_gateway_route_table_is_attached_to_its_gateway() {
    // CloudFormation shape: the flags and state are not recorded.
    let r = mapped(
        "AWS::EC2::TransitGatewayRouteTable",
        "tgw-rtb-1",
        json!({"Id": "tgw-rtb-1", "TransitGatewayId": "tgw-1",
               "Tags": [{"Key": "Name", "Value": "shared"}]}),
        name_tag("shared"),
    );
    let want = crawled(
        kinds::TRANSIT_GATEWAY_ROUTE_TABLE,
        "tgw-rtb-1",
        &[("Name", "shared")],
        None,
    )
    .with_edge(Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-1"));
    assert_eq!(r, want);
    // The describe shape: the crawl's `a_route_table_is_attached_to_its_gateway`.
    let r = mapped(
        "AWS::EC2::TransitGatewayRouteTable",
        "tgw-rtb-1",
        json!({"transitGatewayRouteTableId": "tgw-rtb-1", "transitGatewayId": "tgw-1",
               "state": "available", "defaultAssociationRouteTable": true,
               "defaultPropagationRouteTable": false}),
        name_tag("shared"),
    );
    let want = crawled(
        kinds::TRANSIT_GATEWAY_ROUTE_TABLE,
        "tgw-rtb-1",
        &[("Name", "shared")],
        None,
    )
    .with("state", "available")
    .with("default_association", true)
    .with("default_propagation", false)
    .with_edge(Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-1"));
    assert_eq!(r, want);
}
