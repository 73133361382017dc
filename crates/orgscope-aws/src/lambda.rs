//! Lambda in one account-region: `ListFunctions`, paged by `Marker` to the
//! end, gives every function's configuration (runtime, memory, timeout,
//! architecture, VPC configuration, execution role); `ListTags` per
//! function gives its tags, which `ListFunctions` leaves out. Both are
//! read under one coverage cell, `lambda:ListFunctions`, per
//! account-region; SDK types stop in this file.
//!
//! A failed `ListTags` fails the cell (naming the function): a function
//! kept without its tags would read as missing `owner` in tag compliance
//! and fall out of every `env=prod` scope — a wrong answer that looks
//! complete — while a failed cell is shown as not collected, which
//! compliance and the diff already say out loud. A function deleted
//! between the two calls (`ResourceNotFoundException`) is simply gone.
//!
//! Also here, shared with the EKS collector (`eks.rs`): the `RunsAs` edge
//! to an IAM role read from its ARN ([`runs_as`], `orgscope_core`'s).

use std::collections::{HashMap, HashSet};

use aws_sdk_lambda as lambda;
use futures::{StreamExt, TryStreamExt, stream};
use lambda::operation::list_functions::ListFunctionsOutput;
use lambda::types::FunctionConfiguration;

use super::classify::{Failure, classify};
use super::paging::{Listed, each_api, pages, unknown_api};
use orgscope_core::model::aws;
pub(crate) use orgscope_core::model::aws::runs_as;
use orgscope_core::model::{Edge, Rel, Resource, Tags, kinds};

/// `ListTags` calls in flight per account-region: Lambda's control plane
/// allows about 15 requests per second per account for these reads, and
/// the other regions of the account ask at the same time.
pub const TAG_CALLS_AT_ONCE: usize = 4;

/// The API collected per account-region, as named in coverage cells.
pub fn apis() -> impl Iterator<Item = &'static str> {
    std::iter::once(kinds::LAMBDA_FUNCTION.def().api)
}

/// `MaxItems` must be within 1..=50.
pub fn clamp_page_size(page_size: i32) -> i32 {
    page_size.clamp(1, 50)
}

/// The one collector of a region, as `ec2::describe_region` returns its
/// own: one result per [`apis`] entry.
pub async fn describe_region(
    client: &lambda::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
) -> Vec<(&'static str, Listed)> {
    each_api(apis(), |api| {
        describe_one(client, account_id, region, page_size, api)
    })
    .await
}

/// One of [`apis`] in one account-region, e.g. to redo a call that failed.
pub async fn describe_one(
    client: &lambda::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
    api: &str,
) -> Listed {
    if !apis().any(|a| a == api) {
        return Err(unknown_api(api));
    }
    let per_page = clamp_page_size(page_size);
    let all = pages(
        "ListFunctions",
        |p: &ListFunctionsOutput| p.next_marker(),
        |marker| async move {
            client
                .list_functions()
                .max_items(per_page)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| classify(&e))
        },
    )
    .await?;
    let functions: Vec<&FunctionConfiguration> = all.iter().flat_map(|p| p.functions()).collect();
    let tags = read_tags(&functions, |arn| async move {
        match client.list_tags().resource(arn).send().await {
            Ok(out) => Ok(Some(tag_map(out.tags()))),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(classify(&e)),
        }
    })
    .await?;
    Ok(convert(account_id, region, &functions, tags))
}

/// What `ListTags` said of one function.
#[derive(Debug, Clone, PartialEq)]
enum TagRead {
    Tags(Tags),
    /// Deleted since it was listed.
    Gone,
    /// Listed without an ARN, which `ListTags` needs: nothing to ask.
    NoArn,
}

/// The tags of each function, in order, [`TAG_CALLS_AT_ONCE`] calls at a
/// time. `fetch` answers `None` for a function that no longer exists;
/// any other failure fails the whole read (see the module docs), its
/// message naming the function.
async fn read_tags<F, Fut>(
    functions: &[&FunctionConfiguration],
    fetch: F,
) -> Result<Vec<TagRead>, Failure>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<Option<Tags>, Failure>>,
{
    let fetch = &fetch;
    // Collected first: a stream over a lazy `map` of async blocks trips
    // the compiler's higher-ranked lifetime check where the region's task
    // must be `Send`.
    let reads: Vec<_> = functions
        .iter()
        .map(|f| async move {
            let Some(arn) = f.function_arn().filter(|a| !a.is_empty()) else {
                return Ok(TagRead::NoArn);
            };
            match fetch(arn.to_string()).await {
                Ok(Some(tags)) => Ok(TagRead::Tags(tags)),
                Ok(None) => Ok(TagRead::Gone),
                Err(f) => Err(Failure {
                    message: Some(format!(
                        "ListTags of {arn}: {}",
                        f.message.as_deref().unwrap_or("failed")
                    )),
                    ..f
                }),
            }
        })
        .collect();
    stream::iter(reads)
        .buffered(TAG_CALLS_AT_ONCE)
        .try_collect()
        .await
}

fn tag_map(tags: Option<&HashMap<String, String>>) -> Tags {
    tags.into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The functions as resources, with the tags read for each (aligned with
/// `functions`). A function without a name names nothing and is skipped,
/// logged; one deleted since it was listed is left out.
fn convert(
    account_id: &str,
    region: &str,
    functions: &[&FunctionConfiguration],
    tags: Vec<TagRead>,
) -> Vec<Resource> {
    let mut out = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (f, tags) in functions.iter().zip(tags) {
        let Some(name) = f.function_name().filter(|n| !n.is_empty()) else {
            tracing::warn!("{account_id} {region}: ListFunctions listed a function without a name");
            continue;
        };
        if !seen.insert(name) {
            continue;
        }
        let mut r = Resource::new(kinds::LAMBDA_FUNCTION, account_id, region, name);
        r.name = Some(name.to_string());
        let mut notes = Vec::new();
        match tags {
            TagRead::Tags(t) => r.tags = t,
            TagRead::Gone => {
                tracing::info!("{account_id} {region}: function {name} was deleted while listed");
                continue;
            }
            TagRead::NoArn => notes.push("listed without an ARN: its tags were not read".into()),
        }
        r.set("runtime", f.runtime().map(|x| x.as_str().to_string()));
        r.set("memory", f.memory_size().map(i64::from));
        r.set("timeout", f.timeout().map(i64::from));
        // One architecture per function today; the API returns a list.
        let arch: Vec<&str> = f.architectures().iter().map(|a| a.as_str()).collect();
        if !arch.is_empty() {
            r.set("architecture", arch.join(","));
        }
        r.set(
            "package_type",
            f.package_type().map(|x| x.as_str().to_string()),
        );
        r.set("handler", f.handler().map(str::to_string));
        r.set("last_modified", f.last_modified().map(lambda_time));
        r.set("code_size", f.code_size());
        r.set("state", f.state().map(|x| x.as_str().to_string()));
        if let Some(vpc) = f.vpc_config() {
            // A function outside any VPC reports an empty configuration.
            if let Some(id) = vpc.vpc_id().filter(|v| !v.is_empty()) {
                r.relations
                    .push(Edge::new(Rel::InVpc, kinds::VPC, id.to_string()));
            }
            for s in vpc.subnet_ids().iter().filter(|s| !s.is_empty()) {
                r.relations
                    .push(Edge::new(Rel::InSubnet, kinds::SUBNET, s.clone()));
            }
            for g in vpc.security_group_ids().iter().filter(|g| !g.is_empty()) {
                r.relations
                    .push(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, g.clone()));
            }
        }
        match f
            .role()
            .filter(|a| !a.is_empty())
            .map(|a| (a, runs_as(account_id, a)))
        {
            Some((_, Some(e))) => r.relations.push(e),
            Some((arn, None)) => notes.push(format!("execution role {arn:?} is not a role ARN")),
            None => notes.push("listed without an execution role".into()),
        }
        if !notes.is_empty() {
            r.set("note", notes.join("; "));
        }
        out.push(r);
    }
    out
}

/// Lambda's `LastModified` in RFC 3339 UTC (`orgscope_core`'s reading,
/// shared with the AWS Config reader), or as written when it is not in
/// Lambda's shape (still the time Lambda gave).
fn lambda_time(s: &str) -> String {
    aws::lambda_time(s).unwrap_or_else(|| s.to_string())
}

#[cfg(test)]
mod tests;
