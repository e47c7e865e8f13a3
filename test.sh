#!/usr/bin/env bash
# Installs what the tests need (only what is missing) and runs them all:
# formatting, lints, native unit/property/HTTP tests, then the end-to-end
# suite in headless Chromium against the real server and the release PWA.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
export PATH="$PWD/node_modules/.bin:$PATH"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# Servers started by the tests are stopped by PID even if the runner dies,
# and the throw-away PostgreSQL cluster with them.
pg_dir=$(mktemp -u /tmp/danhgia-pg-XXXXXX)
stop_servers() {
  for f in tests/e2e/.*.pid; do [ -f "$f" ] && { kill "$(cat "$f")" 2>/dev/null || true; }; rm -f "$f"; done
  scripts/pg-cluster.sh stop "$pg_dir"
}
trap stop_servers EXIT
# One build from a clean clone: incremental caches would only take disk (CI's
# is small); `--workspace` everywhere keeps one feature set, so no step
# rebuilds the dependencies of another.
export CARGO_INCREMENTAL=0

step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings
step "cargo test"
cargo test --locked --workspace
step "server API tests on PostgreSQL"
DANHGIA_TEST_DATABASE_URL=$(scripts/pg-cluster.sh start "$pg_dir" --fast)
export DANHGIA_TEST_DATABASE_URL
cargo test --locked --workspace --test api
step "trunk build --release"
trunk build --release
step "server build"
cargo build --locked --workspace --bin danhgia-server
step "end-to-end (Playwright, Chromium)"
npx playwright test --config tests/e2e/playwright.config.mjs
