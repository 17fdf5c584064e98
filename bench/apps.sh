#!/usr/bin/env bash
# Real-application corpus for the issue 12 evaluation (bench/apps.py).
#
#   bench/apps.sh [CORPUS_DIR]        # default /tmp/shipcheck-apps
#
# For each line of bench/apps.manifest (`<owner>/<name> <sha> <kind>`), clones
# the local snapshot $APPS_MIRRORS/<owner>+<name>/repo (default APPS_MIRRORS:
# /work/.mirror; a bare git directory, or a clone with .git inside) into
# CORPUS_DIR/<owner>+<name>, checks out the pinned commit detached and verifies
# that HEAD is exactly the manifest's commit. Idempotent: a clone already at
# the pinned commit with a clean tree is reused untouched.
#
# The snapshots are fetched outside this repository and never committed; the
# corpus lives outside it too. Not part of CI: nothing here runs offline-free
# of the snapshots. Prints `<owner>/<name> <dir>` per app on stdout.
# Exit: 0 all apps ready, 1 a mismatch (wrong commit, dirty clone), 2 setup
# error (bad manifest, missing snapshot, missing commit).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MANIFEST="${APPS_MANIFEST:-$ROOT/bench/apps.manifest}"
MIRRORS="${APPS_MIRRORS:-/work/.mirror}"
CORPUS="${1:-${CORPUS_DIR:-/tmp/shipcheck-apps}}"
die() { echo "apps.sh: $*" >&2; exit "${2:-2}"; }

command -v git >/dev/null || die "git not found (apt-get install -y git)"
[[ -f "$MANIFEST" ]] || die "no manifest at $MANIFEST"
case "$CORPUS" in
    "$ROOT"|"$ROOT"/*) die "CORPUS_DIR $CORPUS is inside the repository: the apps must stay outside it" ;;
esac
mkdir -p "$CORPUS"

# Check the whole manifest before touching anything.
declare -a APPS=() SHAS=()
declare -A SEEN=()
n=0
while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    line="${line%%#*}"
    [[ -z "${line//[[:space:]]/}" ]] && continue
    read -r app sha kind extra <<< "$line"
    [[ -z "${extra:-}" && -n "${kind:-}" ]] ||
        die "$MANIFEST:$n: expected '<owner>/<name> <sha> <kind>', got: $line"
    [[ "$app" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] ||
        die "$MANIFEST:$n: '$app' is not <owner>/<name>"
    [[ "$sha" =~ ^[0-9a-f]{40}$ ]] || die "$MANIFEST:$n: '$sha' is not a full 40-hex commit"
    [[ "$kind" =~ ^[a-z0-9-]+$ ]] || die "$MANIFEST:$n: kind '$kind' should be lowercase words joined by '-'"
    [[ -z "${SEEN[$app]:-}" ]] || die "$MANIFEST:$n: $app listed twice"
    SEEN[$app]=1
    APPS+=("$app") SHAS+=("$sha")
done < "$MANIFEST"
[[ ${#APPS[@]} -ge 10 ]] || die "the manifest lists ${#APPS[@]} apps; issue 12 asks for at least 10"

missing=()
for app in "${APPS[@]}"; do
    m="$MIRRORS/${app/\//+}/repo"
    [[ -d "$m" ]] || missing+=("$app")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    for app in "${missing[@]}"; do
        echo "apps.sh: no snapshot of $app at $MIRRORS/${app/\//+}/repo: fetch github:$app first" >&2
    done
    die "${#missing[@]} snapshot(s) missing"
fi

status=0
for i in "${!APPS[@]}"; do
    app="${APPS[$i]}" sha="${SHAS[$i]}"
    m="$MIRRORS/${app/\//+}/repo"
    dir="$CORPUS/${app/\//+}"
    if [[ -e "$dir" && ! -d "$dir/.git" ]]; then
        die "$dir exists but is not a git clone: remove it and rerun"
    fi
    fresh=0
    if [[ ! -d "$dir/.git" ]]; then
        echo "apps.sh: cloning $app" >&2
        fresh=1
        rm -rf "$dir.part"
        git clone -q --no-checkout "$m" "$dir.part" || die "git clone $m failed"
        mv "$dir.part" "$dir"
    fi
    g=(git -C "$dir" -c advice.detachedHead=false)
    if [[ $fresh -eq 1 || "$("${g[@]}" rev-parse -q --verify HEAD 2>/dev/null || true)" != "$sha" ]]; then
        if ! "${g[@]}" cat-file -e "$sha^{commit}" 2>/dev/null; then
            "${g[@]}" fetch -q "$m" "$sha" 2>/dev/null ||
                die "commit $sha of $app is not in the snapshot $m: fetch github:$app again, or re-pin the manifest to $(git --git-dir="$m" rev-parse HEAD 2>/dev/null || echo '?')"
        fi
        if [[ $fresh -eq 0 && -n "$("${g[@]}" status --porcelain --untracked-files=no)" ]]; then
            echo "apps.sh: $dir has local changes: remove it (rm -rf) and rerun" >&2
            status=1
            continue
        fi
        # A snapshot lacks files of 4 MiB and more (fonts, images, LFS): leave
        # those out of the checkout (sparse), so the tree is clean and exact
        # for every file the snapshot has.
        absent=$("${g[@]}" ls-tree -r --format='%(objecttype) %(objectname) %(path)' "$sha" |
            awk '$1 == "blob" { print $2 }' | "${g[@]}" cat-file --batch-check | awk '$2 == "missing" { print $1 }')
        if [[ -n "$absent" ]]; then
            {
                echo '/*'
                "${g[@]}" ls-tree -r --format='%(objectname) %(path)' "$sha" |
                    awk 'NR == FNR { a[$1] = 1; next } ($1 in a) { sub(/^[0-9a-f]+ /, ""); print "!/" $0 }' \
                        <(echo "$absent") -
            } > "$dir/.git/apps-sparse"
            "${g[@]}" sparse-checkout set --no-cone --stdin < "$dir/.git/apps-sparse" ||
                die "git sparse-checkout in $dir failed"
            echo "apps.sh: $app: $(grep -c '^!' "$dir/.git/apps-sparse") file(s) absent from the snapshot (4 MiB and more) left out of the checkout" >&2
        fi
        # (git still names the absent blobs when it writes the index's cache tree: harmless)
        "${g[@]}" checkout -q --detach "$sha" 2> >(grep -v '^error: invalid object ' >&2) ||
            die "git checkout $sha in $dir failed"
    fi
    head="$("${g[@]}" rev-parse HEAD)"
    if [[ "$head" != "$sha" ]]; then
        echo "apps.sh: MISMATCH $app: HEAD is $head, the manifest pins $sha" >&2
        status=1
        continue
    fi
    if [[ -n "$("${g[@]}" status --porcelain --untracked-files=no)" ]]; then
        echo "apps.sh: $dir differs from $sha (local changes): remove it and rerun" >&2
        status=1
        continue
    fi
    echo "$app $dir"
done
[[ $status -eq 0 ]] || die "some clones do not match the manifest" 1
echo "apps.sh: ${#APPS[@]} apps ready in $CORPUS at their pinned commits" >&2
