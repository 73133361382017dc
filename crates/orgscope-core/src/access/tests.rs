//! `derive` and the access map on a small hand-built organization:
//! payments-prod (Workloads/Prod), payments-test (Workloads/Test), tooling
//! and security (Infrastructure), collected on 2026-06-01, and an outside
//! vendor account 999999999999.

use super::{RowKind, access_map, derive};
use crate::model::{
    Account, AccountStatus, CallerIdentity, Edge, Estate, OrgUnit, Rel, Resource, Source,
    SourceKind, Value, kinds,
};

pub(crate) const PROD: &str = "111111111111";
pub(crate) const TEST: &str = "222222222222";
pub(crate) const TOOLING: &str = "333333333333";
pub(crate) const SECURITY: &str = "444444444444";
pub(crate) const VENDOR: &str = "999999999999";

fn account(id: &str, name: &str, ou: &[&str]) -> Account {
    Account {
        id: id.into(),
        name: name.into(),
        email: format!("{name}@example.com"),
        status: AccountStatus::Active,
        ou_path: ou.iter().map(|s| s.to_string()).collect(),
        parent_id: String::new(),
        tags: Default::default(),
        scps: Vec::new(),
        is_management: false,
    }
}

fn ou(id: &str, name: &str, accounts: &[&str], children: Vec<OrgUnit>) -> OrgUnit {
    OrgUnit {
        id: id.into(),
        name: name.into(),
        scps: Vec::new(),
        accounts: accounts.iter().map(|s| s.to_string()).collect(),
        children,
    }
}

pub(crate) fn estate(resources: Vec<Resource>) -> Estate {
    let mut e = Estate::new(
        "2026-06-01T12:00:00Z".into(),
        Source {
            aggregator: None,
            kind: SourceKind::Demo,
            profile: None,
            label: "access test".into(),
        },
        CallerIdentity {
            account_id: SECURITY.into(),
            arn: format!("arn:aws:iam::{SECURITY}:user/t"),
            user_id: "AIDATEST".into(),
        },
    );
    // Listed out of tree order on purpose: the map follows the tree.
    e.accounts = vec![
        account(SECURITY, "security", &["Infrastructure"]),
        account(TEST, "payments-test", &["Workloads", "Test"]),
        account(PROD, "payments-prod", &["Workloads", "Prod"]),
        account(TOOLING, "tooling", &["Infrastructure"]),
    ];
    e.tree = ou(
        "r-1",
        "Root",
        &[],
        vec![
            ou(
                "ou-w",
                "Workloads",
                &[],
                vec![
                    ou("ou-p", "Prod", &[PROD], vec![]),
                    ou("ou-t", "Test", &[TEST], vec![]),
                ],
            ),
            ou("ou-i", "Infrastructure", &[TOOLING, SECURITY], vec![]),
        ],
    );
    e.resources = resources;
    e
}

pub(crate) fn trust_doc(principal: &str, condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{condition}}}]}}"#
    )
}

pub(crate) fn role(account: &str, name: &str, trust: &str) -> Resource {
    let mut r = Resource::new(kinds::IAM_ROLE, account, "global", name)
        .with("trust_policy", trust)
        .with("created", "2026-01-01T00:00:00Z")
        .with("last_used", "2026-05-31T00:00:00Z");
    r.name = Some(name.to_string());
    r
}

fn aws_managed(name: &str) -> Edge {
    Edge::new(Rel::Uses, kinds::IAM_POLICY, name)
        .in_account("aws")
        .named(name)
}

fn get<'r>(r: &'r Resource, field: &str) -> &'r Value {
    r.get(field).unwrap_or(&Value::Null)
}

fn list(r: &Resource, field: &str) -> Vec<String> {
    get(r, field).as_list().to_vec()
}

fn find<'e>(e: &'e Estate, account: &str, id: &str) -> &'e Resource {
    e.resources
        .iter()
        .find(|r| r.account_id == account && r.id == id)
        .unwrap_or_else(|| panic!("no {account}/{id}"))
}

/// The estate of the module doc with the roles a review cares about.
pub(crate) fn reviewed() -> Estate {
    let audit = trust_doc(&format!(r#"{{"AWS":"arn:aws:iam::{SECURITY}:root"}}"#), "");
    let mut resources = Vec::new();
    for acct in [PROD, TEST, TOOLING] {
        resources
            .push(role(acct, "security-audit", &audit).with_edge(aws_managed("SecurityAudit")));
    }
    resources.push(
        role(
            PROD,
            "ci-deploy",
            &trust_doc(
                &format!(r#"{{"AWS":"arn:aws:iam::{TOOLING}:role/ci"}}"#),
                "",
            ),
        )
        .with_edge(aws_managed("AdministratorAccess")),
    );
    resources.push(role(
        PROD,
        "vendor",
        &trust_doc(&format!(r#"{{"AWS":"{VENDOR}"}}"#), ""),
    ));
    resources.push(role(
        TEST,
        "vendor",
        &trust_doc(
            &format!(r#"{{"AWS":"{VENDOR}"}}"#),
            r#","Condition":{"StringEquals":{"sts:ExternalId":"v-1"}}"#,
        ),
    ));
    resources.push(role(TEST, "open", &trust_doc(r#""*""#, "")));
    resources.push(
        role(
            TEST,
            "old-lambda",
            &trust_doc(r#"{"Service":"lambda.amazonaws.com"}"#, ""),
        )
        .with("last_used", Value::Null)
        .with("created", "2025-01-01T00:00:00Z"),
    );
    estate(resources)
}

#[test]
fn roles_get_their_trust_classes_admin_unused_and_flags() {
    let mut e = reviewed();
    derive(&mut e);
    let deploy = find(&e, PROD, "ci-deploy");
    assert_eq!(list(deploy, "trust"), vec!["account:tooling"]);
    assert_eq!(list(deploy, "trusted_by"), vec!["org"]);
    assert_eq!(get(deploy, "admin"), &Value::Bool(true));
    assert_eq!(get(deploy, "unused"), &Value::Number(1));
    assert_eq!(
        list(deploy, "flags"),
        vec!["admin-trusted-from-other-account"]
    );
    assert_eq!(get(deploy, "note"), &Value::Null);

    let audit = find(&e, PROD, "security-audit");
    assert_eq!(list(audit, "trust"), vec!["account:security"]);
    assert_eq!(get(audit, "admin"), &Value::Bool(false));
    assert!(list(audit, "flags").is_empty());

    let vendor = find(&e, PROD, "vendor");
    assert_eq!(
        list(vendor, "trust"),
        vec!["outside:999999999999 [no ExternalId]"]
    );
    assert_eq!(list(vendor, "trusted_by"), vec!["outside"]);
    assert_eq!(list(vendor, "flags"), vec!["external-without-external-id"]);
    let guarded = find(&e, TEST, "vendor");
    assert_eq!(
        list(guarded, "trust"),
        vec!["outside:999999999999 [ExternalId]"]
    );
    assert!(list(guarded, "flags").is_empty());

    let open = find(&e, TEST, "open");
    assert_eq!(list(open, "trust"), vec!["anyone"]);
    assert_eq!(list(open, "trusted_by"), vec!["public"]);
    assert_eq!(list(open, "flags"), vec!["public-trust"]);

    let old = find(&e, TEST, "old-lambda");
    assert_eq!(list(old, "trusted_by"), vec!["service"]);
    // Never used: counted from creation, 2025-01-01 to 2026-06-01.
    assert_eq!(get(old, "unused"), &Value::Number(516));
    assert_eq!(list(old, "flags"), vec!["unused-90d"]);
}

#[test]
fn derive_is_idempotent() {
    let mut once = reviewed();
    derive(&mut once);
    let mut twice = once.clone();
    derive(&mut twice);
    assert_eq!(once, twice);
    // And a derived field that was tampered with is put right.
    let i = twice
        .resources
        .iter()
        .position(|r| r.id == "open")
        .expect("open role");
    twice.resources[i].set("flags", Value::Null);
    twice.resources[i].set("trust", Value::from(vec!["nobody".to_string()]));
    derive(&mut twice);
    assert_eq!(once, twice);
}

#[test]
fn a_malformed_document_is_a_note_and_the_rest_is_still_derived() {
    let mut e = estate(vec![
        role(PROD, "broken-trust", "{\"Statement\": [")
            .with_edge(aws_managed("AdministratorAccess")),
        role(
            PROD,
            "broken-inline",
            &trust_doc(&format!(r#"{{"AWS":"{VENDOR}"}}"#), ""),
        )
        .with(
            "inline_policies",
            r#"{"ok":{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}},
                "bad":{"Statement":{"Effect":"Maybe","Action":"s3:*"}}}"#,
        ),
    ]);
    derive(&mut e);
    let broken = find(&e, PROD, "broken-trust");
    let note = get(broken, "note").text();
    assert!(note.starts_with("trust policy: not JSON"), "{note}");
    assert_eq!(note.matches("trust policy").count(), 1, "said once: {note}");
    assert_eq!(get(broken, "trust"), &Value::Null, "unknown, not empty");
    assert_eq!(get(broken, "admin"), &Value::Bool(true));
    assert_eq!(get(broken, "unused"), &Value::Number(1));

    let inline = find(&e, PROD, "broken-inline");
    let note = get(inline, "note").text();
    assert!(
        note.contains("inline policy bad: Statement.Effect: expected \"Allow\" or \"Deny\""),
        "{note}"
    );
    assert_eq!(
        list(inline, "statements"),
        vec!["ok: Allow s3:GetObject on *"]
    );
    assert_eq!(list(inline, "flags"), vec!["external-without-external-id"]);
}

#[test]
fn admin_comes_from_inline_or_customer_managed_star_on_star_and_through_groups() {
    let star =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let narrow = r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    let mut e = estate(vec![
        Resource::new(kinds::IAM_POLICY, PROD, "global", "team/god").with("document", star),
        Resource::new(kinds::IAM_POLICY, PROD, "global", "s3").with("document", narrow),
        role(
            PROD,
            "by-managed",
            &trust_doc(&format!(r#"{{"AWS":"{PROD}"}}"#), ""),
        )
        .with_edge(Edge::new(Rel::Uses, kinds::IAM_POLICY, "team/god")),
        role(
            PROD,
            "by-inline",
            &trust_doc(&format!(r#"{{"AWS":"{TEST}"}}"#), ""),
        )
        .with("inline_policies", format!(r#"{{"all":{star}}}"#)),
        role(
            PROD,
            "narrow",
            &trust_doc(&format!(r#"{{"AWS":"{TEST}"}}"#), ""),
        )
        .with_edge(Edge::new(Rel::Uses, kinds::IAM_POLICY, "s3"))
        .with_edge(aws_managed("ReadOnlyAccess")),
        Resource::new(kinds::IAM_GROUP, PROD, "global", "admins")
            .with_edge(aws_managed("AdministratorAccess")),
        Resource::new(kinds::IAM_USER, PROD, "global", "alice").with_edge(Edge::new(
            Rel::InGroup,
            kinds::IAM_GROUP,
            "admins",
        )),
        Resource::new(kinds::IAM_USER, PROD, "global", "bob"),
    ]);
    derive(&mut e);
    let admin = |id: &str| get(find(&e, PROD, id), "admin").clone();
    assert_eq!(admin("team/god"), Value::Bool(true));
    assert_eq!(admin("s3"), Value::Bool(false));
    assert_eq!(admin("by-managed"), Value::Bool(true));
    assert_eq!(admin("by-inline"), Value::Bool(true));
    assert_eq!(admin("narrow"), Value::Bool(false));
    assert_eq!(admin("admins"), Value::Bool(true));
    assert_eq!(admin("alice"), Value::Bool(true));
    assert_eq!(admin("bob"), Value::Bool(false));
    // The same account trusting an admin role is no cross-account flag;
    // another org account is.
    assert!(list(find(&e, PROD, "by-managed"), "flags").is_empty());
    assert_eq!(
        list(find(&e, PROD, "by-inline"), "flags"),
        vec!["admin-trusted-from-other-account"]
    );
    assert_eq!(
        list(find(&e, PROD, "team/god"), "statements"),
        vec!["Allow * on *"]
    );
}

#[test]
fn statements_name_org_accounts_so_prod_and_test_compare() {
    let doc = |acct: &str| {
        format!(
            r#"{{"p":{{"Statement":{{"Effect":"Allow","Action":"sts:AssumeRole",
                "Resource":["arn:aws:iam::{acct}:role/x","arn:aws:iam::{VENDOR}:role/y"]}}}}}}"#
        )
    };
    let mut e = estate(vec![
        role(PROD, "r", &trust_doc(r#""*""#, "")).with("inline_policies", doc(PROD)),
        role(TEST, "r", &trust_doc(r#""*""#, "")).with("inline_policies", doc(TEST)),
    ]);
    derive(&mut e);
    assert_eq!(
        list(find(&e, PROD, "r"), "statements"),
        vec![
            "p: Allow sts:AssumeRole on arn:aws:iam::999999999999:role/y,arn:aws:iam::payments-prod:role/x"
        ]
    );
    assert_eq!(
        list(find(&e, TEST, "r"), "statements"),
        vec![
            "p: Allow sts:AssumeRole on arn:aws:iam::999999999999:role/y,arn:aws:iam::payments-test:role/x"
        ]
    );
}

#[test]
fn names_for_ids_replaces_only_whole_twelve_digit_org_ids() {
    let org = super::Org::new([(PROD, "payments-prod")]);
    assert_eq!(
        super::names_for_ids(
            &format!("{PROD} x{PROD}y 1{PROD} {PROD}1 {VENDOR} {PROD}"),
            &org
        ),
        format!("payments-prod xpayments-prody 1{PROD} {PROD}1 {VENDOR} payments-prod")
    );
}

#[test]
fn users_get_key_age_unused_and_key_flags() {
    let mut e = estate(vec![
        Resource::new(kinds::IAM_USER, PROD, "global", "old-key").with(
            "access_keys",
            Value::from(vec![
                "ABCD Active 2025-01-02T00:00:00Z 2026-05-30T00:00:00Z".to_string(),
                "EFGH Inactive 2020-01-01T00:00:00Z never".to_string(),
            ]),
        ),
        Resource::new(kinds::IAM_USER, PROD, "global", "idle-key").with(
            "access_keys",
            Value::from(vec![
                "WXYZ Active 2026-05-01T00:00:00Z never".to_string(),
                "QRST Active 2025-12-01T00:00:00Z 2026-01-01T00:00:00Z".to_string(),
            ]),
        ),
        Resource::new(kinds::IAM_USER, PROD, "global", "no-keys"),
        Resource::new(kinds::IAM_USER, PROD, "global", "garbled")
            .with("access_keys", Value::from(vec!["ABCD".to_string()])),
    ]);
    derive(&mut e);
    let old = find(&e, PROD, "old-key");
    assert_eq!(
        get(old, "key_age"),
        &Value::Number(515),
        "inactive keys ignored"
    );
    assert_eq!(get(old, "unused"), &Value::Number(2));
    assert_eq!(list(old, "flags"), vec!["key-older-90d"]);

    let idle = find(&e, PROD, "idle-key");
    assert_eq!(get(idle, "key_age"), &Value::Number(182));
    // The most recent use of any active key (the new one, never used: 31
    // days since creation).
    assert_eq!(get(idle, "unused"), &Value::Number(31));
    assert_eq!(list(idle, "flags"), vec!["key-older-90d", "key-unused-90d"]);

    let none = find(&e, PROD, "no-keys");
    assert_eq!(get(none, "key_age"), &Value::Null);
    assert!(list(none, "flags").is_empty());

    let garbled = find(&e, PROD, "garbled");
    assert_eq!(
        get(garbled, "note").text(),
        "1 access key entries could not be read"
    );
}

#[test]
fn the_access_map_puts_trusters_in_rows_and_org_accounts_in_columns() {
    let mut e = reviewed();
    derive(&mut e);
    let map = access_map(&e);
    // Columns: accounts holding roles, in tree order (security holds none).
    let cols: Vec<&str> = map.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, vec!["payments-prod", "payments-test", "tooling"]);
    assert_eq!(map.columns[0].ou, "Workloads/Prod");
    // Rows: every org account in tree order (by name within an OU), then
    // outside accounts, anyone, services.
    let rows: Vec<(RowKind, &str)> = map
        .rows
        .iter()
        .map(|r| (r.kind, r.label.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (RowKind::Account, "payments-prod"),
            (RowKind::Account, "payments-test"),
            (RowKind::Account, "security"),
            (RowKind::Account, "tooling"),
            (RowKind::Outside, "outside:999999999999"),
            (RowKind::Anyone, "anyone"),
            (RowKind::Service, "service:lambda.amazonaws.com"),
        ]
    );
    let row = |label: &str| {
        map.rows
            .iter()
            .find(|r| r.label == label)
            .unwrap_or_else(|| panic!("row {label}"))
    };
    assert!(row("payments-prod").cells.is_empty());
    let security = row("security");
    assert_eq!(
        security
            .cells
            .iter()
            .map(|c| c.account.as_str())
            .collect::<Vec<_>>(),
        vec!["payments-prod", "payments-test", "tooling"]
    );
    assert!(security.cells.iter().all(|c| c.roles.len() == 1
        && c.roles[0].name == "security-audit"
        && c.roles[0].flags.is_empty()));
    let tooling = row("tooling");
    assert_eq!(tooling.cells.len(), 1);
    assert_eq!(tooling.cells[0].account, "payments-prod");
    assert_eq!(tooling.cells[0].roles[0].name, "ci-deploy");
    assert_eq!(
        tooling.cells[0].roles[0].flags,
        vec!["admin-trusted-from-other-account"]
    );
    let vendor = row("outside:999999999999");
    assert_eq!(vendor.id, VENDOR);
    let vendor_cells: Vec<(&str, &str)> = vendor
        .cells
        .iter()
        .map(|c| (c.account.as_str(), c.roles[0].via[0].as_str()))
        .collect();
    assert_eq!(
        vendor_cells,
        vec![
            ("payments-prod", "outside:999999999999 [no ExternalId]"),
            ("payments-test", "outside:999999999999 [ExternalId]"),
        ]
    );
    assert_eq!(row("anyone").cells[0].roles[0].flags, vec!["public-trust"]);
    assert_eq!(map.len(), 8);
}

#[test]
fn the_access_map_renders_as_aligned_table_csv_and_json() {
    let mut e = reviewed();
    derive(&mut e);
    let map = access_map(&e);
    let table = map.to_table();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 1 + map.len());
    assert!(lines[0].starts_with("FROM"));
    // Every column starts at the same character on every line.
    let into_col = lines[0].find("INTO").expect("INTO header");
    let role_col = lines[0].find("ROLE").expect("ROLE header");
    for l in &lines[1..] {
        let chars: Vec<char> = l.chars().collect();
        assert_ne!(chars[into_col], ' ', "{l}");
        assert_eq!(chars[into_col - 1], ' ', "{l}");
        assert_ne!(chars[role_col], ' ', "{l}");
        assert_eq!(chars[role_col - 1], ' ', "{l}");
        assert_eq!(l.trim_end(), *l);
    }
    assert!(
        lines.iter().any(|l| l.starts_with("tooling")
            && l.contains("ci-deploy")
            && l.ends_with("admin-trusted-from-other-account")),
        "{table}"
    );

    let csv = map.to_csv();
    let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        rows[0],
        "from,from_kind,from_id,into,into_id,role,role_id,trust,flags"
    );
    assert_eq!(rows.len(), 1 + map.len());
    assert!(rows.contains(
        &"outside:999999999999,outside,999999999999,payments-prod,111111111111,vendor,vendor,outside:999999999999 [no ExternalId],external-without-external-id"
    ), "{csv}");

    let json: serde_json::Value = serde_json::from_str(&map.to_json()).expect("JSON");
    assert_eq!(json["columns"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["rows"][4]["kind"], "outside");
    assert_eq!(json["rows"][4]["cells"][0]["account"], "payments-prod");
    assert_eq!(json["rows"][4]["cells"][0]["roles"][0]["name"], "vendor");
}

#[test]
fn the_access_map_of_chosen_roles_leaves_the_others_out() {
    let mut e = reviewed();
    derive(&mut e);
    let chosen: Vec<usize> = e
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.id == "vendor")
        .map(|(i, _)| i)
        .collect();
    let map = super::access_map_of(&e, Some(&chosen));
    assert_eq!(map.len(), 2);
    assert_eq!(
        map.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        vec!["payments-prod", "payments-test"]
    );
    assert!(map.lines().iter().all(|l| l[2] == "vendor"));
}

#[test]
fn url_encoded_documents_from_real_iam_derive_like_plain_ones() {
    let plain = trust_doc(&format!(r#"{{"AWS":"arn:aws:iam::{TOOLING}:root"}}"#), "");
    let encoded: String = plain
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let inline_plain = r#"{"p":{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}}"#;
    let inline_doc: String = r#"%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D"#.to_string();
    // The collector may store each inline document as encoded text.
    let inline_encoded = format!(r#"{{"p":"{inline_doc}"}}"#);
    let mut e = estate(vec![
        role(PROD, "plain", &plain).with("inline_policies", inline_plain),
        role(TEST, "plain", &encoded).with("inline_policies", inline_encoded),
    ]);
    derive(&mut e);
    let (a, b) = (find(&e, PROD, "plain"), find(&e, TEST, "plain"));
    assert_eq!(get(b, "note"), &Value::Null);
    assert_eq!(list(a, "trust"), vec!["account:tooling"]);
    assert_eq!(list(a, "trust"), list(b, "trust"));
    assert_eq!(list(a, "statements"), vec!["p: Allow * on *"]);
    assert_eq!(list(a, "statements"), list(b, "statements"));
    assert_eq!(get(b, "admin"), &Value::Bool(true));
    assert_eq!(list(b, "flags"), vec!["admin-trusted-from-other-account"]);
}
