#!/bin/sh
# dist/package.sh BINARY OUTDIR
#
# Packages one already-built shipcheck binary for every channel, the one
# script the release workflow runs per target (and tests/packaging.rs runs
# with the host's binary). Writes into OUTDIR:
#
#   shipcheck-VERSION-TARGET.tar.gz (.zip for Windows)   the release archive:
#       the binary (shipcheck / shipcheck.exe) at its root, README.md and
#       LICENSE when the repository has them
#   shipcheck-VERSION-TARGET.tar.gz.sha256                `sha256sum` format;
#       SHA256SUMS is these files concatenated
#   shipcheck-cli-OS-CPU-VERSION.tgz     the npm platform package
#       @shipcheck/cli-OS-CPU (the binary, `os`/`cpu` fields)
#   shipcheck-VERSION.tgz                the npm `shipcheck` package (the
#       launcher); the same for every target, publish it once, last
#   shipcheck-VERSION-py3-none-TAGS.whl  the PyPI wheel (dist/pypi_wheel.py)
#
# Environment:
#   TARGET  the Rust target triple BINARY was built for (default: the host's,
#           from `rustc -vV`). Linux triples may be -musl (what releases
#           ship: static, runs on any Linux) or -gnu (local builds).
#   PYTHON  the Python 3 interpreter (default: python3, else python)
#
# Needs: sh, tar, node + npm, Python 3 (standard library only). The version
# is Cargo.toml's; a binary that runs here must report that same version.
set -eu

die() {
  echo "package.sh: $*" >&2
  exit 1
}

[ $# -eq 2 ] || die "usage: dist/package.sh BINARY OUTDIR"
binary=$1
[ -f "$binary" ] || die "no binary at $binary"
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mkdir -p "$2"
outdir=$(cd "$2" && pwd)

# [package].version: the first `version = "…"` after the [package] header.
version=$(awk '/^\[/ { section = $0 } section == "[package]" && /^version *=/ { gsub(/.*= *"|".*/, ""); print; exit }' "$root/Cargo.toml")
[ -n "$version" ] || die "no [package] version in $root/Cargo.toml"
summary=$(awk '/^\[/ { section = $0 } section == "[package]" && /^description *=/ { sub(/^description *= *"/, ""); sub(/"$/, ""); print; exit }' "$root/Cargo.toml")

if [ -z "${TARGET:-}" ]; then
  TARGET=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')
  [ -n "$TARGET" ] || die "set TARGET (rustc is not here to tell the host's target triple)"
fi
target=$TARGET

# A cross-compiled binary cannot run here; a native one must be this version,
# so a stale build is never shipped under a new number.
if reported=$("$binary" --version 2>/dev/null); then
  [ "$reported" = "shipcheck $version" ] || die "$binary says '$reported', Cargo.toml says $version"
fi

# npm's process.platform/process.arch names, which the launcher looks up.
case $target in
  x86_64-*-linux-*) os=linux cpu=x64 ;;
  aarch64-*-linux-*) os=linux cpu=arm64 ;;
  x86_64-apple-darwin) os=darwin cpu=x64 ;;
  aarch64-apple-darwin) os=darwin cpu=arm64 ;;
  x86_64-pc-windows-*) os=win32 cpu=x64 ;;
  *) die "no package layout for target $target (Linux x86_64/aarch64, macOS x86_64/aarch64, Windows x86_64)" ;;
esac
exe=shipcheck
[ "$os" = win32 ] && exe=shipcheck.exe

# The first that runs: on Windows `python3` may be the Store's placeholder.
python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 7))' >/dev/null 2>&1; }
if [ -z "${PYTHON:-}" ]; then
  for PYTHON in python3 python; do
    if python_ok "$PYTHON"; then break; fi
  done
fi
python_ok "$PYTHON" || die "Python 3.7 or newer is needed (set PYTHON)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{ print $1 }'
  else
    shasum -a 256 "$1" | awk '{ print $1 }'
  fi
}

# Copies the binary, README.md and LICENSE* (when present) into a folder.
stage() {
  mkdir -p "$1"
  cp "$binary" "$1/$exe"
  chmod 755 "$1/$exe"
  for doc in "$root"/README.md "$root"/LICENSE*; do
    if [ -f "$doc" ]; then cp "$doc" "$1/"; fi
  done
}

# 1. The release archive and its checksum.
name=shipcheck-$version-$target
stage "$work/archive"
# Members are bare names (`shipcheck`, not `./shipcheck`), so
# `tar -xzf ARCHIVE shipcheck` extracts the binary.
if [ "$os" = win32 ]; then
  archive=$name.zip
  (cd "$work/archive" && set -- * && "$PYTHON" -m zipfile -c "$outdir/$archive" "$@")
else
  archive=$name.tar.gz
  # Owned by root in the archive, whoever built it (GNU tar; bsdtar on macOS
  # has no such flags and records the runner's user).
  owner=""
  if tar --version 2>/dev/null | grep -q GNU; then owner="--owner=0 --group=0 --numeric-owner"; fi
  # shellcheck disable=SC2086 # $owner is a list of flags, or nothing
  (cd "$work/archive" && set -- * && tar $owner -czf "$outdir/$archive" "$@")
fi
# Written by hand: sha256sum on Windows prints `HASH *NAME` (binary mode).
printf '%s  %s\n' "$(sha256 "$outdir/$archive")" "$archive" >"$outdir/$archive.sha256"

# 2. The npm packages, from the templates in npm/: the platform package
# holds the binary and declares os/cpu so npm installs only the matching one
# (no `libc` field: the Linux binaries are static musl and run on glibc and
# musl alike); the `shipcheck` package holds the launcher and depends on
# every platform package at exactly this version.
stage "$work/npm-platform"
mkdir -p "$work/npm-main/bin"
cp "$root/npm/shipcheck/bin/shipcheck.js" "$work/npm-main/bin/"
for doc in "$root"/README.md "$root"/LICENSE*; do
  if [ -f "$doc" ]; then cp "$doc" "$work/npm-main/"; fi
done
rm -f "$work/npm-platform/README.md"
sed -e "s/OS-CPU/$os-$cpu/g" -e "s/OS CPU/$os $cpu/g" "$root/npm/platform/README.md" >"$work/npm-platform/README.md"
node - "$root/npm" "$work" "$version" "$os" "$cpu" "$exe" <<'EOF'
const fs = require("fs");
const path = require("path");
const [templates, work, version, os, cpu, exe] = process.argv.slice(2);
const read = (file) => JSON.parse(fs.readFileSync(path.join(templates, file), "utf8"));
const write = (dir, pkg) => fs.writeFileSync(path.join(work, dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");

const main = read("shipcheck/package.json");
main.version = version;
for (const dep of Object.keys(main.optionalDependencies)) main.optionalDependencies[dep] = version;
const platform = read("platform/package.json");
platform.name = `@shipcheck/cli-${os}-${cpu}`;
if (!(platform.name in main.optionalDependencies)) {
  console.error(`package.sh: npm/shipcheck/package.json has no optional dependency on ${platform.name}`);
  process.exit(1);
}
platform.version = version;
platform.description = platform.description.replace("OS CPU", `${os} ${cpu}`);
platform.os = [os];
platform.cpu = [cpu];
platform.files = [exe];
write("npm-main", main);
write("npm-platform", platform);
EOF
npm_platform=$(cd "$work/npm-platform" && npm pack --silent --pack-destination "$outdir")
npm_main=$(cd "$work/npm-main" && npm pack --silent --pack-destination "$outdir")

# 3. The wheel, from the same binary (see dist/pypi_wheel.py for why not maturin).
set -- --binary "$binary" --version "$version" --target "$target" --summary "$summary" --outdir "$outdir"
if [ -f "$root/README.md" ]; then set -- "$@" --readme "$root/README.md"; fi
for doc in "$root"/LICENSE*; do
  if [ -f "$doc" ]; then set -- "$@" --license "$doc"; fi
done
wheel=$("$PYTHON" "$here/pypi_wheel.py" "$@")

# What was written, one name a line, for the workflow to pick up.
printf '%s\n' "$archive" "$archive.sha256" "$npm_platform" "$npm_main" "$wheel"
