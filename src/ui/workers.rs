//! Background work for the app: file dialogs, reading and writing
//! snapshots, exports. Each job runs on the tokio runtime handed to the app,
//! reports one [`WorkerEvent`] and wakes the UI, so no frame ever waits on
//! the disk or a dialog.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use super::command::{ExportFormat, WorkerEvent};
use super::state::{Loaded, Origin};
use crate::model::Estate;
use crate::query::Column;
use crate::snapshot;

/// What a worker needs to report back.
#[derive(Clone)]
pub struct Outbox {
    pub tx: Sender<WorkerEvent>,
    pub ctx: egui::Context,
}

impl Outbox {
    pub fn send(&self, event: WorkerEvent) {
        // The receiver only goes away when the app is closing.
        let _ = self.tx.send(event);
        self.ctx.request_repaint();
    }
}

pub fn load_profiles(rt: &tokio::runtime::Handle, out: Outbox) {
    rt.spawn_blocking(move || {
        out.send(WorkerEvent::Profiles(crate::collect::list_profiles()));
    });
}

/// Read a snapshot and build its indexes here, off the UI thread: at
/// 100,000 resources the index, the tag catalog and the ranks of the
/// panes' sort columns cost a few hundred milliseconds, which would
/// otherwise freeze the first frame after loading.
pub fn open_file(rt: &tokio::runtime::Handle, out: Outbox, path: PathBuf, sorts: Vec<Column>) {
    rt.spawn_blocking(move || {
        let started = std::time::Instant::now();
        let result = snapshot::read(&path)
            .map(|estate| {
                let loaded = Loaded::new(Arc::new(estate), Origin::File(path.clone()));
                loaded.warm(&sorts);
                tracing::info!(
                    "opened {} ({} resources) in {} ms",
                    path.display(),
                    loaded.estate.resources.len(),
                    started.elapsed().as_millis()
                );
                Box::new(loaded)
            })
            .map_err(|e| e.to_string());
        out.send(WorkerEvent::Opened { path, result });
    });
}

pub fn open_dialog(rt: &tokio::runtime::Handle, out: Outbox, sorts: Vec<Column>) {
    let handle = rt.clone();
    rt.spawn(async move {
        let picked = rfd::AsyncFileDialog::new()
            .set_title("Open estate snapshot")
            .add_filter("orgscope snapshot", &["json"])
            .pick_file()
            .await;
        match picked {
            Some(f) => open_file(&handle, out, f.path().to_path_buf(), sorts),
            None => out.send(WorkerEvent::Cancelled("open")),
        }
    });
}

pub fn save(rt: &tokio::runtime::Handle, out: Outbox, estate: Arc<Estate>, path: PathBuf) {
    rt.spawn_blocking(move || {
        let result = snapshot::write(&path, &estate).map_err(|e| e.to_string());
        out.send(WorkerEvent::Saved { path, result });
    });
}

pub fn save_dialog(rt: &tokio::runtime::Handle, out: Outbox, estate: Arc<Estate>) {
    let handle = rt.clone();
    rt.spawn(async move {
        let picked = rfd::AsyncFileDialog::new()
            .set_title("Save estate snapshot")
            .set_file_name("estate.json")
            .add_filter("orgscope snapshot", &["json"])
            .save_file()
            .await;
        match picked {
            Some(f) => save(&handle, out, estate, f.path().to_path_buf()),
            None => out.send(WorkerEvent::Cancelled("save")),
        }
    });
}

/// Produces an export's bytes and how many rows or boxes they hold, off
/// the UI thread; an error says why nothing can be written.
pub type Render = Box<dyn FnOnce() -> Result<(Vec<u8>, usize), String> + Send>;

/// Ask where, then write the rows; `render` turns them into bytes off the
/// UI thread.
pub fn export_dialog(
    rt: &tokio::runtime::Handle,
    out: Outbox,
    format: ExportFormat,
    suggested: String,
    render: Render,
) {
    let handle = rt.clone();
    rt.spawn(async move {
        let picked = rfd::AsyncFileDialog::new()
            .set_title(match format {
                ExportFormat::Diagram { .. } => "Export diagram",
                _ => "Export pane",
            })
            .set_file_name(format!("{suggested}.{}", format.extension()))
            .add_filter(format.extension(), &[format.extension()])
            .save_file()
            .await;
        let Some(f) = picked else {
            out.send(WorkerEvent::Cancelled("export"));
            return;
        };
        let path = f.path().to_path_buf();
        handle.spawn_blocking(move || {
            let result = render().and_then(|(bytes, count)| {
                snapshot::write_atomic(&path, &bytes)
                    .map(|()| count)
                    .map_err(|e| e.to_string())
            });
            out.send(WorkerEvent::Exported {
                path,
                result,
                unit: format.unit(),
            });
        });
    });
}
