//! IAM of one account: its roles, users, groups and customer-managed
//! policies, and its users' access keys. IAM is global, so this is
//! account-wide work with global coverage cells, run beside the regional
//! EC2 and ELBv2 work (see `account.rs`), through a client on IAM's
//! global endpoint (`auth::Clients::iam`).
//!
//! One paginated call, `GetAccountAuthorizationDetails` (filtered to
//! roles, users, groups and customer-managed policies: AWS-managed ones
//! are the same in every account and only named by the edges to them),
//! gives every entity with its documents, attachments and memberships:
//! one cell, [`details_api`]. Its paging is this module's own loop
//! (`pages`), not the SDK's paginator, so that it is tested against
//! recorded answers: moto ignores `MaxItems` for this call and never
//! pages.
//!
//! Access keys are not in that answer. They take a `ListAccessKeys` per
//! user and a `GetAccessKeyLastUsed` per key, [`KEY_CALLS_AT_ONCE`] users
//! at a time (IAM's request rate is account-wide and low), under a cell of
//! their own (`Api::LIST_ACCESS_KEYS`): a policy that allows the first call
//! and not these loses the keys, never the roles. What orgscope keeps
//! of a key is the last four characters of its id, its status, creation
//! and last use ([`key_line`]); it never asks for a secret, and a key id
//! too short to hide is refused rather than stored whole.

use std::collections::HashSet;
use std::future::Future;

use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::types::{AccessKeyMetadata, EntityType};
use futures::{StreamExt, stream};

use super::classify::{Failure, classify};
use orgscope_core::model::{CoverageStatus, Resource, kinds};

mod convert;
#[cfg(test)]
mod tests;

/// Users whose access keys are read at once.
pub const KEY_CALLS_AT_ONCE: usize = 4;

/// Most pages of one `GetAccountAuthorizationDetails` series: far above
/// what IAM's quotas allow even one item a page (an account holds at most
/// a few thousand roles, users and policies each), a bound on a marker
/// that never ends.
const MAX_PAGES: usize = 50_000;

/// The cell of the entities: the IAM kinds' API.
pub fn details_api() -> &'static str {
    kinds::IAM_ROLE.def().api
}

/// The APIs of an account's IAM cells, in the order they are reported:
/// the entities, then the access keys.
pub fn apis() -> impl Iterator<Item = &'static str> {
    [details_api(), keys_api()].into_iter()
}

/// The cell of the access keys: `Api::LIST_ACCESS_KEYS`'s text (a test
/// holds them together).
pub fn keys_api() -> &'static str {
    "iam:ListAccessKeys"
}

/// IAM's `MaxItems` must be within 1..=1000.
pub fn clamp_page_size(page_size: i32) -> i32 {
    page_size.clamp(1, 1000)
}

/// Every role, user, group and customer-managed policy of the account,
/// users without their access keys (see [`read_keys`]).
pub async fn details(
    client: &aws_sdk_iam::Client,
    account_id: &str,
    page_size: i32,
) -> Result<Vec<Resource>, Failure> {
    let max_items = clamp_page_size(page_size);
    let pages = pages(|marker| {
        let client = client.clone();
        async move {
            client
                .get_account_authorization_details()
                .filter(EntityType::Role)
                .filter(EntityType::User)
                .filter(EntityType::Group)
                .filter(EntityType::LocalManagedPolicy)
                .max_items(max_items)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| classify(&e))
        }
    })
    .await?;
    Ok(convert::resources(account_id, &pages))
}

/// Every page of one series, following `Marker` while `IsTruncated`; the
/// first failed page fails the series (a partial list of roles would read
/// as roles that do not exist). A truncated page without a marker, or a
/// marker seen before, is an error rather than a loop or a silent end.
async fn pages<F, Fut>(mut fetch: F) -> Result<Vec<GetAccountAuthorizationDetailsOutput>, Failure>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<GetAccountAuthorizationDetailsOutput, Failure>>,
{
    let unexpected =
        |message: String| Failure::new(CoverageStatus::Error, "UnexpectedResponse", message);
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    let mut seen = HashSet::new();
    loop {
        if out.len() >= MAX_PAGES {
            return Err(unexpected(format!(
                "GetAccountAuthorizationDetails was still paging after {MAX_PAGES} pages"
            )));
        }
        let page = fetch(marker.take()).await?;
        let next = page.marker().filter(|m| !m.is_empty()).map(str::to_string);
        let truncated = page.is_truncated();
        out.push(page);
        match (truncated, next) {
            (false, _) => return Ok(out),
            (true, None) => {
                return Err(unexpected(
                    "GetAccountAuthorizationDetails said its answer was truncated but gave no marker"
                        .to_string(),
                ));
            }
            (true, Some(m)) if !seen.insert(m.clone()) => {
                return Err(unexpected(format!(
                    "GetAccountAuthorizationDetails returned the marker {m:?} twice"
                )));
            }
            (true, Some(m)) => marker = Some(m),
        }
    }
}

/// The IAM names of the users among `resources`, whose keys to read.
pub fn user_names(resources: &[Resource]) -> Vec<String> {
    resources
        .iter()
        .filter(|r| r.kind == kinds::IAM_USER)
        .filter_map(|r| r.name.clone())
        .collect()
}

/// One user's keys as stored, or why they could not be read.
pub type UserKeys = (String, Result<Vec<String>, Failure>);

/// The access keys of each of `users`, [`KEY_CALLS_AT_ONCE`] users at a
/// time, in the order of `users`.
pub async fn read_keys(client: &aws_sdk_iam::Client, users: &[String]) -> Vec<UserKeys> {
    // Owned futures, made before the stream: a closure borrowing `users`
    // inside the stream would make the whole account task's future
    // lifetime-generic, which `tokio::spawn` cannot prove `Send`.
    let reads: Vec<_> = users
        .iter()
        .map(|user| {
            let (client, user) = (client.clone(), user.clone());
            async move {
                let keys = keys_of(&client, &user).await;
                (user, keys)
            }
        })
        .collect();
    stream::iter(reads)
        .buffered(KEY_CALLS_AT_ONCE)
        .collect()
        .await
}

/// `ListAccessKeys` of one user (paged), then `GetAccessKeyLastUsed` of
/// each key, as [`key_line`]s.
async fn keys_of(client: &aws_sdk_iam::Client, user: &str) -> Result<Vec<String>, Failure> {
    let mut keys: Vec<AccessKeyMetadata> = Vec::new();
    let mut pages = client
        .list_access_keys()
        .user_name(user)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e))?;
        keys.extend_from_slice(page.access_key_metadata());
    }
    let mut lines = Vec::with_capacity(keys.len());
    for key in &keys {
        let Some(id) = key.access_key_id().filter(|id| !id.is_empty()) else {
            return Err(incomplete(user, "id"));
        };
        let used = client
            .get_access_key_last_used()
            .access_key_id(id)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let last_used = used
            .access_key_last_used()
            .and_then(|u| convert::time(u.last_used_date()));
        lines.push(key_line(user, key, last_used.as_deref())?);
    }
    Ok(lines)
}

/// `ABCD Active CREATED LAST_USED`: the last four characters of the key id,
/// its status, its creation and its last use (RFC 3339; `never` when IAM
/// has no last use). A key whose id, status or creation IAM left out is
/// an error, not a line with a guess in it.
pub fn key_line(
    user: &str,
    key: &AccessKeyMetadata,
    last_used: Option<&str>,
) -> Result<String, Failure> {
    let missing = |what: &str| incomplete(user, what);
    let id = key
        .access_key_id()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| missing("id"))?;
    let chars: Vec<char> = id.chars().collect();
    // AWS key ids are 16 to 128 characters: four of a shorter one would
    // give away too much of it.
    if chars.len() < 16 {
        return Err(missing("full-length id"));
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    let status = key.status().ok_or_else(|| missing("status"))?;
    let created = convert::time(key.create_date()).ok_or_else(|| missing("creation date"))?;
    Ok(format!(
        "{tail} {} {created} {}",
        status.as_str(),
        last_used.unwrap_or("never")
    ))
}

fn incomplete(user: &str, what: &str) -> Failure {
    Failure::new(
        CoverageStatus::Error,
        "UnexpectedResponse",
        format!("ListAccessKeys answered a key of user {user} without its {what}"),
    )
}

/// Put the keys read into their users' `access_keys`; the outcome of the
/// keys' cell: `Ok` when every user's keys were read, else the first
/// failure, saying how many users' keys are missing (those stay null:
/// unknown, not "no keys").
pub fn with_keys(resources: &mut [Resource], read: Vec<UserKeys>) -> Result<(), Failure> {
    let total = read.len();
    let mut failed: Option<Failure> = None;
    let mut unread = 0usize;
    for (user, keys) in read {
        match keys {
            Ok(lines) => {
                if let Some(r) = resources
                    .iter_mut()
                    .find(|r| r.kind == kinds::IAM_USER && r.name.as_deref() == Some(&user))
                {
                    r.set("access_keys", lines);
                }
            }
            Err(f) => {
                unread += 1;
                failed.get_or_insert(f);
            }
        }
    }
    match failed {
        None => Ok(()),
        Some(mut f) => {
            let said = f.message.take().unwrap_or_default();
            f.message = Some(format!(
                "{said} (the access keys of {unread} of {total} users were not read)"
            ));
            Err(f)
        }
    }
}
