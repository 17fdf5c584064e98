#!/bin/sh
# Installs the shipcheck release binary for this machine, verified against
# the release's SHA256SUMS:
#
#   curl -fsSL https://github.com/shipcheck/shipcheck/releases/latest/download/install.sh | sh
#
# Environment:
#   SHIPCHECK_VERSION       the version to install (1.2.3 or v1.2.3);
#                           default: the latest release
#   SHIPCHECK_INSTALL_DIR   where to put the binary; default: ~/.local/bin
#   SHIPCHECK_RELEASES_URL  the releases page; default:
#                           https://github.com/shipcheck/shipcheck/releases
#
# Files are fetched with GitHub's release URLs: RELEASES/latest/download/FILE
# (which redirects to the newest release) and RELEASES/download/vVERSION/FILE.
# The latest release's SHA256SUMS names its archives, and so its version;
# the archive is then fetched from that version's own URL, so a release
# published in between cannot mix two versions.
#
# POSIX sh: runs under dash, busybox, macOS and Git for Windows' bash.
set -eu

releases=${SHIPCHECK_RELEASES_URL:-https://github.com/shipcheck/shipcheck/releases}
releases=${releases%/}
version=${SHIPCHECK_VERSION:-}
version=${version#v}
install_dir=${SHIPCHECK_INSTALL_DIR:-${HOME:?HOME is not set; set SHIPCHECK_INSTALL_DIR}/.local/bin}

# Every failure is one line on stderr.
die() {
  echo "shipcheck install: $*" >&2
  exit 1
}

# The release's name for this machine (dist/package.sh's TARGET).
detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case $arch in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) die "no prebuilt binary for $os $arch; install with \`cargo install --locked shipcheck\`" ;;
  esac
  case $os in
    Linux) echo "$arch-unknown-linux-musl" ;; # static: any distribution, glibc or musl
    Darwin)
      # An x86_64 shell under Rosetta on Apple silicon: install the native binary.
      if [ "$arch" = x86_64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
        arch=aarch64
      fi
      echo "$arch-apple-darwin"
      ;;
    MINGW* | MSYS* | CYGWIN*)
      [ "$arch" = x86_64 ] || die "no prebuilt binary for Windows $arch; install with \`cargo install --locked shipcheck\`"
      echo "x86_64-pc-windows-msvc"
      ;;
    *) die "no prebuilt binary for $os $arch; install with \`cargo install --locked shipcheck\`" ;;
  esac
}

# fetch URL FILE: quietly; the caller says what failed.
fetch() {
  if command -v curl >/dev/null 2>&1; then
    # Over HTTPS, never follow a redirect to plain HTTP.
    case $1 in
      https://*) curl -fsL --retry 2 --proto =https --proto-redir =https --tlsv1.2 -o "$2" "$1" ;;
      *) curl -fsL --retry 2 -o "$2" "$1" ;;
    esac
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{ print $1 }'
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | awk '{ print $1 }'
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 "$1" | awk '{ print $NF }'
  else
    die "no SHA-256 tool (sha256sum, shasum or openssl) to verify the download"
  fi
}

target=$(detect_target)
case $target in
  *-windows-*) ext=zip exe=shipcheck.exe ;;
  *) ext=tar.gz exe=shipcheck ;;
esac

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t shipcheck)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

if [ -n "$version" ]; then
  sums_url=$releases/download/v$version/SHA256SUMS
  fetch "$sums_url" "$tmp/SHA256SUMS" || die "no release v$version: could not download $sums_url"
  archive=shipcheck-$version-$target.$ext
else
  sums_url=$releases/latest/download/SHA256SUMS
  fetch "$sums_url" "$tmp/SHA256SUMS" || die "could not download $sums_url"
  # The latest release's archive for this target names its version.
  archive=$(awk -v suffix="-$target.$ext" '
    substr($2, 1, 10) == "shipcheck-" && substr($2, length($2) - length(suffix) + 1) == suffix { print $2; exit }
  ' "$tmp/SHA256SUMS")
  [ -n "$archive" ] || die "the latest release has no archive for $target ($sums_url)"
  version=${archive#shipcheck-}
  version=${version%"-$target.$ext"}
fi

expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || die "release v$version has no $archive in $sums_url"

archive_url=$releases/download/v$version/$archive
fetch "$archive_url" "$tmp/$archive" || die "could not download $archive_url"
actual=$(sha256 "$tmp/$archive")
[ "$actual" = "$expected" ] || die "checksum mismatch for $archive (SHA256SUMS says $expected, the download is $actual); nothing installed"

mkdir -p "$tmp/unpacked"
if [ "$ext" = zip ]; then
  command -v unzip >/dev/null 2>&1 || die "unzip is needed to unpack $archive"
  unzip -q -o "$tmp/$archive" "$exe" -d "$tmp/unpacked" || die "$archive is not a readable zip archive"
else
  tar -xzf "$tmp/$archive" -C "$tmp/unpacked" || die "$archive is not a readable tar.gz archive"
fi
[ -f "$tmp/unpacked/$exe" ] || die "$archive has no $exe"

# Copied next to its destination, then renamed over it: a running shipcheck
# or a failed copy never leaves a half-written binary behind.
mkdir -p "$install_dir" || die "cannot create $install_dir"
cp "$tmp/unpacked/$exe" "$install_dir/.$exe.$$" || die "cannot write to $install_dir"
chmod 755 "$install_dir/.$exe.$$"
mv -f "$install_dir/.$exe.$$" "$install_dir/$exe" || die "cannot write $install_dir/$exe"

installed=$("$install_dir/$exe" --version 2>/dev/null) || die "$install_dir/$exe does not run on this machine"
echo "$installed installed to $install_dir/$exe"
case ":$PATH:" in
  *":$install_dir:"*) ;;
  *) echo "$install_dir is not on your PATH; add it: export PATH=\"$install_dir:\$PATH\"" ;;
esac
