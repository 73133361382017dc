//! Cost of one scope against another (prod vs test of an app, an OU vs
//! an OU) for a month: by service, and by account paired across
//! environments with the diff's own normalisation (`payments-prod` and
//! `payments-test` both read `payments`), so "test costs as much as prod"
//! is one row per app rather than two accounts to find and subtract.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{CostError, Costs, Decimal, DecimalError, Month};
use crate::diff::normalize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareRow {
    /// A service, or a normalised account name.
    pub key: String,
    pub left: Decimal,
    pub right: Decimal,
}

impl CompareRow {
    /// Right minus left, exact.
    pub fn delta(&self) -> Option<Decimal> {
        self.right.checked_sub(self.left)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostComparison {
    pub month: Month,
    pub unit: String,
    pub left_total: Decimal,
    pub right_total: Decimal,
    /// Largest difference first.
    pub by_service: Vec<CompareRow>,
    /// Accounts paired by name without environment words; largest
    /// difference first.
    pub by_account: Vec<CompareRow>,
}

fn overflow() -> CostError {
    CostError::Decimal(DecimalError::Overflow)
}

/// Compare the accounts `left` with the accounts `right` in `month`
/// (default: the last full month). `names` gives account names for the
/// pairing; `env_tokens` are the words the diff ignores in names.
pub fn compare(
    costs: &Costs,
    month: Option<Month>,
    (left, right): (&HashSet<&str>, &HashSet<&str>),
    names: &HashMap<&str, &str>,
    env_tokens: &[String],
) -> Result<CostComparison, CostError> {
    let month = match month {
        Some(m) => costs.check_month(m)?,
        None => costs.default_month().ok_or(CostError::NoCosts)?,
    };
    let mut services: BTreeMap<&str, (Decimal, Decimal)> = BTreeMap::new();
    let mut accounts: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    let (mut left_total, mut right_total) = (Decimal::ZERO, Decimal::ZERO);
    for line in costs.by_service.iter().filter(|l| l.month == month) {
        let id = line.account_id.as_str();
        // An account in both scopes counts on both sides, as the diff
        // would show it on both.
        for (in_side, side) in [(left.contains(id), 0), (right.contains(id), 1)] {
            if !in_side {
                continue;
            }
            let name = names.get(id).copied().unwrap_or(id);
            let pair = accounts.entry(normalize(name, env_tokens)).or_default();
            let service = services.entry(line.key.as_str()).or_default();
            let total = if side == 0 {
                &mut left_total
            } else {
                &mut right_total
            };
            for slot in [
                if side == 0 { &mut pair.0 } else { &mut pair.1 },
                if side == 0 {
                    &mut service.0
                } else {
                    &mut service.1
                },
                total,
            ] {
                *slot = slot.checked_add(line.amount).ok_or_else(overflow)?;
            }
        }
    }
    let rows = |m: Vec<(String, (Decimal, Decimal))>| -> Result<Vec<CompareRow>, CostError> {
        let mut rows: Vec<CompareRow> = m
            .into_iter()
            .map(|(key, (left, right))| CompareRow { key, left, right })
            .collect();
        for r in &rows {
            r.delta().ok_or_else(overflow)?;
        }
        rows.sort_by(|a, b| {
            let size = |r: &CompareRow| {
                let d = r.delta().unwrap_or_default();
                if d.is_negative() {
                    Decimal::ZERO.checked_sub(d).unwrap_or(d)
                } else {
                    d
                }
            };
            size(b).cmp(&size(a)).then_with(|| a.key.cmp(&b.key))
        });
        Ok(rows)
    };
    Ok(CostComparison {
        month,
        unit: costs.unit.clone(),
        left_total,
        right_total,
        by_service: rows(
            services
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )?,
        by_account: rows(accounts.into_iter().collect())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::DEFAULT_ENV_TOKENS;

    #[test]
    fn prod_against_test_pairs_apps_and_finds_the_load_test_fleet() {
        let estate = crate::demo::demo_estate(crate::demo::DEFAULT_ACCOUNTS);
        let costs = estate.costs.as_ref().unwrap();
        let ids = |env: &str| -> HashSet<&str> {
            estate
                .accounts
                .iter()
                .filter(|a| a.tags.get("env").map(String::as_str) == Some(env))
                .map(|a| a.id.as_str())
                .collect()
        };
        let (prod, test) = (ids("prod"), ids("test"));
        let names: HashMap<&str, &str> = estate
            .accounts
            .iter()
            .map(|a| (a.id.as_str(), a.name.as_str()))
            .collect();
        let tokens: Vec<String> = DEFAULT_ENV_TOKENS.iter().map(|t| t.to_string()).collect();
        let c = compare(costs, None, (&prod, &test), &names, &tokens).unwrap();
        assert_eq!(c.month.to_string(), "2026-10");
        // Sides add up exactly to what the rollups say.
        let per = costs.by_account(c.month).unwrap();
        let sum =
            |side: &HashSet<&str>| Decimal::sum(side.iter().filter_map(|id| per.get(id))).unwrap();
        assert_eq!(c.left_total, sum(&prod));
        assert_eq!(c.right_total, sum(&test));
        let service_left = Decimal::sum(c.by_service.iter().map(|r| &r.left)).unwrap();
        assert_eq!(service_left, c.left_total);
        // payments-prod and payments-test pair as one row, test above prod.
        let payments = c
            .by_account
            .iter()
            .find(|r| r.key.starts_with("payments"))
            .unwrap();
        assert!(payments.right > payments.left, "{payments:?}");
        assert!(
            c.by_account
                .iter()
                .all(|r| !r.key.contains("prod") && !r.key.contains("test"))
        );
        // The largest difference comes first.
        let first = c.by_service[0].delta().unwrap();
        assert!(c.by_service.iter().all(|r| {
            let d = r.delta().unwrap();
            let abs = |x: Decimal| {
                if x.is_negative() {
                    Decimal::ZERO.checked_sub(x).unwrap()
                } else {
                    x
                }
            };
            abs(d) <= abs(first)
        }));
    }
}
