//! Mappers of the IAM resource types: roles, users, groups and
//! customer-managed policies, read into the resources the crawl makes from
//! `GetAccountAuthorizationDetails` (`orgscope-aws`'s `iam/convert.rs`).
//! Config's items are that call's entity details with lower-camel-case
//! keys (`roleName`, `assumeRolePolicyDocument`, `rolePolicyList`,
//! `attachedManagedPolicies`, `policyVersionList`), the documents
//! URL-encoded as IAM returns them; ids, policy ARNs and documents are
//! read with the crawl's own helpers (`model::aws`), so both sources name
//! an entity and store a document the same way. A document that does not
//! decode is kept as written, as the crawl keeps it: saying it is
//! malformed is `access::derive`'s note, made after collection with the
//! trust, statements, admin power and flags, none of which is set here.
//!
//! What the items lack: a user's access keys (`ListAccessKeys` and
//! `GetAccessKeyLastUsed` are calls of their own, never part of the
//! user's item), listed in [`NOT_RECORDED`]. A user's groups are named
//! without their path (as `GetAccountAuthorizationDetails` names them
//! too); the crawl finds the path among the groups of its answer, which
//! one item cannot, so the edge names the group as if at path `/` — the
//! crawl's own reading of a group it did not list.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::read::Reader;
use super::{ConfigItem, ItemError, Mapper};
use crate::model::aws::{PolicyArn, decode_document, iam_id};
use crate::model::{Edge, GLOBAL, Kind, Rel, Resource, kinds};

pub(super) const MAPPERS: &[Mapper] = &[
    Mapper {
        resource_type: "AWS::IAM::Role",
        kind: kinds::IAM_ROLE,
        map: role,
    },
    Mapper {
        resource_type: "AWS::IAM::User",
        kind: kinds::IAM_USER,
        map: user,
    },
    Mapper {
        resource_type: "AWS::IAM::Group",
        kind: kinds::IAM_GROUP,
        map: group,
    },
    Mapper {
        resource_type: "AWS::IAM::Policy",
        kind: kinds::IAM_POLICY,
        map: policy,
    },
];

/// Fields the crawl fills that these types' items do not carry (kind
/// name, field name): left null, and left out of the differential test.
pub(super) const NOT_RECORDED: &[(&str, &str)] = &[
    ("iam_user", "access_keys"),
    // Derived from the access keys (`access::derive`): unknown without them.
    ("iam_user", "key_age"),
    ("iam_user", "unused"),
];

/// A global entity of `kind` named `name` under `path`, with its path
/// set: a path the item leaves out stays null, and the id is then the
/// bare name, which is what `/` would give (as the crawl does).
fn entity(item: &ConfigItem, kind: Kind, path: Option<String>, name: &str) -> Resource {
    let mut r = Resource::new(
        kind,
        &item.account_id,
        GLOBAL,
        iam_id(kind, path.as_deref(), name),
    );
    r.name = Some(name.to_string());
    r.with("path", path)
}

/// The inline policies of `list` (`rolePolicyList` …) as one JSON object,
/// name → document, names sorted: the crawl's `inline`, so the text is the
/// same whichever source read it. An absent list is `{}`, as the crawl
/// cannot tell it from an empty one either; a document that is not JSON
/// once decoded is kept as a JSON string, for `access::derive` to note.
fn inline(c: &Reader<'_>, list: &str) -> Result<Option<String>, ItemError> {
    let mut docs: BTreeMap<String, Json> = BTreeMap::new();
    for p in c.objects(list)? {
        // An inline policy without a name names nothing (the crawl skips
        // it too).
        let Some(name) = p.text("policyName")? else {
            continue;
        };
        let doc = match p.text("policyDocument")? {
            Some(raw) => {
                let text = decode_document(&raw);
                serde_json::from_str(&text).unwrap_or(Json::String(text))
            }
            None => Json::Null,
        };
        docs.insert(name, doc);
    }
    serde_json::to_string(&docs)
        .map(Some)
        .map_err(|e| c.malformed(list, &format!("could not be written as JSON: {e}")))
}

/// `uses` edges to the managed policies attached: a customer-managed one
/// by its id in this account, an AWS-managed one in the `aws` account
/// (outside the estate, named so it still reads). An unusable policy ARN
/// is skipped, as the crawl skips it.
fn uses(item: &ConfigItem, c: &Reader<'_>) -> Result<Vec<Edge>, ItemError> {
    let mut out = Vec::new();
    for a in c.objects("attachedManagedPolicies")? {
        let Some(text) = a.text("policyArn")? else {
            continue;
        };
        let Some(arn) = PolicyArn::parse(&text) else {
            continue;
        };
        let name = a
            .text("policyName")?
            .unwrap_or_else(|| arn.name().to_string());
        let mut e =
            Edge::new(Rel::Uses, kinds::IAM_POLICY, format!("policy/{}", arn.id)).named(name);
        if arn.account != item.account_id {
            e = e.in_account(arn.account);
        }
        out.push(e);
    }
    Ok(out)
}

fn role(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let name = c.required("roleName")?;
    let mut r = entity(item, kinds::IAM_ROLE, c.text("path")?, &name)
        .with("role_id", c.text("roleId")?)
        .with("created", c.time("createDate")?)
        .with("last_used", c.time("roleLastUsed.lastUsedDate")?)
        .with("last_used_region", c.text("roleLastUsed.region")?)
        .with(
            "trust_policy",
            c.text("assumeRolePolicyDocument")?
                .map(|d| decode_document(&d)),
        )
        .with("inline_policies", inline(&c, "rolePolicyList")?);
    r.tags = item.tags.clone();
    r.relations = uses(item, &c)?;
    Ok(r)
}

fn user(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let name = c.required("userName")?;
    let mut r = entity(item, kinds::IAM_USER, c.text("path")?, &name)
        .with("user_id", c.text("userId")?)
        .with("created", c.time("createDate")?)
        .with("inline_policies", inline(&c, "userPolicyList")?);
    r.tags = item.tags.clone();
    for group in c.texts("groupList")?.unwrap_or_default() {
        let to = iam_id(kinds::IAM_GROUP, None, &group);
        r.relations
            .push(Edge::new(Rel::InGroup, kinds::IAM_GROUP, to).named(group));
    }
    r.relations.extend(uses(item, &c)?);
    Ok(r)
}

/// A group: untagged, as IAM groups are (the crawl reads no tags).
fn group(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let name = c.required("groupName")?;
    let mut r = entity(item, kinds::IAM_GROUP, c.text("path")?, &name)
        .with("group_id", c.text("groupId")?)
        .with("created", c.time("createDate")?)
        .with("inline_policies", inline(&c, "groupPolicyList")?);
    r.relations = uses(item, &c)?;
    Ok(r)
}

/// A customer-managed policy and its default version's document. No
/// tags: `GetAccountAuthorizationDetails` returns none for policies, so
/// the crawl's policy has none whatever Config's item says.
fn policy(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let arn = match c.text("arn")? {
        Some(a) => Some(a),
        None => item.arn.clone(),
    };
    // The ARN ends with the path and name: the name when the item leaves
    // `policyName` out.
    let from_arn = arn
        .as_deref()
        .and_then(PolicyArn::parse)
        .map(|a| a.name().to_string());
    let name = match c.text("policyName")? {
        Some(n) => n,
        None => from_arn.ok_or_else(|| c.malformed("policyName", "is missing"))?,
    };
    let default = c.text("defaultVersionId")?;
    // The default version is flagged; the id is the fallback for an item
    // that flags none.
    let versions = c.objects("policyVersionList")?;
    let mut chosen = None;
    for v in &versions {
        if v.flag("isDefaultVersion")? == Some(true) {
            chosen = Some(v);
            break;
        }
    }
    if chosen.is_none() {
        for v in &versions {
            if default.is_some() && v.text("versionId")? == default {
                chosen = Some(v);
                break;
            }
        }
    }
    let document = match chosen {
        Some(v) => v.text("document")?.map(|d| decode_document(&d)),
        None => None,
    };
    Ok(entity(item, kinds::IAM_POLICY, c.text("path")?, &name)
        .with("policy_id", c.text("policyId")?)
        .with("created", c.time("createDate")?)
        .with("updated", c.time("updateDate")?)
        .with("default_version", default)
        .with("attachments", c.number("attachmentCount")?)
        .with("document", document))
}

#[cfg(test)]
#[path = "iam_tests.rs"]
mod tests;
