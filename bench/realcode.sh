#!/usr/bin/env bash
# The whole real-code evaluation (issue 6) in one command:
#   1. the pinned corpus from npm, PyPI and crates.io   (bench/corpus.sh)
#   2. the pinned oracles, installed outside the repo   (npm + a Python venv)
#   3. accuracy against ESLint, no-only-tests, ruff, leasot (bench/accuracy.py)
#   4. speed and memory against rg, ESLint, leasot, ruff, detect-secrets (bench/compare.sh)
# and leaves both reports in $OUT (default /tmp/shipcheck-realcode):
#   accuracy.md  compare.md  (plus the tools' raw outputs next to them)
#
#   bench/realcode.sh            # about 25 minutes on 2 cores the first time
#   SLOW=0 bench/realcode.sh     # without the whole-tree ESLint/detect-secrets runs (about 10 minutes)
#
# Needs network access to the three registries, node + npm, python3 (with
# venv), cargo, and the Debian packages ripgrep, hyperfine and time.
# Exit: 0 done, 1 an accuracy disagreement left unexplained, 2 setup error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CORPUS_DIR="${CORPUS_DIR:-/tmp/shipcheck-corpus}"
export CORPUS="$CORPUS_DIR"
export ORACLES="${ORACLES:-/tmp/oracles}"
VENV="${VENV:-/tmp/shipcheck-oracles-venv}"
OUT="${OUT:-/tmp/shipcheck-realcode}"
die() { echo "realcode: $*" >&2; exit 2; }

for t in node npm python3 cargo rg hyperfine curl; do
    command -v "$t" >/dev/null || die "$t not found (Debian: apt-get install -y nodejs npm python3-venv ripgrep hyperfine curl)"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install -y time)"
mkdir -p "$OUT"

echo "== build" >&2
(cd "$ROOT" && cargo build --release --quiet) || die "cargo build --release failed"

echo "== corpus ($CORPUS_DIR)" >&2
"$ROOT/bench/corpus.sh" > "$OUT/corpus.txt"

echo "== oracles ($ORACLES, $VENV)" >&2
NPM_ORACLES=(eslint@10.15.0 @typescript-eslint/parser@8.73.0 typescript@6.0 leasot@14.4.0
             eslint-plugin-no-only-tests@3.4.0)
mkdir -p "$ORACLES"
if [[ ! -f "$ORACLES/.done-v2" ]]; then
    (cd "$ORACLES" && { [[ -f package.json ]] || npm init -y > /dev/null; } &&
        npm install --silent --no-audit --no-fund "${NPM_ORACLES[@]}") || die "npm install failed"
    touch "$ORACLES/.done-v2"
fi
if [[ ! -x "$VENV/bin/ruff" || ! -x "$VENV/bin/detect-secrets" ]]; then
    python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install -y python3-venv)"
    "$VENV/bin/pip" install --quiet ruff==0.17.6 detect-secrets==1.5.0 || die "pip install failed"
fi
export PATH="$VENV/bin:$PATH"
export DS="$VENV/bin/detect-secrets"

echo "== accuracy" >&2
status=0
python3 "$ROOT/bench/accuracy.py" --corpus "$CORPUS_DIR" --oracles "$ORACLES" \
    --shipcheck "$ROOT/target/release/shipcheck" --out "$OUT/accuracy" > "$OUT/accuracy.md" || status=$?
[[ $status -le 1 ]] || die "accuracy.py failed ($status)"

echo "== speed and memory" >&2
WORK="$OUT/compare" "$ROOT/bench/compare.sh" > "$OUT/compare.md"

cat "$OUT/accuracy.md" "$OUT/compare.md"
echo "reports: $OUT/accuracy.md $OUT/compare.md" >&2
exit "$status"
