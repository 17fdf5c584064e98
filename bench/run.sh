#!/usr/bin/env bash
# shipcheck benchmark: a synthetic ~250 MB / 20,000-file monorepo, shipcheck
# against a ripgrep baseline, peak RSS, and a pre-push-sized run on the demo
# fixture. See bench/README.md.
#
#   bench/run.sh [gen_corpus.py options, e.g. --files 20000 --scale 1.0 --seed 1]
#
# Environment: BENCH_DIR (default /tmp/shipcheck-bench) holds the corpus and
# the results; BENCH_STRICT=1 makes a FAILed target exit 1.
# Exit: 0 done (targets are reported, not enforced unless BENCH_STRICT=1),
#       1 a target failed under BENCH_STRICT=1, 2 setup or tool error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/shipcheck-bench}"
CORPUS="$BENCH_DIR/corpus"
FIXTURE="$ROOT/fixtures/elearning-platform"
BIN="$ROOT/target/release/shipcheck"
TARGET_RATIO=2.0
TARGET_RSS_MB=200

die() { echo "bench: $*" >&2; exit 2; }

# --- tools ---------------------------------------------------------------
missing=()
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
    echo "bench: missing tools; install them with:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 2
fi
command -v python3 >/dev/null 2>&1 || die "python3 is required (apt-get install -y python3)"
command -v cargo >/dev/null 2>&1 || die "cargo is required to build shipcheck"

# --- build (a no-op when up to date) ----------------------------------------
echo "== building shipcheck (release)"
(cd "$ROOT" && cargo build --release --quiet) || die "cargo build --release failed"
[[ -x "$BIN" ]] || die "$BIN not found after the build"

# --- corpus --------------------------------------------------------------
mkdir -p "$BENCH_DIR"
gen_args="$*"
if [[ -d "$CORPUS" && -f "$BENCH_DIR/corpus.args" && "$(cat "$BENCH_DIR/corpus.args")" != "$gen_args" ]]; then
    echo "== corpus was generated with [$(cat "$BENCH_DIR/corpus.args")], now asked for [$gen_args]: regenerating"
    rm -rf -- "$CORPUS"
fi
if [[ ! -d "$CORPUS" ]]; then
    echo "== generating corpus into $CORPUS ${gen_args:+($gen_args)}"
    rm -rf -- "$CORPUS.tmp"
    python3 "$ROOT/bench/gen_corpus.py" "$CORPUS.tmp" "$@" > "$BENCH_DIR/corpus.stats.json"
    mv -- "$CORPUS.tmp" "$CORPUS"
    printf '%s' "$gen_args" > "$BENCH_DIR/corpus.args"
fi
corpus_files=$(find "$CORPUS" -type f | wc -l)
corpus_bytes=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
printf 'files %s\nbytes %s\n' "$corpus_files" "$corpus_bytes" > "$BENCH_DIR/corpus.txt"
echo "== corpus: $corpus_files files, $corpus_bytes bytes"

q_bin=$(printf '%q' "$BIN")
q_corpus=$(printf '%q' "$CORPUS")
q_fixture=$(printf '%q' "$FIXTURE")
SHIPCHECK_CMD="$q_bin check $q_corpus --format json --branch feature/x > /dev/null"
RG_CMD="rg --count -e 'console\\.(log|debug|info|trace)' -e 'debugger' -e 'TODO' -e 'FIXME' $q_corpus > /dev/null"
FIXTURE_CMD="$q_bin check $q_fixture --format json --branch feature/x > /dev/null"

# --- sanity run + peak RSS -----------------------------------------------------
# hyperfine runs with -i (shipcheck exits 1 when it finds something), so a
# crash would be timed as a fast run: check the exit code here first.
echo "== peak RSS: /usr/bin/time -v shipcheck check CORPUS"
rc=0
/usr/bin/time -v "$BIN" check "$CORPUS" --format json --branch feature/x \
    > "$BENCH_DIR/shipcheck.json" 2> "$BENCH_DIR/time-v.txt" || rc=$?
if ((rc != 0 && rc != 1)); then
    tail -n 30 "$BENCH_DIR/time-v.txt" >&2
    die "shipcheck exited $rc on the corpus (0 = pass, 1 = findings expected)"
fi
rss_kb=$(awk -F': *' '/Maximum resident set size \(kbytes\)/ {print $2}' "$BENCH_DIR/time-v.txt")
[[ -n "$rss_kb" ]] || die "could not read the peak RSS from $BENCH_DIR/time-v.txt"
rc_fix=0
"$BIN" check "$FIXTURE" --format json --branch feature/x > /dev/null 2> "$BENCH_DIR/fixture.stderr" || rc_fix=$?
((rc_fix == 0 || rc_fix == 1)) || { cat "$BENCH_DIR/fixture.stderr" >&2; die "shipcheck exited $rc_fix on $FIXTURE"; }

# --- timings -------------------------------------------------------------------
echo "== hyperfine: shipcheck vs ripgrep on the corpus (warm cache)"
hyperfine --warmup 1 --runs 5 -i \
    --export-json "$BENCH_DIR/hyperfine.json" \
    -n shipcheck "$SHIPCHECK_CMD" \
    -n rg "$RG_CMD"

echo "== hyperfine: pre-push-sized run on fixtures/elearning-platform"
hyperfine --warmup 3 --runs 20 -i \
    --export-json "$BENCH_DIR/hyperfine-fixture.json" \
    -n fixture "$FIXTURE_CMD"

# --- report --------------------------------------------------------------------
echo
echo "== versions"
rg --version | sed -n 1p  # sed reads it all: head would SIGPIPE rg under pipefail
hyperfine --version
rustc --version
echo "nproc $(nproc)"
"$BIN" --version 2>/dev/null || true
echo

status=0
python3 - "$BENCH_DIR" "$corpus_files" "$corpus_bytes" "$rss_kb" "$TARGET_RATIO" "$TARGET_RSS_MB" "${BENCH_STRICT:-0}" <<'PY' || status=$?
import collections, json, math, os, sys

bench_dir, files, nbytes, rss_kb, t_ratio, t_rss, strict = sys.argv[1:]
files, nbytes, rss_kb = int(files), int(nbytes), int(rss_kb)
t_ratio, t_rss = float(t_ratio), float(t_rss)

def load(name):
    with open(os.path.join(bench_dir, name), encoding="utf-8") as fh:
        return json.load(fh)

# results are in command order: shipcheck, rg
ship, rg = load("hyperfine.json")["results"][:2]
fix = load("hyperfine-fixture.json")["results"][0]
sd = lambda r: r.get("stddev") or 0.0

ratio = ship["mean"] / rg["mean"]
ratio_sd = ratio * math.hypot(sd(ship) / ship["mean"], sd(rg) / rg["mean"])
rss_mb = rss_kb / 1024
ok_ratio = ratio <= t_ratio
ok_rss = rss_mb < t_rss
verdict = lambda ok: "PASS" if ok else "FAIL"

rows = [
    ("corpus", f"{files:,} files, {nbytes:,} bytes ({nbytes / 1e6:.0f} MB)", ""),
    ("shipcheck check (mean ± σ)", f"{ship['mean']:.3f} s ± {sd(ship):.3f} s", ""),
    ("rg --count baseline (mean ± σ)", f"{rg['mean']:.3f} s ± {sd(rg):.3f} s", ""),
    ("ratio shipcheck / rg", f"{ratio:.2f} ± {ratio_sd:.2f}", f"≤ {t_ratio:.1f}: {verdict(ok_ratio)}"),
    ("peak RSS (shipcheck)", f"{rss_mb:.1f} MB", f"< {t_rss:.0f} MB: {verdict(ok_rss)}"),
    ("demo fixture (mean ± σ, 20 runs)", f"{fix['mean'] * 1e3:.1f} ms ± {sd(fix) * 1e3:.1f} ms", ""),
]
print("| metric | value | target |")
print("| --- | --- | --- |")
for r in rows:
    print("| " + " | ".join(r) + " |")

# sanity: what shipcheck found against what the generator planted
try:
    report = load("shipcheck.json")
    found = collections.Counter(f.get("rule") for f in report.get("findings", []))
    planted = load("corpus.stats.json").get("planted_in_production", {})
    print()
    print("| rule | found | planted |")
    print("| --- | --- | --- |")
    for rule, p in [
        ("debug/console", planted.get("console")),
        ("debug/debugger", planted.get("debugger")),
        # `import pdb; pdb.set_trace()` is two findings: the import and the call
        ("debug/breakpoint", f"{planted.get('breakpoint', 0) + 2 * planted.get('pdb', 0)} ({planted.get('breakpoint')} `breakpoint()` + 2 × {planted.get('pdb')} `import pdb; pdb.set_trace()`)"),
        ("todo/untracked", planted.get("todo_untracked")),
    ]:
        print(f"| {rule} | {found.get(rule, 0)} | {p} |")
    print(f"| (tracked TODOs) | {report.get('todos', {}).get('tracked', '?')} | {planted.get('todo_tracked')} |")
    others = {k: v for k, v in found.items() if k not in ("debug/console", "debug/debugger", "debug/breakpoint", "todo/untracked")}
    if others:
        print(f"| other rules | {sum(others.values())} ({', '.join(f'{k} {v}' for k, v in sorted(others.items()))}) | 0 |")
except (OSError, ValueError, KeyError) as e:
    print(f"(no findings sanity table: {e})")

if strict == "1" and not (ok_ratio and ok_rss):
    sys.exit(1)
PY
echo
echo "results: $BENCH_DIR/{hyperfine.json,hyperfine-fixture.json,time-v.txt,shipcheck.json,corpus.stats.json}"
exit "$status"
