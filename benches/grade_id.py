"""Equal-work baseline for `icans batch --fields id,grade` (README,
Performance): reads each NDJSON record, computes its ASTCT 2019 ICANS grade
(the rules of benches/grade_only.py) and writes the same line icans writes,
`{"id":..,"grade":..}`; a record it cannot grade gets `{"id":..,"error":..}`.
Run: python3 benches/grade_id.py big.ndjson > /dev/null
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grade_only import grade  # noqa: E402


def main():
    out = sys.stdout
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    with open(sys.argv[1], "rb") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                out.write(dumps({"id": r.get("id"), "grade": grade(r)}))
            except Exception as e:  # the generator's few invalid records
                out.write(dumps({"id": None, "error": str(e)}))
            out.write("\n")


if __name__ == "__main__":
    main()
