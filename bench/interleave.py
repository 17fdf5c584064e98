#!/usr/bin/env python3
"""Two shipcheck binaries' wall time on each real app, interleaved.

    bench/interleave.py OLD NEW [--rounds N] [APP_SUBSTRING ...]

Each app (bench/apps.sh's corpus, $CORPUS_DIR or /tmp/shipcheck-apps) is
checked by OLD and NEW in turn, the order alternating each round, after three
warm-up rounds; the medians are compared. A machine whose load drifts during
a run moves both binaries alike, where running one binary's runs and then the
other's (hyperfine's way) charges the drift to whichever ran second: the same
binary twice measured up to 8 % apart per app that way here. Prints each
app's medians and NEW/OLD, and the geometric mean of the ratios.
"""
import math
import os
import statistics
import subprocess
import sys
import time


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    old, new, rest = argv[0], argv[1], argv[2:]
    rounds = 30
    if rest[:1] == ["--rounds"] and len(rest) > 1:
        rounds, rest = int(rest[1]), rest[2:]
    corpus = os.environ.get("CORPUS_DIR", "/tmp/shipcheck-apps")
    if not os.path.isdir(corpus):
        sys.exit(f"{corpus}: no app corpus (bench/apps.sh builds it)")
    apps = sorted(os.path.join(corpus, d) for d in os.listdir(corpus)
                  if os.path.isdir(os.path.join(corpus, d)))
    if rest:
        apps = [a for a in apps if any(k in os.path.basename(a) for k in rest)]
    ratios = []
    with open(os.devnull, "w") as null:
        for app in apps:
            times = {old: [], new: []}
            for r in range(rounds + 3):
                for binary in (old, new) if r % 2 == 0 else (new, old):
                    start = time.perf_counter()
                    run = subprocess.run(
                        [binary, "check", app, "--format", "json", "--branch", "feature/x"],
                        stdout=null, stderr=subprocess.PIPE)
                    took = (time.perf_counter() - start) * 1e3
                    if run.returncode not in (0, 1):
                        sys.exit(f"{binary} on {app}: exit {run.returncode}: "
                                 f"{run.stderr.decode(errors='replace')[:300]}")
                    if r >= 3:
                        times[binary].append(took)
            a, b = statistics.median(times[old]), statistics.median(times[new])
            ratios.append(b / a)
            print(f"{os.path.basename(app)[:42]:<42} old {a:6.1f} ms  new {b:6.1f} ms  new/old {b / a:.3f}",
                  flush=True)
    if ratios:
        print(f"geometric mean new/old {math.exp(sum(map(math.log, ratios)) / len(ratios)):.3f}"
              f" ({len(ratios)} apps, {rounds} rounds)")


if __name__ == "__main__":
    main(sys.argv[1:])
