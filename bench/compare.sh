#!/usr/bin/env bash
# shipcheck against other tools on the real-code corpus (bench/corpus.sh).
# Prints Markdown tables; raw hyperfine JSON goes to $WORK/*.json.
#
#   bench/compare.sh
#
# Environment:
#   CORPUS   corpus built by bench/corpus.sh   (default /tmp/shipcheck-corpus)
#   ORACLES  npm oracles (eslint, @typescript-eslint/parser, leasot) (default /tmp/oracles)
#   WORK     scratch dir; trees are hard-linked copies of $CORPUS/{npm,pypi,crates}/<pkg>
#            (so .dl/ and stats.tsv are not part of any tree) (default /tmp/shipcheck-compare)
#   PKG      package for the slow oracles ESLint + leasot-per-package (default npm/webpack)
#   DS_PKG   package for detect-secrets, slowest of all (default pypi/flask)
#   DS       detect-secrets binary (default /tmp/ds-venv/bin/detect-secrets; skipped if absent)
#   SLOW     1 (default): also run ESLint on all of npm/ and detect-secrets on all of
#            pypi/, once each (about 5 and 4 minutes); 0 skips them
# Requires hyperfine, rg, ruff, node, python3, GNU time. Every shipcheck run
# uses the default config (no .shipcheck.yml in the trees) and cwd=$WORK.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="${CORPUS:-/tmp/shipcheck-corpus}"
ORACLES="${ORACLES:-/tmp/oracles}"
WORK="${WORK:-/tmp/shipcheck-compare}"
PKG="${PKG:-npm/webpack}"
DS_PKG="${DS_PKG:-pypi/flask}"
DS="${DS:-/tmp/ds-venv/bin/detect-secrets}"
BIN="$ROOT/target/release/shipcheck"
SLOW="${SLOW:-1}"
HF=(hyperfine --warmup 1 --runs 5 -i --style none)

die() { echo "compare: $*" >&2; exit 2; }
for t in hyperfine rg ruff node python3; do command -v "$t" >/dev/null || die "$t not found"; done
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found"
[[ -d "$CORPUS/npm" && -d "$CORPUS/pypi" ]] || die "no corpus at $CORPUS (run bench/corpus.sh)"
(cd "$ROOT" && cargo build --release --quiet) || die "cargo build failed"
ESLINT="$ORACLES/node_modules/.bin/eslint"; LEASOT="$ORACLES/node_modules/.bin/leasot"
PARSER="$ORACLES/node_modules/@typescript-eslint/parser/dist/index.js"
[[ -x "$ESLINT" && -x "$LEASOT" && -f "$PARSER" ]] || die "oracles missing in $ORACLES"

mkdir -p "$WORK"; cd "$WORK"

# --- trees: full, and the smallest-first package prefixes reaching 1/4 and 1/2 of the bytes
mk_tree() {  # name, packages...
    local name=$1; shift
    rm -rf "$WORK/$name"; mkdir -p "$WORK/$name/npm" "$WORK/$name/pypi" "$WORK/$name/crates"
    for p in "$@"; do cp -al "$CORPUS/$p" "$WORK/$name/$p"; done
}
mapfile -t PKGS < <(cd "$CORPUS" && du -sb npm/* pypi/* crates/* | sort -n -k1,1 -k2,2 | cut -f2)
TOTAL=$(cd "$CORPUS" && du -sbc "${PKGS[@]}" | tail -1 | cut -f1)
prefix() {  # fraction numerator denominator -> packages
    local acc=0 p
    for p in "${PKGS[@]}"; do
        acc=$((acc + $(du -sb "$CORPUS/$p" | cut -f1))); echo "$p"
        ((acc * $2 >= TOTAL * $1)) && break
    done
}
mk_tree full "${PKGS[@]}"
mapfile -t Q1 < <(prefix 1 4); mk_tree quarter "${Q1[@]}"
mapfile -t Q2 < <(prefix 1 2); mk_tree half "${Q2[@]}"
FULL="$WORK/full"

JS_FIND=(-type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.jsx' -o -name '*.ts' -o -name '*.tsx' -o -name '*.mts' -o -name '*.cts' \))
find "$FULL/npm" "${JS_FIND[@]}" > "$WORK/js-full.list"
find "$FULL/$PKG" "${JS_FIND[@]}" > "$WORK/js-pkg.list"

cat > "$WORK/eslint.config.mjs" <<EOF
import * as tsParser from "$PARSER";
const rules = { 'no-console': 'error', 'no-debugger': 'error' };
const lo = (jsx) => ({ parser: tsParser, ecmaVersion: 'latest', sourceType: 'module',
  parserOptions: { ecmaFeatures: { jsx } } });
export default [
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx', '**/*.tsx'], languageOptions: lo(true), rules,
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' } },
  { files: ['**/*.ts', '**/*.mts', '**/*.cts'], languageOptions: lo(false), rules,
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' } },
];
EOF

SC="$BIN check"
# Equal work with rg: shipcheck reading every file rg reads (no size or minified skip).
printf 'max-file-size: 1GiB\nminified-line-length: 0\n' > "$WORK/read-all.yml"
RG="rg --count -e 'console\\.(log|debug|info|trace)' -e debugger -e TODO -e FIXME"
LEA="$LEASOT -x -S -r json -T XXX,HACK"
bench() {  # id, command...
    local id=$1; shift
    echo "== $id" >&2
    "${HF[@]}" --export-json "$WORK/$id.json" "$@" >&2
}

# --- whole corpus
bench full-shipcheck "$SC $FULL --format json > /dev/null"
bench full-rg "$RG $FULL > /dev/null"
bench full-shipcheck-all "$SC $FULL --config $WORK/read-all.yml --format json > /dev/null"
bench full-leasot "xargs -a $WORK/js-full.list $LEA > /dev/null"
bench full-shipcheck-pypi "$SC $FULL/pypi --format json > /dev/null"
bench full-ruff "ruff check --isolated --no-cache --exit-zero --select T10,FIX --output-format json $FULL/pypi > /dev/null 2>&1"
# --- one package (the slow oracles)
bench pkg-shipcheck "$SC $FULL/$PKG --format json > /dev/null"
bench pkg-rg "$RG $FULL/$PKG > /dev/null"
bench pkg-eslint "$ESLINT -c $WORK/eslint.config.mjs --no-ignore --format json $FULL/$PKG > /dev/null"
bench pkg-leasot "xargs -a $WORK/js-pkg.list $LEA > /dev/null"
if [[ -x "$DS" ]]; then
    bench ds-shipcheck "$SC $FULL/$DS_PKG --format json > /dev/null"
    bench ds-detect-secrets "$DS scan --all-files $FULL/$DS_PKG > /dev/null"
fi
# --- the slow oracles on whole trees, once each (wall and peak RSS from GNU time)
once() {  # id, command...
    local id=$1; shift
    echo "== $id (one run)" >&2
    /usr/bin/time -f '%e %M' -o "$WORK/$id.time" bash -c "$*" || true
}
if [[ "$SLOW" == 1 ]]; then
    once full-eslint "$ESLINT -c $WORK/eslint.config.mjs --no-ignore --format json $FULL/npm > /dev/null"
    bench full-shipcheck-npm "$SC $FULL/npm --format json > /dev/null"
    if [[ -x "$DS" ]]; then
        once full-detect-secrets "$DS scan --all-files $FULL/pypi > /dev/null"
    fi
fi
# --- scaling
bench scale-quarter "$SC $WORK/quarter --format json > /dev/null"
bench scale-half "$SC $WORK/half --format json > /dev/null"
# full = full-shipcheck
# --- pre-push on the demo fixture (hyperfine defaults: >= 10 runs)
echo "== fixture" >&2
(cd "$ROOT" && hyperfine -i --warmup 3 --style none --export-json "$WORK/fixture.json" \
    "target/release/shipcheck check fixtures/elearning-platform" >&2)
# --- peak RSS
/usr/bin/time -v "$BIN" check "$FULL" --format json > /dev/null 2> "$WORK/rss.txt" || true
/usr/bin/time -v "$BIN" check "$FULL" --config "$WORK/read-all.yml" --format json > /dev/null 2> "$WORK/rss-all.txt" || true

# --- report
export WORK PKG DS_PKG NPKGS="${#PKGS[@]}"
export Q1S="${Q1[*]}" Q2S="${Q2[*]}"
python3 - <<'PY'
import json, os, re, subprocess
W = os.environ['WORK']; PKG = os.environ['PKG']; DSP = os.environ['DS_PKG']
def t(i):
    p = f'{W}/{i}.json'
    if not os.path.exists(p): return None
    r = json.load(open(p))['results'][0]; return r['mean'], r['stddev']
def size(path):
    b = int(subprocess.check_output(['du', '-sb', path]).split()[0])
    n = int(subprocess.check_output(f"find {path} -type f | wc -l", shell=True))
    return b, n
def fmt(x): return '—' if x is None else f'{x[0]:.3f} s ± {x[1]:.3f}'
def sz(b, n): return f'{b/1e6:.0f} MB, {n:,} files'
full, pypi, pkg, dsp = (size(f'{W}/full'), size(f'{W}/full/pypi'), size(f'{W}/full/{PKG}'), size(f'{W}/full/{DSP}'))
npm = size(f'{W}/full/npm')
def once(i):
    p = f'{W}/{i}.time'
    if not os.path.exists(p): return None
    wall, rss = open(p).read().split()[-2:]
    return float(wall), int(rss) / 1024
print('| tree | tool | wall time (mean ± sd, 5 runs) | shipcheck on same tree | tool / shipcheck |')
print('|---|---|---|---|---|')
def row(tree, name, i, sc):
    a, s = t(i), t(sc)
    r = '—' if a is None or i == sc else f'{a[0]/s[0]:.2f}×'
    print(f'| {tree} | {name} | {fmt(a)} | {fmt(s)} | {r} |')
T = f'full ({sz(*full)})'
row(T, 'shipcheck check --format json', 'full-shipcheck', 'full-shipcheck')
row(T, 'rg --count (4 patterns)', 'full-rg', 'full-shipcheck')
row(T, 'shipcheck reading every file (read-all.yml)', 'full-shipcheck-all', 'full-shipcheck')
row(T, 'rg --count vs shipcheck reading every file', 'full-rg', 'full-shipcheck-all')
row(T, 'leasot (JS/TS files of npm/)', 'full-leasot', 'full-shipcheck')
row(f'pypi/ ({sz(*pypi)})', 'ruff --select T10,FIX', 'full-ruff', 'full-shipcheck-pypi')
row(f'{PKG} ({sz(*pkg)})', 'rg --count (4 patterns)', 'pkg-rg', 'pkg-shipcheck')
row(f'{PKG} ({sz(*pkg)})', 'ESLint no-console,no-debugger', 'pkg-eslint', 'pkg-shipcheck')
row(f'{PKG} ({sz(*pkg)})', 'leasot', 'pkg-leasot', 'pkg-shipcheck')
if t('ds-detect-secrets'):
    row(f'{DSP} ({sz(*dsp)})', 'detect-secrets scan --all-files', 'ds-detect-secrets', 'ds-shipcheck')
for i, tree, name, sc in (('full-eslint', f'npm/ ({sz(*npm)})', 'ESLint no-console,no-debugger (1 run)', 'full-shipcheck-npm'),
                          ('full-detect-secrets', f'pypi/ ({sz(*pypi)})', 'detect-secrets scan --all-files (1 run)', 'full-shipcheck-pypi')):
    o, s = once(i), t(sc)
    if o:
        print(f'| {tree} | {name} | {o[0]:.1f} s (peak RSS {o[1]:.0f} MiB) | {fmt(s)} | {o[0]/s[0]:.0f}× |')
print()
print('| subset | packages | bytes | files | shipcheck wall | s/GB |')
print('|---|---|---|---|---|---|')
NP = int(os.environ['NPKGS'])
for name, i, pk in (('¼', 'scale-quarter', os.environ['Q1S']), ('½', 'scale-half', os.environ['Q2S']), ('full', 'full-shipcheck', 'all')):
    b, n = size(f"{W}/{ {'¼':'quarter','½':'half','full':'full'}[name] }")
    m = t(i)
    print(f'| {name} | {len(pk.split()) if name != "full" else NP} | {b:,} | {n:,} | {fmt(m)} | {m[0]/(b/1e9):.2f} |')
print()
f = t('fixture'); print(f'fixture pre-push: {f[0]*1000:.1f} ms ± {f[1]*1000:.1f}')
rss = re.search(r'Maximum resident set size \(kbytes\): (\d+)', open(f'{W}/rss.txt').read())
print(f'peak RSS full corpus: {int(rss.group(1))/1024:.1f} MiB')
rss = re.search(r'Maximum resident set size \(kbytes\): (\d+)', open(f'{W}/rss-all.txt').read())
print(f'peak RSS full corpus, reading every file: {int(rss.group(1))/1024:.1f} MiB')
print(f'quarter packages: {os.environ["Q1S"]}')
print(f'half packages: {os.environ["Q2S"]}')
PY
