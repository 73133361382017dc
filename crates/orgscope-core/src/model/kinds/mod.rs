//! The registry of resource kinds: one file per kind holding its
//! [`KindDef`](super::KindDef), listed once in [`registry!`] below. The
//! registry's order is the order of every listing, legend and report, and
//! each kind gets a [`Kind`](super::Kind) constant for the code that must
//! name one (collectors, the demo, tests).
//!
//! Adding a kind: write `model/kinds/NAME.rs` with its descriptor, add one
//! line here, write its collector in `orgscope-aws` and its part of the demo
//! estate. Nothing in query, diff, diagram, the CLI or the app changes.

use super::kind::{Kind, KindDef};

mod db_cluster;
mod db_instance;
mod dynamodb_table;
mod egress_only_internet_gateway;
mod eks_cluster;
mod elastic_ip;
mod iam_group;
mod iam_policy;
mod iam_role;
mod iam_user;
mod instance;
mod internet_gateway;
mod lambda_function;
mod listener;
mod load_balancer;
mod nat_gateway;
mod route_table;
mod s3_bucket;
mod security_group;
mod subnet;
mod tagged_resource;
mod target_group;
mod transit_gateway;
mod transit_gateway_attachment;
mod transit_gateway_route_table;
mod volume;
mod vpc;
mod vpc_endpoint;
mod vpc_peering_connection;

macro_rules! registry {
    ($($konst:ident = $module:ident),+ $(,)?) => {
        /// Every kind this build knows, in registry order.
        pub static ALL: &[&KindDef] = &[$(&$module::DEF),+];
        registry!(@consts 0u16, $($konst),+);
    };
    (@consts $n:expr, $konst:ident $(, $rest:ident)*) => {
        pub const $konst: Kind = Kind($n);
        registry!(@consts $n + 1u16 $(, $rest)*);
    };
    (@consts $n:expr) => {};
}

registry! {
    INSTANCE = instance,
    VPC = vpc,
    SUBNET = subnet,
    SECURITY_GROUP = security_group,
    VOLUME = volume,
    ELASTIC_IP = elastic_ip,
    INTERNET_GATEWAY = internet_gateway,
    EGRESS_ONLY_INTERNET_GATEWAY = egress_only_internet_gateway,
    NAT_GATEWAY = nat_gateway,
    ROUTE_TABLE = route_table,
    VPC_ENDPOINT = vpc_endpoint,
    VPC_PEERING_CONNECTION = vpc_peering_connection,
    TRANSIT_GATEWAY = transit_gateway,
    TRANSIT_GATEWAY_ATTACHMENT = transit_gateway_attachment,
    TRANSIT_GATEWAY_ROUTE_TABLE = transit_gateway_route_table,
    LOAD_BALANCER = load_balancer,
    LISTENER = listener,
    TARGET_GROUP = target_group,
    DB_INSTANCE = db_instance,
    DB_CLUSTER = db_cluster,
    LAMBDA_FUNCTION = lambda_function,
    EKS_CLUSTER = eks_cluster,
    S3_BUCKET = s3_bucket,
    DYNAMODB_TABLE = dynamodb_table,
    IAM_ROLE = iam_role,
    IAM_USER = iam_user,
    IAM_GROUP = iam_group,
    IAM_POLICY = iam_policy,
    TAGGED_RESOURCE = tagged_resource,
}

// `KindSet` is a 128-bit set.
const _: () = assert!(ALL.len() <= 128);
