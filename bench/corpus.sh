#!/usr/bin/env bash
# Real-code corpus for the accuracy evaluation (bench/accuracy.py).
#
# Fetches a pinned list of source-rich packages from the npm registry and PyPI
# and lays them out as plain trees (no node_modules, no dependencies):
#   $CORPUS_DIR/npm/<name>/...     npm tarballs (`npm pack`), unpacked
#   $CORPUS_DIR/pypi/<name>/...    PyPI sdists (`pip download --no-binary`), unpacked
# Writes $CORPUS_DIR/stats.tsv (package, files, bytes) and prints it.
# Idempotent: a package already unpacked is not fetched again.
# Needs npm, pip (python3 -m pip), tar. Takes a minute or two.
set -euo pipefail

CORPUS_DIR="${CORPUS_DIR:-/tmp/shipcheck-corpus}"

# Pinned versions (from `npm view <pkg> version` / PyPI, 2026-11-26).
NPM_PKGS=(
  typescript@7.0.2
  eslint@10.15.0
  webpack@5.112.2
  three@0.187.0
  rxjs@7.8.2
  vue@3.5.45
  svelte@5.57.3
  prettier@3.10.1
  express@5.3.0
  @babel/core@8.1.3
  next@16.4.6
  @prisma/client@7.10.0
)
PYPI_PKGS=(
  django==5.2.19
  flask==3.1.3
  sqlalchemy==2.1.9
  alembic==1.20.1
  celery==5.7.0
)

mkdir -p "$CORPUS_DIR/npm" "$CORPUS_DIR/pypi" "$CORPUS_DIR/.dl"
dl="$CORPUS_DIR/.dl"

for spec in "${NPM_PKGS[@]}"; do
  name="${spec%@*}"
  dir="$CORPUS_DIR/npm/${name//\//__}"
  [ -f "$dir/.done" ] && continue
  echo "npm: $spec" >&2
  rm -rf "$dir"; mkdir -p "$dir"
  tgz=$(cd "$dl" && npm pack --silent "$spec" | tail -1)
  tar -xzf "$dl/$tgz" -C "$dir" --strip-components=1
  touch "$dir/.done"
done

for spec in "${PYPI_PKGS[@]}"; do
  name="${spec%%==*}"
  dir="$CORPUS_DIR/pypi/$name"
  [ -f "$dir/.done" ] && continue
  echo "pypi: $spec" >&2
  rm -rf "$dir"; mkdir -p "$dir"
  python3 -m pip download --quiet --no-deps --no-binary :all: -d "$dl/$name" "$spec"
  sdist=$(ls "$dl/$name"/*.tar.gz | head -1)
  tar -xzf "$sdist" -C "$dir" --strip-components=1
  touch "$dir/.done"
done

# Stats: files and bytes per package (the .done markers excluded).
{
  printf 'package\tfiles\tbytes\n'
  for dir in "$CORPUS_DIR"/npm/* "$CORPUS_DIR"/pypi/*; do
    files=$(find "$dir" -type f ! -name .done | wc -l)
    bytes=$(find "$dir" -type f ! -name .done -printf '%s\n' | awk '{s+=$1} END {print s+0}')
    printf '%s\t%s\t%s\n' "${dir#"$CORPUS_DIR"/}" "$files" "$bytes"
  done
} > "$CORPUS_DIR/stats.tsv"
awk -F'\t' 'NR>1 {f+=$2; b+=$3} {print} END {printf "TOTAL\t%d\t%d\n", f, b}' "$CORPUS_DIR/stats.tsv" | column -t
