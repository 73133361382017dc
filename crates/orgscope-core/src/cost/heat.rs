//! A heat scale of account costs for the org diagram: each account with a
//! cost in the chosen month falls in one of [`CLASSES`] classes split at
//! quantiles of the month's account costs, so a few large accounts do not
//! leave every other account in the same pale class (a linear scale over
//! the demo put 20 of 26 accounts in the first fifth). Class bounds are
//! exact amounts, shown in the legend.

use std::collections::HashMap;

use super::{Change, CostError, Costs, Decimal, Month};

/// Classes of the scale, palest first.
pub const CLASSES: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct Heat {
    pub month: Month,
    pub unit: String,
    /// The highest amount of each class, in class order (fewer than
    /// [`CLASSES`] when there are fewer distinct amounts).
    pub upper: Vec<Decimal>,
    /// Account id → its class and its change against the month before.
    pub accounts: HashMap<String, (usize, Change)>,
}

/// The scale of `costs` for `month` (default: the last full month).
pub fn heat(costs: &Costs, month: Option<Month>) -> Result<Heat, CostError> {
    let month = match month {
        Some(m) => costs.check_month(m)?,
        None => costs.default_month().ok_or(CostError::NoCosts)?,
    };
    let changes = costs.account_changes(month)?;
    let mut amounts: Vec<Decimal> = changes
        .values()
        .map(|c| c.amount)
        .filter(|a| !a.is_zero())
        .collect();
    amounts.sort();
    amounts.dedup();
    // Upper bounds at the 1/5, 2/5 … quantiles of the distinct amounts.
    let mut upper: Vec<Decimal> = (1..=CLASSES)
        .filter_map(|k| {
            let i = (k * amounts.len()).div_ceil(CLASSES);
            i.checked_sub(1).and_then(|i| amounts.get(i)).copied()
        })
        .collect();
    upper.dedup();
    let accounts = changes
        .into_iter()
        .filter(|(_, c)| !c.amount.is_zero())
        .map(|(id, c)| {
            let class = upper
                .iter()
                .position(|u| c.amount <= *u)
                .unwrap_or(upper.len().saturating_sub(1));
            (id, (class, c))
        })
        .collect();
    Ok(Heat {
        month,
        unit: costs.unit.clone(),
        upper,
        accounts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_split_at_quantiles_and_cover_every_costed_account() {
        let estate = crate::demo::demo_estate(crate::demo::DEFAULT_ACCOUNTS);
        let costs = estate.costs.as_ref().unwrap();
        let h = heat(costs, None).unwrap();
        assert_eq!(h.month.to_string(), "2026-10");
        assert_eq!(h.upper.len(), CLASSES);
        assert!(h.upper.windows(2).all(|w| w[0] < w[1]));
        // Every class is used, and none holds most accounts.
        let mut per = [0usize; CLASSES];
        for (class, _) in h.accounts.values() {
            per[*class] += 1;
        }
        assert!(per.iter().all(|n| *n >= 3 && *n <= 7), "{per:?}");
        // The most expensive account is in the top class, and the top
        // bound is its amount exactly.
        let (top_id, top) = h
            .accounts
            .iter()
            .max_by(|a, b| a.1.1.amount.cmp(&b.1.1.amount))
            .unwrap();
        assert_eq!(top.0, CLASSES - 1, "{top_id}");
        assert_eq!(h.upper[CLASSES - 1], top.1.amount);
        // The suspended account billed nothing in October: no class.
        let legacy = estate
            .accounts
            .iter()
            .find(|a| a.name == "sandbox-legacy")
            .unwrap();
        assert!(!h.accounts.contains_key(&legacy.id));
    }

    #[test]
    fn few_accounts_make_fewer_classes() {
        let mut estate = crate::demo::demo_estate(crate::demo::MIN_ACCOUNTS);
        let costs = estate.costs.as_mut().unwrap();
        let oct = Month::parse("2026-10").unwrap();
        let keep = costs
            .by_service
            .iter()
            .find(|l| l.month == oct)
            .unwrap()
            .account_id
            .clone();
        costs
            .by_service
            .retain(|l| l.account_id == keep && l.month == oct);
        let h = heat(costs, Some(oct)).unwrap();
        assert_eq!(h.upper.len(), 1);
        assert_eq!(h.accounts[&keep].0, 0);
        assert!(heat(costs, Some(Month::parse("2020-01").unwrap())).is_err());
    }
}
