//! What the drawing code asks for and what workers report back. Drawing
//! code pushes [`Command`]s; workers on the tokio runtime send
//! [`WorkerEvent`]s; `logic` applies both, so every state change happens in
//! one place, between frames.

use std::path::PathBuf;
use std::sync::Arc;

use super::state::{Connection, Origin, PaneId};
use crate::model::{Estate, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The pane's table.
    Csv,
    Json,
    /// A diagram: the network topology or the connectivity of the pane's
    /// rows, or the org tree.
    Diagram {
        kind: DiagramKind,
        file: DiagramFile,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramKind {
    Network,
    Connectivity,
    Org,
    /// Who can get into which account (IAM trust).
    Access,
}

/// The file a diagram is exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramFile {
    Svg,
    /// PNG at this scale.
    Png(u8),
    /// diagrams.net (mxGraph XML), for editing.
    Drawio,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Diagram { file, .. } => match file {
                DiagramFile::Svg => "svg",
                DiagramFile::Png(_) => "png",
                DiagramFile::Drawio => "drawio",
            },
        }
    }

    /// What the exported count counts, for the log line.
    pub fn unit(self) -> &'static str {
        match self {
            ExportFormat::Csv | ExportFormat::Json => "rows",
            ExportFormat::Diagram { .. } => "boxes",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Command {
    /// Ask for a snapshot file with the native dialog, then open it.
    OpenDialog,
    OpenFile(PathBuf),
    OpenDemo,
    /// Show an estate already in memory (tests, benchmarks).
    LoadEstate(Arc<Estate>, Origin),
    /// Save to the current file, or ask where when there is none.
    Save,
    SaveDialog,
    Export(PaneId, ExportFormat),
    /// Back to the welcome screen (keeps panes and settings).
    CloseEstate,
    Focus(PaneId),
    Split(PaneId),
    Close(PaneId),
    /// Open a diff of the focused pane with its neighbour.
    Compare,
    /// Tick or untick an OU / account in the focused pane's scope.
    ScopeOu(String, bool),
    ScopeAccount(String, bool),
    /// Reset the focused pane's scope to the whole estate.
    ScopeAll,
    /// The filter bar's text, as typed or completed.
    SetFilter(PaneId, String),
    SetType(PaneId, Option<Kind>),
    SetView(PaneId, super::state::PaneView),
    /// A header click: ascending, then descending, then unsorted.
    SortBy(PaneId, crate::query::Column),
    /// Sort by a column in a given direction, or not at all.
    SetSort(PaneId, Option<(crate::query::Column, bool)>),
    ToggleTagColumn(PaneId, String),
    Select(PaneId, Option<usize>),
    /// Bring a row (a position in the pane's rows) into view the next
    /// time the pane's table is drawn.
    ScrollTo(PaneId, usize),
    /// Pan and zoom of a pane's diagram after this frame's gestures.
    SetDiagramView(PaneId, Box<super::diagram_view::DiagramView>),
    /// The panes' layout after egui_tiles resized or rearranged it while
    /// drawing; applied before the other commands of the same frame.
    SetLayout(Box<egui_tiles::Tree<PaneId>>),
    Copy(String),
    SetCompare(PaneId, CompareSetting),
    /// The connect form, as edited.
    SetConnection(Box<Connection>),
    Connect,
    /// List the permission sets of the connection's (SSO) profile.
    ListPermissionSets,
    /// Run `aws sso login --profile P`, then carry on.
    SsoLogin(String),
    Refresh(RefreshScope),
    CancelCollect,
    /// The org tree's search box.
    SetTreeSearch(String),
    /// The month whose costs the tree shows.
    SetCostMonth(crate::cost::Month),
    /// List the tree's OUs and accounts most expensive first, or in
    /// Organizations' order.
    SortTreeByCost(bool),
    /// The MFA dialog's code field, as typed.
    SetMfaCode(String),
    /// The MFA dialog's answer: the code, or `None` to cancel the run.
    MfaAnswer(Option<String>),
    ToggleLog,
    SetTheme(super::state::ThemeChoice),
    /// Open or close the tag compliance window.
    ToggleCompliance,
    /// The compliance window's required keys, as typed.
    SetRequiredTags(String),
    /// A compliance cell's click: the focused pane lists the account's
    /// resources missing the tag.
    ShowMissingTag {
        account_id: String,
        key: String,
    },
}

/// One matching setting of a comparison, as edited above its table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompareSetting {
    EnvTokens(String),
    IgnoreTags(String),
    Keys(String),
    ShowSame(bool),
}

/// What a live refresh collects again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshScope {
    All,
    Pane(PaneId),
    Account(String),
}

/// Results of background work.
#[derive(Debug)]
pub enum WorkerEvent {
    /// A snapshot read and indexed, ready to install.
    Opened {
        path: PathBuf,
        result: Result<Box<super::state::Loaded>, String>,
    },
    Saved {
        path: PathBuf,
        result: Result<(), String>,
    },
    Exported {
        path: PathBuf,
        /// How many rows or boxes were written, or why nothing was.
        result: Result<usize, String>,
        unit: &'static str,
    },
    /// A dialog was dismissed: nothing to do, but the log says so.
    Cancelled(&'static str),
    /// Profile names from the user's AWS config files.
    Profiles(Vec<String>),
    /// Progress of a live collection, in the order it happened.
    Collect(Box<crate::collect::CollectEvent>),
    /// The end of a live collection: the final estate or why not.
    CollectDone(Result<Box<Estate>, super::sign_in::SignInProblem>),
    /// The permission sets of a profile's IAM Identity Center sign-in.
    PermissionSets {
        profile: Option<String>,
        result: Result<Vec<super::sign_in::PermissionSetChoice>, super::sign_in::SignInProblem>,
    },
    /// `aws sso login` ended.
    SsoLoginDone {
        profile: String,
        result: Result<(), String>,
    },
    /// A pane's rows, derived on a worker (large estates): applied only if
    /// `ticket` is still the pane's newest request.
    Rows {
        pane: super::state::PaneId,
        ticket: u64,
        rows: Vec<usize>,
        per_type: Vec<usize>,
        /// From the request to the rows, for the log.
        millis: f64,
    },
    /// A live run needs an MFA code; answer through `reply`.
    MfaRequest {
        request: crate::collect::mfa::MfaRequest,
        reply: tokio::sync::oneshot::Sender<Option<String>>,
    },
}
