//! The conversion and paging against recorded answer shapes (built with
//! the SDK's own types, as the SDK decodes them off the wire): moto never
//! pages `GetAccountAuthorizationDetails` and cannot leave a field out, so
//! those cases are tested here; `tests/integration/iam.rs` covers the wire.

use std::sync::Mutex;

use aws_sdk_iam::types::{
    AccessKeyMetadata, AttachedPolicy, GroupDetail, ManagedPolicyDetail, PolicyDetail,
    PolicyVersion, RoleDetail, RoleLastUsed, StatusType, Tag, UserDetail,
};
use aws_smithy_types::DateTime;
use orgscope_core::model::{Api, Edge, Rel, Resource, Value, kinds};

use super::convert;
use super::*;
use crate::recorded::{block_on, recorded_results as recorded};
use orgscope_core::model::aws::{PolicyArn, decode_document, iam_id as id_of};

type Page = GetAccountAuthorizationDetailsOutput;

const ACCOUNT: &str = "111111111111";
/// 2023-11-14T22:13:20Z
const T0: i64 = 1_700_000_000;
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]}"#;
const READ_S3: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a+b/*"}]}"#;

/// A document URL-encoded as IAM sends it: every byte outside RFC 3986's
/// unreserved set as `%XX` (so `+` is `%2B`, a space `%20`).
fn encoded(doc: &str) -> String {
    doc.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn at(secs: i64) -> DateTime {
    DateTime::from_secs(secs)
}

fn attached(arn: &str, name: &str) -> AttachedPolicy {
    AttachedPolicy::builder()
        .policy_arn(arn)
        .policy_name(name)
        .build()
}

fn inline(name: &str, doc: &str) -> PolicyDetail {
    PolicyDetail::builder()
        .policy_name(name)
        .policy_document(doc)
        .build()
}

fn page(
    f: impl FnOnce(aws_sdk_iam::operation::get_account_authorization_details::builders::GetAccountAuthorizationDetailsOutputBuilder) -> aws_sdk_iam::operation::get_account_authorization_details::builders::GetAccountAuthorizationDetailsOutputBuilder,
) -> Page {
    f(Page::builder()).build()
}

fn find<'a>(resources: &'a [Resource], kind: orgscope_core::model::Kind, id: &str) -> &'a Resource {
    resources
        .iter()
        .find(|r| r.kind == kind && r.id == id)
        .unwrap_or_else(|| panic!("no {} {id} in {resources:#?}", kind.def().name))
}

fn number(r: &Resource, field: &str) -> Option<i64> {
    r.get(field).and_then(Value::as_number)
}

#[test]
fn every_iam_kind_is_read_by_the_one_details_call_and_keys_have_their_own_cell() {
    for kind in [
        kinds::IAM_ROLE,
        kinds::IAM_USER,
        kinds::IAM_GROUP,
        kinds::IAM_POLICY,
    ] {
        assert_eq!(kind.def().api, details_api(), "{}", kind.def().name);
    }
    assert_eq!(keys_api(), Api::LIST_ACCESS_KEYS.as_str());
    assert_eq!(
        apis().collect::<Vec<_>>(),
        ["iam:GetAccountAuthorizationDetails", "iam:ListAccessKeys"]
    );
}

#[test]
fn page_size_is_clamped_to_iam_limits() {
    assert_eq!(clamp_page_size(0), 1);
    assert_eq!(clamp_page_size(1000), 1000);
    assert_eq!(clamp_page_size(5000), 1000);
}

#[test]
fn documents_are_url_decoded_unless_already_json() {
    assert_eq!(decode_document(&encoded(TRUST)), TRUST);
    // `+` is a plus sign, encoded or not.
    assert_eq!(decode_document(&encoded(READ_S3)), READ_S3);
    assert!(encoded(READ_S3).contains("%2B"));
    // As moto sends trust policies: plain JSON, with a `%` that must not
    // be decoded.
    let plain = r#"{"Condition":{"StringLike":{"s3:prefix":"50%25"}}}"#;
    assert_eq!(decode_document(plain), plain);
    assert_eq!(decode_document("  {\"a\":1}"), "  {\"a\":1}");
    // Encoded with a leading newline (pretty-printed documents).
    assert_eq!(decode_document("%0A%7B%7D"), "\n{}");
    // Not decodable: kept as it came, for `access::derive` to note.
    assert_eq!(decode_document("%7B%zz"), "%7B%zz");
    assert_eq!(decode_document("%7B%"), "%7B%");
    assert_eq!(decode_document("%FF%FE"), "%FF%FE");
    // UTF-8 encoded byte by byte.
    assert_eq!(decode_document("%22%C3%A9%22"), "\"é\"");
}

#[test]
fn ids_are_the_arn_resource_part_the_kind_word_path_and_name() {
    assert_eq!(
        id_of(kinds::IAM_ROLE, Some("/"), "ci-deploy"),
        "role/ci-deploy"
    );
    assert_eq!(
        id_of(kinds::IAM_ROLE, Some("/service-role/"), "ci-deploy"),
        "role/service-role/ci-deploy"
    );
    assert_eq!(id_of(kinds::IAM_GROUP, Some("/a/b/"), "x"), "group/a/b/x");
    assert_eq!(id_of(kinds::IAM_USER, None, "x"), "user/x");
    assert_eq!(id_of(kinds::IAM_POLICY, None, "x"), "policy/x");
}

#[test]
fn policy_arns_name_their_owner_and_id() {
    assert_eq!(
        PolicyArn::parse("arn:aws:iam::aws:policy/ReadOnlyAccess"),
        Some(PolicyArn {
            account: "aws",
            id: "ReadOnlyAccess"
        })
    );
    assert_eq!(
        PolicyArn::parse("arn:aws:iam::aws:policy/service-role/AWSLambdaRole"),
        Some(PolicyArn {
            account: "aws",
            id: "service-role/AWSLambdaRole"
        })
    );
    assert_eq!(
        PolicyArn::parse("arn:aws-cn:iam::111111111111:policy/team/read-logs"),
        Some(PolicyArn {
            account: "111111111111",
            id: "team/read-logs"
        })
    );
    for bad in [
        "",
        "ReadOnlyAccess",
        "arn:aws:iam::aws:role/ReadOnlyAccess",
        "arn:aws:s3::aws:policy/x",
        "arn:aws:iam:us-east-1:aws:policy/x",
        "arn:aws:iam::1234:policy/x",
        "arn:aws:iam::aws:policy/",
        "arn:aws:iam::aws:policy/path/",
        "arn::iam::aws:policy/x",
    ] {
        assert_eq!(PolicyArn::parse(bad), None, "{bad:?}");
    }
}

/// An account as IAM answers it, over two pages: the user's group comes
/// on the second page, after the user.
fn recorded_account() -> Vec<Page> {
    let role = RoleDetail::builder()
        .path("/service-role/")
        .role_name("ci-deploy")
        .role_id("AROAEXAMPLEROLE1")
        .arn("arn:aws:iam::111111111111:role/service-role/ci-deploy")
        .create_date(at(T0))
        .assume_role_policy_document(encoded(TRUST))
        .role_policy_list(inline("write-logs", &encoded(READ_S3)))
        .role_policy_list(inline("a-first", &encoded(r#"{"Version":"2012-10-17"}"#)))
        .attached_managed_policies(attached(
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "ReadOnlyAccess",
        ))
        .attached_managed_policies(attached(
            "arn:aws:iam::111111111111:policy/team/deploy",
            "deploy",
        ))
        .role_last_used(
            RoleLastUsed::builder()
                .last_used_date(at(T0 + 86_400))
                .region("eu-west-1")
                .build(),
        )
        .tags(
            Tag::builder()
                .key("team")
                .value("platform")
                .build()
                .unwrap(),
        )
        .build();
    let user = UserDetail::builder()
        .path("/")
        .user_name("alice")
        .user_id("AIDAEXAMPLEUSER1")
        .create_date(at(T0))
        .group_list("admins")
        .attached_managed_policies(attached(
            "arn:aws:iam::aws:policy/IAMUserChangePassword",
            "IAMUserChangePassword",
        ))
        .build();
    let group = GroupDetail::builder()
        .path("/people/")
        .group_name("admins")
        .group_id("AGPAEXAMPLEGROUP")
        .create_date(at(T0))
        .group_policy_list(inline("all", &encoded(r#"{"Statement":[]}"#)))
        .attached_managed_policies(attached(
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "AdministratorAccess",
        ))
        .build();
    let policy = ManagedPolicyDetail::builder()
        .policy_name("deploy")
        .policy_id("ANPAEXAMPLEPOLICY")
        .path("/team/")
        .default_version_id("v2")
        .attachment_count(1)
        .create_date(at(T0))
        .update_date(at(T0 + 60))
        .policy_version_list(
            PolicyVersion::builder()
                .version_id("v1")
                .is_default_version(false)
                .document(encoded(r#"{"old":true}"#))
                .build(),
        )
        .policy_version_list(
            PolicyVersion::builder()
                .version_id("v2")
                .is_default_version(true)
                .document(encoded(READ_S3))
                .build(),
        )
        .build();
    vec![
        page(|p| {
            p.role_detail_list(role)
                .user_detail_list(user)
                .is_truncated(true)
                .marker("m1")
        }),
        page(|p| p.group_detail_list(group).policies(policy)),
    ]
}

#[test]
fn a_recorded_account_converts_to_roles_users_groups_and_policies() {
    let resources = convert::resources(ACCOUNT, &recorded_account());
    let kinds_seen: Vec<&str> = resources.iter().map(|r| r.kind.def().name).collect();
    assert_eq!(
        kinds_seen,
        ["iam_role", "iam_user", "iam_group", "iam_policy"]
    );
    for r in &resources {
        assert_eq!(
            (r.account_id.as_str(), r.region.as_str()),
            (ACCOUNT, "global")
        );
    }

    let role = find(&resources, kinds::IAM_ROLE, "role/service-role/ci-deploy");
    assert_eq!(role.name.as_deref(), Some("ci-deploy"));
    assert_eq!(
        role.arn(),
        "arn:aws:iam::111111111111:role/service-role/ci-deploy"
    );
    assert_eq!(role.text("path"), Some("/service-role/"));
    assert_eq!(role.text("role_id"), Some("AROAEXAMPLEROLE1"));
    assert_eq!(role.text("created"), Some("2023-11-14T22:13:20Z"));
    assert_eq!(role.text("last_used"), Some("2023-11-15T22:13:20Z"));
    assert_eq!(role.text("last_used_region"), Some("eu-west-1"));
    assert_eq!(role.text("trust_policy"), Some(TRUST));
    // Names sorted, documents as JSON objects.
    let inline_text = role.text("inline_policies").unwrap_or_default();
    assert!(inline_text.starts_with(r#"{"a-first":{"#), "{inline_text}");
    let inline: serde_json::Value = serde_json::from_str(inline_text).unwrap();
    let want: serde_json::Value = serde_json::from_str(READ_S3).unwrap();
    assert_eq!(inline["write-logs"], want);
    // Not in this call's answer, and not fields of the kind.
    assert_eq!(role.get("max_session"), None);
    assert_eq!(role.get("description"), None);
    assert_eq!(role.tags.get("team").map(String::as_str), Some("platform"));
    // Derived fields are `access::derive`'s.
    for derived in [
        "trust",
        "trusted_by",
        "admin",
        "statements",
        "unused",
        "flags",
        "note",
    ] {
        assert_eq!(role.get(derived), Some(&Value::Null), "{derived}");
    }
    assert_eq!(
        role.relations,
        [
            Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/ReadOnlyAccess")
                .named("ReadOnlyAccess")
                .in_account("aws"),
            Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/team/deploy").named("deploy"),
        ]
    );

    let user = find(&resources, kinds::IAM_USER, "user/alice");
    assert_eq!(user.text("path"), Some("/"));
    assert_eq!(user.text("user_id"), Some("AIDAEXAMPLEUSER1"));
    assert_eq!(user.text("inline_policies"), Some("{}"));
    // Keys come from their own calls.
    assert_eq!(user.get("access_keys"), Some(&Value::Null));
    assert_eq!(
        user.relations,
        [
            // The group's path comes from the group, on the next page.
            Edge::new(Rel::InGroup, kinds::IAM_GROUP, "group/people/admins").named("admins"),
            Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/IAMUserChangePassword")
                .named("IAMUserChangePassword")
                .in_account("aws"),
        ]
    );

    let group = find(&resources, kinds::IAM_GROUP, "group/people/admins");
    assert_eq!(group.text("group_id"), Some("AGPAEXAMPLEGROUP"));
    assert_eq!(
        group.text("inline_policies"),
        Some(r#"{"all":{"Statement":[]}}"#)
    );
    assert_eq!(group.relations.len(), 1);
    assert_eq!(group.relations[0].account_id.as_deref(), Some("aws"));

    let policy = find(&resources, kinds::IAM_POLICY, "policy/team/deploy");
    assert_eq!(policy.arn(), "arn:aws:iam::111111111111:policy/team/deploy");
    assert_eq!(policy.text("policy_id"), Some("ANPAEXAMPLEPOLICY"));
    assert_eq!(policy.text("default_version"), Some("v2"));
    assert_eq!(number(policy, "attachments"), Some(1));
    assert_eq!(policy.text("updated"), Some("2023-11-14T22:14:20Z"));
    // The default version's document, not the first one's.
    assert_eq!(policy.text("document"), Some(READ_S3));
}

#[test]
fn missing_fields_stay_null_and_nameless_entities_are_skipped() {
    let pages = [page(|p| {
        p.role_detail_list(RoleDetail::builder().role_name("bare").build())
            .role_detail_list(RoleDetail::builder().role_id("AROANONAME").build())
            .role_detail_list(RoleDetail::builder().role_name("").build())
            .user_detail_list(
                UserDetail::builder()
                    .user_name("bob")
                    .group_list("gone")
                    .attached_managed_policies(
                        AttachedPolicy::builder().policy_arn("not-an-arn").build(),
                    )
                    .attached_managed_policies(
                        // No name: the ARN's last segment names it.
                        AttachedPolicy::builder()
                            .policy_arn("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")
                            .build(),
                    )
                    .build(),
            )
            .group_detail_list(GroupDetail::builder().build())
            .policies(
                ManagedPolicyDetail::builder()
                    .policy_name("no-default-flag")
                    .default_version_id("v3")
                    .policy_version_list(
                        PolicyVersion::builder()
                            .version_id("v3")
                            .document(encoded(READ_S3))
                            .build(),
                    )
                    .build(),
            )
            .policies(
                ManagedPolicyDetail::builder()
                    .policy_name("no-document")
                    .build(),
            )
            // As moto answers: no name, no id, the ARN names it.
            .policies(
                ManagedPolicyDetail::builder()
                    .arn("arn:aws:iam::111111111111:policy/team/from-arn")
                    .path("/team/")
                    .build(),
            )
            .policies(ManagedPolicyDetail::builder().arn("not-an-arn").build())
    })];
    let resources = convert::resources(ACCOUNT, &pages);
    let ids: Vec<(&str, &str)> = resources
        .iter()
        .map(|r| (r.kind.def().name, r.id.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("iam_role", "role/bare"),
            ("iam_user", "user/bob"),
            ("iam_policy", "policy/no-default-flag"),
            ("iam_policy", "policy/no-document"),
            ("iam_policy", "policy/team/from-arn"),
        ]
    );
    let bare = &resources[0];
    for field in [
        "path",
        "role_id",
        "created",
        "last_used",
        "last_used_region",
        "trust_policy",
    ] {
        assert_eq!(bare.get(field), Some(&Value::Null), "{field}");
    }
    // An absent list is IAM's empty list.
    assert_eq!(bare.text("inline_policies"), Some("{}"));
    assert!(bare.relations.is_empty() && bare.tags.is_empty());

    let bob = &resources[1];
    assert_eq!(
        bob.relations,
        [
            // A group IAM did not list keeps its name as its id.
            Edge::new(Rel::InGroup, kinds::IAM_GROUP, "group/gone").named("gone"),
            Edge::new(
                Rel::Uses,
                kinds::IAM_POLICY,
                "policy/job-function/ViewOnlyAccess"
            )
            .named("ViewOnlyAccess")
            .in_account("aws"),
        ]
    );
    assert_eq!(resources[2].text("document"), Some(READ_S3));
    assert_eq!(resources[3].get("document"), Some(&Value::Null));
    assert_eq!(number(&resources[3], "attachments"), None);
    assert_eq!(resources[4].name.as_deref(), Some("from-arn"));
    assert_eq!(resources[4].get("policy_id"), Some(&Value::Null));
}

#[test]
fn a_malformed_inline_document_is_kept_as_text_not_dropped() {
    let pages = [page(|p| {
        p.role_detail_list(
            RoleDetail::builder()
                .role_name("odd")
                .assume_role_policy_document("%7Bnot json")
                .role_policy_list(inline("broken", "%7Bnot json"))
                .role_policy_list(PolicyDetail::builder().policy_document("{}").build())
                .build(),
        )
    })];
    let resources = convert::resources(ACCOUNT, &pages);
    let odd = &resources[0];
    assert_eq!(odd.text("trust_policy"), Some("{not json"));
    assert_eq!(
        odd.text("inline_policies"),
        Some(r#"{"broken":"{not json"}"#)
    );
}

#[test]
fn paging_follows_markers_while_truncated_and_converts_across_pages() {
    let asked = Mutex::new(Vec::new());
    let mut served: Vec<Result<Page, Failure>> = recorded_account().into_iter().map(Ok).collect();
    // A third page between them: the series ends only when not truncated.
    served.insert(1, Ok(page(|p| p.is_truncated(true).marker("m2"))));
    let got = block_on(pages(recorded(served, &asked))).unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(
        *asked.lock().unwrap(),
        [None, Some("m1".into()), Some("m2".into())]
    );
    let resources = convert::resources(ACCOUNT, &got);
    assert_eq!(resources.len(), 4);

    // Not truncated ends the series even when a marker comes along.
    let asked = Mutex::new(Vec::new());
    let one = vec![Ok(page(|p| p.marker("stale")))];
    assert_eq!(block_on(pages(recorded(one, &asked))).unwrap().len(), 1);
    assert_eq!(asked.lock().unwrap().len(), 1);
}

#[test]
fn a_failed_page_a_repeated_marker_or_a_missing_one_fail_the_series() {
    let denied = Failure::new(
        CoverageStatus::Denied,
        "AccessDenied",
        "not authorized to perform: iam:GetAccountAuthorizationDetails",
    );
    let asked = Mutex::new(Vec::new());
    let served = vec![
        Ok(page(|p| p.is_truncated(true).marker("m1"))),
        Err(denied.clone()),
    ];
    // The first page's roles are not kept: a partial list would read as
    // roles that do not exist.
    assert_eq!(
        block_on(pages(recorded(served, &asked))).unwrap_err(),
        denied
    );

    let looping = vec![
        Ok(page(|p| p.is_truncated(true).marker("a"))),
        Ok(page(|p| p.is_truncated(true).marker("b"))),
        Ok(page(|p| p.is_truncated(true).marker("a"))),
    ];
    let f = block_on(pages(recorded(looping, &asked))).unwrap_err();
    assert_eq!(f.code.as_deref(), Some("UnexpectedResponse"));
    assert!(f.message.unwrap_or_default().contains("\"a\" twice"));

    for no_marker in [
        page(|p| p.is_truncated(true)),
        page(|p| p.is_truncated(true).marker("")),
    ] {
        let f = block_on(pages(recorded(vec![Ok(no_marker)], &asked))).unwrap_err();
        assert_eq!(f.code.as_deref(), Some("UnexpectedResponse"));
    }
}

fn key(id: &str, status: Option<StatusType>, created: Option<i64>) -> AccessKeyMetadata {
    AccessKeyMetadata::builder()
        .user_name("alice")
        .access_key_id(id)
        .set_status(status)
        .set_create_date(created.map(at))
        .build()
}

const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";

#[test]
fn a_key_is_its_last_four_characters_status_and_times_never_its_id() {
    let k = key(KEY_ID, Some(StatusType::Active), Some(T0));
    let line = key_line("alice", &k, None).unwrap();
    assert_eq!(line, "MPLE Active 2023-11-14T22:13:20Z never");
    assert!(!line.contains(KEY_ID) && !line.contains("AKIA"));
    let used = key_line("alice", &k, Some("2023-11-15T22:13:20Z")).unwrap();
    assert_eq!(
        used,
        "MPLE Active 2023-11-14T22:13:20Z 2023-11-15T22:13:20Z"
    );
    let inactive = key(KEY_ID, Some(StatusType::Inactive), Some(T0));
    assert!(
        key_line("alice", &inactive, None)
            .unwrap()
            .starts_with("MPLE Inactive ")
    );
}

#[test]
fn a_key_missing_a_part_or_too_short_to_hide_is_an_error_not_a_guess() {
    for (k, what) in [
        (key(KEY_ID, None, Some(T0)), "status"),
        (key(KEY_ID, Some(StatusType::Active), None), "creation date"),
        (key("", Some(StatusType::Active), Some(T0)), "id"),
        (
            key("AKIA1234", Some(StatusType::Active), Some(T0)),
            "full-length id",
        ),
    ] {
        let f = key_line("alice", &k, None).unwrap_err();
        assert_eq!(f.code.as_deref(), Some("UnexpectedResponse"), "{what}");
        let message = f.message.unwrap_or_default();
        assert!(
            message.ends_with(&format!("user alice without its {what}")),
            "{message}"
        );
        assert!(!message.contains("AKIA1234"), "{message}");
    }
}

#[test]
fn keys_fill_their_users_and_a_failure_leaves_the_rest_unknown() {
    let mut resources = convert::resources(
        ACCOUNT,
        &[page(|p| {
            p.user_detail_list(UserDetail::builder().user_name("alice").build())
                .user_detail_list(UserDetail::builder().user_name("bob").path("/ops/").build())
                .user_detail_list(UserDetail::builder().user_name("carol").build())
        })],
    );
    assert_eq!(user_names(&resources), ["alice", "bob", "carol"]);
    let denied = Failure::new(
        CoverageStatus::Denied,
        "AccessDenied",
        "not authorized to perform: iam:GetAccessKeyLastUsed",
    );
    let read = vec![
        (
            "alice".to_string(),
            Ok(vec!["MPLE Active 2023-11-14T22:13:20Z never".to_string()]),
        ),
        ("bob".to_string(), Ok(Vec::new())),
        ("carol".to_string(), Err(denied)),
    ];
    let f = with_keys(&mut resources, read).unwrap_err();
    assert_eq!(f.status, CoverageStatus::Denied);
    assert_eq!(
        f.message.as_deref(),
        Some(
            "not authorized to perform: iam:GetAccessKeyLastUsed \
             (the access keys of 1 of 3 users were not read)"
        )
    );
    let keys: Vec<Option<&[String]>> = resources
        .iter()
        .map(|r| match r.get("access_keys") {
            Some(Value::List(l)) => Some(&**l),
            _ => None,
        })
        .collect();
    assert_eq!(
        keys,
        [
            Some(&["MPLE Active 2023-11-14T22:13:20Z never".to_string()][..]),
            // No keys is an empty list, known.
            Some(&[][..]),
            // Not read: null, unknown.
            None,
        ]
    );
    let mut none: Vec<Resource> = Vec::new();
    assert_eq!(with_keys(&mut none, Vec::new()), Ok(()));
}
