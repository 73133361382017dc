//! Reading items: every documented spelling, and malformed input named.

use super::read::{self, Reader};
use super::*;

const INSTANCE: &str = r#"{
  "version": "1.3",
  "accountId": "123456789012",
  "configurationItemCaptureTime": "2026-11-30T08:15:02.512Z",
  "configurationItemStatus": "OK",
  "resourceType": "AWS::EC2::Instance",
  "resourceId": "i-0a1b2c3d4e5f67890",
  "awsRegion": "eu-west-1",
  "tags": [{"key": "Name", "value": "web-1"}, {"key": "env", "value": "prod"}],
  "relationships": [{"resourceType": "AWS::EC2::Subnet", "resourceId": "subnet-1", "relationshipName": "Is contained in Subnet"}],
  "configuration": {"instanceId": "i-0a1b2c3d4e5f67890", "placement": {"availabilityZone": "eu-west-1a"}, "launchTime": "2026-01-02T03:04:05.000Z"},
  "supplementaryConfiguration": {}
}"#;

#[test]
fn an_item_of_the_advanced_query_reads_whole() {
    let item = ConfigItem::parse(INSTANCE).unwrap();
    assert_eq!(item.account_id, "123456789012");
    assert_eq!(item.region, "eu-west-1");
    assert_eq!(item.resource_type, "AWS::EC2::Instance");
    assert_eq!(
        item.captured_at.as_deref(),
        Some("2026-11-30T08:15:02.512Z")
    );
    assert_eq!(item.tags.get("env").map(String::as_str), Some("prod"));
    assert_eq!(item.relationships.len(), 1);
    assert_eq!(item.relationships[0].name, "Is contained in Subnet");
    let r = Reader::new(&item);
    assert_eq!(
        r.text("placement.availabilityZone").unwrap().as_deref(),
        Some("eu-west-1a")
    );
    assert_eq!(
        r.time("launchTime").unwrap().as_deref(),
        Some("2026-01-02T03:04:05Z")
    );
    assert_eq!(r.text("kernelId").unwrap(), None);
}

#[test]
fn configuration_as_text_and_tags_as_an_object_read_the_same() {
    let mut v: Json = serde_json::from_str(INSTANCE).unwrap();
    let conf = v["configuration"].to_string();
    v["configuration"] = Json::String(conf);
    v["tags"] = serde_json::json!({"Name": "web-1", "env": "prod"});
    let a = ConfigItem::from_json(&v).unwrap();
    let b = ConfigItem::parse(INSTANCE).unwrap();
    assert_eq!(a, b);
    // Snapshot files and rule events name a relationship `name`.
    let mut v: Json = serde_json::from_str(INSTANCE).unwrap();
    v["relationships"] =
        serde_json::json!([{"resourceId": "subnet-1", "name": "Is contained in Subnet"}]);
    let c = ConfigItem::from_json(&v).unwrap();
    assert_eq!(c.relationships[0].name, "Is contained in Subnet");
}

#[test]
fn bad_items_are_named_errors_never_panics() {
    assert!(matches!(
        ConfigItem::parse("not json"),
        Err(ItemError::NotJson(_))
    ));
    assert!(matches!(
        ConfigItem::parse("[]"),
        Err(ItemError::NotJson(_))
    ));
    assert_eq!(
        ConfigItem::parse(r#"{"resourceId": "x"}"#),
        Err(ItemError::Missing("resourceType"))
    );
    let mut v: Json = serde_json::from_str(INSTANCE).unwrap();
    v["configuration"] = Json::String("{not json".into());
    let e = ConfigItem::from_json(&v).unwrap_err();
    assert!(e.to_string().contains("i-0a1b2c3d4e5f67890"), "{e}");
    assert!(e.to_string().contains("configuration"), "{e}");
    let mut v: Json = serde_json::from_str(INSTANCE).unwrap();
    v["tags"] = serde_json::json!([{"value": "x"}]);
    assert!(ConfigItem::from_json(&v).is_err());
    let mut v: Json = serde_json::from_str(INSTANCE).unwrap();
    v["configurationItemCaptureTime"] = Json::String("yesterday".into());
    assert!(ConfigItem::from_json(&v).is_err());
}

#[test]
fn accessors_tell_absent_from_malformed() {
    let mut v: Json = serde_json::from_str(INSTANCE).unwrap();
    v["configuration"] = serde_json::json!({
        "n": 3, "ntext": "42", "b": true, "btext": "false", "list": ["a", "", "b"],
        "notnum": "x", "ms": 1700000000000i64, "nested": [{"a": 1}], "empty": ""
    });
    let item = ConfigItem::from_json(&v).unwrap();
    let r = Reader::new(&item);
    assert_eq!(r.number("n").unwrap(), Some(3));
    assert_eq!(r.number("ntext").unwrap(), Some(42));
    assert_eq!(r.number("absent").unwrap(), None);
    assert!(r.number("notnum").is_err());
    assert_eq!(r.flag("b").unwrap(), Some(true));
    assert_eq!(r.flag("btext").unwrap(), Some(false));
    assert!(r.flag("n").is_err());
    assert_eq!(r.texts("list").unwrap(), Some(vec!["a".into(), "b".into()]));
    assert!(r.texts("n").is_err());
    assert_eq!(
        r.time("ms").unwrap().as_deref(),
        Some("2023-11-14T22:13:20Z")
    );
    assert_eq!(r.objects("nested").unwrap().len(), 1);
    assert!(r.objects("n").is_err());
    assert_eq!(r.text("empty").unwrap(), None);
    let mut v: Json = serde_json::from_str(INSTANCE).unwrap();
    v["configuration"] = serde_json::json!({
        "plain": "in-use", "boxed": {"value": "in-use"}, "other": {"code": 1}, "n": 3
    });
    let item = ConfigItem::from_json(&v).unwrap();
    let r = Reader::new(&item);
    assert_eq!(
        r.text_in("plain", "value").unwrap().as_deref(),
        Some("in-use")
    );
    assert_eq!(
        r.text_in("boxed", "value").unwrap().as_deref(),
        Some("in-use")
    );
    assert_eq!(r.text_in("absent", "value").unwrap(), None);
    assert_eq!(r.text_in("other", "value").unwrap(), None);
    let e = r.text_in("other", "code").unwrap_err();
    assert!(e.to_string().contains("other.code"), "{e}");
    assert!(r.text_in("n", "value").is_err());
    assert!(r.required("empty").is_err());
    assert!(r.text("n").is_err());
}

#[test]
fn times_take_the_crawls_form() {
    assert_eq!(
        read::time("2017-02-28T17:32:09.000Z").as_deref(),
        Some("2017-02-28T17:32:09Z")
    );
    assert_eq!(
        read::time("2017-02-28T17:32:09.520Z").as_deref(),
        Some("2017-02-28T17:32:09.52Z")
    );
    assert_eq!(
        read::time("2017-02-28T18:32:09+01:00").as_deref(),
        Some("2017-02-28T17:32:09Z")
    );
    assert_eq!(read::time("Feb 28"), None);
}

#[test]
fn deleted_items_and_unmapped_types_are_not_resources() {
    let mut v: Json = serde_json::from_str(INSTANCE).unwrap();
    v["configurationItemStatus"] = Json::String("ResourceDeleted".into());
    assert_eq!(
        to_resource(&ConfigItem::from_json(&v).unwrap()),
        Ok(Mapped::Deleted)
    );
    v["configurationItemStatus"] = Json::String("OK".into());
    v["resourceType"] = Json::String("AWS::Example::Thing".into());
    assert_eq!(
        to_resource(&ConfigItem::from_json(&v).unwrap()),
        Ok(Mapped::Unmapped)
    );
}

#[test]
fn every_mapper_has_its_own_type_and_kind() {
    let mut types = std::collections::HashSet::new();
    let mut kinds = std::collections::HashSet::new();
    for m in mappers() {
        assert!(m.resource_type.starts_with("AWS::"), "{}", m.resource_type);
        assert!(
            types.insert(m.resource_type),
            "{} mapped twice",
            m.resource_type
        );
        assert!(kinds.insert(m.kind), "{} read from two types", m.kind);
    }
    for k in not_recorded() {
        assert!(resource_type_of(k).is_none());
    }
}

#[test]
fn embedded_objects_read_from_an_object_or_its_text() {
    let mut v: Json = serde_json::from_str(INSTANCE).unwrap();
    v["supplementaryConfiguration"] = serde_json::json!({
        "asObject": {"status": "Enabled"},
        "asText": "{\"status\":\"Suspended\"}",
        "nullText": "null",
        "empty": "",
        "notJson": "{status",
        "aList": "[1]",
        "number": 3
    });
    v["configuration"] = serde_json::json!({
        "bare": "Active", "wrapped": {"value": "Pending"}, "wrongInside": {"value": 1}, "n": 2
    });
    let item = ConfigItem::from_json(&v).unwrap();
    let s = Reader::supplementary(&item);
    let status = |key: &str| {
        let o = s.embedded(key).unwrap().unwrap();
        Reader::over(&item, &o).text("status").unwrap()
    };
    assert_eq!(status("asObject").as_deref(), Some("Enabled"));
    assert_eq!(status("asText").as_deref(), Some("Suspended"));
    assert_eq!(s.embedded("nullText").unwrap(), None);
    assert_eq!(s.embedded("empty").unwrap(), None);
    assert_eq!(s.embedded("absent").unwrap(), None);
    for bad in ["notJson", "aList", "number"] {
        let e = s.embedded(bad).unwrap_err();
        assert!(e.to_string().contains(bad), "{e}");
    }
    let r = Reader::new(&item);
    assert_eq!(r.text_or_value("bare").unwrap().as_deref(), Some("Active"));
    assert_eq!(
        r.text_or_value("wrapped").unwrap().as_deref(),
        Some("Pending")
    );
    assert_eq!(r.text_or_value("absent").unwrap(), None);
    assert!(r.text_or_value("wrongInside").is_err());
    assert!(r.text_or_value("n").is_err());
}

#[test]
fn a_clusters_network_comes_from_a_members_item_and_a_users_groups_get_their_paths() {
    use crate::model::{Edge, Rel, Resource, Value, kinds};
    let member: Json = serde_json::json!({
        "accountId": "111111111111", "awsRegion": "eu-west-1",
        "resourceType": "AWS::RDS::DBInstance", "resourceId": "db-ABC",
        "configuration": {
            "dBInstanceIdentifier": "shop-1", "dBClusterIdentifier": "shop",
            "dBSubnetGroup": {"vpcId": "vpc-1", "subnets": [
                {"subnetIdentifier": "subnet-b"}, {"subnetIdentifier": "subnet-a"}
            ]}
        }
    });
    let mut completion = Completion::default();
    completion.note(&ConfigItem::from_json(&member).unwrap());

    let mut cluster = Resource::new(kinds::DB_CLUSTER, "111111111111", "eu-west-1", "shop");
    cluster.set("note", complete::CLUSTER_NETWORK_UNKNOWN);
    cluster
        .relations
        .push(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1"));
    // Another account's cluster of the same name learns nothing from it.
    let mut other = cluster.clone();
    other.account_id = "222222222222".into();
    let mut group = Resource::new(
        kinds::IAM_GROUP,
        "111111111111",
        "global",
        "group/people/ops",
    );
    group.name = Some("ops".into());
    let mut user = Resource::new(kinds::IAM_USER, "111111111111", "global", "user/alice");
    user.relations
        .push(Edge::new(Rel::InGroup, kinds::IAM_GROUP, "group/ops").named("ops"));
    user.relations
        .push(Edge::new(Rel::InGroup, kinds::IAM_GROUP, "group/gone").named("gone"));

    let mut all = vec![cluster, other, group, user];
    completion.apply(&mut all);
    let ids: Vec<(Rel, &str)> = all[0]
        .relations
        .iter()
        .map(|e| (e.rel, e.to.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            (Rel::InVpc, "vpc-1"),
            (Rel::InSubnet, "subnet-a"),
            (Rel::InSubnet, "subnet-b"),
            (Rel::MemberOf, "sg-1")
        ]
    );
    assert_eq!(all[0].get("note"), Some(&Value::Null));
    assert_eq!(all[1].text("note"), Some(complete::CLUSTER_NETWORK_UNKNOWN));
    let groups: Vec<&str> = all[3].relations.iter().map(|e| e.to.as_str()).collect();
    // A name no group item has keeps what the mapper gave it.
    assert_eq!(groups, ["group/people/ops", "group/gone"]);
}
