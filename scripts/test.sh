#!/usr/bin/env bash
# Runs every check the project has: formatting, lints, unit and integration tests.
# Installs what the tests need first (the Rust toolchain components; browser tests
# will add Debian's chromium and chromium-driver here).
set -euo pipefail
cd "$(dirname "$0")/.."

rustup component add rustfmt clippy >/dev/null 2>&1 || true

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
