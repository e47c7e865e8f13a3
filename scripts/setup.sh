#!/usr/bin/env bash
# Installs what building (and, with "test", testing) danhgia needs, and only
# what is missing: every step checks first, so a second run takes seconds.
# Nothing here downloads a prebuilt binary: tools come from crates.io, npm and apt.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
want_bench=false
[ "${1:-}" = "test" ] && want_test=true
# "bench": what tests need, and twiggy for the benchmark's wasm breakdown.
[ "${1:-}" = "bench" ] && want_test=true && want_bench=true

say() { printf '\033[1m== %s\033[0m\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages, each only when its command is missing: a C compiler for
# SQLite, Node.js for the npm tools, and (for tests) Chromium with its driver and the
# sqlite3 shell that end-to-end tests read the server's database with.
missing=()
need() { command -v "$2" >/dev/null || missing+=("$1"); }
need gcc gcc
need nodejs node
need npm npm
if $want_test; then
  need chromium chromium
  need chromium-driver chromedriver
  need sqlite3 sqlite3
  # The server's tests run on PostgreSQL too (a throw-away cluster, scripts/pg-cluster.sh).
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  need postgresql-client psql
fi
if [ "${#missing[@]}" -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# Trunk 0.22 needs a newer rustc than 1.95: stay on 0.21.14.
if [ "$(trunk --version 2>/dev/null)" != "trunk 0.21.14" ]; then
  say "cargo install trunk 0.21.14 (about 12 minutes on 2 cores, once)"
  cargo install trunk --locked --version 0.21.14
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg" ]; then
  say "cargo install wasm-bindgen-cli $wbg (about 5 minutes on 2 cores, once)"
  # Without --locked: one of its locked dependencies is missing from the registry.
  cargo install wasm-bindgen-cli --version "$wbg"
fi

# twiggy, for the benchmark command's view of what each app's wasm is made of.
if $want_bench && [ "$(twiggy --version 2>/dev/null)" != "twiggy-opt 0.8.0" ] && [ "$(twiggy --version 2>/dev/null)" != "twiggy 0.8.0" ]; then
  say "cargo install twiggy 0.8.0 (about 2 minutes, once)"
  cargo install twiggy --locked --version 0.8.0
fi

# wasm-opt from npm's binaryen (Debian's is too old and breaks the bundle),
# and Playwright, which drives Debian's Chromium (no browser download).
if ! npm ls --depth=0 >/dev/null 2>&1; then
  say "npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

# The locked crates, so that Trunk's offline cargo build finds them.
cargo fetch --locked >/dev/null
