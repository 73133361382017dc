//! The IAM of one demo account, as the collector reads it: roles with
//! their trust policies, managed and inline policies, users with their
//! access keys (the last four characters of the id only), groups and
//! customer-managed policies. Only what IAM returns is written here; what
//! a reviewer filters by (the classified trust, administrator power, days
//! unused, the flags) is derived afterwards by `access::derive`, as after a
//! real collection.
//!
//! The story an access review of the demo tells:
//!
//! - `OrganizationAccountAccessRole` in every member account, trusted by
//!   the management account, with AdministratorAccess — what AWS
//!   Organizations creates, and what a reviewer flags first;
//! - `security-audit` in every account, trusted by the `security-audit`
//!   account's `auditor` role, with the SecurityAudit policy;
//! - `ci-deploy` in every workload account, trusted by the
//!   `pipeline-runner` role of the `network` account (which also runs the
//!   deploy pipelines, a common shared-services pattern), with the
//!   account's `deploy-permissions` policy; in a drifted test twin (see
//!   [`super::resources`]) that policy grants `s3:*` where prod grants
//!   `s3:PutObject`, and the role also trusts `sandbox-alice`;
//! - an app role per workload account for its EC2 and ECS tasks (service
//!   trust, an inline policy on the app's own bucket);
//! - `{account}-lambda`, the execution role of the account's Lambda
//!   functions, and `{account}-eks-cluster`, the service role of its EKS
//!   cluster where the app has one ([`super::compute`] points at them);
//! - `legacy-admin` in the first app's prod account (`payments-prod`):
//!   AdministratorAccess, trusted by `sandbox-alice`, unused since
//!   February 2025 — the finding the access diagram draws red, and a
//!   role only prod has;
//! - `siem-vendor-reader` in `log-archive`, trusted by the SIEM vendor's
//!   account outside the organization **without** an ExternalId;
//! - `data-migration-2025` in `log-archive`, unused since June 2025;
//! - `alice-experiments` in `sandbox-alice`, trusted by anyone in the
//!   organization (`*` with `aws:PrincipalOrgID`);
//! - in the management account, the user `legacy-deployer` in the
//!   `deployers` group, its access key created in 2024 and unused for
//!   months, and `alice` in `sandbox-alice` with a fresh key.
//!
//! Tags, as the teams' infrastructure code sets them: a workload
//! account's roles and policies carry its app's `app`, `env`, `owner` and
//! `cost-center`; the platform's (`security-audit`, `auditor`,
//! `pipeline-runner`, …) the platform team's; the sandbox's only its
//! owner. What nobody owns carries none, which tag compliance shows
//! beside the access review: the role AWS Organizations creates,
//! `legacy-admin`, `data-migration-2025` and `legacy-deployer`.

use serde_json::{Value as Json, json};

use crate::model::{Edge, Rel, Resource, kinds};

use super::network::VENDOR_ACCOUNT_ID;
use super::resources::{cost_center_of, owner_of};
use super::{ENVS, MANAGEMENT_ACCOUNT_ID, Plan, ROLE_NAME, Role, app_name, hash_upper};
use crate::model::Tags;

const GLOBAL: &str = "global";
const CREATED: &str = "2024-03-11T10:24:00Z";
const RECENT: &str = "2026-11-19T16:02:11Z";

/// Push the IAM resources of one (active, readable) account.
pub(super) fn account_iam(plan: &Plan, plans: &[Plan], out: &mut Vec<Resource>) {
    let start = out.len();
    push_iam(plan, plans, out);
    for r in &mut out[start..] {
        r.tags = tags_of(plan, r.name.as_deref().unwrap_or_default());
    }
}

/// Unowned: what AWS Organizations made, and what the review is about.
const UNOWNED: [&str; 4] = [
    ROLE_NAME,
    "legacy-admin",
    "data-migration-2025",
    "legacy-deployer",
];

/// The tags the owning team's infrastructure code put on `name`.
fn tags_of(plan: &Plan, name: &str) -> Tags {
    let mut t = Tags::new();
    if UNOWNED.contains(&name) {
        return t;
    }
    let mut team = |app: &str, env: &str| {
        t.insert("app".to_string(), app.to_string());
        t.insert("env".to_string(), env.to_string());
        t.insert("owner".to_string(), owner_of(app));
        t.insert("cost-center".to_string(), cost_center_of(app));
    };
    match plan.role {
        // The platform's role in every account, deployed by a StackSet.
        _ if name == "security-audit" => team("platform", "shared"),
        Role::Workload { app, env } => team(&app_name(app), ENVS[env]),
        Role::Sandbox => {
            t.insert("owner".to_string(), "alice@example.com".to_string());
        }
        _ => team("platform", "shared"),
    }
    t
}

fn push_iam(plan: &Plan, plans: &[Plan], out: &mut Vec<Resource>) {
    let find = |role: Role| plans.iter().find(|p| p.role == role);
    let acct = plan.id.as_str();
    if plan.role != Role::Management {
        out.push(
            role(plan, ROLE_NAME, trust_accounts(&[MANAGEMENT_ACCOUNT_ID]))
                .with_edge(aws_policy("AdministratorAccess")),
        );
    }
    if let Some(security) = find(Role::SecurityAudit) {
        let auditor = format!("arn:aws:iam::{}:role/auditor", security.id);
        out.push(
            role(plan, "security-audit", trust_accounts(&[&auditor]))
                .with_edge(aws_policy("SecurityAudit"))
                .with_edge(aws_policy("ReadOnlyAccess")),
        );
    }
    match plan.role {
        Role::Workload { app, env } => {
            let drift = env == 1 && app.is_multiple_of(8);
            let name = format!("{}-{}", app_name(app), ENVS[env]);
            if let Some(network) = find(Role::Network) {
                let runner = format!("arn:aws:iam::{}:role/pipeline-runner", network.id);
                let mut from = vec![runner];
                if drift && let Some(sandbox) = find(Role::Sandbox) {
                    from.push(format!("arn:aws:iam::{}:root", sandbox.id));
                }
                let from: Vec<&str> = from.iter().map(String::as_str).collect();
                out.push(
                    role(plan, "ci-deploy", trust_accounts(&from))
                        .with_edge(local_policy("deploy-permissions")),
                );
            }
            // The finding a review is for: an administrator role in the
            // first app's prod account that a sandbox can assume, left over
            // from a migration (only prod has it).
            if app == 0
                && env == 0
                && let Some(sandbox) = find(Role::Sandbox)
            {
                out.push(
                    role(
                        plan,
                        "legacy-admin",
                        trust_accounts(&[&format!("arn:aws:iam::{}:root", sandbox.id)]),
                    )
                    .with("last_used", "2025-02-11T10:00:00Z")
                    .with_edge(aws_policy("AdministratorAccess")),
                );
            }
            let s3 = if drift { "s3:*" } else { "s3:PutObject" };
            out.push(policy(
                plan,
                "deploy-permissions",
                1,
                json!({"Version": "2012-10-17", "Statement": [
                    {"Sid": "Artifacts", "Effect": "Allow", "Action": s3,
                     "Resource": format!("arn:aws:s3:::{name}-artifacts/*")},
                    {"Sid": "Services", "Effect": "Allow",
                     "Action": ["ecs:UpdateService", "ecs:DescribeServices"], "Resource": "*"},
                    {"Sid": "PassTaskRole", "Effect": "Allow", "Action": "iam:PassRole",
                     "Resource": format!("arn:aws:iam::{acct}:role/{name}-app")}
                ]}),
            ));
            out.push(
                role(
                    plan,
                    &format!("{name}-app"),
                    trust_services(&["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]),
                )
                .with(
                    "inline_policies",
                    inline(&[(
                        "app-data",
                        json!({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                             "Resource": format!("arn:aws:s3:::{name}-data/*")}
                        ]}),
                    )]),
                ),
            );
            // The roles the app's functions and cluster run as.
            out.push(
                role(
                    plan,
                    &format!("{name}-lambda"),
                    trust_services(&["lambda.amazonaws.com"]),
                )
                .with_edge(
                    Edge::new(
                        Rel::Uses,
                        kinds::IAM_POLICY,
                        "policy/service-role/AWSLambdaVPCAccessExecutionRole",
                    )
                    .named("AWSLambdaVPCAccessExecutionRole")
                    .in_account("aws"),
                ),
            );
            if super::compute::has_eks(app) {
                out.push(
                    role(
                        plan,
                        &format!("{name}-eks-cluster"),
                        trust_services(&["eks.amazonaws.com"]),
                    )
                    .with_edge(aws_policy("AmazonEKSClusterPolicy")),
                );
            }
        }
        Role::SecurityAudit => {
            out.push(
                role(plan, "auditor", trust_accounts(&[MANAGEMENT_ACCOUNT_ID]))
                    .with_edge(aws_policy("SecurityAudit")),
            );
        }
        Role::Network => {
            out.push(
                role(
                    plan,
                    "pipeline-runner",
                    trust_services(&["codebuild.amazonaws.com"]),
                )
                .with(
                    "inline_policies",
                    inline(&[(
                        "assume-deploy-roles",
                        json!({"Version": "2012-10-17", "Statement": {
                            "Effect": "Allow", "Action": "sts:AssumeRole",
                            "Resource": "arn:aws:iam::*:role/ci-deploy"}}),
                    )]),
                ),
            );
        }
        Role::LogArchive => {
            out.push(
                role(
                    plan,
                    "siem-vendor-reader",
                    trust_accounts(&[&format!("arn:aws:iam::{VENDOR_ACCOUNT_ID}:root")]),
                )
                .with_edge(aws_policy("AmazonS3ReadOnlyAccess")),
            );
            out.push(
                role(
                    plan,
                    "data-migration-2025",
                    trust_accounts(&[MANAGEMENT_ACCOUNT_ID]),
                )
                .with("last_used", "2025-06-02T08:15:00Z")
                .with("last_used_region", "eu-west-1")
                .with_edge(aws_policy("AmazonS3FullAccess")),
            );
        }
        Role::Sandbox => {
            out.push(
                role(
                    plan,
                    "alice-experiments",
                    json!({"Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-demo"}}}]}),
                )
                .with_edge(aws_policy("PowerUserAccess")),
            );
            out.push(
                user(
                    plan,
                    "alice",
                    &[("Q7ZD", "Active", "2026-10-02T09:00:00Z", RECENT)],
                )
                .with(
                    "inline_policies",
                    inline(&[(
                        "own-credentials",
                        json!({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Allow",
                            "Action": ["iam:ChangePassword", "iam:CreateAccessKey",
                                       "iam:DeleteAccessKey", "iam:ListAccessKeys"],
                            "Resource": format!("arn:aws:iam::{acct}:user/alice")}]}),
                    )]),
                ),
            );
        }
        Role::Management => {
            out.push(group(plan, "deployers").with(
                "inline_policies",
                inline(&[(
                    "deploy",
                    json!({"Version": "2012-10-17", "Statement": [{
                                "Effect": "Allow", "Action": ["cloudformation:*", "s3:*"],
                                "Resource": "*"}]}),
                )]),
            ));
            out.push(
                user(
                    plan,
                    "legacy-deployer",
                    &[
                        (
                            "M4KP",
                            "Active",
                            "2024-05-14T12:00:00Z",
                            "2026-04-30T17:41:00Z",
                        ),
                        ("2XWA", "Inactive", "2023-01-09T12:00:00Z", "never"),
                    ],
                )
                .with_edge(
                    Edge::new(Rel::InGroup, kinds::IAM_GROUP, "group/deployers").named("deployers"),
                ),
            );
        }
        Role::SandboxSuspended => {}
    }
}

/// A role as the collector builds one: trust policy, ids and times.
fn role(plan: &Plan, name: &str, trust: Json) -> Resource {
    let mut r = Resource::new(kinds::IAM_ROLE, &plan.id, GLOBAL, format!("role/{name}"));
    r.name = Some(name.to_string());
    r.with("path", "/")
        .with(
            "role_id",
            format!("AROA{}", hash_upper(&["role", &plan.id, name], 17)),
        )
        .with("created", CREATED)
        .with("last_used", RECENT)
        .with("last_used_region", "eu-west-1")
        .with("trust_policy", trust.to_string())
}

fn user(plan: &Plan, name: &str, keys: &[(&str, &str, &str, &str)]) -> Resource {
    let mut r = Resource::new(kinds::IAM_USER, &plan.id, GLOBAL, format!("user/{name}"));
    r.name = Some(name.to_string());
    let keys: Vec<String> = keys
        .iter()
        .map(|(last4, status, created, used)| format!("{last4} {status} {created} {used}"))
        .collect();
    r.with("path", "/")
        .with(
            "user_id",
            format!("AIDA{}", hash_upper(&["user", &plan.id, name], 17)),
        )
        .with("created", CREATED)
        .with("access_keys", keys)
}

fn group(plan: &Plan, name: &str) -> Resource {
    let mut r = Resource::new(kinds::IAM_GROUP, &plan.id, GLOBAL, format!("group/{name}"));
    r.name = Some(name.to_string());
    r.with("path", "/")
        .with(
            "group_id",
            format!("AGPA{}", hash_upper(&["group", &plan.id, name], 17)),
        )
        .with("created", CREATED)
}

fn policy(plan: &Plan, name: &str, attachments: i64, document: Json) -> Resource {
    let mut r = Resource::new(
        kinds::IAM_POLICY,
        &plan.id,
        GLOBAL,
        format!("policy/{name}"),
    );
    r.name = Some(name.to_string());
    r.with("path", "/")
        .with(
            "policy_id",
            format!("ANPA{}", hash_upper(&["policy", &plan.id, name], 17)),
        )
        .with("created", CREATED)
        .with("updated", "2026-09-01T08:00:00Z")
        .with("default_version", "v3")
        .with("attachments", attachments)
        .with("document", document.to_string())
}

/// `Allow sts:AssumeRole` to the account principals `from` (ids or ARNs).
fn trust_accounts(from: &[&str]) -> Json {
    let principal = match from {
        [one] => json!(one),
        many => json!(many),
    };
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})
}

fn trust_services(services: &[&str]) -> Json {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": services}, "Action": "sts:AssumeRole"}]})
}

/// The `inline_policies` field: an object of policy name → document.
fn inline(policies: &[(&str, Json)]) -> String {
    let map: serde_json::Map<String, Json> = policies
        .iter()
        .map(|(n, d)| (n.to_string(), d.clone()))
        .collect();
    Json::Object(map).to_string()
}

/// An AWS-managed policy: outside every account, named.
fn aws_policy(name: &str) -> Edge {
    Edge::new(Rel::Uses, kinds::IAM_POLICY, format!("policy/{name}"))
        .named(name)
        .in_account("aws")
}

/// A customer-managed policy of the role's own account.
fn local_policy(name: &str) -> Edge {
    Edge::new(Rel::Uses, kinds::IAM_POLICY, format!("policy/{name}")).named(name)
}
