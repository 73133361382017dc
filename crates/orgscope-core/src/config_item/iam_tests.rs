//! The IAM mappers, one realistic item per type and the odd ones.
//!
//! The items follow AWS's published shapes: the property names of
//! `AWS::IAM::Role.properties.json` (and User, Group, Policy) in
//! `awslabs/aws-config-resource-schema`, laid out as a `SELECT *` row,
//! the documents URL-encoded as IAM (and so Config) returns them, with
//! the scrubbed account (`123456789012`) and example ids of AWS's
//! documentation. What each asserts is what `orgscope-aws`'s
//! `iam/convert.rs` makes of the same entity in
//! `GetAccountAuthorizationDetails`.

use serde_json::{Value as Json, json};

use super::super::{ConfigItem, ItemError, Mapped, mapper, not_recorded, to_resource};
use super::NOT_RECORDED;
use crate::model::{Edge, GLOBAL, Kind, Rel, Resource, Tags, Value, kinds};

const ACCT: &str = "123456789012";
const OTHER: &str = "210987654321";

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:role/ci-runner"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ci-7f3a"}}}]}"#;
const READ_LOGS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:GetLogEvents","logs:FilterLogEvents"],"Resource":"arn:aws:logs:eu-west-1:123456789012:log-group:/ci/*"}]}"#;
const DEPLOY_V1: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#;
const DEPLOY_V3: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::deploy-artifacts/*"}]}"#;

/// URL-encoded as IAM encodes a document: every byte but letters, digits
/// and `-_.~` as `%XX`.
fn encoded(doc: &str) -> String {
    doc.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An IAM item (region `global`, as Config writes IAM's) of
/// `resource_type` with `configuration`.
fn item(resource_type: &str, id: &str, name: &str, configuration: Json) -> Json {
    json!({
        "version": "1.3",
        "accountId": ACCT,
        "configurationItemCaptureTime": "2026-11-30T08:15:02.512Z",
        "configurationItemStatus": "OK",
        "resourceType": resource_type,
        "resourceId": id,
        "resourceName": name,
        "awsRegion": "global",
        "tags": [],
        "relationships": [],
        "configuration": configuration,
        "supplementaryConfiguration": {}
    })
}

fn map(v: &Json) -> Result<Resource, ItemError> {
    let item = ConfigItem::from_json(v).expect("a well-formed item");
    match to_resource(&item)? {
        Mapped::Resource(r) => Ok(*r),
        other => panic!("not a resource: {other:?}"),
    }
}

fn text(s: &str) -> Value {
    Value::from(s)
}

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Every field of `r` by name.
fn fields(r: &Resource) -> Vec<(&'static str, Value)> {
    r.kind
        .def()
        .fields
        .iter()
        .zip(&r.fields)
        .map(|(f, v)| (f.name, v.clone()))
        .collect()
}

/// `expected` fields set, every other field of the kind null (the derived
/// ones among them: `access::derive` fills those after collection).
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

/// The crawl's `inline_policies` text of name → document.
fn inline(docs: &[(&str, &str)]) -> Value {
    let map: std::collections::BTreeMap<&str, Json> = docs
        .iter()
        .map(|(n, d)| (*n, serde_json::from_str(d).expect("JSON")))
        .collect();
    Value::from(serde_json::to_string(&map).expect("written"))
}

fn malformed_key(e: &ItemError) -> &str {
    match e {
        ItemError::Malformed { key, .. } => key,
        other => panic!("not malformed: {other:?}"),
    }
}

fn role_item() -> Json {
    let mut v = item(
        "AWS::IAM::Role",
        "AROAJ2KEXAMPLE7SDVRQW",
        "ci-deploy",
        json!({
            "path": "/service-role/",
            "roleName": "ci-deploy",
            "roleId": "AROAJ2KEXAMPLE7SDVRQW",
            "arn": "arn:aws:iam::123456789012:role/service-role/ci-deploy",
            "createDate": "2019-05-21T18:46:37.000Z",
            "assumeRolePolicyDocument": encoded(TRUST),
            "instanceProfileList": [],
            "rolePolicyList": [{"policyName": "read-logs", "policyDocument": encoded(READ_LOGS)}],
            "attachedManagedPolicies": [
                {"policyName": "ReadOnlyAccess", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
                {"policyName": "deploy", "policyArn": "arn:aws:iam::123456789012:policy/team/deploy"}
            ],
            "permissionsBoundary": null,
            "tags": [{"key": "team", "value": "platform"}],
            "roleLastUsed": {"lastUsedDate": "2026-11-01T10:00:00Z", "region": "eu-west-1"}
        }),
    );
    v["tags"] = json!([{"key": "team", "value": "platform"}]);
    v
}

#[test]
fn a_role_reads_as_the_crawl_converts_it() {
    let r = map(&role_item()).unwrap();
    assert_eq!(r.kind, kinds::IAM_ROLE);
    assert_eq!((r.account_id.as_str(), r.region.as_str()), (ACCT, GLOBAL));
    assert_eq!(r.id, "role/service-role/ci-deploy");
    assert_eq!(
        r.arn(),
        "arn:aws:iam::123456789012:role/service-role/ci-deploy"
    );
    assert_eq!(r.name.as_deref(), Some("ci-deploy"));
    assert_eq!(r.tags, tags(&[("team", "platform")]));
    assert_eq!(
        fields(&r),
        only(
            kinds::IAM_ROLE,
            &[
                ("path", text("/service-role/")),
                ("role_id", text("AROAJ2KEXAMPLE7SDVRQW")),
                ("created", text("2019-05-21T18:46:37Z")),
                ("last_used", text("2026-11-01T10:00:00Z")),
                ("last_used_region", text("eu-west-1")),
                // Decoded, exactly the text IAM was given.
                ("trust_policy", text(TRUST)),
                ("inline_policies", inline(&[("read-logs", READ_LOGS)])),
            ]
        )
    );
    assert_eq!(
        r.relations,
        vec![
            Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/ReadOnlyAccess")
                .named("ReadOnlyAccess")
                .in_account("aws"),
            Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/team/deploy").named("deploy"),
        ]
    );
}

#[test]
fn documents_that_do_not_decode_are_kept_for_derive_to_note() {
    let mut v = role_item();
    // A bad escape, and an inline document that is not JSON once decoded.
    v["configuration"]["assumeRolePolicyDocument"] = json!("%7B%zz");
    v["configuration"]["rolePolicyList"] = json!([
        {"policyName": "broken", "policyDocument": encoded("{not json")},
        {"policyDocument": encoded(READ_LOGS)},
        {"policyName": "empty"}
    ]);
    // A document already plain JSON (as moto sends trust policies) is kept.
    let r = map(&v).unwrap();
    assert_eq!(r.text("trust_policy"), Some("%7B%zz"));
    assert_eq!(
        r.text("inline_policies"),
        Some(r#"{"broken":"{not json","empty":null}"#)
    );
    v["configuration"]["assumeRolePolicyDocument"] = json!(TRUST);
    assert_eq!(map(&v).unwrap().text("trust_policy"), Some(TRUST));
    // `access::derive` then notes what it could not read, as after a
    // crawl.
    let mut e = crate::model::Estate::new(
        "2026-12-01T00:00:00Z".into(),
        crate::model::Source {
            aggregator: None,
            kind: crate::model::SourceKind::Demo,
            profile: None,
            label: "config item test".into(),
        },
        crate::model::CallerIdentity {
            account_id: ACCT.into(),
            arn: format!("arn:aws:iam::{ACCT}:user/t"),
            user_id: "AIDATEST".into(),
        },
    );
    let mut bad = map(&role_item()).unwrap();
    bad.set("trust_policy", "%7B%zz");
    e.resources.push(bad);
    crate::access::derive(&mut e);
    let note = e.resources[0].text("note").unwrap_or_default().to_string();
    assert!(note.contains("trust"), "{note}");
}

#[test]
fn roles_with_less_said_and_malformed_roles() {
    let mut v = role_item();
    let conf = v["configuration"].as_object_mut().unwrap();
    for key in [
        "path",
        "roleLastUsed",
        "rolePolicyList",
        "attachedManagedPolicies",
        "assumeRolePolicyDocument",
    ] {
        conf.remove(key);
    }
    let r = map(&v).unwrap();
    // No path: unknown, and the id is the bare name.
    assert_eq!(r.id, "role/ci-deploy");
    assert_eq!(r.get("path"), Some(&Value::Null));
    assert_eq!(r.get("last_used"), Some(&Value::Null));
    assert_eq!(r.get("trust_policy"), Some(&Value::Null));
    // No list reads as an empty one, as the crawl cannot tell them apart.
    assert_eq!(r.text("inline_policies"), Some("{}"));
    assert!(r.relations.is_empty());
    // An unusable policy ARN is skipped (as the crawl skips it); a missing
    // policy name is the ARN's.
    let mut v = role_item();
    v["configuration"]["attachedManagedPolicies"] = json!([
        {"policyName": "odd", "policyArn": "arn:aws:iam::123456789012:role/odd"},
        {"policyArn": format!("arn:aws:iam::{OTHER}:policy/shared/audit")}
    ]);
    assert_eq!(
        map(&v).unwrap().relations,
        vec![
            Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/shared/audit")
                .named("audit")
                .in_account(OTHER)
        ]
    );
    let mut v = role_item();
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("roleName");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "roleName");
    let mut v = role_item();
    v["configuration"]["rolePolicyList"] = json!({"policyName": "x"});
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "rolePolicyList");
    let mut v = role_item();
    v["configuration"]["roleLastUsed"]["lastUsedDate"] = json!("recently");
    assert_eq!(
        malformed_key(&map(&v).unwrap_err()),
        "roleLastUsed.lastUsedDate"
    );
}

fn user_item() -> Json {
    let mut v = item(
        "AWS::IAM::User",
        "AIDAJQABLZS4A3QDU576Q",
        "alice",
        json!({
            "path": "/staff/",
            "userName": "alice",
            "userId": "AIDAJQABLZS4A3QDU576Q",
            "arn": "arn:aws:iam::123456789012:user/staff/alice",
            "createDate": "2020-01-10T09:00:00.000Z",
            "userPolicyList": [],
            "groupList": ["admins", "developers"],
            "attachedManagedPolicies": [
                {"policyName": "IAMUserChangePassword", "policyArn": "arn:aws:iam::aws:policy/IAMUserChangePassword"}
            ],
            "permissionsBoundary": null,
            "tags": [{"key": "owner", "value": "alice@example.com"}]
        }),
    );
    v["tags"] = json!([{"key": "owner", "value": "alice@example.com"}]);
    v
}

#[test]
fn a_user_is_in_its_groups_and_has_no_access_keys_from_config() {
    let r = map(&user_item()).unwrap();
    assert_eq!(r.kind, kinds::IAM_USER);
    assert_eq!(r.id, "user/staff/alice");
    assert_eq!(r.name.as_deref(), Some("alice"));
    assert_eq!(r.tags, tags(&[("owner", "alice@example.com")]));
    assert_eq!(
        fields(&r),
        only(
            kinds::IAM_USER,
            &[
                ("path", text("/staff/")),
                ("user_id", text("AIDAJQABLZS4A3QDU576Q")),
                ("created", text("2020-01-10T09:00:00Z")),
                ("inline_policies", text("{}")),
            ]
        )
    );
    // Groups by name, at path `/` (the crawl's reading of a group it does
    // not see), then the policies.
    assert_eq!(
        r.relations,
        vec![
            Edge::new(Rel::InGroup, kinds::IAM_GROUP, "group/admins").named("admins"),
            Edge::new(Rel::InGroup, kinds::IAM_GROUP, "group/developers").named("developers"),
            Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/IAMUserChangePassword")
                .named("IAMUserChangePassword")
                .in_account("aws"),
        ]
    );
    let mut v = user_item();
    v["configuration"]["groupList"] = json!([{"groupName": "admins"}]);
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "groupList");
    let mut v = user_item();
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("userName");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "userName");
}

fn group_item() -> Json {
    let mut v = item(
        "AWS::IAM::Group",
        "AGPAIO2VQ3LRUQ3B7XJS6",
        "developers",
        json!({
            "path": "/teams/",
            "groupName": "developers",
            "groupId": "AGPAIO2VQ3LRUQ3B7XJS6",
            "arn": "arn:aws:iam::123456789012:group/teams/developers",
            // Epoch milliseconds, as some items write IAM's times.
            "createDate": 1_578_646_800_000i64,
            "groupPolicyList": [{"policyName": "read-logs", "policyDocument": encoded(READ_LOGS)}],
            "attachedManagedPolicies": [
                {"policyName": "deploy", "policyArn": "arn:aws:iam::123456789012:policy/team/deploy"}
            ]
        }),
    );
    // Not a tag IAM groups can have; the crawl keeps none either way.
    v["tags"] = json!([{"key": "stray", "value": "x"}]);
    v
}

#[test]
fn a_group_keeps_its_policies_and_no_tags() {
    let r = map(&group_item()).unwrap();
    assert_eq!(r.kind, kinds::IAM_GROUP);
    assert_eq!(r.id, "group/teams/developers");
    assert_eq!(r.name.as_deref(), Some("developers"));
    assert!(r.tags.is_empty());
    assert_eq!(
        fields(&r),
        only(
            kinds::IAM_GROUP,
            &[
                ("path", text("/teams/")),
                ("group_id", text("AGPAIO2VQ3LRUQ3B7XJS6")),
                ("created", text("2020-01-10T09:00:00Z")),
                ("inline_policies", inline(&[("read-logs", READ_LOGS)])),
            ]
        )
    );
    assert_eq!(
        r.relations,
        vec![Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/team/deploy").named("deploy")]
    );
}

fn policy_item() -> Json {
    let mut v = item(
        "AWS::IAM::Policy",
        "ANPAJ2UCCR6DPCEXAMPLE",
        "deploy",
        json!({
            "policyName": "deploy",
            "policyId": "ANPAJ2UCCR6DPCEXAMPLE",
            "arn": "arn:aws:iam::123456789012:policy/team/deploy",
            "path": "/team/",
            "defaultVersionId": "v3",
            "attachmentCount": 2,
            "permissionsBoundaryUsageCount": 0,
            "isAttachable": true,
            "description": "Deploys artifacts",
            "createDate": "2021-03-01T08:00:00.000Z",
            "updateDate": "2024-07-15T16:45:10.000Z",
            "policyVersionList": [
                {"document": encoded(DEPLOY_V1), "versionId": "v1", "isDefaultVersion": false, "createDate": "2021-03-01T08:00:00.000Z"},
                {"document": encoded(DEPLOY_V3), "versionId": "v3", "isDefaultVersion": true, "createDate": "2024-07-15T16:45:10.000Z"}
            ]
        }),
    );
    v["tags"] = json!([{"key": "team", "value": "platform"}]);
    v
}

#[test]
fn a_policy_holds_its_default_versions_document() {
    let r = map(&policy_item()).unwrap();
    assert_eq!(r.kind, kinds::IAM_POLICY);
    assert_eq!(r.id, "policy/team/deploy");
    assert_eq!(r.arn(), "arn:aws:iam::123456789012:policy/team/deploy");
    assert_eq!(r.name.as_deref(), Some("deploy"));
    // `GetAccountAuthorizationDetails` gives policies no tags.
    assert!(r.tags.is_empty());
    assert!(r.relations.is_empty());
    assert_eq!(
        fields(&r),
        only(
            kinds::IAM_POLICY,
            &[
                ("path", text("/team/")),
                ("policy_id", text("ANPAJ2UCCR6DPCEXAMPLE")),
                ("created", text("2021-03-01T08:00:00Z")),
                ("updated", text("2024-07-15T16:45:10Z")),
                ("default_version", text("v3")),
                ("attachments", Value::Number(2)),
                ("document", text(DEPLOY_V3)),
            ]
        )
    );
    // The role and the group attached to it name it by this id.
    let role = map(&role_item()).unwrap();
    assert!(
        role.edges(Rel::Uses)
            .any(|e| e.to == r.id && e.account_id.is_none())
    );
}

#[test]
fn odd_policies_fall_back_as_the_crawl_does() {
    // No version flagged: the default version's id decides; no name: the
    // ARN's.
    let mut v = policy_item();
    for version in v["configuration"]["policyVersionList"]
        .as_array_mut()
        .unwrap()
    {
        version.as_object_mut().unwrap().remove("isDefaultVersion");
    }
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("policyName");
    let r = map(&v).unwrap();
    assert_eq!(r.name.as_deref(), Some("deploy"));
    assert_eq!(r.text("document"), Some(DEPLOY_V3));
    // No versions at all: no document.
    v["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("policyVersionList");
    assert_eq!(map(&v).unwrap().get("document"), Some(&Value::Null));
    // Neither a name nor an ARN names nothing.
    v["configuration"].as_object_mut().unwrap().remove("arn");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "policyName");
    let mut v = policy_item();
    v["configuration"]["attachmentCount"] = json!("two");
    assert_eq!(malformed_key(&map(&v).unwrap_err()), "attachmentCount");
}

#[test]
fn every_iam_kind_is_mapped_and_only_access_keys_are_not_recorded() {
    for (ty, kind) in [
        ("AWS::IAM::Role", kinds::IAM_ROLE),
        ("AWS::IAM::User", kinds::IAM_USER),
        ("AWS::IAM::Group", kinds::IAM_GROUP),
        ("AWS::IAM::Policy", kinds::IAM_POLICY),
    ] {
        assert_eq!(mapper(ty).map(|m| m.kind), Some(kind));
        assert!(!not_recorded().contains(&kind));
    }
    for (kind, field) in NOT_RECORDED {
        let k = Kind::all()
            .find(|k| k.def().name == *kind)
            .unwrap_or_else(|| panic!("no kind {kind}"));
        assert!(k.def().field_index(field).is_some(), "{kind}.{field}");
    }
    assert_eq!(
        map(&user_item()).unwrap().get("access_keys"),
        Some(&Value::Null)
    );
}
