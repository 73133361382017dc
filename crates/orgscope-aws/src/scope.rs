//! `--ou` / `--account` scoping: narrow a crawled organization to the
//! accounts asked for. The estate then *is* the scope: accounts outside it
//! are dropped and the tree keeps only the branches leading to kept
//! accounts (and the OUs named), so counts and diagrams describe exactly
//! what was collected. Unknown names are an error, not an empty estate.

use std::collections::HashSet;

use super::CollectError;
use super::org::Crawl;
use orgscope_core::model::OrgUnit;

pub(super) fn apply(
    crawl: &mut Crawl,
    ous: &[String],
    accounts: &[String],
    caller_account: &str,
) -> Result<(), CollectError> {
    if ous.is_empty() && accounts.is_empty() {
        return Ok(());
    }
    let mut keep: HashSet<String> = HashSet::new();
    let mut named_ous: HashSet<String> = HashSet::new();
    for wanted in ous {
        let mut found = false;
        crawl.tree.walk(&mut |node, path| {
            let full = path.join("/");
            if node.id == *wanted || (!path.is_empty() && (node.name == *wanted || full == *wanted))
            {
                found = true;
                named_ous.insert(node.id.clone());
                keep.extend(node.account_ids_below().into_iter().map(str::to_string));
            }
        });
        if !found {
            return Err(CollectError::UnknownOu(wanted.clone()));
        }
    }
    for wanted in accounts {
        let matches: Vec<&str> = crawl
            .accounts
            .iter()
            .filter(|a| a.id == *wanted || a.name == *wanted)
            .map(|a| a.id.as_str())
            .collect();
        if matches.is_empty() {
            return Err(CollectError::UnknownAccount(wanted.clone()));
        }
        keep.extend(matches.into_iter().map(str::to_string));
    }
    crawl.accounts.retain(|a| keep.contains(&a.id));
    crawl
        .coverage
        .retain(|c| keep.contains(&c.account_id) || c.account_id == caller_account);
    prune(&mut crawl.tree, &keep, &named_ous);
    Ok(())
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
    }
}
