//! The only place app state changes: once per frame, before drawing, this
//! retires the one-frame requests the last frame acted on, turns keyboard
//! shortcuts into commands, drains worker events (time-boxed so a burst of
//! results cannot stall a frame), applies the commands the previous frame's
//! drawing emitted, and recomputes the rows of panes whose inputs changed.
//! Its helpers `live` (worker events of a live run), `derive` (rows and
//! diffs) and `export` are logic-side too and are called only from here.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Key, KeyboardShortcut, Modifiers};
use egui_tiles::{Container, LinearDir, Tile, TileId, Tree};

use super::app::OrgscopeApp;
use super::command::{Command, WorkerEvent};
use super::state::{ComparePane, InventoryPane, Loaded, LogLevel, LogLine, Origin, Pane, PaneId};
use crate::model::Estate;

/// How long one frame may spend applying worker results.
const DRAIN_BUDGET: Duration = Duration::from_millis(4);

pub fn run(app: &mut OrgscopeApp, ctx: &egui::Context) {
    retire_scroll_requests(app);
    shortcuts(app, ctx);
    drain(app);
    let commands = std::mem::take(&mut app.commands);
    for c in commands {
        apply(app, c);
    }
    super::live::fold_in(app);
    super::derive::refresh(app);
    super::compliance::refresh(app);
}

/// A table scrolls to a requested row in the frame after the command, then
/// leaves scrolling to the user. A pane showing its diagram keeps the
/// request until the user switches back to the table.
fn retire_scroll_requests(app: &mut OrgscopeApp) {
    for pane in app.settings.panes.values_mut() {
        if let Pane::Inventory(p) = pane
            && p.cfg.view == super::state::PaneView::Table
        {
            p.derived.scroll_to = None;
        }
    }
}

/// Opens and closes the tag compliance window (T for tags).
pub const COMPLIANCE_SHORTCUT: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::T);

fn shortcuts(app: &mut OrgscopeApp, ctx: &egui::Context) {
    let save = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
    let open = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
    let find = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
    let tags = COMPLIANCE_SHORTCUT;
    let mut find_pressed = false;
    ctx.input_mut(|i| {
        // Before Ctrl+F and the others: consume_shortcut ignores extra
        // modifiers, so the Shift chord must be taken first.
        if i.consume_shortcut(&tags) {
            app.commands.push(Command::ToggleCompliance);
        }
        if i.consume_shortcut(&save) {
            app.commands.push(Command::Save);
        }
        if i.consume_shortcut(&open) {
            app.commands.push(Command::OpenDialog);
        }
        find_pressed = i.consume_shortcut(&find);
    });
    // Keyboard focus is egui's: ask for it before the filter is drawn.
    if find_pressed
        && let Some(id) = app.focused
        && matches!(app.settings.panes.get(&id), Some(Pane::Inventory(_)))
    {
        ctx.memory_mut(|m| m.request_focus(super::panes_ui::filter_id(id)));
    }
}

fn drain(app: &mut OrgscopeApp) {
    let deadline = Instant::now() + DRAIN_BUDGET;
    let mut events = std::mem::take(&mut app.pending);
    loop {
        if Instant::now() >= deadline {
            // More results may be waiting: take them next frame, not now.
            app.ctx.request_repaint();
            break;
        }
        match app.rx.try_recv() {
            Ok(e) => events.push(e),
            Err(_) => break,
        }
    }
    for e in events {
        handle_event(app, e);
    }
}

fn handle_event(app: &mut OrgscopeApp, e: WorkerEvent) {
    match e {
        WorkerEvent::Opened { path, result } => match result {
            Ok(loaded) => {
                app.settings.remember_recent(path.clone());
                log(app, LogLevel::Info, format!("Opened {}", path.display()));
                install_loaded(app, *loaded);
            }
            Err(err) => log(app, LogLevel::Error, err),
        },
        WorkerEvent::Saved { path, result } => match result {
            Ok(()) => {
                app.settings.remember_recent(path.clone());
                if let Some(l) = &mut app.loaded {
                    l.origin = Origin::File(path.clone());
                    l.dirty = false;
                }
                log(app, LogLevel::Info, format!("Saved {}", path.display()));
            }
            Err(err) => log(app, LogLevel::Error, err),
        },
        WorkerEvent::Exported { path, result, unit } => match result {
            Ok(n) => log(
                app,
                LogLevel::Info,
                format!("Exported {n} {unit} to {}", path.display()),
            ),
            Err(err) => log(app, LogLevel::Error, err),
        },
        WorkerEvent::Cancelled(what) => {
            app.status = format!("{what} cancelled");
        }
        WorkerEvent::Profiles(p) => app.profiles = p,
        WorkerEvent::Rows {
            pane,
            ticket,
            rows,
            per_type,
            millis,
        } => super::derive::rows_arrived(app, pane, ticket, rows, per_type, millis),
        WorkerEvent::Collect(ev) => super::live::on_event(app, *ev),
        WorkerEvent::CollectDone(result) => super::live::on_done(app, result),
        WorkerEvent::PermissionSets { profile, result } => {
            super::sign_in::on_permission_sets(app, profile, result);
        }
        WorkerEvent::SsoLoginDone { profile, result } => {
            super::sign_in::on_sso_login_done(app, profile, result);
        }
        WorkerEvent::MfaRequest { request, reply } => {
            super::live::on_mfa_request(app, request, reply);
        }
    }
}

pub fn log(app: &mut OrgscopeApp, level: LogLevel, text: String) {
    app.status = text.clone();
    if level == LogLevel::Error {
        // Errors open the log so they are seen, without a modal in the way.
        app.settings.show_log = true;
    }
    app.log.push(LogLine { level, text });
    if app.log.len() > 1000 {
        app.log.drain(..app.log.len() - 1000);
    }
}

pub fn install_estate(app: &mut OrgscopeApp, estate: Arc<Estate>, origin: Origin) {
    install_loaded(app, Loaded::new(estate, origin));
}

pub fn install_loaded(app: &mut OrgscopeApp, loaded: Loaded) {
    app.loaded = Some(loaded);
    ensure_layout(app);
    for pane in app.settings.panes.values_mut() {
        match pane {
            Pane::Inventory(p) => {
                p.derived = Default::default();
                p.derived.stale = true;
            }
            Pane::Compare(c) => c.stale = true,
        }
    }
}

/// Make sure there is a layout with at least one inventory pane and that
/// the layout and the pane map agree (a restored layout may not).
pub fn ensure_layout(app: &mut OrgscopeApp) {
    let s = &mut app.settings;
    let mut tree = s
        .layout
        .take()
        .unwrap_or_else(|| Tree::empty(egui::Id::unique("panes")));
    let ids: Vec<(TileId, PaneId)> = tree
        .tiles
        .iter()
        .filter_map(|(tid, t)| match t {
            Tile::Pane(p) => Some((*tid, *p)),
            Tile::Container(_) => None,
        })
        .collect();
    for (tid, pid) in &ids {
        if !s.panes.contains_key(pid) {
            tree.remove_recursively(*tid);
        }
    }
    s.panes.retain(|pid, _| ids.iter().any(|(_, p)| p == pid));
    let any_inventory = s.panes.values().any(|p| matches!(p, Pane::Inventory(_)));
    if !any_inventory || tree.root().is_none() {
        s.panes.clear();
        s.next_pane = s.next_pane.max(1);
        let id = PaneId(s.next_pane);
        s.next_pane += 1;
        let mut pane = InventoryPane::default();
        pane.cfg.title = "Inventory".into();
        // Named resources first: AWS defaults (unnamed VPCs, subnets) sort
        // last, where they distract least.
        pane.cfg.sort = Some((crate::query::Column::Name, false));
        pane.derived.stale = true;
        s.panes.insert(id, Pane::Inventory(pane));
        tree = Tree::new_horizontal(egui::Id::unique("panes"), vec![id]);
    }
    for pane in s.panes.values_mut() {
        match pane {
            Pane::Inventory(p) => p.derived.stale = true,
            Pane::Compare(c) => c.stale = true,
        }
    }
    s.layout = Some(tree);
    if app
        .focused
        .is_none_or(|f| !app.settings.panes.contains_key(&f))
    {
        app.focused = inventory_panes_in_order(app).first().copied();
    }
}

/// Inventory panes left to right as the layout shows them.
pub fn inventory_panes_in_order(app: &OrgscopeApp) -> Vec<PaneId> {
    let mut out = Vec::new();
    if let Some(tree) = &app.settings.layout
        && let Some(root) = tree.root()
    {
        collect_panes(tree, root, &mut out);
    }
    out.retain(|id| matches!(app.settings.panes.get(id), Some(Pane::Inventory(_))));
    out
}

fn collect_panes(tree: &Tree<PaneId>, tile: TileId, out: &mut Vec<PaneId>) {
    match tree.tiles.get(tile) {
        Some(Tile::Pane(p)) => out.push(*p),
        Some(Tile::Container(c)) => {
            for child in c.children() {
                collect_panes(tree, *child, out);
            }
        }
        None => {}
    }
}

fn focused_inventory(app: &mut OrgscopeApp) -> Option<&mut InventoryPane> {
    let id = app.focused?;
    match app.settings.panes.get_mut(&id) {
        Some(Pane::Inventory(p)) => Some(p),
        _ => None,
    }
}

fn inventory(app: &mut OrgscopeApp, id: PaneId) -> Option<&mut InventoryPane> {
    match app.settings.panes.get_mut(&id) {
        Some(Pane::Inventory(p)) => Some(p),
        _ => None,
    }
}

fn new_pane_id(app: &mut OrgscopeApp) -> PaneId {
    let s = &mut app.settings;
    s.next_pane = s.next_pane.max(1);
    let id = PaneId(s.next_pane);
    s.next_pane += 1;
    id
}

/// Put `new` next to `existing` in the given direction, reusing a parent
/// container of that direction so repeated splits make columns, not a
/// staircase.
fn place_beside(tree: &mut Tree<PaneId>, existing: TileId, new: TileId, dir: LinearDir) {
    let parent = tree.tiles.parent_of(existing);
    if let Some(pid) = parent
        && let Some(Tile::Container(Container::Linear(lin))) = tree.tiles.get_mut(pid)
        && lin.dir == dir
    {
        let pos = lin
            .children
            .iter()
            .position(|c| *c == existing)
            .map_or(lin.children.len(), |p| p + 1);
        lin.children.insert(pos, new);
        return;
    }
    let wrapper = match dir {
        LinearDir::Horizontal => tree.tiles.insert_horizontal_tile(vec![existing, new]),
        LinearDir::Vertical => tree.tiles.insert_vertical_tile(vec![existing, new]),
    };
    match parent {
        Some(pid) => {
            if let Some(Tile::Container(c)) = tree.tiles.get_mut(pid)
                && c.replace_child(existing, wrapper).is_none()
            {
                // Not found under its own parent: keep the new pair reachable.
                c.add_child(wrapper);
            }
        }
        None => tree.root = Some(wrapper),
    }
}

/// The sort columns of the inventory panes, whose ranks a new estate
/// should have ready.
fn pane_sorts(app: &OrgscopeApp) -> Vec<crate::query::Column> {
    let mut sorts: Vec<_> = app
        .settings
        .panes
        .values()
        .filter_map(|p| match p {
            Pane::Inventory(p) => p.cfg.sort.as_ref().map(|(c, _)| c.clone()),
            Pane::Compare(_) => None,
        })
        .collect();
    sorts.dedup();
    sorts
}

fn apply(app: &mut OrgscopeApp, c: Command) {
    match c {
        Command::OpenDialog => {
            super::workers::open_dialog(&app.rt, app.outbox(), pane_sorts(app));
        }
        Command::OpenFile(path) => {
            app.status = format!("Opening {}…", path.display());
            super::workers::open_file(&app.rt, app.outbox(), path, pane_sorts(app));
        }
        Command::OpenDemo => {
            // Generating the demo is pure and takes milliseconds.
            let estate = crate::demo::demo_estate(crate::demo::DEFAULT_ACCOUNTS);
            log(app, LogLevel::Info, "Opened the demo estate".into());
            install_estate(app, Arc::new(estate), Origin::Demo);
        }
        Command::LoadEstate(estate, origin) => install_estate(app, estate, origin),
        Command::Save => {
            let Some(l) = &app.loaded else { return };
            match &l.origin {
                Origin::File(p) => {
                    let (estate, path) = (l.estate.clone(), p.clone());
                    app.status = format!("Saving {}…", path.display());
                    super::workers::save(&app.rt, app.outbox(), estate, path);
                }
                _ => apply(app, Command::SaveDialog),
            }
        }
        Command::SaveDialog => {
            if let Some(l) = &app.loaded {
                super::workers::save_dialog(&app.rt, app.outbox(), l.estate.clone());
            }
        }
        Command::Export(id, format) => super::export::start(app, id, format),
        Command::CloseEstate => app.loaded = None,
        Command::Focus(id) => app.focused = Some(id),
        Command::Split(id) => split(app, id),
        Command::Close(id) => close(app, id),
        Command::Compare => compare(app),
        Command::ScopeOu(ou, on) => {
            if let Some(p) = focused_inventory(app) {
                if on {
                    p.cfg.scope.ous.insert(ou);
                } else {
                    p.cfg.scope.ous.remove(&ou);
                }
                p.derived.stale = true;
            }
        }
        Command::ScopeAccount(acc, on) => {
            if let Some(p) = focused_inventory(app) {
                if on {
                    p.cfg.scope.accounts.insert(acc);
                } else {
                    p.cfg.scope.accounts.remove(&acc);
                }
                p.derived.stale = true;
            }
        }
        Command::ScopeAll => {
            if let Some(p) = focused_inventory(app) {
                p.cfg.scope = Default::default();
                p.derived.stale = true;
            }
        }
        Command::SetFilter(id, text) => {
            if let Some(p) = inventory(app, id)
                && p.cfg.filter != text
            {
                p.cfg.filter = text;
                p.derived.stale = true;
            }
        }
        Command::SetType(id, t) => {
            if let Some(p) = inventory(app, id) {
                p.cfg.rtype = t;
                if p.cfg.sort.as_ref().is_some_and(|(c, _)| {
                    !crate::query::Column::defaults(t).contains(c)
                        && !matches!(c, crate::query::Column::Tag(_))
                }) {
                    p.cfg.sort = None;
                }
                p.derived.stale = true;
            }
        }
        Command::SetView(id, view) => {
            if let Some(p) = inventory(app, id)
                && p.cfg.view != view
            {
                p.cfg.view = view;
                // Another diagram of the same rows: built afresh.
                p.derived.scene = None;
                p.derived.access = None;
            }
        }
        Command::SortBy(id, col) => {
            if let Some(p) = inventory(app, id) {
                p.cfg.sort = match p.cfg.sort.take() {
                    Some((c, false)) if c == col => Some((c, true)),
                    Some((c, true)) if c == col => None,
                    _ => Some((col, false)),
                };
                p.derived.stale = true;
            }
        }
        Command::SetSort(id, sort) => {
            if let Some(p) = inventory(app, id) {
                p.cfg.sort = sort;
                p.derived.stale = true;
            }
        }
        Command::ToggleTagColumn(id, key) => {
            if let Some(p) = inventory(app, id) {
                if let Some(pos) = p.cfg.tag_columns.iter().position(|k| *k == key) {
                    p.cfg.tag_columns.remove(pos);
                } else {
                    p.cfg.tag_columns.push(key);
                }
            }
        }
        Command::Select(id, r) => {
            if let Some(p) = inventory(app, id) {
                p.derived.selected = r;
            }
        }
        Command::ScrollTo(id, row) => {
            if let Some(p) = inventory(app, id) {
                p.derived.scroll_to = Some(row);
            }
        }
        Command::SetDiagramView(id, view) => {
            if let Some(p) = inventory(app, id) {
                p.derived.diagram = *view;
            }
        }
        Command::SetLayout(tree) => app.settings.layout = Some(*tree),
        Command::Copy(text) => {
            app.status = format!("Copied {text}");
            app.ctx.copy_text(text);
        }
        Command::SetCompare(id, setting) => {
            if let Some(Pane::Compare(c)) = app.settings.panes.get_mut(&id) {
                use super::command::CompareSetting;
                match setting {
                    CompareSetting::EnvTokens(t) => c.env_tokens = t,
                    CompareSetting::IgnoreTags(t) => c.ignore_tags = t,
                    CompareSetting::Keys(t) => c.keys = t,
                    CompareSetting::ShowSame(on) => c.show_same = on,
                }
                c.stale = true;
            }
        }
        Command::SetConnection(conn) => app.settings.connection = *conn,
        Command::Connect => super::sign_in::connect(app),
        Command::ListPermissionSets => super::sign_in::list_permission_sets(app),
        Command::SsoLogin(profile) => super::sign_in::sso_login(app, profile),
        Command::Refresh(scope) => super::live::refresh(app, scope),
        Command::CancelCollect => {
            if let Some(p) = &app.progress
                && let Some(t) = &p.cancel
            {
                t.cancel();
            }
        }
        Command::SetTreeSearch(text) => app.tree_search = text,
        Command::SortTreeByCost(on) => app.tree_sort_by_cost = on,
        Command::SetCostMonth(month) => {
            if let Some(l) = &mut app.loaded {
                l.cost = super::cost::CostView::new(&l.estate, Some(month));
            }
            for pane in app.settings.panes.values_mut() {
                if let Pane::Compare(c) = pane {
                    c.stale = true;
                }
            }
        }
        Command::SetMfaCode(code) => {
            if let Some(d) = &mut app.mfa {
                d.code = code;
            }
        }
        Command::MfaAnswer(code) => super::live::on_mfa_answer(app, code),
        Command::ToggleLog => app.settings.show_log = !app.settings.show_log,
        Command::SetTheme(choice) => {
            app.settings.theme = choice;
            app.ctx.set_theme(choice.preference());
        }
        Command::ToggleCompliance => {
            app.settings.show_compliance = !app.settings.show_compliance;
        }
        Command::SetRequiredTags(text) => app.settings.required_tags.0 = text,
        Command::ShowMissingTag { account_id, key } => {
            // The whole estate, every kind, this filter: exactly what the
            // cell counted.
            let filter = super::compliance::missing_filter(app, &account_id, &key);
            let Some(id) = app
                .focused
                .filter(|id| matches!(app.settings.panes.get(id), Some(Pane::Inventory(_))))
            else {
                let text = format!("Focus a table pane to list {filter}");
                log(app, LogLevel::Warn, text);
                return;
            };
            if let Some(p) = inventory(app, id) {
                p.cfg.scope = Default::default();
                p.derived.stale = true;
            }
            apply(app, Command::SetType(id, None));
            apply(app, Command::SetFilter(id, filter.clone()));
            log(app, LogLevel::Info, format!("Showing {filter}"));
        }
    }
}

fn split(app: &mut OrgscopeApp, id: PaneId) {
    let Some(Pane::Inventory(src)) = app.settings.panes.get(&id) else {
        return;
    };
    let mut pane = InventoryPane {
        cfg: src.cfg.clone(),
        derived: Default::default(),
    };
    // A new pane starts on the whole estate: the usual next step is to tick
    // a different OU for it.
    pane.cfg.scope = Default::default();
    pane.derived.stale = true;
    let new = new_pane_id(app);
    pane.cfg.title = format!("Pane {}", new.0);
    app.settings.panes.insert(new, Pane::Inventory(pane));
    if let Some(tree) = &mut app.settings.layout
        && let Some(existing) = tree.tiles.find_pane(&id)
    {
        let tile = tree.tiles.insert_pane(new);
        place_beside(tree, existing, tile, LinearDir::Horizontal);
    }
    app.focused = Some(new);
}

fn close(app: &mut OrgscopeApp, id: PaneId) {
    let inventories = inventory_panes_in_order(app);
    if inventories.len() <= 1 && inventories.contains(&id) {
        return;
    }
    let mut doomed = vec![id];
    for (pid, p) in &app.settings.panes {
        if let Pane::Compare(c) = p
            && (c.left == id || c.right == id)
        {
            doomed.push(*pid);
        }
    }
    if let Some(tree) = &mut app.settings.layout {
        for d in &doomed {
            if let Some(t) = tree.tiles.find_pane(d) {
                tree.remove_recursively(t);
            }
        }
        tree.simplify(&egui_tiles::SimplificationOptions {
            all_panes_must_have_tabs: false,
            ..Default::default()
        });
    }
    for d in doomed {
        app.settings.panes.remove(&d);
    }
    if app.focused == Some(id) {
        app.focused = inventory_panes_in_order(app).first().copied();
    }
}

fn compare(app: &mut OrgscopeApp) {
    let order = inventory_panes_in_order(app);
    if order.len() < 2 {
        log(
            app,
            LogLevel::Warn,
            "Compare needs two panes: split this pane and give each side its own scope".into(),
        );
        return;
    }
    let focused = app
        .focused
        .filter(|f| order.contains(f))
        .unwrap_or(order[0]);
    let pos = order.iter().position(|p| *p == focused).unwrap_or(0);
    let (left, right) = if pos + 1 < order.len() {
        (order[pos], order[pos + 1])
    } else {
        (order[pos - 1], order[pos])
    };
    // Re-use an open diff of the same pair instead of stacking another.
    let existing = app.settings.panes.iter().find_map(|(id, p)| match p {
        Pane::Compare(c) if c.left == left && c.right == right => Some(*id),
        _ => None,
    });
    if let Some(id) = existing {
        if let Some(Pane::Compare(c)) = app.settings.panes.get_mut(&id) {
            c.stale = true;
        }
        app.focused = Some(id);
        return;
    }
    let id = new_pane_id(app);
    app.settings
        .panes
        .insert(id, Pane::Compare(ComparePane::new(left, right)));
    if let Some(tree) = &mut app.settings.layout
        && let Some(root) = tree.root()
    {
        let tile = tree.tiles.insert_pane(id);
        let wrapper = tree.tiles.insert_vertical_tile(vec![root, tile]);
        tree.root = Some(wrapper);
    }
}
