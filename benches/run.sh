#!/usr/bin/env bash
# Reproduces the README's performance figures for `icans batch`:
#   bash benches/run.sh [RECORDS]        (default 1000000; needs python3 and /usr/bin/time; jq unless SKIP_JQ=1)
#   ROUNDS=N (interleaved rounds, default 5)
# Every command runs once per round, the rounds interleaved (benches/compare.py),
# on the same generated file (the generator fills every field), output to
# /dev/null; medians of wall and CPU time, and the ratios issue 23 asks for.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
dir=${BENCH_DIR:-$(mktemp -d)}
for tool in python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benches/run.sh needs $tool" >&2; exit 2; }
done
cargo build --release --locked --examples --bin icans
bin=target/release
"$bin/examples/gen_records" "$n" > "$dir/records.ndjson"
size=$(stat -c %s "$dir/records.ndjson")
echo "records: $n, $(( size / 1000000 )) MB at $dir/records.ndjson"
# The same records as a CSV export (benches/to_csv.py), for CSV input.
python3 benches/to_csv.py "$dir/records.ndjson" > "$dir/records.csv"

# The writing floor: the fast writer alone writing the results of the first
# 200,000 records (examples/writers), scaled to this file's records.
"$bin/examples/writers" "$dir/records.ndjson" 200000 > "$dir/writers.out"
per_million=$(awk '/^per million records read:/ { print $7 }' "$dir/writers.out")
export WRITING_FLOOR_S=$(awk -v p="$per_million" -v n="$n" 'BEGIN { printf "%.3f", p * n / 1000000 }')

# Exit status 65 is expected from icans: the generator puts a few invalid
# records in (about 1%).
python3 benches/compare.py "${ROUNDS:-5}" \
  "parse-floor=$bin/examples/parse_floor $dir/records.ndjson" \
  "icans-id-grade=$bin/icans batch --fields id,grade $dir/records.ndjson" \
  "icans-batch=$bin/icans batch $dir/records.ndjson" \
  "icans-batch-1-thread=$bin/icans batch --threads 1 $dir/records.ndjson" \
  "icans-csv-id-grade=$bin/icans batch --allow-unknown-fields --fields id,grade $dir/records.csv" \
  "icans-csv-batch=$bin/icans batch --allow-unknown-fields $dir/records.csv" \
  "python-id-grade=python3 benches/grade_id.py $dir/records.ndjson" \
  "python-grade-only=python3 benches/grade_only.py $dir/records.ndjson"
if [ -z "${SKIP_JQ:-}" ] && command -v jq >/dev/null; then
  # One run: jq takes minutes on a million records.
  echo "jq, one run: $( { /usr/bin/time -f %e jq -c -f benches/grade.jq "$dir/records.ndjson" > /dev/null; } 2>&1 | tail -1) s wall"
fi

# Equal work means equal output: the two id/grade writers agree on every
# record icans finds valid (Python does not validate) in the first 100,000.
head -n 100000 "$dir/records.ndjson" > "$dir/head.ndjson"
"$bin/icans" batch --fields id,grade "$dir/head.ndjson" > "$dir/icans-id-grade.out" 2>/dev/null || true
python3 benches/grade_id.py "$dir/head.ndjson" > "$dir/python-id-grade.out"
paste -d '\t' "$dir/python-id-grade.out" "$dir/icans-id-grade.out" \
  | awk -F '\t' '$2 !~ /"error"/ { n++; if ($1 != $2) { bad++; if (bad < 4) print "differs: " $0 } }
      END { printf "id/grade lines compared: %d, differing: %d\n", n, bad + 0; exit bad > 0 }'

echo
echo "result writers (fast NDJSON writer against serde_json):"
cat "$dir/writers.out"

echo
echo "peak RSS of icans batch (KB):"
(/usr/bin/time -f "%M" "$bin/icans" batch "$dir/records.ndjson" 2>&1 >/dev/null || true) | tail -1
