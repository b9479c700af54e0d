#!/bin/sh
# Installs storia from a release on GitHub: a prebuilt program, no Rust needed.
#
#   curl -fsSL https://github.com/OWNER/storia/releases/latest/download/install.sh | sh
#   sh install.sh [--version v0.2.0] [--to DIR] [--repo OWNER/NAME] [--target TRIPLE] [--dry-run]
#
# It picks the archive for this machine (Linux or macOS, x86_64 or arm64),
# downloads it with SHA256SUMS from the same release, refuses it unless its
# checksum matches, and puts `storia` into DIR (default ~/.local/bin),
# replacing an older copy in one step. Nothing else is written.
#
# Environment (the options win): STORIA_REPO, STORIA_VERSION (a tag such as
# v0.2.0, or "latest"), STORIA_INSTALL_DIR, STORIA_TARGET, and
# STORIA_DOWNLOAD_URL (the folder the release's files are read from, for a
# mirror or a local test; it replaces the GitHub address).
set -eu

# Filled in when the script is published with a release.
repo="${STORIA_REPO:-@STORIA_REPO@}"
version="${STORIA_VERSION:-@STORIA_VERSION@}"
dir="${STORIA_INSTALL_DIR:-${HOME:-}/.local/bin}"
target="${STORIA_TARGET:-}"
base="${STORIA_DOWNLOAD_URL:-}"
dry=0

say() { printf '%s\n' "$*"; }
die() { printf 'storia install: %s\n' "$*" >&2; exit 1; }

usage() {
  say "usage: sh install.sh [--version TAG] [--to DIR] [--repo OWNER/NAME] [--target TRIPLE] [--dry-run]"
  say "Installs the storia program from a GitHub release into DIR (default ~/.local/bin)."
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || die "--version needs a tag"; version=$2; shift 2 ;;
    --to) [ $# -ge 2 ] || die "--to needs a folder"; dir=$2; shift 2 ;;
    --repo) [ $# -ge 2 ] || die "--repo needs OWNER/NAME"; repo=$2; shift 2 ;;
    --target) [ $# -ge 2 ] || die "--target needs a target triple"; target=$2; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done

# An unpublished copy of this script knows neither.
case "$version" in @*@|'') version=latest ;; esac
case "$version" in latest|v*) ;; *) version="v$version" ;; esac

if [ -z "$target" ]; then
  os=$(uname -s)
  arch=$(uname -m)
  case "$arch" in
    x86_64|amd64) arch=x86_64 ;;
    aarch64|arm64) arch=aarch64 ;;
    *) die "no prebuilt storia for the processor $arch: build it from source (cargo install, see the guide)" ;;
  esac
  case "$os" in
    Linux) target="$arch-unknown-linux-musl" ;;
    Darwin) target="$arch-apple-darwin" ;;
    MINGW*|MSYS*|CYGWIN*|Windows_NT) die "on Windows, use the Linux program under WSL (see the guide)" ;;
    *) die "no prebuilt storia for $os: build it from source (cargo install, see the guide)" ;;
  esac
fi
archive="storia-$target.tar.gz"

if [ -z "$base" ]; then
  case "$repo" in
    @*@|'') die "set STORIA_REPO=OWNER/NAME (or --repo), the GitHub repository storia is released from" ;;
  esac
  if [ "$version" = latest ]; then
    base="https://github.com/$repo/releases/latest/download"
  else
    base="https://github.com/$repo/releases/download/$version"
  fi
fi
base="${base%/}"

if [ "$dry" = 1 ]; then
  say "would download $base/$archive"
  say "would check it against $base/SHA256SUMS"
  say "would install $dir/storia"
  exit 0
fi

if command -v curl >/dev/null 2>&1; then
  fetch() { curl -fsSL --retry 3 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget -q -O "$2" "$1"; }
else
  die "curl or wget is needed to download storia"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
  die "sha256sum or shasum is needed to check the download"
fi

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t storia)
trap 'rm -rf "$tmp"' EXIT INT TERM

fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" || die "cannot download $base/SHA256SUMS"
want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$want" ] || die "the release has no $archive (no prebuilt storia for $target)"
fetch "$base/$archive" "$tmp/$archive" || die "cannot download $base/$archive"
got=$(sha256 "$tmp/$archive")
[ "$got" = "$want" ] || die "$archive does not match its checksum in SHA256SUMS (expected $want, got $got): not installed"

mkdir "$tmp/x"
tar -xzf "$tmp/$archive" -C "$tmp/x" || die "cannot unpack $archive"
set -- "$tmp"/x/storia-*/storia
[ -f "$1" ] || die "$archive holds no storia program"
program=$1

mkdir -p "$dir" || die "cannot create $dir"
# Copied beside the old one, then renamed over it: never half a program.
cp "$program" "$dir/.storia.new.$$" || die "cannot write into $dir"
chmod 755 "$dir/.storia.new.$$"
mv -f "$dir/.storia.new.$$" "$dir/storia" || die "cannot replace $dir/storia"

installed=$("$dir/storia" --version 2>/dev/null || echo storia)
say "installed $installed into $dir/storia"
case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) say "$dir is not on your PATH: add it (for example, export PATH=\"$dir:\$PATH\" in ~/.profile)" ;;
esac
