#!/usr/bin/env bash
# Prints the cache key of the action's source build: the runner's OS, arch
# and image (a binary linked on one image may not run on another) and a
# SHA-256 over every file the build reads (Cargo.toml, Cargo.lock, build.rs,
# .cargo/config.toml, src/), path and content. A changed action source is a
# new key, so an upgraded action never runs the binary of an older one.
# (hashFiles() in action.yml cannot do this: it only sees the workspace, not
# the action's own directory.)
#
# Usage: cache-key.sh [ACTION_PATH]   (default: the directory above this script)
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

# sha256sum on Linux and Git for Windows; shasum on macOS.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi | cut -c1-64
}

sources() {
  for f in Cargo.toml Cargo.lock build.rs .cargo/config.toml; do
    if [ -f "$f" ]; then echo "$f"; fi
  done
  find src -type f
}

digest=$(sources | LC_ALL=C sort | while IFS= read -r f; do
  printf '%s  %s\n' "$(sha256 < "$f")" "$f"
done | sha256)

echo "shipcheck-source-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}${ImageOS:+-$ImageOS}-$digest"
