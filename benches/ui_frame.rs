//! CPU time of one frame of the desktop app with a large estate loaded:
//! `demo_estate(1000)` (about 100,000 resources) in one pane showing every
//! row, scrolled to a different place every frame; and of the frame after a
//! filter keystroke on that pane, sorted by name (the pane's rows are
//! filtered and sorted again within that frame). Runs the real app
//! headless through egui_kittest (layout, widgets, accesskit tree; no GPU
//! work), so it is an upper bound on what the app itself costs per frame.

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use orgscope::demo::demo_estate;
use orgscope::ui::{OrgscopeApp, Origin, Settings};

fn frame(c: &mut Criterion) {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("tokio runtime: {e}"),
    };
    let handle = rt.handle().clone();
    let mut h = Harness::builder()
        .with_size([1600.0, 1000.0])
        .with_max_steps(10_000)
        .build_eframe(move |cc| {
            let mut app = OrgscopeApp::with_settings(&cc.egui_ctx, Settings::default(), handle);
            app.load_estate(demo_estate(1000), Origin::Demo);
            app
        });
    h.run();
    let rows = h.state().pane_row_counts().first().copied().unwrap_or(0);
    assert!(rows >= 90_000, "expected ~100k rows, got {rows}");
    eprintln!("ui_frame: {rows} rows in the table");
    let mut pos = 0usize;
    let mut group = c.benchmark_group("ui_frame");
    group.sample_size(50);
    group.bench_function("100k_rows_scrolled", |b| {
        b.iter(|| {
            pos = (pos + 7_919) % rows;
            h.state_mut().scroll_first_pane_to(pos);
            h.step();
        })
    });
    group.bench_function("100k_rows_idle", |b| b.iter(|| h.step()));

    // A keystroke: the filter gains or loses its last character, and the
    // frame that follows filters and sorts the 100k rows again.
    h.state_mut().sort_first_pane_by_name(false);
    h.step();
    for (name, full) in [
        ("keystroke_free_text_sorted", "worker"),
        (
            "keystroke_typical_sorted",
            "env=prod type:instance -has:owner OR itype:m5.* region:eu-*",
        ),
    ] {
        let shorter = &full[..full.len() - 1];
        let mut flip = false;
        group.bench_function(name, |b| {
            b.iter(|| {
                flip = !flip;
                h.state_mut()
                    .set_first_pane_filter(if flip { full } else { shorter });
                h.step();
            })
        });
        let shown = h.state().pane_row_counts().first().copied().unwrap_or(0);
        assert!(shown > 0, "{name}: the filter left no rows");
    }
    group.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
