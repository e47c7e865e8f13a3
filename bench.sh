#!/usr/bin/env bash
# The benchmark command (not a test): builds the release PWA and server once,
# measures, prints the table and writes BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
export PATH="$PWD/node_modules/.bin:$PATH"
pidfile=tests/e2e/.server.pid
trap '[ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; rm -f "$pidfile"' EXIT
trunk build --release
cargo build --locked --profile server -p danhgia-server
node bench/run.mjs
