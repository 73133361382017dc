//! One integration-test binary (each file directly in `tests/` would link
//! the whole dependency tree again). Each area is a module here.

mod cli_engine;
mod collect;
mod collect_cli;
mod compute;
mod config_source;
mod cost;
mod diagram;
mod engine;
mod faults;
mod iam;
mod identity_center;
mod rds;
mod robustness;
mod security;
mod storage;
mod streaming;
mod support;
mod tagging;
mod ui;
mod ui_access;
mod ui_compliance;
mod ui_config;
mod ui_large;
mod ui_live;
mod ui_sign_in;
mod wiring_diff;
mod wiring_ec2;
mod wiring_elb;
