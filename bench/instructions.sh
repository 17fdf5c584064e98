#!/bin/sh
# Instructions each binary executes checking each app (valgrind's callgrind
# count, "Collected"): a per-run cost that does not move with the machine's
# load, for before/after comparisons of the walk on a shared machine, where
# wall and CPU times drift by 20 % or more. Release builds; default config.
#
#   bench/instructions.sh OLD_BINARY NEW_BINARY [APP_DIR...]
#
# APP_DIRs default to the real-app corpus's (bench/apps.sh, /tmp/shipcheck-apps).
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OLD NEW [APP_DIR...]" >&2; exit 2; }
old=$1 new=$2
shift 2
[ $# -gt 0 ] || set -- "${CORPUS_DIR:-/tmp/shipcheck-apps}"/*
command -v valgrind >/dev/null || { echo "$0: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" check "$2" --format json \
        2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '| app | files | before (M instructions) | after | ratio |\n|---|---:|---:|---:|---:|\n'
for app in "$@"; do
    [ -d "$app" ] || continue
    files=$(git -C "$app" ls-files 2>/dev/null | wc -l)
    a=$(count "$old" "$app")
    b=$(count "$new" "$app")
    awk -v n="$(basename "$app")" -v f="$files" -v a="$a" -v b="$b" \
        'BEGIN { printf "| %s | %d | %.0f | %.0f | %.2f |\n", n, f, a / 1e6, b / 1e6, b / a }'
done
