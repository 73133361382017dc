//! Any bytes given to the snapshot reader end in an estate or an error,
//! never a panic; what parses must also write back and re-read equal.
//!
//! Inputs starting with the byte 0xFF (never the start of a JSON document,
//! so no text input is lost to it) build an estate file whose org tree
//! nests deep instead: the next two bytes are how many OU levels below the
//! root (up to 65,535), the fourth picks the shape (bit 0: every level also
//! holds a leaf OU before the deep one; bit 1: `children` comes before the
//! other fields, so the reader recurses before it has seen them; bit 2: the
//! depth is arrays in a field the reader ignores, beside a flat tree), and
//! the rest is the deepest node's name. Random bytes almost never nest that
//! deep, and the org tree's walks recurse once per level: up to
//! `snapshot::MAX_OU_DEPTH` levels must read (and walk), past it the file
//! must be refused with an error, never a stack overflow.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use orgscope_core::model::{CallerIdentity, Estate, OrgUnit, Source, SourceKind};
use orgscope_core::snapshot::{self, MAX_OU_DEPTH, SnapshotError};

/// An empty estate file, split where its `tree` value goes.
fn template() -> &'static (String, String) {
    static T: OnceLock<(String, String)> = OnceLock::new();
    T.get_or_init(|| {
        let estate = Estate::new(
            "2026-01-01T00:00:00Z".into(),
            Source {
                kind: SourceKind::Demo,
                profile: None,
                label: "fuzz".into(),
            },
            CallerIdentity {
                account_id: "123456789012".into(),
                arn: "arn:aws:iam::123456789012:user/u".into(),
                user_id: "u".into(),
            },
        );
        let mut doc = serde_json::to_value(estate).expect("an estate serializes");
        doc["tree"] = serde_json::Value::String("@TREE@".into());
        let text = doc.to_string();
        let (head, tail) = text.split_once("\"@TREE@\"").expect("placeholder");
        (head.to_string(), tail.to_string())
    })
}

/// An OU with no children, as JSON.
fn leaf(id: &str, name: &str) -> String {
    format!(r#"{{"id":"{id}","name":{name},"scps":[],"accounts":[],"children":[]}}"#)
}

/// The estate file `levels` OUs deep in `shape` (see the top of the file),
/// its deepest node `deep` named `inner`, written as text: building and
/// dropping such a tree in memory would itself recurse once per level.
/// Every other node has the same id, so the levels are `str::repeat`s and
/// 65,535 of them cost milliseconds, not the fuzzer's whole budget.
fn nested(levels: usize, shape: u8, inner: &str) -> String {
    let name = serde_json::to_string(inner).expect("a string serializes");
    let (head, tail) = template();
    if shape & 4 != 0 {
        return format!(
            r#"{head}{},"fuzz_ignored":{}{name}{}{tail}"#,
            leaf("r", &name),
            "[".repeat(levels),
            "]".repeat(levels)
        );
    }
    let (mut open, deepest, close) = if shape & 2 != 0 {
        (
            r#"{"children":["#.to_string(),
            format!(r#"{{"children":[],"id":"deep","name":{name},"scps":[],"accounts":[]}}"#),
            r#"],"id":"o","name":"","scps":[],"accounts":[]}"#,
        )
    } else {
        (
            r#"{"id":"o","name":"","scps":[],"accounts":[],"children":["#.to_string(),
            leaf("deep", &name),
            "]}",
        )
    };
    if shape & 1 != 0 {
        open = format!("{open}{},", leaf("s", r#""""#));
    }
    format!(
        "{head}{}{deepest}{}{tail}",
        open.repeat(levels),
        close.repeat(levels)
    )
}

/// Levels of OUs below `root`, without recursing.
fn depth(root: &OrgUnit) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(root, 0)];
    while let Some((node, d)) = stack.pop() {
        deepest = deepest.max(d);
        stack.extend(node.children.iter().map(|c| (c, d + 1)));
    }
    deepest
}

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.json");
    let read = match data {
        [0xFF, lo, hi, shape, rest @ ..] => {
            let levels = usize::from(u16::from_le_bytes([*lo, *hi]));
            let doc = nested(levels, *shape, &String::from_utf8_lossy(rest));
            let read = snapshot::from_slice(doc.as_bytes(), path);
            if shape & 4 != 0 {
                // Not the org tree: serde_json skips an ignored value
                // without recursing, so any depth may read; what must hold
                // is that it does not reach the stack or the tree.
                if let Ok(e) = &read {
                    assert_eq!(depth(&e.tree), 0);
                }
            } else if levels <= MAX_OU_DEPTH {
                let e = read
                    .as_ref()
                    .unwrap_or_else(|e| panic!("{levels} levels refused: {e}"));
                assert_eq!(depth(&e.tree), levels);
                // The recursive walks the app and the CLI use.
                let mut deepest = 0;
                e.tree.walk(&mut |_, p| deepest = deepest.max(p.len()));
                assert_eq!(deepest, levels);
                assert!(e.tree.find("deep").is_some());
            } else {
                match &read {
                    Err(SnapshotError::TooDeep { depth, .. }) => assert_eq!(*depth, levels),
                    Err(SnapshotError::Malformed { .. }) => {}
                    Err(other) => panic!("{levels} levels: unexpected {other}"),
                    Ok(_) => panic!("{levels} levels read, past the limit {MAX_OU_DEPTH}"),
                }
            }
            read
        }
        _ => snapshot::from_slice(data, path),
    };
    if let Ok(estate) = read {
        let bytes = snapshot::to_vec(&estate).expect("a parsed estate serializes");
        let again = snapshot::from_slice(&bytes, path).expect("a written estate reads back");
        assert_eq!(again, estate);
    }
});
