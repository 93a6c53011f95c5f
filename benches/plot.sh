#!/usr/bin/env bash
# The cost of `icans plot` against `icans summary` on the same records
# (contract v4 §11: plot incidence at most 1.5 times summary), and the
# peak memory of both plots (README, "Performance"):
#   bash benches/plot.sh [RECORDS]   (default 800000: 100,000 patients of 8
#                                     assessments; needs python3, /usr/bin/time,
#                                     and valgrind for the instruction counts)
#   ROUNDS=N (interleaved rounds, default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-800000}
dir=${BENCH_DIR:-$(mktemp -d)}
cargo build --release --locked --examples --bin icans >/dev/null
bin=$PWD/target/release/icans
"$PWD/target/release/examples/gen_records" "$n" > "$dir/records.ndjson"
echo "records: $n ($(( n / 8 )) patients) at $dir/records.ndjson"

# CPU and wall time, the rounds interleaved; output to /dev/null. Exit
# status 65 is expected: the generator puts a few invalid records in.
python3 benches/compare.py "${ROUNDS:-5}" \
  "summary=$bin summary $dir/records.ndjson" \
  "plot-incidence=$bin plot incidence $dir/records.ndjson" \
  "summary-by-product=$bin summary --by product $dir/records.ndjson" \
  "plot-incidence-by-product=$bin plot incidence --by product $dir/records.ndjson" \
  "plot-course=$bin plot course $dir/records.ndjson --patient P-000042" | tee "$dir/compare.out"
# CPU time of plot incidence against summary's on the same records (target
# at most 1.5).
awk '$1 == "summary" { s = $3 } $1 == "plot-incidence" { p = $3 }
     $1 == "summary-by-product" { sb = $3 } $1 == "plot-incidence-by-product" { pb = $3 }
     END { printf "CPU, plot incidence / summary: %.2fx; with --by product: %.2fx (target <= 1.5)\n", p / s, pb / sb }' \
  "$dir/compare.out"

# Instructions (repeatable on a noisy machine): the first 80,000 records
# (10,000 patients), each command once under callgrind.
if command -v valgrind >/dev/null; then
  head -n 80000 "$dir/records.ndjson" > "$dir/head.ndjson"
  count() {
    { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null || true; } \
      | awk '/Collected :/ { print $4 }'
  }
  s=$(count "$bin" summary "$dir/head.ndjson")
  p=$(count "$bin" plot incidence "$dir/head.ndjson")
  sb=$(count "$bin" summary --by product "$dir/head.ndjson")
  pb=$(count "$bin" plot incidence --by product "$dir/head.ndjson")
  echo "instructions, 80,000 records: summary $s, plot incidence $p ($(awk -v a="$p" -v b="$s" 'BEGIN { printf "%.2f", a / b }') x)"
  echo "instructions, --by product:   summary $sb, plot incidence $pb ($(awk -v a="$pb" -v b="$sb" 'BEGIN { printf "%.2f", a / b }') x)"
else
  echo "SKIPPED: instruction counts (no valgrind)"
fi

peak() { { /usr/bin/time -f "%M, %e" "$@" 2>&1 >/dev/null || true; } | tail -1; }
echo "peak RSS (KB, s): plot incidence $(peak "$bin" plot incidence "$dir/records.ndjson"), plot course $(peak "$bin" plot course "$dir/records.ndjson" --patient P-000042)"
# Every patient in a group of its own: 100,000 lines on one picture, the
# groups' curves on disk past the budget, the SVG written as it is read.
awk '{ sub(/,"product":"[^"]*"/, ""); printf "{\"product\":\"G%d\",%s\n", int((NR - 1) / 8), substr($0, 2) }' \
  "$dir/records.ndjson" > "$dir/every-group.ndjson"
echo "peak RSS (KB, s): plot incidence --by product, a group per patient: $(peak "$bin" plot incidence --by product "$dir/every-group.ndjson")"
