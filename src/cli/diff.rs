//! `orgscope diff`: compare two scopes of one snapshot (`--left ou:Prod
//! --right ou:Test`) or two snapshots (each optionally narrowed), print the
//! per-type summary and the differing resources, and exit 4 on drift so
//! scripts can gate on it (3 when nothing differs but some resources could
//! not be compared because a side was not collected).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::anyhow;
use clap::{Args, ValueEnum};
use serde_json::json;

use crate::diff::{self, DiffOptions, DiffReport, EntryStatus};
use crate::model::{Estate, Kind};
use crate::query::{self, Context};
use crate::snapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 no differences, 4 differences found, 3 no differences but some resources were not collected on one side, 1 error."
)]
pub struct DiffArgs {
    /// The snapshot (both sides when SNAPSHOT2 is absent: then give --left and --right).
    pub snapshot: PathBuf,
    /// A second snapshot: the right side.
    pub snapshot2: Option<PathBuf>,
    /// Filter selecting the left side, e.g. 'ou:Prod'.
    #[arg(long, default_value = "")]
    pub left: String,
    /// Filter selecting the right side, e.g. 'ou:Test'.
    #[arg(long, default_value = "")]
    pub right: String,
    /// Matching key per type, TYPE=KEY (instance=tag:role, vpc=cidr, sg=name, volume=id); repeatable.
    #[arg(long = "key", value_name = "TYPE=KEY")]
    pub keys: Vec<String>,
    /// Environment tokens stripped before matching (replaces the default list).
    #[arg(long, value_delimiter = ',')]
    pub env_tokens: Option<Vec<String>>,
    /// Tag keys never reported as differences (replaces the default: env, environment, stage).
    #[arg(long, value_delimiter = ',')]
    pub ignore_tags: Option<Vec<String>>,
    /// Also list resources that are the same.
    #[arg(long)]
    pub same: bool,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

fn side(estate: &Estate, expr: &str, which: &str) -> anyhow::Result<Vec<usize>> {
    let q = query::parse(expr)
        .map_err(|e| anyhow!("invalid --{which} {}: {e}", super::quoted_filter(expr)))?;
    Ok(query::filter(&Context::new(estate), &q, None))
}

pub fn run(args: &DiffArgs) -> anyhow::Result<super::Outcome> {
    let mut opts = DiffOptions {
        include_same: args.same,
        ..DiffOptions::default()
    };
    for k in &args.keys {
        let (t, key) = diff::parse_key(k)?;
        opts.keys.insert(t, key);
    }
    if let Some(t) = &args.env_tokens {
        opts.env_tokens = t.clone();
    }
    if let Some(t) = &args.ignore_tags {
        opts.ignore_tags = t.clone();
    }
    // Check the filters before reading (possibly large) files.
    for (expr, which) in [(&args.left, "left"), (&args.right, "right")] {
        query::parse(expr)
            .map_err(|e| anyhow!("invalid --{which} {}: {e}", super::quoted_filter(expr)))?;
    }
    let left = snapshot::read(&args.snapshot)?;
    let right_owned = match &args.snapshot2 {
        Some(p) => Some(snapshot::read(p)?),
        None => {
            if args.left.trim().is_empty() || args.right.trim().is_empty() {
                return Err(anyhow!(
                    "with one snapshot, give both --left and --right scopes (e.g. --left ou:Prod --right ou:Test), or a second snapshot"
                ));
            }
            None
        }
    };
    let right = right_owned.as_ref().unwrap_or(&left);
    let li = side(&left, &args.left, "left")?;
    let ri = side(right, &args.right, "right")?;
    let report = diff::diff(&left, &li, right, &ri, &opts);
    let label = |path: &PathBuf, expr: &str| {
        if expr.trim().is_empty() {
            path.display().to_string()
        } else {
            format!("{expr} ({})", path.display())
        }
    };
    let (ll, rl) = (
        label(&args.snapshot, &args.left),
        label(
            args.snapshot2.as_ref().unwrap_or(&args.snapshot),
            &args.right,
        ),
    );
    let text = match args.format {
        DiffFormat::Text => render_text(&report, &left, right, &ll, &rl),
        DiffFormat::Json => render_json(&report, &left, right, &ll, &rl),
    };
    super::list::emit(args.out.as_ref(), &text)?;
    let t = report.totals();
    Ok(super::Outcome(if t.differences() > 0 {
        super::exit::DRIFT
    } else if t.not_collected > 0 {
        super::exit::PARTIAL
    } else {
        super::exit::OK
    }))
}

fn who(e: &Estate, i: Option<usize>) -> String {
    match i.and_then(|i| e.resources.get(i)) {
        Some(r) => {
            let acct = e
                .account(&r.account_id)
                .map(|a| a.name.as_str())
                .unwrap_or(&r.account_id);
            format!("{acct} {} {}", r.region, r.id)
        }
        None => String::new(),
    }
}

/// The report as text: a per-type table, then each non-same entry.
pub fn render_text(
    report: &DiffReport,
    left: &Estate,
    right: &Estate,
    ll: &str,
    rl: &str,
) -> String {
    let mut out = format!("left:  {ll}\nright: {rl}\n\n");
    let mut rows = vec![
        [
            "TYPE",
            "ONLY-LEFT",
            "ONLY-RIGHT",
            "CHANGED",
            "SAME",
            "NOT-COLLECTED",
        ]
        .map(str::to_string)
        .to_vec(),
    ];
    for (t, c) in &report.per_type {
        rows.push(vec![
            t.as_str().to_string(),
            c.only_left.to_string(),
            c.only_right.to_string(),
            c.changed.to_string(),
            c.same.to_string(),
            c.not_collected.to_string(),
        ]);
    }
    out.push_str(&super::list::align(&rows));
    let sections = [
        (EntryStatus::OnlyLeft, "Only in left"),
        (EntryStatus::OnlyRight, "Only in right"),
        (EntryStatus::Changed, "Changed"),
        (EntryStatus::Same, "Same"),
    ];
    for (status, title) in sections {
        let items: Vec<_> = report
            .entries
            .iter()
            .filter(|e| e.status == status)
            .collect();
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title} ({}):\n", items.len()));
        let mut rows = Vec::new();
        for e in &items {
            let place = match status {
                EntryStatus::OnlyRight => who(right, e.right),
                _ => who(left, e.left),
            };
            rows.push(vec![format!("  {}", e.rtype), e.key.clone(), place]);
        }
        // Changed entries carry their field lines under each row.
        if status == EntryStatus::Changed {
            let aligned = super::list::align(&rows);
            for (line, e) in aligned.lines().zip(&items) {
                out.push_str(line);
                out.push('\n');
                for c in &e.changes {
                    out.push_str(&format!(
                        "      {}: {} -> {}\n",
                        c.field,
                        c.left.as_deref().unwrap_or("(none)"),
                        c.right.as_deref().unwrap_or("(none)")
                    ));
                }
            }
        } else {
            out.push_str(&super::list::align(&rows));
        }
    }
    // Not-collected entries summarised per account and region: there can be
    // hundreds, and the cause is the other side's coverage, not the resource.
    let mut nc: BTreeMap<(String, String, &str), usize> = BTreeMap::new();
    for e in report
        .entries
        .iter()
        .filter(|e| e.status == EntryStatus::NotCollected)
    {
        let (est, i, other) = match e.left {
            Some(i) => (left, i, "right"),
            None => (right, e.right.unwrap_or(usize::MAX), "left"),
        };
        if let Some(r) = est.resources.get(i) {
            let acct = est
                .account(&r.account_id)
                .map(|a| a.name.clone())
                .unwrap_or(r.account_id.clone());
            *nc.entry((acct, r.region.clone(), other)).or_insert(0) += 1;
        }
    }
    if !nc.is_empty() {
        out.push_str(&format!(
            "\nNot collected ({}): the other side could not read where these would be\n",
            report.totals().not_collected
        ));
        for ((acct, region, other), n) in nc {
            out.push_str(&format!(
                "  {acct} {region}: {n} resources unknown on the {other}\n"
            ));
        }
    }
    let t = report.totals();
    out.push_str(&format!(
        "\n{} only in left, {} only in right, {} changed, {} same, {} not collected\n",
        t.only_left, t.only_right, t.changed, t.same, t.not_collected
    ));
    out
}

fn place_json(e: &Estate, i: Option<usize>) -> serde_json::Value {
    match i.and_then(|i| e.resources.get(i)) {
        Some(r) => json!({
            "id": r.id,
            "name": r.name,
            "account_id": r.account_id,
            "account": e.account(&r.account_id).map(|a| a.name.as_str()),
            "region": r.region,
        }),
        None => serde_json::Value::Null,
    }
}

/// The report as JSON: sides, totals, per-type counts and entries with the
/// resources' ids and accounts resolved.
pub fn render_json(
    report: &DiffReport,
    left: &Estate,
    right: &Estate,
    ll: &str,
    rl: &str,
) -> String {
    let per_type: BTreeMap<&str, _> = report
        .per_type
        .iter()
        .map(|(t, c): (&Kind, _)| (t.as_str(), c))
        .collect();
    let entries: Vec<_> = report
        .entries
        .iter()
        .map(|e| {
            json!({
                "type": e.rtype,
                "key": e.key,
                "status": e.status,
                "left": place_json(left, e.left),
                "right": place_json(right, e.right),
                "changes": e.changes,
            })
        })
        .collect();
    let v = json!({
        "left": ll,
        "right": rl,
        "totals": report.totals(),
        "per_type": per_type,
        "entries": entries,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}
