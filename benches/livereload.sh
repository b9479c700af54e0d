#!/usr/bin/env bash
# Live reload benchmark (issue 13): save → page reacts, storia serve and
# Hugo's server side by side on the generated corpora, one table.
#
#   benches/livereload.sh              # sizes 1000 10000
#   benches/livereload.sh 1000         # chosen sizes
#
# For each size and server: the corpus is copied to a work folder, the
# server started on it, the digest in the middle of the corpus (by file
# name) opened in Debian's Chromium by ../shared/site-checks/livereload_probe.mjs,
# and a paragraph appended to its file 5 times (`--repeat 5 --jitter 300`).
# Reported: the probe's median latency (edit on disk → the page reacts: a
# new document's navigation, or the first DOM change of a patch in place),
# the median time until the new paragraph's text is on screen, and the
# server's peak resident memory (VmHWM) after startup and after the edits.
#
# Environment:
#   BENCH_OUT   work folder (default /tmp/storia-livereload)
#   CORPORA     folder with {storia,hugo}-N corpora (default $BENCH_OUT/corpus;
#               missing ones are generated with gen_corpus.py --seed 41)
#   HUGO_BIN    Hugo 0.168 binary (default: `hugo` on PATH; none: storia only)
#   STORIA_BIN  storia binary (default: target/release/storia, built if missing)
#   STORIA_TOOLS_HOME  where setup.sh installed playwright-core (default /tmp/storia-tools)
#   REPEAT, JITTER     probe options (default 5 and 300)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_OUT=${BENCH_OUT:-/tmp/storia-livereload}
CORPORA=${CORPORA:-$BENCH_OUT/corpus}
REPEAT=${REPEAT:-5}
JITTER=${JITTER:-300}
export STORIA_TOOLS_HOME=${STORIA_TOOLS_HOME:-/tmp/storia-tools}
SHARED=$ROOT/../shared
PROBE=$SHARED/site-checks/livereload_probe.mjs
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000); fi
case $BENCH_OUT in
  /|"$ROOT"|"$ROOT"/*) echo "livereload.sh: BENCH_OUT must be outside the repository" >&2; exit 2 ;;
esac
log() { printf '%s\n' "$*" >&2; }

[ -d "$STORIA_TOOLS_HOME/node_modules/playwright-core" ] ||
  bash "$SHARED/site-checks/setup.sh" --no-smoke
STORIA_BIN=${STORIA_BIN:-$ROOT/target/release/storia}
[ -x "$STORIA_BIN" ] || (cd "$ROOT" && cargo build --release --quiet --bin storia)
HUGO_BIN=${HUGO_BIN:-$(command -v hugo || true)}

mkdir -p "$BENCH_OUT/sites" "$BENCH_OUT/logs" "$CORPORA"
SERVER_PID=
stop() { if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; fi; }
trap stop EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hwm_mb() { awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

# wait_for LOG TEXT SECONDS: until the server's log has TEXT.
wait_for() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -q "$2" "$1" && return 0
    [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null && break
    sleep 0.1
  done
  log "server did not get ready ($1):"; tail -n 20 "$1" >&2; return 1
}

# run TOOL N: starts TOOL's server on a copy of the N corpus, probes it,
# and prints "TOOL N latency text rss_start rss_after".
run() {
  local tool=$1 n=$2 corpus=$CORPORA/$1-$2 site=$BENCH_OUT/sites/$1-$2
  local port logf=$BENCH_OUT/logs/$1-$2.log
  if [ ! -d "$corpus" ]; then
    log "generating $corpus"
    python3 "$SHARED/bench/gen_corpus.py" --flavor "$tool" --digests "$n" --seed 41 --out "$corpus" >&2
  fi
  rm -rf "$site"; cp -r "$corpus" "$site"
  local file
  file=$(find "$site/content/digests" -name '*.md' | sort | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }')
  local slug; slug=$(basename "$file" .md)
  port=$(free_port)
  : >"$logf"
  if [ "$tool" = storia ]; then
    "$STORIA_BIN" serve --root "$site" --port "$port" --timings >"$logf" 2>&1 &
    SERVER_PID=$!
    wait_for "$logf" "^serving " 600
  else
    (cd "$site" && exec "$HUGO_BIN" server --port "$port" --ignoreCache) >"$logf" 2>&1 &
    SERVER_PID=$!
    wait_for "$logf" "Web Server is available" 600
  fi
  local rss_start; rss_start=$(hwm_mb "$SERVER_PID")
  local out=$BENCH_OUT/logs/$tool-$n.probe.json
  node "$PROBE" --repeat "$REPEAT" --jitter "$JITTER" --json --expect "Paragrafo di prova {n}." \
    "http://127.0.0.1:$port/digests/$slug/" \
    "printf '\n\nParagrafo di prova {n}.\n' >> '$file'" | tee "$BENCH_OUT/logs/$tool-$n.probe.txt" |
    grep '^{' >"$out" || true
  local rss_after; rss_after=$(hwm_mb "$SERVER_PID")
  stop
  python3 - "$out" "$tool" "$n" "$rss_start" "$rss_after" <<'EOF'
import json, statistics, sys
path, tool, n, start, after = sys.argv[1:]
try:
    runs = json.load(open(path))["runs"]
except Exception:
    runs = []
def med(key):
    xs = sorted(r[key] for r in runs if r.get("reacted") and isinstance(r.get(key), (int, float)))
    return str(xs[(len(xs) - 1) // 2]) if xs else "-"
print(tool, n, med("latency_ms"), med("text_ms"), start, after, sum(1 for r in runs if r.get("reacted")))
EOF
}

rows=()
for n in "${SIZES[@]}"; do
  rows+=("$(run storia "$n")")
  if [ -n "$HUGO_BIN" ]; then rows+=("$(run hugo "$n")"); fi
  rm -rf "$BENCH_OUT/sites"/*-"$n"
done

printf '\n| server | digests | save → page reacts (median ms) | save → new text shown (median ms) | VmHWM after start (MB) | VmHWM after %s edits (MB) | edits seen |\n' "$REPEAT"
printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n'
for r in "${rows[@]}"; do
  read -r tool n lat text s a ok <<<"$r"
  printf '| %s | %s | %s | %s | %s | %s | %s/%s |\n' "$tool" "$n" "$lat" "$text" "$s" "$a" "$ok" "$REPEAT"
done
