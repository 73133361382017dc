//! The load balancer path in from the internet: which listeners each
//! load balancer has, which instances an internet-facing one reaches
//! (listener → target group → registered instance), and the words that
//! name that path and a load balancer's own answer.

use std::fmt::Write as _;

use rustc_hash::FxHashMap;

use super::{LISTENERS, LbPath, Wiring, far_key, field, text};
use crate::model::{Rel, Resource, Value, kinds};

impl<'e> Wiring<'e> {
    /// Listeners by load balancer, and the instances each internet-facing
    /// load balancer's listeners reach through their target groups.
    pub(super) fn index_load_balancers(&mut self) {
        let res = self.res;
        // Target group → (listener, load balancer) forwarding to it.
        let mut into_tg: FxHashMap<usize, Vec<(usize, usize)>> = FxHashMap::default();
        for (i, r) in res.iter().enumerate() {
            if r.kind != kinds::LISTENER {
                continue;
            }
            let Some(lb) = r
                .edges(Rel::AttachedTo)
                .find_map(|e| self.find(r, e, kinds::LOAD_BALANCER))
            else {
                continue;
            };
            self.listeners.entry(lb).or_default().push(i);
            if !self.internet_facing(&res[lb]) {
                continue;
            }
            for e in r.edges(Rel::Targets) {
                if let Some(tg) = self.find(r, e, kinds::TARGET_GROUP) {
                    into_tg.entry(tg).or_default().push((i, lb));
                }
            }
        }
        // In resource order, so each instance's paths are too.
        let mut groups: Vec<(usize, Vec<(usize, usize)>)> = into_tg.into_iter().collect();
        groups.sort_unstable_by_key(|(tg, _)| *tg);
        for (tg, ways) in groups {
            let r = &res[tg];
            for e in r.edges(Rel::Targets) {
                // An `ip` or `lambda` target has no kind: not an instance.
                if e.kind != Some(kinds::INSTANCE) {
                    continue;
                }
                if let Some(&inst) = self.by_key.get(&far_key(r, e, kinds::INSTANCE)) {
                    let paths = self.lb_paths.entry(inst).or_default();
                    paths.extend(
                        ways.iter()
                            .map(|&(listener, lb)| LbPath { tg, listener, lb }),
                    );
                }
            }
        }
    }

    pub(super) fn internet_facing(&self, lb: &Resource) -> bool {
        text(lb, self.slots.scheme) == Some("internet-facing")
            && text(lb, self.slots.lb_state) != Some("failed")
    }

    /// `target of TG via internet-facing LB PROTO:PORT`, for each path (a
    /// few, then how many more).
    pub(super) fn lb_words(&self, paths: &[LbPath], out: &mut String) {
        const SHOWN: usize = 3;
        let mut words: Vec<String> = Vec::new();
        for p in paths {
            let w = format!(
                "target of {} via internet-facing {} {}",
                self.res[p.tg].display_name(),
                self.res[p.lb].display_name(),
                self.listener_words(&self.res[p.listener]),
            );
            if !words.contains(&w) {
                words.push(w);
            }
        }
        let more = words.len().saturating_sub(SHOWN);
        words.truncate(SHOWN);
        out.push_str(&words.join("; "));
        if more > 0 {
            let _ = write!(out, "; and {more} more");
        }
    }

    /// `internet` and `internet_why` of load balancer `i`.
    pub(super) fn load_balancer(&self, i: usize) -> (Option<&'static str>, Option<String>) {
        let r = &self.res[i];
        match text(r, self.slots.scheme) {
            Some("internet-facing") => {
                if text(r, self.slots.lb_state) == Some("failed") {
                    return (Some("unreachable"), Some("failed".to_string()));
                }
                let port = |l: &Resource| field(l, self.slots.port).and_then(Value::as_number);
                let mut ls: Vec<&Resource> = self
                    .listeners
                    .get(&i)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .map(|&l| &self.res[l])
                    .collect();
                ls.sort_by_key(|l| (port(l), text(l, self.slots.protocol)));
                let why = if !ls.is_empty() {
                    let words: Vec<String> = ls.iter().map(|l| self.listener_words(l)).collect();
                    format!("internet-facing, listeners {}", words.join(", "))
                } else if self.collected(&r.account_id, &r.region) & LISTENERS != 0 {
                    "internet-facing, no listeners".to_string()
                } else {
                    "internet-facing, listeners not collected".to_string()
                };
                (Some("reachable"), Some(why))
            }
            Some("internal") => (Some("unreachable"), Some("internal".to_string())),
            _ => (None, None),
        }
    }

    /// `HTTPS:443` from a listener's fields (its id when it has neither).
    pub(super) fn listener_words(&self, l: &Resource) -> String {
        let port = field(l, self.slots.port).and_then(Value::as_number);
        match (text(l, self.slots.protocol), port) {
            (Some(p), Some(n)) => format!("{p}:{n}"),
            (Some(p), None) => p.to_string(),
            (None, Some(n)) => format!("port {n}"),
            (None, None) => l.display_name().to_string(),
        }
    }
}
