#!/bin/sh
# Writes DIR/SHA256SUMS for the release archives in DIR, in the format
# `sha256sum -c` reads (`HEX  NAME`), sorted by name.
#
#   sh scripts/checksums.sh DIR
set -eu
[ $# -eq 1 ] || { echo "usage: sh scripts/checksums.sh DIR" >&2; exit 2; }
cd "$1"
set -- storia-*.tar.gz storia-*.zip
list=""
for f in "$@"; do
  [ -f "$f" ] && list="$list $f"
done
[ -n "$list" ] || { echo "checksums: no storia-*.tar.gz or storia-*.zip in $(pwd)" >&2; exit 1; }
if command -v sha256sum >/dev/null 2>&1; then
  sum() { sha256sum "$@"; }
else
  sum() { shasum -a 256 "$@"; }
fi
# shellcheck disable=SC2086
sum $list | sort -k 2 > SHA256SUMS
cat SHA256SUMS
