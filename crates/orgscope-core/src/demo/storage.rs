//! The demo's S3 buckets and DynamoDB tables, as their collectors read
//! them (the policy as text; who it shares the bucket with is derived by
//! `access::derive`, as after a real collection).
//!
//! Every workload account has, in its app's primary region, the bucket
//! its deploy role writes to (`{app}-{env}-artifacts`, named by the IAM
//! policies of `demo/iam.rs`) and its data bucket (`{app}-{env}-data`),
//! versioned, encrypted and fully blocked from the public; and a sessions
//! table (`{app}-{env}-sessions`), on-demand, which prod and test
//! replicate to the app's disaster-recovery region (so the replica is a
//! second table there, naming the first).
//!
//! The story a reviewer finds:
//!
//! - the first app's data bucket is shared with the analytics account of
//!   the same environment (`payments-prod-data` → `analytics-prod`);
//! - `log-archive`'s central logs bucket is written to by every account
//!   of the organization, each named in its policy;
//! - `log-archive`'s SIEM export bucket is readable by the SIEM vendor's
//!   account outside the organization: the finding `shared-outside`;
//! - the drifted test twin (`payments-test`) left its artifacts bucket
//!   unversioned and without a public access block — the example
//!   — and its sessions table provisioned, without a replica and without
//!   an `owner` tag.

use serde_json::json;

use crate::model::{Resource, Tags, Value, kinds};

use super::network::VENDOR_ACCOUNT_ID;
use super::resources::{cost_center_of, owner_of};
use super::{ENVS, Plan, REGIONS, Role, app_name, hash_alnum, hash64};

const CREATED: &str = "2024-05-06T08:30:00Z";

/// Push the buckets and tables of one (active, readable) account.
pub(super) fn account_storage(plan: &Plan, plans: &[Plan], out: &mut Vec<Resource>) {
    match plan.role {
        Role::Workload { app, env } => workload(plan, plans, app, env, out),
        Role::LogArchive => log_archive(plan, plans, out),
        _ => {}
    }
}

fn tags(app: &str, env: &str) -> Tags {
    let mut t = Tags::new();
    t.insert("env".to_string(), env.to_string());
    t.insert("app".to_string(), app.to_string());
    t.insert("owner".to_string(), owner_of(app));
    t.insert("cost-center".to_string(), cost_center_of(app));
    t
}

/// A bucket as the collector reads one that is versioned, encrypted with
/// S3's own keys and blocked from the public.
fn bucket(plan: &Plan, region: &str, name: &str, tags: Tags) -> Resource {
    let mut r = Resource::new(kinds::S3_BUCKET, &plan.id, region, name)
        .with("versioning", "Enabled")
        .with("encryption", "AES256")
        .with("public_access_block", Value::Bool(true))
        .with("created", CREATED);
    r.name = Some(name.to_string());
    r.tags = tags;
    r
}

fn workload(plan: &Plan, plans: &[Plan], app: usize, env: usize, out: &mut Vec<Resource>) {
    let name = app_name(app);
    let env_name = ENVS[env];
    let drift = env == 1 && app.is_multiple_of(8);
    let primary = REGIONS[app % 2];
    let dr = REGIONS[1 - app % 2];
    let prefix = format!("{name}-{env_name}");

    let mut artifacts = bucket(
        plan,
        primary,
        &format!("{prefix}-artifacts"),
        tags(&name, env_name),
    );
    if drift {
        artifacts.set("versioning", "Off");
        artifacts.set("public_access_block", Value::Bool(false));
    }
    out.push(artifacts);

    let mut data = bucket(
        plan,
        primary,
        &format!("{prefix}-data"),
        tags(&name, env_name),
    )
    .with("encryption", "aws:kms")
    .with(
        "kms_key",
        format!(
            "arn:aws:kms:{primary}:{}:key/{}",
            plan.id,
            hash_alnum(&["data-key", &plan.id], 12)
        ),
    );
    // The first app's analytics account of the same environment reads it.
    let analytics = format!("{}-{env_name}", app_name(5));
    if app == 0
        && let Some(reader) = plans.iter().find(|p| p.name == analytics)
    {
        data.set(
            "policy",
            json!({"Version": "2012-10-17", "Statement": [{
                "Sid": "AnalyticsRead", "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{}:root", reader.id)},
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [format!("arn:aws:s3:::{prefix}-data"),
                             format!("arn:aws:s3:::{prefix}-data/*")]}]})
            .to_string(),
        );
    }
    out.push(data);

    // Sessions: on demand, replicated to the DR region outside dev; the
    // drifted twin provisioned, single-region and without an owner.
    let replicated = env < 2 && !drift;
    let mut tags = tags(&name, env_name);
    if drift {
        tags.remove("owner");
    }
    let table_name = format!("{prefix}-sessions");
    let size = |region: &str| 4096 * (1 + hash64(&["ddb", &plan.id, region]) % 50_000);
    let table = |region: &str, other: Option<&str>| {
        let mut t = Resource::new(kinds::DYNAMODB_TABLE, &plan.id, region, &table_name)
            .with(
                "billing_mode",
                if drift {
                    "PROVISIONED"
                } else {
                    "PAY_PER_REQUEST"
                },
            )
            .with("status", "ACTIVE")
            .with("size_bytes", size(region) as i64)
            .with("item_count", (size(region) / 512) as i64)
            .with(
                "stream",
                if other.is_some() {
                    "NEW_AND_OLD_IMAGES"
                } else {
                    "off"
                },
            )
            .with("deletion_protection", Value::Bool(env < 2))
            .with("encryption", "KMS")
            .with(
                "kms_key",
                format!("arn:aws:kms:{region}:{}:alias/aws/dynamodb", plan.id),
            )
            .with("created", CREATED);
        if let Some(other) = other {
            t.set("replicas", vec![other.to_string()]);
        }
        t.name = Some(table_name.clone());
        t.tags = tags.clone();
        t
    };
    if replicated {
        out.push(table(primary, Some(dr)));
        out.push(table(dr, Some(primary)));
    } else {
        out.push(table(primary, None));
    }
}

fn log_archive(plan: &Plan, plans: &[Plan], out: &mut Vec<Resource>) {
    let region = REGIONS[0];
    let tags = tags("security", "shared");
    // Every other active account of the organization writes its logs here.
    let writers: Vec<String> = plans
        .iter()
        .filter(|p| p.id != plan.id && p.role != Role::SandboxSuspended)
        .map(|p| format!("arn:aws:iam::{}:root", p.id))
        .collect();
    let logs = format!("org-central-logs-{}", hash_alnum(&["logs", &plan.id], 8));
    out.push(
        bucket(plan, region, &logs, tags.clone()).with(
            "policy",
            json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "OrgAccountsWriteLogs", "Effect": "Allow",
            "Principal": {"AWS": writers},
            "Action": "s3:PutObject",
            "Resource": format!("arn:aws:s3:::{logs}/AWSLogs/*")}]})
            .to_string(),
        ),
    );
    let export = format!("siem-export-{}", hash_alnum(&["siem", &plan.id], 8));
    out.push(
        bucket(plan, region, &export, tags).with(
            "policy",
            json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "SiemVendorRead", "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{VENDOR_ACCOUNT_ID}:root")},
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [format!("arn:aws:s3:::{export}"),
                         format!("arn:aws:s3:::{export}/*")]}]})
            .to_string(),
        ),
    );
}
