"""Side-by-side timing for benches/run.sh: every command run once per round,
the rounds interleaved (so that a noisy neighbour slows all commands alike),
output to /dev/null; per command the median wall time, the median CPU time
(user + system, from wait4) and the peak RSS.

    python3 benches/compare.py ROUNDS NAME=COMMAND ...   (COMMAND split on spaces)

Prints one line per command and the ratios issue 23 asks for:
  --fields id,grade against the equal-work Python script (wall, higher is better),
  its CPU time against the typed parse floor's (lower is better),
  full results against the floor's wall (lower is better);
and, with WRITING_FLOOR_S (seconds the fast writer alone takes to write this
file's results, from examples/writers), full results' CPU time against the
floor's plus that (the equal-work measure proposed for full results).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(argv):
    """One run: (wall seconds, CPU seconds, peak RSS KB, exit status). The
    peak RSS is /usr/bin/time's: the rusage of a child started from Python
    counts the Python process it was cloned from."""
    with open(os.devnull, "wb") as null, tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv], stdout=null, stderr=null)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        lines = rss.read().split()
    # /usr/bin/time reports a child's non-zero exit on its first line.
    peak = int(lines[-1]) if lines and lines[-1].isdigit() else -1
    return wall, usage.ru_utime + usage.ru_stime, peak, os.waitstatus_to_exitcode(status)


def main():
    rounds = int(sys.argv[1])
    commands = [a.split("=", 1) for a in sys.argv[2:]]
    runs = {name: [] for name, _ in commands}
    for r in range(rounds):
        for name, command in commands:
            runs[name].append(run(command.split()))
        print(f"round {r + 1}/{rounds} done", file=sys.stderr)
    med = {}
    print(f"\n{'command':24} {'wall s':>8} {'cpu s':>8} {'peak KB':>9} {'exit':>5}   (medians of {rounds}, interleaved)")
    for name, _ in commands:
        wall = statistics.median(x[0] for x in runs[name])
        cpu = statistics.median(x[1] for x in runs[name])
        rss = max(x[2] for x in runs[name])
        codes = sorted({x[3] for x in runs[name]})
        med[name] = (wall, cpu)
        print(f"{name:24} {wall:8.3f} {cpu:8.3f} {rss:9d} {','.join(map(str, codes)):>5}")
    floor = med.get("parse-floor")
    ids = med.get("icans-id-grade")
    python = med.get("python-id-grade")
    full = med.get("icans-batch")
    print()
    if ids and python:
        print(f"--fields id,grade vs the equal-work Python script (wall): {python[0] / ids[0]:5.1f}x  (target >= 25)")
    if ids and floor:
        print(f"--fields id,grade CPU / typed parse floor CPU:            {ids[1] / floor[1]:5.2f}x  (target <= 1.5)")
    if full and floor:
        print(f"full results wall / typed parse floor wall:               {full[0] / floor[0]:5.2f}x  (target <= 1.5)")
    # The equal-work measure proposed for full results (README, Performance):
    # their CPU time against the parse floor's plus the writing floor's, the
    # fast writer writing the same results alone (examples/writers, given in
    # seconds for this file by WRITING_FLOOR_S).
    writing = os.environ.get("WRITING_FLOOR_S")
    if full and floor and writing:
        both = floor[1] + float(writing)
        print(f"full results CPU / (parse floor CPU + writing floor {float(writing):.3f} s): {full[1] / both:5.2f}x")


if __name__ == "__main__":
    main()
