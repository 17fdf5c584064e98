#!/usr/bin/env bash
# shipcheck speed and memory against ripgrep, side by side in one run (issue 17):
# a synthetic stress corpus, the real apps of bench/apps.sh, a scaling series
# from 10k files up, the pre-push run on the demo fixture, and `--rev HEAD`
# against a plain check on each app (git's object store against the checkout). Prints Markdown
# tables with PASS/FAIL per target, ready for BENCHMARKS.md. See bench/README.md.
#
#   bench/speed.sh
#   PARTS="stress demo" bench/speed.sh
#   PARTS=rev bench/speed.sh
#   SCALING="10000 30000 100000 300000 1000000" PARTS=scaling bench/speed.sh
#
# Environment:
#   PARTS        parts to run, in this order (default "stress apps scaling demo rev")
#   SCALING      file counts of the scaling series (default "10000 30000 100000")
#   BENCH_DIR    corpora (cached, keyed by their generator arguments) and results
#                (default /tmp/shipcheck-speed)
#   APPS_DIR     the apps cloned by bench/apps.sh (default /tmp/shipcheck-apps)
#   SHIPCHECK    binary to measure (default: cargo build --release, target/release/shipcheck)
#   BENCH_STRICT 1: exit 1 when a target FAILs
# Exit: 0 done (targets are reported, not enforced unless BENCH_STRICT=1),
#       1 a target failed under BENCH_STRICT=1, 2 setup or tool error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/shipcheck-speed}"
APPS_DIR="${APPS_DIR:-/tmp/shipcheck-apps}"
PARTS="${PARTS:-stress apps scaling demo rev}"
SCALING="${SCALING:-10000 30000 100000}"
FIXTURE="$ROOT/fixtures/elearning-platform"
SEED=1
STRESS_GEN=(--files 30000 --scale 0.4 --seed "$SEED")  # ~173 MB
SCALING_SCALE=0.1                                       # small files, ~1.4 KB on average
# The markers the default rules look for (console methods, debugger, TODO-like
# tags, env reads, key prefixes), as one alternation: rg's side of the ratio.
PATTERN='console\.(log|debug|info|trace|dir|table)|debugger|TODO|FIXME|XXX|HACK|process\.env|import\.meta\.env|os\.environ|getenv|ENV\[|sk_live_|sk_test_|rk_live_|rk_test_|pk_test_|AKIA|ghp_|xox[bp]-|breakpoint\(|pdb'
# targets
T_STRESS_RATIO=1.5
T_APPS_GEOMEAN=1.0
T_RSS_MB=150
T_DEMO_MS=50
T_SLOPE=1.10  # log-log slope of wall time and RSS against files: 1.0 is linear
T_REV_GEOMEAN=1.10  # --rev HEAD / plain check on the apps: "as fast as a checkout scan"

die() { echo "speed: $*" >&2; exit 2; }

# --- tools ---------------------------------------------------------------------
missing=()
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ((${#missing[@]})); then
    echo "speed: missing tools; install them with:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 2
fi

for part in $PARTS; do
    case "$part" in
        stress|apps|scaling|demo|rev) ;;
        *) die "unknown part '$part' in PARTS (choose from: stress apps scaling demo rev)" ;;
    esac
done
for n in $SCALING; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "SCALING: '$n' is not a file count"
done

# --- binary --------------------------------------------------------------------
if [[ -n "${SHIPCHECK:-}" ]]; then
    BIN="$(command -v -- "$SHIPCHECK" || true)"
    [[ -n "$BIN" && -x "$BIN" ]] || die "SHIPCHECK=$SHIPCHECK is not an executable"
    BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
else
    command -v cargo >/dev/null 2>&1 || die "cargo is required to build shipcheck (or set SHIPCHECK=path)"
    echo "== building shipcheck (release)"
    (cd "$ROOT" && cargo build --release --quiet) || die "cargo build --release failed"
    BIN="$ROOT/target/release/shipcheck"
    [[ -x "$BIN" ]] || die "$BIN not found after the build"
fi

mkdir -p "$BENCH_DIR"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"
cd "$BENCH_DIR"  # nothing a run writes lands in the repository
: > "$BENCH_DIR/verdicts.tsv"
: > "$BENCH_DIR/parts.tsv"

# --- helpers -------------------------------------------------------------------
# One word for hyperfine -N, which splits its command lines like a POSIX shell.
q() { local s=$1; printf "'%s'" "${s//\'/\'\\\'\'}"; }

sc_args() { printf '%s check %s --format json --branch feature/x' "$(q "$BIN")" "$(q "$1")"; }
rg_args() { printf 'rg -c -e %s %s' "$(q "$PATTERN")" "$(q "$1")"; }

# measure OUT NAME OK_CODES CMD...: one run under GNU time; stdout to OUT/NAME.out,
# peak RSS (KiB) to OUT/NAME.rss. hyperfine runs with -i, so a crash would be
# timed as a fast run: the exit code must be one of OK_CODES (e.g. "0 1").
measure() {
    local out=$1 name=$2 ok=$3 rc=0
    shift 3
    /usr/bin/time -f %M -o "$out/$name.time" "$@" > "$out/$name.out" 2> "$out/$name.err" || rc=$?
    if [[ " $ok " != *" $rc "* ]]; then
        tail -n 20 "$out/$name.err" >&2
        die "$name exited $rc (expected one of: $ok): $*"
    fi
    # GNU time puts "Command exited with non-zero status N" before the format's line
    tail -n 1 "$out/$name.time" > "$out/$name.rss"
    [[ "$(cat "$out/$name.rss")" =~ ^[0-9]+$ ]] || die "no peak RSS in $out/$name.time"
}

# sanity OUT TREE: shipcheck and rg once each (exit codes, RSS, shipcheck's
# JSON report), then the files and bytes rg searches and the tree holds.
sanity() {
    local out=$1 tree=$2
    mkdir -p "$out"
    measure "$out" shipcheck "0 1" "$BIN" check "$tree" --format json --branch feature/x
    measure "$out" rg "0 1" rg -c -e "$PATTERN" "$tree"
    {
        # what rg searches with its default filtering (ignore files, hidden, binary)
        rg --files -0 "$tree" | xargs -0 -r stat -c %s | awk '{n++; s += $1} END {printf "rg %d %d\n", n, s}'
        # every regular file (.git aside): the most a tool could read
        find "$tree" -name .git -prune -o -type f -printf '%s\n' | awk '{n++; s += $1} END {printf "tree %d %d\n", n, s}'
    } > "$out/share.txt"
}

# corpus N SCALE: path of the cached generated corpus (generated on first use)
corpus() {
    local n=$1 scale=$2 dir
    dir="$BENCH_DIR/corpus-files$n-scale$scale-seed$SEED"
    if [[ ! -d "$dir" ]]; then
        echo "== generating $dir (gen_corpus.py --files $n --scale $scale --seed $SEED)" >&2
        rm -rf -- "$dir.tmp"
        python3 "$ROOT/bench/gen_corpus.py" "$dir.tmp" --files "$n" --scale "$scale" --seed "$SEED" \
            > "$dir.stats.json" || die "gen_corpus.py failed for $dir"
        find "$dir.tmp" -type f -printf '%s\n' | awk '{n++; s += $1} END {printf "%d %d\n", n, s}' > "$dir.size"
        mv -- "$dir.tmp" "$dir"
    fi
    [[ -f "$dir.size" ]] || find "$dir" -type f -printf '%s\n' | awk '{n++; s += $1} END {printf "%d %d\n", n, s}' > "$dir.size"
    printf '%s\n' "$dir"
}

# disk_check N SCALE...: estimate what the corpora not yet cached need; warn, and stop if it cannot fit
disk_check() {
    local scale=$1 need_kb=0 need_inodes=0 n blocks avail_kb avail_inodes
    shift
    for n in "$@"; do
        [[ -d "$BENCH_DIR/corpus-files$n-scale$scale-seed$SEED" ]] && continue
        # files average ~13.7 KB x scale, in 4 KiB blocks; +25% for the spread of
        # sizes and the directories (measured: 4.9 KB a file at --scale 0.1)
        blocks=$(python3 -c "import math,sys; print(math.ceil(13700 * float(sys.argv[1]) / 4096))" "$scale")
        need_kb=$((need_kb + n * blocks * 4 * 5 / 4))
        need_inodes=$((need_inodes + n * 11 / 10))
    done
    ((need_kb > 0)) || return 0
    avail_kb=$(df -Pk "$BENCH_DIR" | awk 'NR == 2 {print $4}')
    avail_inodes=$(df -Pi "$BENCH_DIR" | awk 'NR == 2 {print $4}')
    echo "== corpora to generate need about $((need_kb / 1024 / 1024 + 1)) GB and $need_inodes inodes;" \
        "$BENCH_DIR has $((avail_kb / 1024 / 1024)) GB and $avail_inodes inodes free" >&2
    if ((need_kb > 1024 * 1024)); then
        echo "   (at --scale 0.1, 1,000,000 files take ~5 GB on a 4 KiB-block file system and minutes to generate;" \
            "delete $BENCH_DIR/corpus-* when done)" >&2
    fi
    ((need_kb < avail_kb)) || die "not enough disk space in $BENCH_DIR (set BENCH_DIR elsewhere or shrink SCALING)"
    [[ ! "$avail_inodes" =~ ^[0-9]+$ ]] || ((need_inodes < avail_inodes)) || die "not enough free inodes in $BENCH_DIR"
}

# report PART DIR: the Markdown tables of one part; verdicts appended to verdicts.tsv
report() {
    python3 - "$1" "$2" "$BENCH_DIR/verdicts.tsv" "$T_STRESS_RATIO" "$T_APPS_GEOMEAN" "$T_RSS_MB" "$T_DEMO_MS" "$T_SLOPE" "$T_REV_GEOMEAN" <<'PY'
import json, math, os, sys

part, d, verdicts = sys.argv[1:4]
t_ratio, t_geo, t_rss, t_demo, t_slope, t_rev = map(float, sys.argv[4:])

def load(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)

def rss_mb(run_dir, name):
    with open(os.path.join(run_dir, name + ".rss")) as fh:
        return int(fh.read().strip()) / 1024

def share(run_dir):
    out = {}
    with open(os.path.join(run_dir, "share.txt")) as fh:
        for line in fh:
            k, n, b = line.split()
            out[k] = (int(n), int(b))
    return out

sd = lambda r: r.get("stddev") or 0.0

def pair(run_dir):
    ship, rg = load(os.path.join(run_dir, "hyperfine.json"))["results"][:2]
    ratio = ship["mean"] / rg["mean"]
    ratio_sd = ratio * math.hypot(sd(ship) / ship["mean"], sd(rg) / rg["mean"])
    return ship, rg, ratio, ratio_sd

def secs(r):
    m = r["mean"]
    if m < 1:
        return f"{m * 1e3:.1f} ms ± {sd(r) * 1e3:.1f}"
    return f"{m:.3f} s ± {sd(r):.3f}"

verdict = lambda ok: "**PASS**" if ok else "**FAIL**"

def record(target, value, ok):
    with open(verdicts, "a", encoding="utf-8") as fh:
        fh.write(f"{part}\t{target}\t{value}\t{'PASS' if ok else 'FAIL'}\n")

def table(header, rows, align=None):
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(align or ["---"] * len(header)) + "|")
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")
    print()

def skipped(report):
    s = {k: v for k, v in sorted((report.get("skipped") or {}).items()) if v}
    return ", ".join(f"{k} {v:,}" for k, v in s.items()) or "none"

if part == "stress":
    ship, rg, ratio, ratio_sd = pair(d)
    runs = len(ship.get("times", []))
    s_rss, r_rss = rss_mb(d, "shipcheck"), rss_mb(d, "rg")
    ok_ratio, ok_rss = ratio <= t_ratio, s_rss < t_rss
    record(f"stress: shipcheck / rg ≤ {t_ratio:g}", f"{ratio:.2f} ± {ratio_sd:.2f}", ok_ratio)
    record(f"stress: shipcheck peak RSS < {t_rss:g} MB", f"{s_rss:.1f} MiB", ok_rss)
    sh = share(d)
    report = load(os.path.join(d, "shipcheck.out"))
    print(f"Stress corpus: `{open(os.path.join(d, 'corpus.txt')).read().strip()}`, "
          f"{sh['tree'][0]:,} files, {sh['tree'][1] / 1e6:.0f} MB; warm cache, {runs} runs each.\n")
    table(["metric", "shipcheck", "rg", "target"], [
        ("wall time (mean ± σ)", secs(ship), secs(rg), ""),
        ("user + system CPU (mean)", f"{ship['user'] + ship['system']:.3f} s", f"{rg['user'] + rg['system']:.3f} s", ""),
        ("ratio shipcheck / rg", f"**{ratio:.2f}** ± {ratio_sd:.2f}", "", f"≤ {t_ratio:g}: {verdict(ok_ratio)}"),
        ("peak RSS", f"**{s_rss:.1f} MiB**", f"{r_rss:.1f} MiB", f"< {t_rss:g} MB: {verdict(ok_rss)}"),
    ])
    print("What each reads (rg: `rg --files`, its default filtering; shipcheck: `files_scanned` and "
          "`skipped` of its JSON report):\n")
    extra = report.get("files_scanned", 0) - sh["rg"][0]
    table(["", "files", "bytes"], [
        ("every regular file in the tree (`find`)", f"{sh['tree'][0]:,}", f"{sh['tree'][1]:,}"),
        ("rg searches", f"{sh['rg'][0]:,}", f"{sh['rg'][1]:,}"),
        ("shipcheck scans (`files_scanned`)", f"{report.get('files_scanned', 0):,}", "—"),
        ("shipcheck scans beyond rg's list", f"{extra:+,}", ""),
        ("shipcheck skips (`skipped`)", skipped(report), ""),
    ], ["---", "---:", "---:"])

elif part == "apps":
    rows, ratios, worst = [], [], 0.0
    with open(os.path.join(d, "apps.tsv")) as fh:
        apps = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
    tot_rg = tot_sc = 0
    for name, run_dir in apps:
        ship, rg, ratio, ratio_sd = pair(run_dir)
        s_rss, r_rss = rss_mb(run_dir, "shipcheck"), rss_mb(run_dir, "rg")
        report = load(os.path.join(run_dir, "shipcheck.out"))
        sh = share(run_dir)
        ratios.append(ratio)
        worst = max(worst, s_rss)
        tot_rg += sh["rg"][0]
        tot_sc += report.get("files_scanned", 0)
        rows.append((name.replace("+", "/"), f"{sh['rg'][0]:,}", f"{sh['rg'][1] / 1e6:.1f}",
                     f"{report.get('files_scanned', 0):,}", skipped(report),
                     secs(ship), secs(rg), f"{ratio:.2f} ± {ratio_sd:.2f}", f"{s_rss:.1f}", f"{r_rss:.1f}"))
    geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
    ok_geo, ok_rss = geo <= t_geo, worst < t_rss
    record(f"apps: geometric mean of shipcheck / rg ≤ {t_geo:g}", f"{geo:.2f} ({len(ratios)} apps)", ok_geo)
    record(f"apps: shipcheck peak RSS < {t_rss:g} MB (largest)", f"{worst:.1f} MiB", ok_rss)
    print(f"Real apps ({len(apps)}, `bench/apps.sh`): warm cache; rg files/MB = what `rg --files` lists.\n")
    table(["app", "rg files", "rg MB", "shipcheck files_scanned", "shipcheck skipped",
           "shipcheck", "rg", "ratio", "shipcheck RSS MiB", "rg RSS MiB"], rows,
          ["---", "---:", "---:", "---:", "---", "---:", "---:", "---:", "---:", "---:"])
    table(["target", "measured", "result"], [
        (f"geometric mean of the ratios ≤ {t_geo:g}", f"**{geo:.2f}** (min {min(ratios):.2f}, max {max(ratios):.2f})", verdict(ok_geo)),
        (f"peak RSS < {t_rss:g} MB on every app", f"**{worst:.1f} MiB** (largest)", verdict(ok_rss)),
        ("files: shipcheck scans / rg searches (all apps)", f"{tot_sc:,} / {tot_rg:,}", ""),
    ])

elif part == "scaling":
    with open(os.path.join(d, "scaling.tsv")) as fh:
        sizes = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
    rows, pts = [], []
    for n, run_dir, files, nbytes in sizes:
        files, nbytes = int(files), int(nbytes)
        ship, rg, ratio, ratio_sd = pair(run_dir)
        s_rss, r_rss = rss_mb(run_dir, "shipcheck"), rss_mb(run_dir, "rg")
        pts.append((files, ship["mean"], s_rss))
        rows.append((f"{files:,}", f"{nbytes / 1e6:,.0f} MB", f"{secs(ship)} ({len(ship['times'])})",
                     secs(rg), f"{ratio:.2f}", f"{s_rss:.1f}", f"{r_rss:.1f}",
                     f"{ship['mean'] / files * 1e6:.1f}"))
    print("Scaling (gen_corpus.py --scale 0.1 --seed 1: small files); warm cache, (runs) after the time.\n")
    table(["files", "bytes", "shipcheck wall", "rg wall", "ratio", "shipcheck RSS MiB", "rg RSS MiB", "shipcheck µs / file"],
          rows, ["---:"] * 8)

    def slope(xs, ys):
        lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
        mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
        return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)

    if len(pts) >= 2 and len({p[0] for p in pts}) >= 2:
        xs = [p[0] for p in pts]
        s_t, s_m = slope(xs, [p[1] for p in pts]), slope(xs, [p[2] for p in pts])
        span = f"{min(xs):,} → {max(xs):,} files"
        ok_t, ok_m = s_t <= t_slope, s_m <= t_slope
        record(f"scaling: wall time linear (log-log slope ≤ {t_slope:g})", f"{s_t:.2f} ({span})", ok_t)
        record(f"scaling: RSS linear (log-log slope ≤ {t_slope:g})", f"{s_m:.2f} ({span})", ok_m)
        table(["target", "measured", "result"], [
            (f"wall time linear in files: log-log slope ≤ {t_slope:g}", f"**{s_t:.2f}** ({span})", verdict(ok_t)),
            (f"peak RSS linear in files: log-log slope ≤ {t_slope:g}", f"**{s_m:.2f}** ({span})", verdict(ok_m)),
        ])
    else:
        print("(linearity needs at least two sizes in SCALING: not judged)\n")

elif part == "rev":
    rows, ratios = [], []
    with open(os.path.join(d, "apps.tsv")) as fh:
        apps = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
    for name, run_dir in apps:
        rev, plain, ratio, ratio_sd = pair(run_dir)
        ratios.append(ratio)
        rows.append((name.replace("+", "/"), secs(rev), secs(plain), f"{ratio:.2f} ± {ratio_sd:.2f}"))
    geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
    ok = geo <= t_rev
    record(f"rev: geometric mean of --rev HEAD / plain check ≤ {t_rev:g}", f"{geo:.2f} ({len(ratios)} apps)", ok)
    print(f"`--rev HEAD` (the commit's tree, from git's object store) against a plain check of the "
          f"same checkout ({len(apps)} apps, warm cache):\n")
    table(["app", "--rev HEAD", "plain check", "ratio"], rows, ["---", "---:", "---:", "---:"])
    table(["target", "measured", "result"], [
        (f"geometric mean of the ratios ≤ {t_rev:g}", f"**{geo:.2f}** (min {min(ratios):.2f}, max {max(ratios):.2f})", verdict(ok)),
    ])

elif part == "demo":
    fix = load(os.path.join(d, "hyperfine.json"))["results"][0]
    s_rss = rss_mb(d, "shipcheck")
    ms = fix["mean"] * 1e3
    ok = ms < t_demo
    record(f"demo: pre-push run < {t_demo:g} ms", f"{ms:.1f} ms", ok)
    table(["metric", "value", "target"], [
        (f"`shipcheck check fixtures/elearning-platform --format json --branch feature/x` (mean ± σ, {len(fix['times'])} runs)",
         f"**{ms:.1f} ms** ± {sd(fix) * 1e3:.1f} (min {fix['min'] * 1e3:.1f})", f"< {t_demo:g} ms: {verdict(ok)}"),
        ("peak RSS", f"{s_rss:.1f} MiB", ""),
    ])
PY
}

HF=(hyperfine -N -i)

# --- parts ---------------------------------------------------------------------
part_stress() {
    local out="$BENCH_DIR/stress" tree
    tree=$(corpus 30000 0.4)
    rm -rf -- "$out"; mkdir -p "$out"
    printf 'gen_corpus.py %s' "${STRESS_GEN[*]}" > "$out/corpus.txt"
    echo "== stress: sanity run, peak RSS ($tree)"
    sanity "$out" "$tree"
    echo "== stress: hyperfine shipcheck vs rg"
    "${HF[@]}" --warmup 1 --runs 5 --export-json "$out/hyperfine.json" \
        -n shipcheck "$(sc_args "$tree")" -n rg "$(rg_args "$tree")"
    echo
    report stress "$out"
}

# each_app PART MEASURE [WANTED]: MEASURE OUT_DIR APP_DIR for each app of
# APPS_DIR (those WANTED APP_DIR says yes to), listed in OUT/apps.tsv, then
# PART's report. (MEASURE is not run under `||`, where `set -e` is off.)
each_app() {
    local part=$1 measure=$2 wanted=${3:-true} out="$BENCH_DIR/$1" dir name
    [[ -d "$APPS_DIR" ]] || die "no apps at $APPS_DIR (run bench/apps.sh first)"
    rm -rf -- "$out"; mkdir -p "$out"
    : > "$out/apps.tsv"
    for dir in "$APPS_DIR"/*/; do
        dir=${dir%/}
        name=$(basename "$dir")
        "$wanted" "$dir" || continue
        "$measure" "$out/$name" "$dir"
        printf '%s\t%s\n' "$name" "$out/$name" >> "$out/apps.tsv"
    done
    [[ -s "$out/apps.tsv" ]] || die "nothing to measure in $APPS_DIR for $part (run bench/apps.sh first)"
    echo
    report "$part" "$out"
}

# shipcheck and rg on one app.
app_vs_rg() {
    local out=$1 dir=$2
    echo "== apps: $(basename "$dir")"
    sanity "$out" "$dir"
    "${HF[@]}" --warmup 2 --min-runs 10 --max-runs 30 --export-json "$out/hyperfine.json" \
        -n shipcheck "$(sc_args "$dir")" -n rg "$(rg_args "$dir")"
}

part_apps() { each_app apps app_vs_rg; }

part_scaling() {
    local out="$BENCH_DIR/scaling" n tree runs files nbytes
    # shellcheck disable=SC2086  # SCALING is a list of numbers
    disk_check "$SCALING_SCALE" $SCALING
    rm -rf -- "$out"; mkdir -p "$out"
    : > "$out/scaling.tsv"
    for n in $SCALING; do
        tree=$(corpus "$n" "$SCALING_SCALE")
        read -r files nbytes < "$tree.size"
        if ((n <= 30000)); then runs=5; elif ((n <= 100000)); then runs=3; else runs=2; fi
        echo "== scaling: $n files ($tree), $runs runs"
        sanity "$out/$n" "$tree"
        "${HF[@]}" --warmup 1 --runs "$runs" --export-json "$out/$n/hyperfine.json" \
            -n shipcheck "$(sc_args "$tree")" -n rg "$(rg_args "$tree")"
        printf '%s\t%s\t%s\t%s\n' "$n" "$out/$n" "$files" "$nbytes" >> "$out/scaling.tsv"
    done
    echo
    report scaling "$out"
}

# A git repository with a commit.
has_commit() { git -C "$1" rev-parse -q --verify 'HEAD^{commit}' >/dev/null 2>&1; }

# --rev HEAD and a plain check on one app.
app_rev_vs_plain() {
    local out=$1 dir=$2
    echo "== rev: $(basename "$dir")"
    mkdir -p "$out"
    measure "$out" rev "0 1" "$BIN" check "$dir" --rev HEAD --format json --branch feature/x
    "${HF[@]}" --warmup 2 --min-runs 10 --max-runs 30 --export-json "$out/hyperfine.json" \
        -n rev "$(sc_args "$dir") --rev HEAD" -n plain "$(sc_args "$dir")"
}

part_rev() { each_app rev app_rev_vs_plain has_commit; }

part_demo() {
    local out="$BENCH_DIR/demo"
    [[ -d "$FIXTURE" ]] || die "no demo fixture at $FIXTURE"
    rm -rf -- "$out"; mkdir -p "$out"
    echo "== demo: pre-push-sized run on fixtures/elearning-platform"
    measure "$out" shipcheck "0 1" "$BIN" check "$FIXTURE" --format json --branch feature/x
    "${HF[@]}" --warmup 3 --runs 20 --export-json "$out/hyperfine.json" \
        -n demo "$(sc_args "$FIXTURE")"
    echo
    report demo "$out"
}

for part in $PARTS; do
    start=$SECONDS
    case "$part" in
        stress) part_stress ;;
        apps) part_apps ;;
        scaling) part_scaling ;;
        demo) part_demo ;;
        rev) part_rev ;;
    esac
    printf '%s\t%s\n' "$part" "$((SECONDS - start))" >> "$BENCH_DIR/parts.tsv"
    echo "(part $part: $((SECONDS - start)) s)"
    echo
done

# --- summary -------------------------------------------------------------------
echo "== versions"
rg --version | sed -n 1p  # sed reads it all: head would SIGPIPE rg under pipefail
hyperfine --version
"$BIN" --version 2>/dev/null || true
echo "nproc $(nproc)"
echo

status=0
python3 - "$BENCH_DIR/verdicts.tsv" "$BENCH_DIR/parts.tsv" "${BENCH_STRICT:-0}" <<'PY' || status=$?
import sys
verdicts, parts, strict = sys.argv[1:]
rows = [l.rstrip("\n").split("\t") for l in open(verdicts, encoding="utf-8") if l.strip()]
took = [l.split() for l in open(parts) if l.strip()]
print("| target (issue 17) | measured | result |")
print("|---|---|---|")
for _, target, value, result in rows:
    print(f"| {target} | {value} | **{result}** |")
print()
print("parts: " + ", ".join(f"{p} {s} s" for p, s in took))
if strict == "1" and any(r[3] == "FAIL" for r in rows):
    sys.exit(1)
PY
echo "results: $BENCH_DIR/{stress,apps,scaling,demo,rev}/ (hyperfine.json, shipcheck.out = JSON report, *.rss in KiB)"
exit "$status"
