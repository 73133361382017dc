//! Hostile inputs: estate files that are truncated, corrupted, of the wrong
//! format or version, huge, or not files at all must give a clear error and
//! never a panic, a hang or an unbounded allocation; the AWS config/profile
//! parsing must survive any text. Property tests run in the normal test
//! command; the cargo-fuzz targets under `fuzz/` explore further.

use std::io::Write;
use std::path::Path;

use futures::executor::block_on;
use orgscope::collect::{mfa, profiles};
use orgscope::demo::demo_estate;
use orgscope::snapshot::{self, MAX_SNAPSHOT_BYTES, SnapshotError};
use proptest::prelude::*;

/// Shared config files of headers, properties and comments, now and then
/// with a line of any text among them.
fn profile_text() -> impl Strategy<Value = String> {
    const HEADER: &str = "\\[(profile |sso-session )?[a-z .-]{0,8}\\]";
    let line = prop_oneof![
        6 => HEADER,
        6 => "[a-z_]{1,8} ?= ?[^\\n]{0,10}",
        2 => "[#;][^\\n]{0,10}",
        1 => "[^\\n]{0,12}",
    ];
    (HEADER, proptest::collection::vec(line, 0..10))
        .prop_map(|(first, lines)| format!("{first}\n{}", lines.join("\n")))
}

fn demo_bytes() -> Vec<u8> {
    snapshot::to_vec(&demo_estate(3)).expect("serializes")
}

#[test]
fn truncated_files_name_the_end_of_input() {
    let bytes = demo_bytes();
    for cut in [0, 1, 10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 2] {
        let err = snapshot::from_slice(&bytes[..cut], Path::new("cut.json"))
            .expect_err("a truncated file cannot parse");
        assert!(
            matches!(err, SnapshotError::Malformed { .. }),
            "cut at {cut}: {err}"
        );
        let msg = err.to_string();
        assert!(msg.contains("cut.json"), "{msg}");
        assert!(msg.contains("EOF") || msg.contains("line"), "{msg}");
    }
}

#[test]
fn wrong_format_and_future_versions_are_refused_by_name() {
    let mut v: serde_json::Value = serde_json::from_slice(&demo_bytes()).expect("json");
    v["version"] = serde_json::json!(99);
    let bytes = serde_json::to_vec(&v).expect("ser");
    let err = snapshot::from_slice(&bytes, Path::new("new.json")).expect_err("future");
    assert!(matches!(
        err,
        SnapshotError::FutureVersion { found: 99, .. }
    ));
    assert!(err.to_string().contains("version 99"), "{err}");
    assert!(err.to_string().contains("upgrade orgscope"), "{err}");

    v["version"] = serde_json::json!(1);
    v["format"] = serde_json::json!("terraform-state");
    let bytes = serde_json::to_vec(&v).expect("ser");
    let err = snapshot::from_slice(&bytes, Path::new("tf.json")).expect_err("format");
    assert!(err.to_string().contains("terraform-state"), "{err}");

    // Valid JSON that is not an object at all.
    for other in [&b"[1,2,3]"[..], b"\"x\"", b"null", b"{}"] {
        let err = snapshot::from_slice(other, Path::new("o.json")).expect_err("not an estate");
        assert!(err.to_string().contains("o.json"), "{err}");
    }
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let mut bytes = br#"{"format":"orgscope-estate","version":1,"tree":"#.to_vec();
    bytes.extend(std::iter::repeat_n(b'[', 100_000));
    let err = snapshot::from_slice(&bytes, Path::new("deep.json")).expect_err("deep");
    assert!(matches!(err, SnapshotError::Malformed { .. }), "{err}");
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.json");
    let f = std::fs::File::create(&path).expect("create");
    // Sparse: costs no disk, but it is one byte over the limit.
    f.set_len(MAX_SNAPSHOT_BYTES + 1).expect("set_len");
    drop(f);
    let err = snapshot::read(&path).expect_err("too large");
    match &err {
        SnapshotError::TooLarge { size, limit, .. } => {
            assert_eq!(*size, MAX_SNAPSHOT_BYTES + 1);
            assert_eq!(*limit, MAX_SNAPSHOT_BYTES);
        }
        other => panic!("unexpected {other}"),
    }
    assert!(err.to_string().contains("huge.json"), "{err}");
}

#[test]
fn devices_and_directories_are_refused_without_reading_them() {
    // /dev/zero reports size 0 and never ends: reading it would allocate
    // the whole size limit before failing.
    for path in [Path::new("/dev/zero"), Path::new("/tmp")] {
        let err = snapshot::read(path).expect_err("not a regular file");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }
}

#[test]
fn missing_and_empty_files_give_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = snapshot::read(&dir.path().join("nope.json")).expect_err("missing");
    assert!(matches!(err, SnapshotError::Io { .. }), "{err}");
    let empty = dir.path().join("empty.json");
    std::fs::File::create(&empty)
        .and_then(|mut f| f.write_all(b""))
        .expect("create");
    let err = snapshot::read(&empty).expect_err("empty");
    assert!(matches!(err, SnapshotError::Malformed { .. }), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_give_an_estate_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = snapshot::from_slice(&bytes, Path::new("p.json"));
    }

    #[test]
    fn corrupting_a_real_estate_never_panics_and_what_parses_round_trips(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = demo_bytes();
        for (i, b) in edits {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        let keep = cut.index(bytes.len() + 1);
        bytes.truncate(keep.max(bytes.len() / 2));
        if let Ok(estate) = snapshot::from_slice(&bytes, Path::new("c.json")) {
            let bytes = snapshot::to_vec(&estate).expect("serializes");
            let again = snapshot::from_slice(&bytes, Path::new("c.json"));
            prop_assert_eq!(again.ok(), Some(estate));
        }
    }

    #[test]
    fn profile_parsing_survives_any_text(config in profile_text(), creds in profile_text()) {
        // aws-config refuses some of this; what it accepts must list only
        // names of section headers in the files, each one a profile.
        if let Ok(set) = block_on(profiles::parse(&config, &creds)) {
            let headers: Vec<&str> = config
                .lines()
                .chain(creds.lines())
                .filter(|l| l.starts_with('['))
                .collect();
            for name in profiles::profile_names(&set) {
                prop_assert!(!name.is_empty());
                prop_assert!(headers.iter().any(|h| h.contains(&name)), "{name:?}");
                prop_assert!(set.get_profile(&name).is_some());
            }
            let _ = mfa::mfa_serial(&set, "default");
        }
    }

    #[test]
    fn generated_profiles_are_found_with_their_mfa_serial(
        names in proptest::collection::btree_set("[a-z][a-z0-9_-]{0,12}", 1..6),
        legacy in proptest::collection::btree_set("[A-Z][A-Za-z0-9.@]{0,8}", 0..4),
        serial in "arn:aws:iam::[0-9]{12}:mfa/[a-z]{1,8}",
    ) {
        prop_assume!(!names.contains("default"));
        // Config profiles carry the serial, credentials-only profiles carry
        // it in the credentials file, and the `[sso-session]` beside each
        // config profile and the commented-out headers are not profiles.
        let mut config = String::from("[default]\nregion = eu-west-1\n");
        let mut creds = String::new();
        for n in &names {
            config.push_str(&format!(
                "\n# [profile not-{n}]\n[profile {n}]\nregion = us-east-1\nmfa_serial = {serial}\n\
                 [sso-session {n}-sso]\nsso_region = us-east-1\n"
            ));
        }
        for n in &legacy {
            creds.push_str(&format!("[{n}]\naws_access_key_id = AKIA\nmfa_serial = {serial}\n"));
        }
        let set = block_on(profiles::parse(&config, &creds)).expect("generated files parse");
        let mut want: Vec<String> = names.iter().chain(&legacy).cloned().collect();
        want.sort();
        want.insert(0, "default".into());
        prop_assert_eq!(profiles::profile_names(&set), want);
        for n in names.iter().chain(&legacy) {
            let found = mfa::mfa_serial(&set, n);
            prop_assert_eq!(found.as_deref(), Some(serial.as_str()));
        }
        for n in &names {
            let session = format!("{n}-sso");
            prop_assert!(set.sso_session(&session).is_some(), "{}", session);
        }
        prop_assert_eq!(mfa::mfa_serial(&set, "default"), None);
    }
}

/// Hostile names and tag values in an estate stay text in every SVG the
/// CLI draws: the file parses as XML, has no script element or event
/// attribute, and shows the name as written.
#[test]
fn hostile_names_stay_text_in_svg_exports() {
    const NAME: &str = "<script>x</script>";
    const VALUE: &str = "\"><svg onload=alert(1)>&amp;]]>";
    let mut estate = demo_estate(3);
    estate.accounts[0].name = NAME.to_string();
    for r in estate.resources.iter_mut().take(50) {
        r.name = Some(VALUE.to_string());
        r.tags.insert("owner".into(), VALUE.to_string());
        r.tags.insert(VALUE.to_string(), NAME.to_string());
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("hostile.json");
    snapshot::write(&snap, &estate).expect("write");
    for kind in ["org", "network"] {
        let svg_path = dir.path().join(format!("{kind}.svg"));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_orgscope"))
            .arg("diagram")
            .arg(&snap)
            .args(["--kind", kind, "--out"])
            .arg(&svg_path)
            .output()
            .expect("run orgscope diagram");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let svg = std::fs::read_to_string(&svg_path).expect("svg");
        let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
        for node in doc.descendants().filter(|n| n.is_element()) {
            let tag = node.tag_name().name().to_ascii_lowercase();
            assert!(
                tag != "script" && tag != "foreignobject",
                "{kind}: <{tag}> element"
            );
            for a in node.attributes() {
                assert!(
                    !a.name().to_ascii_lowercase().starts_with("on"),
                    "{kind}: event attribute {}",
                    a.name()
                );
            }
        }
        if kind == "org" {
            let text: String = doc
                .descendants()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect();
            assert!(text.contains(NAME), "the account name is shown as text");
        }
    }
}
