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

mod elastic_ip;
mod instance;
mod security_group;
mod subnet;
mod volume;
mod vpc;

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
}

// `KindSet` is a 128-bit set.
const _: () = assert!(ALL.len() <= 128);
