//! `orgscope collect` as a user runs it: the real binary against a seeded
//! moto, checking exit codes (0 complete, 3 partial, 1 fatal, 2 usage),
//! where the snapshot goes, and that its counts match what was seeded.

use orgscope::model::CoverageStatus;

use crate::collect::counts;
use crate::support::moto::Moto;
use crate::support::seed;

fn orgscope(moto: &Moto) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_orgscope"));
    cmd.env_remove("AWS_PROFILE")
        .env_remove("RUST_LOG")
        .envs(moto.env())
        .stdin(std::process::Stdio::null());
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_writes_a_snapshot_matching_the_seed_and_exits_by_outcome() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let seeded = seed::standard_org(&conf).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("estate.json");

    let run = orgscope(&moto)
        .args([
            "collect",
            "--regions",
            "us-east-1,eu-west-1",
            "--page-size",
            "5",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("run orgscope");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "stderr: {stderr}");
    assert!(run.stdout.is_empty(), "the snapshot goes to --out only");
    assert!(
        stderr.contains("OrganizationAccountAccessRole"),
        "role warning: {stderr}"
    );
    let estate = orgscope::snapshot::read(&out).expect("snapshot");
    assert_eq!(estate.accounts.len(), 11);
    let mut total = 0;
    for s in &seeded.accounts {
        for region in ["us-east-1", "eu-west-1"] {
            let want = seeded.expected(&s.id, region);
            assert_eq!(counts(&estate, &s.id, region), want, "{} {region}", s.name);
            total += want.total();
        }
        total += seeded.expected_global(&s.id);
    }
    assert_eq!(estate.resources.len(), total);
    // Scripts rely on these top-level arrays and fields.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("read")).expect("json");
    let first = &json["accounts"][0];
    for key in ["id", "name", "email", "status", "ou_path", "tags"] {
        assert!(first.get(key).is_some(), "accounts[].{key}");
    }
    let r = &json["resources"][0];
    for key in ["account_id", "region", "type", "id", "name", "tags"] {
        assert!(r.get(key).is_some(), "resources[].{key}");
    }
    let c = &json["coverage"][0];
    for key in ["account_id", "region", "api", "status", "code", "message"] {
        assert!(c.get(key).is_some(), "coverage[].{key}");
    }

    // To stdout, scoped to one account.
    let run = orgscope(&moto)
        .args([
            "collect",
            "--regions",
            "eu-west-1",
            "--account",
            "payments-prod",
        ])
        .output()
        .expect("run orgscope");
    assert_eq!(run.status.code(), Some(0));
    let scoped = orgscope::snapshot::from_slice(&run.stdout, std::path::Path::new("stdout"))
        .expect("snapshot on stdout");
    let id = &seeded.account("payments-prod").id;
    assert_eq!(scoped.accounts.len(), 1);
    assert_eq!(
        counts(&scoped, id, "eu-west-1"),
        seeded.expected(id, "eu-west-1")
    );

    // A fatal error: one line, exit 1, the old file untouched.
    let before = std::fs::read(&out).expect("read");
    let run = orgscope(&moto)
        .args([
            "collect",
            "--regions",
            "eu-west-1",
            "--ou",
            "NoSuchOu",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("run orgscope");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "stderr: {stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("orgscope: ") && last.contains("NoSuchOu"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&out).expect("read"), before);

    // A partial run: moto answers 500 for a region it does not know. The
    // snapshot is written, exit 3, failed cells summarized on stderr.
    let partial = dir.path().join("partial.json");
    let run = orgscope(&moto)
        .args([
            "collect",
            "--regions",
            "eu-west-1,xx-nowhere-1",
            "--account",
            "network",
            "--out",
        ])
        .arg(&partial)
        .output()
        .expect("run orgscope");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(3), "stderr: {stderr}");
    // One failed cell per collected regional kind's read call.
    let apis = orgscope::model::regional_apis().count();
    assert!(
        stderr.contains(&format!("partial snapshot: {apis} of")),
        "{stderr}"
    );
    let estate = orgscope::snapshot::read(&partial).expect("partial snapshot written");
    assert!(estate.is_partial());
    assert!(
        estate
            .failed_cells()
            .all(|c| c.region == "xx-nowhere-1" && c.status == CoverageStatus::Error)
    );

    // A usage error: exit 2.
    let run = orgscope(&moto)
        .args(["collect", "--regions", "eu west 1"])
        .output()
        .expect("run orgscope");
    assert_eq!(run.status.code(), Some(2));
}

/// Ctrl-C in the middle of a run (issue 6's cancel row, as a user does it):
/// the binary stops promptly, says so, exits 1, and the file named by
/// `--out` keeps its previous content with no temporary file left beside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_mid_run_writes_nothing_and_keeps_the_old_file() {
    use crate::support::proxy::{Fault, FaultProxy, Match, Rule, Rules};

    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    seed::standard_org(&conf).await;
    // Every DescribeInstances hangs, so the run is certainly in flight when
    // the signal arrives.
    let proxy = FaultProxy::start(
        &moto.endpoint(),
        Rules::none().with(Rule::new(
            Match::any().action("ec2:DescribeInstances"),
            Fault::Hang,
        )),
    )
    .await
    .expect("proxy");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("estate.json");
    std::fs::write(&out, b"previous snapshot").expect("seed file");

    let child = orgscope(&moto)
        .env("AWS_ENDPOINT_URL", proxy.endpoint())
        .args(["collect", "--regions", "us-east-1", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn orgscope");

    // Wait (bounded) until the collector is inside a describe call.
    let mut in_flight = false;
    for _ in 0..600 {
        if proxy.seen("ec2:DescribeInstances") > 0 {
            in_flight = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(in_flight, "the run never reached DescribeInstances");

    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("cancelled"), "stderr: {stderr}");
    assert_eq!(std::fs::read(&out).expect("old file"), b"previous snapshot");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("estate.json")]);
}

/// `orgscope collect` with nothing but `HOME` (a fresh laptop): no AWS
/// variables, instance metadata off so no network is probed.
fn bare_collect(home: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    bare_collect_with(home, &[], args)
}

fn bare_collect_with(
    home: &std::path::Path,
    env: &[(&str, &str)],
    args: &[&str],
) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orgscope"))
        .env_clear()
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .arg("collect")
        .args(args)
        .arg("--out")
        .arg(home.join("estate.json"))
        .output()
        .unwrap_or_else(|e| panic!("run orgscope: {e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Issue 17, item 4: a mistyped profile and a machine without credentials
/// each get one line that says what is wrong and what to do, not the SDK's
/// credential chain (before: 3.7 KB of aws_config warnings ending on
/// instance metadata, for both).
#[test]
fn sign_in_problems_say_what_to_do_in_a_line() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(&aws).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(
        aws.join("config"),
        "[default]\nregion = eu-west-1\n[profile prod-admin]\nregion = eu-west-1\n",
    )
    .unwrap_or_else(|e| panic!("write config: {e}"));

    let (code, err) = bare_collect(home.path(), &["--profile", "nope"]);
    assert_eq!(code, Some(1), "{err}");
    let last = err.lines().last().unwrap_or_default();
    assert!(last.contains("no AWS profile named \"nope\""), "{err}");
    assert!(last.contains("default, prod-admin"), "{err}");

    let (code, err) = bare_collect(home.path(), &["--profile", "prod-admin"]);
    assert_eq!(code, Some(1), "{err}");
    let last = err.lines().last().unwrap_or_default();
    assert!(last.contains("no AWS credentials found"), "{err}");
    assert!(last.contains("aws sso login --profile prod-admin"), "{err}");
    assert!(last.contains("orgscope --demo"), "{err}");
    assert!(
        !err.contains("WARN"),
        "no SDK warnings at default verbosity: {err}"
    );
    // The admin-role warning, then the sign-in error.
    assert!(err.lines().count() <= 2, "{err}");

    // Keys, but an endpoint nobody listens on (a port just freed).
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|e| panic!("free port: {e}"));
    let endpoint = format!("http://{closed}");
    let keys = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_MAX_ATTEMPTS", "1"),
    ];
    let (code, err) = bare_collect_with(home.path(), &keys, &[]);
    assert_eq!(code, Some(1), "{err}");
    let last = err.lines().last().unwrap_or_default();
    assert!(last.contains("could not be reached"), "{err}");
    assert!(last.contains("AWS_ENDPOINT_URL"), "{err}");
}
