#!/usr/bin/env bash
# Real-code corpus for the accuracy evaluation (bench/accuracy.py).
#
# Fetches a pinned list of source-rich packages from the npm registry and PyPI
# and lays them out as plain trees (no node_modules, no dependencies):
#   $CORPUS_DIR/npm/<name>/...     npm tarballs (`npm pack`), unpacked
#   $CORPUS_DIR/pypi/<name>/...    PyPI sdists (`pip download --no-binary`), unpacked
#   $CORPUS_DIR/crates/<name>/...  crates.io sources (the .crate files `cargo vendor`
#                                  unpacks), checked against the index's sha256
# Writes $CORPUS_DIR/stats.tsv (package, files, bytes) and prints it.
# Idempotent: a package already unpacked is not fetched again.
# Needs npm, pip (python3 -m pip), curl, sha256sum, tar. Takes a few minutes.
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
# name version sha256 (the `cksum` of the version in index.crates.io)
CRATES=(
  "tokio 1.54.1 b52fd3255258d26fac7264ab5a76b53c13367136dc011d3d6ad4f8ed070396a3"
  "syn 3.0.10 4ae9ccbea3a7b0b09443036490c8f34a8b1b760fd345e5c0dae0aac718faea79"
  "regex 1.13.2 9807af0e638c12e753aa1b4e601791bf2a8f71274023c8bbeec12fc149950857"
  "serde 1.0.229 4148590afebada386688f18773da617792bf2ef03ffc1e4cbd2b1d45b023e0ba"
  "clap_builder 4.6.7 ec0797fb7aeb1406c84efac526901f7ec3ead2124f946b494e72879d4b54704d"
  "hyper 1.12.0 2c3e324da4c95177d6291d4c8730197c0d1822f8a9766814a4a44fa5ab797c9c"
  "rustls 0.23.46 48e13bd8c0e9365c43cfa5c9e8f9ad49d3c8444926c9aac819e0e4dc503c8fdf"
  "sqlx-core 0.9.0 05b44e85bf579a8eeb4ceaa77a3a523baf2bf0e9bac7e40f405d537b5d2d5ccb"
  "diesel 2.3.14 ebe9f7eaef33febd60290c5a9f3b0571d03c4c04a24739cd64808ce30e65a5d3"
  "rayon 1.12.0 fb39b166781f92d482534ef4b4b1b2568f42613b53e5b6c160e24cfbfa30926d"
)

mkdir -p "$CORPUS_DIR/npm" "$CORPUS_DIR/pypi" "$CORPUS_DIR/crates" "$CORPUS_DIR/.dl"
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

for entry in "${CRATES[@]}"; do
  read -r name version sum <<<"$entry"
  dir="$CORPUS_DIR/crates/$name"
  [ -f "$dir/.done" ] && continue
  echo "crate: $name $version" >&2
  rm -rf "$dir"; mkdir -p "$dir"
  file="$dl/$name-$version.crate"
  curl -fsSL --retry 3 -o "$file" "https://static.crates.io/crates/$name/$name-$version.crate"
  echo "$sum  $file" | sha256sum --check --quiet - || { echo "corpus: $name $version: checksum mismatch" >&2; exit 1; }
  tar -xzf "$file" -C "$dir" --strip-components=1
  touch "$dir/.done"
done

# Stats: files and bytes per package (the .done markers excluded).
{
  printf 'package\tfiles\tbytes\n'
  for dir in "$CORPUS_DIR"/npm/* "$CORPUS_DIR"/pypi/* "$CORPUS_DIR"/crates/*; do
    files=$(find "$dir" -type f ! -name .done | wc -l)
    bytes=$(find "$dir" -type f ! -name .done -printf '%s\n' | awk '{s+=$1} END {print s+0}')
    printf '%s\t%s\t%s\n' "${dir#"$CORPUS_DIR"/}" "$files" "$bytes"
  done
} > "$CORPUS_DIR/stats.tsv"
awk -F'\t' 'NR>1 {f+=$2; b+=$3} {print} END {printf "TOTAL\t%d\t%d\n", f, b}' "$CORPUS_DIR/stats.tsv" | column -t
