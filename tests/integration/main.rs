//! One integration-test binary (each file directly in `tests/` would link
//! the whole dependency tree again). Each area is a module here.

mod collect;
mod diagram;
mod faults;
mod robustness;
mod support;
mod ui;
mod ui_live;
