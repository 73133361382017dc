//! The cost table `orgscope cost` prints (and the app could export): one
//! row per account, OU, service or tag value with the chosen month's
//! amount, the month before and the change, as aligned text, CSV or JSON.
//! Text rounds to cents for reading; CSV and JSON carry the exact decimal
//! strings, so a spreadsheet's sum is the sum AWS would make.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Change, CostError, Decimal, Month};
use crate::export::csv_field;
use crate::model::Estate;

/// What the rows are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CostGroup {
    Account,
    /// Every OU and the root, each with everything below it.
    Ou,
    Service,
    /// Values of the cost-allocation tag the costs were collected with.
    Tag(String),
}

impl CostGroup {
    pub fn parse(text: &str) -> Result<CostGroup, CostError> {
        match text.trim() {
            "account" => Ok(CostGroup::Account),
            "ou" => Ok(CostGroup::Ou),
            "service" => Ok(CostGroup::Service),
            t => match t.strip_prefix("tag:") {
                Some(key) if !key.is_empty() => Ok(CostGroup::Tag(key.to_string())),
                _ => Err(CostError::BadGroup(t.to_string())),
            },
        }
    }

    fn header(&self) -> &str {
        match self {
            CostGroup::Account => "account",
            CostGroup::Ou => "ou",
            CostGroup::Service => "service",
            CostGroup::Tag(key) => key,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostRow {
    /// The account id, OU id, service name or tag value.
    pub key: String,
    /// What a person reads: the account's name, the OU's path; the key
    /// otherwise.
    pub label: String,
    pub amount: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostTable {
    pub unit: String,
    pub month: Month,
    /// The month to date: not comparable with the month before.
    pub partial: bool,
    pub previous_month: Option<Month>,
    pub group: String,
    /// Highest amount first.
    pub rows: Vec<CostRow>,
    /// Every account's cost in the month (for OUs, not the sum of the
    /// rows, which nest).
    pub total: Decimal,
    /// The same for the month before, when the estate has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_total: Option<Decimal>,
}

/// The table of `estate`'s costs for `month` (default: the last full one).
pub fn cost_table(
    estate: &Estate,
    group: &CostGroup,
    month: Option<Month>,
) -> Result<CostTable, CostError> {
    let costs = estate.costs.as_ref().ok_or(CostError::NoCosts)?;
    let month = match month {
        Some(m) => costs.check_month(m)?,
        None => costs.default_month().ok_or(CostError::NoCosts)?,
    };
    let previous_month = costs.previous(month);
    let mut rows: Vec<CostRow> = match group {
        CostGroup::Account => {
            let names: BTreeMap<&str, &str> = estate
                .accounts
                .iter()
                .map(|a| (a.id.as_str(), a.name.as_str()))
                .collect();
            costs
                .account_changes(month)?
                .into_iter()
                .map(|(id, change)| {
                    let label = names
                        .get(id.as_str())
                        .map_or_else(|| format!("{id} (not in the estate)"), |n| n.to_string());
                    row(id, label, change)
                })
                .collect()
        }
        CostGroup::Ou => {
            let mut paths: BTreeMap<String, String> = BTreeMap::new();
            estate.tree.walk(&mut |node, path| {
                let label = if path.is_empty() {
                    node.name.clone()
                } else {
                    path.join("/")
                };
                paths.insert(node.id.clone(), label);
            });
            costs
                .ou_changes(&estate.tree, month)?
                .into_iter()
                .map(|(id, change)| {
                    let label = paths.get(&id).cloned().unwrap_or_else(|| id.clone());
                    row(id, label, change)
                })
                .collect()
        }
        CostGroup::Service => keyed(month, previous_month, |m| costs.by_service(m, |_| true))?,
        CostGroup::Tag(key) => keyed(month, previous_month, |m| costs.by_tag(key, m))?
            .into_iter()
            .map(|mut r| {
                if r.key.is_empty() {
                    r.label = format!("(no {key} tag)");
                }
                r
            })
            .collect(),
    };
    rows.sort_by(|a, b| b.amount.cmp(&a.amount).then_with(|| a.label.cmp(&b.label)));
    Ok(CostTable {
        unit: costs.unit.clone(),
        month,
        partial: costs.span(month).is_some_and(|s| s.partial),
        previous_month,
        group: group.header().to_string(),
        rows,
        total: costs.total(month)?,
        previous_total: previous_month.map(|p| costs.total(p)).transpose()?,
    })
}

fn row(key: String, label: String, change: Change) -> CostRow {
    CostRow {
        key,
        label,
        amount: change.amount,
        previous: change.previous,
        change: change.percent(),
    }
}

/// Rows keyed by a service or tag value, this month against the last.
fn keyed<'a>(
    month: Month,
    previous_month: Option<Month>,
    per: impl Fn(Month) -> Result<BTreeMap<&'a str, Decimal>, CostError>,
) -> Result<Vec<CostRow>, CostError> {
    let now = per(month)?;
    let before = previous_month.map(&per).transpose()?;
    let mut keys: Vec<&str> = now.keys().copied().collect();
    if let Some(b) = &before {
        keys.extend(b.keys().copied().filter(|k| !now.contains_key(k)));
    }
    Ok(keys
        .into_iter()
        .map(|k| {
            let change = Change {
                amount: now.get(k).copied().unwrap_or_default(),
                previous: before
                    .as_ref()
                    .map(|b| b.get(k).copied().unwrap_or_default()),
            };
            row(k.to_string(), k.to_string(), change)
        })
        .collect())
}

impl CostTable {
    fn amount_header(&self, month: Month) -> String {
        format!("{month} ({})", self.unit)
    }

    fn headers(&self) -> Vec<String> {
        let mut h = vec![self.group.clone()];
        if self.group == "account" || self.group == "ou" {
            h.push("name".to_string());
        }
        h.push(self.amount_header(self.month));
        if let Some(p) = self.previous_month {
            h.push(self.amount_header(p));
            h.push("change".to_string());
        }
        h
    }

    fn cells(
        &self,
        row: &CostRow,
        amount: impl Fn(Decimal) -> String,
        change: impl Fn(&CostRow) -> String,
    ) -> Vec<String> {
        let mut c = vec![row.key.clone()];
        if self.group == "account" || self.group == "ou" {
            c.push(row.label.clone());
        } else if row.label != row.key {
            c[0] = row.label.clone();
        }
        c.push(amount(row.amount));
        if self.previous_month.is_some() {
            c.push(row.previous.map(&amount).unwrap_or_default());
            c.push(change(row));
        }
        c
    }

    /// Aligned text, amounts rounded to cents and right-aligned, with a
    /// total line; the month to date is marked as such.
    pub fn to_text(&self) -> String {
        let cents = |d: Decimal| d.rounded(2).to_string();
        let mut rows = vec![self.headers()];
        rows.extend(
            self.rows
                .iter()
                .map(|r| self.cells(r, cents, |r| r.change.clone().unwrap_or_default())),
        );
        let mut total = vec!["total".to_string()];
        if self.group == "account" || self.group == "ou" {
            total.push(String::new());
        }
        total.push(cents(self.total));
        if let Some(before) = self.previous_total {
            total.push(cents(before));
            let change = Change {
                amount: self.total,
                previous: Some(before),
            };
            total.push(change.percent().unwrap_or_default());
        }
        rows.push(total);
        let n = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0; n];
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let text_cols = if self.group == "account" || self.group == "ou" {
            2
        } else {
            1
        };
        let mut out = String::new();
        for r in &rows {
            let mut line = String::new();
            for (i, (c, w)) in r.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = w - c.chars().count();
                if i < text_cols {
                    line.push_str(c);
                    line.push_str(&" ".repeat(pad));
                } else {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(c);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if self.partial {
            out.push_str(&format!(
                "{} is the month to date: it is not over, so it is not compared with a full month\n",
                self.month
            ));
        }
        out
    }

    /// RFC 4180 CSV with exact amounts. Amounts are validated decimals, so
    /// they cannot be formulas and go out as they are (a credit's leading
    /// `-` must stay a minus sign); text cells are neutralised.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, cells: Vec<String>, text_cols: usize| {
            let cells: Vec<String> = cells
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    if i < text_cols {
                        csv_field(&c).into_owned()
                    } else {
                        c
                    }
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        };
        let text_cols = if self.group == "account" || self.group == "ou" {
            2
        } else {
            1
        };
        // Headers are text (they may hold a tag key). A spreadsheet wants
        // the change as an amount it can sum, not a percentage.
        let mut headers = self.headers();
        if self.previous_month.is_some()
            && let Some(last) = headers.last_mut()
        {
            *last = format!("change ({})", self.unit);
        }
        line(&mut out, headers, usize::MAX);
        for r in &self.rows {
            let cells = self.cells(
                r,
                |d| d.to_string(),
                |r| {
                    let change = Change {
                        amount: r.amount,
                        previous: r.previous,
                    };
                    change.delta().map(|d| d.to_string()).unwrap_or_default()
                },
            );
            line(&mut out, cells, text_cols);
        }
        out
    }

    /// The table as JSON: the header fields and the rows, exact amounts as
    /// strings.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut out = serde_json::to_string_pretty(self)?;
        out.push('\n');
        Ok(out)
    }
}
