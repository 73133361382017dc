//! The app's state: the loaded estate with the lookups the tree needs, the
//! panes (their persisted settings and their derived rows), the settings
//! that survive restarts, and the log. Only `logic` mutates it; the drawing
//! code reads it and emits [`super::command::Command`]s.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use super::compare::DiffReport;
use super::engine::{FilterError, Suggestion};
use crate::model::{CellKey, CoverageStatus, Estate, Kind};
use crate::query::Column;
use crate::query::Context as QueryContext;

/// Where the loaded estate came from, for headers and "Save".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Demo,
    File(PathBuf),
    Live { profile: Option<String> },
}

impl Origin {
    pub fn label(&self) -> String {
        match self {
            Origin::Demo => "demo estate".into(),
            Origin::File(p) => p
                .file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into()),
            Origin::Live { profile } => format!(
                "live · {}",
                profile.as_deref().unwrap_or("default credentials")
            ),
        }
    }
}

/// An account's coverage problems, for the tree badge and its tooltip.
#[derive(Debug, Clone, Default)]
pub struct AccountHealth {
    pub resources: usize,
    /// Cells that are not `ok`, as (cell, status, code/message).
    pub issues: Vec<(CellKey, CoverageStatus, String)>,
    /// Where its data came from (an AWS Config aggregator or a live read)
    /// and how old it is.
    pub freshness: crate::model::freshness::Freshness,
}

self_cell::self_cell!(
    /// The estate together with the query index that borrows it, so the
    /// index lives as long as the loaded estate instead of being rebuilt
    /// on every keystroke (60 ms at 100,000 resources).
    pub struct QueryIndex {
        owner: Arc<Estate>,
        #[covariant]
        dependent: QueryContext,
    }
);

/// What queries need, built once per estate on first use: the query index,
/// the tag catalog and the sort ranks. Shared (`Arc`) with the worker that
/// derives a large pane's rows off the UI thread, so both read the same
/// index instead of building it twice.
pub struct Indexes {
    estate: Arc<Estate>,
    index: OnceLock<QueryIndex>,
    catalog: OnceLock<crate::query::TagCatalog>,
    sort_ranks: Mutex<HashMap<Column, Arc<Vec<u32>>>>,
}

impl Indexes {
    fn new(estate: Arc<Estate>) -> Indexes {
        Indexes {
            estate,
            index: OnceLock::new(),
            catalog: OnceLock::new(),
            sort_ranks: Mutex::new(HashMap::new()),
        }
    }

    /// The query index over the estate (built on first use).
    pub fn query(&self) -> &QueryContext<'_> {
        self.index
            .get_or_init(|| QueryIndex::new(self.estate.clone(), |e| QueryContext::new(e)))
            .borrow_dependent()
    }

    /// Tag keys and values of the whole estate, for filter completion
    /// (built on first use: one pass over every resource).
    pub fn tag_catalog(&self) -> &crate::query::TagCatalog {
        self.catalog.get_or_init(|| {
            let all: Vec<usize> = (0..self.estate.resources.len()).collect();
            crate::query::tag_catalog(self.query(), &all)
        })
    }

    /// Every resource's rank when the whole estate is sorted by `col`
    /// (equal keys share a rank), so sorting a pane's rows is a sort of
    /// integers, not of strings, on each keystroke. Two threads asking
    /// for a new column at once may both build it; the ranks are equal.
    pub fn sort_ranks(&self, col: &Column) -> Arc<Vec<u32>> {
        // A panic while the lock was held cannot leave a half-made entry
        // (entries are inserted whole), so a poisoned cache is still good.
        let cached = self
            .sort_ranks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(col)
            .cloned();
        if let Some(r) = cached {
            return r;
        }
        let ranks = Arc::new(super::engine::sort_ranks(self.query(), col));
        self.sort_ranks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(col.clone(), ranks.clone());
        ranks
    }
}

/// The estate plus lookups computed once when it is loaded. The query
/// index, tag catalog and sort ranks ([`Indexes`]) are built on first use
/// (or ahead of time by [`Loaded::warm`] on a worker), as a live
/// collection folds in a new `Loaded` every few hundred milliseconds and
/// most never need them.
pub struct Loaded {
    pub estate: Arc<Estate>,
    pub origin: Origin,
    pub health: HashMap<String, AccountHealth>,
    /// Account id → index in `estate.accounts` (the tree looks up every
    /// visible account each frame).
    pub account_pos: HashMap<String, usize>,
    /// Costs for the tree's chosen month, when the estate has costs.
    pub cost: Option<super::cost::CostView>,
    pub dirty: bool,
    indexes: OnceCell<Arc<Indexes>>,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("origin", &self.origin)
            .field("resources", &self.estate.resources.len())
            .finish_non_exhaustive()
    }
}

impl Loaded {
    pub fn new(estate: Arc<Estate>, origin: Origin) -> Loaded {
        let mut health: HashMap<String, AccountHealth> = HashMap::new();
        for (id, n) in estate.resource_counts() {
            health.entry(id.to_string()).or_default().resources = n;
        }
        for c in estate.failed_cells() {
            let detail = match (&c.code, &c.message) {
                (Some(code), Some(m)) => format!("{code}: {m}"),
                (Some(code), None) => code.clone(),
                (None, Some(m)) => m.clone(),
                (None, None) => String::new(),
            };
            health
                .entry(c.account_id.clone())
                .or_default()
                .issues
                .push((c.key(), c.status, detail));
        }
        for (id, f) in crate::model::freshness::freshness(&estate) {
            health.entry(id.to_string()).or_default().freshness = f;
        }
        let account_pos = estate
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        let cost = super::cost::CostView::new(&estate, None);
        Loaded {
            estate,
            origin,
            health,
            account_pos,
            cost,
            dirty: false,
            indexes: OnceCell::new(),
        }
    }

    /// The estate, for a live collection to change in place. The indexes
    /// are dropped first: they describe the old contents, and their `Arc`
    /// would make `Arc::make_mut` copy the whole estate on the UI thread
    /// (at 100k resources, a stutter once per fold). Panes rebuild them
    /// when the next fold marks them stale. (A rows job still running on
    /// a worker holds the old ones; a fold then copies once.)
    pub fn estate_mut(&mut self) -> &mut Estate {
        self.indexes = OnceCell::new();
        Arc::make_mut(&mut self.estate)
    }

    /// The query index, catalog and sort ranks of this estate.
    pub fn indexes(&self) -> &Arc<Indexes> {
        self.indexes
            .get_or_init(|| Arc::new(Indexes::new(self.estate.clone())))
    }

    /// The query index over the estate (built on first use).
    pub fn query(&self) -> &QueryContext<'_> {
        self.indexes().query()
    }

    /// Tag keys and values of the whole estate, for filter completion.
    pub fn tag_catalog(&self) -> &crate::query::TagCatalog {
        self.indexes().tag_catalog()
    }

    /// Ranks of every resource sorted by `col` ([`Indexes::sort_ranks`]).
    pub fn sort_ranks(&self, col: &Column) -> Arc<Vec<u32>> {
        self.indexes().sort_ranks(col)
    }

    /// Build what the first frames would otherwise build on the UI thread.
    pub fn warm(&self, sorts: &[Column]) {
        self.tag_catalog();
        for col in sorts {
            self.sort_ranks(col);
        }
    }

    pub fn account(&self, id: &str) -> Option<&crate::model::Account> {
        self.account_pos
            .get(id)
            .and_then(|&i| self.estate.accounts.get(i))
    }
}

/// Stable identity of a pane; egui_tiles stores these, the app owns the
/// pane state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PaneId(pub u64);

/// What part of the estate a pane reads. Empty sets mean "everything".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub ous: BTreeSet<String>,
    pub accounts: BTreeSet<String>,
    pub regions: BTreeSet<String>,
}

impl Scope {
    pub fn is_everything(&self) -> bool {
        self.ous.is_empty() && self.accounts.is_empty() && self.regions.is_empty()
    }

    /// Account ids this scope covers, or `None` for all accounts.
    pub fn account_ids<'a>(&self, estate: &'a Estate) -> Option<BTreeSet<&'a str>> {
        if self.ous.is_empty() && self.accounts.is_empty() {
            return None;
        }
        let mut out = BTreeSet::new();
        for ou in &self.ous {
            if let Some(node) = estate.tree.find(ou) {
                out.extend(node.account_ids_below());
            }
        }
        for a in &estate.accounts {
            if self.accounts.contains(&a.id) {
                out.insert(a.id.as_str());
            }
        }
        Some(out)
    }

    /// Short human description for the pane header.
    pub fn describe(&self, estate: Option<&Estate>) -> String {
        let mut parts: Vec<String> = Vec::new();
        for ou in &self.ous {
            let name = estate
                .and_then(|e| {
                    let mut found = None;
                    e.tree.walk(&mut |n, path| {
                        if &n.id == ou {
                            found = Some(if path.is_empty() {
                                n.name.clone()
                            } else {
                                path.join("/")
                            });
                        }
                    });
                    found
                })
                .unwrap_or_else(|| ou.clone());
            parts.push(name);
        }
        for a in &self.accounts {
            let name = estate
                .and_then(|e| e.account(a))
                .map_or_else(|| a.clone(), |acc| acc.name.clone());
            parts.push(name);
        }
        let mut s = if parts.is_empty() {
            "All accounts".to_string()
        } else if parts.len() > 3 {
            format!("{}, {} +{} more", parts[0], parts[1], parts.len() - 2)
        } else {
            parts.join(", ")
        };
        if !self.regions.is_empty() {
            s.push_str(" · ");
            s.push_str(&self.regions.iter().cloned().collect::<Vec<_>>().join(", "));
        }
        s
    }
}

/// What a pane's body shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaneView {
    #[default]
    Table,
    /// The network topology of the rows.
    Diagram,
    /// How the rows' accounts and VPCs are wired: peerings, Transit Gateways.
    Connectivity,
    /// Who can get into the rows' accounts: the access diagram of their
    /// IAM roles.
    Access,
    /// The same as a grid: truster × account, each cell the roles.
    Matrix,
}

impl PaneView {
    /// The diagram this view draws, if it draws one.
    pub fn diagram(self) -> Option<super::command::DiagramKind> {
        match self {
            PaneView::Table | PaneView::Matrix => None,
            PaneView::Diagram => Some(super::command::DiagramKind::Network),
            PaneView::Connectivity => Some(super::command::DiagramKind::Connectivity),
            PaneView::Access => Some(super::command::DiagramKind::Access),
        }
    }
}

/// The persisted part of an inventory pane.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InventoryConfig {
    pub title: String,
    pub scope: Scope,
    pub rtype: Option<Kind>,
    pub filter: String,
    pub tag_columns: Vec<String>,
    pub sort: Option<(Column, bool)>,
    pub view: PaneView,
}

/// Rows and errors derived from the config and the estate.
#[derive(Debug, Clone, Default)]
pub struct InventoryDerived {
    pub rows: Vec<usize>,
    pub per_type: Vec<usize>,
    pub error: Option<FilterError>,
    /// Set whenever something the rows depend on changed.
    pub stale: bool,
    /// The ticket of the rows job running on a worker for this pane (large
    /// estates only); the rows shown are the previous ones until it lands,
    /// and only the newest ticket's rows are kept.
    pub pending: Option<u64>,
    pub selected: Option<usize>,
    pub completions: Vec<Suggestion>,
    /// The filter text `completions` were made for: they depend on it and
    /// on the estate's tag catalog only, so new rows streaming in from a
    /// live collection do not rebuild the catalog.
    pub completions_for: Option<String>,
    /// A row to bring into view the next time the table is drawn (`logic`
    /// drops the request after that frame).
    pub scroll_to: Option<usize>,
    /// Bumped on every recompute so diffs know their inputs changed.
    pub generation: u64,
    /// The diagram of `rows` the view shows (network or connectivity),
    /// built when a diagram view is shown, with the `generation` it was
    /// built from; `logic` drops it when the view changes.
    pub scene: Option<(u64, std::sync::Arc<crate::diagram::Scene>)>,
    pub diagram: super::diagram_view::DiagramView,
    /// The access map of `rows`' roles and the scope's accounts whose IAM
    /// was not read, built when the matrix view is shown, with the
    /// `generation` it was built from.
    pub access: Option<(u64, std::sync::Arc<super::access_ui::Matrix>)>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InventoryPane {
    pub cfg: InventoryConfig,
    #[serde(skip)]
    pub derived: InventoryDerived,
}

/// A diff view between two inventory panes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComparePane {
    pub left: PaneId,
    pub right: PaneId,
    pub env_tokens: String,
    pub ignore_tags: String,
    /// Per-type match key overrides, `instance=tag:role, vpc=cidr`.
    #[serde(default)]
    pub keys: String,
    #[serde(skip)]
    pub keys_error: Option<String>,
    pub show_same: bool,
    #[serde(skip)]
    pub report: Option<DiffReport>,
    /// Cost of the left scope against the right, when the estate has
    /// costs (an error when the sums cannot be made).
    #[serde(skip)]
    pub cost: Option<Result<crate::cost::compare::CostComparison, String>>,
    #[serde(skip)]
    pub stale: bool,
    #[serde(skip)]
    pub last_inputs: (u64, u64),
}

impl ComparePane {
    pub fn new(left: PaneId, right: PaneId) -> ComparePane {
        ComparePane {
            left,
            right,
            env_tokens: crate::diff::DEFAULT_ENV_TOKENS.join(", "),
            ignore_tags: crate::diff::DEFAULT_IGNORE_TAGS.join(", "),
            keys: String::new(),
            keys_error: None,
            show_same: false,
            report: None,
            cost: None,
            stale: true,
            last_inputs: (0, 0),
        }
    }
}

// A window holds a handful of panes: boxing the larger variant would buy
// nothing but indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Pane {
    Inventory(InventoryPane),
    Compare(ComparePane),
}

/// How the connection form gets into member accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AccessMode {
    /// Assume `role_name` in every account.
    #[default]
    Role,
    /// An IAM Identity Center permission set, through the profile's sign-in.
    PermissionSet,
}

/// The connection form, remembered between runs. Fields added later
/// default, so settings written by an older version still load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Connection {
    pub profile: Option<String>,
    pub access: AccessMode,
    pub permission_set: String,
    pub role_name: String,
    pub all_regions: bool,
    pub regions: BTreeSet<String>,
    pub external_id: String,
    /// Read costs from Cost Explorer too (billed per request).
    pub cost: bool,
    /// Crawl every account, or read an AWS Config aggregator.
    pub source: SourceMode,
    /// The aggregator's name and region (empty: the profile's region).
    pub aggregator: String,
    pub aggregator_region: String,
}

/// Where the connection form reads the estate from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SourceMode {
    /// A role (or permission set) in every account.
    #[default]
    Crawl,
    /// An AWS Config aggregator in the signed-in account; refreshing an
    /// account then crawls it live (mixed mode).
    ConfigAggregator,
}

impl Default for Connection {
    fn default() -> Self {
        Connection {
            profile: None,
            access: AccessMode::Role,
            permission_set: String::new(),
            role_name: "OrganizationAccountAccessRole".into(),
            all_regions: false,
            regions: ["us-east-1", "eu-west-1"]
                .into_iter()
                .map(String::from)
                .collect(),
            external_id: String::new(),
            cost: false,
            source: SourceMode::Crawl,
            aggregator: String::new(),
            aggregator_region: String::new(),
        }
    }
}

/// Everything eframe persists between runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub recent: Vec<PathBuf>,
    pub connection: Connection,
    pub layout: Option<egui_tiles::Tree<PaneId>>,
    pub panes: BTreeMap<PaneId, Pane>,
    pub next_pane: u64,
    pub show_log: bool,
    /// Light, dark, or whatever the desktop uses (the default).
    pub theme: ThemeChoice,
    /// The tag keys the compliance view requires, as typed. Older
    /// settings without it load with `owner,env,app` (the struct's
    /// `serde(default)`).
    pub required_tags: RequiredTagsText,
    /// The tag compliance window is open.
    pub show_compliance: bool,
}

/// The compliance view's required keys as the user typed them
/// (`owner,env,app`), kept as text so a half-typed list survives; parsed
/// where the report is derived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequiredTagsText(pub String);

impl Default for RequiredTagsText {
    fn default() -> Self {
        RequiredTagsText("owner,env,app".to_string())
    }
}

/// The user's theme: egui follows the system's by default, but a desktop
/// without one (a bare X session, some tiling WMs) reports nothing, and
/// people who present or print want light regardless.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "Follow the system",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }

    pub fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        }
    }
}

impl Settings {
    pub fn remember_recent(&mut self, path: PathBuf) {
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(8);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone)]
pub struct LogLine {
    pub level: LogLevel,
    pub text: String,
}

/// A running live collection, as the status bar shows it.
#[derive(Debug, Default)]
pub struct CollectProgress {
    pub total: usize,
    pub done: usize,
    pub current: BTreeSet<String>,
    pub cancel: Option<tokio_util::sync::CancellationToken>,
    /// A refresh of some accounts into the loaded estate, not a new one.
    pub kind_partial: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// eframe's storage as the app reads it, from a stored RON string.
    struct Stored(String);

    impl eframe::Storage for Stored {
        fn get_string(&self, _key: &str) -> Option<String> {
            Some(self.0.clone())
        }
        fn set_string(&mut self, _key: &str, _value: String) {}
        fn remove_string(&mut self, _key: &str) {}
        fn flush(&mut self) {}
    }

    #[test]
    fn settings_of_an_older_or_newer_form_still_load() {
        // Written before the access mode existed, and a hand-written one
        // naming only the new fields: both load, the rest defaulted.
        for (ron, want_access) in [
            (
                r#"(connection: (profile: Some("corp"), role_name: "orgscope-reader", all_regions: false, regions: ["eu-west-1"], external_id: ""))"#,
                AccessMode::Role,
            ),
            (
                r#"(connection: (profile: Some("corp"), access: PermissionSet, permission_set: "ReadOnlyAccess"))"#,
                AccessMode::PermissionSet,
            ),
        ] {
            let settings: Settings = eframe::get_value(&Stored(ron.to_string()), "k")
                .unwrap_or_else(|| panic!("does not load: {ron}"));
            assert_eq!(settings.connection.profile.as_deref(), Some("corp"));
            assert_eq!(settings.connection.access, want_access);
        }
    }

    #[test]
    fn settings_from_before_the_compliance_view_load_with_the_default_keys() {
        let old = r#"(show_log: true, next_pane: 3)"#;
        let settings: Settings =
            eframe::get_value(&Stored(old.to_string()), "k").expect("older settings load");
        assert!(settings.show_log);
        assert_eq!(settings.required_tags.0, "owner,env,app");
        assert!(!settings.show_compliance);
        // And the keys round-trip as plain text.
        let ron = r#"(required_tags: "owner,cost-center", show_compliance: true)"#;
        let settings: Settings = eframe::get_value(&Stored(ron.to_string()), "k").expect("loads");
        assert_eq!(settings.required_tags.0, "owner,cost-center");
        assert!(settings.show_compliance);
    }

    #[test]
    fn a_live_update_changes_the_estate_in_place_even_after_the_index_was_built() {
        let mut loaded = Loaded::new(Arc::new(crate::demo::demo_estate(3)), Origin::Demo);
        let rows_before = loaded.estate.resources.len();
        assert!(rows_before > 0);
        // What a pane does on its first frame: the index now shares the estate.
        let _ = loaded.query();
        loaded.tag_catalog();
        let before = Arc::as_ptr(&loaded.estate);
        loaded.estate_mut().resources.pop();
        assert_eq!(
            Arc::as_ptr(&loaded.estate),
            before,
            "the whole estate was copied"
        );
        // The next query sees the change, not a stale index.
        let _ = loaded.query();
        assert_eq!(loaded.estate.resources.len(), rows_before - 1);
    }
}
