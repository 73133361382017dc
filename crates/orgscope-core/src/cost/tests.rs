//! The cost model against small hand-made estates: months, rollups up the
//! tree, the table `orgscope cost` prints, and the snapshot round trip.

use super::table::{CostGroup, cost_table};
use super::*;
use crate::model::{Account, AccountStatus, CallerIdentity, Estate, Source, SourceKind};

fn m(s: &str) -> Month {
    Month::parse(s).expect(s)
}

fn d(s: &str) -> Decimal {
    Decimal::parse(s).expect(s)
}

fn line(month: &str, account: &str, key: &str, amount: &str) -> CostLine {
    CostLine {
        month: m(month),
        account_id: account.to_string(),
        key: key.to_string(),
        amount: d(amount),
    }
}

fn unit(id: &str, name: &str, accounts: &[&str], children: Vec<OrgUnit>) -> OrgUnit {
    OrgUnit {
        id: id.to_string(),
        name: name.to_string(),
        scps: Vec::new(),
        accounts: accounts.iter().map(|a| a.to_string()).collect(),
        children,
    }
}

fn account(id: &str, name: &str) -> Account {
    Account {
        id: id.to_string(),
        name: name.to_string(),
        email: String::new(),
        status: AccountStatus::Active,
        ou_path: Vec::new(),
        parent_id: String::new(),
        tags: Default::default(),
        scps: Vec::new(),
        is_management: id == "1",
    }
}

/// Root(1) → Workloads → Prod(2), Test(3); Sandbox(4). October is the
/// chosen month, September the one before, November the month to date.
fn estate() -> Estate {
    let mut e = Estate::new(
        "2026-11-20T00:00:00Z".into(),
        Source {
            aggregator: None,
            kind: SourceKind::Demo,
            profile: None,
            label: "t".into(),
        },
        CallerIdentity {
            account_id: "1".into(),
            arn: String::new(),
            user_id: String::new(),
        },
    );
    e.tree = unit(
        "r-1",
        "Root",
        &["1"],
        vec![
            unit(
                "ou-w",
                "Workloads",
                &[],
                vec![
                    unit("ou-p", "Prod", &["2"], vec![]),
                    unit("ou-t", "Test", &["3"], vec![]),
                ],
            ),
            unit("ou-s", "Sandbox", &["4"], vec![]),
        ],
    );
    e.accounts = vec![
        account("1", "mgmt"),
        account("2", "app-prod"),
        account("3", "app-test"),
        account("4", "sandbox"),
    ];
    let span = |s: &str, partial: bool| MonthSpan {
        month: m(s),
        partial,
        estimated: partial,
    };
    e.costs = Some(Costs {
        metric: METRIC.into(),
        unit: "USD".into(),
        months: vec![
            span("2026-09", false),
            span("2026-10", false),
            span("2026-11", true),
        ],
        by_service: vec![
            line("2026-09", "1", "AWS Organizations", "0.10"),
            line("2026-09", "2", "Amazon EC2", "100.0000000001"),
            line("2026-09", "3", "Amazon EC2", "50"),
            line("2026-10", "1", "AWS Organizations", "0.1"),
            line("2026-10", "2", "Amazon EC2", "100.2"),
            line("2026-10", "2", "Amazon S3", "0.0000000009"),
            line("2026-10", "3", "Amazon EC2", "150.5"),
            line("2026-10", "3", "Amazon RDS", "49.5"),
            line("2026-10", "9", "Amazon EC2", "1"),
            line("2026-11", "3", "Amazon EC2", "80"),
        ],
        tag_key: Some("app".into()),
        by_tag: vec![
            line("2026-10", "2", "app", "100.2000000009"),
            line("2026-10", "3", "app", "200"),
            line("2026-10", "1", "", "1.1"),
        ],
        requests: 3,
    });
    e
}

#[test]
fn months_parse_print_and_step_across_years() {
    assert_eq!(m("2026-01").previous(), m("2025-12"));
    assert_eq!(m("2025-12").next(), m("2026-01"));
    assert_eq!(m("2026-03").to_string(), "2026-03");
    assert_eq!(Month::of_date("2026-11-01").unwrap(), m("2026-11"));
    for bad in [
        "2026-13", "2026-00", "26-11", "2026/11", "2026-1", "", "november",
    ] {
        assert!(Month::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn period_is_three_full_months_and_the_month_to_date() {
    let day = |y, mo, d| {
        time::Date::from_calendar_date(y, time::Month::try_from(mo).unwrap(), d).unwrap()
    };
    let (start, end, months) = period(day(2026, 11, 20));
    assert_eq!(start, "2026-08-01");
    assert_eq!(end, "2026-11-21", "the end is exclusive: today is included");
    assert_eq!(
        months,
        vec![m("2026-08"), m("2026-09"), m("2026-10"), m("2026-11")]
    );
    // Early in the year the period reaches back into the year before, and
    // on the last day of a month the end is the next month's first day.
    let (start, end, months) = period(day(2027, 1, 31));
    assert_eq!((start.as_str(), end.as_str()), ("2026-10-01", "2027-02-01"));
    assert_eq!(months[0], m("2026-10"));
    assert_eq!(months[3], m("2027-01"));
}

#[test]
fn the_chosen_month_defaults_to_the_last_full_one() {
    let e = estate();
    let costs = e.costs.as_ref().unwrap();
    assert_eq!(costs.default_month(), Some(m("2026-10")));
    assert_eq!(costs.previous(m("2026-10")), Some(m("2026-09")));
    assert_eq!(costs.previous(m("2026-09")), None);
    let err = costs.check_month(m("2025-01")).unwrap_err().to_string();
    assert!(err.contains("2026-09, 2026-10, 2026-11"), "{err}");
}

#[test]
fn ous_roll_up_everything_below_them_exactly() {
    let e = estate();
    let costs = e.costs.as_ref().unwrap();
    let ous = costs.ou_changes(&e.tree, m("2026-10")).unwrap();
    assert_eq!(ous["ou-p"].amount.to_string(), "100.2000000009");
    assert_eq!(ous["ou-t"].amount, d("200"));
    assert_eq!(ous["ou-w"].amount.to_string(), "300.2000000009");
    assert_eq!(ous["ou-s"].amount, Decimal::ZERO);
    // The root has its own account and every OU; account 9 is not in the
    // tree, so it is in the total but in no OU.
    assert_eq!(ous["r-1"].amount.to_string(), "300.3000000009");
    assert_eq!(
        costs.total(m("2026-10")).unwrap().to_string(),
        "301.3000000009"
    );
    assert_eq!(ous["ou-w"].previous.unwrap().to_string(), "150.0000000001");
    assert_eq!(ous["ou-w"].percent().as_deref(), Some("+100.1%"));
}

#[test]
fn accounts_change_against_the_month_before_including_new_and_gone() {
    let e = estate();
    let costs = e.costs.as_ref().unwrap();
    let acc = costs.account_changes(m("2026-10")).unwrap();
    assert_eq!(acc["3"].amount, d("200"));
    assert_eq!(acc["3"].previous, Some(d("50")));
    assert_eq!(acc["3"].percent().as_deref(), Some("+300.0%"));
    assert_eq!(acc["3"].delta(), Some(d("150")));
    assert_eq!(acc["9"].percent().as_deref(), Some("new"));
    // In the first month there is nothing to compare with.
    let first = costs.account_changes(m("2026-09")).unwrap();
    assert_eq!(first["2"].previous, None);
    assert_eq!(first["2"].percent(), None);
}

#[test]
fn the_sum_over_services_equals_the_sum_over_accounts() {
    let e = estate();
    let costs = e.costs.as_ref().unwrap();
    for month in [m("2026-09"), m("2026-10"), m("2026-11")] {
        let by_service = Decimal::sum(costs.by_service(month, |_| true).unwrap().values()).unwrap();
        let by_account = Decimal::sum(costs.by_account(month).unwrap().values()).unwrap();
        assert_eq!(by_service, by_account, "{month}");
    }
    let prod_only = costs.by_service(m("2026-10"), |a| a == "2").unwrap();
    assert_eq!(prod_only.len(), 2);
    assert_eq!(prod_only["Amazon S3"].to_string(), "0.0000000009");
}

#[test]
fn tags_answer_only_for_the_collected_key() {
    let e = estate();
    let costs = e.costs.as_ref().unwrap();
    let per = costs.by_tag("app", m("2026-10")).unwrap();
    assert_eq!(per["app"].to_string(), "300.2000000009");
    assert_eq!(per[""], d("1.1"));
    let err = costs.by_tag("team", m("2026-10")).unwrap_err().to_string();
    assert!(err.contains("--cost-tag team"), "{err}");
}

#[test]
fn account_table_sorts_by_cost_and_names_accounts() {
    let e = estate();
    let t = cost_table(&e, &CostGroup::Account, None).unwrap();
    assert_eq!(t.month, m("2026-10"));
    assert_eq!(t.previous_month, Some(m("2026-09")));
    let keys: Vec<&str> = t.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["3", "2", "9", "1"]);
    assert_eq!(t.rows[0].label, "app-test");
    assert_eq!(t.rows[2].label, "9 (not in the estate)");
    let text = t.to_text();
    assert!(text.starts_with("account  name"), "{text}");
    assert!(text.contains("2026-10 (USD)"), "{text}");
    assert!(text.contains("app-test"), "{text}");
    assert!(
        text.contains("200.00") && text.contains("+300.0%"),
        "{text}"
    );
    assert!(text.lines().last().unwrap().contains("301.30"), "{text}");
}

#[test]
fn csv_and_json_carry_exact_amounts() {
    let e = estate();
    let t = cost_table(&e, &CostGroup::Account, Some(m("2026-10"))).unwrap();
    let csv = t.to_csv();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "account,name,2026-10 (USD),2026-09 (USD),change (USD)"
    );
    assert_eq!(
        lines[2],
        "2,app-prod,100.2000000009,100.0000000001,0.2000000008"
    );
    // Every digit AWS sent is kept, trailing zeros included.
    assert!(lines.contains(&"1,mgmt,0.1,0.10,0.00"), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&t.to_json().unwrap()).unwrap();
    assert_eq!(json["unit"], "USD");
    assert_eq!(json["rows"][1]["amount"], "100.2000000009");
    assert_eq!(json["total"], "301.3000000009");
}

#[test]
fn ou_service_and_tag_tables() {
    let e = estate();
    let ou = cost_table(&e, &CostGroup::Ou, None).unwrap();
    let workloads = ou.rows.iter().find(|r| r.key == "ou-w").unwrap();
    assert_eq!(workloads.label, "Workloads");
    assert!(ou.rows.iter().any(|r| r.label == "Workloads/Test"));
    let service = cost_table(&e, &CostGroup::Service, None).unwrap();
    assert_eq!(service.rows[0].key, "Amazon EC2");
    assert_eq!(service.rows[0].amount, d("251.7"));
    // A service first billed this month compares with nothing: "new".
    let rds = service.rows.iter().find(|r| r.key == "Amazon RDS").unwrap();
    assert_eq!(rds.previous, Some(Decimal::ZERO));
    assert_eq!(rds.change.as_deref(), Some("new"));
    let tag = cost_table(&e, &CostGroup::Tag("app".into()), None).unwrap();
    assert!(tag.rows.iter().any(|r| r.label == "(no app tag)"));
    let partial = cost_table(&e, &CostGroup::Service, Some(m("2026-11"))).unwrap();
    assert!(partial.partial);
    assert!(partial.to_text().contains("month to date"));
}

#[test]
fn groups_parse_and_errors_say_what_to_do() {
    assert_eq!(
        CostGroup::parse("tag:app").unwrap(),
        CostGroup::Tag("app".into())
    );
    assert!(CostGroup::parse("tag:").is_err());
    assert!(CostGroup::parse("region").is_err());
    let mut e = estate();
    e.costs = None;
    let err = cost_table(&e, &CostGroup::Account, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("--cost"), "{err}");
}

#[test]
fn costs_round_trip_through_a_snapshot_and_old_files_have_none() {
    let e = estate();
    let bytes = crate::snapshot::to_vec(&e).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.contains("\"amount\": \"100.0000000001\""),
        "amounts are strings"
    );
    let back = crate::snapshot::from_slice(&bytes, std::path::Path::new("x.json")).unwrap();
    assert_eq!(back, e);
    let mut without = e.clone();
    without.costs = None;
    let bytes = crate::snapshot::to_vec(&without).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("\"costs\""));
    let back = crate::snapshot::from_slice(&bytes, std::path::Path::new("x.json")).unwrap();
    assert_eq!(back.costs, None);
}

#[test]
fn a_malformed_amount_in_a_file_is_refused_with_its_position() {
    let e = estate();
    let text = String::from_utf8(crate::snapshot::to_vec(&e).unwrap()).unwrap();
    let bad = text.replacen("\"100.0000000001\"", "\"1,000\"", 1);
    let err = crate::snapshot::from_slice(bad.as_bytes(), std::path::Path::new("x.json"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("not a decimal amount") && err.contains("line"),
        "{err}"
    );
}

#[test]
fn a_denied_cost_cell_does_not_make_regions_uncollected() {
    use crate::model::{Api, CellKey, Coverage, CoverageStatus, Place};
    let mut e = estate();
    let cell = |api: Api, status| {
        Coverage::new(
            CellKey {
                account_id: "1".into(),
                region: Place::Region("eu-west-1".into()),
                api,
            },
            status,
            None,
            None,
        )
    };
    e.coverage
        .push(cell("ec2:DescribeVpcs".into(), CoverageStatus::Ok));
    e.coverage.push(Coverage::new(
        CellKey {
            account_id: "1".into(),
            region: Place::Global,
            api: Api::GET_COST_AND_USAGE,
        },
        CoverageStatus::Denied,
        Some("AccessDeniedException".into()),
        None,
    ));
    assert!(e.region_collected("1", "eu-west-1"));
    assert!(
        e.is_partial(),
        "the run is still partial: costs are missing"
    );
}

#[test]
fn money_groups_thousands_and_names_the_currency() {
    assert_eq!(money(d("8402.9449"), "USD", 2), "$8,402.94");
    assert_eq!(money(d("1234567.5"), "USD", 0), "$1,234,568");
    assert_eq!(money(d("-999.999"), "EUR", 2), "-1,000.00 EUR");
    assert_eq!(money(d("0.004"), "USD", 2), "$0.00");
}
