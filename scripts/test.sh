#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need
# (system packages, the moto emulator in a project-local virtualenv), checks
# formatting and lints, builds once, runs every test of every crate, then
# the real-window smoke test under Xvfb and the IAM template lint. `.ci/run`
# calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Each step says how far into the run it starts, so a slow CI run shows
# which step grew (the build, when a new SDK crate lands).
step() { printf '\n==> %s (%d s in)\n' "$*" "$SECONDS" >&2; }

step "system packages"
scripts/setup-system.sh

step "moto emulator (project venv .venv)"
scripts/setup-moto.sh
export ORGSCOPE_VENV="$root/.venv"

# The gate the README promises: formatting first (instant), then clippy
# with warnings as errors over every crate and target. Clippy checks in its
# own (metadata-only) profile, which costs a few minutes on top of the build.
step "format"
cargo fmt --all --check

step "lints"
cargo clippy --locked --workspace --all-targets -- -D warnings

# One debug build serves the unit tests, the integration tests, the smoke
# test's binary, and proves the benches and examples still compile.
step "build"
cargo build --locked --workspace --all-targets

step "tests"
cargo test --locked --workspace --no-fail-fast -- --test-threads="${ORGSCOPE_TEST_THREADS:-4}"

step "real window under Xvfb"
scripts/xvfb-smoke.sh target/debug/orgscope

step "IAM templates"
scripts/lint-iam.sh

step "Debian package: build, install, validate"
deb=$(scripts/package-deb.sh target/debug/orgscope target/debian)
scripts/check-deb.sh "$deb"

step "all passed"
