//! Shared test support: the moto emulator harness and fixtures.

pub mod proxy;
