//! Shared test support: the moto emulator harness and fixtures.

#![allow(dead_code)]

pub mod moto;
pub mod proxy;
pub mod seed;
