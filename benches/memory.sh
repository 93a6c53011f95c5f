#!/usr/bin/env bash
# Peak memory of every command (batch, summary, audit, grade, assess, map) on large, oversized and
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
# Every record invalid, the error objects also to a FIFO read 5 s late
# (batch --invalid): the copy is held back like the output, never piled up.
sed 's/"day":/"ice_total":12,"day":/' "$dir/records.ndjson" > "$dir/invalid.ndjson"
rm -f "$dir/invalid.fifo"; mkfifo "$dir/invalid.fifo"
(sleep 5; cat "$dir/invalid.fifo" > /dev/null) &
echo "batch --invalid FIFO, stalled (KB): $(peak "$bin" batch "$dir/invalid.ndjson" -o "$dir/out.ndjson" --invalid "$dir/invalid.fifo")"
wait
rm -f "$dir/invalid.fifo" "$dir/invalid.ndjson" "$dir/out.ndjson"
echo "batch, 500 MB line (KB):         $(head -c 500M /dev/zero | peak "$bin" batch)"
truncate -s 4G "$dir/sparse.bin"
echo "batch, 4 GB sparse file (KB):    $(peak "$bin" batch "$dir/sparse.bin")"
rm -f "$dir/sparse.bin"
echo "batch, 2 GB of spaces (KB):      $(head -c 2G /dev/zero | tr '\0' ' ' | peak "$bin" batch)"
for f in text json csv; do
  echo "summary, $f (KB):               $(peak "$bin" summary --format "$f" "$dir/records.ndjson")"
done
# Every record its own patient (1M courses), and every record invalid.
sed -E 's/^\{"id":([0-9]+),"patient_id":"P-[0-9]+"/{"id":\1,"patient_id":"R\1"/' \
  "$dir/records.ndjson" > "$dir/distinct.ndjson"
echo "summary, 1M patients, JSON (KB): $(peak "$bin" summary --format json "$dir/distinct.ndjson")"
sed 's/"seizure":"none"/"seizure":"never"/' "$dir/records.ndjson" > "$dir/invalid.ndjson"
echo "summary, most invalid, text (KB): $(peak "$bin" summary "$dir/invalid.ndjson")"
# audit: every record given a recorded grade (n mod 5), so most are
# discordant and listed; then one where the recorded grade is the regrade.
awk '{ printf "{\"recorded_grade\":%d,\"recorded_scale\":\"CTCAE v5\",%s\n", NR % 5, substr($0, 2) }' \
  "$dir/records.ndjson" > "$dir/recorded.ndjson"
for f in text json csv; do
  echo "audit, most discordant, $f (KB): $(peak "$bin" audit --format "$f" "$dir/recorded.ndjson")"
done
# Every record its own patient and its own recorded scale.
awk '{ printf "{\"recorded_grade\":%d,\"recorded_scale\":\"scale %d\",%s\n", NR % 5, NR, substr($0, 2) }' \
  "$dir/distinct.ndjson" > "$dir/distinct-recorded.ndjson"
echo "audit, 1M patients and scales, JSON (KB): $(peak "$bin" audit --format json "$dir/distinct-recorded.ndjson")"
"$bin" batch --fields grade "$dir/records.ndjson" 2>/dev/null \
  | paste -d '' - "$dir/records.ndjson" \
  | sed -E 's/^\{"grade":([0-9])\}\{/{"recorded_grade":\1,/; s/^\{"error":[^}]*\}\{/{/' > "$dir/agreeing.ndjson"
echo "audit, all agreeing, text (KB):    $(peak "$bin" audit "$dir/agreeing.ndjson")"
# Every command on endless and oversized input (a command that would read
# forever is stopped after 5 s; its peak so far is what counts), and batch
# at every thread count (glibc arenas capped in src/cli/platform.rs).
endless() { /usr/bin/time -f "%M" timeout 5 "$@" 2>&1 >/dev/null </dev/zero | tail -1; }
echo "grade < /dev/zero (KB):          $(endless "$bin" grade)"
echo "assess < /dev/zero (KB):         $(endless "$bin" assess)"
echo "batch < /dev/zero (KB):          $(endless "$bin" batch)"
echo "summary < /dev/zero (KB):        $(endless "$bin" summary)"
echo "audit < /dev/zero (KB):          $(endless "$bin" audit)"
echo "map init /dev/zero (KB):         $(endless "$bin" map init /dev/zero)"
echo "map check /dev/zero (KB):        $(endless "$bin" map check examples/site-export.map.toml /dev/zero)"
{ echo "loc,comments"; printf '1,'; head -c 100M /dev/zero | tr '\0' 'x'; echo; } > "$dir/cell.csv"
echo "map init, 100 MB cell (KB):      $(peak "$bin" map init "$dir/cell.csv")"
echo "map check, 100 MB cell (KB):     $(peak "$bin" map check examples/site-export.map.toml "$dir/cell.csv" --allow-unknown-fields)"
echo "grade, 100 MB file (KB):         $(peak "$bin" grade "$dir/cell.csv")"
echo "batch --map /dev/zero (KB):      $(peak "$bin" batch --map /dev/zero "$dir/cell.csv")"
echo "grade --protocol /dev/zero (KB): $(peak "$bin" grade --protocol /dev/zero --seizure none)"
python3 - "$dir/wide.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write(",".join(f"c{i}" for i in range(100000)) + "\n")
    for r in range(20):
        f.write(",".join(str((i * r) % 7) for i in range(100000)) + "\n")
PY
echo "map init, 100k columns (KB, s):  $(/usr/bin/time -f "%M, %e" "$bin" map init "$dir/wide.csv" 2>&1 >/dev/null | tail -1)"
for t in 1 2 4 16 64; do
  echo "batch --threads $t (KB):         $(peak "$bin" batch --threads "$t" "$dir/records.ndjson")"
done
# --by on 1M records in 10,000 groups (contract v3 §9).
awk '{ sub(/,"product":"[^"]*","site":"[^"]*"/, ""); sub(/,"recorded_crs_grade":[0-9]+,"recorded_crs_scale":"[^"]*"/, "");
       sub(/,"recorded_grade":[0-9]+,"recorded_scale":"[^"]*"/, "");
       printf "{\"product\":\"G%d\",\"recorded_grade\":%d,\"recorded_crs_grade\":%d,%s\n", NR % 10000, NR % 5, NR % 4, substr($0, 2) }' \
  "$dir/records.ndjson" > "$dir/groups.ndjson"
echo "summary --by product, 10,000 groups (KB): $(peak "$bin" summary --by product --format json "$dir/groups.ndjson")"
echo "audit --by product, 10,000 groups (KB):   $(peak "$bin" audit --by product --format json "$dir/groups.ndjson")"
# Every record its own group: 1M groups (contract v4 §10; issue 33: they
# were held whole, 317 MB for 300,000), spilled as patients are.
awk '{ sub(/,"product":"[^"]*"/, ""); printf "{\"product\":\"G%d\",%s\n", NR, substr($0, 2) }' \
  "$dir/distinct-recorded.ndjson" > "$dir/every-group.ndjson"
for c in summary audit; do
  echo "$c --by product, 1M groups, text (KB, s): $(/usr/bin/time -f "%M, %e" "$bin" $c --by product "$dir/every-group.ndjson" 2>&1 >/dev/null | tail -1)"
done
# map init --dictionary: a 73 MB dictionary (2,000 variables of 600 choices
# the export does not have) and one variable of 60,000 choices (contract v4
# §10: time linear, memory bounded; 182 MB and 8.4 s before issue 34).
python3 - "$dir/dict.csv" "$dir/dict60k.csv" <<'PY'
import sys
head = 'Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"Choices, Calculations, OR Slider Labels"\n'
with open(sys.argv[1], "w") as f:
    f.write(head + 'sz,f,,radio,Seizure,"0, None | 1, Clinical seizure that resolves rapidly"\n')
    for v in range(2000):
        ch = " | ".join(f"{i}, A fairly long choice label number {i} of variable {v}" for i in range(600))
        f.write(f'v{v},f,,dropdown,Variable {v},"{ch}"\n')
with open(sys.argv[2], "w") as f:
    f.write(head + 'sz,f,,radio,Seizure,"' + " | ".join(f"{i}, Choice {i}" for i in range(60000)) + '"\n')
PY
printf 'sz\n1\n' > "$dir/sz.csv"
echo "map init --dictionary, 73 MB (KB, s):      $(/usr/bin/time -f "%M, %e" "$bin" map init "$dir/sz.csv" --dictionary "$dir/dict.csv" 2>&1 >/dev/null | tail -1)"
echo "map init --dictionary, 60,000 choices (KB, s): $(/usr/bin/time -f "%M, %e" "$bin" map init "$dir/sz.csv" --dictionary "$dir/dict60k.csv" 2>&1 >/dev/null | tail -1)"
# [long]: a flowsheet export of 1M records, one row each (issue 34: at most
# 900,000 key hashes kept to find a key met again).
awk 'BEGIN { print "PAT_ID,RECORDED_TIME,FLO_MEAS_NAME,MEAS_VALUE"; for (i = 0; i < 1000000; i++) printf "P%d,2026-03-01T08:00,SEIZURE,None\n", i }' > "$dir/flowsheet.csv"
echo "batch --map [long], 1M records (KB, s):  $(/usr/bin/time -f "%M, %e" "$bin" batch "$dir/flowsheet.csv" --map examples/registry/flowsheet.map.toml 2>&1 >/dev/null | tail -1)"
