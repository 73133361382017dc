//! What the tree shows about costs, derived once per estate or month
//! change (in `logic`), never per frame: each account's and OU's amount for
//! the chosen month with the month before, and each account's services,
//! highest first, for its details. Rollups and arithmetic are the engine's
//! (`cost`); this only keeps their answer for the frames that draw it.

use std::collections::HashMap;

use crate::cost::{Change, Decimal, Month};
use crate::model::Estate;

#[derive(Debug, Clone, PartialEq)]
pub struct CostView {
    pub month: Month,
    pub previous: Option<Month>,
    /// The month to date: compared with a full month it looks like a drop.
    pub partial: bool,
    pub unit: String,
    /// Months the estate has, oldest first, for the month picker.
    pub months: Vec<Month>,
    /// Which of them is the month to date, if any.
    pub to_date: Option<Month>,
    pub accounts: HashMap<String, Change>,
    /// OU id (and the root's) → everything below it.
    pub ous: HashMap<String, Change>,
    /// Account id → (service, amount), highest first.
    pub services: HashMap<String, Vec<(String, Decimal)>>,
    /// OU id → its child OUs (indices into `children`) and its account
    /// ids, most expensive first, for the tree's "sort by cost"; sorted
    /// here, once, not while drawing.
    pub order: HashMap<String, (Vec<usize>, Vec<String>)>,
    /// Cost Explorer requests the collection made (0 for the demo).
    pub requests: u32,
    /// A sum that could not be made (an overflow in a hostile file).
    pub error: Option<String>,
}

impl CostView {
    /// The view of `estate`'s costs for `month` (default: the last full
    /// month); `None` when the estate has no costs.
    pub fn new(estate: &Estate, month: Option<Month>) -> Option<CostView> {
        let costs = estate.costs.as_ref()?;
        let month = month
            .filter(|m| costs.span(*m).is_some())
            .or_else(|| costs.default_month())?;
        let mut view = CostView {
            month,
            previous: costs.previous(month),
            partial: costs.span(month).is_some_and(|s| s.partial),
            unit: costs.unit.clone(),
            months: costs.months.iter().map(|m| m.month).collect(),
            to_date: costs.months.iter().find(|m| m.partial).map(|m| m.month),
            accounts: HashMap::new(),
            ous: HashMap::new(),
            services: HashMap::new(),
            order: HashMap::new(),
            requests: costs.requests,
            error: None,
        };
        let result = (|| -> Result<(), crate::cost::CostError> {
            view.accounts = costs.account_changes(month)?;
            view.ous = costs.ou_changes(&estate.tree, month)?;
            Ok(())
        })();
        if let Err(e) = result {
            view.error = Some(e.to_string());
        }
        let amount = |map: &HashMap<String, Change>, id: &str| {
            map.get(id).map(|c| c.amount).unwrap_or_default()
        };
        let mut order = HashMap::new();
        estate.tree.walk(&mut |node, _| {
            let mut children: Vec<usize> = (0..node.children.len()).collect();
            children.sort_by_key(|i| std::cmp::Reverse(amount(&view.ous, &node.children[*i].id)));
            let mut accounts = node.accounts.clone();
            accounts.sort_by_key(|id| std::cmp::Reverse(amount(&view.accounts, id)));
            order.insert(node.id.clone(), (children, accounts));
        });
        view.order = order;
        for line in costs.by_service.iter().filter(|l| l.month == month) {
            view.services
                .entry(line.account_id.clone())
                .or_default()
                .push((line.key.clone(), line.amount));
        }
        for list in view.services.values_mut() {
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        Some(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_view_defaults_to_october_with_rollups_and_services() {
        let estate = crate::demo::demo_estate(crate::demo::DEFAULT_ACCOUNTS);
        let view = CostView::new(&estate, None).expect("the demo has costs");
        assert_eq!(view.month.to_string(), "2026-10");
        assert_eq!(
            view.previous.map(|m| m.to_string()).as_deref(),
            Some("2026-09")
        );
        assert!(!view.partial);
        let root = &view.ous[&estate.tree.id];
        let total = Decimal::sum(view.accounts.values().map(|c| &c.amount)).unwrap();
        assert_eq!(root.amount, total, "every demo account is in the tree");
        let payments = estate
            .accounts
            .iter()
            .find(|a| a.name == "payments-test")
            .unwrap();
        let top = &view.services[&payments.id][0];
        assert_eq!(
            top.0, "Amazon Elastic Compute Cloud - Compute",
            "the load-test fleet"
        );
        // Sorted by cost: Prod is the Workloads OU's most expensive child,
        // orders-prod the first of Prod's accounts.
        let workloads = estate
            .tree
            .children
            .iter()
            .find(|c| c.name == "Workloads")
            .unwrap();
        let (children, _) = &view.order[&workloads.id];
        assert_eq!(workloads.children[children[0]].name, "Prod");
        let prod = &workloads.children[children[0]];
        let first = &view.order[&prod.id].1[0];
        assert_eq!(
            estate
                .accounts
                .iter()
                .find(|a| &a.id == first)
                .unwrap()
                .name,
            "orders-prod"
        );
        let nov = Month::parse("2026-11").unwrap();
        let mtd = CostView::new(&estate, Some(nov)).unwrap();
        assert!(mtd.partial);
        // A month the estate does not have falls back to the default.
        let old = CostView::new(&estate, Some(Month::parse("2001-01").unwrap())).unwrap();
        assert_eq!(old.month, view.month);
    }

    #[test]
    fn the_connect_form_asks_for_costs_only_when_ticked() {
        let hooks = crate::collect::Hooks::default();
        let mut conn = super::super::state::Connection::default();
        assert_eq!(
            super::super::live::options(&conn, &hooks).cost,
            None,
            "billed: opt-in"
        );
        conn.cost = true;
        assert!(super::super::live::options(&conn, &hooks).cost.is_some());
    }

    #[test]
    fn no_costs_no_view() {
        let mut estate = crate::demo::demo_estate(crate::demo::MIN_ACCOUNTS);
        estate.costs = None;
        assert!(CostView::new(&estate, None).is_none());
    }
}
