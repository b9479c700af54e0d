#!/usr/bin/env bash
# Hostile inputs at a given size (issue 14): each must build or fail within
# a time and memory budget, whatever its shape. See benches/README.md.
#
#   benches/hostile.sh                 # 1 MB each, budget 2 s and 500 MB
#   SIZE=4000000 benches/hostile.sh    # another size (bytes)
#
# Environment:
#   SIZE          bytes of hostile text per input (default 1000000)
#   MAX_SECONDS   wall-time budget per build (default 2)
#   MAX_MB        peak-RSS budget per build (default 500)
#   HOSTILE_OUT   work folder (default /tmp/storia-hostile)
#   STORIA_BIN    use this binary instead of building target/release/storia
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE=${SIZE:-1000000}
MAX_SECONDS=${MAX_SECONDS:-2}
MAX_MB=${MAX_MB:-500}
OUT=${HOSTILE_OUT:-/tmp/storia-hostile}
case $OUT in
  /|"$ROOT"|"$ROOT"/*) echo "hostile.sh: HOSTILE_OUT must be outside the repository" >&2; exit 2 ;;
esac
[ -x /usr/bin/time ] || { echo "hostile.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
if [ -n "${STORIA_BIN:-}" ]; then
  BIN=$STORIA_BIN
else
  (cd "$ROOT" && cargo build --release --quiet --bin storia)
  BIN=$ROOT/target/release/storia
fi
rm -rf "$OUT"
mkdir -p "$OUT"

# site NAME FRONT-MATTER-LINES BODY: a site with one digest, actor `putin`.
site() {
  local dir=$OUT/$1
  mkdir -p "$dir/content/digests" "$dir/content/actors"
  printf 'title: "Hostile"\nbase_url: "https://example.org/"\n' >"$dir/site.yaml"
  printf -- '---\nname: "Vladimir Putin"\n---\n' >"$dir/content/actors/putin.md"
  python3 - "$dir/content/digests/2024-01-01-hostile.md" "$SIZE" "$1" <<'PY'
import sys
path, size, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
head = '---\ntitle: "Hostile"\ndate: 2024-01-01\n'
def repeat(unit, n=None):
    return unit * (n if n is not None else max(1, size // len(unit)))
if kind == "refs-on-one-line":
    text = head + '---\n' + repeat('[x](actor:putn) ') + '\n'
elif kind == "unknown-actor-ids":
    ids, n, total = [], 0, 0
    while total < size:
        ids.append(f"nobody{n}"); total += len(ids[-1]) + 2; n += 1
    text = head + 'actors: [' + ', '.join(ids) + ']\n---\nText.\n'
elif kind == "identical-headings":
    text = head + '---\n' + repeat('## same\n\n')
elif kind == "nested-list-markers":
    text = head + '---\n' + repeat('* ', size // 2) + 'x\n'
open(path, 'w').write(text)
PY
}

printf '| input (%s bytes) | exit | wall (s) | peak RSS (MB) | within budget |\n| --- | --- | --- | --- | --- |\n' "$SIZE" | tee "$OUT/results.md"
status=0
for kind in refs-on-one-line unknown-actor-ids identical-headings nested-list-markers; do
  site "$kind"
  set +e
  /usr/bin/time -f '%e %M' -o "$OUT/$kind.time" timeout $((MAX_SECONDS * 30)) \
    "$BIN" build --quiet --root "$OUT/$kind" --output "$OUT/$kind-public" >/dev/null 2>"$OUT/$kind.stderr"
  code=$?
  set -e
  # GNU time writes "Command exited with non-zero status N" first on failure.
  read -r wall kb < <(tail -n 1 "$OUT/$kind.time") || true
  wall=${wall:-0}; kb=${kb:-0}
  mb=$((kb / 1024))
  ok=yes
  if [ "$code" -gt 1 ] || awk "BEGIN{exit !($wall > $MAX_SECONDS)}" || [ "$mb" -gt "$MAX_MB" ]; then ok=no; status=1; fi
  printf '| %s | %s | %s | %s | %s |\n' "$kind" "$code" "$wall" "$mb" "$ok" | tee -a "$OUT/results.md"
done
echo "diagnostics of each run: $OUT/*.stderr" >&2
exit $status
