//! A statement on one line with its lists sorted and deduplicated
//! (`Allow s3:GetObject,s3:PutObject on arn:aws:s3:::bucket/* if
//! StringEquals aws:PrincipalOrgID=o-1`): two documents that say the same
//! thing in different orders render the same, which is what the
//! `statements` field holds and the diff compares. Account ids can be
//! mapped (to account names) before the lists are sorted, so prod and test
//! sort alike.

use super::policy::{Policy, Statement};

/// Sorted (ASCII case aside, then exactly) and deduplicated.
fn sorted(items: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = items.iter().map(String::as_str).collect();
    let folded = |s: &str| {
        s.bytes()
            .map(|b| b.to_ascii_lowercase())
            .collect::<Vec<u8>>()
    };
    v.sort_by_cached_key(|s| (folded(s), *s));
    v.dedup();
    v
}

impl Statement {
    /// The statement on one line, lists sorted and deduplicated, the Sid
    /// left out (a label, not a meaning):
    /// `EFFECT [by P,…|by all but P,…] ACTIONS|not ACTIONS [on R,…|not on
    /// R,…] [if OP KEY=V|V and …]`.
    pub fn canonical(&self) -> String {
        self.canonical_mapped(&|s: &str| s.to_string())
    }

    /// [`Statement::canonical`] with `map` applied to every principal,
    /// resource and condition value before the lists are sorted (account
    /// ids replaced by names sort as names, so prod and test agree).
    pub fn canonical_mapped(&self, map: &dyn Fn(&str) -> String) -> String {
        let mapped = |items: &[String]| -> Vec<String> { items.iter().map(|s| map(s)).collect() };
        let mut out = String::from(self.effect.as_str());
        if let Some(p) = &self.principal {
            let mut items: Vec<String> = p.items.iter().map(|p| map(&p.to_string())).collect();
            items.sort();
            items.dedup();
            out.push_str(if p.negated { " by all but " } else { " by " });
            out.push_str(&items.join(","));
        }
        out.push(' ');
        if self.action.negated {
            out.push_str("not ");
        }
        out.push_str(&sorted(&self.action.items).join(","));
        if let Some(r) = &self.resource {
            out.push_str(if r.negated { " not on " } else { " on " });
            out.push_str(&sorted(&mapped(&r.items)).join(","));
        }
        if !self.conditions.is_empty() {
            let mut conds: Vec<String> = self
                .conditions
                .iter()
                .map(|c| {
                    format!(
                        "{} {}={}",
                        c.operator,
                        c.key,
                        sorted(&mapped(&c.values)).join("|")
                    )
                })
                .collect();
            conds.sort();
            conds.dedup();
            out.push_str(" if ");
            out.push_str(&conds.join(" and "));
        }
        out
    }
}

impl Policy {
    /// The canonical line of every statement, in document order.
    pub fn canonical_lines(&self) -> Vec<String> {
        self.statements.iter().map(Statement::canonical).collect()
    }

    /// The canonical lines with `map` applied to principals, resources and
    /// condition values (see [`Statement::canonical_mapped`]).
    pub fn canonical_lines_mapped(&self, map: &dyn Fn(&str) -> String) -> Vec<String> {
        self.statements
            .iter()
            .map(|s| s.canonical_mapped(map))
            .collect()
    }
}
