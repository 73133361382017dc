//! What the Tagging API (`tag:GetResources`) finds in a demo workload
//! account beyond the kinds orgscope models: SQS queues, SNS topics, a
//! KMS key, CloudWatch log groups and a Secrets Manager secret in the
//! app's primary region, a key, a log group and a queue in its
//! disaster-recovery region, and a log group (AWS Config's) in the third.
//! Built through [`arn::tagged_resource`], as the collector builds them,
//! so the demo exercises the same parsing.
//!
//! Most carry `owner`, `env`, `app` and `cost-center`, like the stack's
//! EC2. The tag compliance story a reviewer finds:
//!
//! - every eighth app's test account (the drifted twin, `payments-test`)
//!   lost `owner` on half its queues (`orders` and `dlq`) — created by a
//!   pipeline that forgot it, and a prod/test diff shows it;
//! - every dev account's Lambda log groups (`/aws/lambda/…`) carry only
//!   `env`: Lambda creates them untagged and a nightly job adds the env
//!   tag alone, so `app` and `owner` are missing there.

use crate::model::arn::{self, Tagged};
use crate::model::{Resource, Tags};

use super::resources::{cost_center_of, owner_of};
use super::{ENVS, Plan, REGIONS, Role, app_name, hash_alnum, hash64};

/// The queues of an app's primary region; the first two are those a
/// drifted test twin left without `owner`.
const QUEUES: [&str; 4] = ["orders", "dlq", "events", "notifications"];
const TOPICS: [&str; 2] = ["alerts", "events"];

/// Push the tagged resources of one (active, readable) account: only
/// workload accounts have any.
pub(super) fn account_tagged(plan: &Plan, out: &mut Vec<Resource>) {
    let Role::Workload { app, env } = plan.role else {
        return;
    };
    let w = Workload {
        plan,
        app: app_name(app),
        env: ENVS[env],
        drift: env == 1 && app.is_multiple_of(8),
    };
    let primary = REGIONS[app % 2];
    let dr = REGIONS[1 - app % 2];
    let prefix = format!("{}-{}", w.app, w.env);

    for (i, q) in QUEUES.iter().enumerate() {
        let mut tags = w.tags();
        if w.drift && i < 2 {
            tags.remove("owner");
        }
        w.push(out, primary, "sqs", &format!("{prefix}-{q}"), tags);
    }
    for t in TOPICS {
        w.push(out, primary, "sns", &format!("{prefix}-{t}"), w.tags());
    }
    // Keys and secrets have random ids (a secret's six-character suffix):
    // teams name them with a `Name` tag, which is how twins pair.
    let key = format!("key/{}", w.key_id(primary));
    w.push(
        out,
        primary,
        "kms",
        &key,
        w.named(&format!("{prefix}-data-key")),
    );
    let secret = format!(
        "secret:{}/{}/db-password-{}",
        w.app,
        w.env,
        hash_alnum(&["secret", &plan.id], 6)
    );
    let name = format!("{prefix}-db-password");
    w.push(out, primary, "secretsmanager", &secret, w.named(&name));
    for f in ["api", "worker"] {
        let group = format!("log-group:/aws/lambda/{prefix}-{f}");
        w.push(out, primary, "logs", &group, w.lambda_log_tags());
    }

    let key = format!("key/{}", w.key_id(dr));
    w.push(
        out,
        dr,
        "kms",
        &key,
        w.named(&format!("{prefix}-dr-data-key")),
    );
    w.push(out, dr, "sqs", &format!("{prefix}-dr-replay"), w.tags());
    let group = format!("log-group:/aws/lambda/{prefix}-dr-failover");
    w.push(out, dr, "logs", &group, w.lambda_log_tags());

    let config = format!("log-group:/aws/config/{prefix}");
    w.push(out, REGIONS[2], "logs", &config, w.tags());
}

struct Workload<'p> {
    plan: &'p Plan,
    app: String,
    env: &'static str,
    drift: bool,
}

impl Workload<'_> {
    fn tags(&self) -> Tags {
        let mut t = Tags::new();
        t.insert("env".to_string(), self.env.to_string());
        t.insert("app".to_string(), self.app.clone());
        t.insert("owner".to_string(), owner_of(&self.app));
        t.insert("cost-center".to_string(), cost_center_of(&self.app));
        t
    }

    fn named(&self, name: &str) -> Tags {
        let mut t = self.tags();
        t.insert("Name".to_string(), name.to_string());
        t
    }

    /// Lambda's own log groups: dev tags them with `env` alone.
    fn lambda_log_tags(&self) -> Tags {
        if self.env == "dev" {
            [("env".to_string(), self.env.to_string())].into()
        } else {
            self.tags()
        }
    }

    /// A KMS key id, a UUID derived from the account and region.
    fn key_id(&self, region: &str) -> String {
        let h = hash64(&["kms", &self.plan.id, region]);
        let l = hash64(&["kms-low", &self.plan.id, region]);
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            h >> 32,
            (h >> 16) & 0xffff,
            h & 0xfff,
            (l >> 48) & 0xfff,
            l & 0xffff_ffff_ffff
        )
    }

    fn push(
        &self,
        out: &mut Vec<Resource>,
        region: &str,
        service: &str,
        resource: &str,
        tags: Tags,
    ) {
        let arn = format!("arn:aws:{service}:{region}:{}:{resource}", self.plan.id);
        match arn::tagged_resource(&self.plan.id, region, &arn, tags) {
            Tagged::Resource(r) => out.push(r),
            // Never: no EC2 or ELB ARN is built here (a test holds it).
            Tagged::Modelled(kind) => debug_assert!(false, "{arn} is a {kind}"),
        }
    }
}
