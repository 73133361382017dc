//! AWS's own text forms that more than one reader of an estate must turn
//! into the same ids, edges and values: the crawl (`orgscope-aws`, from
//! the SDK's answers) and the AWS Config reader (`config_item`, from
//! configuration items). Kept here, pure and once, so the two sources
//! cannot drift apart on an id or an edge: the differential test holds
//! them to identical estates.
//!
//! - IAM: an entity's id (`role/PATH/NAME`, [`iam_id`]), a managed
//!   policy's ARN ([`PolicyArn`]), a policy document as stored
//!   ([`decode_document`]), and the `runs_as` edge to a role named by its
//!   ARN ([`runs_as`]);
//! - RDS: the `replica_of` edge to a replication source named by
//!   identifier or ARN ([`replica_source`]);
//! - Lambda: `LastModified`'s own time shape ([`lambda_time`]).

use time::format_description::well_known::Rfc3339;

use super::arn::Arn;
use super::{Edge, GLOBAL, Kind, Rel, kinds};

/// The owner IAM names in the ARN of an AWS-managed policy
/// (`arn:aws:iam::aws:policy/ReadOnlyAccess`), kept as the far end's
/// account of an edge to one.
pub const AWS_OWNER: &str = "aws";

/// The ARN's resource part, the IAM kinds' id: the kind's word, then the
/// path (leading `/` dropped) and name — `role/service-role/ci-deploy`.
/// The word keeps a role, a user and a group of one name (IAM allows it)
/// distinct resources of their account. A path left out is `/`.
pub fn iam_id(kind: Kind, path: Option<&str>, name: &str) -> String {
    let word = match kind {
        kinds::IAM_ROLE => "role",
        kinds::IAM_USER => "user",
        kinds::IAM_GROUP => "group",
        _ => "policy",
    };
    let path = path.unwrap_or("/");
    format!("{word}/{}{name}", path.strip_prefix('/').unwrap_or(path))
}

/// The parts of a managed policy's ARN orgscope keeps:
/// `arn:PARTITION:iam::ACCOUNT:policy/PATH/NAME`, where ACCOUNT is `aws`
/// for AWS-managed policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyArn<'a> {
    pub account: &'a str,
    /// Path without its leading `/`, and name.
    pub id: &'a str,
}

impl<'a> PolicyArn<'a> {
    pub fn parse(arn: &'a str) -> Option<PolicyArn<'a>> {
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let id = resource.strip_prefix("policy/")?;
        let account_ok = account == AWS_OWNER
            || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        let well_formed = !partition.is_empty()
            && account_ok
            && !id.is_empty()
            && !id.ends_with('/')
            && !id.starts_with('/');
        well_formed.then_some(PolicyArn { account, id })
    }

    /// The policy's name: the last segment of its id.
    pub fn name(&self) -> &'a str {
        self.id.rsplit('/').next().unwrap_or(self.id)
    }
}

/// A policy document as JSON text: URL-decoded when IAM encoded it (as
/// AWS does, and AWS Config after it), as is when it already reads as
/// JSON (as moto sends trust policies) or does not decode (kept for
/// `access::derive` to note: a malformed document is its finding to
/// report, not a reason to drop the entity).
pub fn decode_document(raw: &str) -> String {
    if raw.trim_start().starts_with('{') {
        return raw.to_string();
    }
    percent_decode(raw).unwrap_or_else(|| raw.to_string())
}

/// RFC 3986 percent-decoding (`%7B` → `{`). `+` is a plus sign here, not a
/// space: IAM encodes spaces as `%20`. `None` when a `%` is not followed by
/// two hex digits or the bytes are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `RunsAs` edge to the IAM role `arn` names: the `iam_role` id is the
/// ARN's resource part (`role/PATH/NAME`), the role global, in its own
/// account when that is not `account_id`'s. `None` when `arn` is not a
/// role's ARN.
pub fn runs_as(account_id: &str, arn: &str) -> Option<Edge> {
    let a = Arn::parse(arn)?;
    if a.service != "iam" || a.resource_type != Some("role") || a.account.is_empty() {
        return None;
    }
    let name = a.id.rsplit('/').next().filter(|n| !n.is_empty())?;
    let mut e = Edge::new(Rel::RunsAs, kinds::IAM_ROLE, a.resource)
        .named(name)
        .in_region(GLOBAL);
    if a.account != account_id {
        e = e.in_account(a.account);
    }
    Some(e)
}

/// The `replica_of` edge of an RDS instance or cluster in `account_id`
/// and `region` to `source`, which RDS names by identifier in the same
/// region and by ARN elsewhere (another region or account; the ARN's type
/// says instance or cluster, else `kind`). Named by the identifier, so a
/// source that is gone or out of scope still shows by its name. With it,
/// whether `source` read as RDS names sources: `false` for an ARN that is
/// not RDS's, whose edge holds the text as it is (the caller says so).
pub fn replica_source(account_id: &str, region: &str, source: &str, kind: Kind) -> (Edge, bool) {
    if !source.starts_with("arn:") {
        return (Edge::new(Rel::ReplicaOf, kind, source).named(source), true);
    }
    let parsed = Arn::parse(source).filter(|a| a.service == "rds" && !a.region.is_empty());
    let Some(arn) = parsed else {
        return (Edge::new(Rel::ReplicaOf, kind, source).named(source), false);
    };
    let kind = match arn.resource_type {
        Some("db") => kinds::DB_INSTANCE,
        Some("cluster") => kinds::DB_CLUSTER,
        _ => kind,
    };
    let mut e = Edge::new(Rel::ReplicaOf, kind, arn.id).named(arn.id);
    if !arn.account.is_empty() && arn.account != account_id {
        e = e.in_account(arn.account);
    }
    if arn.region != region {
        e = e.in_region(arn.region);
    }
    (e, true)
}

/// Lambda writes `LastModified` as `2024-05-01T12:00:00.000+0000`: that
/// time in RFC 3339 UTC to the second, like every other time; `None` when
/// it is not in that shape.
pub fn lambda_time(s: &str) -> Option<String> {
    use time::macros::format_description;
    let shape = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond][offset_hour sign:mandatory][offset_minute]"
    );
    let t = time::OffsetDateTime::parse(s, shape).ok()?;
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(0).ok()?.format(&Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_ids_keep_the_path_without_its_slash() {
        assert_eq!(iam_id(kinds::IAM_ROLE, None, "ci"), "role/ci");
        assert_eq!(
            iam_id(kinds::IAM_ROLE, Some("/service-role/"), "ci"),
            "role/service-role/ci"
        );
        assert_eq!(
            iam_id(kinds::IAM_GROUP, Some("/"), "admins"),
            "group/admins"
        );
        assert_eq!(iam_id(kinds::IAM_POLICY, Some("/x/"), "p"), "policy/x/p");
    }

    #[test]
    fn policy_arns_name_their_owner() {
        let a = PolicyArn::parse("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess");
        assert_eq!(
            a,
            Some(PolicyArn {
                account: "aws",
                id: "job-function/ViewOnlyAccess"
            })
        );
        assert_eq!(a.map(|a| a.name()), Some("ViewOnlyAccess"));
        assert!(PolicyArn::parse("arn:aws:iam::12:policy/x").is_none());
        assert!(PolicyArn::parse("arn:aws:iam::111111111111:role/x").is_none());
    }

    #[test]
    fn documents_decode_once_and_bad_ones_are_kept() {
        assert_eq!(decode_document("%7B%22a%22%3A1%7D"), r#"{"a":1}"#);
        assert_eq!(decode_document(r#"{"a":"%41"}"#), r#"{"a":"%41"}"#);
        assert_eq!(decode_document("%7B%2"), "%7B%2");
        assert_eq!(decode_document("%FF"), "%FF");
    }

    #[test]
    fn runs_as_reads_role_arns_only() {
        let e =
            runs_as("111111111111", "arn:aws:iam::222222222222:role/ops/deploy").expect("a role");
        assert_eq!(e.to, "role/ops/deploy");
        assert_eq!(e.name.as_deref(), Some("deploy"));
        assert_eq!(e.account_id.as_deref(), Some("222222222222"));
        assert_eq!(e.region.as_deref(), Some(GLOBAL));
        assert!(runs_as("111111111111", "arn:aws:iam::111111111111:user/x").is_none());
    }

    #[test]
    fn replica_sources_by_identifier_or_arn() {
        let same = replica_source("111111111111", "eu-west-1", "db1", kinds::DB_INSTANCE);
        assert_eq!(
            same,
            (
                Edge::new(Rel::ReplicaOf, kinds::DB_INSTANCE, "db1").named("db1"),
                true
            )
        );
        let far = replica_source(
            "111111111111",
            "eu-west-1",
            "arn:aws:rds:us-east-1:222222222222:cluster:c1",
            kinds::DB_INSTANCE,
        );
        assert_eq!(
            far,
            (
                Edge::new(Rel::ReplicaOf, kinds::DB_CLUSTER, "c1")
                    .named("c1")
                    .in_account("222222222222")
                    .in_region("us-east-1"),
                true
            )
        );
        let (kept, readable) = replica_source("1", "r", "arn:aws:s3:::b", kinds::DB_INSTANCE);
        assert!(!readable);
        assert_eq!(kept.to, "arn:aws:s3:::b");
    }

    #[test]
    fn lambda_times_drop_the_fraction() {
        assert_eq!(
            lambda_time("2024-05-01T12:00:00.123+0200").as_deref(),
            Some("2024-05-01T10:00:00Z")
        );
        assert_eq!(lambda_time("2024-05-01T12:00:00Z"), None);
    }
}
