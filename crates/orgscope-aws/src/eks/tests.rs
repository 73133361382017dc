//! Conversion, paging and the per-cluster reads against recorded response
//! shapes (the moto test in `tests/integration/compute.rs` covers the
//! wire).

use super::*;
use crate::recorded::{block_on, recorded};
use eks::types::{ClusterStatus, VpcConfigResponse};
use orgscope_core::model::CoverageStatus;
use orgscope_core::model::{GLOBAL, Value};

const ACCT: &str = "111111111111";
const REGION: &str = "eu-west-1";

fn page(names: &[&str], token: Option<&str>) -> ListClustersOutput {
    ListClustersOutput::builder()
        .set_clusters(Some(names.iter().map(|n| n.to_string()).collect()))
        .set_next_token(token.map(str::to_string))
        .build()
}

fn listed(served: Vec<ListClustersOutput>) -> Result<Vec<ListClustersOutput>, Failure> {
    let asked = std::sync::Mutex::new(Vec::new());
    block_on(pages(
        "ListClusters",
        |p: &ListClustersOutput| p.next_token(),
        recorded(served, &asked),
    ))
}

#[test]
fn the_one_api_is_the_kinds_and_page_size_is_clamped() {
    assert_eq!(apis().collect::<Vec<_>>(), ["eks:ListClusters"]);
    assert!(orgscope_core::model::regional_apis().any(|a| a == "eks:ListClusters"));
    assert_eq!(clamp_page_size(0), 1);
    assert_eq!(clamp_page_size(1000), 100);
}

#[test]
fn paging_follows_next_tokens_to_the_end_and_names_come_once() {
    let asked = std::sync::Mutex::new(Vec::new());
    let served = vec![
        page(&["a", "b"], Some("t1")),
        page(&["b", ""], Some("t2")),
        page(&["c"], None),
    ];
    let got = block_on(pages(
        "ListClusters",
        |p: &ListClustersOutput| p.next_token(),
        recorded(served, &asked),
    ))
    .unwrap();
    assert_eq!(
        *asked.lock().unwrap(),
        [None, Some("t1".into()), Some("t2".into())]
    );
    assert_eq!(cluster_names(&got), ["a", "b", "c"]);
}

#[test]
fn a_repeated_token_or_a_failed_page_fails_the_cell() {
    let f = listed(vec![page(&[], Some("a")), page(&[], Some("a"))]).unwrap_err();
    assert_eq!(f.code.as_deref(), Some("RepeatedPageToken"));
    assert!(f.message.unwrap_or_default().contains("ListClusters"));
    let f = listed(vec![page(&["a"], Some("x"))]).unwrap_err();
    assert_eq!(f.code.as_deref(), Some("NoMorePages"));
}

fn cluster() -> Cluster {
    let vpc = VpcConfigResponse::builder()
        .vpc_id("vpc-1")
        .subnet_ids("subnet-a")
        .subnet_ids("subnet-b")
        .cluster_security_group_id("sg-cluster")
        .security_group_ids("sg-extra")
        // Listed again among the added ones: one edge.
        .security_group_ids("sg-cluster")
        .endpoint_public_access(true)
        .endpoint_private_access(false)
        .public_access_cidrs("0.0.0.0/0")
        .build();
    Cluster::builder()
        .name("payments-test-eks")
        .version("1.29")
        .platform_version("eks.8")
        .status(ClusterStatus::Active)
        .endpoint("https://ABC.gr7.eu-west-1.eks.amazonaws.com")
        .role_arn("arn:aws:iam::111111111111:role/payments-test-eks-cluster")
        .resources_vpc_config(vpc)
        .tags("env", "test")
        .build()
}

#[test]
fn conversion_reads_every_field_edge_and_tag() {
    let got = convert(
        ACCT,
        REGION,
        &["payments-test-eks".to_string()],
        vec![Some(Some(cluster()))],
    );
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!(
        (r.kind, r.id.as_str(), r.name.as_deref()),
        (
            kinds::EKS_CLUSTER,
            "payments-test-eks",
            Some("payments-test-eks")
        )
    );
    assert_eq!(r.text("version"), Some("1.29"));
    assert_eq!(r.text("platform_version"), Some("eks.8"));
    assert_eq!(r.text("status"), Some("ACTIVE"));
    // The diagram reads `state`.
    assert_eq!(r.text("state"), Some("ACTIVE"));
    assert_eq!(r.get("endpoint_public_access"), Some(&Value::Bool(true)));
    assert_eq!(r.get("endpoint_private_access"), Some(&Value::Bool(false)));
    assert_eq!(
        r.get("public_access_cidrs"),
        Some(&Value::from(vec!["0.0.0.0/0".to_string()]))
    );
    assert_eq!(r.tags.get("env").map(String::as_str), Some("test"));
    assert_eq!(r.text("note"), None);
    assert_eq!(
        r.relations,
        [
            Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
            Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-a"),
            Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-b"),
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-cluster"),
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-extra"),
            Edge::new(
                Rel::RunsAs,
                kinds::IAM_ROLE,
                "role/payments-test-eks-cluster"
            )
            .named("payments-test-eks-cluster")
            .in_region(GLOBAL),
        ]
    );
    assert_eq!(
        r.arn(),
        "arn:aws:eks:eu-west-1:111111111111:cluster/payments-test-eks"
    );
}

#[test]
fn missing_parts_stay_empty_and_are_noted_and_gone_clusters_are_left_out() {
    let bare = Cluster::builder().name("bare").build();
    let names = ["bare", "gone", "empty"].map(str::to_string);
    let got = convert(
        ACCT,
        REGION,
        &names,
        vec![Some(Some(bare)), None, Some(None)],
    );
    let ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["bare", "empty"]);
    let bare = &got[0];
    for field in ["version", "endpoint_public_access", "public_access_cidrs"] {
        assert_eq!(bare.get(field), Some(&Value::Null), "{field}");
    }
    assert!(bare.relations.is_empty());
    let note = bare.text("note").unwrap_or_default();
    assert!(note.contains("no VPC configuration"), "{note}");
    assert!(note.contains("without a service role"), "{note}");
    assert!(
        got[1]
            .text("note")
            .unwrap_or_default()
            .contains("without the cluster")
    );
}

#[test]
fn a_failed_describe_fails_the_cell_naming_the_cluster() {
    let names = ["a", "b"].map(str::to_string);
    let f = block_on(describe_all(&names, |n: String| {
        std::future::ready(if n == "b" {
            Err(Failure::new(
                CoverageStatus::Denied,
                "AccessDeniedException",
                "not authorized to perform: eks:DescribeCluster",
            ))
        } else {
            Ok(Some(None))
        })
    }))
    .unwrap_err();
    assert_eq!(f.status, CoverageStatus::Denied);
    let msg = f.message.unwrap_or_default();
    assert!(msg.starts_with("DescribeCluster of b:"), "{msg}");
    // All answered: in the order asked.
    let got = block_on(describe_all(&names, |n: String| {
        std::future::ready(Ok(Some(Some(Cluster::builder().name(n).build()))))
    }))
    .unwrap();
    let named: Vec<Option<&str>> = got
        .iter()
        .map(|d| d.as_ref().and_then(|c| c.as_ref()).and_then(|c| c.name()))
        .collect();
    assert_eq!(named, [Some("a"), Some("b")]);
}
