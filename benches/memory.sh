#!/usr/bin/env bash
# Peak memory of `icans batch` and `icans summary` on large, oversized and
# endless inputs, and with a stalled reader of the output (docs/robustness.md):
#   bash benches/memory.sh [RECORDS]      (default 1000000; needs /usr/bin/time)
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
dir=${BENCH_DIR:-$(mktemp -d)}
cargo build --release --locked --examples --bin icans >/dev/null
bin=$PWD/target/release/icans
"$PWD/target/release/examples/gen_records" "$n" > "$dir/records.ndjson"
peak() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
echo "batch, to /dev/null (KB):        $(peak "$bin" batch "$dir/records.ndjson")"
echo "batch, reader stalled 5 s (KB):  $( { /usr/bin/time -f "%M" "$bin" batch "$dir/records.ndjson" 2>&1 1>&3 | tail -1; } 3> >(sleep 5; cat > /dev/null))"
echo "batch, 500 MB line (KB):         $(head -c 500M /dev/zero | peak "$bin" batch)"
truncate -s 4G "$dir/sparse.bin"
echo "batch, 4 GB sparse file (KB):    $(peak "$bin" batch "$dir/sparse.bin")"
rm -f "$dir/sparse.bin"
echo "batch, 2 GB of spaces (KB):      $(head -c 2G /dev/zero | tr '\0' ' ' | peak "$bin" batch)"
echo "summary (KB):                    $(peak "$bin" summary "$dir/records.ndjson")"
