"""The generator's NDJSON records as a CSV export with the contract's column
names (ice_<item>, capd_<item>, other_cause `;`-joined, booleans as
true/false), for timing CSV input on the same records:

    python3 benches/to_csv.py records.ndjson > records.csv

A line that is not a JSON object, or holds a nested value where the
contract has none, is left out (CSV cannot say it). The generator's few
misspelt keys become columns of their own: read the file with
--allow-unknown-fields."""

import csv
import json
import sys


def flat(record):
    out = {}
    for key, value in record.items():
        if key in ("ice", "capd_items") and isinstance(value, dict):
            prefix = "ice_" if key == "ice" else "capd_"
            for item, answer in value.items():
                out[prefix + item] = answer
        elif isinstance(value, list):
            out[key] = ";".join(map(str, value))
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif value is None:
            out[key] = ""
        elif isinstance(value, dict):
            return None
        else:
            out[key] = value
    return out


def main():
    rows, columns, seen = [], [], set()
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            row = flat(record) if isinstance(record, dict) else None
            if row is None:
                continue
            for column in row:
                if column not in seen:
                    seen.add(column)
                    columns.append(column)
            rows.append(row)
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


if __name__ == "__main__":
    main()
