#!/usr/bin/env bash
# Installs shipcheck for the composite action and puts it on GITHUB_PATH.
# With INPUT_VERSION: downloads the prebuilt binary for this runner and
# verifies its SHA-256 before using it. Without: builds the action's own
# source with cargo (cached by the action between runs).
set -euo pipefail

dest="${RUNNER_TEMP:?RUNNER_TEMP is not set}/shipcheck-install"
mkdir -p "$dest/bin"

if [ -n "${INPUT_VERSION:-}" ]; then
  version="${INPUT_VERSION#v}"
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) target=x86_64-unknown-linux-gnu ;;
    Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-gnu ;;
    Darwin-arm64) target=aarch64-apple-darwin ;;
    Darwin-x86_64) target=x86_64-apple-darwin ;;
    *) echo "shipcheck: no prebuilt binary for $(uname -s)-$(uname -m); leave 'version' empty to build from source" >&2; exit 1 ;;
  esac
  base="${SHIPCHECK_RELEASE_BASE_URL:-https://github.com/shipcheck/shipcheck/releases/download}"
  archive="shipcheck-$version-$target.tar.gz"
  tmp=$(mktemp -d)
  curl -fsSL --retry 3 -o "$tmp/$archive" "$base/v$version/$archive"
  curl -fsSL --retry 3 -o "$tmp/$archive.sha256" "$base/v$version/$archive.sha256"
  expected=$(awk '{print $1; exit}' "$tmp/$archive.sha256")
  actual=$(sha256sum "$tmp/$archive" | awk '{print $1}')
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    echo "shipcheck: SHA-256 of $archive does not match its .sha256 file; refusing to run it" >&2
    exit 1
  fi
  tar -xzf "$tmp/$archive" -C "$dest/bin" shipcheck
  rm -rf "$tmp"
else
  if [ ! -x "$dest/bin/shipcheck" ]; then
    cargo install --locked --quiet --path "${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}" --root "$dest"
  fi
fi

"$dest/bin/shipcheck" --version
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$dest/bin" >> "$GITHUB_PATH"
fi
