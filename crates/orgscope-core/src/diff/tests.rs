//! The diff on the demo estate (the staged drift, "not collected") and on
//! small hand-made estates: keys, comparison and their descriptor-driven
//! cases.

use super::*;
use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
use crate::model::{CoverageStatus, Estate, Resource, RulePeer, SgRule, kinds};
use crate::query::{Context, filter, parse};

fn scope(e: &Estate, q: &str) -> Vec<usize> {
    filter(&Context::new(e), &parse(q).expect("query"), None)
}

fn entries(rep: &DiffReport, status: EntryStatus) -> Vec<&DiffEntry> {
    rep.entries.iter().filter(|e| e.status == status).collect()
}

#[test]
fn prod_vs_test_finds_exactly_the_staged_drift() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let rep = diff(
        &e,
        &scope(&e, "ou:Prod"),
        &e,
        &scope(&e, "ou:Test"),
        &DiffOptions::default(),
    );
    let keys = |s| {
        entries(&rep, s)
            .iter()
            .map(|x| x.key.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(EntryStatus::OnlyLeft),
        [
            "payments/eu-west-1/payments-worker-4",
            "payments/eu-west-1/payments-worker-4:/dev/sdf",
            "payments/eu-west-1/payments-worker-4:/dev/xvda",
            "payments/eu-west-1/security-audit-payments-peering",
            // The sessions table's DR replica, which the drifted test
            // twin's table lacks (`demo::storage`).
            "payments/us-east-1/payments-sessions",
            // The administrator role only prod has (`demo::iam`).
            "payments/global/legacy-admin",
        ]
    );
    assert!(keys(EntryStatus::OnlyRight).is_empty());

    let changed = entries(&rep, EntryStatus::Changed);
    type Change = (String, Option<String>, Option<String>);
    let summary: Vec<(String, Vec<Change>)> = changed
        .iter()
        .map(|c| {
            (
                c.key.clone(),
                c.changes
                    .iter()
                    .map(|f| (f.field.clone(), f.left.clone(), f.right.clone()))
                    .collect(),
            )
        })
        .collect();
    // The staged drift, and what the wiring drift makes of the derived
    // facts: test's private subnets route straight to the internet
    // gateway (so they are public), and test's load balancer is
    // internet-facing (so its web targets are reachable).
    let unreachable = || Some("unreachable");
    let reachable = || Some("reachable");
    // (field, left, right)
    type Field<'a> = (&'a str, Option<&'a str>, Option<&'a str>);
    let expected: Vec<(&str, Vec<Field>)> = vec![
        (
            "payments/eu-west-1/payments-app-1",
            vec![("instance_type", Some("m5.xlarge"), Some("m5.large"))],
        ),
        (
            "payments/eu-west-1/payments-web-1",
            vec![("internet", unreachable(), reachable())],
        ),
        (
            "payments/eu-west-1/payments-web-2",
            vec![
                ("internet", unreachable(), reachable()),
                ("tag:owner", Some("payments-team@example.com"), None),
            ],
        ),
        (
            "payments/eu-west-1/payments-web-3",
            vec![("internet", unreachable(), reachable())],
        ),
        (
            "payments/eu-west-1/payments-web-4",
            vec![("internet", unreachable(), reachable())],
        ),
        (
            "payments/eu-west-1/payments-private-a",
            vec![("routing", Some("private"), Some("public"))],
        ),
        (
            "payments/eu-west-1/payments-private-b",
            vec![("routing", Some("private"), Some("public"))],
        ),
        (
            "payments/eu-west-1/payments-private-c",
            vec![("routing", Some("private"), Some("public"))],
        ),
        (
            "payments/eu-west-1/payments-vpc/payments-db",
            vec![("ingress", None, Some("tcp/5432 from 0.0.0.0/0"))],
        ),
        (
            "payments/eu-west-1/payments-bastion-1-eip",
            vec![("instance", Some("payments-bastion-1"), None)],
        ),
        (
            "payments/eu-west-1/payments-vpc/payments-private-rtb",
            vec![
                (
                    "routes",
                    Some("0.0.0.0/0 → nat_gateway payments-nat-a"),
                    Some("0.0.0.0/0 → internet_gateway payments-igw"),
                ),
                (
                    "routes",
                    Some("10.250.0.0/17 → vpc_peering_connection security-audit-payments-peering"),
                    None,
                ),
            ],
        ),
        (
            "payments/eu-west-1/payments-alb",
            vec![
                ("scheme", Some("internal"), Some("internet-facing")),
                ("internet", unreachable(), reachable()),
            ],
        ),
        (
            "payments/eu-west-1/payments-web",
            vec![("health_check_path", Some("/healthz"), Some("/"))],
        ),
        // The database drift (`demo::databases`), the example:
        // test runs Postgres 16 single-AZ and publicly accessible, and
        // lost its owner; its DR replica follows its version.
        (
            "payments/eu-west-1/payments-db",
            vec![
                ("engine_version", Some("15.7"), Some("16.3")),
                ("multi_az", Some("true"), Some("false")),
                ("publicly_accessible", Some("false"), Some("true")),
                ("tag:owner", Some("payments-team@example.com"), None),
            ],
        ),
        (
            "payments/us-east-1/payments-dr-db",
            vec![("engine_version", Some("15.7"), Some("16.3"))],
        ),
        // The compute drift (`demo::compute`): an old runtime, half the
        // memory and a lost owner on the functions, an older Kubernetes
        // with its API open to the internet on the cluster.
        (
            "payments/eu-west-1/payments-api",
            vec![("runtime", Some("python3.12"), Some("python3.9"))],
        ),
        (
            "payments/eu-west-1/payments-worker",
            vec![
                ("memory", Some("1024"), Some("512")),
                ("tag:owner", Some("payments-team@example.com"), None),
            ],
        ),
        (
            "payments/eu-west-1/payments-eks",
            vec![
                ("version", Some("1.30"), Some("1.29")),
                ("endpoint_public_access", Some("false"), Some("true")),
                (
                    "public_access_cidrs",
                    Some("203.0.113.0/24"),
                    Some("0.0.0.0/0"),
                ),
            ],
        ),
        // The storage drift (`demo::storage`): the test artifacts bucket
        // unversioned and open, the sessions table provisioned, single
        // region and without an owner.
        (
            "payments/eu-west-1/payments-artifacts",
            vec![
                ("versioning", Some("Enabled"), Some("Off")),
                ("public_access_block", Some("true"), Some("false")),
            ],
        ),
        (
            "payments/eu-west-1/payments-sessions",
            vec![
                ("billing_mode", Some("PAY_PER_REQUEST"), Some("PROVISIONED")),
                ("replicas", Some("us-east-1"), Some("")),
                ("tag:owner", Some("payments-team@example.com"), None),
            ],
        ),
        // The IAM drift (`demo::iam`): the test deploy role also trusts
        // the sandbox account, and its policy grants every S3 action
        // where prod's grants one — the accounts' own names masked, so
        // nothing else of the deploy roles and policies differs.
        (
            "payments/global/ci-deploy",
            vec![("trust", None, Some("account:sandbox-alice"))],
        ),
        (
            "payments/global/deploy-permissions",
            vec![(
                "statements",
                Some("Allow s3:PutObject on arn:aws:s3:::payments-prod-artifacts/*"),
                Some("Allow s3:* on arn:aws:s3:::payments-test-artifacts/*"),
            )],
        ),
        // Half the test twin's queues lost their owner (demo/tagged.rs);
        // unnamed, they pair by their resource part, normalised.
        (
            "payments/eu-west-1/resource:queue-payments-dlq",
            vec![("tag:owner", Some("payments-team@example.com"), None)],
        ),
        (
            "payments/eu-west-1/resource:queue-payments-orders",
            vec![("tag:owner", Some("payments-team@example.com"), None)],
        ),
    ];
    let expected: Vec<(String, Vec<Change>)> = expected
        .into_iter()
        .map(|(k, cs)| {
            (
                k.to_string(),
                cs.into_iter()
                    .map(|(f, l, r)| (f.to_string(), l.map(str::to_string), r.map(str::to_string)))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(summary, expected);
    // catalog-test refused AssumeRole: catalog-prod's resources are unknown
    // on the right, not missing.
    let nc = entries(&rep, EntryStatus::NotCollected);
    assert!(!nc.is_empty());
    assert!(
        nc.iter()
            .all(|x| x.key.starts_with("catalog/") && x.left.is_some())
    );
    let catalog_prod = e
        .accounts
        .iter()
        .find(|a| a.name == "catalog-prod")
        .expect("acct");
    let n = e
        .resources
        .iter()
        .filter(|r| r.account_id == catalog_prod.id)
        .count();
    assert_eq!(nc.len(), n);
    let t = rep.totals();
    assert_eq!(
        (t.only_left, t.only_right, t.changed, t.not_collected),
        // Thirteen EC2 and load balancing changes, two databases, two
        // Lambda functions and an EKS cluster (demo/compute.rs), a bucket
        // and a table (demo/storage.rs), two IAM, two ownerless queues
        // (demo/tagged.rs); one IAM role and one table replica only in
        // prod.
        (6, 0, 24, n)
    );
    assert!(t.same > 500);
    assert!(rep.has_differences());
    assert_eq!(rep.per_type[&kinds::INSTANCE].only_left, 1);
    // Same entries are counted but only listed on request.
    assert!(entries(&rep, EntryStatus::Same).is_empty());
    let all = diff(
        &e,
        &scope(&e, "ou:Prod"),
        &e,
        &scope(&e, "ou:Test"),
        &DiffOptions {
            include_same: true,
            ..DiffOptions::default()
        },
    );
    assert_eq!(entries(&all, EntryStatus::Same).len(), t.same);
    // The report serializes for the GUI's and the CLI's JSON.
    let v = serde_json::to_value(&rep).expect("serializes");
    assert_eq!(v["per_type"]["instance"]["only_left"], 1);
    let listed = v["entries"].as_array().expect("entries");
    assert!(
        listed
            .iter()
            .any(|x| x["status"] == "only_left" && x["rtype"] == "instance")
    );
}

#[test]
fn not_collected_becomes_missing_once_the_account_is_readable() {
    let mut e = demo_estate(DEFAULT_ACCOUNTS);
    let denied = e
        .accounts
        .iter()
        .find(|a| a.name == "catalog-test")
        .expect("acct")
        .id
        .clone();
    for c in e.coverage.iter_mut().filter(|c| c.account_id == denied) {
        c.status = CoverageStatus::Ok;
    }
    let rep = diff(
        &e,
        &scope(&e, "ou:Prod"),
        &e,
        &scope(&e, "ou:Test"),
        &DiffOptions::default(),
    );
    let t = rep.totals();
    assert_eq!(t.not_collected, 0);
    assert!(t.only_left > 3);
    // Only one region denied: the others' resources are plain missing.
    let mut e2 = demo_estate(DEFAULT_ACCOUNTS);
    for c in e2.coverage.iter_mut().filter(|c| c.account_id == denied) {
        c.status = if c.region == "us-east-1" {
            CoverageStatus::Throttled
        } else {
            CoverageStatus::Ok
        };
    }
    let rep2 = diff(
        &e2,
        &scope(&e2, "ou:Prod"),
        &e2,
        &scope(&e2, "ou:Test"),
        &DiffOptions::default(),
    );
    let nc = entries(&rep2, EntryStatus::NotCollected);
    assert!(!nc.is_empty() && nc.iter().all(|x| x.key.starts_with("catalog/us-east-1/")));
    assert!(
        entries(&rep2, EntryStatus::OnlyLeft)
            .iter()
            .any(|x| x.key.starts_with("catalog/eu-west-1/"))
    );
    // The reverse direction: test on the left sees prod-only items as not collected.
    let rev = diff(
        &e,
        &scope(&e, "ou:Test"),
        &e,
        &scope(&e, "ou:Prod"),
        &DiffOptions::default(),
    );
    assert_eq!(rev.totals().only_left, 0);
    assert_eq!(rev.totals().only_right, t.only_left);
    // A caller-given scope overrides the inference.
    let given = DiffOptions {
        right_accounts: Some(std::collections::BTreeSet::new()),
        ..DiffOptions::default()
    };
    let e3 = demo_estate(DEFAULT_ACCOUNTS);
    let rep3 = diff(
        &e3,
        &scope(&e3, "ou:Prod"),
        &e3,
        &scope(&e3, "ou:Test"),
        &given,
    );
    assert_eq!(rep3.totals().not_collected, 0);
}

pub(super) fn sg(id: &str, name: &str, ingress: Vec<SgRule>) -> Resource {
    let mut r = Resource::new(kinds::SECURITY_GROUP, "111111111111", "eu-west-1", id)
        .with("group_name", name)
        .with("description", "d")
        .with("ingress", ingress)
        .with("egress", Vec::<SgRule>::new());
    r.name = Some(name.into());
    r.tags = [
        ("Name".to_string(), name.to_string()),
        ("env".to_string(), "prod".to_string()),
    ]
    .into_iter()
    .collect();
    r
}

fn rule(port: i32, peer: RulePeer, desc: &str) -> SgRule {
    SgRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        peer,
        description: Some(desc.into()),
    }
}

pub(super) fn mini(resources: Vec<Resource>) -> Estate {
    let mut e = demo_estate(11);
    e.resources = resources;
    for a in &mut e.accounts {
        a.id = format!("x{}", a.id);
    }
    e.accounts[0].id = "111111111111".into();
    e.accounts[0].name = "shop-prod".into();
    e.coverage = vec![crate::model::Coverage {
        account_id: "111111111111".into(),
        region: "eu-west-1".into(),
        api: crate::model::Api::of(kinds::SECURITY_GROUP),
        status: CoverageStatus::Ok,
        code: None,
        message: None,
        source: None,
        as_of: None,
    }];
    e
}

#[test]
fn reordered_rules_and_env_only_tag_differences_are_the_same() {
    let cidr = |c: &str| RulePeer::Cidr(c.into());
    let left = mini(vec![
        sg(
            "sg-1",
            "shop-prod-app",
            vec![
                rule(443, cidr("10.0.0.0/8"), "a"),
                rule(22, RulePeer::SecurityGroup("sg-2".into()), "b"),
            ],
        ),
        sg("sg-2", "shop-prod-bastion", vec![]),
    ]);
    let mut right_res = vec![
        sg("sg-8", "shop-test-bastion", vec![]),
        // Rules reordered, descriptions reworded, peer id differs but names the twin.
        sg(
            "sg-9",
            "shop-test-app",
            vec![
                rule(22, RulePeer::SecurityGroup("sg-8".into()), "ssh"),
                rule(443, cidr("10.0.0.0/8"), "https"),
            ],
        ),
    ];
    for r in &mut right_res {
        r.tags.insert("env".into(), "test".into());
    }
    let mut right = mini(right_res);
    right.accounts[0].name = "shop-test".into();
    let all = |e: &Estate| (0..e.resources.len()).collect::<Vec<_>>();
    let rep = diff(
        &left,
        &all(&left),
        &right,
        &all(&right),
        &DiffOptions::default(),
    );
    assert_eq!(rep.totals().same, 2, "{:?}", rep.entries);
    assert!(!rep.has_differences());
    // Without env normalization nothing matches.
    let raw = DiffOptions {
        env_tokens: vec![],
        ..DiffOptions::default()
    };
    let rep = diff(&left, &all(&left), &right, &all(&right), &raw);
    assert_eq!((rep.totals().only_left, rep.totals().only_right), (2, 2));
    // And the env tag is reported when it is not ignored.
    let strict = DiffOptions {
        ignore_tags: vec![],
        ..DiffOptions::default()
    };
    let rep = diff(&left, &all(&left), &right, &all(&right), &strict);
    assert_eq!(rep.totals().changed, 2);
    assert!(
        rep.entries
            .iter()
            .all(|x| x.changes.iter().all(|c| c.field == "tag:env"))
    );
}

#[test]
fn custom_keys_and_two_snapshots() {
    assert_eq!(
        parse_key("instance=tag:role"),
        Ok((kinds::INSTANCE, MatchKey::Tag("role".into())))
    );
    assert_eq!(
        parse_key("sg=name"),
        Ok((kinds::SECURITY_GROUP, MatchKey::Name))
    );
    assert_eq!(parse_key("vpc=cidr"), Ok((kinds::VPC, MatchKey::Cidr)));
    assert_eq!(
        parse_key("subnet=cidr"),
        Ok((kinds::SUBNET, MatchKey::Cidr))
    );
    // The list of kinds with a CIDR comes from the registry and reads as
    // it always has.
    let err = parse_key("instance=cidr").expect_err("instances have no CIDR");
    assert_eq!(
        err.reason,
        "only VPCs, subnets and VPC peering connections have a CIDR"
    );
    assert!(parse_key("instance").is_err());
    assert!(parse_key("bogus=name").is_err());
    assert!(parse_key("instance=colour").is_err());

    let before = demo_estate(DEFAULT_ACCOUNTS);
    let mut after = before.clone();
    let i = after
        .resources
        .iter()
        .position(|r| r.name.as_deref() == Some("orders-prod-app-3"))
        .expect("app-3");
    after.resources[i]
        .set("instance_type", "m6i.xlarge")
        .set("launch_time", "2027-01-01T00:00:00Z")
        .set("private_ip", "10.11.10.99");
    after.resources.remove(0);
    let all = |e: &Estate| (0..e.resources.len()).collect::<Vec<_>>();
    let opts = DiffOptions {
        keys: Kind::all().map(|t| (t, MatchKey::Id)).collect(),
        ..DiffOptions::default()
    };
    let rep = diff(&before, &all(&before), &after, &all(&after), &opts);
    let t = rep.totals();
    assert_eq!((t.only_left, t.only_right, t.changed), (1, 0, 1));
    let changed = entries(&rep, EntryStatus::Changed);
    // Volatile fields (launch time, IP) are not differences.
    assert_eq!(changed[0].changes.len(), 1);
    assert_eq!(changed[0].changes[0].field, "instance_type");

    // tag:role keys repeat (four web servers): numbered in order, still paired.
    let role = DiffOptions {
        keys: [(kinds::INSTANCE, MatchKey::Tag("role".into()))]
            .into_iter()
            .collect(),
        ..DiffOptions::default()
    };
    let rep = diff(
        &before,
        &scope(&before, "account:orders-prod"),
        &before,
        &scope(&before, "account:orders-test"),
        &role,
    );
    assert!(!rep.has_differences(), "{:?}", rep.entries);
    let with_same = DiffOptions {
        include_same: true,
        ..role
    };
    let rep = diff(
        &before,
        &scope(&before, "account:orders-prod"),
        &before,
        &scope(&before, "account:orders-test"),
        &with_same,
    );
    assert!(rep.entries.iter().any(|x| x.key.ends_with("role=web#4")));
}

#[test]
fn normalize_strips_env_tokens() {
    let t: Vec<String> = DEFAULT_ENV_TOKENS.iter().map(|s| s.to_string()).collect();
    assert_eq!(normalize("app1-prod-web", &t), "app1-web");
    assert_eq!(normalize("app1-test-web", &t), "app1-web");
    assert_eq!(normalize("APP1_PRD.web", &t), "app1-web");
    assert_eq!(normalize("stg-app1-web", &t), "app1-web");
    assert_eq!(normalize("product-web", &t), "product-web");
    // Out-of-range indices are skipped, not a panic.
    let e = demo_estate(11);
    let rep = diff(
        &e,
        &[usize::MAX],
        &e,
        &[e.resources.len()],
        &DiffOptions::default(),
    );
    assert!(rep.entries.is_empty());
}

#[test]
fn a_denied_read_of_one_kind_leaves_the_other_kinds_of_the_region_compared() {
    // payments-test's role lacks tag:GetResources in eu-west-1 (a reader
    // role deployed before orgscope asked for it): its queues there are
    // unknown, but its instances were read and the missing worker is
    // still missing, not "not collected".
    let mut e = demo_estate(DEFAULT_ACCOUNTS);
    let test_id = e
        .accounts
        .iter()
        .find(|a| a.name == "payments-test")
        .map(|a| a.id.clone())
        .expect("account");
    for c in &mut e.coverage {
        if c.account_id == test_id
            && c.region == "eu-west-1"
            && c.api.as_str() == "tag:GetResources"
        {
            c.status = CoverageStatus::Denied;
        }
    }
    e.resources.retain(|r| {
        !(r.account_id == test_id && r.region == "eu-west-1" && r.kind == kinds::TAGGED_RESOURCE)
    });
    let rep = diff(
        &e,
        &scope(&e, "account:payments-prod"),
        &e,
        &scope(&e, "account:payments-test"),
        &DiffOptions::default(),
    );
    let only_left: Vec<&str> = entries(&rep, EntryStatus::OnlyLeft)
        .iter()
        .map(|x| x.key.as_str())
        .collect();
    assert!(
        only_left.contains(&"payments/eu-west-1/payments-worker-4"),
        "{only_left:?}"
    );
    let nc = entries(&rep, EntryStatus::NotCollected);
    assert!(!nc.is_empty());
    assert!(
        nc.iter()
            .all(|x| x.rtype == kinds::TAGGED_RESOURCE && x.key.starts_with("payments/eu-west-1/")),
        "{nc:?}"
    );
}
