#!/usr/bin/env bash
# The worked example of docs/architecture.md "How to add an instrument",
# run for real: a copy of this checkout, the patch applied (a made-up
# instrument, FIFTH, 0-10, read on the ICE bands: its row, its catalogue
# field, its oracle cases), the generated docs and snapshots regenerated,
# then fmt, clippy and the tests; it fails unless the patch touches exactly
# those three files and a FIFTH record grades as the docs say.
# Usage: bash docs/worked-example/fifth-instrument.sh   (a few minutes;
# .ci/run runs it)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/icans"
# This checkout's files as they are (edits not yet committed included).
(cd "$repo" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$work/icans"
cd "$work/icans"
git init -q && git add -A && git -c user.name=x -c user.email=x@x commit -qm base
# This checkout's build directory: the dependencies are built once (the
# copy is another package path, so its own artifacts sit beside these).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
git apply docs/worked-example/fifth-instrument.patch
touched="$(git diff --name-only -- src tests/data | sort | tr '\n' ' ')"
want="src/grading/catalogue.rs src/grading/criteria/instruments.rs tests/data/astct-2019.json "
[ "$touched" = "$want" ] || { echo "the patch touches: $touched"; exit 1; }
echo "== regenerate what the change shows"
UPDATE_DOCS=1 cargo test -q --locked --test docs
UPDATE_README=1 cargo test -q --locked --test readme
INSTA_UPDATE=always cargo test -q --locked --test snapshots >/dev/null 2>&1 || true
INSTA_UPDATE=no cargo test -q --locked --test snapshots
echo "== fmt, clippy, tests"
cargo fmt --check
cargo clippy -q --all-targets --locked -- -D warnings
cargo test -q --locked
echo "== a FIFTH record"
out="$(printf '%s\n' '{"fifth": 6, "previous_ice_total": 8, "consciousness": "alert", "seizure": "none", "motor": "none", "edema": "none"}' \
  | cargo run -q --locked -- batch --fields instrument,grade,fifth,encephalopathy_grade,warnings)"
echo "$out"
case "$out" in
  *'"instrument":"fifth","grade":2,"fifth":6,"encephalopathy_grade":2,"warnings":["ICE declining: 8 -> 6 (FIFTH)"'*) ;;
  *) echo "unexpected result"; exit 1 ;;
esac
echo "worked example: three files, every check passes"
