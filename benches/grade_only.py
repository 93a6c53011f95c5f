"""Baseline for the README's performance figures: computes only the ASTCT 2019
ICANS grade of each NDJSON record (no validation, no management, no result
object), one number per line. Run: python3 benches/grade_only.py big.ndjson > /dev/null
"""
import json
import sys

ICE = [3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 0]
CONSCIOUSNESS = {"alert": 0, "awakens_spontaneously": 1, "awakens_to_voice": 2,
                 "awakens_to_tactile": 3, "unarousable": 4}
SEIZURE = {"none": 0, "rapidly_resolving": 3, "prolonged_or_repetitive": 4}
MOTOR = {"none": 0, "tremor_or_myoclonus": 0, "deep_focal_weakness": 4}
EDEMA = {"none": 0, "focal": 3, "diffuse": 4}
# CAPD items: never 0 ... always 4, the first four reversed (never 4 ... always 0).
FREQUENCY = ["never", "rarely", "sometimes", "often", "always"]
CAPD_REVERSED = {"eye_contact", "purposeful_actions", "aware_of_surroundings", "communicates_needs"}


# ICE bands as registries record them; "unable" grades like no ICE.
BANDS = {"10": 0, "7-9": 1, "3-6": 2, "0-2": 3}


def capd_total(items):
    return sum(4 - FREQUENCY.index(v) if k in CAPD_REVERSED else FREQUENCY.index(v)
               for k, v in items.items())


def grade(r):
    if r.get("died_of_icans"):
        return 5
    other = set(r.get("other_cause") or ())
    g = 0
    ice = r.get("ice")
    total = sum(ice.values()) if ice else r.get("ice_total")
    if total is None:
        total = r.get("cartox10")  # CARTOX-10 read on the ICE bands
    band = BANDS.get(r.get("ice_band"))
    capd = r.get("capd")
    if capd is None and r.get("capd_items"):
        capd = capd_total(r["capd_items"])
    cons = r.get("consciousness")
    if "encephalopathy" not in other:
        if total is not None:
            g = ICE[total]
        elif capd is not None:
            g = 0 if capd == 0 else (1 if capd <= 8 else 3)
        elif band is not None:
            g = band
        elif cons == "unarousable" and "consciousness" not in other:
            g = 4
    for name, table in (("consciousness", CONSCIOUSNESS), ("seizure", SEIZURE),
                        ("motor", MOTOR), ("edema", EDEMA)):
        v = r.get(name)
        if v is not None and name not in other:
            g = max(g, table[v])
    return g


def main():
    out = sys.stdout
    with open(sys.argv[1], "rb") as f:
        for line in f:
            if line.strip():
                out.write("%d\n" % grade(json.loads(line)))


if __name__ == "__main__":
    main()
