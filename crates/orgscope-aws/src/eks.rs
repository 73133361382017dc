//! EKS in one account-region: `ListClusters`, paged by `nextToken` to the
//! end, names the clusters; `DescribeCluster` of each gives its version,
//! endpoint access, VPC configuration, service role and tags. Both are
//! read under one coverage cell, `eks:ListClusters`, per account-region;
//! SDK types stop in this file.
//!
//! A failed `DescribeCluster` fails the cell (naming the cluster): a
//! cluster listed without its version, endpoint access and tags would be
//! drift and compliance findings that are not true, while a failed cell
//! reads as not collected everywhere. A cluster deleted between the two
//! calls (`ResourceNotFoundException`) is simply gone.

use std::collections::HashSet;

use aws_sdk_eks as eks;
use eks::operation::list_clusters::ListClustersOutput;
use eks::types::Cluster;
use futures::{StreamExt, TryStreamExt, stream};

use super::classify::{Failure, classify};
use super::lambda::runs_as;
use super::paging::{Listed, each_api, pages, unknown_api};
use orgscope_core::model::{Edge, Rel, Resource, Tags, kinds};

/// `DescribeCluster` calls in flight per account-region.
pub const DESCRIBE_CALLS_AT_ONCE: usize = 4;

/// The API collected per account-region, as named in coverage cells.
pub fn apis() -> impl Iterator<Item = &'static str> {
    std::iter::once(kinds::EKS_CLUSTER.def().api)
}

/// `maxResults` must be within 1..=100.
pub fn clamp_page_size(page_size: i32) -> i32 {
    page_size.clamp(1, 100)
}

/// The one collector of a region, as `ec2::describe_region` returns its
/// own: one result per [`apis`] entry.
pub async fn describe_region(
    client: &eks::Client,
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
    client: &eks::Client,
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
        "ListClusters",
        |p: &ListClustersOutput| p.next_token(),
        |token| async move {
            client
                .list_clusters()
                .max_results(per_page)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| classify(&e))
        },
    )
    .await?;
    let names = cluster_names(&all);
    let clusters = describe_all(&names, |name| async move {
        match client.describe_cluster().name(name).send().await {
            Ok(out) => Ok(Some(out.cluster)),
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
    Ok(convert(account_id, region, &names, clusters))
}

/// The names listed, each once, in order; empty ones name nothing.
fn cluster_names(pages: &[ListClustersOutput]) -> Vec<String> {
    let mut seen = HashSet::new();
    pages
        .iter()
        .flat_map(|p| p.clusters())
        .filter(|n| !n.is_empty() && seen.insert(n.as_str()))
        .cloned()
        .collect()
}

/// What `DescribeCluster` said of one listed cluster: `None` when it was
/// deleted since; `Some(None)` when the answer held no cluster.
type Described = Option<Option<Cluster>>;

/// `DescribeCluster` of each name, in order, [`DESCRIBE_CALLS_AT_ONCE`]
/// at a time; a failure fails the whole read, its message naming the
/// cluster.
async fn describe_all<F, Fut>(names: &[String], fetch: F) -> Result<Vec<Described>, Failure>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<Described, Failure>>,
{
    let fetch = &fetch;
    // Collected first, as in `lambda::read_tags`.
    let reads: Vec<_> = names
        .iter()
        .map(|name| async move {
            fetch(name.clone()).await.map_err(|f| Failure {
                message: Some(format!(
                    "DescribeCluster of {name}: {}",
                    f.message.as_deref().unwrap_or("failed")
                )),
                ..f
            })
        })
        .collect();
    stream::iter(reads)
        .buffered(DESCRIBE_CALLS_AT_ONCE)
        .try_collect()
        .await
}

/// The clusters as resources (`described` aligned with `names`); one
/// deleted since it was listed is left out.
fn convert(
    account_id: &str,
    region: &str,
    names: &[String],
    described: Vec<Described>,
) -> Vec<Resource> {
    let mut out = Vec::new();
    for (name, d) in names.iter().zip(described) {
        let Some(cluster) = d else {
            tracing::info!("{account_id} {region}: cluster {name} was deleted while listed");
            continue;
        };
        let mut r = Resource::new(kinds::EKS_CLUSTER, account_id, region, name.as_str());
        r.name = Some(name.clone());
        let Some(c) = cluster else {
            r.set("note", "DescribeCluster answered without the cluster");
            out.push(r);
            continue;
        };
        let mut notes = Vec::new();
        r.tags = c
            .tags()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Tags>();
        r.set("version", c.version().map(str::to_string));
        r.set("platform_version", c.platform_version().map(str::to_string));
        r.set("status", c.status().map(|s| s.as_str().to_string()));
        r.set("endpoint", c.endpoint().map(str::to_string));
        match c.resources_vpc_config() {
            Some(v) => {
                // The SDK reads absent booleans as false: EKS always
                // sends both, so a false here is EKS's.
                r.set("endpoint_public_access", v.endpoint_public_access());
                r.set("endpoint_private_access", v.endpoint_private_access());
                r.set("public_access_cidrs", v.public_access_cidrs().to_vec());
                if let Some(id) = v.vpc_id().filter(|x| !x.is_empty()) {
                    r.relations
                        .push(Edge::new(Rel::InVpc, kinds::VPC, id.to_string()));
                }
                for s in v.subnet_ids().iter().filter(|s| !s.is_empty()) {
                    r.relations
                        .push(Edge::new(Rel::InSubnet, kinds::SUBNET, s.clone()));
                }
                // The group EKS made for the cluster, then the ones added.
                let mut groups: Vec<&str> = Vec::new();
                let listed = v.cluster_security_group_id().into_iter();
                for g in listed.chain(v.security_group_ids().iter().map(String::as_str)) {
                    if !g.is_empty() && !groups.contains(&g) {
                        groups.push(g);
                    }
                }
                for g in groups {
                    r.relations
                        .push(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, g));
                }
            }
            None => notes.push("DescribeCluster gave no VPC configuration".to_string()),
        }
        match c.role_arn().filter(|a| !a.is_empty()) {
            Some(arn) => match runs_as(account_id, arn) {
                Some(e) => r.relations.push(e),
                None => notes.push(format!("service role {arn:?} is not a role ARN")),
            },
            None => notes.push("described without a service role".to_string()),
        }
        if !notes.is_empty() {
            r.set("note", notes.join("; "));
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests;
