//! `--ou` / `--account` scoping: narrow a crawled organization to the
//! accounts asked for. The estate then *is* the scope: accounts outside it
//! are dropped and the tree keeps only the branches leading to kept
//! accounts (and the OUs named), so counts and diagrams describe exactly
//! what was collected. Unknown names are an error, not an empty estate.
//!
//! Accounts start while the organization is still being walked, so the
//! decision is made twice, from the same rule: an account is in scope when
//! its id or name is one asked for, or when any node on its chain from the
//! root matches an OU asked for (by id, by name, or by its path of names,
//! the root's name excepted). [`Scope::admits`] decides one account as its
//! page arrives, knowing only the chain above it; [`Scope::finish`], once
//! the walk has ended, is the only one that can tell a name that matches
//! nothing, and narrows the final tree to the accounts admitted.

use std::collections::HashSet;

use super::CollectError;
use super::org::Crawl;
use orgscope_core::model::{Account, OrgUnit};

/// The `--ou` and `--account` names of a run.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scope<'a> {
    ous: &'a [String],
    accounts: &'a [String],
}

impl<'a> Scope<'a> {
    pub(super) fn new(ous: &'a [String], accounts: &'a [String]) -> Scope<'a> {
        Scope { ous, accounts }
    }

    /// No names: every account is in scope.
    pub(super) fn is_everything(&self) -> bool {
        self.ous.is_empty() && self.accounts.is_empty()
    }

    /// Whether `account` is in scope, given `chain`: `(id, name)` of every
    /// node from the root down to its parent.
    pub(super) fn admits(&self, account: &Account, chain: &[(&str, &str)]) -> bool {
        if self.is_everything() || self.names_account(account) {
            return true;
        }
        let mut path: Vec<&str> = Vec::new();
        for (depth, (id, name)) in chain.iter().enumerate() {
            if depth > 0 {
                path.push(name);
            }
            if self
                .ous
                .iter()
                .any(|wanted| ou_matches(wanted, id, name, &path))
            {
                return true;
            }
        }
        false
    }

    fn names_account(&self, account: &Account) -> bool {
        self.accounts
            .iter()
            .any(|wanted| account.id == *wanted || account.name == *wanted)
    }

    /// Narrow a tree to the accounts `kept` (and the OUs that lead to
    /// them): what a growing tree shows while the walk goes on.
    pub(super) fn narrow(&self, tree: &mut OrgUnit, kept: &HashSet<String>) {
        if !self.is_everything() {
            prune(tree, kept, &HashSet::new());
        }
    }

    /// Once the walk has ended: every name must match something in the
    /// organization, then the crawl is narrowed to the accounts `kept`
    /// (those [`Scope::admits`] let through) and the OUs named.
    pub(super) fn finish(
        &self,
        crawl: &mut Crawl,
        kept: &HashSet<String>,
        caller_account: &str,
    ) -> Result<(), CollectError> {
        if self.is_everything() {
            return Ok(());
        }
        let mut named_ous: HashSet<String> = HashSet::new();
        for wanted in self.ous {
            let mut found = false;
            crawl.tree.walk(&mut |node, path| {
                if ou_matches(wanted, &node.id, &node.name, path) {
                    found = true;
                    named_ous.insert(node.id.clone());
                }
            });
            if !found {
                return Err(CollectError::UnknownOu(wanted.clone()));
            }
        }
        for wanted in self.accounts {
            if !crawl
                .accounts
                .iter()
                .any(|a| a.id == *wanted || a.name == *wanted)
            {
                return Err(CollectError::UnknownAccount(wanted.clone()));
            }
        }
        crawl.accounts.retain(|a| kept.contains(&a.id));
        crawl
            .coverage
            .retain(|c| kept.contains(&c.account_id) || c.account_id == caller_account);
        prune(&mut crawl.tree, kept, &named_ous);
        Ok(())
    }
}

/// Whether the OU `wanted` names the node `id`/`name` at `path` (its names
/// from the root, root excluded; empty for the root, whose name is not
/// matched so that "Root" does not select everything by accident).
fn ou_matches(wanted: &str, id: &str, name: &str, path: &[&str]) -> bool {
    id == wanted || (!path.is_empty() && (name == wanted || path.join("/") == wanted))
}

/// Keep a node when it holds kept accounts below it or was named; returns
/// whether `node` itself stays.
fn prune(node: &mut OrgUnit, keep: &HashSet<String>, named: &HashSet<String>) -> bool {
    node.accounts.retain(|a| keep.contains(a));
    node.children.retain_mut(|c| prune(c, keep, named));
    !node.accounts.is_empty() || !node.children.is_empty() || named.contains(&node.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use orgscope_core::model::{Account, AccountStatus, Tags};

    fn unit(id: &str, name: &str, accounts: &[&str], children: Vec<OrgUnit>) -> OrgUnit {
        OrgUnit {
            id: id.into(),
            name: name.into(),
            scps: vec![],
            accounts: accounts.iter().map(|s| s.to_string()).collect(),
            children,
        }
    }

    fn account(id: &str, name: &str) -> Account {
        Account {
            id: id.into(),
            name: name.into(),
            email: String::new(),
            status: AccountStatus::Active,
            ou_path: vec![],
            parent_id: String::new(),
            tags: Tags::new(),
            scps: vec![],
            is_management: false,
        }
    }

    fn crawl() -> Crawl {
        Crawl {
            organization: None,
            tree: unit(
                "r-1",
                "Root",
                &["1"],
                vec![
                    unit(
                        "ou-w",
                        "Workloads",
                        &[],
                        vec![
                            unit("ou-p", "Prod", &["2"], vec![]),
                            unit("ou-t", "Test", &["3"], vec![]),
                        ],
                    ),
                    unit("ou-s", "Sandbox", &["4"], vec![]),
                ],
            ),
            accounts: vec![
                account("1", "mgmt"),
                account("2", "app-prod"),
                account("3", "app-test"),
                account("4", "sandbox"),
            ],
            coverage: vec![],
            warnings: vec![],
        }
    }

    fn ids(c: &Crawl) -> Vec<&str> {
        c.accounts.iter().map(|a| a.id.as_str()).collect()
    }

    /// What a run does: each account admitted (or not) as its page
    /// arrives, knowing only the chain above it, then the names checked
    /// and the tree narrowed once the walk has ended.
    fn apply(
        crawl: &mut Crawl,
        ous: &[String],
        accounts: &[String],
        caller: &str,
    ) -> Result<(), CollectError> {
        fn chains<'t>(
            node: &'t OrgUnit,
            above: &mut Vec<(&'t str, &'t str)>,
            out: &mut Vec<(String, Vec<(&'t str, &'t str)>)>,
        ) {
            above.push((&node.id, &node.name));
            for a in &node.accounts {
                out.push((a.clone(), above.clone()));
            }
            for c in &node.children {
                chains(c, above, out);
            }
            above.pop();
        }
        let scope = Scope::new(ous, accounts);
        let mut listed = Vec::new();
        chains(&crawl.tree, &mut Vec::new(), &mut listed);
        let kept: HashSet<String> = listed
            .iter()
            .filter(|(id, chain)| {
                let a = crawl
                    .accounts
                    .iter()
                    .find(|a| a.id == *id)
                    .expect("every account of the tree is in the crawl");
                scope.admits(a, chain)
            })
            .map(|(id, _)| id.clone())
            .collect();
        // The growing tree shows exactly the accounts admitted so far.
        let mut growing = crawl.tree.clone();
        scope.narrow(&mut growing, &kept);
        let mut shown: Vec<&str> = growing.account_ids_below();
        shown.sort();
        let mut want: Vec<&str> = kept.iter().map(String::as_str).collect();
        want.sort();
        assert_eq!(shown, want);
        scope.finish(crawl, &kept, caller)
    }

    #[test]
    fn ou_by_name_path_or_id_and_account_by_name_or_id() {
        let mut c = crawl();
        apply(&mut c, &["Prod".into()], &["sandbox".into()], "1").expect("scope");
        assert_eq!(ids(&c), vec!["2", "4"]);
        assert_eq!(c.tree.account_ids_below(), vec!["2", "4"]);
        assert!(c.tree.find("ou-t").is_none());

        let mut c = crawl();
        apply(&mut c, &["Workloads/Test".into()], &[], "1").expect("scope");
        assert_eq!(ids(&c), vec!["3"]);

        let mut c = crawl();
        apply(&mut c, &["ou-w".into()], &["1".into()], "1").expect("scope");
        assert_eq!(ids(&c), vec!["1", "2", "3"]);
    }

    #[test]
    fn unknown_names_are_errors() {
        let mut c = crawl();
        assert!(matches!(
            apply(&mut c, &["Nope".into()], &[], "1"),
            Err(CollectError::UnknownOu(_))
        ));
        assert!(matches!(
            apply(&mut c, &[], &["999".into()], "1"),
            Err(CollectError::UnknownAccount(_))
        ));
        // The root's own name does not select everything by accident.
        assert!(apply(&mut c, &["Root".into()], &[], "1").is_err());
        // An OU with no account is still a name that exists: kept, empty.
        let mut c = crawl();
        c.tree.children.push(unit("ou-e", "Empty", &[], vec![]));
        apply(&mut c, &["Empty".into()], &[], "1").expect("scope");
        assert!(ids(&c).is_empty());
        assert!(c.tree.find("ou-e").is_some());
    }

    /// The decision made page by page (`admits`) and the one made at the
    /// end (`finish`, by the tree) must agree: the first starts accounts,
    /// the second shapes the estate they land in.
    #[test]
    fn admitting_page_by_page_keeps_what_the_tree_selects() {
        let cases: [(&[&str], &[&str], &[&str]); 6] = [
            (&["ou-w"], &[], &["2", "3"]),
            (&["Workloads"], &[], &["2", "3"]),
            (&["Workloads/Prod"], &[], &["2"]),
            (&["r-1"], &[], &["1", "2", "3", "4"]),
            (&["Test", "Sandbox"], &["mgmt"], &["1", "3", "4"]),
            (&[], &["app-prod", "4"], &["2", "4"]),
        ];
        for (ous, accounts, want) in cases {
            let ous: Vec<String> = ous.iter().map(|s| s.to_string()).collect();
            let accounts: Vec<String> = accounts.iter().map(|s| s.to_string()).collect();
            let mut c = crawl();
            apply(&mut c, &ous, &accounts, "1").expect("scope");
            let mut got = ids(&c);
            got.sort();
            assert_eq!(got, want, "--ou {ous:?} --account {accounts:?}");
            let mut in_tree = c.tree.account_ids_below();
            in_tree.sort();
            assert_eq!(in_tree, want);
        }
    }
}
