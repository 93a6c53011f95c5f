#!/usr/bin/env bash
# Reproduces the README's performance figures for `icans batch`:
#   bash benches/run.sh [RECORDS]        (default 1000000; needs hyperfine, jq, python3)
#   RUNS=N (hyperfine runs, default 7), SKIP_JQ=1 (leave out the slow jq run)
# Everything is measured side by side in one run, on the same generated file,
# with output to /dev/null (and, for icans, also through a pipe). Medians.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
dir=${BENCH_DIR:-$(mktemp -d)}
for tool in hyperfine jq python3; do
  command -v "$tool" >/dev/null || { echo "benches/run.sh needs $tool (apt-get install $tool)" >&2; exit 2; }
done
cargo build --release --locked --examples --bin icans
bin=target/release
"$bin/examples/gen_records" "$n" > "$dir/records.ndjson"
size=$(stat -c %s "$dir/records.ndjson")
echo "records: $n, $(( size / 1000000 )) MB at $dir/records.ndjson"

# Exit status 65 is expected: the generator puts a few invalid records in.
hyperfine --warmup 1 --runs "${RUNS:-7}" -N --ignore-failure --export-json "$dir/fast.json" \
  -n parse-floor "$bin/examples/parse_floor $dir/records.ndjson" \
  -n parse-floor-value "$bin/examples/parse_floor $dir/records.ndjson --value" \
  -n icans-batch "$bin/icans batch $dir/records.ndjson" \
  -n icans-batch-1-thread "$bin/icans batch --threads 1 $dir/records.ndjson" \
  -n python-grade-only "python3 benches/grade_only.py $dir/records.ndjson" \
  -n icans-batch-id-grade "$bin/icans batch --fields id,grade $dir/records.ndjson" \
  -n python-id-grade "python3 benches/grade_id.py $dir/records.ndjson"
hyperfine --warmup 1 --runs "${RUNS:-7}" -N --ignore-failure --output=pipe --export-json "$dir/pipe.json" \
  -n icans-batch-through-pipe "$bin/icans batch $dir/records.ndjson"
if [ -z "${SKIP_JQ:-}" ]; then
  hyperfine --runs "${JQ_RUNS:-1}" -N --export-json "$dir/jq.json" \
    -n jq "jq -c -f benches/grade.jq $dir/records.ndjson"
fi

# Equal work means equal output: the two id/grade writers agree on every
# record icans finds valid (Python does not validate) in the first 100,000.
head -n 100000 "$dir/records.ndjson" > "$dir/head.ndjson"
"$bin/icans" batch --fields id,grade "$dir/head.ndjson" > "$dir/icans-id-grade.out" || true
python3 benches/grade_id.py "$dir/head.ndjson" > "$dir/python-id-grade.out"
paste -d '\t' "$dir/python-id-grade.out" "$dir/icans-id-grade.out" \
  | awk -F '\t' '$2 !~ /"error"/ { n++; if ($1 != $2) { bad++; if (bad < 4) print "differs: " $0 } }
      END { printf "id/grade lines compared: %d, differing: %d\n", n, bad + 0; exit bad > 0 }'

echo
echo "result writers (fast NDJSON writer against serde_json):"
"$bin/examples/writers" "$dir/records.ndjson" 200000

echo
echo "peak RSS of icans batch (KB):"
(/usr/bin/time -f "%M" "$bin/icans" batch "$dir/records.ndjson" 2>&1 >/dev/null || true) | tail -1

python3 - "$dir" "$n" "$size" <<'PY'
import json, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
med = {}
for f in ("fast.json", "pipe.json", "jq.json"):
    try:
        for r in json.load(open(f"{d}/{f}"))["results"]:
            med[r["command"]] = r["median"]
    except FileNotFoundError:
        pass
b = med["icans-batch"]
print(f"\n{'command':24} {'median s':>9} {'records/s':>12} {'MB/s':>7} {'vs icans':>9}")
for k, v in med.items():
    print(f"{k:24} {v:9.3f} {n / v:12,.0f} {size / v / 1e6:7.0f} {v / b:9.2f}")
print(f"\nicans batch / parse floor (typed): {b / med['parse-floor']:.2f}x  (target <= 2.5)")
print(f"python (grade only) / icans batch (full results): {med['python-grade-only'] / b:.1f}x  (unequal work)")
print(f"equal work, python id/grade / icans batch --fields id,grade: "
      f"{med['python-id-grade'] / med['icans-batch-id-grade']:.1f}x  (target >= 15)")
if "jq" in med:
    print(f"jq / icans batch:                  {med['jq'] / b:.1f}x  (target >= 20)")
PY
