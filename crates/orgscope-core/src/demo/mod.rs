//! The built-in demo estate: a realistic AWS Organizations estate generated
//! by code, deterministically, so the app, the CLI, the diagrams and the
//! benchmarks all have something true-to-life to show without an AWS
//! account. It owns the shape of that estate — the org tree, who the
//! accounts are, which regions they use and the deliberate flaws a demo must
//! show (prod/test drift, a denied account, a suspended account); the
//! per-account network and instance layout lives in [`resources`], how the
//! networks are wired (gateways, routes, endpoints, the `network` account's
//! Transit Gateways, peering) in [`network`], the load balancers in
//! [`balancers`], and the bill in [`costs`].
//!
//! Every id and value is derived from a stable hash of what it names (not
//! from a sequential random stream), so the same inputs give byte-identical
//! estates, and a prod account and its test twin get equal values wherever
//! real twins would be equal.

mod balancers;
mod compute;
mod costs;
mod databases;
mod iam;
mod network;

pub use network::VENDOR_ACCOUNT_ID;
mod resources;
mod storage;
mod tagged;

use std::collections::HashSet;

use crate::model::{
    Account, AccountStatus, Api, CallerIdentity, CellKey, Coverage, CoverageStatus, Estate,
    OrgUnit, Organization, Place, Source, SourceKind, Tags,
};

/// The account count of the default demo (the desktop app's "Open demo"):
/// the six fixed accounts and twenty workload accounts, the last two
/// `billing-prod` and `billing-test`, so every prod account has its test
/// twin.
pub const DEFAULT_ACCOUNTS: usize = 26;

/// Fewest accounts the generator produces: the six fixed accounts plus the
/// prod, test and dev accounts of two apps, so every demo feature (drift,
/// denied account, the Transit Gateway hub, the peerings) exists at any
/// requested size.
pub const MIN_ACCOUNTS: usize = 12;

/// The regions every demo account is "collected" in.
pub const REGIONS: [&str; 3] = ["eu-west-1", "us-east-1", "eu-central-1"];

/// The role a real collection would assume into member accounts.
pub const ROLE_NAME: &str = "OrganizationAccountAccessRole";

pub const MANAGEMENT_ACCOUNT_ID: &str = "111122223333";

/// Environments of every workload app, in account order.
pub const ENVS: [&str; 3] = ["prod", "test", "dev"];

const APP_NAMES: [&str; 12] = [
    "payments",
    "orders",
    "catalog",
    "identity",
    "search",
    "analytics",
    "billing",
    "notifications",
    "checkout",
    "inventory",
    "shipping",
    "reporting",
];

const ROOT_ID: &str = "r-7q2x";
const COLLECTED_AT: &str = "2026-11-20T09:00:00Z";

/// What part an account plays; decides its OU and its resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Management,
    SecurityAudit,
    LogArchive,
    /// Owns the Transit Gateways every workload VPC attaches to.
    Network,
    Sandbox,
    SandboxSuspended,
    Workload {
        app: usize,
        env: usize,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// AssumeRole into this account is refused (the demo's `denied` account).
    pub denied: bool,
}

/// The name of workload app number `app`: the base list, then the same names
/// with a cycle number (`payments2`) so large estates stay readable.
pub fn app_name(app: usize) -> String {
    let base = APP_NAMES[app % APP_NAMES.len()];
    match app / APP_NAMES.len() {
        0 => base.to_string(),
        cycle => format!("{base}{}", cycle + 1),
    }
}

/// Build the demo estate with `accounts` accounts (at least [`MIN_ACCOUNTS`]).
///
/// Six accounts are fixed (management, `security-audit`, `log-archive`,
/// `network` in the Infrastructure OU, `sandbox-alice`, and the suspended
/// `sandbox-legacy`); the rest are workload accounts, one per app and
/// environment (`payments-prod`, `payments-test`, `payments-dev`,
/// `orders-prod`...). Each active workload account holds about 120
/// resources, so `demo_estate(1000)` has roughly 120,000. `catalog-test`
/// (`orders-test` in the smallest estates) refuses AssumeRole, and every
/// eighth app's test account drifts from its prod twin — see [`resources`]
/// and [`network`] for exactly how.
pub fn demo_estate(accounts: usize) -> Estate {
    let accounts = accounts.max(MIN_ACCOUNTS);
    let plans = plan_accounts(accounts);
    let source = Source {
        aggregator: None,
        kind: SourceKind::Demo,
        profile: None,
        label: format!("demo estate ({accounts} accounts)"),
    };
    let caller = CallerIdentity {
        account_id: MANAGEMENT_ACCOUNT_ID.to_string(),
        arn: format!("arn:aws:iam::{MANAGEMENT_ACCOUNT_ID}:user/demo-architect"),
        user_id: format!("AIDA{}", hash_upper(&["caller"], 16)),
    };
    let mut estate = Estate::new(COLLECTED_AT.to_string(), source, caller);
    estate.organization = Some(Organization {
        id: format!("o-{}", hash_alnum(&["org"], 10)),
        management_account_id: MANAGEMENT_ACCOUNT_ID.to_string(),
        management_account_email: Some("aws+management@example.com".to_string()),
    });
    estate.role_name = Some(ROLE_NAME.to_string());
    estate.regions = REGIONS.iter().map(|r| r.to_string()).collect();
    estate.tree = build_tree(&plans);
    let org = network::Org::new(&plans);
    for plan in &plans {
        let (parent_id, ou_path) = placement(&estate.tree, plan.role);
        estate.accounts.push(account(plan, parent_id, ou_path));
        estate.coverage.extend(coverage(plan));
        if plan.denied || plan.role == Role::SandboxSuspended {
            continue;
        }
        resources::account_resources(plan, &org, &mut estate.resources);
        iam::account_iam(plan, &plans, &mut estate.resources);
        tagged::account_tagged(plan, &mut estate.resources);
        databases::account_databases(plan, &mut estate.resources);
        compute::account_compute(plan, &mut estate.resources);
        storage::account_storage(plan, &plans, &mut estate.resources);
    }
    // Cost Explorer's view, with the story the module tells.
    estate.costs = Some(costs::demo_costs(&plans));
    // The derived fields (public subnets, what the internet reaches), as a
    // collection fills them after reading.
    crate::model::wiring::derive(&mut estate);
    // And the IAM fields a review filters by (trust, findings, days unused).
    crate::access::derive(&mut estate);
    estate
}

fn plan_accounts(accounts: usize) -> Vec<Plan> {
    let mut used = HashSet::new();
    let mut id_for = |name: &str| -> String {
        if name == "management" {
            return MANAGEMENT_ACCOUNT_ID.to_string();
        }
        // Twelve digits from the name; a clash (vanishingly rare) is salted
        // again so ids stay unique.
        let mut salt = 0u64;
        loop {
            let salt_s = salt.to_string();
            let n = hash64(&["account", name, &salt_s]) % 900_000_000_000 + 100_000_000_000;
            let id = n.to_string();
            if id != MANAGEMENT_ACCOUNT_ID && used.insert(id.clone()) {
                return id;
            }
            salt += 1;
        }
    };
    let mut plans = Vec::with_capacity(accounts);
    let fixed = [
        ("management", Role::Management),
        ("security-audit", Role::SecurityAudit),
        ("log-archive", Role::LogArchive),
        ("network", Role::Network),
        ("sandbox-alice", Role::Sandbox),
        ("sandbox-legacy", Role::SandboxSuspended),
    ];
    for (name, role) in fixed {
        plans.push(Plan {
            id: id_for(name),
            name: name.to_string(),
            role,
            denied: false,
        });
    }
    let workloads = accounts - fixed.len();
    for i in 0..workloads {
        let (app, env) = (i / ENVS.len(), i % ENVS.len());
        let name = format!("{}-{}", app_name(app), ENVS[env]);
        plans.push(Plan {
            id: id_for(&name),
            name,
            role: Role::Workload { app, env },
            denied: false,
        });
    }
    // The denied account: catalog-test, or the nearest earlier test account
    // in a small estate. Never app 0's, whose test account carries the drift.
    let denied = plans
        .iter()
        .rposition(|p| matches!(p.role, Role::Workload { app, env: 1 } if (1..=2).contains(&app)));
    if let Some(i) = denied {
        plans[i].denied = true;
    }
    plans
}

fn ou(key: &str, name: &str, scps: &[&str]) -> OrgUnit {
    OrgUnit {
        id: format!("ou-{}-{}", &ROOT_ID[2..], hash_alnum(&["ou", key], 8)),
        name: name.to_string(),
        scps: scps.iter().map(|s| s.to_string()).collect(),
        accounts: Vec::new(),
        children: Vec::new(),
    }
}

fn build_tree(plans: &[Plan]) -> OrgUnit {
    let mut root = OrgUnit {
        id: ROOT_ID.to_string(),
        name: "Root".to_string(),
        scps: vec!["FullAWSAccess".to_string()],
        accounts: Vec::new(),
        children: Vec::new(),
    };
    let mut workloads = ou("workloads", "Workloads", &["DenyLeaveOrganization"]);
    let mut envs = [
        ou("prod", "Prod", &["RequireIMDSv2", "DenyDeleteFlowLogs"]),
        ou("test", "Test", &["RequireIMDSv2"]),
        ou("dev", "Dev", &["DenyExpensiveInstances"]),
    ];
    let mut sandbox = ou(
        "sandbox",
        "Sandbox",
        &["DenyExpensiveInstances", "RegionLockEuUs"],
    );
    let mut security = ou("security", "Security", &["DenyDisableGuardDuty"]);
    let mut infrastructure = ou(
        "infrastructure",
        "Infrastructure",
        &["DenyNetworkChangesOutsidePipeline"],
    );
    for plan in plans {
        let list = match plan.role {
            Role::Management => &mut root.accounts,
            Role::SecurityAudit | Role::LogArchive => &mut security.accounts,
            Role::Network => &mut infrastructure.accounts,
            Role::Sandbox | Role::SandboxSuspended => &mut sandbox.accounts,
            Role::Workload { env, .. } => &mut envs[env].accounts,
        };
        list.push(plan.id.clone());
    }
    workloads.children = envs.into_iter().collect();
    root.children = vec![workloads, sandbox, security, infrastructure];
    root
}

/// For an account role: its parent OU id and OU path (root excluded).
fn placement(tree: &OrgUnit, role: Role) -> (String, Vec<String>) {
    let path: &[&str] = match role {
        Role::Management => &[],
        Role::SecurityAudit | Role::LogArchive => &["Security"],
        Role::Network => &["Infrastructure"],
        Role::Sandbox | Role::SandboxSuspended => &["Sandbox"],
        Role::Workload { env: 0, .. } => &["Workloads", "Prod"],
        Role::Workload { env: 1, .. } => &["Workloads", "Test"],
        Role::Workload { .. } => &["Workloads", "Dev"],
    };
    let mut node = tree;
    for name in path {
        if let Some(child) = node.children.iter().find(|c| c.name == *name) {
            node = child;
        }
    }
    (
        node.id.clone(),
        path.iter().map(|s| s.to_string()).collect(),
    )
}

fn account(plan: &Plan, parent_id: String, ou_path: Vec<String>) -> Account {
    let mut tags = Tags::new();
    let (env, app) = match plan.role {
        Role::Workload { app, env } => (ENVS[env].to_string(), app_name(app)),
        Role::Sandbox | Role::SandboxSuspended => ("sandbox".to_string(), "sandbox".to_string()),
        Role::Management => ("shared".to_string(), "platform".to_string()),
        Role::SecurityAudit | Role::LogArchive => ("shared".to_string(), "security".to_string()),
        Role::Network => ("shared".to_string(), "network".to_string()),
    };
    tags.insert("owner".to_string(), resources::owner_of(&app));
    tags.insert("cost-center".to_string(), resources::cost_center_of(&app));
    tags.insert("env".to_string(), env);
    tags.insert("app".to_string(), app);
    Account {
        id: plan.id.clone(),
        name: plan.name.clone(),
        email: format!("aws+{}@example.com", plan.name),
        status: if plan.role == Role::SandboxSuspended {
            AccountStatus::Suspended
        } else {
            AccountStatus::Active
        },
        ou_path,
        parent_id,
        tags,
        scps: if plan.role == Role::Sandbox {
            vec!["DenyInternetGateways".to_string()]
        } else {
            Vec::new()
        },
        is_management: plan.role == Role::Management,
    }
}

/// The cells a real run leaves: AssumeRole (members only), the account's
/// global reads (IAM, the S3 listing), then every regional API in every region. A refused AssumeRole or a suspended account leaves
/// every cell of the account with that status, as nothing could be asked.
fn coverage(plan: &Plan) -> Vec<Coverage> {
    let (status, code, message) = if plan.denied {
        (
            CoverageStatus::Denied,
            Some("AccessDenied".to_string()),
            Some(format!(
                "User: arn:aws:iam::{MANAGEMENT_ACCOUNT_ID}:user/demo-architect is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{}:role/{ROLE_NAME}",
                plan.id
            )),
        )
    } else if plan.role == Role::SandboxSuspended {
        (
            CoverageStatus::Suspended,
            Some("AccountSuspended".to_string()),
            Some("the account is SUSPENDED in AWS Organizations".to_string()),
        )
    } else {
        (CoverageStatus::Ok, None, None)
    };
    let cell = |region: Place, api: Api| {
        let key = CellKey::new(plan.id.clone(), region, api);
        Coverage::new(key, status, code.clone(), message.clone())
    };
    let apis = crate::model::regional_apis();
    let mut cells = Vec::with_capacity(1 + REGIONS.len() * apis.clone().count());
    if plan.role != Role::Management {
        cells.push(cell(Place::Global, Api::ASSUME_ROLE));
    }
    for api in crate::model::account_apis() {
        cells.push(cell(Place::Global, Api::from(api)));
    }
    for region in REGIONS {
        for api in apis.clone() {
            cells.push(cell(Place::from(region), Api::from(api)));
        }
    }
    cells
}

/// FNV-1a over the parts (with a separator) finished by splitmix64: stable
/// across platforms and Rust versions, unlike `std`'s hasher.
pub(crate) fn hash64(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// An EC2-style id: `prefix-0` and 16 hex digits (17 in all, as AWS does now).
pub(crate) fn ec2_id(prefix: &str, parts: &[&str]) -> String {
    let mut all = Vec::with_capacity(parts.len() + 1);
    all.push(prefix);
    all.extend_from_slice(parts);
    format!("{prefix}-0{:016x}", hash64(&all))
}

fn hash_chars(parts: &[&str], len: usize, alphabet: &[u8]) -> String {
    let mut out = String::with_capacity(len);
    let mut h = hash64(parts);
    let mut round = 0u64;
    while out.len() < len {
        if h == 0 {
            round += 1;
            let r = round.to_string();
            let mut more = parts.to_vec();
            more.push(&r);
            h = hash64(&more);
        }
        out.push(char::from(alphabet[(h % alphabet.len() as u64) as usize]));
        h /= alphabet.len() as u64;
    }
    out
}

fn hash_alnum(parts: &[&str], len: usize) -> String {
    hash_chars(parts, len, b"abcdefghijklmnopqrstuvwxyz0123456789")
}

fn hash_upper(parts: &[&str], len: usize) -> String {
    hash_chars(parts, len, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
}

#[cfg(test)]
mod tests;
