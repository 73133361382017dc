//! The demo estate's bill: what Cost Explorer would report for August to
//! October 2026 and November to date (the demo is "collected" on 20
//! November), per account and service, and per value of the `app` tag, so
//! every cost view has something true-to-life to show.
//!
//! It has a story an architect would look for:
//! - **`payments-test` costs more than `payments-prod`** from September on:
//!   a load-test fleet that was never stopped (its EC2 line triples);
//! - **a jump in one service**: `orders-prod`'s CloudWatch bill goes from
//!   about $40 to over $600 in October, when debug logging was left on.
//!
//! Amounts carry ten decimal places, as Cost Explorer's do, and derive from
//! a hash of what they name, so the same estate always has the same bill.
//! An account whose role refused AssumeRole still has costs: Cost Explorer
//! reads them from the management account, not through the role.

use super::{ENVS, Plan, Role, app_name, hash64};
use crate::cost::{CostLine, Costs, Decimal, METRIC, Month, MonthSpan};

const MONTHS: [Month; 4] = [
    Month {
        year: 2026,
        month: 8,
    },
    Month {
        year: 2026,
        month: 9,
    },
    Month {
        year: 2026,
        month: 10,
    },
    Month {
        year: 2026,
        month: 11,
    },
];

/// Of November's 30 days, the demo's month to date has 19 billed.
const MTD_PER_MILLE: i128 = 633;

const EC2: &str = "Amazon Elastic Compute Cloud - Compute";
const EC2_OTHER: &str = "EC2 - Other";
const RDS: &str = "Amazon Relational Database Service";
const ELB: &str = "Amazon Elastic Load Balancing";
const S3: &str = "Amazon Simple Storage Service";
const CLOUDWATCH: &str = "AmazonCloudWatch";
const VPC: &str = "Amazon Virtual Private Cloud";

/// A monthly base in whole dollars per service, for an account's role.
fn services(plan: &Plan) -> Vec<(&'static str, i128)> {
    match plan.role {
        Role::Management => vec![("AWS CloudTrail", 38), ("AWS Cost Explorer", 2), (S3, 12)],
        Role::SecurityAudit => vec![("Amazon GuardDuty", 410), ("AWS Config", 180), (S3, 25)],
        Role::LogArchive => vec![(S3, 640), (CLOUDWATCH, 55)],
        Role::Network => vec![(VPC, 1450), (EC2_OTHER, 520), (CLOUDWATCH, 30)],
        Role::Sandbox | Role::SandboxSuspended => vec![(EC2, 95), (S3, 4)],
        Role::Workload { app, env } => {
            // Apps differ in size; an environment is a share of its prod.
            let size = 60 + (hash64(&["cost-size", &app_name(app)]) % 90) as i128;
            let share = [100, 35, 15][env.min(ENVS.len() - 1)];
            let scaled = |base: i128| (base * size * share / 10_000).max(1);
            vec![
                (EC2, scaled(2400)),
                (EC2_OTHER, scaled(520)),
                (RDS, scaled(1300)),
                (ELB, scaled(260)),
                (S3, scaled(140)),
                (CLOUDWATCH, scaled(60)),
                (VPC, scaled(90)),
            ]
        }
    }
}

/// Dollars for (account, service, month) with the story applied, in units
/// of 10^-10 (ten decimal places, as AWS writes them).
fn amount(plan: &Plan, service: &str, base: i128, month_index: usize) -> i128 {
    let mut dollars_e4 = base * 10_000;
    match plan.role {
        // The forgotten load-test fleet, from September on.
        Role::Workload { app: 0, env: 1 } if service == EC2 && month_index >= 1 => {
            dollars_e4 *= 6;
        }
        // Debug logging left on in October (and still on in November).
        Role::Workload { app: 1, env: 0 } if service == CLOUDWATCH && month_index >= 2 => {
            dollars_e4 = dollars_e4 * 15 + 3_000_000;
        }
        // Suspended in October: nothing billed since.
        Role::SandboxSuspended if month_index >= 2 => return 0,
        _ => {}
    }
    // ±6% month to month, and ten decimal places of noise.
    let month = month_index.to_string();
    let h = hash64(&["cost", &plan.id, service, &month]);
    let jitter = (h % 1201) as i128 - 600; // per 10,000
    let mut units = dollars_e4 * (10_000 + jitter) * 100;
    units += (h >> 20) as i128 % 1_000_000;
    if month_index == MONTHS.len() - 1 {
        units = units * MTD_PER_MILLE / 1000;
    }
    units
}

/// The app tag value an account's resources carry; a few percent of every
/// bill is on untagged resources (value "").
fn app_of(plan: &Plan) -> String {
    match plan.role {
        Role::Workload { app, .. } => app_name(app),
        Role::Sandbox | Role::SandboxSuspended => "sandbox".to_string(),
        Role::Management => "platform".to_string(),
        Role::SecurityAudit | Role::LogArchive => "security".to_string(),
        Role::Network => "network".to_string(),
    }
}

pub(crate) fn demo_costs(plans: &[Plan]) -> Costs {
    let mut by_service = Vec::new();
    let mut by_tag = Vec::new();
    for plan in plans {
        for (i, month) in MONTHS.iter().enumerate() {
            let mut account_total: i128 = 0;
            for (service, base) in services(plan) {
                let units = amount(plan, service, base, i);
                if units == 0 {
                    continue;
                }
                account_total += units;
                by_service.push(CostLine {
                    month: *month,
                    account_id: plan.id.clone(),
                    key: service.to_string(),
                    amount: Decimal::new(units, 10),
                });
            }
            if account_total == 0 {
                continue;
            }
            // 3% untagged; the tagged part is the rest, so the tag view
            // sums to exactly the account's bill.
            let untagged = account_total * 3 / 100;
            for (key, units) in [
                (app_of(plan), account_total - untagged),
                (String::new(), untagged),
            ] {
                by_tag.push(CostLine {
                    month: *month,
                    account_id: plan.id.clone(),
                    key,
                    amount: Decimal::new(units, 10),
                });
            }
        }
    }
    Costs {
        metric: METRIC.to_string(),
        unit: "USD".to_string(),
        months: MONTHS
            .iter()
            .enumerate()
            .map(|(i, month)| MonthSpan {
                month: *month,
                partial: i == MONTHS.len() - 1,
                estimated: i == MONTHS.len() - 1,
            })
            .collect(),
        by_service,
        tag_key: Some("app".to_string()),
        by_tag,
        // Generated, not asked of Cost Explorer.
        requests: 0,
    }
}
