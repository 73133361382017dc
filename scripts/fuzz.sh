#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a while (default 120 s each,
# or the first argument), one after the other, single-threaded, and prints
# libFuzzer's closing stats; further arguments name the targets to run
# instead of all of them (`scripts/fuzz.sh 600 query_parse`). Not part of
# CI: it builds orgscope-core and its dependencies with coverage
# instrumentation (a few minutes; the fuzz crate does not pull in egui or
# the AWS SDK). See fuzz/README.md.
#
# cargo-fuzz needs nightly compiler flags; on a stable toolchain
# RUSTC_BOOTSTRAP=1 unlocks them. No sanitizer (-s none): the code under
# test is safe Rust, what we look for is panics, hangs and memory blow-ups
# (libFuzzer's -rss_limit_mb and -timeout catch the latter two). A stack
# overflow shows as a SIGSEGV exit with no saved input: libFuzzer's handler
# cannot run on the exhausted stack (AddressSanitizer's can).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-120}
shift || true

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi

export RUSTC_BOOTSTRAP=1
# Instrumented artifacts share nothing with the normal build: keep them
# apart so the two never wait on each other's lock.
export CARGO_BUILD_BUILD_DIR="$PWD/target/build"

if [ "$#" -gt 0 ]; then targets="$*"; else targets=$(cargo fuzz list); fi
cargo fuzz build -s none
mkdir -p target
for t in $targets; do
  mkdir -p "corpus/$t"
  log="target/fuzz-$t.log"
  echo "==> $t (${secs}s, full log in fuzz/$log)" >&2
  status=0
  cargo fuzz run -s none "$t" "corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E '^(stat::|==|INFO: (Done|Seed)|#[0-9]+.*DONE)|panicked|ERROR|SUMMARY|signal' "$log" || true
  # The exit status, not only artifacts/: without a sanitizer a stack
  # overflow kills the process before libFuzzer can save the input.
  if [ "$status" -ne 0 ] || [ -n "$(ls -A "artifacts/$t" 2>/dev/null)" ]; then
    echo "fuzz: $t failed (exit $status); inputs, if saved, in fuzz/artifacts/$t" >&2
    echo "fuzz: a SIGSEGV with none saved is most likely a stack overflow; rerun with -s address (see fuzz/README.md)" >&2
    exit 1
  fi
done
