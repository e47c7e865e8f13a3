#!/usr/bin/env bash
# The benchmark's anchor for opening the scanner: the build that issues #13
# and #16 were filed against ("today" in their figures: 453 ms from opening
# /nhap-phieu to the form), built from git history with the same tools, so
# that ./bench.sh measures it side by side with the current build on this
# machine. Built once into target/anchor/ (about 7 minutes on 2 cores),
# then kept. Its crates come from crates.io like the current ones.
# Where it cannot be built (a shallow clone without that commit, no
# registry), it says so and the benchmark goes on without that row.
set -euo pipefail
cd "$(dirname "$0")/.."
ANCHOR=005e7320d36462c49783c879a1b43d83a37ada23
out="$PWD/target/anchor"
build="$PWD/target/anchor-build"
if [ "$(cat "$out/commit" 2>/dev/null)" = "$ANCHOR" ] && [ -x "$out/danhgia-server" ] && [ -f "$out/dist/index.html" ]; then
  exit 0
fi
skip() { echo "anchor ${ANCHOR:0:7} not built ($1): the benchmark goes on without it" >&2; exit 0; }
if ! git cat-file -e "$ANCHOR^{commit}" 2>/dev/null; then
  git fetch -q --depth=1 origin "$ANCHOR" 2>/dev/null || skip "the commit is not in this clone's history"
fi
[ -d node_modules/.bin ] || skip "node_modules is missing: run scripts/setup.sh bench"
# Trunk runs offline and takes wasm-opt (binaryen 132) from npm's, first on PATH.
export PATH="$PWD/node_modules/.bin:$PATH"
printf '\033[1m== building the anchor %s (once)\033[0m\n' "${ANCHOR:0:7}"
rm -rf "$out" "$build"
# The build folder (several GB) goes, whether the build succeeds or not.
trap 'rm -rf "$build"' EXIT
mkdir -p "$build/src"
git archive "$ANCHOR" | tar -x -C "$build/src"
(cd "$build/src" && cargo fetch --locked) || skip "its crates cannot be fetched"
(
  cd "$build/src"
  export CARGO_TARGET_DIR="$build/target"
  trunk build --release
  cargo build --locked --profile server -p danhgia-server
)
mkdir -p "$out"
mv "$build/src/dist" "$out/dist"
cp "$build/target/server/danhgia-server" "$out/danhgia-server"
# Written last: a build that stopped half-way is never taken for done.
echo "$ANCHOR" > "$out/commit"
