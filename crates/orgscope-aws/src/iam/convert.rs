//! `GetAccountAuthorizationDetails` pages as resources, once: SDK shapes
//! stop here. Only the raw facts are filled (paths, ids, times, the
//! documents, the policies attached, group membership); what follows from
//! the documents (trust, statements, admin power, flags) is
//! `access::derive`'s, after the whole estate is collected.
//!
//! Documents come URL-encoded from AWS (RFC 3986) and are stored decoded,
//! as JSON text. moto encodes inline and managed policy documents but
//! sends trust policies as plain JSON, and a proxy or a future AWS change
//! could do either, so a document that already reads as JSON is kept as
//! it is. A document that is not JSON after decoding is kept as text (in
//! `inline_policies`, as a JSON string under its name): saying it is
//! malformed is `access::derive`'s note to make, not a reason to drop the
//! role.
//!
//! Ids are the path without its leading `/` and the name, so the kind's
//! ARN template rebuilds the real ARN. Group membership names groups
//! without their path, so a user's edge finds its group's id among the
//! groups of the same answer.
//!
//! The ids, policy ARNs and document decoding are
//! `orgscope_core::model::aws`'s, shared with the AWS Config reader.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput as Page;
use aws_sdk_iam::types as sdk;
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use orgscope_core::model::aws::{PolicyArn, decode_document, iam_id as id_of};
use orgscope_core::model::{Edge, Kind, Place, Rel, Resource, Tags, kinds};

/// Every role, user, group and customer-managed policy of `pages`, in that
/// order. Users' `access_keys` stay null: they come from other calls
/// (see [`super::read_keys`]).
pub(super) fn resources(account_id: &str, pages: &[Page]) -> Vec<Resource> {
    let groups: Vec<&sdk::GroupDetail> = pages.iter().flat_map(Page::group_detail_list).collect();
    // Group name → id (path and name): names are unique in an account.
    let group_ids: HashMap<&str, String> = groups
        .iter()
        .filter_map(|g| {
            let name = g.group_name().filter(|n| !n.is_empty())?;
            Some((name, id_of(kinds::IAM_GROUP, g.path(), name)))
        })
        .collect();
    let at = At { account_id };
    let mut out = Vec::new();
    out.extend(
        pages
            .iter()
            .flat_map(Page::role_detail_list)
            .filter_map(|r| at.role(r)),
    );
    out.extend(
        pages
            .iter()
            .flat_map(Page::user_detail_list)
            .filter_map(|u| at.user(u, &group_ids)),
    );
    out.extend(groups.iter().filter_map(|g| at.group(g)));
    out.extend(
        pages
            .iter()
            .flat_map(Page::policies)
            .filter_map(|p| at.policy(p)),
    );
    out
}

/// The account being read.
#[derive(Clone, Copy)]
struct At<'a> {
    account_id: &'a str,
}

impl At<'_> {
    /// A resource of `kind` named `name` under `path`, with its path set.
    fn entity(&self, kind: Kind, path: Option<&str>, name: &str) -> Resource {
        let mut r = Resource::new(
            kind,
            self.account_id,
            Place::Global.as_str(),
            id_of(kind, path, name),
        );
        r.name = Some(name.to_string());
        // A path AWS left out stays unknown (null), not a guessed `/`; the
        // id is then the bare name, which is what `/` would give.
        r.with("path", path.map(str::to_string))
    }

    /// The entity's name, or `None` (logged) when IAM left it out: an
    /// entity that cannot be named is skipped, never invented.
    fn name<'n>(&self, kind: Kind, name: Option<&'n str>) -> Option<&'n str> {
        let name = name.filter(|n| !n.is_empty());
        if name.is_none() {
            tracing::warn!(
                "{}: an {} without a name was skipped",
                self.account_id,
                kind.def().name
            );
        }
        name
    }

    fn role(&self, r: &sdk::RoleDetail) -> Option<Resource> {
        let kind = kinds::IAM_ROLE;
        let name = self.name(kind, r.role_name())?;
        let last_used = r.role_last_used();
        // RoleDetail has no description or maximum session: the kind has
        // no such fields (see its descriptor).
        let mut res = self
            .entity(kind, r.path(), name)
            .with("role_id", opt(r.role_id()))
            .with("created", time(r.create_date()))
            .with(
                "last_used",
                time(last_used.and_then(|u| u.last_used_date())),
            )
            .with(
                "last_used_region",
                opt(last_used.and_then(sdk::RoleLastUsed::region)),
            )
            .with(
                "trust_policy",
                r.assume_role_policy_document().map(decode_document),
            )
            .with(
                "inline_policies",
                self.inline(kind, name, r.role_policy_list()),
            );
        res.tags = tags_of(r.tags());
        res.relations = self.uses(r.attached_managed_policies());
        Some(res)
    }

    fn user(&self, u: &sdk::UserDetail, group_ids: &HashMap<&str, String>) -> Option<Resource> {
        let kind = kinds::IAM_USER;
        let name = self.name(kind, u.user_name())?;
        let mut res = self
            .entity(kind, u.path(), name)
            .with("user_id", opt(u.user_id()))
            .with("created", time(u.create_date()))
            .with(
                "inline_policies",
                self.inline(kind, name, u.user_policy_list()),
            );
        res.tags = tags_of(u.tags());
        for group in u.group_list().iter().filter(|g| !g.is_empty()) {
            let to = match group_ids.get(group.as_str()) {
                Some(id) => id.clone(),
                None => {
                    // Not in this answer (removed while it was paged): its
                    // path is unknown, so the edge names it by name.
                    tracing::warn!(
                        "{}: user {name} is in group {group}, which IAM did not list",
                        self.account_id
                    );
                    id_of(kinds::IAM_GROUP, None, group)
                }
            };
            res.relations
                .push(Edge::new(Rel::InGroup, kinds::IAM_GROUP, to).named(group.as_str()));
        }
        res.relations
            .extend(self.uses(u.attached_managed_policies()));
        Some(res)
    }

    fn group(&self, g: &sdk::GroupDetail) -> Option<Resource> {
        let kind = kinds::IAM_GROUP;
        let name = self.name(kind, g.group_name())?;
        let mut res = self
            .entity(kind, g.path(), name)
            .with("group_id", opt(g.group_id()))
            .with("created", time(g.create_date()))
            .with(
                "inline_policies",
                self.inline(kind, name, g.group_policy_list()),
            );
        res.relations = self.uses(g.attached_managed_policies());
        Some(res)
    }

    fn policy(&self, p: &sdk::ManagedPolicyDetail) -> Option<Resource> {
        let kind = kinds::IAM_POLICY;
        // The ARN ends with the path and name, exactly: the name when the
        // answer leaves `PolicyName` out (moto does, and `PolicyId`).
        let from_arn = p
            .arn()
            .and_then(PolicyArn::parse)
            .and_then(|a| a.id.rsplit('/').next());
        let name = self.name(kind, p.policy_name().filter(|n| !n.is_empty()).or(from_arn))?;
        let default = p.default_version_id().filter(|v| !v.is_empty());
        // The default version is flagged; the id is the fallback for an
        // answer that flags none.
        let versions = p.policy_version_list();
        let version = versions
            .iter()
            .find(|v| v.is_default_version())
            .or_else(|| {
                versions
                    .iter()
                    .find(|v| v.version_id().is_some_and(|id| Some(id) == default))
            });
        let document = version.and_then(sdk::PolicyVersion::document);
        if document.is_none() {
            tracing::warn!(
                "{}: policy {name} came without its default version's document",
                self.account_id
            );
        }
        Some(
            self.entity(kind, p.path(), name)
                .with("policy_id", opt(p.policy_id()))
                .with("created", time(p.create_date()))
                .with("updated", time(p.update_date()))
                .with("default_version", opt(default))
                .with("attachments", p.attachment_count().map(i64::from))
                .with("document", document.map(decode_document)),
        )
    }

    /// Inline policies as one JSON object, name → document, names sorted
    /// (so the text is the same whatever order IAM listed them in). IAM
    /// sends an empty list as no element at all, so an absent list is
    /// `{}`: the SDK cannot tell the two apart either.
    fn inline(&self, kind: Kind, owner: &str, list: &[sdk::PolicyDetail]) -> Option<String> {
        let mut docs: BTreeMap<&str, serde_json::Value> = BTreeMap::new();
        for p in list {
            let Some(name) = p.policy_name().filter(|n| !n.is_empty()) else {
                tracing::warn!(
                    "{}: an inline policy of {} {owner} without a name was skipped",
                    self.account_id,
                    kind.def().name
                );
                continue;
            };
            let text = p.policy_document().map(decode_document);
            let doc = match text {
                Some(t) => serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)),
                None => serde_json::Value::Null,
            };
            docs.insert(name, doc);
        }
        match serde_json::to_string(&docs) {
            Ok(text) => Some(text),
            Err(e) => {
                tracing::warn!(
                    "{}: the inline policies of {} {owner} could not be written: {e}",
                    self.account_id,
                    kind.def().name
                );
                None
            }
        }
    }

    /// `uses` edges to the managed policies attached: a customer-managed
    /// one by its id in this account, an AWS-managed one in the `aws`
    /// account (outside the estate, named so it still reads).
    fn uses(&self, attached: &[sdk::AttachedPolicy]) -> Vec<Edge> {
        attached
            .iter()
            .filter_map(|a| {
                let arn = a.policy_arn().and_then(PolicyArn::parse);
                let Some(arn) = arn else {
                    tracing::warn!(
                        "{}: an attached policy with an unusable ARN {:?} was skipped",
                        self.account_id,
                        a.policy_arn().unwrap_or_default()
                    );
                    return None;
                };
                let name = a
                    .policy_name()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| arn.id.rsplit('/').next().unwrap_or(arn.id));
                let mut e = Edge::new(Rel::Uses, kinds::IAM_POLICY, format!("policy/{}", arn.id))
                    .named(name);
                if arn.account != self.account_id {
                    e = e.in_account(arn.account);
                }
                Some(e)
            })
            .collect()
    }
}

/// RFC 3339, as every time field of the model.
pub(super) fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

fn opt(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

fn tags_of(tags: &[sdk::Tag]) -> Tags {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}
