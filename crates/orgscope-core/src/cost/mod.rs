//! What the estate costs, beside what it runs: the monthly amounts Cost
//! Explorer reported per (month, account, service) and, when asked, per
//! (month, account, cost-allocation tag value), kept in the snapshot as
//! [`Costs`], and the rollups every view reads — per account, per OU
//! (everything below it), per service, per tag value — for a chosen month
//! against the month before.
//!
//! Amounts are [`Decimal`]s, never floats: a total must equal the sum of
//! its parts to the last digit AWS sent. The cost of an OU is computed,
//! never stored, so it always agrees with the accounts under it.
//!
//! Collection (`orgscope-aws::cost`) fills [`Costs`]; the demo generates
//! them (`demo::costs`); `table` builds what `orgscope cost` prints and
//! `heat` colours the org diagram.

pub mod compare;
pub mod decimal;
pub mod heat;
pub mod table;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use decimal::{Decimal, DecimalError};

use crate::model::OrgUnit;

/// The Cost Explorer metric orgscope reads: what was charged, before
/// discounts are shared across the organization.
pub const METRIC: &str = "UnblendedCost";

/// A calendar month, written `2026-11` in files and on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1..=12.
    pub month: u8,
}

impl Month {
    /// `YYYY-MM`, or an error saying what was expected.
    pub fn parse(text: &str) -> Result<Month, CostError> {
        let bad = || CostError::BadMonth(text.to_string());
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    /// The month holding an ISO date (`2026-11-01`), as Cost Explorer
    /// writes a period's start.
    pub fn of_date(date: &str) -> Result<Month, CostError> {
        Month::parse(
            date.get(..7)
                .ok_or_else(|| CostError::BadMonth(date.to_string()))?,
        )
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Its first day, `2026-11-01`.
    pub fn first_day(self) -> String {
        format!("{self}-01")
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Month::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The months a collection asks for on `today` (an ISO date): the last
/// three full months and the month to date. Cost Explorer's end date is
/// exclusive, so the period ends tomorrow to include today's partial costs.
pub fn period(today: time::Date) -> (String, String, Vec<Month>) {
    let this = Month {
        year: today.year(),
        month: today.month() as u8,
    };
    let first = this.previous().previous().previous();
    let months = vec![first, first.next(), first.next().next(), this];
    let end = today.next_day().unwrap_or(today);
    let fmt = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day());
    (first.first_day(), fmt(end), months)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CostError {
    #[error("{0:?} is not a month; write it as YYYY-MM, e.g. 2026-11")]
    BadMonth(String),
    #[error(
        "this estate has no cost data; collect it with `orgscope collect --cost` (Cost Explorer charges $0.01 per request)"
    )]
    NoCosts,
    #[error("no costs for {month} in this estate; it has {available}")]
    NoSuchMonth { month: Month, available: String },
    #[error("{0}")]
    NoTag(String),
    #[error("unknown cost grouping {0:?}: use account, ou, service or tag:KEY")]
    BadGroup(String),
    #[error(transparent)]
    Decimal(#[from] DecimalError),
}

/// One month's amount for one account and one key (a service name, or a
/// tag value: empty when the resources had no such tag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostLine {
    pub month: Month,
    pub account_id: String,
    pub key: String,
    pub amount: Decimal,
}

/// A month Cost Explorer reported on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthSpan {
    pub month: Month,
    /// The month to date: not over yet, so not comparable with full months.
    pub partial: bool,
    /// Cost Explorer's own flag: the amounts may still change.
    pub estimated: bool,
}

/// Everything a collection learnt about costs; `Estate::costs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Costs {
    /// The Cost Explorer metric, [`METRIC`].
    pub metric: String,
    /// The currency every amount is in, as AWS names it (`USD`).
    pub unit: String,
    /// Oldest first.
    pub months: Vec<MonthSpan>,
    /// Per (month, account, service).
    pub by_service: Vec<CostLine>,
    /// The cost-allocation tag asked for (`--cost-tag app`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_key: Option<String>,
    /// Per (month, account, value of `tag_key`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_tag: Vec<CostLine>,
    /// Cost Explorer requests the collection made (each is billed).
    pub requests: u32,
}

/// An amount for a month and the month before it, for "what changed".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Change {
    pub amount: Decimal,
    /// `None` when the estate has no month before the chosen one.
    pub previous: Option<Decimal>,
}

impl Change {
    /// `+12.5%`, or `new` when there was nothing before.
    pub fn percent(&self) -> Option<String> {
        let previous = self.previous?;
        if previous.is_zero() {
            return (!self.amount.is_zero()).then(|| "new".to_string());
        }
        self.amount.percent_change_from(previous)
    }

    /// The difference in the currency's unit, exact.
    pub fn delta(&self) -> Option<Decimal> {
        self.amount.checked_sub(self.previous?)
    }
}

/// An amount for reading: rounded to `places`, thousands grouped, with
/// the currency (`$8,402.94` for USD, `8,402.94 EUR` otherwise).
pub fn money(amount: Decimal, unit: &str, places: u32) -> String {
    let text = amount.rounded(places).to_string();
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let number = if frac.is_empty() {
        grouped
    } else {
        format!("{grouped}.{frac}")
    };
    match unit {
        "USD" => format!("{sign}${number}"),
        _ => format!("{sign}{number} {unit}"),
    }
}

fn add(map_entry: &mut Decimal, amount: Decimal) -> Result<(), CostError> {
    *map_entry = map_entry
        .checked_add(amount)
        .ok_or(CostError::Decimal(DecimalError::Overflow))?;
    Ok(())
}

impl Costs {
    /// The month a view shows first: the last full month (the month to
    /// date is not comparable with the one before), else the newest.
    pub fn default_month(&self) -> Option<Month> {
        self.months
            .iter()
            .rev()
            .find(|m| !m.partial)
            .or(self.months.last())
            .map(|m| m.month)
    }

    pub fn span(&self, month: Month) -> Option<&MonthSpan> {
        self.months.iter().find(|m| m.month == month)
    }

    /// The month before `month`, when the estate has it.
    pub fn previous(&self, month: Month) -> Option<Month> {
        let before = month.previous();
        self.span(before).map(|_| before)
    }

    /// `month` if the estate has it, else an error listing those it has.
    pub fn check_month(&self, month: Month) -> Result<Month, CostError> {
        match self.span(month) {
            Some(_) => Ok(month),
            None => Err(CostError::NoSuchMonth {
                month,
                available: self
                    .months
                    .iter()
                    .map(|m| m.month.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Sum of `lines` of `month` grouped by `key_of`.
    fn grouped<'a>(
        lines: &'a [CostLine],
        month: Month,
        key_of: impl Fn(&'a CostLine) -> Option<&'a str>,
    ) -> Result<BTreeMap<&'a str, Decimal>, CostError> {
        let mut out: BTreeMap<&str, Decimal> = BTreeMap::new();
        for line in lines.iter().filter(|l| l.month == month) {
            if let Some(key) = key_of(line) {
                add(out.entry(key).or_default(), line.amount)?;
            }
        }
        Ok(out)
    }

    /// Per account id, for `month`.
    pub fn by_account(&self, month: Month) -> Result<BTreeMap<&str, Decimal>, CostError> {
        Self::grouped(&self.by_service, month, |l| Some(l.account_id.as_str()))
    }

    /// Per service, for `month`, over the accounts `keep` accepts.
    pub fn by_service(
        &self,
        month: Month,
        keep: impl Fn(&str) -> bool,
    ) -> Result<BTreeMap<&str, Decimal>, CostError> {
        Self::grouped(&self.by_service, month, |l| {
            keep(&l.account_id).then_some(l.key.as_str())
        })
    }

    /// Per value of the collected tag, for `month`; `key` must be the tag
    /// the costs were collected with.
    pub fn by_tag(&self, key: &str, month: Month) -> Result<BTreeMap<&str, Decimal>, CostError> {
        match &self.tag_key {
            Some(k) if k == key => Self::grouped(&self.by_tag, month, |l| Some(l.key.as_str())),
            Some(k) => Err(CostError::NoTag(format!(
                "costs in this estate are grouped by tag {k:?}, not {key:?}; collect again with --cost-tag {key}"
            ))),
            None => Err(CostError::NoTag(format!(
                "costs in this estate were collected without a tag; collect again with --cost-tag {key}"
            ))),
        }
    }

    /// Total of every account, for `month`.
    pub fn total(&self, month: Month) -> Result<Decimal, CostError> {
        let per = self.by_account(month)?;
        Ok(Decimal::sum(per.values())?)
    }

    /// Per account for `month` with the month before.
    pub fn account_changes(&self, month: Month) -> Result<HashMap<String, Change>, CostError> {
        Ok(changes(
            self.by_account(month)?,
            self.previous(month)
                .map(|p| self.by_account(p))
                .transpose()?,
        ))
    }

    /// Per OU id (and the root's), everything below it, for `month` with
    /// the month before.
    pub fn ou_changes(
        &self,
        tree: &OrgUnit,
        month: Month,
    ) -> Result<HashMap<String, Change>, CostError> {
        let now = rollup(tree, &self.by_account(month)?)?;
        let before = match self.previous(month) {
            Some(p) => Some(rollup(tree, &self.by_account(p)?)?),
            None => None,
        };
        let mut out = HashMap::new();
        for (id, amount) in now {
            let previous = before
                .as_ref()
                .map(|b| b.get(&id).copied().unwrap_or_default());
            out.insert(id, Change { amount, previous });
        }
        Ok(out)
    }
}

/// Pair this month's amounts with last month's (an account absent from a
/// month cost nothing in it).
fn changes(
    now: BTreeMap<&str, Decimal>,
    before: Option<BTreeMap<&str, Decimal>>,
) -> HashMap<String, Change> {
    let mut out: HashMap<String, Change> = HashMap::new();
    for (k, amount) in &now {
        out.insert(
            k.to_string(),
            Change {
                amount: *amount,
                previous: before
                    .as_ref()
                    .map(|b| b.get(k).copied().unwrap_or_default()),
            },
        );
    }
    if let Some(before) = &before {
        for (k, amount) in before {
            out.entry(k.to_string()).or_insert(Change {
                amount: Decimal::ZERO,
                previous: Some(*amount),
            });
        }
    }
    out
}

/// The cost of every node of the tree: its accounts and every OU below.
pub fn rollup(
    tree: &OrgUnit,
    per_account: &BTreeMap<&str, Decimal>,
) -> Result<HashMap<String, Decimal>, CostError> {
    fn go(
        node: &OrgUnit,
        per_account: &BTreeMap<&str, Decimal>,
        out: &mut HashMap<String, Decimal>,
    ) -> Result<Decimal, CostError> {
        let mut total = Decimal::ZERO;
        for id in &node.accounts {
            if let Some(a) = per_account.get(id.as_str()) {
                add(&mut total, *a)?;
            }
        }
        for child in &node.children {
            let below = go(child, per_account, out)?;
            add(&mut total, below)?;
        }
        out.insert(node.id.clone(), total);
        Ok(total)
    }
    // The tree's depth is bounded when a snapshot is read
    // (`snapshot::MAX_OU_DEPTH`), so this recursion is too.
    let mut out = HashMap::new();
    go(tree, per_account, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests;
