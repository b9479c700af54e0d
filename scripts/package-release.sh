#!/bin/sh
# Packs one built storia program into its release archive.
#
#   sh scripts/package-release.sh TARGET VERSION PROGRAM OUT_DIR
#
# Writes OUT_DIR/storia-TARGET.tar.gz (storia-TARGET.zip for Windows)
# holding one folder, storia-VERSION-TARGET/, with the program (`storia`,
# `storia.exe` on Windows) and README.md, and prints the archive's path.
# Asset names carry no version, so .../releases/latest/download/NAME always
# names the newest; the folder inside says which version it is. Run by
# .github/workflows/release.yml; tests/release.rs checks the layout.
set -eu
[ $# -eq 4 ] || { echo "usage: sh scripts/package-release.sh TARGET VERSION PROGRAM OUT_DIR" >&2; exit 2; }
target=$1
version=${2#v}
program=$3
out=$4
root=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$program" ] || { echo "package-release: no program at $program" >&2; exit 1; }

name="storia-$version-$target"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/$name"
case "$target" in *windows*) exe=storia.exe ;; *) exe=storia ;; esac
cp "$program" "$work/$name/$exe"
chmod 755 "$work/$name/$exe"
cp "$root/README.md" "$work/$name/README.md"

mkdir -p "$out"
out=$(cd "$out" && pwd)
case "$target" in
  *windows*)
    archive="$out/storia-$target.zip"
    rm -f "$archive"
    if command -v zip >/dev/null 2>&1; then
      (cd "$work" && zip -qr "$archive" "$name")
    else
      (cd "$work" && 7z a -tzip -bd "$archive" "$name" >/dev/null)
    fi
    ;;
  *)
    archive="$out/storia-$target.tar.gz"
    (cd "$work" && tar -czf "$archive" "$name")
    ;;
esac
echo "$archive"
