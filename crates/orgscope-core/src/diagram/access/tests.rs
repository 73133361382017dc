//! The access diagram on the demo estate, whose IAM tells a known story
//! (`demo::iam`): every arrow it must draw, the findings in red, the
//! outside vendor and *anyone* in their own region, folding at 300
//! accounts, and a scope that leaves nothing to draw.

use super::*;
use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
use crate::diagram::{EdgeKind, NodeKind, to_drawio, to_svg};
use crate::query::{self, Context};

fn id_of(e: &Estate, name: &str) -> String {
    e.accounts
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no account {name}"))
        .id
        .clone()
}

fn all(e: &Estate) -> Vec<usize> {
    (0..e.resources.len()).collect()
}

fn edge<'s>(s: &'s Scene, from: &str, to: &str) -> Option<&'s crate::diagram::Edge> {
    s.edges.iter().find(|x| x.from == from && x.to == to)
}

fn label(x: &crate::diagram::Edge) -> &str {
    x.label.as_ref().map_or("", |l| l.text.as_str())
}

#[test]
fn the_demo_draws_every_way_in_with_its_findings() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let s = access_scene(&e, &all(&e), &AccessOptions::default());
    let (mgmt, audit, network, payments_prod, payments_test, sandbox, logs) = (
        id_of(&e, "management"),
        id_of(&e, "security-audit"),
        id_of(&e, "network"),
        id_of(&e, "payments-prod"),
        id_of(&e, "payments-test"),
        id_of(&e, "sandbox-alice"),
        id_of(&e, "log-archive"),
    );
    // The audit role: one role from security-audit, not a finding.
    let a = edge(&s, &audit, &payments_prod).expect("audit arrow");
    assert_eq!((a.kind, label(a)), (EdgeKind::Trust, ""));
    // The Organizations role is an administrator trusted by management:
    // flagged as such, but not drawn as a finding (every account has it).
    let m = edge(&s, &mgmt, &payments_prod).expect("management arrow");
    assert_eq!((m.kind, label(m)), (EdgeKind::Trust, ""));
    // A sandbox that can become administrator in prod is.
    let legacy = edge(&s, &sandbox, &payments_prod).expect("sandbox into prod");
    assert_eq!(legacy.kind, EdgeKind::TrustRisk);
    // CI deploys from the network account into workloads only.
    assert!(edge(&s, &network, &payments_prod).is_some());
    assert!(edge(&s, &network, &logs).is_none());
    // The drifted test deploy role also trusts the sandbox; prod's not.
    assert!(edge(&s, &sandbox, &payments_test).is_some());
    let into_test = edge(&s, &sandbox, &payments_test).expect("sandbox into test");
    assert_eq!(into_test.kind, EdgeKind::Trust);
    // The SIEM vendor, outside, without an ExternalId: a finding, in the
    // outside region.
    let vendor = format!("outside:{}", crate::demo::VENDOR_ACCOUNT_ID);
    let v = edge(&s, &vendor, &logs).expect("vendor arrow");
    assert_eq!(v.kind, EdgeKind::TrustRisk);
    let outside_region = s.find(OUTSIDE).expect("outside region");
    let vendor_box = s.find(&vendor).expect("vendor box");
    assert!(outside_region.rect.contains_rect(&vendor_box.rect));
    // Anyone in the organization may assume alice's role: fenced by
    // aws:PrincipalOrgID, so drawn but not a finding.
    let any = edge(&s, ANYONE, &sandbox).expect("anyone arrow");
    assert_eq!(any.kind, EdgeKind::Trust);
    // The vendor's target carries the finding in its box.
    let logs_box = s.find(&logs).expect("log-archive box");
    assert!(
        logs_box
            .labels
            .iter()
            .any(|l| l.text == "⚠ 1 role with a finding"),
        "{:?}",
        logs_box.labels
    );
    assert!(
        logs_box
            .details
            .iter()
            .any(|d| d == "⚠ finding: siem-vendor-reader"),
        "{:?}",
        logs_box.details
    );
    assert!(logs_box.details.iter().any(|d| d.contains("outside:")));
    // The denied and the suspended accounts: not collected, never "no
    // trust".
    let unread: Vec<_> = s
        .nodes
        .iter()
        .filter(|n| n.id.starts_with("access-unread-"))
        .collect();
    let said: Vec<&str> = unread
        .iter()
        .flat_map(|n| n.details.iter().skip(1).map(String::as_str))
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said.contains(&"catalog-test") && said.contains(&"sandbox-legacy"));
    assert!(
        s.nodes
            .iter()
            .filter(|n| n.id.starts_with("access-idle-"))
            .all(|n| !n.details.iter().any(|d| d == "catalog-test"))
    );
    // Every arrow joins two drawn boxes, and carries an arrowhead.
    for x in &s.edges {
        assert!(
            s.find(&x.from).is_some() && s.find(&x.to).is_some(),
            "{x:?}"
        );
        assert!(s.stroke(x).arrow);
    }
    // Renders: the SVG names the kinds, draw.io binds every connector.
    let svg = to_svg(&s);
    assert!(svg.contains("trust-risk") && svg.contains("Access"));
    let drawio = to_drawio(&s);
    assert_eq!(drawio.matches("edge=\"1\"").count(), s.edges.len());
}

#[test]
fn three_hundred_accounts_fold_into_a_readable_picture() {
    let e = demo_estate(300);
    let s = access_scene(&e, &all(&e), &AccessOptions::default());
    let folds: Vec<_> = s
        .nodes
        .iter()
        .filter(|n| n.id.starts_with("access-fold-"))
        .collect();
    assert!(!folds.is_empty());
    // Each fold says how many accounts it holds and its arrows say so too.
    for f in &folds {
        let into: Vec<_> = s.edges.iter().filter(|x| x.to == f.id).collect();
        assert!(!into.is_empty(), "{}", f.id);
        assert!(into.iter().all(|x| label(x).contains(" × ")), "{into:?}");
    }
    assert!(s.nodes.len() < 120, "{} boxes", s.nodes.len());
    assert!(s.edges.len() < 120, "{} arrows", s.edges.len());
    // The drifted test accounts, trusting the sandbox too, stay apart
    // from the other test accounts: the sandbox's arrows go only into
    // boxes of drifted test accounts (and into payments-prod's
    // legacy-admin).
    let sandbox = id_of(&e, "sandbox-alice");
    let odd: Vec<_> = s.edges.iter().filter(|x| x.from == sandbox).collect();
    assert!(!odd.is_empty());
    for x in &odd {
        let b = s.find(&x.to).expect("target");
        let names: Vec<&String> = if b.id.starts_with("access-fold-") {
            b.details.iter().skip(1).collect()
        } else {
            b.details.iter().take(1).collect()
        };
        // ... and the one prod account with the sandbox's admin role.
        assert!(
            names
                .iter()
                .all(|n| n.ends_with("-test") || *n == "payments-prod"),
            "{names:?}"
        );
    }
}

#[test]
fn a_scope_draws_its_roles_only_and_an_empty_one_says_so() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let ctx = Context::new(&e);
    let rows = |q: &str| query::filter(&ctx, &query::parse(q).expect("parses"), None);
    let s = access_scene(&e, &rows("account:payments-*"), &AccessOptions::default());
    let drawn: Vec<&str> = s
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Account)
        .map(|n| n.id.as_str())
        .collect();
    let logs = id_of(&e, "log-archive");
    assert!(!drawn.contains(&logs.as_str()));
    assert!(drawn.contains(&id_of(&e, "payments-prod").as_str()));
    let none = access_scene(&e, &rows("type:instance"), &AccessOptions::default());
    assert!(none.edges.is_empty());
    assert!(
        none.texts
            .iter()
            .any(|t| t.text.contains("Nothing to draw"))
    );
}

#[test]
fn the_organizations_role_is_flagged_apart_from_the_findings() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let ctx = Context::new(&e);
    let rows = |q: &str| query::filter(&ctx, &query::parse(q).expect("parses"), None);
    let names = |q: &str| -> Vec<String> {
        rows(q)
            .into_iter()
            .map(|i| e.resources[i].display_name().to_string())
            .collect()
    };
    // Every member account's Organizations role, trusted by management.
    let org_role = rows("type:role name:OrganizationAccountAccessRole");
    assert_eq!(
        rows("type:role flags:admin-trusted-from-management"),
        org_role
    );
    // The findings: the sandbox's way into prod as administrator only.
    assert_eq!(
        names("type:role flags:admin-trusted-from-other-account"),
        ["legacy-admin"]
    );
    assert_eq!(names("type:role flags:admin-*").len(), org_role.len() + 1);
}
