//! `orgscope list`: the resources of a snapshot, filtered with the filter
//! language, optionally grouped, as an aligned table, CSV or JSON.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, anyhow};
use clap::{Args, ValueEnum};

use crate::export;
use crate::query::{self, Column, Context, Group};
use crate::snapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The estate snapshot to read.
    pub snapshot: PathBuf,
    /// Filter expression, e.g. 'env=prod type:instance -has:owner'
    /// (see docs/filter-language.md).
    #[arg(long, short, default_value = "")]
    pub filter: String,
    /// Only resources missing at least one of these tag keys
    /// (comma-separated): what `orgscope compliance` counts, to fix.
    #[arg(long, value_name = "KEYS")]
    pub require_tags: Option<String>,
    /// Group by a field or tag: tag:KEY, account, ou, region, vpc, type, state, instance_type.
    #[arg(long, short)]
    pub group_by: Option<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Comma-separated columns: type,name,id,account,account_id,ou,region,vpc,tag:KEY, or any
    /// field of a resource type (state,instance_type,cidr,az,private_ip,public_ip,image_id,...).
    #[arg(long, value_delimiter = ',')]
    pub columns: Vec<String>,
    /// Sort by this column (same names as --columns).
    #[arg(long)]
    pub sort: Option<String>,
    /// Sort descending.
    #[arg(long, requires = "sort")]
    pub desc: bool,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

fn column(s: &str) -> anyhow::Result<Column> {
    Column::parse(s.trim()).ok_or_else(|| {
        anyhow!(
            "unknown column '{s}' (type, name, id, account, account_id, ou, region, vpc, tag:KEY, or a field: {})",
            query::field_names().join(", ")
        )
    })
}

pub fn run(args: &ListArgs) -> anyhow::Result<super::Outcome> {
    let q = query::parse(&args.filter).map_err(|e| {
        anyhow!(
            "invalid --filter {}: {e}",
            super::quoted_filter(&args.filter)
        )
    })?;
    let group_key = args
        .group_by
        .as_deref()
        .map(query::parse_group_key)
        .transpose()?;
    let columns: Vec<Column> = if args.columns.is_empty() {
        Column::DEFAULT.to_vec()
    } else {
        args.columns
            .iter()
            .map(|c| column(c))
            .collect::<Result<_, _>>()?
    };
    let sort = args.sort.as_deref().map(column).transpose()?;
    let required = args
        .require_tags
        .as_deref()
        .map(super::compliance::required)
        .transpose()?;
    let estate = snapshot::read(&args.snapshot)?;
    let ctx = Context::new(&estate);
    let mut idx = query::filter(&ctx, &q, None);
    if let Some(keys) = &required {
        idx.retain(|&i| {
            estate
                .resources
                .get(i)
                .is_some_and(|r| keys.keys().iter().any(|k| !r.tags.contains_key(k)))
        });
    }
    if let Some(col) = &sort {
        query::sort(&ctx, &mut idx, col, args.desc);
    }
    let text = match &group_key {
        Some(key) => groups_text(&query::group_by(&ctx, &idx, key), args.format),
        None => match args.format {
            ListFormat::Table => table(&ctx, &idx, &columns),
            ListFormat::Csv => export::resources_csv(&ctx, &idx, &columns),
            ListFormat::Json => export::resources_json(&ctx, &idx, &columns),
        },
    };
    emit(args.out.as_ref(), &text)?;
    Ok(super::Outcome(super::exit::OK))
}

/// Write to the file atomically, or to stdout (a closed pipe is not an error).
pub(crate) fn emit(out: Option<&PathBuf>, text: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => snapshot::write_atomic(path, text.as_bytes())?,
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other.context("cannot write to stdout")?,
            }
        }
    }
    Ok(())
}

/// Left-aligned columns two spaces apart, widths by characters.
pub(crate) fn align(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; n];
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, c) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(c);
            if i + 1 < row.len() {
                line.extend(std::iter::repeat_n(' ', widths[i] - c.chars().count()));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn table(ctx: &Context, idx: &[usize], columns: &[Column]) -> String {
    let mut rows = Vec::with_capacity(idx.len() + 1);
    rows.push(columns.iter().map(|c| c.header().to_uppercase()).collect());
    for r in idx.iter().filter_map(|&i| ctx.estate().resources.get(i)) {
        rows.push(columns.iter().map(|c| query::cell(ctx, r, c)).collect());
    }
    let mut out = align(&rows);
    out.push_str(&format!(
        "{} of {} resources\n",
        idx.len(),
        ctx.estate().resources.len()
    ));
    out
}

fn top_types(g: &Group) -> String {
    let mut v: Vec<_> = g.instance_types.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    v.iter()
        .map(|(t, n)| format!("{t}×{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn groups_text(groups: &[Group], format: ListFormat) -> String {
    let label = |g: &Group| {
        if g.missing {
            "(missing)".to_string()
        } else {
            g.key.clone()
        }
    };
    let instances = |g: &Group| g.instance_types.values().sum::<usize>();
    match format {
        ListFormat::Table | ListFormat::Csv => {
            let mut rows: Vec<Vec<String>> = vec![
                ["group", "count", "instances", "vcpus", "instance_types"]
                    .iter()
                    .map(|s| {
                        if format == ListFormat::Table {
                            s.to_uppercase()
                        } else {
                            s.to_string()
                        }
                    })
                    .collect(),
            ];
            for g in groups {
                rows.push(vec![
                    label(g),
                    g.count.to_string(),
                    instances(g).to_string(),
                    g.vcpus.to_string(),
                    top_types(g),
                ]);
            }
            if format == ListFormat::Table {
                align(&rows)
            } else {
                let header = rows.remove(0);
                export::to_csv(&header, rows)
            }
        }
        ListFormat::Json => {
            let v: Vec<serde_json::Value> = groups
                .iter()
                .map(|g| {
                    serde_json::json!({
                        "key": if g.missing { serde_json::Value::Null } else { g.key.clone().into() },
                        "count": g.count,
                        "by_type": g.by_type,
                        "instance_types": g.instance_types,
                        "vcpus": g.vcpus,
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "[]".to_string());
            s.push('\n');
            s
        }
    }
}
