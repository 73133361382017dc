//! The access map: who can enter which account. Rows are the trusters —
//! every account of the organization, then the accounts outside it (by
//! id), then anyone, then AWS services and identity providers — and
//! columns the accounts of the organization that hold roles; a cell lists
//! the roles through which its row can enter its column, with their
//! flags. It is built from the roles' trust policies (classified again,
//! which is cheap and needs nothing derived), and their `flags` field
//! (filled by [`derive`](super::derive)).
//!
//! Order is stable so two runs compare line by line: accounts in the org
//! tree's order (depth first, parents first, by name within an OU; accounts
//! the tree does not place last, by name), outside accounts by id, roles
//! by name. The text renderers write one line per (truster, account, role)
//! — a long form that stays readable and greps well at 300 accounts, where
//! a grid would be thousands of characters wide; the JSON keeps the grid
//! (rows with their non-empty cells) for the diagram and scripts.
//!
//! Re-parsing the trust policies rather than reading the derived `trust`
//! strings keeps the map exact (an account's id, not a name that two
//! accounts might share) for little: 30,000 roles in 300 accounts map in
//! ~250 ms (release, on a loaded 2-core machine; `benches/engine.rs`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::derive::role_trust;
use super::trust::{Org, TrustEntry, Truster};
use crate::model::{Estate, kinds};

/// Who can enter which account (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessMap {
    /// The organization's accounts that hold roles, in tree order.
    pub columns: Vec<AccountRef>,
    pub rows: Vec<Row>,
}

/// An account of the organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRef {
    pub id: String,
    pub name: String,
    /// OU names from the root, `/`-joined (`Workloads/Prod`).
    pub ou: String,
}

/// What a row stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowKind {
    /// An account of the organization.
    Account,
    Outside,
    Anyone,
    Service,
    Federated,
    Unknown,
}

/// One truster and the accounts it can enter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub kind: RowKind,
    /// The account id (org and outside rows), the service or provider
    /// name, the principal as written; empty for anyone.
    pub id: String,
    /// `payments-prod`, `outside:999999999999`, `anyone`,
    /// `service:ec2.amazonaws.com`, `federated:Okta`.
    pub label: String,
    /// Only the non-empty cells, in column order.
    pub cells: Vec<Cell>,
}

/// The roles through which a row enters one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// Index into [`AccessMap::columns`].
    pub column: usize,
    /// The column's account id and name, repeated for scripts.
    pub account_id: String,
    pub account: String,
    pub roles: Vec<RoleAccess>,
}

/// One role a row can assume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleAccess {
    pub name: String,
    pub id: String,
    /// The role's `trust` items that let this row in
    /// (`outside:999999999999 [no ExternalId]`).
    pub via: Vec<String>,
    /// The role's flags.
    pub flags: Vec<String>,
}

/// Row identity, in row order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum RowKey {
    /// Position in the organization's account order.
    Account(usize),
    Outside(String),
    Anyone,
    Service(String),
    Federated(String),
    Unknown(String),
}

/// The organization's accounts in tree order: depth first, parents first,
/// by name within a node; accounts the tree does not place after, by
/// name. Ids are unique.
pub fn account_order(estate: &Estate) -> Vec<usize> {
    let index = estate.account_index();
    let mut seen = vec![false; estate.accounts.len()];
    let mut out = Vec::with_capacity(estate.accounts.len());
    estate.tree.walk(&mut |node, _| {
        let mut here: Vec<usize> = node
            .accounts
            .iter()
            .filter_map(|id| index.get(id.as_str()).copied())
            .filter(|&i| !seen[i])
            .collect();
        here.sort_by(|&a, &b| estate.accounts[a].name.cmp(&estate.accounts[b].name));
        here.dedup();
        for i in here {
            seen[i] = true;
            out.push(i);
        }
    });
    let mut rest: Vec<usize> = (0..estate.accounts.len()).filter(|&i| !seen[i]).collect();
    rest.sort_by(|&a, &b| {
        (&estate.accounts[a].name, &estate.accounts[a].id)
            .cmp(&(&estate.accounts[b].name, &estate.accounts[b].id))
    });
    out.extend(rest);
    out
}

/// The access map of every role of the estate.
pub fn access_map(estate: &Estate) -> AccessMap {
    access_map_of(estate, None)
}

/// The access map of the roles among `candidates` (indices into
/// `estate.resources`, e.g. what a filter kept); all roles when `None`.
pub fn access_map_of(estate: &Estate, candidates: Option<&[usize]>) -> AccessMap {
    let org = Org::of(estate);
    let order = account_order(estate);
    let index = estate.account_index();
    // Account index → position in `order`.
    let mut position = vec![0; estate.accounts.len()];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    let all: Vec<usize>;
    let roles: &[usize] = match candidates {
        Some(c) => c,
        None => {
            all = (0..estate.resources.len()).collect();
            &all
        }
    };
    // Row → account position (column-to-be) → roles.
    let mut grid: BTreeMap<RowKey, BTreeMap<usize, Vec<RoleAccess>>> = BTreeMap::new();
    let mut holds_roles = vec![false; estate.accounts.len()];
    for &i in roles {
        let Some(r) = estate.resources.get(i) else {
            continue;
        };
        if r.kind != kinds::IAM_ROLE {
            continue;
        }
        let Some(&acct) = index.get(r.account_id.as_str()) else {
            // A role of an account the organization does not list: no
            // column to put it in.
            continue;
        };
        holds_roles[acct] = true;
        let Some(entries) = role_trust(r, &org) else {
            continue;
        };
        let flags: Vec<String> = r
            .get("flags")
            .map(|v| v.as_list().to_vec())
            .unwrap_or_default();
        let mut by_row: BTreeMap<RowKey, Vec<String>> = BTreeMap::new();
        for e in &entries {
            by_row
                .entry(row_key(e, &index, &position))
                .or_default()
                .push(e.label());
        }
        for (key, via) in by_row {
            grid.entry(key)
                .or_default()
                .entry(position[acct])
                .or_default()
                .push(RoleAccess {
                    name: r.display_name().to_string(),
                    id: r.id.clone(),
                    via,
                    flags: flags.clone(),
                });
        }
    }
    // Columns: accounts holding roles, in order.
    let mut column_of = vec![None; order.len()];
    let mut columns = Vec::new();
    for (p, &i) in order.iter().enumerate() {
        if holds_roles[i] {
            column_of[p] = Some(columns.len());
            let a = &estate.accounts[i];
            columns.push(AccountRef {
                id: a.id.clone(),
                name: a.name.clone(),
                ou: a.ou_path.join("/"),
            });
        }
    }
    // Every org account is a row, trusting something or not.
    for p in 0..order.len() {
        grid.entry(RowKey::Account(p)).or_default();
    }
    let rows = grid
        .into_iter()
        .map(|(key, cells)| {
            let (kind, id, label) = match key {
                RowKey::Account(p) => {
                    let a = &estate.accounts[order[p]];
                    (RowKind::Account, a.id.clone(), a.name.clone())
                }
                RowKey::Outside(id) => (RowKind::Outside, id.clone(), format!("outside:{id}")),
                RowKey::Anyone => (RowKind::Anyone, String::new(), "anyone".to_string()),
                RowKey::Service(s) => (RowKind::Service, s.clone(), format!("service:{s}")),
                RowKey::Federated(s) => (RowKind::Federated, s.clone(), format!("federated:{s}")),
                RowKey::Unknown(s) => (RowKind::Unknown, s.clone(), format!("unknown:{s}")),
            };
            let cells = cells
                .into_iter()
                .filter_map(|(p, mut roles)| {
                    let column = column_of.get(p).copied().flatten()?;
                    roles.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
                    let c = &columns[column];
                    Some(Cell {
                        column,
                        account_id: c.id.clone(),
                        account: c.name.clone(),
                        roles,
                    })
                })
                .collect();
            Row {
                kind,
                id,
                label,
                cells,
            }
        })
        .collect();
    AccessMap { columns, rows }
}

fn row_key(
    e: &TrustEntry,
    index: &std::collections::HashMap<&str, usize>,
    position: &[usize],
) -> RowKey {
    match &e.truster {
        Truster::SameAccount { id, .. } | Truster::Org { id, .. } => match index.get(id.as_str()) {
            Some(&i) => RowKey::Account(position[i]),
            // The role's own account is always listed (the role's column
            // exists); an org truster is one by definition.
            None => RowKey::Outside(id.clone()),
        },
        Truster::Outside { id } => RowKey::Outside(id.clone()),
        Truster::Anyone => RowKey::Anyone,
        Truster::Service { name } => RowKey::Service(name.clone()),
        Truster::Federated { provider } => RowKey::Federated(provider.clone()),
        Truster::Unknown { principal } => RowKey::Unknown(principal.clone()),
    }
}

const HEADERS: [&str; 5] = ["FROM", "INTO", "ROLE", "TRUST", "FLAGS"];

impl AccessMap {
    /// One line per (truster, account, role): from, into, role name, the
    /// trust items that let it in, the role's flags.
    pub fn lines(&self) -> Vec<[String; 5]> {
        let mut out = Vec::new();
        for row in &self.rows {
            for cell in &row.cells {
                for role in &cell.roles {
                    out.push([
                        row.label.clone(),
                        cell.account.clone(),
                        role.name.clone(),
                        role.via.join("; "),
                        role.flags.join(","),
                    ]);
                }
            }
        }
        out
    }

    /// How many (truster, account, role) ways in the map holds.
    pub fn len(&self) -> usize {
        self.rows
            .iter()
            .flat_map(|r| &r.cells)
            .map(|c| c.roles.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Aligned text: a header and [`AccessMap::lines`], columns padded to
    /// their widest cell (in characters), the last one unpadded.
    pub fn to_table(&self) -> String {
        let lines = self.lines();
        let mut widths = HEADERS.map(|h| h.chars().count());
        for l in &lines {
            for (w, c) in widths.iter_mut().zip(l) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut out = String::new();
        let mut push = |cells: [&str; 5]| {
            let mut line = String::new();
            for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
                line.push_str(c);
                if i + 1 < cells.len() {
                    line.push_str(&" ".repeat(w - c.chars().count() + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        };
        push(HEADERS);
        for l in &lines {
            push([&l[0], &l[1], &l[2], &l[3], &l[4]]);
        }
        out
    }

    /// RFC 4180 CSV (see [`crate::export`]), one line per way in, with the
    /// ids next to the names.
    pub fn to_csv(&self) -> String {
        let headers: Vec<String> = [
            "from",
            "from_kind",
            "from_id",
            "into",
            "into_id",
            "role",
            "role_id",
            "trust",
            "flags",
        ]
        .map(str::to_string)
        .to_vec();
        let mut rows = Vec::new();
        for row in &self.rows {
            let kind = serde_json::to_value(row.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            for cell in &row.cells {
                for role in &cell.roles {
                    rows.push(vec![
                        row.label.clone(),
                        kind.clone(),
                        row.id.clone(),
                        cell.account.clone(),
                        cell.account_id.clone(),
                        role.name.clone(),
                        role.id.clone(),
                        role.via.join("; "),
                        role.flags.join(","),
                    ]);
                }
            }
        }
        crate::export::to_csv(&headers, rows)
    }

    /// Pretty JSON of the whole map.
    pub fn to_json(&self) -> String {
        // Plain strings, numbers and lists: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
