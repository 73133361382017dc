//! Field-level comparison of two matched resources. Compared: instance
//! type, AMI, state, platform and security groups of instances; CIDRs of
//! VPCs and subnets; security-group rules as order-independent sets with
//! group references resolved to env-normalised group names and descriptions
//! ignored; volume size, type, IOPS and encryption; and every tag except the
//! ignored (environment) ones, values compared after env normalization so
//! `Name=payments-prod-web-1` equals `Name=payments-test-web-1`. Volatile
//! fields (ids, IPs, launch times, free IP counts) are never compared.
//!
//! Most matched pairs are equal, so each comparison first checks the raw
//! values and only normalizes, formats or builds sets when they differ:
//! raw-equal values always normalize equal.

use std::collections::BTreeSet;

use crate::model::{Details, Resource, RulePeer, SgRule};

use super::FieldChange;
use super::keys::Normalizer;
use super::side::Side;

pub(crate) struct Comparer<'a> {
    pub left: &'a Side<'a>,
    pub right: &'a Side<'a>,
    pub norm: &'a Normalizer,
    /// Lowercased tag keys to skip.
    pub ignore: &'a [String],
}

fn push(out: &mut Vec<FieldChange>, field: &str, l: Option<&str>, r: Option<&str>) {
    if l != r {
        out.push(FieldChange {
            field: field.to_string(),
            left: l.map(str::to_string),
            right: r.map(str::to_string),
        });
    }
}

impl Comparer<'_> {
    pub(crate) fn changes(&self, l: &Resource, r: &Resource) -> Vec<FieldChange> {
        let mut out = Vec::new();
        match (&l.details, &r.details) {
            (Details::Instance(a), Details::Instance(b)) => {
                push(
                    &mut out,
                    "instance_type",
                    Some(&a.instance_type),
                    Some(&b.instance_type),
                );
                push(
                    &mut out,
                    "image_id",
                    a.image_id.as_deref(),
                    b.image_id.as_deref(),
                );
                push(&mut out, "state", Some(&a.state), Some(&b.state));
                push(
                    &mut out,
                    "platform",
                    a.platform.as_deref(),
                    b.platform.as_deref(),
                );
                let same_names = a.security_groups.len() == b.security_groups.len()
                    && a.security_groups
                        .iter()
                        .zip(&b.security_groups)
                        .all(|(x, y)| x.name == y.name);
                if !same_names {
                    let groups = |side: &Side, gs: &[crate::model::GroupRef]| {
                        let set: BTreeSet<String> =
                            gs.iter().map(|g| side.norm.normalize(&g.name)).collect();
                        set.into_iter().collect::<Vec<_>>().join(", ")
                    };
                    let (ga, gb) = (
                        groups(self.left, &a.security_groups),
                        groups(self.right, &b.security_groups),
                    );
                    push(&mut out, "security_groups", Some(&ga), Some(&gb));
                }
            }
            (Details::Vpc(a), Details::Vpc(b)) => {
                push(&mut out, "cidr", Some(&a.cidr_block), Some(&b.cidr_block));
                if a.cidr_block == b.cidr_block && a.cidr_blocks != b.cidr_blocks {
                    let (ca, cb) = (a.cidr_blocks.join(", "), b.cidr_blocks.join(", "));
                    push(&mut out, "cidr_blocks", Some(&ca), Some(&cb));
                }
            }
            (Details::Subnet(a), Details::Subnet(b)) => {
                push(&mut out, "cidr", Some(&a.cidr_block), Some(&b.cidr_block));
                let public = |p: bool| if p { "true" } else { "false" };
                push(
                    &mut out,
                    "public",
                    Some(public(a.public)),
                    Some(public(b.public)),
                );
            }
            (Details::SecurityGroup(a), Details::SecurityGroup(b)) => {
                if !self.same_rules(&a.ingress, &b.ingress) {
                    self.rules(&mut out, "ingress", &a.ingress, &b.ingress);
                }
                if !self.same_rules(&a.egress, &b.egress) {
                    self.rules(&mut out, "egress", &a.egress, &b.egress);
                }
            }
            (Details::Volume(a), Details::Volume(b)) => {
                if a.size_gib != b.size_gib {
                    let (sa, sb) = (a.size_gib.to_string(), b.size_gib.to_string());
                    push(&mut out, "size_gib", Some(&sa), Some(&sb));
                }
                push(
                    &mut out,
                    "volume_type",
                    Some(&a.volume_type),
                    Some(&b.volume_type),
                );
                if a.iops != b.iops {
                    let (ia, ib) = (a.iops.map(|x| x.to_string()), b.iops.map(|x| x.to_string()));
                    push(&mut out, "iops", ia.as_deref(), ib.as_deref());
                }
                let enc = |e: bool| if e { "true" } else { "false" };
                push(
                    &mut out,
                    "encrypted",
                    Some(enc(a.encrypted)),
                    Some(enc(b.encrypted)),
                );
            }
            _ => {}
        }
        self.tags(&mut out, l, r);
        out
    }

    /// Walk both tag maps in key order (what a set of the union of keys
    /// would give) without collecting the keys.
    fn tags(&self, out: &mut Vec<FieldChange>, l: &Resource, r: &Resource) {
        let ignored = |k: &str| self.ignore.iter().any(|i| i.eq_ignore_ascii_case(k));
        let (mut x, mut y) = (l.tags.iter().peekable(), r.tags.iter().peekable());
        loop {
            let (k, a, b) = match (x.peek().copied(), y.peek().copied()) {
                (None, None) => break,
                (Some((ka, va)), Some((kb, vb))) => match ka.cmp(kb) {
                    std::cmp::Ordering::Equal => {
                        x.next();
                        y.next();
                        (ka, Some(va), Some(vb))
                    }
                    std::cmp::Ordering::Less => {
                        x.next();
                        (ka, Some(va), None)
                    }
                    std::cmp::Ordering::Greater => {
                        y.next();
                        (kb, None, Some(vb))
                    }
                },
                (Some((ka, va)), None) => {
                    x.next();
                    (ka, Some(va), None)
                }
                (None, Some((kb, vb))) => {
                    y.next();
                    (kb, None, Some(vb))
                }
            };
            if ignored(k) {
                continue;
            }
            let same = match (a, b) {
                // A value that is nothing but an env token (`env=prod`)
                // normalizes to "" and is compared raw.
                (Some(a), Some(b)) => a == b || self.norm.same_nonempty(a, b),
                _ => false,
            };
            if !same {
                out.push(FieldChange {
                    field: format!("tag:{k}"),
                    left: a.cloned(),
                    right: b.cloned(),
                });
            }
        }
    }

    /// Raw-equal rule lists whose group references name the same groups
    /// on both sides give equal rule texts, so nothing to report.
    fn same_rules(&self, a: &[SgRule], b: &[SgRule]) -> bool {
        a == b
            && a.iter().all(|rule| match &rule.peer {
                RulePeer::SecurityGroup(id) => {
                    let bare = id.rsplit('/').next().unwrap_or(id);
                    self.left.sg_names.get(bare) == self.right.sg_names.get(bare)
                }
                _ => true,
            })
    }

    fn rule_text(&self, side: &Side, rule: &SgRule) -> String {
        let mut r = rule.clone();
        r.description = None;
        if let RulePeer::SecurityGroup(id) = &rule.peer {
            // `account/sg-id` for cross-account references.
            let bare = id.rsplit('/').next().unwrap_or(id);
            if let Some(name) = side.sg_names.get(bare) {
                r.peer = RulePeer::SecurityGroup(format!("sg:{}", self.norm.normalize(name)));
            }
        }
        r.to_string()
    }

    fn rules(&self, out: &mut Vec<FieldChange>, field: &str, a: &[SgRule], b: &[SgRule]) {
        let sa: BTreeSet<String> = a.iter().map(|x| self.rule_text(self.left, x)).collect();
        let sb: BTreeSet<String> = b.iter().map(|x| self.rule_text(self.right, x)).collect();
        for only in sa.difference(&sb) {
            push(out, field, Some(only), None);
        }
        for only in sb.difference(&sa) {
            push(out, field, None, Some(only));
        }
    }
}
