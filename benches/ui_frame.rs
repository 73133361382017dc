//! CPU time of one frame of the desktop app with a large estate loaded:
//! `demo_estate(1000)` (about 150,000 resources) in one pane showing every
//! row, scrolled to a different place every frame; and of the frame after a
//! filter keystroke on that pane, sorted by name (the pane's rows are
//! filtered and sorted again within that frame). Then the same at a
//! million resources (`demo_estate(6650)`), where rows are derived on a
//! worker: the keystroke's frame, and the time until its rows are shown. Runs the real app
//! headless through egui_kittest (layout, widgets, accesskit tree; no GPU
//! work), so it is an upper bound on what the app itself costs per frame.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use orgscope::demo::demo_estate;
use orgscope::ui::{OrgscopeApp, Origin, Settings};

/// The app with `demo_estate(accounts)` loaded in one pane, every row
/// derived and shown.
fn app(accounts: usize, handle: tokio::runtime::Handle) -> Harness<'static, OrgscopeApp> {
    let estate = demo_estate(accounts);
    let total = estate.resources.len();
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .with_max_steps(10_000)
        .build_eframe(move |cc| {
            let mut app = OrgscopeApp::with_settings(&cc.egui_ctx, Settings::default(), handle);
            app.load_estate(estate, Origin::Demo);
            app
        });
    h.run();
    settle(&mut h);
    let rows = h.state().pane_row_counts().first().copied().unwrap_or(0);
    assert_eq!(rows, total, "every resource is a row");
    eprintln!("ui_frame: {rows} rows in the table");
    h
}

/// Step until no pane waits for rows from a worker (each wait blocks on the
/// worker's event, so this is not a timed guess).
fn settle(h: &mut Harness<'static, OrgscopeApp>) {
    while h.state().rows_jobs_running() {
        assert!(
            h.state_mut().wait_for_worker(Duration::from_secs(120)),
            "rows never arrived"
        );
        h.step();
    }
}

const TYPICAL: &str = "env=prod type:instance -has:owner OR itype:m5.* region:eu-*";

type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// A frame scrolled to a new place each time, then an idle frame.
fn scrolling(group: &mut Group<'_>, h: &mut Harness<'static, OrgscopeApp>, size: &str) {
    let rows = h.state().pane_row_counts().first().copied().unwrap_or(0);
    let mut pos = 0usize;
    group.bench_function(format!("{size}_rows_scrolled"), |b| {
        b.iter(|| {
            pos = (pos + 7_919) % rows;
            h.state_mut().scroll_first_pane_to(pos);
            h.step();
        })
    });
    group.bench_function(format!("{size}_rows_idle"), |b| b.iter(|| h.step()));
}

/// A keystroke: the filter gains or loses its last character, then one
/// frame (`until_rows` false) or frames until that filter's rows are
/// shown (`until_rows` true, when rows come from a worker).
fn keystrokes(
    group: &mut Group<'_>,
    h: &mut Harness<'static, OrgscopeApp>,
    name: &str,
    full: &str,
    until_rows: bool,
) {
    let shorter = &full[..full.len() - 1];
    let mut flip = false;
    group.bench_function(name, |b| {
        // Timed by hand so that, for the keystroke's frame alone, the
        // worker's job finishes outside the measurement: keystrokes do not
        // pile up jobs that would compete with the frames being timed.
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                flip = !flip;
                h.state_mut()
                    .set_first_pane_filter(if flip { full } else { shorter });
                let t = std::time::Instant::now();
                h.step();
                if until_rows {
                    settle(h);
                }
                spent += t.elapsed();
                settle(h);
            }
            spent
        })
    });
    // The full filter, whether or not criterion ran this bench (a name
    // filter skips it): it must narrow the rows, or nothing was measured.
    h.state_mut().set_first_pane_filter(full);
    h.step();
    settle(h);
    let shown = h.state().pane_row_counts().first().copied().unwrap_or(0);
    let total = h.state().estate().map_or(0, |e| e.resources.len());
    assert!(
        shown > 0 && shown < total,
        "{name}: the filter kept {shown} of {total} rows"
    );
}

fn frame(c: &mut Criterion) {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("tokio runtime: {e}"),
    };
    // ~150,000 resources, rows derived in the frame (forced; the default
    // hands them to a worker from `ASYNC_ROWS_AT` up): issue 7's budgets.
    let mut h = app(1000, rt.handle().clone());
    h.state_mut().set_rows_off_thread_from(usize::MAX);
    let mut group = c.benchmark_group("ui_frame");
    group.sample_size(50);
    scrolling(&mut group, &mut h, "100k");
    h.state_mut().sort_first_pane_by_name(false);
    h.step();
    keystrokes(
        &mut group,
        &mut h,
        "keystroke_free_text_sorted",
        "worker",
        false,
    );
    keystrokes(
        &mut group,
        &mut h,
        "keystroke_typical_sorted",
        TYPICAL,
        false,
    );
    group.finish();
    drop(h);

    // A million resources (issue 16): rows derived on a worker. The frame
    // of a keystroke only hands the filter over; `…_rows` is the time from
    // the keystroke until the frame that shows the new rows.
    let mut h = app(6650, rt.handle().clone());
    let mut group = c.benchmark_group("ui_frame_1m");
    group.sample_size(20);
    scrolling(&mut group, &mut h, "1m");
    h.state_mut().sort_first_pane_by_name(false);
    h.step();
    settle(&mut h);
    keystrokes(
        &mut group,
        &mut h,
        "1m_keystroke_typical_sorted_frame",
        TYPICAL,
        false,
    );
    keystrokes(
        &mut group,
        &mut h,
        "1m_keystroke_typical_sorted_rows",
        TYPICAL,
        true,
    );
    group.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
