//! The IAM facts a reviewer filters and compares by, derived from the
//! documents the collector stored and written back as ordinary fields of
//! roles, users, groups and policies (see the kinds' descriptors):
//! `trust`, `trusted_by`, `admin`, `statements`, `unused`, `key_age`,
//! `flags` and `note`. Like `model::wiring::derive`, it runs once after a
//! collection (and when the demo is generated), reads only collected
//! fields and overwrites every derived one, so it is idempotent.
//!
//! Administrator power is decided from what is attached: the AWS-managed
//! `AdministratorAccess`, or a customer-managed or inline policy with a
//! statement allowing `*` on `*`; a user is also an administrator through
//! a group that is. A customer-managed policy the estate does not have
//! (its account's IAM was not read) counts as not administrator: the flag
//! errs towards silence, and the `policies` relation still shows it.
//!
//! An administrator role trusted by another account is the finding
//! `admin-trusted-from-other-account` — except when the only other account
//! is the organization's management account, which is
//! `admin-trusted-from-management`: AWS Organizations creates exactly such
//! a role (`OrganizationAccountAccessRole`) in every account it creates,
//! so flagging it as the finding would make every account of every
//! organization red and hide the trust a reviewer must act on (a member
//! account, a vendor). It stays a flag, so `flags:admin-*` finds both.
//!
//! A document that cannot be read leaves a `note` on its resource (one
//! line per document, said once) and the rest of the resource is still
//! derived: a role with a broken inline policy still has its trust.
//!
//! Cost: every document is parsed once per run, so it is linear in the
//! documents' size. Measured with `benches/engine.rs`
//! (`access_300_accounts`: 300 accounts × 100 roles, each with a trust
//! policy and a three-statement inline policy, and 6,000 users with two
//! keys; release build, a 2-core machine at load average ~7 from other
//! builds): 0.6–0.9 s per `derive`, ~20 µs per IAM resource. Profiles show
//! allocation (small strings and JSON values) as half of it; the parser
//! no longer allocates error paths on success. Derive runs once per
//! collection, against minutes of IAM calls, so this was left there.

use rustc_hash::FxHashSet;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::policy::{self, Policy};
use super::trust::{self, Org, TrustEntry};
use crate::model::{Estate, Kind, Rel, Resource, Value, kinds};

/// Days after which a role, a key or a user counts as unused or old.
pub const STALE_DAYS: i64 = 90;

/// Fill the derived IAM fields of every role, user, group and policy of
/// `estate` (see the module doc). Idempotent.
pub fn derive(estate: &mut Estate) {
    let updates = decide(estate);
    for (i, fields) in updates {
        let Some(r) = estate.resources.get_mut(i) else {
            continue;
        };
        for (slot, value) in fields {
            if let Some(v) = r.fields.get_mut(slot) {
                *v = value;
            }
        }
    }
}

/// The derived values of one resource, by field slot.
type Update = Vec<(usize, Value)>;

fn decide(estate: &Estate) -> Vec<(usize, Update)> {
    let org = Org::of(estate);
    let now = OffsetDateTime::parse(&estate.collected_at, &Rfc3339).ok();
    let res = &estate.resources;
    // Customer-managed policies, then groups: what roles and users
    // inherit administrator power from.
    let mut out = Vec::new();
    let mut admin_policies: FxHashSet<(&str, &str)> = FxHashSet::default();
    for (i, r) in res.iter().enumerate() {
        if r.kind == kinds::IAM_POLICY {
            let (update, admin) = policy_facts(r, &org);
            if admin {
                admin_policies.insert((&r.account_id, &r.id));
            }
            out.push((i, update));
        }
    }
    let mut admin_groups: FxHashSet<(&str, &str)> = FxHashSet::default();
    for (i, r) in res.iter().enumerate() {
        if r.kind == kinds::IAM_GROUP {
            let mut f = Facts::new(r);
            let admin = f.inline(r, &org) | attached_admin(r, &admin_policies);
            if admin {
                admin_groups.insert((&r.account_id, &r.id));
            }
            f.set("admin", Value::Bool(admin));
            out.push((i, f.finish()));
        }
    }
    // Who each bucket's policy shares it with (`access::bucket`).
    for (i, r) in res.iter().enumerate() {
        if r.kind == kinds::S3_BUCKET {
            let def = r.kind.def();
            let update = super::bucket::facts(r, &org)
                .into_iter()
                .filter_map(|(name, v)| def.field_index(name).map(|slot| (slot, v)))
                .collect();
            out.push((i, update));
        }
    }
    for (i, r) in res.iter().enumerate() {
        if r.kind == kinds::IAM_ROLE {
            let management = estate
                .organization
                .as_ref()
                .map(|o| o.management_account_id.as_str());
            out.push((i, role_facts(r, &org, now, &admin_policies, management)));
        } else if r.kind == kinds::IAM_USER {
            out.push((i, user_facts(r, &org, now, &admin_policies, &admin_groups)));
        }
    }
    out
}

/// The updates of one resource being derived, and its notes.
struct Facts {
    kind: Kind,
    update: Update,
    notes: Vec<String>,
}

impl Facts {
    fn new(r: &Resource) -> Facts {
        Facts {
            kind: r.kind,
            update: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn set(&mut self, name: &str, value: Value) {
        if let Some(slot) = self.kind.def().field_index(name) {
            self.update.push((slot, value));
        }
    }

    /// The inline policies' statements (`NAME: line`, org account ids
    /// replaced by names) into `statements`; whether one allows `*` on `*`.
    fn inline(&mut self, r: &Resource, org: &Org) -> bool {
        let mut lines = Vec::new();
        let mut admin = false;
        if let Some(text) = r.text("inline_policies") {
            match policy::read_json(text) {
                Ok(serde_json::Value::Object(m)) => {
                    for (name, doc) in &m {
                        match policy::from_json(doc) {
                            Ok(p) => {
                                admin |= p.allows_everything();
                                lines.extend(
                                    p.canonical_lines_mapped(&|s| names_for_ids(s, org))
                                        .into_iter()
                                        .map(|l| format!("{name}: {l}")),
                                );
                            }
                            Err(e) => self.notes.push(format!("inline policy {name}: {e}")),
                        }
                    }
                }
                Ok(_) => self
                    .notes
                    .push("inline policies: not an object of name → document".to_string()),
                Err(e) => self.notes.push(format!("inline policies: {e}")),
            }
        }
        self.set(
            "statements",
            if lines.is_empty() {
                Value::Null
            } else {
                Value::from(lines)
            },
        );
        admin
    }

    fn finish(mut self) -> Update {
        let note = if self.notes.is_empty() {
            Value::Null
        } else {
            Value::from(self.notes.join("; "))
        };
        self.set("note", note);
        self.update
    }
}

fn policy_facts(r: &Resource, org: &Org) -> (Update, bool) {
    let mut f = Facts::new(r);
    let mut admin = false;
    let mut lines = Value::Null;
    if let Some(text) = r.text("document") {
        match policy::parse(text) {
            Ok(p) => {
                admin = p.allows_everything();
                lines = Value::from(p.canonical_lines_mapped(&|s| names_for_ids(s, org)));
            }
            Err(e) => f.notes.push(format!("document: {e}")),
        }
    }
    f.set("statements", lines);
    f.set("admin", Value::Bool(admin));
    (f.finish(), admin)
}

/// Is `AdministratorAccess` (AWS-managed) or an administrator
/// customer-managed policy attached to `r`?
fn attached_admin(r: &Resource, admin_policies: &FxHashSet<(&str, &str)>) -> bool {
    r.edges(Rel::Uses).any(|e| {
        let account = e.account_id.as_deref().unwrap_or(&r.account_id);
        if account == "aws" {
            let name = e
                .name
                .as_deref()
                .unwrap_or_else(|| e.to.rsplit('/').next().unwrap_or(&e.to));
            name == "AdministratorAccess"
        } else {
            admin_policies.contains(&(account, e.to.as_str()))
        }
    })
}

fn role_facts(
    r: &Resource,
    org: &Org,
    now: Option<OffsetDateTime>,
    admin_policies: &FxHashSet<(&str, &str)>,
    management: Option<&str>,
) -> Update {
    let mut f = Facts::new(r);
    let admin = f.inline(r, org) | attached_admin(r, admin_policies);
    f.set("admin", Value::Bool(admin));

    let mut entries: Vec<TrustEntry> = Vec::new();
    let mut trust_known = false;
    if let Some(text) = r.text("trust_policy") {
        match policy::parse(text) {
            Ok(p) => {
                entries = trust::classify(&p, &r.account_id, org);
                trust_known = true;
            }
            Err(e) => f.notes.push(format!("trust policy: {e}")),
        }
    }
    if trust_known {
        f.set(
            "trust",
            Value::from(entries.iter().map(TrustEntry::label).collect::<Vec<_>>()),
        );
        let mut classes: Vec<&str> = entries.iter().map(|e| e.truster.class()).collect();
        classes.sort_unstable();
        classes.dedup();
        f.set(
            "trusted_by",
            Value::from(classes.into_iter().map(str::to_string).collect::<Vec<_>>()),
        );
    } else {
        f.set("trust", Value::Null);
        f.set("trusted_by", Value::Null);
    }

    let unused = now.and_then(|now| {
        r.text("last_used")
            .or_else(|| r.text("created"))
            .and_then(|t| days_to(t, now))
    });
    f.set("unused", unused.map_or(Value::Null, Value::Number));

    let mut flags = Vec::new();
    let from_management = |e: &TrustEntry| matches!(&e.truster, trust::Truster::Org { id, .. } if Some(id.as_str()) == management);
    if admin
        && entries
            .iter()
            .any(|e| e.from_other_account() && !from_management(e))
    {
        flags.push("admin-trusted-from-other-account");
    } else if admin && entries.iter().any(from_management) {
        flags.push("admin-trusted-from-management");
    }
    if entries.iter().any(TrustEntry::external_without_external_id) {
        flags.push("external-without-external-id");
    }
    if entries.iter().any(TrustEntry::is_public) {
        flags.push("public-trust");
    }
    if unused.is_some_and(|d| d >= STALE_DAYS) {
        flags.push("unused-90d");
    }
    f.set("flags", flag_value(&flags));
    f.finish()
}

/// One access key as the collector stores it: `ABCD Active CREATED
/// LAST_USED` (`never` when unused).
struct Key<'a> {
    active: bool,
    created: &'a str,
    last_used: Option<&'a str>,
}

fn read_key(s: &str) -> Option<Key<'_>> {
    let mut words = s.split_whitespace();
    let (_id, status, created, last) = (words.next()?, words.next()?, words.next()?, words.next()?);
    Some(Key {
        active: status.eq_ignore_ascii_case("active"),
        created,
        last_used: (!last.eq_ignore_ascii_case("never")).then_some(last),
    })
}

fn user_facts(
    r: &Resource,
    org: &Org,
    now: Option<OffsetDateTime>,
    admin_policies: &FxHashSet<(&str, &str)>,
    admin_groups: &FxHashSet<(&str, &str)>,
) -> Update {
    let mut f = Facts::new(r);
    let in_admin_group = r.edges(Rel::InGroup).any(|e| {
        let account = e.account_id.as_deref().unwrap_or(&r.account_id);
        admin_groups.contains(&(account, e.to.as_str()))
    });
    let admin = f.inline(r, org) | attached_admin(r, admin_policies) | in_admin_group;
    f.set("admin", Value::Bool(admin));

    let mut key_age: Option<i64> = None;
    let mut unused: Option<i64> = None;
    let mut stale_key = false;
    let mut unreadable = 0;
    if let Some(keys) = r.get("access_keys") {
        for k in keys.as_list() {
            let Some(key) = read_key(k) else {
                unreadable += 1;
                continue;
            };
            if !key.active {
                continue;
            }
            let Some(now) = now else { continue };
            let age = days_to(key.created, now);
            let idle = days_to(key.last_used.unwrap_or(key.created), now);
            if age.is_none() || idle.is_none() {
                unreadable += 1;
            }
            if let Some(age) = age {
                key_age = Some(key_age.map_or(age, |a| a.max(age)));
            }
            if let Some(idle) = idle {
                unused = Some(unused.map_or(idle, |u| u.min(idle)));
                stale_key |= idle >= STALE_DAYS;
            }
        }
    }
    if unreadable > 0 {
        f.notes
            .push(format!("{unreadable} access key entries could not be read"));
    }
    f.set("key_age", key_age.map_or(Value::Null, Value::Number));
    f.set("unused", unused.map_or(Value::Null, Value::Number));
    let mut flags = Vec::new();
    if key_age.is_some_and(|d| d >= STALE_DAYS) {
        flags.push("key-older-90d");
    }
    if stale_key {
        flags.push("key-unused-90d");
    }
    f.set("flags", flag_value(&flags));
    f.finish()
}

/// Flags as a list; no flag is an empty list (known clean), not null.
fn flag_value(flags: &[&str]) -> Value {
    Value::from(flags.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

/// Whole days from the RFC 3339 time `t` to `now`, never negative (a
/// clock a little ahead of the collector's is not "used in the future").
fn days_to(t: &str, now: OffsetDateTime) -> Option<i64> {
    let then = OffsetDateTime::parse(t, &Rfc3339).ok()?;
    Some((now - then).whole_days().max(0))
}

/// `line` with every 12-digit account id of the organization replaced by
/// the account's name, so that an ARN in prod and its twin in test read
/// `arn:aws:s3:::…`/`arn:aws:iam::payments-prod:role/x` and the diff can
/// normalise them. Only whole runs of exactly 12 digits are replaced.
pub fn names_for_ids(line: &str, org: &Org) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 12
                && let Some(name) = org.name(&line[start..i])
            {
                out.push_str(&line[last..start]);
                out.push_str(name);
                last = i;
            }
        } else {
            i += 1;
        }
    }
    out.push_str(&line[last..]);
    out
}

/// The trust entries of a role, recomputed from its trust policy (`None`
/// when it has none or it cannot be read): what the access map reads.
pub fn role_trust(r: &Resource, org: &Org) -> Option<Vec<TrustEntry>> {
    let p: Policy = policy::parse(r.text("trust_policy")?).ok()?;
    Some(trust::classify(&p, &r.account_id, org))
}
