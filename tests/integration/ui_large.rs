//! Large estates (issue 16): from `ASYNC_ROWS_AT` resources up a pane's
//! rows are derived on a worker so no frame waits on a filter. Here the
//! threshold is lowered to 0 so the demo estate takes that path, and every
//! result is held to what the in-frame path gives for the same input.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use orgscope::demo::{DEFAULT_ACCOUNTS, demo_estate};
use orgscope::ui::{OrgscopeApp, Origin};

use crate::support::runtime;
use crate::ui::harness;

fn demo(rt: &tokio::runtime::Runtime, off_thread_from: usize) -> Harness<'_, OrgscopeApp> {
    let mut h = harness(rt, move |mut app| {
        app.set_rows_off_thread_from(off_thread_from);
        app.load_estate(demo_estate(DEFAULT_ACCOUNTS), Origin::Demo);
        app
    });
    settle(&mut h);
    h
}

/// Step until every rows job has come back; each wait blocks on the
/// worker's event rather than sleeping.
fn settle(h: &mut Harness<'_, OrgscopeApp>) {
    for _ in 0..50 {
        h.run();
        if !h.state().rows_jobs_running() {
            return;
        }
        assert!(
            h.state_mut().wait_for_worker(Duration::from_secs(30)),
            "no rows from the worker within 30 s"
        );
    }
    panic!("rows were still pending after 50 worker events");
}

fn rows(h: &Harness<'_, OrgscopeApp>) -> usize {
    h.state().pane_row_counts()[0]
}

fn set_filter(h: &mut Harness<'_, OrgscopeApp>, text: &str) {
    h.state_mut().set_first_pane_filter(text);
    h.step();
}

#[test]
fn rows_derived_on_a_worker_are_the_rows_the_frame_derives() {
    let rt = runtime();
    let mut worker = demo(&rt, 0);
    let mut frame = demo(&rt, usize::MAX);
    let total = worker.state().estate().map_or(0, |e| e.resources.len());
    assert!(total > 1000, "the demo estate has {total} resources");
    assert_eq!(rows(&worker), total, "every resource once loaded");
    assert!(
        !frame.state().rows_jobs_running(),
        "the in-frame path sends no job"
    );
    for filter in ["env=prod", "env=prod type:instance", "worker", "-has:owner"] {
        set_filter(&mut worker, filter);
        settle(&mut worker);
        set_filter(&mut frame, filter);
        frame.run();
        let (w, f) = (rows(&worker), rows(&frame));
        assert_eq!(w, f, "{filter}: worker {w} rows, frame {f}");
        assert!(w > 0 && w < total, "{filter}: {w} of {total}");
    }
    // Sorted: the worker builds the column's ranks itself.
    worker.state_mut().sort_first_pane_by_name(true);
    frame.state_mut().sort_first_pane_by_name(true);
    settle(&mut worker);
    frame.run();
    assert_eq!(rows(&worker), rows(&frame));
    assert!(
        worker
            .query_by_label(&format!("{} resources", rows(&worker)))
            .is_some(),
        "the header counts the worker's rows"
    );
}

#[test]
fn only_the_newest_keystrokes_rows_are_kept() {
    let rt = runtime();
    let mut h = demo(&rt, 0);
    let mut frame = demo(&rt, usize::MAX);
    // Three keystrokes in three frames, three jobs in flight at once; they
    // may land in any order, and only the last filter's rows may stay.
    set_filter(&mut h, "env=prod type:instance");
    set_filter(&mut h, "env=prod");
    set_filter(&mut h, "env=test");
    settle(&mut h);
    set_filter(&mut frame, "env=test");
    frame.run();
    assert_eq!(rows(&h), rows(&frame));
    assert_eq!(h.state().focused_filter(), Some("env=test"));
}

#[test]
fn a_bad_filter_keeps_the_rows_shown_and_drops_the_pending_ones() {
    let rt = runtime();
    let mut h = demo(&rt, 0);
    set_filter(&mut h, "env=prod");
    settle(&mut h);
    let prod = rows(&h);
    // A job for "env=test" is dispatched, then the text stops parsing.
    // Whether or not that job landed in between, the rows shown when the
    // error appears must stay: a job landing after it changes nothing.
    set_filter(&mut h, "env=test");
    set_filter(&mut h, "env=test type:bogus");
    let shown = rows(&h);
    settle(&mut h);
    assert_eq!(
        rows(&h),
        shown,
        "a job that lands after the error is dropped"
    );
    assert!(shown > 0, "{shown} rows (env=prod had {prod})");
    assert!(
        h.query_by_label_contains("bogus").is_some(),
        "the error is shown"
    );
}
