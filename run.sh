#!/usr/bin/env bash
# Builds the PWA (release) and the server, then serves both on one port:
# http://127.0.0.1:8080 by default, SQLite in ./data. Extra arguments go to
# the server (see `target/server/danhgia-server --help`), e.g. ./run.sh --port 9000
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
trunk build --release
cargo build --locked --profile server -p danhgia-server
# --demo seeds the demo district into a new database (and prints citizen links).
exec target/server/danhgia-server --demo "$@"
