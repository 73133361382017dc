//! The real `orgscope` binary's `demo`, `list` and `diff` subcommands:
//! exit codes, the exact text a user sees (insta snapshots), safe CSV, and
//! one-line errors for bad input.

use std::path::Path;
use std::process::{Command, Output};

fn orgscope(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orgscope"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run orgscope")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temp dir holding `demo.json` written by `orgscope demo`.
fn demo_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = orgscope(dir.path(), &["demo", "--out", "demo.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir
}

#[test]
fn demo_writes_a_snapshot_file_or_stdout() {
    let dir = demo_dir();
    let estate = orgscope::snapshot::read(&dir.path().join("demo.json")).expect("valid snapshot");
    assert_eq!(estate.accounts.len(), orgscope::demo::DEFAULT_ACCOUNTS);
    let o = orgscope(dir.path(), &["demo", "--accounts", "30"]);
    assert_eq!(o.status.code(), Some(0));
    let e = orgscope::snapshot::from_slice(&o.stdout, Path::new("stdout")).expect("parses");
    assert_eq!(e.accounts.len(), 30);
    assert_eq!(e, orgscope::demo::demo_estate(30));
}

#[test]
fn diff_prod_vs_test_reports_drift_and_exits_4() {
    let dir = demo_dir();
    let o = orgscope(
        dir.path(),
        &[
            "diff",
            "demo.json",
            "--left",
            "ou:Prod",
            "--right",
            "ou:Test",
        ],
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    insta::assert_snapshot!("diff_prod_vs_test", stdout(&o));

    let o = orgscope(
        dir.path(),
        &[
            "diff",
            "demo.json",
            "--left",
            "ou:Prod",
            "--right",
            "ou:Test",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(4));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    // The IAM role only prod has (legacy-admin) and the sessions table's
    // DR replica besides the EC2 ones.
    assert_eq!(v["totals"]["only_left"], 6);
    // 13 staged in EC2 and ELB, two queues that lost their owner, the
    // test deploy role's trust and policy, two databases (the drifted
    // payments-test-db and its DR replica, which follows its version), two
    // functions and a cluster, the unversioned bucket and the provisioned
    // table.
    assert_eq!(v["totals"]["changed"], 24);
    let changed: Vec<_> = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["status"] == "changed")
        .collect();
    assert!(
        changed
            .iter()
            .any(|e| e["left"]["account"] == "payments-prod"
                && e["right"]["account"] == "payments-test"
                && e["changes"][0]["field"] == "instance_type")
    );
    // The IAM drift: trust compared by the normalised account name, so
    // only the sandbox is new; the policy statement by statement.
    assert!(changed.iter().any(|e| e["type"] == "db_instance"
        && e["left"]["account"] == "payments-prod"
        && e["changes"][0]["field"] == "engine_version"
        && e["changes"][0]["right"] == "16.3"));
    assert!(changed.iter().any(|e| e["type"] == "iam_role"
        && e["changes"][0]["field"] == "trust"
        && e["changes"][0]["right"] == "account:sandbox-alice"));
    assert!(changed.iter().any(|e| e["type"] == "eks_cluster"
        && e["changes"][0]["field"] == "version"
        && e["changes"][0]["right"] == "1.29"));
    assert!(changed.iter().any(|e| e["type"] == "iam_policy"
        && e["changes"][0]["right"] == "Allow s3:* on arn:aws:s3:::payments-test-artifacts/*"));
    // The Elastic IP kind's drift, reported by the generic diff.
    assert!(changed.iter().any(|e| e["type"] == "elastic_ip"
        && e["changes"][0]["field"] == "instance"
        && e["changes"][0]["left"] == "payments-bastion-1"
        && e["changes"][0]["right"].is_null()));
    // The tagged resources' drift: a tag, as for every kind.
    assert!(changed.iter().any(|e| e["type"] == "tagged_resource"
        && e["changes"][0]["field"] == "tag:owner"
        && e["changes"][0]["right"].is_null()));
}

#[test]
fn diff_exit_codes_for_no_drift_and_not_collected() {
    let dir = demo_dir();
    // The same snapshot twice: no differences.
    let o = orgscope(dir.path(), &["diff", "demo.json", "demo.json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // Undrifted twins, one side unreadable: not collected only → 3.
    let o = orgscope(
        dir.path(),
        &[
            "diff",
            "demo.json",
            "--left",
            "account:catalog-prod",
            "--right",
            "ou:Test account:catalog-*",
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("catalog-prod eu-west-1:"),
        "{}",
        stdout(&o)
    );
    // Undrifted twins, both readable: 0.
    let o = orgscope(
        dir.path(),
        &[
            "diff",
            "demo.json",
            "--left",
            "account:orders-prod",
            "--right",
            "account:orders-test",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A custom key that still pairs everything.
    let o = orgscope(
        dir.path(),
        &[
            "diff",
            "demo.json",
            "--left",
            "account:orders-prod",
            "--right",
            "account:orders-test",
            "--key",
            "instance=tag:role",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn list_outputs_table_csv_json_and_groups() {
    let dir = demo_dir();
    let o = orgscope(
        dir.path(),
        &["list", "demo.json", "--filter", "type:instance -has:owner"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("list_missing_owner_table", stdout(&o));

    let o = orgscope(
        dir.path(),
        &[
            "list",
            "demo.json",
            "-f",
            "type:instance",
            "--group-by",
            "tag:env",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("list_group_by_env", stdout(&o));

    let o = orgscope(
        dir.path(),
        &[
            "list",
            "demo.json",
            "-f",
            "account:payments-prod type:vpc",
            "--format",
            "json",
            "--columns",
            "name,cidr,region,tag:owner",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(5));
    assert!(
        v.as_array()
            .expect("rows")
            .iter()
            .any(|r| r["name"] == "payments-prod-vpc"
                && r["cidr"] == "10.10.0.0/17"
                && r["tag:owner"] == "payments-team@example.com")
    );
}

#[test]
fn list_csv_is_safe_for_spreadsheets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut e = orgscope::demo::demo_estate(11);
    e.resources[0]
        .tags
        .insert("note".into(), "=HYPERLINK(\"http://x\",\"a, b\")".into());
    e.resources[0].tags.insert("Name".into(), "-1".into());
    orgscope::snapshot::write(&dir.path().join("e.json"), &e).expect("write");
    let o = orgscope(
        dir.path(),
        &[
            "list",
            "e.json",
            "-f",
            &format!("id:{}", e.resources[0].id),
            "--format",
            "csv",
            "--columns",
            "id,tag:note,tag:Name",
            "--out",
            "out.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.path().join("out.csv")).expect("written");
    assert_eq!(
        csv,
        format!(
            "id,tag:note,tag:Name\r\n{},\"'=HYPERLINK(\"\"http://x\"\",\"\"a, b\"\")\",'-1\r\n",
            e.resources[0].id
        )
    );
}

/// A filter nested 20,000 deep overflowed the parser's stack and killed
/// the process (issue #17); now it is one more parse error.
#[test]
fn a_deeply_nested_filter_is_refused_not_fatal() {
    let dir = demo_dir();
    let deep = format!("{}a{}", "(".repeat(20_000), ")".repeat(20_000));
    let o = orgscope(dir.path(), &["list", "demo.json", "--filter", &deep]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "col 65: the filter nests deeper than 64 levels of '(', '-' and 'NOT'; simplify it"
        ),
        "{}",
        stderr(&o)
    );
    // The filter is quoted by its start and length, not echoed whole.
    assert!(stderr(&o).len() < 500, "{} bytes", stderr(&o).len());
    assert!(stderr(&o).contains("(40001 characters)"), "{}", stderr(&o));
}

/// `orgscope list p` on a FIFO blocked forever in `open`, waiting for a
/// writer (issue #17); it is refused like `/dev/zero`.
#[cfg(unix)]
#[test]
fn a_fifo_snapshot_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let made = Command::new("mkfifo")
        .arg(dir.path().join("p"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let o = orgscope(dir.path(), &["list", "p"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim(), "orgscope: p is not a regular file");
}

#[test]
fn bad_input_is_one_clear_line() {
    let dir = demo_dir();
    let o = orgscope(dir.path(), &["list", "demo.json", "--filter", "env="]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).trim(),
        "orgscope: invalid --filter \"env=\": col 5: expected a value after '='"
    );
    let o = orgscope(dir.path(), &["diff", "demo.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("give both --left and --right"),
        "{}",
        stderr(&o)
    );
    let o = orgscope(
        dir.path(),
        &["diff", "demo.json", "demo.json", "--key", "instance=colour"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("bad key 'instance=colour'"),
        "{}",
        stderr(&o)
    );
    let o = orgscope(dir.path(), &["list", "demo.json", "--group-by", "colour"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unknown group key 'colour'"),
        "{}",
        stderr(&o)
    );
    let o = orgscope(dir.path(), &["list", "missing.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing.json"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
}

#[test]
fn compliance_counts_missing_tags_per_scope_in_every_format() {
    let dir = demo_dir();
    let estate = orgscope::snapshot::read(&dir.path().join("demo.json")).expect("snapshot");
    let keys = orgscope::compliance::RequiredTags::parse("owner,app").expect("keys");
    let want = orgscope::compliance::compliance(&estate, &keys, 0..estate.resources.len());

    let o = orgscope(
        dir.path(),
        &["compliance", "demo.json", "--require-tags", "owner,app"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), want.to_text());
    let text = stdout(&o);
    assert!(text.starts_with("scope"), "{text}");
    assert!(text.contains("missing owner") && text.contains("missing app"));
    assert!(
        text.contains("catalog-test global"),
        "the refused account is named"
    );

    let o = orgscope(
        dir.path(),
        &[
            "compliance",
            "demo.json",
            "--require-tags",
            "owner,app",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        json["rows"][0]["tally"]["missing"][0],
        want.rows[0].tally.missing[0]
    );

    // --filter narrows what is counted: the queues of the story.
    let o = orgscope(
        dir.path(),
        &[
            "compliance",
            "demo.json",
            "--require-tags",
            "owner",
            "--format",
            "csv",
            "--filter",
            "type:tagged resource_type:queue account:payments-test",
        ],
    );
    let csv = stdout(&o);
    let estate_line = csv.lines().nth(1).unwrap_or_default();
    assert!(estate_line.starts_with("estate,estate,,5,2,40.0,"), "{csv}");

    // list --require-tags lists what compliance counted.
    let o = orgscope(
        dir.path(),
        &[
            "list",
            "demo.json",
            "--require-tags",
            "owner",
            "--filter",
            "account:payments-test",
            "--format",
            "json",
        ],
    );
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let id = estate
        .accounts
        .iter()
        .find(|a| a.name == "payments-test")
        .map(|a| a.id.clone());
    let row = want.account(&id.unwrap_or_default()).expect("row");
    assert_eq!(rows.as_array().map(Vec::len), Some(row.tally.missing[0]));

    // Bad keys are one line that says what to write.
    let o = orgscope(
        dir.path(),
        &["compliance", "demo.json", "--require-tags", " , "],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("invalid --require-tags: no tag keys given"),
        "{}",
        stderr(&o)
    );
}
