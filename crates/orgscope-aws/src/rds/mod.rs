//! RDS in one account-region: DB instances (`DescribeDBInstances`) and DB
//! clusters (`DescribeDBClusters`, Aurora and Multi-AZ clusters), one
//! coverage cell each, SDK types stopping in this module (`convert`).
//! Both calls also list Neptune and DocumentDB, which share RDS's API;
//! they are kept, their `engine` says which.
//!
//! The two cells share one listing: `DescribeDBClusters` names a
//! cluster's subnet group but not its subnets or VPC, which the cluster's
//! member instances carry (Aurora puts every member in the cluster's
//! group). A region's run lists the instances once and both collectors
//! read that answer, so the reader policy needs no third action
//! (`DescribeDBSubnetGroups`). When the instances cannot be listed, the
//! instance cell is that failure and the clusters are still listed, each
//! with a note saying why its subnets are unknown — a cell never fails for
//! a call it did not make.
//!
//! Paging follows `Marker` until it comes back empty, with the guards of
//! `paging::pages`.

use aws_sdk_rds as rds;
use rds::operation::describe_db_clusters::DescribeDbClustersOutput;
use rds::operation::describe_db_instances::DescribeDbInstancesOutput;

use super::classify::{Failure, classify};
use super::paging;
use orgscope_core::model::{Resource, kinds};

mod convert;
#[cfg(test)]
mod tests;

/// What one collector lists in one account-region.
type Listed = Result<Vec<Resource>, Failure>;

/// Pages of one call in one account-region at most: 100,000 databases at
/// the largest page size, far beyond RDS's per-region quotas.
pub const MAX_PAGES: usize = 1000;

/// The RDS APIs collected per account-region, as named in coverage cells,
/// in registry order (the order [`describe_region`] returns them).
pub fn apis() -> impl Iterator<Item = &'static str> {
    [kinds::DB_INSTANCE.def().api, kinds::DB_CLUSTER.def().api].into_iter()
}

/// `MaxRecords` must be within 20..=100.
pub fn clamp_page_size(page_size: i32) -> i32 {
    page_size.clamp(20, 100)
}

/// Both collectors of one account-region, sharing one instance listing;
/// one result per [`apis`] entry, in that order.
pub async fn describe_region(
    client: &rds::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
) -> Vec<(&'static str, Listed)> {
    let per_page = clamp_page_size(page_size);
    let (instances, clusters) = tokio::join!(
        list_instances(client, per_page),
        list_clusters(client, per_page)
    );
    let at = convert::Where { account_id, region };
    let cluster_cell = clusters.map(|c| at.clusters(&c, instances.as_deref()));
    let instance_cell = instances.map(|i| at.instances(&i));
    apis().zip([instance_cell, cluster_cell]).collect()
}

/// One of [`apis`] in one account-region, e.g. to redo a call that failed.
/// Clusters list the instances again for their subnets: nothing is shared
/// with an earlier run, whose answer may be what failed.
pub async fn describe_one(
    client: &rds::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
    api: &str,
) -> Listed {
    let per_page = clamp_page_size(page_size);
    let at = convert::Where { account_id, region };
    if api == kinds::DB_INSTANCE.def().api {
        Ok(at.instances(&list_instances(client, per_page).await?))
    } else if api == kinds::DB_CLUSTER.def().api {
        let (instances, clusters) = tokio::join!(
            list_instances(client, per_page),
            list_clusters(client, per_page)
        );
        Ok(at.clusters(&clusters?, instances.as_deref()))
    } else {
        Err(paging::unknown_api(api))
    }
}

async fn list_instances(
    client: &rds::Client,
    per_page: i32,
) -> Result<Vec<DescribeDbInstancesOutput>, Failure> {
    paging::pages("DescribeDBInstances", Page::marker, |marker| async move {
        client
            .describe_db_instances()
            .max_records(per_page)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| classify(&e))
    })
    .await
}

async fn list_clusters(
    client: &rds::Client,
    per_page: i32,
) -> Result<Vec<DescribeDbClustersOutput>, Failure> {
    paging::pages("DescribeDBClusters", Page::marker, |marker| async move {
        client
            .describe_db_clusters()
            .max_records(per_page)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| classify(&e))
    })
    .await
}

/// A page of an RDS describe: its `Marker`.
trait Page {
    fn marker(&self) -> Option<&str>;
}

impl Page for DescribeDbInstancesOutput {
    fn marker(&self) -> Option<&str> {
        DescribeDbInstancesOutput::marker(self)
    }
}

impl Page for DescribeDbClustersOutput {
    fn marker(&self) -> Option<&str> {
        DescribeDbClustersOutput::marker(self)
    }
}
