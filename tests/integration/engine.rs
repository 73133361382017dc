//! The engine end to end through the library: a demo snapshot written to
//! disk and read back, filtered, grouped, exported and diffed — the same
//! path the GUI and the CLI take, with files in between.

use orgscope::demo::demo_estate;
use orgscope::diff::{DiffOptions, EntryStatus, diff};
use orgscope::export;
use orgscope::model::kinds;
use orgscope::query::{self, Column, Context, GroupKey};
use orgscope::snapshot;

#[test]
fn filter_group_and_export_survive_a_snapshot_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("demo.json");
    let original = demo_estate(40);
    snapshot::write(&path, &original).expect("write");
    let estate = snapshot::read(&path).expect("read");
    assert_eq!(estate, original);

    let ctx = Context::new(&estate);
    let q = query::parse("type:instance -has:owner").expect("parses");
    let idx = query::filter(&ctx, &q, None);
    // The drifted web-2 of every eighth app's test account, plus the sandbox.
    let names: Vec<String> = idx
        .iter()
        .map(|&i| query::cell(&ctx, &estate.resources[i], &Column::Name))
        .collect();
    assert!(
        names.contains(&"payments-test-web-2".to_string()),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .all(|n| n.ends_with("-web-2") || n.starts_with("alice-lab"))
    );

    let groups = query::group_by(&ctx, &idx, &GroupKey::Field(Column::Account));
    assert_eq!(groups.iter().map(|g| g.count).sum::<usize>(), idx.len());

    let csv = export::resources_csv(
        &ctx,
        &idx,
        &[Column::Id, Column::Name, Column::Tag("owner".into())],
    );
    assert_eq!(csv.matches("\r\n").count(), idx.len() + 1);
    let out = dir.path().join("export.csv");
    snapshot::write_atomic(&out, csv.as_bytes()).expect("write csv");
    assert_eq!(std::fs::read_to_string(&out).expect("read csv"), csv);
}

#[test]
fn two_snapshots_diff_like_two_scopes() {
    let before = demo_estate(orgscope::demo::DEFAULT_ACCOUNTS);
    let mut after = before.clone();
    // Between the snapshots someone resized an instance and deleted a volume.
    let i = after
        .resources
        .iter()
        .position(|r| r.name.as_deref() == Some("orders-prod-db-1"))
        .expect("db-1");
    assert_eq!(after.resources[i].kind, kinds::INSTANCE);
    after.resources[i].set("instance_type", "r5.2xlarge");
    let v = after
        .resources
        .iter()
        .position(|r| r.name.as_deref() == Some("orders-prod-db-1-data"))
        .expect("volume");
    after.resources.remove(v);
    let all = |n: usize| (0..n).collect::<Vec<_>>();
    let rep = diff(
        &before,
        &all(before.resources.len()),
        &after,
        &all(after.resources.len()),
        &DiffOptions::default(),
    );
    let t = rep.totals();
    assert_eq!(
        (t.only_left, t.only_right, t.changed),
        (1, 0, 1),
        "{:?}",
        rep.entries
    );
    let changed = rep
        .entries
        .iter()
        .find(|e| e.status == EntryStatus::Changed)
        .expect("changed");
    assert_eq!(changed.rtype, kinds::INSTANCE);
    assert_eq!(changed.changes[0].right.as_deref(), Some("r5.2xlarge"));
    // The denied account is unreadable in both snapshots: nothing to compare,
    // nothing reported.
    assert_eq!(t.not_collected, 0);
}
