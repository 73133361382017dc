//! Costs: `orgscope cost` on the demo estate (the real binary: exit codes,
//! exact amounts, one-line errors), and collecting them from Cost Explorer
//! against moto, which serves the `GetCostAndUsage` pages a test queues
//! first, paging through `NextPageToken`.

use std::path::Path;
use std::process::{Command, Output};

use orgscope::cost::Decimal;

fn orgscope(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orgscope"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run orgscope")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = orgscope(dir.path(), &["demo", "--out", "demo.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    dir
}

#[test]
fn cost_by_account_shows_the_unit_and_the_demo_story() {
    let dir = demo_dir();
    let o = orgscope(dir.path(), &["cost", "demo.json", "--group-by", "account"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let header = out.lines().next().unwrap();
    assert!(
        header.contains("2026-10 (USD)") && header.contains("2026-09 (USD)"),
        "{header}"
    );
    // Highest first: the test account that outspends its prod sits above it.
    let pos = |name: &str| out.find(name).unwrap_or_else(|| panic!("{name} in {out}"));
    assert!(pos("payments-test") < pos("payments-prod"), "{out}");
    assert!(out.lines().last().unwrap().starts_with("total"), "{out}");
}

#[test]
fn csv_rows_sum_exactly_to_the_json_total() {
    let dir = demo_dir();
    for group in ["account", "service", "tag:app"] {
        let csv = orgscope(
            dir.path(),
            &["cost", "demo.json", "-g", group, "--format", "csv"],
        );
        assert_eq!(csv.status.code(), Some(0), "{}", text(&csv.stderr));
        let json = orgscope(
            dir.path(),
            &["cost", "demo.json", "-g", group, "--format", "json"],
        );
        let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
        let total = Decimal::parse(json["total"].as_str().unwrap()).unwrap();
        let amount_col = if group == "account" { 2 } else { 1 };
        let parts: Vec<Decimal> = text(&csv.stdout)
            .split("\r\n")
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|l| Decimal::parse(l.split(',').nth(amount_col).unwrap()).unwrap())
            .collect();
        assert!(parts.len() > 3, "{group}");
        assert_eq!(Decimal::sum(parts.iter()).unwrap(), total, "{group}");
        // Exact: ten decimal places, as AWS writes them, not cents.
        assert_eq!(total.scale(), 10, "{group}");
        assert_eq!(json["unit"], "USD");
    }
}

#[test]
fn ou_rows_roll_up_and_a_month_can_be_chosen() {
    let dir = demo_dir();
    let o = orgscope(
        dir.path(),
        &[
            "cost",
            "demo.json",
            "-g",
            "ou",
            "--month",
            "2026-11",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json["month"], "2026-11");
    assert_eq!(json["partial"], true);
    let rows = json["rows"].as_array().unwrap();
    let amount = |label: &str| {
        let row = rows
            .iter()
            .find(|r| r["label"] == label)
            .unwrap_or_else(|| panic!("{label}"));
        Decimal::parse(row["amount"].as_str().unwrap()).unwrap()
    };
    let children = ["Workloads/Prod", "Workloads/Test", "Workloads/Dev"].map(amount);
    assert_eq!(Decimal::sum(children.iter()).unwrap(), amount("Workloads"));
    // The root holds everything: the demo has no account outside the tree.
    assert_eq!(amount("Root").to_string(), json["total"].as_str().unwrap());
}

#[test]
fn bad_cost_input_is_one_clear_line() {
    let dir = demo_dir();
    let cases: [(&[&str], &str); 4] = [
        (&["cost", "demo.json", "--month", "2026-13"], "YYYY-MM"),
        (
            &["cost", "demo.json", "--month", "2020-01"],
            "2026-08, 2026-09",
        ),
        (&["cost", "demo.json", "-g", "tag:team"], "--cost-tag team"),
        (
            &["cost", "demo.json", "-g", "region"],
            "account, ou, service or tag:KEY",
        ),
    ];
    for (args, expected) in cases {
        let o = orgscope(dir.path(), args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = text(&o.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    // A snapshot collected without --cost says how to get costs.
    let mut estate = orgscope::snapshot::read(&dir.path().join("demo.json")).unwrap();
    estate.costs = None;
    let bytes = orgscope::snapshot::to_vec(&estate).unwrap();
    std::fs::write(dir.path().join("plain.json"), bytes).unwrap();
    let o = orgscope(dir.path(), &["cost", "plain.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("collect --cost"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn the_org_diagram_colours_by_cost_of_a_chosen_month() {
    let dir = demo_dir();
    let o = orgscope(
        dir.path(),
        &[
            "diagram",
            "demo.json",
            "--kind",
            "org",
            "--color-by",
            "cost",
            "--month",
            "2026-09",
            "--out",
            "org.svg",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let svg = std::fs::read_to_string(dir.path().join("org.svg")).expect("svg");
    assert!(
        svg.contains("coloured by cost in 2026-09 (USD)"),
        "subtitle"
    );
    assert!(svg.contains("cost ≤ $"), "legend");
    // --month belongs to cost colouring; a tag named cost stays reachable.
    let o = orgscope(
        dir.path(),
        &[
            "diagram",
            "demo.json",
            "--kind",
            "org",
            "--color-by",
            "env",
            "--month",
            "2026-09",
            "--out",
            "x.svg",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("--month applies to --color-by cost"));
    let o = orgscope(
        dir.path(),
        &[
            "diagram",
            "demo.json",
            "--kind",
            "org",
            "--color-by",
            "tag:cost",
            "--out",
            "t.svg",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // No cost data: an error that says how to get it, no file.
    let mut estate = orgscope::snapshot::read(&dir.path().join("demo.json")).unwrap();
    estate.costs = None;
    std::fs::write(
        dir.path().join("plain.json"),
        orgscope::snapshot::to_vec(&estate).unwrap(),
    )
    .unwrap();
    let o = orgscope(
        dir.path(),
        &[
            "diagram",
            "plain.json",
            "--kind",
            "org",
            "--color-by",
            "cost",
            "--out",
            "p.svg",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("collect --cost"),
        "{}",
        text(&o.stderr)
    );
    assert!(!dir.path().join("p.svg").exists());
}

// --- collection against moto -------------------------------------------

use orgscope::collect::cost::CostOptions;
use orgscope::model::{Api, CoverageStatus, Estate};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::moto::{MANAGEMENT_ACCOUNT, Moto};
use crate::support::proxy::{Fault, FaultProxy, Match, Rule, Rules};
use crate::support::seed;

const MEMBER: &str = "210987654321";

/// Queue `GetCostAndUsage` answers on moto: each request with a body it
/// has not seen takes the next one (so a page token, which changes the
/// body, takes the next page).
async fn queue_results(moto: &Moto, results: &[serde_json::Value]) {
    let body = json!({ "results": results }).to_string();
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", moto.port()))
        .await
        .expect("connect to moto");
    let request = format!(
        "POST /moto-api/static/ce/cost-and-usage-results HTTP/1.1\r\nHost: motoapi.amazonaws.com\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("answer");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
}

/// (account, group key, amount) of one group.
type Group<'a> = (&'a str, &'a str, &'a str);
/// (period start, end, estimated, groups) of one month.
type MonthResult<'a> = (&'a str, &'a str, bool, &'a [Group<'a>]);

/// One page of a series.
fn page(results: &[MonthResult], token: Option<&str>) -> serde_json::Value {
    let results: Vec<_> = results
        .iter()
        .map(|(start, end, estimated, groups)| {
            json!({
                "TimePeriod": { "Start": start, "End": end },
                "Total": {},
                "Estimated": estimated,
                "Groups": groups.iter().map(|(account, key, amount)| json!({
                    "Keys": [account, key],
                    "Metrics": { "UnblendedCost": { "Amount": amount, "Unit": "USD" } },
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut page =
        json!({ "GroupDefinitions": [], "ResultsByTime": results, "DimensionValueAttributes": [] });
    if let Some(t) = token {
        page["NextPageToken"] = json!(t);
    }
    page
}

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::November, 20).expect("date")
}

async fn collect_costs(conf: aws_config::SdkConfig, tag: Option<&str>) -> (Estate, Vec<String>) {
    let opts = orgscope::collect::CollectOptions {
        regions: orgscope::collect::Regions::List(vec!["eu-west-1".into()]),
        cost: Some(CostOptions {
            tag_key: tag.map(str::to_string),
            today: Some(today()),
        }),
        max_attempts: 1,
        hooks: orgscope::collect::Hooks {
            base_config: Some(conf),
            interceptors: Vec::new(),
        },
        ..Default::default()
    };
    let (estate, events) = crate::collect::run(opts).await;
    let warnings = events
        .into_iter()
        .filter_map(|e| match e {
            orgscope::collect::CollectEvent::Warning(w) => Some(w),
            _ => None,
        })
        .collect();
    (estate, warnings)
}

fn cost_cell(estate: &Estate) -> &orgscope::model::Coverage {
    let cells: Vec<_> = estate
        .coverage
        .iter()
        .filter(|c| c.api == Api::GET_COST_AND_USAGE)
        .collect();
    assert_eq!(cells.len(), 1, "one cost cell: {cells:?}");
    cells[0]
}

#[tokio::test]
async fn costs_are_paged_to_the_end_into_one_cell() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    seed::empty_org(&conf).await;
    // Cost Explorer pages over groups: the same months on both pages,
    // each with some of the (account, service) groups.
    queue_results(
        &moto,
        &[
            page(
                &[
                    (
                        "2026-10-01",
                        "2026-11-01",
                        false,
                        &[(MANAGEMENT_ACCOUNT, "AWS CloudTrail", "12.3400000000")],
                    ),
                    (
                        "2026-11-01",
                        "2026-11-21",
                        true,
                        &[(MEMBER, "Amazon EC2", "0.1")],
                    ),
                ],
                Some("page-2"),
            ),
            page(
                &[
                    (
                        "2026-10-01",
                        "2026-11-01",
                        false,
                        &[
                            (MEMBER, "Amazon EC2", "100.0000000001"),
                            (MEMBER, "Amazon S3", "0.2"),
                        ],
                    ),
                    ("2026-11-01", "2026-11-21", true, &[]),
                ],
                None,
            ),
        ],
    )
    .await;
    let (estate, warnings) = collect_costs(conf, None).await;
    let cell = cost_cell(&estate);
    assert_eq!(cell.status, CoverageStatus::Ok, "{cell:?}");
    assert_eq!(cell.account_id, MANAGEMENT_ACCOUNT);
    assert!(cell.region.is_global());
    let costs = estate.costs.as_ref().expect("costs");
    assert_eq!(costs.requests, 2, "one request per page");
    assert_eq!(costs.unit, "USD");
    assert_eq!(costs.by_service.len(), 4, "groups of both pages");
    let oct = orgscope::cost::Month::parse("2026-10").unwrap();
    let per = costs.by_account(oct).unwrap();
    assert_eq!(per[MEMBER].to_string(), "100.2000000001");
    assert_eq!(
        per[MANAGEMENT_ACCOUNT].to_string(),
        "12.3400000000",
        "as AWS wrote it"
    );
    assert_eq!(
        costs.default_month(),
        Some(oct),
        "November is the month to date"
    );
    assert!(costs.months.iter().any(|m| m.partial && m.estimated));
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("2 Cost Explorer request(s), $0.02")),
        "{warnings:?}"
    );
    // Everything else was collected as usual.
    assert!(!estate.resources.is_empty());
    assert!(!estate.is_partial());
}

#[tokio::test]
async fn a_cost_tag_is_one_more_series_of_pages() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    seed::empty_org(&conf).await;
    let oct = ("2026-10-01", "2026-11-01", false);
    queue_results(
        &moto,
        &[
            page(
                &[(oct.0, oct.1, oct.2, &[(MEMBER, "Amazon EC2", "30")])],
                None,
            ),
            page(
                &[(oct.0, oct.1, oct.2, &[(MEMBER, "app$payments", "25.5")])],
                Some("t2"),
            ),
            page(&[(oct.0, oct.1, oct.2, &[(MEMBER, "app$", "4.5")])], None),
        ],
    )
    .await;
    let (estate, _) = collect_costs(conf, Some("app")).await;
    assert_eq!(cost_cell(&estate).status, CoverageStatus::Ok);
    let costs = estate.costs.as_ref().expect("costs");
    assert_eq!(costs.requests, 3);
    assert_eq!(costs.tag_key.as_deref(), Some("app"));
    let month = orgscope::cost::Month::parse("2026-10").unwrap();
    let by_tag = costs.by_tag("app", month).unwrap();
    assert_eq!(by_tag["payments"].to_string(), "25.5");
    assert_eq!(by_tag[""].to_string(), "4.5", "untagged");
    // The tag view and the service view agree on the account's total.
    let tagged = Decimal::sum(by_tag.values()).unwrap();
    assert_eq!(tagged, costs.by_account(month).unwrap()[MEMBER]);
}

#[tokio::test]
async fn a_denied_cost_explorer_is_its_own_cell_and_the_run_goes_on() {
    let moto = Moto::start();
    seed::empty_org(&moto.sdk_config().await).await;
    let rules = Rules::none().with(Rule::new(
        Match::any().service("ce"),
        Fault::error(
            400,
            "AccessDeniedException",
            "User: arn:aws:iam::123456789012:user/x is not authorized to perform: ce:GetCostAndUsage",
        ),
    ));
    let proxy = FaultProxy::start(&moto.endpoint(), rules)
        .await
        .expect("proxy");
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(proxy.endpoint())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::for_tests())
        .load()
        .await;
    let (estate, warnings) = collect_costs(conf, None).await;
    let cell = cost_cell(&estate);
    assert_eq!(cell.status, CoverageStatus::Denied, "{cell:?}");
    assert_eq!(cell.code.as_deref(), Some("AccessDeniedException"));
    assert!(estate.costs.is_none());
    assert!(proxy.seen("ce:GetCostAndUsage") >= 1);
    // The rest of the run is whole: resources collected, and the only
    // failed cell is the cost one.
    assert!(!estate.resources.is_empty());
    let failed: Vec<_> = estate.failed_cells().collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(estate.region_collected(MANAGEMENT_ACCOUNT, "eu-west-1"));
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("costs not collected") && w.contains("AccessDeniedException")),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn without_cost_no_cost_explorer_request_is_made() {
    let moto = Moto::start();
    seed::empty_org(&moto.sdk_config().await).await;
    let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
        .await
        .expect("proxy");
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(proxy.endpoint())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::for_tests())
        .load()
        .await;
    let opts = orgscope::collect::CollectOptions {
        regions: orgscope::collect::Regions::List(vec!["eu-west-1".into()]),
        hooks: orgscope::collect::Hooks {
            base_config: Some(conf),
            interceptors: Vec::new(),
        },
        ..Default::default()
    };
    let (estate, _) = crate::collect::run(opts).await;
    assert!(!estate.resources.is_empty(), "the run reached the proxy");
    assert_eq!(
        proxy.seen("ce:GetCostAndUsage"),
        0,
        "Cost Explorer bills per request"
    );
    assert!(estate.costs.is_none());
    assert!(
        estate
            .coverage
            .iter()
            .all(|c| c.api != Api::GET_COST_AND_USAGE)
    );
}

#[tokio::test]
async fn the_binary_collects_costs_with_cost_and_says_what_it_spent() {
    let moto = Moto::start();
    seed::empty_org(&moto.sdk_config().await).await;
    queue_results(
        &moto,
        &[page(
            &[(
                "2026-10-01",
                "2026-11-01",
                false,
                &[(MEMBER, "Amazon EC2", "7.25")],
            )],
            None,
        )],
    )
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_orgscope"))
        .env_remove("AWS_PROFILE")
        .env_remove("RUST_LOG")
        .envs(moto.env())
        .current_dir(dir.path())
        .args([
            "collect",
            "--regions",
            "eu-west-1",
            "--role-name",
            "r",
            "--cost",
            "--out",
            "e.json",
        ])
        .output()
        .expect("run orgscope");
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("1 Cost Explorer request(s), $0.01"), "{err}");
    let estate = orgscope::snapshot::read(&dir.path().join("e.json")).expect("snapshot");
    assert_eq!(cost_cell(&estate).status, CoverageStatus::Ok);
    let o = orgscope(
        dir.path(),
        &["cost", "e.json", "--month", "2026-10", "--format", "csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains(&format!("{MEMBER},{MEMBER} (not in the estate),7.25")),
        "{}",
        text(&o.stdout)
    );
}

// --- the app (egui_kittest) ---------------------------------------------

mod app {
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use orgscope::demo::demo_estate;
    use orgscope::ui::{OrgscopeApp, Origin, Settings};

    fn demo_harness(rt: &tokio::runtime::Runtime) -> Harness<'_, OrgscopeApp> {
        harness_on(
            rt,
            demo_estate(orgscope::demo::DEFAULT_ACCOUNTS),
            Origin::Demo,
        )
    }

    /// The app showing `estate`, after its first frame.
    fn harness_on(
        rt: &tokio::runtime::Runtime,
        estate: orgscope::model::Estate,
        origin: Origin,
    ) -> Harness<'_, OrgscopeApp> {
        let handle = rt.handle().clone();
        let mut h = Harness::builder()
            .with_size([1400.0, 900.0])
            .with_max_steps(64)
            .build_eframe(move |cc| {
                let mut app = OrgscopeApp::with_settings(&cc.egui_ctx, Settings::default(), handle);
                app.load_estate(estate, origin);
                app
            });
        h.run();
        h
    }

    #[test]
    fn the_tree_shows_costs_and_the_month_picker_changes_them() {
        let rt = crate::support::runtime();
        let mut h = demo_harness(&rt);
        // The root's October total and its change against September, as
        // `orgscope cost -g ou` prints them (rounded to dollars here).
        h.get_by_label("$53,800");
        h.get_by_label("+2.9%");
        h.get_by_label("Cost (USD)").click();
        h.run();
        h.get_by_label("2026-11 (to date)");
        h.get_by_label("2026-09").click();
        h.run();
        assert!(
            h.query_by_label("$53,800").is_none(),
            "October is no longer shown"
        );
        h.get_by_label("$52,293");
        // August is the first month: nothing to compare with.
        h.get_by_label("Cost (USD)").click();
        h.run();
        h.get_by_label("2026-08").click();
        h.run();
        assert!(h.query_by_label("vs 2026-07").is_none());
    }

    #[test]
    fn comparing_prod_with_test_shows_their_costs_by_service_and_app() {
        use egui::accesskit::Role;
        let rt = crate::support::runtime();
        let mut h = demo_harness(&rt);
        h.get_by_label("Expand Workloads").click();
        h.run();
        h.get_by_role_and_label(Role::CheckBox, "Prod").click();
        h.run();
        h.get_by_role_and_label(Role::Button, "Split").click();
        h.run();
        h.get_by_role_and_label(Role::CheckBox, "Test").click();
        h.run();
        h.get_by_role_and_label(Role::Button, "Compare").click();
        h.run();
        // Totals of the two OUs for October, as `orgscope cost -g ou` has
        // them (Workloads/Prod $32,314, Workloads/Test $13,849).
        h.get_by_label_contains("Cost in 2026-10: left $32,314 · right $13,849");
        h.get_by_label("Amazon Elastic Compute Cloud - Compute");
        // payments-prod and payments-test pair into one row, named without
        // their environment word.
        assert!(
            h.query_by_label("payments-prod").is_none() || h.query_by_label("payments").is_some()
        );
        h.get_by_label("payments");
    }

    #[test]
    fn sort_by_cost_lists_the_most_expensive_first() {
        use egui::accesskit::Role;
        let rt = crate::support::runtime();
        let mut h = demo_harness(&rt);
        let y = |h: &Harness<'_, OrgscopeApp>, name: &str| {
            h.get_by_role_and_label(Role::CheckBox, name).rect().top()
        };
        // Organizations' order: Workloads, Sandbox, Security, Infrastructure.
        assert!(y(&h, "Sandbox") < y(&h, "Infrastructure"));
        h.get_by_role_and_label(Role::CheckBox, "Sort by cost")
            .click();
        h.run();
        // By October cost: Infrastructure ($2,053) above Sandbox ($102).
        assert!(y(&h, "Infrastructure") < y(&h, "Sandbox"));
        assert!(y(&h, "Workloads") < y(&h, "Infrastructure"));
    }

    #[test]
    fn refresh_offers_costs_and_remembers_the_choice() {
        use egui::accesskit::Role;
        let rt = crate::support::runtime();
        // A live estate: only those can be refreshed.
        let mut h = harness_on(
            &rt,
            demo_estate(orgscope::demo::MIN_ACCOUNTS),
            Origin::Live { profile: None },
        );
        assert!(
            !h.state().settings().connection.cost,
            "off by default: billed"
        );
        h.get_by_role_and_label(Role::Button, "Refresh").click();
        h.run();
        h.get_by_role_and_label(
            Role::CheckBox,
            "With costs (Cost Explorer, $0.01 per request)",
        )
        .click();
        h.run();
        assert!(h.state().settings().connection.cost);
    }

    #[test]
    fn a_resource_s_details_show_its_account_s_cost_and_top_services() {
        let rt = crate::support::runtime();
        let mut h = demo_harness(&rt);
        h.get_by_label("alice-lab-alb").click();
        h.run();
        h.get_by_label("Account sandbox-alice");
        // sandbox-alice's October bill: EC2 and S3, exact to the cent.
        h.get_by_label("2026-10: $102.24");
        h.get_by_label("Amazon Elastic Compute Cloud - Compute");
        h.get_by_label("Amazon Simple Storage Service");
    }

    #[test]
    fn an_estate_without_costs_shows_no_cost_column() {
        let rt = crate::support::runtime();
        let mut estate = demo_estate(orgscope::demo::DEFAULT_ACCOUNTS);
        estate.costs = None;
        let h = harness_on(&rt, estate, Origin::Demo);
        assert!(h.query_by_label("Cost (USD)").is_none());
        assert!(h.query_by_label("$53,800").is_none());
        h.get_by_label("Organization root");
    }
}
