#!/usr/bin/env bash
# Installs shipcheck for the composite action and puts it on GITHUB_PATH.
#
#   install.sh plan   writes the outputs action.yml branches on: version,
#                     mode (release or source), cache-key and cache-path
#   install.sh        installs that version
#
# The version is the `version` input, else action/VERSION at the action's
# ref: `github.action_ref` is empty inside composite actions
# (actions/runner#2473), so the release workflow writes the version into the
# tagged commit. A version ending in -dev marks a commit that is not a release
# (main, a branch, a SHA): the action's own source is built with cargo,
# cached under a key that hashes that source (cache-key.sh). Any other
# version is a release: the archive for this runner's OS and arch, verified
# against the release's SHA256SUMS before it runs.
#
# Runs under bash 3.2 (macOS) and Git for Windows' bash as well as Linux.
# SHIPCHECK_RELEASE_BASE_URL replaces the GitHub releases URL (tests).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
action_path=${GITHUB_ACTION_PATH:-$(dirname "$here")}
base_url=${SHIPCHECK_RELEASE_BASE_URL:-https://github.com/shipcheck/shipcheck/releases/download}

# One line on stderr; an error annotation when running in Actions.
fail() {
  if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::error title=shipcheck::$*" >&2; fi
  echo "shipcheck: $*" >&2
  exit 1
}

# Git for Windows' bash sees D:\a\_temp as /d/a/_temp; the runner wants the
# Windows form back in GITHUB_PATH.
unix_path() { if command -v cygpath >/dev/null 2>&1; then cygpath -u "$1"; else echo "$1"; fi; }
native_path() { if command -v cygpath >/dev/null 2>&1; then cygpath -w "$1"; else echo "$1"; fi; }

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -c1-64
}

runner_temp=$(unix_path "${RUNNER_TEMP:?RUNNER_TEMP is not set}")
os=${RUNNER_OS:-$(uname -s)}
arch=${RUNNER_ARCH:-$(uname -m)}
exe=""
case "$os" in Windows | MINGW* | MSYS* | CYGWIN*) exe=.exe ;; esac

if [ -n "${INPUT_VERSION:-}" ]; then
  version=${INPUT_VERSION#v}
  origin="the version input"
  case "$version" in
    *-dev) fail "version $version is not a release; give a released version (see https://github.com/shipcheck/shipcheck/releases) or leave the input empty" ;;
  esac
else
  version=$(tr -d ' \r\n' < "$action_path/action/VERSION")
  origin="action/VERSION"
fi
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  fail "version '$version' (from $origin) is not a version like 1.2.3"
fi

case "$version" in
  *-dev) mode=source ;;
  *) mode=release ;;
esac
source_dir=$runner_temp/shipcheck-source

if [ "${1:-}" = plan ]; then
  {
    echo "version=$version"
    echo "mode=$mode"
    if [ "$mode" = source ]; then
      echo "cache-key=$(bash "$here/cache-key.sh" "$action_path")"
      echo "cache-path=$(native_path "$source_dir")"
    fi
  } >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
  exit 0
fi

# The runner's platform -> the release target. The Linux binaries are static
# (musl) and run on any distribution; Windows on ARM64 runs the x64 binary
# under the system's emulation.
platform() {
  case "$os/$arch" in
    Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64 | Linux/aarch64 | Linux/arm64) echo aarch64-unknown-linux-musl ;;
    macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
    macOS/ARM64 | Darwin/arm64) echo aarch64-apple-darwin ;;
    Windows/X64 | Windows/ARM64 | MINGW*/x86_64 | MSYS*/x86_64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

# fetch URL FILE MISSING: downloads URL to FILE, or fails with one line
# naming the version and the URL tried: MISSING when nothing is there.
fetch() {
  local code status=0
  code=$(curl -sSL --retry 3 --retry-delay 2 -o "$2" -w '%{http_code}' "$1" 2> "$tmp/curl.err") || status=$?
  case "$status/$1" in
    0/http://* | 0/https://*) [ "$code" = 200 ] || fail "$3: $1 answered HTTP $code" ;;
    0/*) ;;
    37/file://*) fail "$3: $1 does not exist" ;;
    *) fail "could not download version $version: $1: $(tail -n 1 "$tmp/curl.err")" ;;
  esac
}

install_release() {
  local target asset sums_url expected actual found
  if ! target=$(platform); then
    fail "no release binary of version $version for $os/$arch; use a Linux, macOS or Windows runner (X64 or ARM64)"
  fi
  case "$target" in
    *-windows-*) asset="shipcheck-$version-$target.zip" ;;
    *) asset="shipcheck-$version-$target.tar.gz" ;;
  esac
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT

  sums_url="$base_url/v$version/SHA256SUMS"
  fetch "$sums_url" "$tmp/SHA256SUMS" "version $version is not released (no SHA256SUMS)"
  # sha256sum lines: HASH, two spaces (or space and * for binary mode), name.
  expected=$(awk -v want="$asset" '{ name = $2; sub(/^\*/, "", name); sub(/^.*\//, "", name); if (name == want) { print $1; exit } }' "$tmp/SHA256SUMS")
  if [ -z "$expected" ]; then
    fail "release v$version has no $asset for $os/$arch: $sums_url does not list it"
  fi
  fetch "$base_url/v$version/$asset" "$tmp/$asset" "release v$version has no $asset for $os/$arch"
  actual=$(sha256_of "$tmp/$asset")
  if [ "$expected" != "$actual" ]; then
    fail "SHA-256 of $asset is $actual but SHA256SUMS of v$version says $expected; refusing to run it"
  fi

  mkdir -p "$tmp/unpacked"
  case "$asset" in
    *.zip)
      if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$tmp/$asset" -d "$tmp/unpacked"
      elif command -v 7z >/dev/null 2>&1; then
        7z x -y -o"$tmp/unpacked" "$tmp/$asset" > /dev/null
      else
        powershell -NoProfile -Command "Expand-Archive -Force -Path '$(native_path "$tmp/$asset")' -DestinationPath '$(native_path "$tmp/unpacked")'"
      fi
      ;;
    *) tar -xzf "$tmp/$asset" -C "$tmp/unpacked" ;;
  esac
  # The binary sits at the archive's root or in one top-level directory.
  found=$(find "$tmp/unpacked" -maxdepth 2 -type f -name "shipcheck$exe" | head -n 1)
  if [ -z "$found" ]; then
    fail "$asset of version $version holds no shipcheck$exe"
  fi
  bin_dir=$runner_temp/shipcheck-$version/bin
  mkdir -p "$bin_dir"
  cp "$found" "$bin_dir/shipcheck$exe"
  chmod +x "$bin_dir/shipcheck$exe"
}

install_source() {
  local key
  key=$(bash "$here/cache-key.sh" "$action_path")
  bin_dir=$source_dir/bin
  # The cache is restored by exact key, and the key is stamped next to the
  # binary too: a binary built from other source is never reused.
  if [ -x "$bin_dir/shipcheck$exe" ] && [ "$(cat "$source_dir/source-key" 2> /dev/null)" = "$key" ]; then
    echo "shipcheck: version $version is not a release; using the cached build of this action's source ($key)"
    return
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    fail "version $version (from $origin) is not a release, and building this action's source needs cargo: add a Rust toolchain step, use a release tag (uses: shipcheck/shipcheck@v0) or give version:"
  fi
  echo "shipcheck: version $version is not a release; building this action's source with cargo (cached for the next runs)"
  rm -rf "$source_dir"
  cargo install --locked --quiet --path "$action_path" --root "$source_dir"
  echo "$key" > "$source_dir/source-key"
}

if [ "$mode" = source ]; then install_source; else install_release; fi

if ! installed=$("$bin_dir/shipcheck$exe" --version 2>&1 | head -n 1); then
  fail "the installed shipcheck$exe (version $version) does not run on $os/$arch: $installed"
fi
# A release archive must hold the version it is named for (a source build is
# whatever the source says).
if [ "$mode" = release ] && [ "$installed" != "shipcheck $version" ]; then
  fail "the binary in the v$version archive says '$installed', not shipcheck $version; refusing to run it"
fi
echo "$installed ($bin_dir)"
if [ -n "${GITHUB_PATH:-}" ]; then
  native_path "$bin_dir" >> "$GITHUB_PATH"
fi
