//! The relation index of one estate: every edge's far end resolved to a
//! resource of the estate — by the far end's account (the edge's, else the
//! near end's) and id, preferring its region when an id repeats — or
//! marked *outside the collected estate*, plus the reverse edges (what
//! points at a resource). Stored compactly as `u32` arrays in resource
//! order (CSR), and built lazily by the [`Context`](super::Context) the
//! first time a relation filter, a relation column or the details panel
//! asks, so opening an estate does not pay for it.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use crate::model::{Edge, Resource};

/// A far end that is not in the estate.
pub(crate) const OUTSIDE: u32 = u32::MAX;

/// Owns no borrow of the estate (the [`Context`](super::Context) keeps it
/// in a `OnceLock` without making itself invariant): resources are found
/// by the hash of `(account id, resource id)` and compared on lookup.
pub(crate) struct Links {
    /// Hash of `(account id, resource id)` to the lowest resource index
    /// with that hash; `next` chains the others in index order.
    head: FxHashMap<u64, u32>,
    next: Vec<u32>,
    /// `far[offsets[i]..offsets[i + 1]]`: the far ends of resource `i`'s
    /// edges, aligned with its `relations`.
    offsets: Vec<u32>,
    far: Vec<u32>,
    /// `from[in_offsets[i]..in_offsets[i + 1]]`: `(near resource, edge
    /// index in its relations)` of every edge resolved to resource `i`.
    in_offsets: Vec<u32>,
    from: Vec<(u32, u32)>,
}

fn idx(n: usize) -> u32 {
    // An estate of four billion resources or edges does not fit in memory.
    u32::try_from(n).unwrap_or(OUTSIDE - 1)
}

fn key(account: &str, id: &str) -> u64 {
    let mut h = FxHasher::default();
    account.hash(&mut h);
    id.hash(&mut h);
    h.finish()
}

impl Links {
    pub(crate) fn new(resources: &[Resource]) -> Links {
        let n = resources.len();
        let mut head: FxHashMap<u64, u32> =
            FxHashMap::with_capacity_and_hasher(n, Default::default());
        let mut next = vec![OUTSIDE; n];
        // Backwards, so each chain runs in index order.
        for (i, r) in resources.iter().enumerate().rev() {
            if let Some(prev) = head.insert(key(&r.account_id, &r.id), idx(i)) {
                next[i] = prev;
            }
        }
        let mut links = Links {
            head,
            next,
            offsets: Vec::new(),
            far: Vec::new(),
            in_offsets: Vec::new(),
            from: Vec::new(),
        };
        let mut far = Vec::new();
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        // Counts of incoming edges, shifted by one for the prefix sum.
        let mut in_offsets = vec![0u32; n + 1];
        for r in resources {
            for e in &r.relations {
                let f = links.resolve(resources, r, e).map_or(OUTSIDE, idx);
                if f != OUTSIDE {
                    in_offsets[f as usize + 1] += 1;
                }
                far.push(f);
            }
            offsets.push(idx(far.len()));
        }
        for i in 0..n {
            in_offsets[i + 1] += in_offsets[i];
        }
        let mut from = vec![(0u32, 0u32); in_offsets[n] as usize];
        let mut fill = in_offsets.clone();
        for (i, r) in resources.iter().enumerate() {
            let start = offsets[i] as usize;
            for (j, &f) in far[start..start + r.relations.len()].iter().enumerate() {
                if f != OUTSIDE {
                    let at = &mut fill[f as usize];
                    from[*at as usize] = (idx(i), idx(j));
                    *at += 1;
                }
            }
        }
        links.offsets = offsets;
        links.far = far;
        links.in_offsets = in_offsets;
        links.from = from;
        links
    }

    /// The resource of `resources` (the estate this index was built on)
    /// that `e`, held by `r`, points to: the first with the far end's
    /// account and id, preferring one in the far end's region (an id
    /// reused across regions).
    pub(crate) fn resolve(&self, resources: &[Resource], r: &Resource, e: &Edge) -> Option<usize> {
        let account = e.account_id.as_deref().unwrap_or(&r.account_id);
        let region = e.region.as_deref().unwrap_or(&r.region);
        let mut cur = *self.head.get(&key(account, &e.to))?;
        let mut first = None;
        while let Some(x) = resources.get(cur as usize) {
            if x.id == e.to && x.account_id == account {
                if x.region == region {
                    return Some(cur as usize);
                }
                first.get_or_insert(cur as usize);
            }
            cur = self.next.get(cur as usize).copied().unwrap_or(OUTSIDE);
        }
        first
    }

    /// Far ends of resource `i`'s edges (aligned with its `relations`),
    /// [`OUTSIDE`] where not in the estate.
    pub(crate) fn far(&self, i: usize) -> &[u32] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.far[a as usize..b as usize],
            _ => &[],
        }
    }

    /// `(near resource, edge index)` of the edges resolved to resource `i`.
    pub(crate) fn incoming(&self, i: usize) -> &[(u32, u32)] {
        match (self.in_offsets.get(i), self.in_offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.from[a as usize..b as usize],
            _ => &[],
        }
    }
}
