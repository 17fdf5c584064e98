#!/usr/bin/env sh
# Run every fuzz target (or the ones named) for N seconds each, in sequence,
# and print the executions libFuzzer reports.
#   fuzz/run.sh                   # all targets, 60 s each
#   fuzz/run.sh 180 lexer config  # two targets, 180 s each (or FUZZ_SECONDS=180)
# Needs cargo-fuzz and a nightly toolchain (or RUSTC_BOOTSTRAP=1 with
# CARGO_FUZZ_TOOLCHAIN= to use stable).
set -eu
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
case "${1:-}" in
    ''|*[!0-9]*) ;;
    *) seconds="$1"; shift ;;
esac
targets="${*:-dotenv lexer config migrations migration_sql checks redaction}"
toolchain="${CARGO_FUZZ_TOOLCHAIN-+nightly}"
log_dir="${TMPDIR:-/tmp}/shipcheck-fuzz-logs"
mkdir -p "$log_dir"
status=0
for t in $targets; do
    # The working corpus is not in git: it starts from the named seeds and
    # grows with every run (keep it between runs to fuzz on from there).
    mkdir -p "fuzz/corpus/$t"
    cp -n "fuzz/seeds/$t/"* "fuzz/corpus/$t/" 2>/dev/null || true
    log="$log_dir/$t.log"
    echo "== $t: ${seconds}s (log: $log)"
    # shellcheck disable=SC2086
    if cargo $toolchain fuzz run "$t" -- -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
        result=ok
    else
        result="CRASH (see fuzz/artifacts/$t/)"
        status=1
    fi
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    if [ -z "$execs" ]; then
        execs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#' || true)
    fi
    echo "   $t: ${execs:-?} executions, $result"
done
exit $status
