use super::*;
use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
use crate::model::{Resource, kinds};
use crate::query::{self, Context};

fn keys(text: &str) -> RequiredTags {
    RequiredTags::parse(text).expect("keys parse")
}

/// Resources of `ids`' accounts, and how many lack each key: counted
/// here by brute force, for the report to agree with.
fn brute(e: &Estate, ids: &[&str], keys: &[&str]) -> (usize, Vec<usize>) {
    let of: Vec<&Resource> = e
        .resources
        .iter()
        .filter(|r| ids.contains(&r.account_id.as_str()))
        .collect();
    let missing = keys
        .iter()
        .map(|k| of.iter().filter(|r| !r.tags.contains_key(k)).count())
        .collect();
    (of.len(), missing)
}

#[test]
fn required_keys_are_trimmed_deduplicated_and_never_empty() {
    assert_eq!(
        keys(" owner, env,,owner ,app").keys(),
        ["owner", "env", "app"]
    );
    assert_eq!(keys("owner,env").to_text(), "owner,env");
    assert_eq!(RequiredTags::parse(""), Err(RequiredTagsError::Empty));
    assert_eq!(RequiredTags::parse(" , ,"), Err(RequiredTagsError::Empty));
    let long = "k".repeat(129);
    assert!(matches!(
        RequiredTags::parse(&long),
        Err(RequiredTagsError::TooLong(_))
    ));
    // Keys are case-sensitive, as AWS's are.
    assert_eq!(keys("Owner,owner").keys(), ["Owner", "owner"]);
}

#[test]
fn every_account_ou_and_the_estate_count_every_kind_of_resource() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let report = compliance(&e, &keys("owner,env,app"), 0..e.resources.len());
    assert_eq!(report.keys, ["owner", "env", "app"]);
    let want = ["owner", "env", "app"];
    assert_eq!(report.rows[0].level, Level::Estate);
    let all: Vec<&str> = e.accounts.iter().map(|a| a.id.as_str()).collect();
    let (n, missing) = brute(&e, &all, &want);
    assert_eq!(report.rows[0].tally.resources, e.resources.len());
    assert_eq!(
        (
            report.rows[0].tally.resources,
            &report.rows[0].tally.missing
        ),
        (n, &missing)
    );
    // Every account once, every OU as the sum of what is below it.
    let accounts: Vec<&Row> = report
        .rows
        .iter()
        .filter(|r| r.level == Level::Account)
        .collect();
    assert_eq!(accounts.len(), e.accounts.len());
    for row in &report.rows {
        let ids: Vec<&str> = match row.level {
            Level::Estate => continue,
            Level::Account => vec![row.id.as_str()],
            Level::Ou => e
                .tree
                .find(&row.id)
                .expect("OU in the tree")
                .account_ids_below(),
        };
        let (n, missing) = brute(&e, &ids, &want);
        assert_eq!(
            (row.tally.resources, &row.tally.missing),
            (n, &missing),
            "{}",
            row.name
        );
    }
    // The tree reads OU, then its accounts, indented below it.
    let prod = report
        .rows
        .iter()
        .position(|r| r.name == "Workloads/Prod")
        .expect("Prod OU");
    assert_eq!(report.rows[prod].level, Level::Ou);
    assert_eq!(report.rows[prod + 1].level, Level::Account);
    assert_eq!(report.rows[prod + 1].depth, report.rows[prod].depth + 1);
}

#[test]
fn the_demo_story_half_the_payments_test_queues_lack_an_owner() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let ctx = Context::new(&e);
    let q = query::parse("type:tagged_resource resource_type:queue").expect("parses");
    let queues = query::filter(&ctx, &q, None);
    let report = compliance(&e, &keys("owner,app"), queues.iter().copied());
    let id = |name: &str| {
        e.accounts
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.id.clone())
    };
    let row = |name: &str| {
        report
            .account(&id(name).expect("account"))
            .expect("row")
            .tally
            .clone()
    };
    // Four queues in the primary region and one in the DR region; two of
    // the test twin's lost their owner.
    assert_eq!(row("payments-prod").resources, 5);
    assert_eq!(row("payments-prod").missing, [0, 0]);
    assert_eq!(row("payments-test").missing, [2, 0]);
    assert_eq!(row("payments-test").share_text(0), "40.0%");
    // Dev's Lambda log groups carry `env` alone.
    let q = query::parse("type:tagged -has:app").expect("parses");
    let no_app = query::filter(&ctx, &q, None);
    assert!(!no_app.is_empty());
    assert!(no_app.iter().all(|&i| {
        let r = &e.resources[i];
        r.text("service") == Some("logs") && ctx.account_name(&r.account_id).ends_with("-dev")
    }));
    // Tagged resources only in workload accounts.
    let tagged = e
        .resources
        .iter()
        .filter(|r| r.kind == kinds::TAGGED_RESOURCE);
    assert!(tagged.clone().count() > 0);
    assert!(tagged.into_iter().all(|r| {
        let name = ctx.account_name(&r.account_id);
        ["-prod", "-test", "-dev"].iter().any(|s| name.ends_with(s))
    }));
}

#[test]
fn what_was_not_collected_never_reads_as_compliant() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let report = compliance(&e, &keys("owner"), 0..e.resources.len());
    // catalog-test refused AssumeRole: nothing counted, every place named.
    let denied = e
        .accounts
        .iter()
        .find(|a| a.name == "catalog-test")
        .expect("denied");
    let row = report.account(&denied.id).expect("row");
    assert_eq!(row.tally.resources, 0);
    assert_eq!(row.tally.share_text(0), "not collected");
    assert!(
        row.tally
            .not_collected
            .contains(&"catalog-test global".to_string())
    );
    assert!(
        row.tally
            .not_collected
            .contains(&"catalog-test eu-west-1".to_string())
    );
    // Its OU and the estate are partial, marked, and say where.
    let test_ou = report
        .rows
        .iter()
        .find(|r| r.name == "Workloads/Test")
        .expect("Test OU");
    assert!(
        test_ou.tally.share_text(0).ends_with('*'),
        "{}",
        test_ou.tally.share_text(0)
    );
    assert!(report.rows[0].tally.is_partial());
    let text = report.to_text();
    assert!(text.contains("catalog-test global"), "{text}");
    assert!(text.contains("* partial"), "{text}");
    // A fully collected account with no resources is "n/a", not compliant
    // nor failing; the suspended account is complete (nothing to read).
    let suspended = e
        .accounts
        .iter()
        .find(|a| a.name == "sandbox-legacy")
        .expect("suspended");
    let row = report.account(&suspended.id).expect("row");
    assert_eq!(
        (row.tally.resources, row.tally.share_text(0).as_str()),
        (0, "n/a")
    );
}

#[test]
fn an_account_without_any_cell_is_not_collected() {
    let mut e = demo_estate(DEFAULT_ACCOUNTS);
    let gone = e.accounts[3].id.clone();
    e.coverage.retain(|c| c.account_id != gone);
    e.resources.retain(|r| r.account_id != gone);
    let report = compliance(&e, &keys("owner"), 0..e.resources.len());
    let row = report.account(&gone).expect("row");
    assert_eq!(row.tally.share_text(0), "not collected");
}

#[test]
fn csv_and_json_carry_counts_shares_and_what_was_not_collected() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let report = compliance(&e, &keys("owner,=cmd"), 0..e.resources.len());
    let csv = report.to_csv();
    let header = csv.lines().next().unwrap_or_default();
    assert_eq!(
        header,
        "level,path,id,resources,missing owner,missing owner %,missing =cmd,missing =cmd %,not collected"
    );
    assert!(
        csv.lines()
            .nth(1)
            .unwrap_or_default()
            .starts_with("estate,estate,,")
    );
    assert!(csv.contains("catalog-test global;catalog-test"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_str(&report.to_json().expect("json")).expect("parses");
    assert_eq!(json["keys"][0], "owner");
    assert_eq!(json["rows"][0]["level"], "estate");
    assert_eq!(json["rows"][0]["tally"]["resources"], e.resources.len());
}

#[test]
fn a_missing_cell_becomes_a_filter_that_lists_exactly_what_it_counted() {
    assert_eq!(
        missing_filter("payments-test", "owner"),
        "account:payments-test -has:owner"
    );
    assert_eq!(
        missing_filter("Team A (legacy)", "cost center"),
        r#"account:"Team A (legacy)" -has:"cost center""#
    );
    assert_eq!(
        missing_filter("a", r#"odd"key\"#),
        r#"account:a -has:"odd\"key\\""#
    );
    // The filter selects exactly the resources the report counts missing.
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let ctx = Context::new(&e);
    let report = compliance(&e, &keys("owner,app"), 0..e.resources.len());
    for name in ["payments-test", "orders-dev"] {
        let row = report.rows.iter().find(|r| r.name == name).expect("row");
        for (k, key) in report.keys.iter().enumerate() {
            let q = query::parse(&missing_filter(name, key)).expect("parses");
            assert_eq!(
                query::filter(&ctx, &q, None).len(),
                row.tally.missing[k],
                "{name} {key}"
            );
        }
    }
}
