//! The batch reader (`split`) against the plain parse: the same estate for
//! every valid file, whatever the block and batch sizes and the layout, and
//! `None` (so the plain parse decides and explains) for anything else.

use proptest::prelude::*;

use super::split::{read, read_with};
use crate::demo::demo_estate;
use crate::model::Estate;

/// A small estate whose strings hold everything the scanner must step over
/// inside a string: quotes, backslashes, brackets, commas, whitespace and
/// non-ASCII text.
fn tricky() -> Estate {
    let mut e = demo_estate(3);
    let odd = "a \"quoted\" {brace} [bracket], back\\slash\\\" tab\t newline\n é 日本 \\";
    for (n, r) in e.resources.iter_mut().enumerate().step_by(7) {
        r.name = Some(format!("{odd} {n}"));
        r.tags.insert(format!("k{odd}"), odd.to_string());
        r.tags.insert("\\".into(), "\"".into());
    }
    e
}

fn plain(bytes: &[u8]) -> Estate {
    match serde_json::from_slice(bytes) {
        Ok(e) => e,
        Err(err) => panic!("the plain parse failed: {err}"),
    }
}

#[test]
fn compact_and_pretty_files_read_the_same_as_the_plain_parse() {
    let estate = tricky();
    for bytes in [
        serde_json::to_vec(&estate).expect("writes"),
        serde_json::to_vec_pretty(&estate).expect("writes"),
    ] {
        let expected = plain(&bytes);
        assert_eq!(read(&bytes[..]).as_ref(), Some(&expected));
        // Tiny blocks and batches: every token straddles a block, most
        // batches hold one resource.
        for (block, batch) in [(1, 1), (7, 100), (64, 3000), (4096, 1)] {
            let got = read_with(&bytes[..], block, batch);
            assert_eq!(
                got.as_ref(),
                Some(&expected),
                "block {block}, batch {batch}"
            );
        }
    }
}

#[test]
fn members_in_any_order_and_an_empty_array_read_the_same() {
    let estate = demo_estate(3);
    let value = serde_json::to_value(&estate).expect("to value");
    let serde_json::Value::Object(map) = value else {
        panic!("an estate is an object")
    };
    let mut members: Vec<(String, serde_json::Value)> = map.into_iter().collect();
    // Resources first, then last: the header is assembled around them.
    members.sort_by_key(|(k, _)| k != "resources");
    let first = to_object(&members);
    members.sort_by_key(|(k, _)| k == "resources");
    let last = to_object(&members);
    for bytes in [first, last] {
        assert_eq!(read_with(&bytes[..], 5, 500).as_ref(), Some(&plain(&bytes)));
    }
    let mut empty = estate.clone();
    empty.resources.clear();
    let bytes = serde_json::to_vec(&empty).expect("writes");
    assert_eq!(read_with(&bytes[..], 3, 10), Some(empty));
}

fn to_object(members: &[(String, serde_json::Value)]) -> Vec<u8> {
    let body: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap_or_default(), v))
        .collect();
    format!(" {{ {} }} \n", body.join(" ,\n ")).into_bytes()
}

#[test]
fn what_it_cannot_follow_is_left_to_the_plain_parse() {
    let bytes = serde_json::to_vec(&demo_estate(3)).expect("writes");
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    // Cut anywhere: never an estate.
    for cut in [0, 1, 2, 40, bytes.len() / 2, bytes.len() - 1] {
        assert_eq!(read_with(&bytes[..cut], 16, 64), None, "cut at {cut}");
    }
    let dup = text.replacen("\"resources\":", "\"resources\":[],\"resources\":", 1);
    let garbage = format!("{text} x");
    let bad_resource = text.replacen("\"account_id\":", "\"account_id\":7,\"x\":", 1);
    let array = format!("[{text}]");
    for (what, doc) in [
        ("a second resources key", dup),
        ("text after the document", garbage),
        ("a resource that does not parse", bad_resource),
        ("a top level that is not an object", array),
        ("nothing", String::new()),
    ] {
        assert_eq!(read_with(doc.as_bytes(), 16, 64), None, "{what}");
    }
}

#[test]
fn a_version_1_file_reads_the_same() {
    let bytes = include_bytes!("../../tests/fixtures/v1-demo-11-accounts.json");
    assert_eq!(read_with(&bytes[..], 100, 2000), Some(plain(bytes)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any block and batch size: the same estate.
    #[test]
    fn any_block_and_batch_size_reads_the_same(block in 1usize..5000, batch in 1usize..20_000, pretty: bool) {
        let estate = tricky();
        let bytes = if pretty {
            serde_json::to_vec_pretty(&estate).expect("writes")
        } else {
            serde_json::to_vec(&estate).expect("writes")
        };
        prop_assert_eq!(read_with(&bytes[..], block, batch), Some(plain(&bytes)));
    }
}
