//! Shared test support: the moto emulator harness and fixtures.

#![allow(dead_code)]

pub mod moto;
pub mod seed;
pub mod proxy;
