//! Cost Explorer: what the estate cost in the last three full months and
//! the month to date, per linked account and service (and per value of one
//! cost-allocation tag when asked), read once per run from the caller's
//! account — the management account sees every member's costs, any other
//! account its own.
//!
//! Cost Explorer bills every request ($0.01), so collecting costs is
//! opt-in ([`CostOptions`]) and takes as few requests as the grouping
//! allows: `GroupBy` takes two dimensions, so `[LINKED_ACCOUNT, SERVICE]`
//! is one series of pages for both, and the tag is a second series
//! (`[LINKED_ACCOUNT, TAG]`) only when asked. Each series is paged through
//! `NextPageToken` to the end; the requests made are counted and reported.
//!
//! The outcome is one coverage cell (global, the caller's account,
//! `ce:GetCostAndUsage`). A denied or unavailable Cost Explorer never fails
//! the run: the cell says why and the estate has no costs. A series that
//! fails part way is dropped whole rather than kept as a total that is
//! silently too small. SDK types end here: amounts become exact
//! [`Decimal`]s, periods become [`Month`]s.

use std::collections::{BTreeMap, HashSet};
use std::future::Future;

use aws_sdk_costexplorer::operation::get_cost_and_usage::GetCostAndUsageOutput;
use aws_sdk_costexplorer::types::{
    DateInterval, Granularity, GroupDefinition, GroupDefinitionType, ResultByTime,
};
use orgscope_core::cost::{self, CostLine, Costs, Decimal, METRIC, Month, MonthSpan};
use orgscope_core::model::{Api, CellKey, Coverage, CoverageStatus, Place};

use crate::auth::Clients;
use crate::classify::{Failure, classify};

/// What a run asks of Cost Explorer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CostOptions {
    /// A cost-allocation tag to group by as well (`app`): one more series
    /// of requests.
    pub tag_key: Option<String>,
    /// The day the period ends on (UTC today when `None`); tests fix it to
    /// the dates of the responses they queue.
    pub today: Option<time::Date>,
}

/// What one run of [`collect`] leaves.
#[derive(Debug)]
pub struct CostOutcome {
    /// `None` when the account/service series could not be read.
    pub costs: Option<Costs>,
    /// The `ce:GetCostAndUsage` cell of the caller's account.
    pub cell: Coverage,
    /// Requests sent (each billed), failed ones included.
    pub requests: u32,
    /// A line for the user: how many requests, and what failed.
    pub summary: String,
}

/// Most pages of one series: Cost Explorer pages over groups, and an
/// estate of thousands of accounts × dozens of services takes a few dozen
/// pages. A token that never ends is refused, not followed forever.
const MAX_PAGES: u32 = 500;

/// One series' pages, already converted: per (month, account, key) lines
/// and the months they cover.
#[derive(Debug, Default)]
struct Series {
    lines: Vec<CostLine>,
    months: BTreeMap<Month, MonthSpan>,
    units: HashSet<String>,
}

/// Collect costs for `caller_account` with the run's clients.
pub async fn collect(clients: &Clients, caller_account: &str, opts: &CostOptions) -> CostOutcome {
    let client = clients.cost_explorer();
    let today = opts
        .today
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().date());
    let (start, end, _) = cost::period(today);
    let this_month = Month {
        year: today.year(),
        month: today.month() as u8,
    };
    let mut requests = 0u32;
    let fetch = |second: GroupDefinition| {
        let client = client.clone();
        let (start, end) = (start.clone(), end.clone());
        move |token: Option<String>| {
            let client = client.clone();
            let (start, end, second) = (start.clone(), end.clone(), second.clone());
            async move {
                let period = DateInterval::builder()
                    .start(start)
                    .end(end)
                    .build()
                    .map_err(|e| {
                        Failure::new(CoverageStatus::Error, "InvalidPeriod", e.to_string())
                    })?;
                client
                    .get_cost_and_usage()
                    .time_period(period)
                    .granularity(Granularity::Monthly)
                    .metrics(METRIC)
                    .group_by(dimension("LINKED_ACCOUNT"))
                    .group_by(second)
                    .set_next_page_token(token)
                    .send()
                    .await
                    .map_err(|e| classify(&e))
            }
        }
    };
    let services = pages(&mut requests, fetch(dimension("SERVICE"))).await;
    let services = services.and_then(|pages| convert(&pages, None, this_month));
    let tags = match &opts.tag_key {
        Some(key) => {
            let tag = GroupDefinition::builder()
                .r#type(GroupDefinitionType::Tag)
                .key(key)
                .build();
            let series = pages(&mut requests, fetch(tag)).await;
            Some(series.and_then(|pages| convert(&pages, Some(key), this_month)))
        }
        None => None,
    };
    outcome(
        caller_account,
        services,
        tags,
        opts.tag_key.clone(),
        requests,
    )
}

fn dimension(key: &str) -> GroupDefinition {
    GroupDefinition::builder()
        .r#type(GroupDefinitionType::Dimension)
        .key(key)
        .build()
}

/// Every page of one series, following `NextPageToken` to the end; each
/// request sent counts in `requests`, failed or not.
async fn pages<F, Fut>(
    requests: &mut u32,
    mut fetch: F,
) -> Result<Vec<GetCostAndUsageOutput>, Failure>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<GetCostAndUsageOutput, Failure>>,
{
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    let mut seen = HashSet::new();
    loop {
        if out.len() as u32 >= MAX_PAGES {
            return Err(Failure::new(
                CoverageStatus::Error,
                "TooManyPages",
                format!("Cost Explorer was still paging after {MAX_PAGES} pages"),
            ));
        }
        *requests += 1;
        let page = fetch(token.take()).await?;
        let next = page
            .next_page_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        out.push(page);
        match next {
            None => return Ok(out),
            Some(t) if !seen.insert(t.clone()) => {
                return Err(Failure::new(
                    CoverageStatus::Error,
                    "RepeatedPageToken",
                    format!("Cost Explorer returned the page token {t:?} twice"),
                ));
            }
            Some(t) => token = Some(t),
        }
    }
}

/// Lines of a series' pages. `tag` is the tag key of a tag series, whose
/// group keys read `KEY$value` (`KEY$` for untagged).
fn convert(
    pages: &[GetCostAndUsageOutput],
    tag: Option<&str>,
    this_month: Month,
) -> Result<Series, Failure> {
    let bad = |message: String| Failure::new(CoverageStatus::Error, "UnexpectedResponse", message);
    let mut series = Series::default();
    for result in pages
        .iter()
        .flat_map(GetCostAndUsageOutput::results_by_time)
    {
        let month = month_of(result).map_err(bad)?;
        let span = series.months.entry(month).or_insert(MonthSpan {
            month,
            partial: month == this_month,
            estimated: false,
        });
        span.estimated |= result.estimated();
        for group in result.groups() {
            let [account, key] = group.keys() else {
                return Err(bad(format!(
                    "a group has {} keys, not the two asked for",
                    group.keys().len()
                )));
            };
            let Some(value) = group.metrics().and_then(|m| m.get(METRIC)) else {
                continue;
            };
            let amount = value
                .amount()
                .ok_or_else(|| bad(format!("{METRIC} of {account} has no amount")))?;
            let amount = Decimal::parse(amount).map_err(|e| bad(e.to_string()))?;
            if let Some(unit) = value.unit() {
                series.units.insert(unit.to_string());
            }
            let key = match tag {
                Some(tag) => key
                    .strip_prefix(tag)
                    .and_then(|k| k.strip_prefix('$'))
                    .unwrap_or(key)
                    .to_string(),
                None => key.clone(),
            };
            series.lines.push(CostLine {
                month,
                account_id: account.clone(),
                key,
                amount,
            });
        }
    }
    if series.units.len() > 1 {
        let mut units: Vec<&str> = series.units.iter().map(String::as_str).collect();
        units.sort_unstable();
        return Err(bad(format!(
            "amounts came in more than one currency ({}); orgscope does not convert them",
            units.join(", ")
        )));
    }
    Ok(series)
}

fn month_of(result: &ResultByTime) -> Result<Month, String> {
    let start = result
        .time_period()
        .map(DateInterval::start)
        .ok_or("a result has no time period")?;
    Month::of_date(start).map_err(|e| e.to_string())
}

/// The cell, the costs and the summary from the two series.
fn outcome(
    caller_account: &str,
    services: Result<Series, Failure>,
    tags: Option<Result<Series, Failure>>,
    tag_key: Option<String>,
    requests: u32,
) -> CostOutcome {
    let key = CellKey {
        account_id: caller_account.to_string(),
        region: Place::Global,
        api: Api::GET_COST_AND_USAGE,
    };
    let spent = format!(
        "{requests} Cost Explorer request(s), ${}.{:02} at $0.01 each",
        requests / 100,
        requests % 100
    );
    let services = match services {
        Ok(s) => s,
        Err(f) => {
            let summary = format!(
                "costs not collected: Cost Explorer {} ({}){}; {spent}",
                f.status,
                f.code.as_deref().unwrap_or("no code"),
                f.message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            );
            return CostOutcome {
                costs: None,
                cell: Coverage::new(key, f.status, f.code, f.message),
                requests,
                summary,
            };
        }
    };
    let unit = services
        .units
        .iter()
        .next()
        .cloned()
        .unwrap_or_else(|| "USD".to_string());
    let mut costs = Costs {
        metric: METRIC.to_string(),
        unit,
        months: services.months.into_values().collect(),
        by_service: services.lines,
        tag_key: None,
        by_tag: Vec::new(),
        requests,
    };
    let mut cell = Coverage::new(key, CoverageStatus::Ok, None, None);
    let mut summary = format!("costs collected: {spent}");
    match (tags, tag_key) {
        (Some(Ok(t)), Some(k)) if t.units.iter().all(|u| *u == costs.unit) => {
            costs.tag_key = Some(k);
            costs.by_tag = t.lines;
        }
        (Some(Ok(t)), Some(k)) => {
            let message = format!(
                "costs by tag {k:?} came in another currency ({:?}) than by service ({})",
                t.units, costs.unit
            );
            summary = format!("{summary}; {message}");
            cell = Coverage::new(
                cell.key(),
                CoverageStatus::Error,
                Some("UnexpectedResponse".into()),
                Some(message),
            );
        }
        (Some(Err(f)), Some(k)) => {
            // The account/service costs stand; only the tag view is lost,
            // and the cell says so.
            let message = format!(
                "costs by tag {k:?} not collected: {}",
                f.message.as_deref().unwrap_or("no message")
            );
            summary = format!("{summary}; {message}");
            cell = Coverage::new(cell.key(), f.status, f.code, Some(message));
        }
        _ => {}
    }
    CostOutcome {
        costs: Some(costs),
        cell,
        requests,
        summary,
    }
}

#[cfg(test)]
mod tests {
    //! The conversion and paging against recorded response shapes (the
    //! moto test in `tests/integration/cost.rs` covers the wire).

    use super::*;
    use crate::recorded::{block_on, recorded};
    use aws_sdk_costexplorer::types::{Group, MetricValue};

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    fn result(
        start: &str,
        end: &str,
        estimated: bool,
        groups: &[(&str, &str, &str, &str)],
    ) -> ResultByTime {
        let mut r = ResultByTime::builder()
            .time_period(
                DateInterval::builder()
                    .start(start)
                    .end(end)
                    .build()
                    .unwrap(),
            )
            .estimated(estimated);
        for (account, key, amount, unit) in groups {
            r = r.groups(
                Group::builder()
                    .keys(*account)
                    .keys(*key)
                    .metrics(
                        METRIC,
                        MetricValue::builder().amount(*amount).unit(*unit).build(),
                    )
                    .build(),
            );
        }
        r.build()
    }

    fn page(results: Vec<ResultByTime>, token: Option<&str>) -> GetCostAndUsageOutput {
        GetCostAndUsageOutput::builder()
            .set_results_by_time(Some(results))
            .set_next_page_token(token.map(str::to_string))
            .build()
    }

    #[test]
    fn pages_convert_to_exact_lines_and_months() {
        // Cost Explorer repeats a month on every page, each with some of
        // its groups.
        let pages = [
            page(
                vec![
                    result(
                        "2026-10-01",
                        "2026-11-01",
                        false,
                        &[("111", "Amazon EC2", "10.0000000001", "USD")],
                    ),
                    result(
                        "2026-11-01",
                        "2026-11-21",
                        true,
                        &[("111", "Amazon EC2", "1.5", "USD")],
                    ),
                ],
                Some("p2"),
            ),
            page(
                vec![result(
                    "2026-10-01",
                    "2026-11-01",
                    false,
                    &[("222", "Amazon S3", "0.0000000009", "USD")],
                )],
                None,
            ),
        ];
        let s = convert(&pages, None, m("2026-11")).unwrap();
        assert_eq!(s.lines.len(), 3);
        let oct: Vec<Decimal> = s
            .lines
            .iter()
            .filter(|l| l.month == m("2026-10"))
            .map(|l| l.amount)
            .collect();
        assert_eq!(
            Decimal::sum(oct.iter()).unwrap().to_string(),
            "10.0000000010"
        );
        let months: Vec<&MonthSpan> = s.months.values().collect();
        assert_eq!(months.len(), 2);
        assert!(!months[0].partial && months[1].partial && months[1].estimated);
    }

    #[test]
    fn tag_values_lose_their_key_prefix() {
        let pages = [page(
            vec![result(
                "2026-10-01",
                "2026-11-01",
                false,
                &[
                    ("111", "app$payments", "3", "USD"),
                    ("111", "app$", "1", "USD"),
                ],
            )],
            None,
        )];
        let s = convert(&pages, Some("app"), m("2026-11")).unwrap();
        let keys: Vec<&str> = s.lines.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys, ["payments", ""]);
    }

    #[test]
    fn bad_amounts_and_mixed_currencies_are_errors_not_guesses() {
        let bad = [page(
            vec![result(
                "2026-10-01",
                "2026-11-01",
                false,
                &[("1", "S3", "1,5", "USD")],
            )],
            None,
        )];
        let f = convert(&bad, None, m("2026-11")).unwrap_err();
        assert_eq!(f.code.as_deref(), Some("UnexpectedResponse"));
        assert!(f.message.unwrap().contains("1,5"));
        let mixed = [page(
            vec![result(
                "2026-10-01",
                "2026-11-01",
                false,
                &[("1", "S3", "1", "USD"), ("2", "S3", "1", "EUR")],
            )],
            None,
        )];
        let f = convert(&mixed, None, m("2026-11")).unwrap_err();
        assert!(f.message.unwrap().contains("EUR, USD"));
    }

    #[test]
    fn paging_follows_tokens_to_the_end_and_counts_requests() {
        let asked = std::sync::Mutex::new(Vec::new());
        let mut requests = 0;
        let pages_served = vec![
            page(vec![], Some("a")),
            page(vec![], Some("b")),
            page(vec![], Some("")),
        ];
        let got = block_on(pages(&mut requests, recorded(pages_served, &asked))).unwrap();
        assert_eq!(got.len(), 3, "an empty token ends the series");
        assert_eq!(requests, 3);
        assert_eq!(
            *asked.lock().unwrap(),
            [None, Some("a".into()), Some("b".into())]
        );
    }

    #[test]
    fn a_repeated_token_or_a_failed_page_ends_the_series_with_a_failure() {
        let asked = std::sync::Mutex::new(Vec::new());
        let mut requests = 0;
        let looping = vec![page(vec![], Some("a")), page(vec![], Some("a"))];
        let f = block_on(pages(&mut requests, recorded(looping, &asked))).unwrap_err();
        assert_eq!(f.code.as_deref(), Some("RepeatedPageToken"));
        assert_eq!(requests, 2);
        let mut requests = 0;
        let f = block_on(pages(
            &mut requests,
            recorded(vec![page(vec![], Some("x"))], &asked),
        ))
        .unwrap_err();
        assert_eq!(f.code.as_deref(), Some("NoMorePages"));
        assert_eq!(
            requests, 2,
            "the failed request is counted: it may be billed"
        );
    }

    #[test]
    fn a_denied_cost_explorer_is_a_cell_not_a_failed_run() {
        let denied = Failure::new(
            CoverageStatus::Denied,
            "AccessDeniedException",
            "not authorized to perform: ce:GetCostAndUsage",
        );
        let o = outcome("123", Err(denied), None, None, 1);
        assert!(o.costs.is_none());
        assert_eq!(o.cell.status, CoverageStatus::Denied);
        assert_eq!(o.cell.api, Api::GET_COST_AND_USAGE);
        assert!(o.cell.region.is_global());
        assert!(
            o.summary.contains("AccessDeniedException")
                && o.summary.contains("1 Cost Explorer request"),
            "{}",
            o.summary
        );
    }

    #[test]
    fn a_failed_tag_series_keeps_the_service_costs() {
        let services = Series {
            units: ["USD".to_string()].into(),
            ..Series::default()
        };
        let throttled = Failure::new(
            CoverageStatus::Throttled,
            "ThrottlingException",
            "slow down",
        );
        let o = outcome(
            "123",
            Ok(services),
            Some(Err(throttled)),
            Some("app".into()),
            2,
        );
        let costs = o.costs.expect("service costs kept");
        assert_eq!(costs.tag_key, None);
        assert_eq!(costs.requests, 2);
        assert_eq!(o.cell.status, CoverageStatus::Throttled);
        assert!(o.cell.message.unwrap().contains("by tag \"app\""));
    }
}
