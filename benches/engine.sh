#!/usr/bin/env bash
# storia build with its build cache (issue 13), against Hugo, in one run:
# from nothing, a rebuild with no change, a rebuild after a one-digest edit
# (a paragraph appended to the digest in the middle of the corpus), and
# Hugo's build from nothing. Prints one table (median wall time of RUNS
# runs, largest peak RSS). See benches/README.md.
#
#   benches/engine.sh                # sizes 1000 10000
#   benches/engine.sh 1000           # chosen sizes
#
# Environment:
#   CORPORA     folder holding storia-N/ and hugo-N/ corpora made by
#               ../shared/bench/gen_corpus.py (default: made in BENCH_OUT)
#   BENCH_OUT   work folder: site copies, outputs, caches (default
#               /tmp/storia-engine; on disk unless you point it at tmpfs)
#   RUNS        runs per measure (default 3)
#   STORIA_BIN  storia binary (default target/release/storia, built if missing)
#   HUGO_BIN    Hugo binary (default: `hugo` on PATH; none: no Hugo column)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_OUT=${BENCH_OUT:-/tmp/storia-engine}
RUNS=${RUNS:-3}
GEN_PY=${GEN_PY:-$ROOT/../shared/bench/gen_corpus.py}
HUGO_BIN=${HUGO_BIN:-$(command -v hugo || true)}
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000); fi
case $BENCH_OUT in
  /|"$ROOT"|"$ROOT"/*) echo "engine.sh: BENCH_OUT must be outside the repository" >&2; exit 2 ;;
esac
[ -x /usr/bin/time ] || { echo "engine.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

STORIA=${STORIA_BIN:-$ROOT/target/release/storia}
if [ ! -x "$STORIA" ]; then
  (cd "$ROOT" && cargo build --release --quiet --bin storia)
fi
mkdir -p "$BENCH_OUT"
cp "$STORIA" "$BENCH_OUT/storia"
STORIA=$BENCH_OUT/storia

# One timed command: prints "seconds KB" (GNU time), its output discarded.
timed() {
  /usr/bin/time -f '%e %M' -o "$BENCH_OUT/time" "$@" >/dev/null 2>"$BENCH_OUT/stderr" || {
    echo "engine.sh: failed: $*" >&2; tail -5 "$BENCH_OUT/stderr" >&2; exit 1; }
  cat "$BENCH_OUT/time"
}

# Median seconds and largest MB of "seconds KB" lines on stdin.
summary() {
  python3 -c '
import sys
rows = [l.split() for l in sys.stdin if l.strip()]
t = sorted(float(r[0]) for r in rows)
print(f"{t[len(t)//2]:.2f} s, {max(int(r[1]) for r in rows)//1024} MB")'
}

corpus() { # flavor size
  local dir
  if [ -n "${CORPORA:-}" ]; then dir=$CORPORA/$1-$2; else dir=$BENCH_OUT/corpus/$1-$2; fi
  if [ ! -d "$dir" ]; then
    python3 "$GEN_PY" --flavor "$1" --digests "$2" --seed 41 --out "$dir" >&2
  fi
  echo "$dir"
}

table="| digests | from nothing, cache on | from nothing, --no-cache | no change | one digest edited | Hugo from nothing |
| ---: | --- | --- | --- | --- | --- |"
for n in "${SIZES[@]}"; do
  echo "== $n digests" >&2
  site=$BENCH_OUT/site-$n
  rm -rf "$site" "$BENCH_OUT"/out-* "$BENCH_OUT"/cache-*
  cp -r "$(corpus storia "$n")" "$site"
  # Each build from nothing gets its own output and cache folders (on ext4,
  # files deleted just before slow down whoever creates files next).
  fresh=$(for i in $(seq "$RUNS"); do
    timed "$STORIA" build -q --root "$site" --output "$BENCH_OUT/out-fresh-$i" --cache-dir "$BENCH_OUT/cache-fresh-$i"
  done | summary)
  nocache=$(for i in $(seq "$RUNS"); do
    timed "$STORIA" build -q --root "$site" --output "$BENCH_OUT/out-nocache-$i" --no-cache
  done | summary)
  rm -rf "$BENCH_OUT"/out-fresh-* "$BENCH_OUT"/out-nocache-* "$BENCH_OUT"/cache-fresh-*
  out=$BENCH_OUT/out-$n cache=$BENCH_OUT/cache-$n
  "$STORIA" build -q --root "$site" --output "$out" --cache-dir "$cache" 2>/dev/null
  # Twice, so the spare tree exists as it does after any two builds.
  "$STORIA" build -q --root "$site" --output "$out" --cache-dir "$cache" 2>/dev/null
  same=$(for i in $(seq "$RUNS"); do
    timed "$STORIA" build -q --root "$site" --output "$out" --cache-dir "$cache"
  done | summary)
  middle=$(find "$site/content/digests" -name '*.md' | sort | sed -n "$((n / 2))p")
  edit=$(for i in $(seq "$RUNS"); do
    printf '\nUn paragrafo aggiunto alla prova %s.\n' "$i" >>"$middle"
    timed "$STORIA" build -q --root "$site" --output "$out" --cache-dir "$cache"
  done | summary)
  hugo="(no Hugo)"
  if [ -n "$HUGO_BIN" ]; then
    # A copy: Hugo writes its lock file and resources into the site.
    hsite=$BENCH_OUT/hugo-site-$n
    rm -rf "$hsite" && cp -r "$(corpus hugo "$n")" "$hsite"
    hugo=$(for i in $(seq "$RUNS"); do
      timed "$HUGO_BIN" --quiet --ignoreCache --source "$hsite" --destination "$BENCH_OUT/out-hugo-$i"
    done | summary)
    rm -rf "$BENCH_OUT"/out-hugo-* "$hsite"
  fi
  table+="
| $n | $fresh | $nocache | $same | $edit | $hugo |"
  rm -rf "$site" "$out" "$cache"
done
echo "storia $("$STORIA" --version 2>/dev/null | head -1), $(nproc) cores, BENCH_OUT=$BENCH_OUT ($(df -T "$BENCH_OUT" | awk 'NR==2{print $2}')), RUNS=$RUNS"
echo "$table"
