//! Shared test support: the moto emulator harness and fixtures.

#![allow(dead_code)]

pub mod moto;
pub mod proxy;
pub mod seed;

/// The runtime a UI test hands the app: two workers, like a small laptop.
pub fn runtime() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("tokio runtime: {e}"),
    }
}
