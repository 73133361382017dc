//! The per-estate lookup tables every query, sort and group needs, built once
//! when an estate is loaded so the hot paths (filtering 100,000 rows on each
//! keystroke) only compare borrowed strings: account index by id, each
//! account's OU ancestry, VPC names, for every resource a lowercase
//! free-text haystack and its parsed address range (from its kind's network
//! field), and the interned columns of [`Table`] that let a term be decided
//! once per distinct value. The relation index ([`Links`]: each edge's far
//! end resolved, and the reverse edges) is built on first use, so opening an
//! estate does not pay for it.

use std::collections::HashMap;
use std::sync::OnceLock;

use ipnet::Ipv4Net;
use rustc_hash::FxHashMap;

use crate::model::{Edge, Estate, OrgUnit, Resource};

use super::fields::catalog;
use super::links::{Links, OUTSIDE};
use super::table::Table;

/// Lookup tables over one estate. Cheap to share by reference; rebuild
/// when the estate changes.
pub struct Context<'e> {
    estate: &'e Estate,
    account_by_id: FxHashMap<&'e str, usize>,
    /// Per account: ids, names and paths (`Workloads/Prod`) of every
    /// ancestor OU, root excluded — what `ou:` matches against.
    account_ous: Vec<Vec<String>>,
    account_ou_paths: Vec<String>,
    ou_paths: Vec<String>,
    vpc_names: FxHashMap<&'e str, &'e str>,
    pub(crate) meta: Vec<ResMeta>,
    table: Table<'e>,
    links: OnceLock<Links>,
}

/// One edge of the estate with both ends: resource `near` holds `edge`,
/// which points to resource `far` — `None` when the far end lies outside
/// the collected estate (another account, a kind not collected, a resource
/// since deleted). Indices are into `estate.resources`.
#[derive(Debug, Clone, Copy)]
pub struct Link<'e> {
    pub near: usize,
    pub edge: &'e Edge,
    pub far: Option<usize>,
}

/// Precomputed per-resource data.
#[derive(Clone)]
pub(crate) struct ResMeta {
    /// Index into `estate.accounts`, `usize::MAX` when the account is unknown.
    pub account: usize,
    /// `id \x1f name \x1f tag values...`, lowercased: one substring search
    /// answers free text without allocating.
    pub haystack: Box<str>,
    /// The kind's network field (a VPC's or subnet's CIDR, an instance's
    /// private IP as a /32).
    pub net: Option<Ipv4Net>,
}

impl<'e> Context<'e> {
    pub fn new(estate: &'e Estate) -> Self {
        let account_by_id: FxHashMap<&str, usize> = estate
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        // Map each OU id to its (id, name, path) chain from the root.
        let mut chains: HashMap<&str, Vec<(&str, &str, String)>> = HashMap::new();
        fn walk<'a>(
            node: &'a OrgUnit,
            chain: &mut Vec<(&'a str, &'a str, String)>,
            out: &mut HashMap<&'a str, Vec<(&'a str, &'a str, String)>>,
            is_root: bool,
        ) {
            if !is_root {
                let path = match chain.last() {
                    Some((_, _, p)) => format!("{p}/{}", node.name),
                    None => node.name.clone(),
                };
                chain.push((&node.id, &node.name, path));
            }
            out.insert(&node.id, chain.clone());
            for c in &node.children {
                walk(c, chain, out, false);
            }
            if !is_root {
                chain.pop();
            }
        }
        walk(&estate.tree, &mut Vec::new(), &mut chains, true);
        let mut ou_paths = Vec::new();
        for chain in chains.values() {
            if let Some((_, _, p)) = chain.last() {
                ou_paths.push(p.clone());
            }
        }
        ou_paths.sort();
        let mut account_ous = Vec::with_capacity(estate.accounts.len());
        let mut account_ou_paths = Vec::with_capacity(estate.accounts.len());
        for a in &estate.accounts {
            let mut names: Vec<String> = Vec::new();
            // Prefer the tree (it has ids); fall back to the account's own path.
            match chains.get(a.parent_id.as_str()) {
                Some(chain) => {
                    for (id, name, path) in chain {
                        names.extend([id.to_string(), name.to_string(), path.clone()]);
                    }
                }
                None => {
                    for (i, name) in a.ou_path.iter().enumerate() {
                        names.push(name.clone());
                        names.push(a.ou_path[..=i].join("/"));
                    }
                }
            }
            account_ous.push(names);
            account_ou_paths.push(a.ou_path.join("/"));
        }
        // By kind, not by reading every resource's edges: at 100,000
        // resources that extra pass over cold memory cost ~10% of the build.
        let vpc_names = estate
            .resources
            .iter()
            .filter(|r| r.is_vpc())
            .filter_map(|r| Some((r.id.as_str(), r.name.as_deref()?)))
            .collect();
        // Resources come in runs of one account: remember the last lookup.
        let mut last: Option<(&str, usize)> = None;
        let meta = estate
            .resources
            .iter()
            .map(|r| ResMeta {
                account: match last {
                    Some((id, n)) if id == r.account_id => n,
                    _ => {
                        let n = account_by_id
                            .get(r.account_id.as_str())
                            .copied()
                            .unwrap_or(usize::MAX);
                        last = Some((&r.account_id, n));
                        n
                    }
                },
                haystack: haystack(r),
                net: resource_net(r),
            })
            .collect();
        Context {
            estate,
            account_by_id,
            account_ous,
            account_ou_paths,
            ou_paths,
            vpc_names,
            meta,
            table: Table::new(&estate.resources),
            links: OnceLock::new(),
        }
    }

    /// The relation index, built on first use.
    pub(crate) fn links(&self) -> &Links {
        self.links
            .get_or_init(|| Links::new(&self.estate.resources))
    }

    /// The index of the resource `e` (an edge held by `r`) points to, or
    /// `None` when it is outside the collected estate.
    pub fn resolve(&self, r: &Resource, e: &Edge) -> Option<usize> {
        self.links().resolve(&self.estate.resources, r, e)
    }

    /// Resource `i`'s own edges, in order, with their far ends resolved.
    pub fn edges_of(&self, i: usize) -> impl Iterator<Item = Link<'e>> + '_ {
        let edges: &'e [Edge] = self
            .estate
            .resources
            .get(i)
            .map_or(&[], |r| r.relations.as_slice());
        let far = self.links().far(i);
        edges.iter().zip(far).map(move |(edge, &f)| Link {
            near: i,
            edge,
            far: (f != OUTSIDE).then_some(f as usize),
        })
    }

    /// The edges of other resources that point to resource `i` (what it
    /// contains, who is attached to it...), in resource order.
    pub fn incoming(&self, i: usize) -> impl Iterator<Item = Link<'e>> + '_ {
        let resources = &self.estate.resources;
        self.links()
            .incoming(i)
            .iter()
            .filter_map(move |&(near, j)| {
                let edge = resources.get(near as usize)?.relations.get(j as usize)?;
                Some(Link {
                    near: near as usize,
                    edge,
                    far: Some(i),
                })
            })
    }

    /// The estate's resources as interned ids.
    pub(crate) fn table(&self) -> &Table<'e> {
        &self.table
    }

    pub fn estate(&self) -> &'e Estate {
        self.estate
    }

    /// Index of an account in `estate.accounts`.
    pub fn account_index(&self, account_id: &str) -> Option<usize> {
        self.account_by_id.get(account_id).copied()
    }

    /// The account's name, or its id when the estate does not know it.
    pub fn account_name<'a>(&'a self, account_id: &'a str) -> &'a str {
        self.account_index(account_id)
            .map(|i| self.estate.accounts[i].name.as_str())
            .unwrap_or(account_id)
    }

    /// The account's OU path, `Workloads/Prod` (empty under the root).
    pub fn ou_path(&self, account_id: &str) -> &str {
        self.account_index(account_id)
            .map(|i| self.account_ou_paths[i].as_str())
            .unwrap_or("")
    }

    /// Every OU path in the tree, sorted (for completion and menus).
    pub fn ou_paths(&self) -> &[String] {
        &self.ou_paths
    }

    pub(crate) fn account_ou_terms(&self, account: usize) -> &[String] {
        self.account_ous
            .get(account)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The `Name` of a VPC by id.
    pub fn vpc_name(&self, vpc_id: &str) -> Option<&'e str> {
        self.vpc_names.get(vpc_id).copied()
    }

    /// The index of `r` in `estate.resources` when it is one of them
    /// (compared by address, so a clone is not).
    pub fn index_of(&self, r: &Resource) -> Option<usize> {
        let base = self.estate.resources.as_ptr() as usize;
        let size = std::mem::size_of::<Resource>();
        let addr = r as *const Resource as usize;
        let i = addr.checked_sub(base)? / size.max(1);
        self.estate
            .resources
            .get(i)
            .filter(|x| std::ptr::eq(*x, r))
            .map(|_| i)
    }

    /// Precomputed data for `r`, computed afresh for a resource from elsewhere.
    pub(crate) fn meta_for(&self, r: &Resource) -> std::borrow::Cow<'_, ResMeta> {
        match self.index_of(r) {
            Some(i) => std::borrow::Cow::Borrowed(&self.meta[i]),
            None => std::borrow::Cow::Owned(ResMeta {
                account: self.account_index(&r.account_id).unwrap_or(usize::MAX),
                haystack: haystack(r),
                net: resource_net(r),
            }),
        }
    }
}

fn haystack(r: &Resource) -> Box<str> {
    let parts = || {
        std::iter::once(r.id.as_str())
            .chain(r.name.as_deref())
            .chain(r.tags.values().map(String::as_str))
    };
    let len: usize = parts().map(|p| p.len() + 1).sum();
    let mut s = String::with_capacity(len);
    for (n, p) in parts().enumerate() {
        if n > 0 {
            s.push('\x1f');
        }
        // Lowercase in place of a second allocation; `to_lowercase` only for
        // the rare non-ASCII part, where lengths may change.
        if p.is_ascii() {
            let at = s.len();
            s.push_str(p);
            s[at..].make_ascii_lowercase();
        } else {
            s.push_str(&p.to_lowercase());
        }
    }
    s.into_boxed_str()
}

fn resource_net(r: &Resource) -> Option<Ipv4Net> {
    let slot = catalog().net_slot(r.kind)?;
    r.fields
        .get(slot)
        .and_then(|v| v.as_str())
        .and_then(super::parse::parse_cidr)
}
