//! The boxes of the access picture, each built at the origin: an account
//! (inside the organization or outside it) with its roles, how it is
//! trusted and its findings, *anyone*, and the summary box of accounts
//! folded for having the same trust.

use std::collections::BTreeSet;

use super::super::connectivity::boxes::{self, Line, count, leaf, line, some_names, style};
use super::super::layout::{Block, MUTED, TEXT};
use super::super::{Node, NodeKind};
use super::{ACCOUNT_RISK, ANYONE, Arrow, Inside, RISK_TEXT, role_names};
use crate::model::Estate;

fn single(block_node: Node) -> Block {
    Block {
        w: block_node.rect.w,
        h: block_node.rect.h,
        nodes: vec![block_node],
        ..Block::default()
    }
}

pub(super) fn account_box(
    estate: &Estate,
    id: &str,
    inside: Option<&Inside>,
    arrows: &[Arrow],
) -> Block {
    let (main, muted) = boxes::text_colour();
    let outside = id.strip_prefix("outside:");
    let (title, sub) = match (estate.account(id), outside) {
        (Some(a), _) => (
            a.name.clone(),
            format!("{} · {}", a.id, a.ou_path.join("/")),
        ),
        (None, Some(raw)) => (
            format!("Account {raw}"),
            "not a member of the organization".to_string(),
        ),
        (None, None) => (
            format!("Account {id}"),
            "not listed by the organization".to_string(),
        ),
    };
    let mut lines: Vec<Line> = vec![line(title, 12.5, true, main), line(sub, 10.5, false, muted)];
    let out: Vec<&Arrow> = arrows.iter().filter(|a| a.from == id).collect();
    if !out.is_empty() {
        let into: BTreeSet<&str> = out.iter().map(|a| a.to.as_str()).collect();
        let roles: usize = out.iter().map(|a| a.roles.len()).sum();
        lines.push(line(
            format!(
                "enters {} through {}",
                count(into.len(), "account", "accounts"),
                count(roles, "role", "roles")
            ),
            10.5,
            false,
            muted,
        ));
    }
    let mut details = vec![lines[0].0.clone(), lines[1].0.clone()];
    let risky = inside.is_some_and(|i| !i.risky.is_empty());
    if let Some(i) = inside {
        let mut parts = vec![count(i.roles.len(), "role", "roles")];
        if i.own > 0 {
            parts.push(format!("{} own", i.own));
        }
        if i.services > 0 {
            parts.push(format!("{} for services", i.services));
        }
        if i.federated > 0 {
            parts.push(format!("{} federated", i.federated));
        }
        lines.push(line(parts.join(" · "), 10.5, false, muted));
        if risky {
            lines.push(line(
                format!("⚠ {} with a finding", count(i.risky.len(), "role", "roles")),
                10.5,
                true,
                RISK_TEXT,
            ));
        }
        details.extend(i.risky.iter().map(|r| format!("⚠ finding: {r}")));
        details.extend(i.details.iter().cloned());
    }
    for a in &out {
        details.push(format!("→ {} via {}", a.to, role_names(&a.roles)));
    }
    let colours = match (risky, outside.is_some()) {
        (true, _) => ACCOUNT_RISK,
        (false, true) => boxes::FOREIGN,
        (false, false) => boxes::ACCOUNT,
    };
    single(leaf(
        id.to_string(),
        NodeKind::Account,
        style(colours, 1.5, outside.is_some(), 4.0),
        &lines,
        details,
        boxes::COL_W,
    ))
}

pub(super) fn anyone_box(arrows: &[Arrow]) -> Block {
    let out: Vec<&Arrow> = arrows.iter().filter(|a| a.from == ANYONE).collect();
    let risky = out.iter().any(|a| a.risky);
    let roles: usize = out.iter().map(|a| a.roles.len()).sum();
    let lines = vec![
        line("Anyone", 12.5, true, if risky { RISK_TEXT } else { TEXT }),
        line("any AWS principal (*)", 10.5, false, MUTED),
        line(
            format!(
                "{} in {}",
                count(roles, "role", "roles"),
                count(out.len(), "account", "accounts")
            ),
            10.5,
            false,
            MUTED,
        ),
    ];
    let details = out
        .iter()
        .map(|a| format!("→ {} via {}", a.to, role_names(&a.roles)))
        .collect();
    single(leaf(
        ANYONE.to_string(),
        NodeKind::External,
        style(
            if risky { ACCOUNT_RISK } else { boxes::FOREIGN },
            1.5,
            true,
            4.0,
        ),
        &lines,
        details,
        boxes::COL_W,
    ))
}

pub(super) fn fold_box(estate: &Estate, fid: &str, members: &[String], arrows: &[Arrow]) -> Block {
    let mut names: Vec<&str> = members
        .iter()
        .map(|m| estate.account(m).map_or(m.as_str(), |a| a.name.as_str()))
        .collect();
    names.sort_unstable();
    let sample = members.first().map(String::as_str).unwrap_or("");
    let incoming: Vec<&Arrow> = arrows.iter().filter(|a| a.to == sample).collect();
    let roles: BTreeSet<&str> = incoming
        .iter()
        .flat_map(|a| a.roles.iter().map(|r| r.name.as_str()))
        .collect();
    let roles: Vec<&str> = roles.into_iter().collect();
    let lines = vec![
        line(
            count(members.len(), "account", "accounts"),
            12.5,
            true,
            TEXT,
        ),
        line("with the same trust", 10.5, false, MUTED),
        line(some_names(&names, 3), 10.5, false, MUTED),
        line(
            format!("roles: {}", some_names(&roles, 3)),
            10.5,
            false,
            MUTED,
        ),
    ];
    let details = std::iter::once(format!(
        "{} with the same incoming trust: {}",
        count(members.len(), "account", "accounts"),
        roles.join(", ")
    ))
    .chain(names.iter().map(|s| s.to_string()))
    .collect();
    single(leaf(
        fid.to_string(),
        NodeKind::Account,
        style(boxes::FOLD, 1.2, true, 4.0),
        &lines,
        details,
        boxes::COL_W,
    ))
}

/// The accounts of group `grp` with nothing to draw, as one box and its
/// rank in the group: those whose IAM was `read` (no cross-account trust),
/// or those whose IAM was not — "not collected" is never "no trust".
pub(super) fn idle_box(grp: &str, read: bool, names: &[&str]) -> (u8, Block) {
    let n = names.len();
    let (what, why, id, rank) = if read {
        (
            "no cross-account trust in scope",
            "no role trusts another account, and none is trusted by one",
            format!("access-idle-{grp}"),
            3,
        )
    } else {
        (
            "IAM not collected",
            "IAM was not read (AssumeRole refused, account suspended, or IAM denied): who can get in is unknown",
            format!("access-unread-{grp}"),
            4,
        )
    };
    let lines = vec![
        line(count(n, "account", "accounts"), 11.5, true, MUTED),
        line(what, 10.5, false, MUTED),
        line(some_names(names, 4), 10.5, false, MUTED),
    ];
    let details = std::iter::once(format!("{}: {why}", count(n, "account", "accounts")))
        .chain(names.iter().map(|s| s.to_string()))
        .collect();
    let node = leaf(
        id,
        NodeKind::Account,
        style(
            if read { boxes::QUIET } else { boxes::STUB },
            1.2,
            true,
            4.0,
        ),
        &lines,
        details,
        boxes::COL_W,
    );
    (rank, single(node))
}
